"""Recruitment campaigns: the list (with its candidates by stage, for those who may see candidates),
one campaign's page, a new campaign (several skills wanted, each with its least level), closing and
reopening with a confirmation, and the hiring needs of the capacity forecast, each one click away from
a campaign form filled in from it.

Views parse and render; `do_create_campaign` and `do_set_campaign_status` check again and audit. The
hiring needs come from `talent.hiring`, which reads the forecast through `restrict()`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from servicehub.core import clock
from servicehub.core.choices import Persona
from servicehub.core.forms import add_action_errors
from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.lists import Column, ListFilter, ListSpec, choices_from, choices_from_enum, render_list
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, persona_in
from servicehub.org.models import Site
from servicehub.people.choices import Role
from servicehub.people.models import Skill
from servicehub.planning.adapter import monday_of
from servicehub.planning.forecast import MAX_WEEKS
from servicehub.talent import actions
from servicehub.talent.choices import CampaignStatus, Stage
from servicehub.talent.hiring import NEED_WEEKS, ROLE, SKILL, HiringNeed, NeedKey, find_need, hiring_needs
from servicehub.talent.models import Campaign, CampaignSkill, Candidate
from servicehub.talent.querysets import CAMPAIGN_EDITORS
from servicehub.talent.views.schools import DATE, ensure_talent_reader

#: Where the candidate board lives if its page is not routed yet (it is another part's page).
CANDIDATE_BOARD_PATH = "/talent/candidates/"
#: Blank skill rows the form offers beside those already filled in.
SKILL_ROWS = 4
MAX_SKILLS = 20
#: The status each status may move to from the campaign's page, and the button that does it.
#: The days a forecast may start on: its weeks are counted in dates, which end in year 9999.
FORECAST_DAYS = [MinValueValidator(dt.date(2000, 1, 1)), MaxValueValidator(dt.date(2100, 12, 31))]
NEXT_STATUSES: dict[str, tuple[CampaignStatus, ...]] = {
    CampaignStatus.DRAFT: (CampaignStatus.OPEN, CampaignStatus.CLOSED),
    CampaignStatus.OPEN: (CampaignStatus.CLOSED,),
    CampaignStatus.CLOSED: (CampaignStatus.OPEN,),
}


def may_open_campaigns(user: User) -> bool:
    return persona_in(user, *CAMPAIGN_EDITORS)


def campaign_sites(user: User) -> QuerySet[Site]:
    """The sites the user may run campaigns at, or read them for: a site manager's own site only."""
    sites = Site.objects.restrict(user, Action.VIEW).filter(provider_id=user.organisation_id).order_by("name")
    if persona_in(user, Persona.SITE_MANAGER):
        sites = sites.filter(pk=user.site_id) if user.site_id is not None else sites.none()
    return sites


def sees_candidates(user: User) -> bool:
    """Whether the candidates' querysets give the user any (recruiters, site managers): others see
    campaigns without their pipeline, candidates being personal data."""
    return not Candidate.objects.restrict(user, Action.VIEW).query.is_empty()


def candidate_board_url(campaign: Campaign) -> str:
    try:
        board = reverse("talent:candidate-board")
    except NoReverseMatch:
        board = CANDIDATE_BOARD_PATH
    return f"{board}?campaign={campaign.pk}"


# ---------------------------------------------------------------------------
# The list

#: Stages shown as columns of the list; rejected and withdrew together as "ended".
STAGE_COLUMNS: list[tuple[str, str | Promise]] = [
    (Stage.APPLIED, Stage.APPLIED.label),
    (Stage.SCREENED, Stage.SCREENED.label),
    (Stage.INTERVIEW, Stage.INTERVIEW.label),
    (Stage.OFFER, Stage.OFFER.label),
    (Stage.HIRED, Stage.HIRED.label),
]


