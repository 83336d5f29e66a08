"""REST endpoints for organisations and sites (mounted by servicehub.api.api)."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from servicehub.api.auth import auth_user
from servicehub.api.pagination import Orderings, paginate, search
from servicehub.api.schemas import DETAIL_ERRORS, LIST_ERRORS, ObjectId, OrganisationRef, PageOut, PageParams
from servicehub.core.tenancy import Action, get_visible_or_404
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site

router = Router(tags=["organisations and sites"])


# --- organisations ---------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: OrganisationKind
    parent_id: int | None
    country: str
    city: str


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


ORGANISATION_SORTS: Orderings = {"name": ["name"], "code": ["code"], "kind": ["kind", "name"]}


class OrganisationQuery(PageParams):
    kind: OrganisationKind | None = None
    q: str | None = Field(None, max_length=100, description="Words to find in the name or code.")
    sort: Literal["name", "-name", "code", "-code", "kind", "-kind"] = "name"


@router.get("/organisations/", response={200: OrganisationPage, **LIST_ERRORS})
def list_organisations(request: HttpRequest, params: Query[OrganisationQuery]) -> dict[str, Any]:
    """Organisations you may see: a client sees its own tree and the providers serving it."""
    rows = Organisation.objects.restrict(auth_user(request), Action.VIEW)
    if params.kind:
        rows = rows.filter(kind=params.kind)
    rows = search(rows, params.q, "name", "code")
    return paginate(rows, params, params.sort, ORGANISATION_SORTS)


@router.get("/organisations/{organisation_id}/", response={200: OrganisationOut, **DETAIL_ERRORS})
def get_organisation(request: HttpRequest, organisation_id: ObjectId) -> Organisation:
    user = auth_user(request)
    organisation: Organisation = get_visible_or_404(user, Organisation.objects.all(), pk=organisation_id)
    return organisation


# --- sites -----------------------------------------------------------------------------------------------


class SiteOut(Schema):
    id: int
    code: str
    name: str
    provider: OrganisationRef
    city: str
    address: str
    timezone: str = Field(description="IANA time zone, e.g. Africa/Casablanca.")
    opened_on: dt.date
    seats: int


class SitePage(PageOut):
    items: list[SiteOut]


SITE_SORTS: Orderings = {
    "name": ["name"],
    "code": ["code"],
    "city": ["city", "name"],
    "opened_on": ["opened_on"],
    "seats": ["seats"],
}


class SiteQuery(PageParams):
    q: str | None = Field(None, max_length=100, description="Words to find in the name, code or city.")
    sort: Literal[
        "name", "-name", "code", "-code", "city", "-city", "opened_on", "-opened_on", "seats", "-seats"
    ] = "opened_on"


@router.get("/sites/", response={200: SitePage, **LIST_ERRORS})
def list_sites(request: HttpRequest, params: Query[SiteQuery]) -> dict[str, Any]:
    """Service centres you may see: a client sees the sites serving its contracts."""
    rows = Site.objects.restrict(auth_user(request), Action.VIEW).select_related("provider")
    rows = search(rows, params.q, "name", "code", "city")
    return paginate(rows, params, params.sort, SITE_SORTS)


@router.get("/sites/{site_id}/", response={200: SiteOut, **DETAIL_ERRORS})
def get_site(request: HttpRequest, site_id: ObjectId) -> Site:
    site: Site = get_visible_or_404(auth_user(request), Site.objects.select_related("provider"), pk=site_id)
    return site
