"""REST endpoints for recruiting: school partnerships, campaigns, candidates and their CVs, and headcount
against its targets (mounted by servicehub.api.api).

Reads go through restrict(): candidates are personal data that only recruiters and the managers of the
campaign's site reach; anyone else gets 404, exactly as for a missing candidate. Writes need a personal
access token and call the talent actions and nothing else; creations take an `Idempotency-Key`, and
changes to an existing campaign or candidate an `If-Match` too, as the demands' endpoints do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import NinjaJSONEncoder

from servicehub.api.auth import TokenAuth, auth_user
from servicehub.api.errors import FieldRefused
from servicehub.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from servicehub.api.idempotency import HEADER_DESCRIPTION as IDEMPOTENCY_DESCRIPTION
from servicehub.api.idempotency import Answer, answer_once
from servicehub.api.pagination import Orderings, paginate, search
from servicehub.api.preconditions import IF_MATCH_DESCRIPTION, entity_tag, require_match
from servicehub.api.schemas import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    UPDATE_ERRORS,
    ObjectId,
    OrganisationRef,
    PageOut,
    PageParams,
    SiteRef,
)
from servicehub.core import clock
from servicehub.core.choices import Currency, Persona
from servicehub.core.http import private_file
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, persona_in, visible_or_refused
from servicehub.demands.api import UserRef
from servicehub.org.models import Organisation, Site
from servicehub.people.api import SkillLevelOut
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Skill, Specialist
from servicehub.talent import actions, headcount
from servicehub.talent.choices import CampaignStatus, PartnershipActionKind, Stage
from servicehub.talent.models import (
    Campaign,
    CampaignSkill,
    Candidate,
    CandidateSkill,
    HeadcountTarget,
    Partnership,
    PartnershipAction,
    PartnershipContact,
    StageChange,
)
from servicehub.talent.querysets import (
    CAMPAIGN_EDITORS,
    HEADCOUNT_EDITORS,
    HEADCOUNT_READERS,
    PARTNERSHIP_EDITORS,
)

router = Router(tags=["talent"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias=IDEMPOTENCY_HEADER, min_length=1, max_length=255, description=IDEMPOTENCY_DESCRIPTION),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=1000, description=IF_MATCH_DESCRIPTION)]
LongText = Annotated[str, Field(max_length=10_000)]

#: Who reads and changes candidates, as CandidateQuerySet says (a site manager, their site's only).
CANDIDATE_STAFF = (Persona.RECRUITER, Persona.SITE_MANAGER)
#: How many dates one headcount report gives at most.
MAX_HEADCOUNT_DATES = 240


def _personas(personas: Sequence[Persona], note: str = "") -> str:
    allowed = ", ".join(f"`{p.value}`" for p in Persona if p in personas)
    return f"\n\nPersonas allowed: {allowed}{note}."


def _refuse_unless(user: User, personas: Sequence[Persona]) -> None:
    """A creation whose persona can never succeed is refused before any id in its body is looked up."""
    if not persona_in(user, *personas):
        raise PermissionDenied(_("You are not allowed to do this."))


def _encode(schema: type[Schema], obj: Any, request: HttpRequest) -> dict[str, Any]:
    # Encoded as ninja encodes its answers, so that a replayed answer is the same to the byte.
    data = schema.from_orm(obj, context={"request": request}).model_dump()
    body: dict[str, Any] = json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    return body


class SkillLevelIn(Schema):
    skill: str = Field(
        min_length=1, max_length=50, description="A skill code, as specialists' skills give it."
    )
    level: int = Field(ge=1, le=5, description="1 (notions) to 5 (expert).")


def _skills(user: User, entries: Sequence[SkillLevelIn], field: str) -> dict[Skill, int]:
    """The skills a body names by code, each once; an unknown or repeated one is refused on its row."""
    known = {
        skill.code: skill
        for skill in Skill.objects.restrict(user, Action.VIEW).filter(code__in={e.skill for e in entries})
    }
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.skill not in known:
            errors[f"{field}.{i}.skill"] = _("No such object, or you may not see it.")
        elif entry.skill in seen:
            errors[f"{field}.{i}.skill"] = _("%(id)s is listed twice") % {"id": entry.skill}
        seen.add(entry.skill)
    if errors:
        raise ValidationError(errors)
    return {known[entry.skill]: entry.level for entry in entries}


# --- partnerships ----------------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    name: str
    title: str
    email: str
    phone: str


class PartnershipOut(Schema):
    id: int
    school: OrganisationRef
    since: dt.date
    fields: str = Field(description="The school's fields the centre recruits in.")
    note: str
    created_at: dt.datetime


class PartnershipDetailOut(PartnershipOut):
    contacts: list[ContactOut]


class PartnershipPage(PageOut):
    items: list[PartnershipOut]


def _partnerships(user: User) -> models.QuerySet[Partnership]:
    return Partnership.objects.restrict(user, Action.VIEW).select_related("school")


def _partnership_details(user: User) -> models.QuerySet[Partnership]:
    return _partnerships(user).prefetch_related(
        Prefetch("contacts", PartnershipContact.objects.restrict(user, Action.VIEW).order_by("name", "id"))
    )


PARTNERSHIP_SORTS: Orderings = {"school": ["school__name"], "since": ["since"]}


class PartnershipQuery(PageParams):
    q: str | None = Field(
        None, max_length=100, description="Words to find in the school's name or code, or the fields."
    )
    sort: Literal["school", "-school", "since", "-since"] = "school"


@router.get(
    "/partnerships/", response={200: PartnershipPage, **LIST_ERRORS}, summary="List school partnerships"
)
def list_partnerships(request: HttpRequest, params: Query[PartnershipQuery]) -> dict[str, Any]:
    """Your organisation's partnerships with schools and universities: its directors, site managers,
    recruiters, resource managers and delivery leads see them; anyone else sees none."""
    rows = search(_partnerships(auth_user(request)), params.q, "school__name", "school__code", "fields")
    return paginate(rows, params, params.sort, PARTNERSHIP_SORTS)


@router.get(
    "/partnerships/{partnership_id}/",
    response={200: PartnershipDetailOut, **DETAIL_ERRORS},
    summary="Read a school partnership",
)
def get_partnership(request: HttpRequest, partnership_id: ObjectId) -> Partnership:
    """The partnership and its contacts at the school; what was done with it is under `actions/`."""
    user = auth_user(request)
    partnership: Partnership = get_visible_or_404(user, _partnership_details(user), pk=partnership_id)
    return partnership


class PartnershipIn(Schema):
    school: ObjectId = Field(description="The school (an organisation of kind `school`, by id).")
    since: dt.date = Field(description="Partner since.")
    fields: str = Field("", max_length=300, description="The school's fields the centre recruits in.")
    note: LongText = ""


@router.post(
    "/partnerships/",
    auth=TokenAuth(),
    response={201: PartnershipDetailOut, **CREATE_ERRORS},
    summary="Record a school partnership",
    description="Record your organisation's partnership with a school or university; one per school "
    "(another answers 422 on `school`)." + _personas(PARTNERSHIP_EDITORS),
)
def create_partnership(
    request: HttpRequest, payload: PartnershipIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        _refuse_unless(user, PARTNERSHIP_EDITORS)
        school = visible_or_refused(user, Organisation.objects.all(), payload.school, "school")
        partnership = actions.do_create_partnership(
            provider=user.organisation,
            school=school,
            since=payload.since,
            fields=payload.fields,
            note=payload.note,
            actor=user,
        )
        made = get_visible_or_404(user, _partnership_details(user), pk=partnership.pk)
        location = reverse("api:get_partnership", kwargs={"partnership_id": made.pk})
        return 201, _encode(PartnershipDetailOut, made, request), {"Location": location}

    return answer_once(request, user=user, key=idempotency_key, write=write)


class ContactIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    title: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


@router.post(
    "/partnerships/{partnership_id}/contacts/",
    auth=TokenAuth(),
    response={201: ContactOut, **CREATE_ERRORS, **DETAIL_ERRORS},
    summary="Add a contact at a partner school",
    description="Someone to call at the school (a dean, an internship office)."
    + _personas(PARTNERSHIP_EDITORS),
)
def add_partnership_contact(
    request: HttpRequest, partnership_id: ObjectId, payload: ContactIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        partnership: Partnership = get_visible_or_404(user, Partnership.objects.all(), pk=partnership_id)
        contact = actions.do_add_partnership_contact(
            partnership,
            name=payload.name,
            title=payload.title,
            email=payload.email,
            phone=payload.phone,
            actor=user,
        )
        location = reverse("api:get_partnership", kwargs={"partnership_id": partnership.pk})
        return 201, _encode(ContactOut, contact, request), {"Location": location}

    return answer_once(request, user=user, key=idempotency_key, write=write)


class PartnershipActionOut(Schema):
    id: int
    kind: PartnershipActionKind
    title: str
    site: SiteRef | None = Field(description="The site that hosted it, if one did.")
    starts_on: dt.date
    ends_on: dt.date
    people: int = Field(description="Interns hosted, students met or team size.")
    note: str
    created_at: dt.datetime


class PartnershipActionPage(PageOut):
    items: list[PartnershipActionOut]


PARTNERSHIP_ACTION_SORTS: Orderings = {
    "starts_on": ["starts_on"],
    "kind": ["kind", "starts_on"],
    "people": ["people"],
}


class PartnershipActionQuery(PageParams):
    kind: PartnershipActionKind | None = Field(None, description="Only the actions of this kind.")
    sort: Literal["starts_on", "-starts_on", "kind", "-kind", "people", "-people"] = "-starts_on"


@router.get(
    "/partnerships/{partnership_id}/actions/",
    response={200: PartnershipActionPage, **DETAIL_ERRORS},
    summary="List what was done with a partner school",
)
def list_partnership_actions(
    request: HttpRequest, partnership_id: ObjectId, params: Query[PartnershipActionQuery]
) -> dict[str, Any]:
    """Internships hosted, recruitment days and joint projects with the school, newest first by default."""
    user = auth_user(request)
    partnership: Partnership = get_visible_or_404(user, Partnership.objects.all(), pk=partnership_id)
    rows = (
        PartnershipAction.objects.restrict(user, Action.VIEW)
        .filter(partnership=partnership)
        .select_related("site")
    )
    if params.kind is not None:
        rows = rows.filter(kind=params.kind)
    return paginate(rows, params, params.sort, PARTNERSHIP_ACTION_SORTS)


class PartnershipActionIn(Schema):
    kind: PartnershipActionKind
    title: str = Field(min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date | None = Field(None, description="The last day; `starts_on` by default.")
    site: ObjectId | None = Field(None, description="The site (id) that hosted it, if one did.")
    people: int = Field(0, ge=0, le=100_000, description="Interns hosted, students met or team size.")
    note: LongText = ""


@router.post(
    "/partnerships/{partnership_id}/actions/",
    auth=TokenAuth(),
    response={201: PartnershipActionOut, **CREATE_ERRORS, **DETAIL_ERRORS},
    summary="Record what was done with a partner school",
    description="Internships hosted, a recruitment day, a joint project. An end before the start answers "
    "422 on `ends_on`." + _personas(PARTNERSHIP_EDITORS),
)
def record_partnership_action(
    request: HttpRequest,
    partnership_id: ObjectId,
    payload: PartnershipActionIn,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        partnership: Partnership = get_visible_or_404(user, Partnership.objects.all(), pk=partnership_id)
        site = (
            None
            if payload.site is None
            else visible_or_refused(user, Site.objects.all(), payload.site, "site")
        )
        action = actions.do_record_partnership_action(
            partnership,
            kind=payload.kind,
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            site=site,
            people=payload.people,
            note=payload.note,
            actor=user,
        )
        location = reverse("api:list_partnership_actions", kwargs={"partnership_id": partnership.pk})
        return 201, _encode(PartnershipActionOut, action, request), {"Location": location}

    return answer_once(request, user=user, key=idempotency_key, write=write)


# --- campaigns -------------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    title: str
    site: SiteRef
    role: Role
    openings: int
    opens_on: dt.date
    closes_on: dt.date
    status: CampaignStatus
    created_at: dt.datetime
    updated_at: dt.datetime


class StageCountOut(Schema):
    stage: Stage
    count: int


class CampaignDetailOut(CampaignOut):
    skills: list[SkillLevelOut] = Field(description="The skills wanted, each at its least level.")
    hiring_need: dict[str, Any] | None = Field(
        description="What the capacity forecast said, when the campaign answers one of its hiring needs."
    )
    created_by: UserRef | None
    candidates: list[StageCountOut] = Field(
        description="Candidates per stage, in pipeline order, among those you may see: recruiters and the "
        "managers of the campaign's site see them all; anyone else counts none."
    )

    @staticmethod
    def resolve_skills(obj: Campaign) -> list[CampaignSkill]:
        return sorted(obj.skill_levels.all(), key=lambda s: (-s.level, s.skill.name))

    @staticmethod
    def resolve_candidates(obj: Campaign, context: dict[str, Any]) -> list[dict[str, Any]]:
        user = auth_user(context["request"])
        counts = dict(
            Candidate.objects.restrict(user, Action.VIEW)
            .filter(campaign=obj)
            .order_by()
            .values("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
        return [{"stage": stage, "count": counts.get(stage.value, 0)} for stage in Stage]


class CampaignPage(PageOut):
    items: list[CampaignOut]


def _campaigns(user: User) -> models.QuerySet[Campaign]:
    return Campaign.objects.restrict(user, Action.VIEW).select_related("site")


def _campaign_details(user: User) -> models.QuerySet[Campaign]:
    return (
        _campaigns(user)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "skill_levels", CampaignSkill.objects.restrict(user, Action.VIEW).select_related("skill")
            )
        )
    )


def campaign_etag(campaign: Campaign) -> str:
    return entity_tag("campaign", campaign.pk, campaign.updated_at.isoformat(), campaign.status)


CAMPAIGN_SORTS: Orderings = {
    "opens_on": ["opens_on"],
    "closes_on": ["closes_on"],
    "title": ["title"],
    "status": ["status", "opens_on"],
    "site": ["site__name", "opens_on"],
}


class CampaignQuery(PageParams):
    site: ObjectId | None = Field(None, description="Only this site's campaigns (site id).")
    status: CampaignStatus | None = Field(None, description="Only the campaigns in this status.")
    role: Role | None = Field(None, description="Only the campaigns hiring for this role.")
    q: str | None = Field(None, max_length=100, description="Words to find in the title.")
    sort: Literal[
        "opens_on",
        "-opens_on",
        "closes_on",
        "-closes_on",
        "title",
        "-title",
        "status",
        "-status",
        "site",
        "-site",
    ] = "-opens_on"


@router.get("/campaigns/", response={200: CampaignPage, **LIST_ERRORS}, summary="List recruitment campaigns")
def list_campaigns(request: HttpRequest, params: Query[CampaignQuery]) -> dict[str, Any]:
    """Your organisation's campaigns: a site manager sees their site's, the other staff who plan and hire
    every site's; clients and specialists see none."""
    rows = _campaigns(auth_user(request))
    if params.site is not None:
        rows = rows.filter(site_id=params.site)
    if params.status is not None:
        rows = rows.filter(status=params.status)
    if params.role is not None:
        rows = rows.filter(role=params.role)
    rows = search(rows, params.q, "title")
    return paginate(rows, params, params.sort, CAMPAIGN_SORTS)