def campaign_list_spec(with_candidates: bool) -> ListSpec:
    columns = [
        Column("title", gettext_lazy("Campaign"), ("title",)),
        Column("site", gettext_lazy("Site"), ("site__name",)),
        Column("status", gettext_lazy("Status"), ("status_rank",)),
        Column("opens", gettext_lazy("Opens on"), ("-opens_on",)),
        Column("closes", gettext_lazy("Closes on"), ("closes_on",)),
        Column("openings", gettext_lazy("Openings"), ("-openings",), numeric=True),
    ]
    if with_candidates:
        columns += [Column(f"stage_{stage}", label, numeric=True) for stage, label in STAGE_COLUMNS]
        columns += [
            Column("ended", gettext_lazy("Rejected or withdrew"), numeric=True),
            Column("candidates", gettext_lazy("Candidates"), ("-candidate_count",), numeric=True),
        ]
    return ListSpec(
        columns=columns,
        search_fields=["title", "site__name"],
        default_sort="opens",
        template_name="talent/campaign_list.html",
        partial_template_name="talent/_campaign_results.html",
        search_label=gettext_lazy("Search by title or site"),
        empty_title=gettext_lazy("No campaign yet"),
        empty_hint=gettext_lazy(
            "A campaign recruits for a role at a site: its openings, the skills wanted and its candidates."
        ),
    )


