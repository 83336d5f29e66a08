"""REST endpoints for specialists (mounted by servicehub.api.api).

Hourly cost is left out on purpose: restrict("view") lets a specialist see the
colleagues of their site, and there is no permission yet that says who may see pay.
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from servicehub.api.auth import auth_user
from servicehub.api.pagination import Orderings, paginate, search
from servicehub.api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    DecimalString,
    ObjectId,
    OrganisationRef,
    PageOut,
    PageParams,
    SiteRef,
)
from servicehub.core.tenancy import Action, get_visible_or_404
from servicehub.people.choices import Role, SkillFamily
from servicehub.people.models import Specialist, SpecialistSkill

router = Router(tags=["specialists"])


class GradeOut(Schema):
    code: str
    name: str
    rank: int


class SpecialistOut(Schema):
    id: int
    employee_number: str
    first_name: str
    last_name: str
    site: SiteRef
    role: Role
    grade: GradeOut
    weekly_hours: DecimalString
    hired_on: dt.date
    active: bool


class SkillLevelOut(Schema):
    code: str
    name: str
    family: SkillFamily
    level: int = Field(ge=1, le=5, description="1 (notions) to 5 (expert).")

    @staticmethod
    def resolve_code(obj: SpecialistSkill) -> str:
        return obj.skill.code

    @staticmethod
    def resolve_name(obj: SpecialistSkill) -> str:
        return obj.skill.name

    @staticmethod
    def resolve_family(obj: SpecialistSkill) -> str:
        return obj.skill.family


class SpecialistDetailOut(SpecialistOut):
    school: OrganisationRef | None
    skills: list[SkillLevelOut]

    @staticmethod
    def resolve_skills(obj: Specialist) -> list[SpecialistSkill]:
        # Strongest first; the prefetch already holds them, so sorting here costs no query.
        return sorted(obj.skill_levels.all(), key=lambda s: (-s.level, s.skill.name))


class SpecialistPage(PageOut):
    items: list[SpecialistOut]


SPECIALIST_SORTS: Orderings = {
    "name": ["last_name", "first_name"],
    "employee_number": ["employee_number"],
    "hired_on": ["hired_on"],
    "role": ["role", "last_name", "first_name"],
    "site": ["site__name", "last_name", "first_name"],
}


class SpecialistQuery(PageParams):
    site: ObjectId | None = Field(None, description="Only this site's specialists (site id).")
    role: Role | None = None
    active: bool | None = Field(None, description="true: still employed; false: left. Both when absent.")
    q: str | None = Field(None, max_length=100, description="Words to find in the name or employee number.")
    sort: Literal[
        "name",
        "-name",
        "employee_number",
        "-employee_number",
        "hired_on",
        "-hired_on",
        "role",
        "-role",
        "site",
        "-site",
    ] = "name"


@router.get("/specialists/", response={200: SpecialistPage, **LIST_ERRORS})
def list_specialists(request: HttpRequest, params: Query[SpecialistQuery]) -> dict[str, Any]:
    """The provider's specialists you may see; clients see none."""
    rows = Specialist.objects.restrict(auth_user(request), Action.VIEW).select_related("site", "grade")
    if params.site is not None:
        rows = rows.filter(site_id=params.site)
    if params.role:
        rows = rows.filter(role=params.role)
    if params.active is not None:
        rows = rows.filter(active=params.active)
    rows = search(rows, params.q, "first_name", "last_name", "employee_number")
    return paginate(rows, params, params.sort, SPECIALIST_SORTS)


@router.get("/specialists/{specialist_id}/", response={200: SpecialistDetailOut, **DETAIL_ERRORS})
def get_specialist(request: HttpRequest, specialist_id: ObjectId) -> Specialist:
    user = auth_user(request)
    skill_levels = SpecialistSkill.objects.restrict(user, Action.VIEW).select_related("skill")
    rows = Specialist.objects.select_related("site", "grade", "school").prefetch_related(
        Prefetch("skill_levels", skill_levels)
    )
    specialist: Specialist = get_visible_or_404(user, rows, pk=specialist_id)
    return specialist