@router.get(
    "/campaigns/{campaign_id}/",
    response={200: CampaignDetailOut, **DETAIL_ERRORS},
    summary="Read a recruitment campaign",
)
def get_campaign(request: HttpRequest, campaign_id: ObjectId, response: HttpResponse) -> Campaign:
    """The campaign, the skills it wants and its candidates per stage. The `ETag` header identifies this
    version: send it back as `If-Match` to open or close it."""
    user = auth_user(request)
    campaign: Campaign = get_visible_or_404(user, _campaign_details(user), pk=campaign_id)
    response["ETag"] = campaign_etag(campaign)
    return campaign


def _campaign_answer(request: HttpRequest, user: User, campaign_id: int, *, status: int) -> Answer:
    campaign: Campaign = get_visible_or_404(user, _campaign_details(user), pk=campaign_id)
    headers = {"ETag": campaign_etag(campaign)}
    if status == 201:
        headers["Location"] = reverse("api:get_campaign", kwargs={"campaign_id": campaign.pk})
    return status, _encode(CampaignDetailOut, campaign, request), headers


class CampaignIn(Schema):
    site: ObjectId = Field(description="The site (id) that hires.")
    title: str = Field(min_length=1, max_length=200)
    role: Role
    openings: int = Field(ge=1, le=10_000)
    opens_on: dt.date
    closes_on: dt.date
    skills: list[SkillLevelIn] = Field(default_factory=list, description="The skills wanted, each once.")
    hiring_need: dict[str, Any] | None = Field(
        None,
        description="What the capacity forecast said, when the campaign answers one of its hiring needs.",
    )
    status: Literal["draft", "open"] = Field("open", description="Open to applications at once, or a draft.")