def _count(candidates: QuerySet[Candidate], **lookup: Any) -> Coalesce:
    rows = (
        candidates.filter(campaign=OuterRef("pk"), **lookup)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def campaigns_for_list(user: User, *, with_candidates: bool) -> QuerySet[Campaign]:
    """Visible campaigns with their site and, for those who see candidates, how many at each stage."""
    campaigns = (
        Campaign.objects.restrict(user, Action.VIEW)
        .select_related("site")
        .annotate(
            status_rank=Case(
                *(When(status=status, then=Value(rank)) for rank, status in enumerate(CampaignStatus)),
                default=Value(len(CampaignStatus)),
                output_field=IntegerField(),
            )
        )
    )
    if not with_candidates:
        return campaigns
    candidates = Candidate.objects.restrict(user, Action.VIEW)
    return campaigns.annotate(
        candidate_count=_count(candidates),
        ended_count=_count(candidates, stage__in=[Stage.REJECTED, Stage.WITHDREW]),
        **{f"stage_{stage}": _count(candidates, stage=stage) for stage, _label in STAGE_COLUMNS},
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ensure_talent_reader(user)
    with_candidates = sees_candidates(user)
    filters = [
        ListFilter("site", gettext_lazy("Site"), "site_id", choices_from(campaign_sites(user))),
        ListFilter("status", gettext_lazy("Status"), "status", choices_from_enum(CampaignStatus.choices)),
        ListFilter("role", gettext_lazy("Role"), "role", choices_from_enum(Role.choices)),
    ]
    return render_list(
        request,
        campaigns_for_list(user, with_candidates=with_candidates),
        campaign_list_spec(with_candidates),
        filters=filters,
        context={"may_open": may_open_campaigns(user), "with_candidates": with_candidates},
    )


# ---------------------------------------------------------------------------
# One campaign


def _need_facts(user: User, need: dict[str, Any]) -> list[tuple[str, Any]]:
    """The forecast's figures a campaign keeps, in words (sites and skills by their names)."""
    site_names = dict(Site.objects.restrict(user, Action.VIEW).values_list("code", "name"))
    facts: list[tuple[str, Any]] = [(_("Site"), site_names.get(need.get("site", ""), need.get("site", "—")))]
    role = need.get("role") or ""
    if role:
        facts.append((_("Role"), Role(role).label if role in Role.values else role))
    skill = need.get("skill") or ""
    if skill:
        name = Skill.objects.restrict(user, Action.VIEW).filter(code=skill).values_list("name", flat=True)
        facts.append(
            (
                _("Skill"),
                _("%(skill)s, level %(level)s and above")
                % {"skill": name.first() or skill, "level": need.get("level")},
            )
        )
    start = need.get("from")
    if start:
        try:
            first = dt.date.fromisoformat(str(start))
        except ValueError:
            first = None
        if first is not None:
            facts.append((_("Forecast from the week of"), date_format(first, "SHORT_DATE_FORMAT")))
    facts += [
        (_("Weeks"), need.get("weeks")),
        (_("Shortfall (hours)"), need.get("shortfall_hours")),
        (_("Worst week (hours)"), need.get("peak_hours")),
        (_("People to hire"), need.get("people")),
    ]
    return [(label, value) for label, value in facts if value not in (None, "")]


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign: Campaign = get_visible_or_404(
        user, Campaign.objects.select_related("site", "created_by"), pk=pk
    )
    skills = (
        CampaignSkill.objects.restrict(user, Action.VIEW)
        .filter(campaign=campaign)
        .select_related("skill")
        .order_by("-level", "skill__name")
    )
    with_candidates = sees_candidates(user)
    stages: list[tuple[str, int]] = []
    total = 0
    if with_candidates:
        counts = dict(
            Candidate.objects.restrict(user, Action.VIEW)
            .filter(campaign=campaign)
            .order_by()
            .values("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
        stages = [(str(stage.label), counts.get(stage.value, 0)) for stage in Stage]
        total = sum(counts.values())
    may_change = Campaign.objects.restrict(user, Action.CHANGE).filter(pk=campaign.pk).exists()
    context: dict[str, Any] = {
        "campaign": campaign,
        "skills": skills,
        "with_candidates": with_candidates,
        "stages": stages,
        "candidate_total": total,
        "board_url": candidate_board_url(campaign),
        "need_facts": _need_facts(user, campaign.hiring_need) if campaign.hiring_need else [],
        "next_statuses": NEXT_STATUSES.get(campaign.status, ()) if may_change else (),
    }
    return render(request, "talent/campaign_detail.html", context)


# ---------------------------------------------------------------------------
# Closing, reopening


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=CampaignStatus.choices)

    def __init__(self, *args: Any, allowed: tuple[CampaignStatus, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status.value, status.label) for status in allowed]  # type: ignore[attr-defined]


@provider_staff_required
@require_http_methods(["GET", "POST"])
def campaign_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET asks (`?to=closed`), POST does: a campaign closed takes no more applications."""
    user = request.user
    campaign: Campaign = get_visible_or_404(
        user, Campaign.objects.select_related("site"), Action.CHANGE, pk=pk
    )
    allowed = NEXT_STATUSES.get(campaign.status, ())
    form = StatusForm(
        request.POST if request.method == "POST" else {"status": request.GET.get("to", "")}, allowed=allowed
    )
    if not form.is_valid():
        messages.error(
            request,
            _("The campaign is %(status)s: it cannot move to that status.")
            % {"status": campaign.get_status_display()},
        )
        return redirect("talent:campaign-detail", pk=campaign.pk)
    target = CampaignStatus(form.cleaned_data["status"])
    if request.method == "POST":
        try:
            actions.do_set_campaign_status(campaign, target, actor=user)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            done = {
                CampaignStatus.OPEN: _("The campaign is open to applications."),
                CampaignStatus.CLOSED: _("The campaign is closed: it takes no more applications."),
                CampaignStatus.DRAFT: _("The campaign is back to draft."),
            }[target]
            messages.success(request, done)
        return redirect("talent:campaign-detail", pk=campaign.pk)
    return render(request, "talent/campaign_status.html", {"campaign": campaign, "target": target})


# ---------------------------------------------------------------------------
# A new campaign, from scratch or from a hiring need


class CampaignForm(forms.Form):
    site = forms.ModelChoiceField(Site.objects.none(), label=gettext_lazy("Site"), empty_label="—")
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", "—"), *Role.choices])
    openings = forms.IntegerField(label=gettext_lazy("Openings"), min_value=1, max_value=10000)
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), widget=DATE)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (CampaignStatus.OPEN.value, CampaignStatus.OPEN.label),
            (CampaignStatus.DRAFT.value, CampaignStatus.DRAFT.label),
        ],
        initial=CampaignStatus.OPEN.value,
        help_text=gettext_lazy("A draft takes no applications until it is opened."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = campaign_sites(user)


class SkillWantedForm(forms.Form):
    skill = forms.ModelChoiceField(Skill.objects.none(), label=gettext_lazy("Skill"), empty_label="—")
    level = forms.TypedChoiceField(
        label=gettext_lazy("Least level"),
        choices=[("", "—"), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
    )

    def __init__(self, *args: Any, skills: QuerySet[Skill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skill = self.fields["skill"]
        assert isinstance(skill, forms.ModelChoiceField)
        skill.queryset = skills


class BaseSkillFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Skills wanted: blank rows are skipped, a skill is wanted once."""

    def initial_form_count(self) -> int:
        # Every row may be left blank, the rows filled in from a hiring need too.
        return 0

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            skill = form.cleaned_data.get("skill") if form.cleaned_data else None
            if skill is None:
                continue
            if skill.pk in seen:
                raise ValidationError(
                    _("%(skill)s is listed twice: want each skill once.") % {"skill": skill}
                )
            seen.add(skill.pk)

    def wanted(self) -> dict[Skill, int]:
        return {
            form.cleaned_data["skill"]: form.cleaned_data["level"]
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("skill") is not None
        }


SkillFormSet = forms.formset_factory(
    SkillWantedForm,
    formset=BaseSkillFormSet,
    extra=SKILL_ROWS,
    max_num=MAX_SKILLS,
    validate_max=True,
    absolute_max=MAX_SKILLS,
)


class NeedKeyForm(forms.Form):
    """The hiring need a campaign answers, as links name it (`talent.hiring.NeedKey.query`)."""

    need = forms.ChoiceField(choices=[(ROLE, ROLE), (SKILL, SKILL)])
    site = forms.ModelChoiceField(Site.objects.none())
    start = forms.DateField(validators=FORECAST_DAYS)
    weeks = forms.IntegerField(min_value=1, max_value=MAX_WEEKS)
    role = forms.ChoiceField(choices=[("", "—"), *Role.choices], required=False)
    skill = forms.CharField(max_length=50, required=False)
    level = forms.IntegerField(min_value=0, max_value=5, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = campaign_sites(user)

    def key(self) -> NeedKey:
        data = self.cleaned_data
        if data["need"] == ROLE:
            return NeedKey(ROLE, data["site"], monday_of(data["start"]), data["weeks"], role=data["role"])
        return NeedKey(
            SKILL,
            data["site"],
            monday_of(data["start"]),
            data["weeks"],
            skill=data["skill"],
            level=data["level"] or 0,
        )


def _hidden_need(need: HiringNeed) -> list[tuple[str, str]]:
    """The need's key as the form posts it back (prefix `need`), so the figures are read again."""
    key = need.key
    return [
        ("need-need", key.kind),
        ("need-site", str(key.site.pk)),
        ("need-start", key.start.isoformat()),
        ("need-weeks", str(key.weeks)),
        ("need-role", key.role),
        ("need-skill", key.skill),
        ("need-level", str(key.level)),
    ]


def _need_from(user: User, data: Any, prefix: str | None) -> HiringNeed | None:
    """The hiring need `data` names, read again from the forecast (None if it shows no such need)."""
    form = NeedKeyForm(data, user=user, prefix=prefix)
    if not form.is_valid():
        return None
    return find_need(user, form.key())


def _prefill(user: User, need: HiringNeed) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    today = clock.localdate()
    last_day = need.key.start + dt.timedelta(weeks=need.key.weeks, days=-1)
    initial: dict[str, Any] = {
        "site": need.key.site.pk,
        "title": need.title(),
        "role": need.key.role,
        "openings": need.openings,
        "opens_on": today,
        "closes_on": max(last_day, today),
        "status": CampaignStatus.OPEN.value,
    }
    skills: list[dict[str, Any]] = []
    if need.key.skill:
        skill = Skill.objects.restrict(user, Action.VIEW).filter(code=need.key.skill).first()
        if skill is not None:
            skills.append({"skill": skill.pk, "level": str(need.key.level)})
    return initial, skills


@provider_staff_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ensure_talent_reader(user)
    if not may_open_campaigns(user):
        raise PermissionDenied(_("Only a recruiter, a director or a site manager opens a campaign."))
    skills = Skill.objects.restrict(user, Action.VIEW).order_by("name")
    status = 200
    need: HiringNeed | None = None
    if request.method == "POST":
        form = CampaignForm(request.POST, user=user)
        formset = SkillFormSet(request.POST, prefix="skills", form_kwargs={"skills": skills})
        assert isinstance(formset, BaseSkillFormSet)
        if "need-need" in request.POST:
            need = _need_from(user, request.POST, "need")
            if need is None:
                form.add_error(
                    None,
                    _(
                        "The capacity forecast no longer shows this hiring need: the campaign would "
                        "not answer it. Save again to open the campaign on its own, or go back to the "
                        "hiring needs."
                    ),
                )
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                campaign = actions.do_create_campaign(
                    site=data["site"],
                    title=data["title"],
                    role=Role(data["role"]),
                    openings=data["openings"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    skills=formset.wanted(),
                    hiring_need=need.as_json() if need is not None else None,
                    status=CampaignStatus(data["status"]),
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Campaign “%(title)s” is created.") % {"title": campaign.title})
                return redirect("talent:campaign-detail", pk=campaign.pk)
        status = 400
    else:
        initial: dict[str, Any] = {"opens_on": clock.localdate(), "status": CampaignStatus.OPEN.value}
        rows: list[dict[str, Any]] = []
        sites = campaign_sites(user)
        if len(sites) == 1:
            initial["site"] = sites[0].pk
        if "need" in request.GET:
            need = _need_from(user, request.GET, None)
            if need is None:
                messages.warning(
                    request,
                    _(
                        "The capacity forecast does not show this hiring need (any more): fill the "
                        "campaign in yourself."
                    ),
                )
            else:
                initial, rows = _prefill(user, need)
        form = CampaignForm(initial=initial, user=user)
        formset = SkillFormSet(prefix="skills", initial=rows or None, form_kwargs={"skills": skills})
    context = {
        "form": form,
        "formset": formset,
        "need": need,
        "hidden_need": _hidden_need(need) if need is not None else [],
        "no_site": not campaign_sites(user).exists(),
    }
    return render(request, "talent/campaign_form.html", context, status=status)


# ---------------------------------------------------------------------------
# Hiring needs


class NeedFilters(forms.Form):
    site = forms.ModelChoiceField(
        Site.objects.none(), required=False, label=gettext_lazy("Site"), empty_label=gettext_lazy("All sites")
    )
    start = forms.DateField(
        required=False, label=gettext_lazy("From the week of"), widget=DATE, validators=FORECAST_DAYS
    )
    weeks = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_WEEKS, initial=NEED_WEEKS, label=gettext_lazy("Weeks")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = campaign_sites(user)


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def hiring_need_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    ensure_talent_reader(user)
    filters = NeedFilters(request.GET or None, user=user, initial={"start": monday_of(clock.localdate())})
    by_role: list[HiringNeed] = []
    by_skill: list[HiringNeed] = []
    weeks: list[dt.date] = []
    valid = filters.is_valid() if request.GET else True
    if valid:
        data = filters.cleaned_data if request.GET else {}
        site = data.get("site")
        if site is None and persona_in(user, Persona.SITE_MANAGER):
            site = user.site
        start = monday_of(data.get("start") or clock.localdate())
        length = data.get("weeks") or NEED_WEEKS
        by_role, by_skill = hiring_needs(user=user, start=start, weeks=length, site=site)
        weeks = [start, start + dt.timedelta(weeks=length, days=-1)]
    return render(
        request,
        "talent/campaign_needs.html",
        {
            "filters": filters,
            "valid": valid,
            "by_role": by_role,
            "by_skill": by_skill,
            "period": weeks,
            "may_open": may_open_campaigns(user),
            "create_url": reverse("talent:campaign-create"),
        },
        status=200 if valid else 400,
    )


urlpatterns = [
    path("", campaign_list, name="campaign-list"),
    path("new/", campaign_create, name="campaign-create"),
    path("needs/", hiring_need_list, name="hiring-needs"),
    path("<int:pk>/", campaign_detail, name="campaign-detail"),
    path("<int:pk>/status/", campaign_status, name="campaign-status"),
]