@router.post(
    "/campaigns/",
    auth=TokenAuth(),
    response={201: CampaignDetailOut, **CREATE_ERRORS},
    summary="Open a recruitment campaign",
    description="Openings for a role at a site, with the skills wanted (by skill code). A campaign that "
    "closes before it opens answers 422 on `closes_on`."
    + _personas(CAMPAIGN_EDITORS, " (a site manager, at their own site)"),
)
def create_campaign(
    request: HttpRequest, payload: CampaignIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        _refuse_unless(user, CAMPAIGN_EDITORS)
        site = visible_or_refused(user, Site.objects.all(), payload.site, "site")
        campaign = actions.do_create_campaign(
            site=site,
            title=payload.title,
            role=payload.role,
            openings=payload.openings,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            skills=_skills(user, payload.skills, "skills"),
            hiring_need=payload.hiring_need,
            status=CampaignStatus(payload.status),
            actor=user,
        )
        return _campaign_answer(request, user, campaign.pk, status=201)

    return answer_once(request, user=user, key=idempotency_key, write=write)


class CampaignStatusIn(Schema):
    status: CampaignStatus = Field(description="`open` takes applications; `draft` and `closed` do not.")


@router.post(
    "/campaigns/{campaign_id}/status/",
    auth=TokenAuth(),
    response={200: CampaignDetailOut, **UPDATE_ERRORS},
    summary="Open or close a recruitment campaign",
    description="Set the campaign's status; setting the one it has answers 422 on `status`."
    + _personas(CAMPAIGN_EDITORS, " (a site manager, at their own site)"),
)
def set_campaign_status(
    request: HttpRequest,
    campaign_id: ObjectId,
    payload: CampaignStatusIn,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        campaign: Campaign = get_visible_or_404(user, Campaign.objects.select_for_update(), pk=campaign_id)
        # Only whoever could change it is told it changed; anyone else gets the action's 403.
        if Campaign.objects.restrict(user, Action.CHANGE).filter(pk=campaign.pk).exists():
            require_match(
                if_match,
                campaign_etag(campaign),
                message=_("The campaign has changed since you read it. Read it again."),
            )
        actions.do_set_campaign_status(campaign, payload.status, actor=user)
        return _campaign_answer(request, user, campaign.pk, status=200)

    return answer_once(request, user=user, key=idempotency_key, write=write)


# --- candidates ------------------------------------------------------------------------------------------


class CampaignRef(Schema):
    id: int
    title: str


class CvOut(Schema):
    name: str
    size: int = Field(description="In bytes.")
    sha256: str = Field(description="The file's SHA-256, in hexadecimal: check what you download.")
    url: str = Field(description="Where to download the file (same authentication).")


def _cv(candidate: Candidate) -> dict[str, Any] | None:
    if not candidate.cv:
        return None
    return {
        "name": candidate.cv_name,
        "size": candidate.cv_size or 0,
        "sha256": candidate.cv_sha256,
        "url": reverse("api:get_candidate_cv", kwargs={"candidate_id": candidate.pk}),
    }


class CandidateOut(Schema):
    id: int
    name: str = Field(description="First and last name.")
    campaign: CampaignRef
    site: SiteRef = Field(description="The campaign's site.")
    stage: Stage
    stage_changed_at: dt.datetime
    applied_on: dt.date
    school: OrganisationRef | None
    graduation_year: int | None
    has_cv: bool

    @staticmethod
    def resolve_name(obj: Candidate) -> str:
        return obj.full_name

    @staticmethod
    def resolve_site(obj: Candidate) -> Site:
        return obj.campaign.site

    @staticmethod
    def resolve_has_cv(obj: Candidate) -> bool:
        return bool(obj.cv)


class StageChangeOut(Schema):
    from_stage: Stage | None = Field(description="Null for the application itself.")
    to_stage: Stage
    at: dt.datetime
    by: UserRef | None = Field(description="Null when the system moved the candidate (import, demo).")
    reason: str

    @staticmethod
    def resolve_from_stage(obj: StageChange) -> str | None:
        return obj.from_stage or None


class CandidateDetailOut(CandidateOut):
    first_name: str
    last_name: str
    email: str
    phone: str
    skills: list[SkillLevelOut]
    cv: CvOut | None = Field(description="The CV, if one was attached.")
    history: list[StageChangeOut] = Field(description="Every move in the pipeline, oldest first.")
    specialist: int | None = Field(description="The specialist (id) the hire made, once hired.")
    anonymised_at: dt.datetime | None = Field(
        description="When the retention purge cleared the candidate's personal data, if it has."
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_skills(obj: Candidate) -> list[CandidateSkill]:
        return sorted(obj.skill_levels.all(), key=lambda s: (-s.level, s.skill.name))

    @staticmethod
    def resolve_cv(obj: Candidate) -> dict[str, Any] | None:
        return _cv(obj)

    @staticmethod
    def resolve_history(obj: Candidate) -> list[StageChange]:
        return list(obj.stage_changes.all())

    @staticmethod
    def resolve_specialist(obj: Candidate) -> int | None:
        return obj.specialist_id


class HiredOut(CandidateDetailOut):
    specialist: int = Field(description="The specialist (id) the hire made: GET /specialists/{id}/.")


class CandidatePage(PageOut):
    items: list[CandidateOut]


def _candidates(user: User) -> models.QuerySet[Candidate]:
    return Candidate.objects.restrict(user, Action.VIEW).select_related("campaign__site", "school")


def _candidate_details(user: User) -> models.QuerySet[Candidate]:
    # The parts go through their own doors too, so that a narrower rule on them can never leak.
    return _candidates(user).prefetch_related(
        Prefetch("skill_levels", CandidateSkill.objects.restrict(user, Action.VIEW).select_related("skill")),
        Prefetch(
            "stage_changes",
            StageChange.objects.restrict(user, Action.VIEW).select_related("by").order_by("at", "id"),
        ),
    )


def candidate_etag(candidate: Candidate) -> str:
    return entity_tag("candidate", candidate.pk, candidate.updated_at.isoformat(), candidate.stage)


CANDIDATE_SORTS: Orderings = {
    "name": ["last_name", "first_name"],
    "applied_on": ["applied_on"],
    "stage": ["stage", "stage_changed_at"],
    "stage_changed_at": ["stage_changed_at"],
}


class CandidateQuery(PageParams):
    campaign: ObjectId | None = Field(None, description="Only this campaign's candidates (id).")
    stage: Stage | None = Field(None, description="Only the candidates at this stage.")
    site: ObjectId | None = Field(None, description="Only the candidates of this site's campaigns (site id).")
    q: str | None = Field(None, max_length=100, description="Words to find in the name or email.")
    sort: Literal[
        "name",
        "-name",
        "applied_on",
        "-applied_on",
        "stage",
        "-stage",
        "stage_changed_at",
        "-stage_changed_at",
    ] = "-applied_on"


@router.get("/candidates/", response={200: CandidatePage, **LIST_ERRORS}, summary="List candidates")
def list_candidates(request: HttpRequest, params: Query[CandidateQuery]) -> dict[str, Any]:
    """Candidates are personal data: recruiters see every campaign's, a site manager their site's, and
    anyone else (directors included) none."""
    rows = _candidates(auth_user(request))
    if params.campaign is not None:
        rows = rows.filter(campaign_id=params.campaign)
    if params.stage is not None:
        rows = rows.filter(stage=params.stage)
    if params.site is not None:
        rows = rows.filter(campaign__site_id=params.site)
    rows = search(rows, params.q, "first_name", "last_name", "email")
    return paginate(rows, params, params.sort, CANDIDATE_SORTS)


@router.get(
    "/candidates/{candidate_id}/",
    response={200: CandidateDetailOut, **DETAIL_ERRORS},
    summary="Read a candidate",
)
def get_candidate(request: HttpRequest, candidate_id: ObjectId, response: HttpResponse) -> Candidate:
    """The candidate with their skills, CV and stage history. The `ETag` header identifies this version:
    send it back as `If-Match` to move or hire them."""
    user = auth_user(request)
    candidate: Candidate = get_visible_or_404(user, _candidate_details(user), pk=candidate_id)
    response["ETag"] = candidate_etag(candidate)
    return candidate


def _candidate_answer(
    request: HttpRequest,
    user: User,
    candidate_id: int,
    *,
    status: int,
    schema: type[Schema] = CandidateDetailOut,
) -> Answer:
    """The candidate as they now are, read back through the caller's door inside the write's transaction."""
    candidate: Candidate = get_visible_or_404(user, _candidate_details(user), pk=candidate_id)
    headers = {"ETag": candidate_etag(candidate)}
    if status == 201:
        headers["Location"] = reverse("api:get_candidate", kwargs={"candidate_id": candidate.pk})
    return status, _encode(schema, candidate, request), headers


class CandidateIn(Schema):
    campaign: ObjectId = Field(description="An open campaign (id) the candidate applies to.")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    school: ObjectId | None = Field(
        None, description="Their school (an organisation of kind `school`, by id)."
    )
    graduation_year: int | None = Field(None, ge=1950, le=2100)
    skills: list[SkillLevelIn] = Field(default_factory=list, description="Their skills, each once.")
    applied_on: dt.date | None = Field(None, description="Today by default.")


@router.post(
    "/candidates/",
    auth=TokenAuth(),
    response={201: CandidateDetailOut, **CREATE_ERRORS},
    summary="Add a candidate",
    description="A candidate applying to an open campaign, at stage `applied`; attach the CV afterwards "
    "(POST /candidates/{id}/cv/). A closed or draft campaign, or one you may not see, answers 422 on "
    "`campaign`." + _personas(CANDIDATE_STAFF, " (a site manager, to their site's campaigns)"),
)
def create_candidate(
    request: HttpRequest, payload: CandidateIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        _refuse_unless(user, CANDIDATE_STAFF)
        campaign = visible_or_refused(user, Campaign.objects.all(), payload.campaign, "campaign")
        school = (
            None
            if payload.school is None
            else visible_or_refused(user, Organisation.objects.all(), payload.school, "school")
        )
        candidate = actions.do_add_candidate(
            campaign,
            first_name=payload.first_name,
            last_name=payload.last_name,
            email=payload.email,
            phone=payload.phone,
            school=school,
            graduation_year=payload.graduation_year,
            skills=_skills(user, payload.skills, "skills"),
            applied_on=payload.applied_on,
            actor=user,
        )
        return _candidate_answer(request, user, candidate.pk, status=201)

    return answer_once(request, user=user, key=idempotency_key, write=write)


@router.post(
    "/candidates/{candidate_id}/cv/",
    auth=TokenAuth(),
    response={201: CvOut, **CREATE_ERRORS, **DETAIL_ERRORS},
    summary="Attach a candidate's CV",
    description="Send the CV as the multipart field `cv`: a PDF (.pdf) of at most 5 MB, without active "
    "content (scripts, launch actions, embedded files); anything else answers 422 on `cv`. It replaces "
    "the CV the candidate had." + _personas(CANDIDATE_STAFF, " (a site manager, their site's candidates)"),
)
def upload_candidate_cv(
    request: HttpRequest,
    candidate_id: ObjectId,
    cv: File[UploadedFile],
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        candidate: Candidate = get_visible_or_404(user, Candidate.objects.all(), pk=candidate_id)
        candidate = actions.do_attach_cv(candidate, cv, actor=user)
        body = CvOut(**(_cv(candidate) or {})).model_dump()
        return 201, body, {"Location": body["url"]}

    return answer_once(request, user=user, key=idempotency_key, write=write)


@router.get(
    "/candidates/{candidate_id}/cv/",
    response={200: None, **DETAIL_ERRORS},
    summary="Download a candidate's CV",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The PDF, as an attachment.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_candidate_cv(request: HttpRequest, candidate_id: ObjectId) -> HttpResponseBase:
    """The CV itself, under the name it was sent with; 404 when the candidate has none."""
    candidate: Candidate = get_visible_or_404(auth_user(request), Candidate.objects.all(), pk=candidate_id)
    return private_file(
        candidate.cv, name=candidate.cv_name or "cv.pdf", content_type="application/pdf", personal=True
    )


def _change_candidate(
    request: HttpRequest,
    candidate_id: int,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    act: Callable[[Candidate, User], object],
    schema: type[Schema] = CandidateDetailOut,
) -> HttpResponse:
    """Lock the candidate, check the caller's If-Match, run the action and answer the candidate as now."""
    user = auth_user(request)

    def write() -> Answer:
        # Whoever sees a candidate may change them (CandidateQuerySet): the ETag always counts.
        candidate: Candidate = get_visible_or_404(
            user, Candidate.objects.select_for_update(of=("self",)), pk=candidate_id
        )
        require_match(
            if_match,
            candidate_etag(candidate),
            message=_("The candidate has changed since you read them. Read them again."),
        )
        act(candidate, user)
        return _candidate_answer(request, user, candidate.pk, status=200, schema=schema)

    return answer_once(request, user=user, key=idempotency_key, write=write)


class MoveIn(Schema):
    stage: Stage = Field(
        description="The next stage of the pipeline (applied → screened → interview → offer), or "
        "`rejected` or `withdrew`. `hired` is reached through POST /candidates/{id}/hire/."
    )
    reason: LongText = Field("", description="Why: required to reject a candidate or record a withdrawal.")


@router.post(
    "/candidates/{candidate_id}/move/",
    auth=TokenAuth(),
    response={200: CandidateDetailOut, **UPDATE_ERRORS},
    summary="Move a candidate in the pipeline",
    description="One stage forward at a time, or out (`rejected`, `withdrew`) with a `reason`. Any other "
    "move, or a move from a closed file (hired, rejected, withdrew), answers 422 on `stage`; a "
    "rejection or withdrawal without a reason, 422 on `reason`."
    + _personas(CANDIDATE_STAFF, " (a site manager, their site's candidates)"),
)
def move_candidate(
    request: HttpRequest,
    candidate_id: ObjectId,
    payload: MoveIn,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    return _change_candidate(
        request,
        candidate_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        act=lambda candidate, user: actions.do_move_candidate(
            candidate, payload.stage, reason=payload.reason, actor=user
        ),
    )


class HireIn(Schema):
    employee_number: str = Field(min_length=1, max_length=20)
    starts_on: dt.date = Field(description="The first working day: their capacity counts from it.")
    grade: str = Field(
        min_length=1, max_length=20, description="A grade code, as specialists' grades give it."
    )
    hourly_cost: Decimal = Field(ge=Decimal("0"), max_digits=10, decimal_places=2, examples=["150.00"])
    cost_currency: Currency
    role: Role | None = Field(None, description="The campaign's role by default.")
    site: ObjectId | None = Field(None, description="A site (id) of the provider; the campaign's by default.")
    weekly_hours: Decimal = Field(
        Decimal("44.0"), ge=Decimal("1"), le=Decimal("60"), max_digits=4, decimal_places=1, examples=["44"]
    )
    skills: list[SkillLevelIn] | None = Field(None, description="The candidate's skills by default.")


def _hire(candidate: Candidate, user: User, payload: HireIn) -> Specialist:
    grade = Grade.objects.restrict(user, Action.VIEW).filter(code=payload.grade).first()
    if grade is None:
        raise ValidationError({"grade": _("No such object, or you may not see it.")})
    site = (
        None if payload.site is None else visible_or_refused(user, Site.objects.all(), payload.site, "site")
    )
    return actions.do_hire_candidate(
        candidate,
        employee_number=payload.employee_number,
        starts_on=payload.starts_on,
        grade=grade,
        hourly_cost=payload.hourly_cost,
        cost_currency=payload.cost_currency,
        role=payload.role,
        site=site,
        weekly_hours=payload.weekly_hours,
        skills=None if payload.skills is None else _skills(user, payload.skills, "skills"),
        actor=user,
    )


@router.post(
    "/candidates/{candidate_id}/hire/",
    auth=TokenAuth(),
    response={200: HiredOut, **UPDATE_ERRORS},
    summary="Hire a candidate",
    description="Turn an accepted offer into a specialist: at the campaign's site and in its role unless "
    "given, with the candidate's skills unless given. The answer's `specialist` is the new specialist's "
    "id. A candidate without an offer answers 422 on `stage`; an employee number in use, 422 on "
    "`employee_number`." + _personas(CANDIDATE_STAFF, " (a site manager, their site's candidates)"),
)
def hire_candidate(
    request: HttpRequest,
    candidate_id: ObjectId,
    payload: HireIn,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    return _change_candidate(
        request,
        candidate_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        act=lambda candidate, user: _hire(candidate, user, payload),
        schema=HiredOut,
    )


# --- headcount -------------------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    site: SiteRef
    on: dt.date = Field(description="The day by which the site aims at this headcount.")
    headcount: int
    note: str
    updated_at: dt.datetime


class TargetPage(PageOut):
    items: list[TargetOut]


TARGET_SORTS: Orderings = {"on": ["on"], "site": ["site__name", "on"], "headcount": ["headcount"]}


class TargetQuery(PageParams):
    site: ObjectId | None = Field(None, description="Only this site's targets (site id).")
    start: dt.date | None = Field(None, alias="from", description="Targets on or after this day.")
    end: dt.date | None = Field(None, alias="to", description="Targets on or before this day.")
    sort: Literal["on", "-on", "site", "-site", "headcount", "-headcount"] = "on"


@router.get(
    "/headcount-targets/", response={200: TargetPage, **LIST_ERRORS}, summary="List headcount targets"
)
def list_headcount_targets(request: HttpRequest, params: Query[TargetQuery]) -> dict[str, Any]:
    """The headcount each site aims at by a date (its plan is the series of them): the staff who plan and
    hire see every site's; clients and specialists see none."""
    rows = HeadcountTarget.objects.restrict(auth_user(request), Action.VIEW).select_related("site")
    if params.site is not None:
        rows = rows.filter(site_id=params.site)
    if params.start is not None:
        rows = rows.filter(on__gte=params.start)
    if params.end is not None:
        rows = rows.filter(on__lte=params.end)
    return paginate(rows, params, params.sort, TARGET_SORTS)


class TargetIn(Schema):
    site: ObjectId = Field(description="The site (id).")
    on: dt.date = Field(description="The day by which the site aims at the headcount.")
    headcount: int = Field(ge=0, le=1_000_000)
    note: str = Field("", max_length=200)


@router.post(
    "/headcount-targets/",
    auth=TokenAuth(),
    response={200: TargetOut, 201: TargetOut, **CREATE_ERRORS},
    summary="Set a headcount target",
    description="Set the headcount a site aims at by a day: 201 when the site had no target that day, 200 "
    "when this changes the one it had." + _personas(HEADCOUNT_EDITORS, " (a site manager, their own site's)"),
)
def set_headcount_target(
    request: HttpRequest, payload: TargetIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        _refuse_unless(user, HEADCOUNT_EDITORS)
        site = visible_or_refused(user, Site.objects.all(), payload.site, "site")
        existed = (
            HeadcountTarget.objects.restrict(user, Action.VIEW).filter(site=site, on=payload.on).exists()
        )
        target = actions.do_set_headcount_target(
            site, on=payload.on, headcount=payload.headcount, note=payload.note, actor=user
        )
        target = get_visible_or_404(user, HeadcountTarget.objects.select_related("site"), pk=target.pk)
        return (200 if existed else 201), _encode(TargetOut, target, request), {}

    return answer_once(request, user=user, key=idempotency_key, write=write)


class HeadcountPointOut(Schema):
    on: dt.date
    headcount: int = Field(description="Specialists hired on or before the day who had not left by it.")
    target: int | None = Field(
        description="The planned headcount that day: linear between two targets, the last one's after it, "
        "null before the first (or, in `total`, when a site has none yet)."
    )


class MilestoneOut(Schema):
    on: dt.date
    headcount: int


class HeadcountSiteOut(Schema):
    site: SiteRef
    points: list[HeadcountPointOut] = Field(description="The headcount on each of `dates`.")
    targets: list[MilestoneOut] = Field(description="All the site's targets, in date order.")


class HeadcountOut(Schema):
    dates: list[dt.date]
    total: list[HeadcountPointOut] = Field(description="Every listed site together.")
    sites: list[HeadcountSiteOut]


class HeadcountQuery(Schema):
    site: ObjectId | None = Field(None, description="Only this site (id); every site by default.")
    start: dt.date | None = Field(
        None,
        alias="from",
        description="The first day of the period; by default the first of the month 11 months before `to`'s.",
    )
    end: dt.date | None = Field(None, alias="to", description="The last day of the period; today by default.")
    every: Literal["month", "quarter", "year"] = Field(
        "month",
        description="The dates: the last day of each month, quarter or year in the period, and `to` itself.",
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _points(
    days: Sequence[dt.date], actual: Sequence[int], target: Sequence[int | None]
) -> list[dict[str, Any]]:
    return [
        {"on": day, "headcount": count, "target": planned}
        for day, count, planned in zip(days, actual, target, strict=True)
    ]


@router.get("/headcount/", response={200: HeadcountOut, **LIST_ERRORS}, summary="Headcount over time")
def get_headcount(request: HttpRequest, params: Query[HeadcountQuery]) -> dict[str, Any]:
    """Each site's actual headcount on a series of dates (month ends by default) against its targets. The
    staff who plan and hire see every site of their organisation, a site manager their own site; anyone
    else gets no sites."""
    user = auth_user(request)
    end = params.end or clock.localdate()
    # By default the twelve months that end with `to`'s.
    start = params.start or _months_before(end, 11)
    if end < start:
        raise FieldRefused("to", _("The period must end on or after its first day."), location="query")
    days = headcount.month_ends(start, end, {"month": 1, "quarter": 3, "year": 12}[params.every])
    if len(days) > MAX_HEADCOUNT_DATES:
        raise FieldRefused(
            "from",
            _("Ask for at most %(count)s dates: a shorter period, or a longer step.")
            % {"count": MAX_HEADCOUNT_DATES},
            location="query",
        )
    # A site manager reads their own site's only: they see no other site's people (headcount.sites_shown).
    sites = headcount.sites_shown(user).filter(provider_id=user.organisation_id)
    if params.site is not None:
        sites = sites.filter(pk=visible_or_refused(user, Site.objects.all(), params.site, "site").pk)
    if not persona_in(user, *HEADCOUNT_READERS):
        sites = sites.none()
    listed = list(sites)
    counts = headcount.headcount_on(user, listed, days)
    plans = headcount.targets(user, listed)
    planned = {site.pk: [headcount.target_on(plans[site.pk], day) for day in days] for site in listed}
    rows = [
        {
            "site": site,
            "points": _points(days, counts[site.pk], planned[site.pk]),
            "targets": plans[site.pk],
        }
        for site in listed
    ]
    per_day = range(len(days))
    total_targets = [[planned[site.pk][i] for site in listed] for i in per_day]
    total = _points(
        days,
        [sum(counts[site.pk][i] for site in listed) for i in per_day],
        [None if not listed or None in day else sum(t or 0 for t in day) for day in total_targets],
    )
    return {"dates": days, "total": total, "sites": rows}
