"""Candidate pages: the pipeline board (a column per open stage, quick moves from the cards), one
candidate's page (identity, skills, history, CV, and the forms to move, replace the CV and hire), a
new candidate, and the CV download.

Candidates are personal data (law 09-08): every read goes through
`Candidate.objects.restrict(user, "view")`, so anyone but a recruiter or a manager of the campaign's
site gets the same 404 as for a candidate that does not exist, on the pages and on the CV. Views
parse, call `talent.actions` and render; the actions check who may and which stage may follow again,
and their ValidationError is shown next to the field it names.

The forms of this part live beside its views, as its routes do (see `talent/urls.py`): each part of
the recruiting pages is a module of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from servicehub.core.choices import Currency
from servicehub.core.forms import add_action_errors
from servicehub.core.http import AuthenticatedRequest, private_file
from servicehub.core.lists import MAX_QUERY_LENGTH, search, wants_partial
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Skill, Specialist
from servicehub.talent import actions, cv
from servicehub.talent.choices import ENDED, PIPELINE, CampaignStatus, Stage
from servicehub.talent.models import Campaign, CampaignSkill, Candidate, CandidateSkill, StageChange

#: The board's columns: the open stages in pipeline order (a hire is counted, like the other ends).
BOARD_STAGES: tuple[Stage, ...] = tuple(stage for stage in PIPELINE if stage not in ENDED)
#: Where a file ends, counted above the board.
CLOSED_STAGES: tuple[Stage, ...] = (Stage.HIRED, Stage.REJECTED, Stage.WITHDREW)
#: Cards shown per column; past that the column says how many more and asks to narrow the board.
COLUMN_LIMIT = 50
#: What the board's search looks in.
SEARCH_FIELDS = ("first_name", "last_name", "school__name", "school__code")
#: The board's own query parameters, carried by the quick moves so the board re-renders as it was.
BOARD_PARAMS = ("campaign", "site", "q")
#: Skill levels, 1 (notions) to 5 (expert).
LEVEL_CHOICES = [("", "—"), *((str(n), str(n)) for n in range(1, 6))]


# ---------------------------------------------------------------------------
# Who


def _ensure_candidate_reader(user: User) -> None:
    """The board and the new-candidate form are for those who may see some candidate; for anyone
    else (a client, a specialist, the director…) the pages do not exist, as a candidate does not."""
    # The queryset is the one rule: whoever it shows no candidate at all is not shown the pages.
    if Candidate.objects.restrict(user, "view").query.is_empty():
        raise Http404(gettext("No such page."))


def _visible_candidate(user: User, pk: int) -> Candidate:
    candidate: Candidate = get_visible_or_404(
        user,
        Candidate.objects.select_related("campaign__site", "school", "specialist"),
        pk=pk,
    )
    return candidate


def _display_name(candidate: Candidate) -> str:
    # Once anonymised the name is gone: the candidate's number stands in for it.
    return str(candidate) if candidate.anonymised_at else candidate.full_name


def _next_stage(stage: str) -> Stage | None:
    """The stage a quick move leads to, or None when the next step is a hire (or there is none)."""
    current = Stage(stage)
    if current in ENDED or current not in PIPELINE:
        return None
    following = PIPELINE[PIPELINE.index(current) + 1]
    return None if following == Stage.HIRED else following


def _days_since(moment: dt.datetime, today: dt.date) -> int:
    return max(0, (today - timezone.localtime(moment).date()).days)


# ---------------------------------------------------------------------------
# Forms


class MoveForm(forms.Form):
    """A move along the pipeline. Every stage is accepted here so that the action, which knows the
    rules, says what is wrong with a move; the select offers only the moves that make sense."""

    to_stage = forms.TypedChoiceField(label=_("Move to"), choices=Stage.choices, coerce=Stage)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject a candidate or to record that they withdrew."),
    )

    def __init__(self, *args: Any, offered: Sequence[Stage] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if offered:
            widget: Any = self.fields["to_stage"].widget
            widget.choices = [(stage.value, stage.label) for stage in offered]


def offered_moves(candidate: Candidate) -> list[Stage]:
    following = _next_stage(candidate.stage)
    return [*([following] if following else []), Stage.REJECTED, Stage.WITHDREW]


class CvForm(forms.Form):
    cv = forms.FileField(
        label=_("CV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text = cv_help()


def cv_help() -> str:
    return gettext("A PDF of at most %(limit)s, without scripts or embedded files.") % {
        "limit": filesizeformat(cv.MAX_BYTES)
    }


class CampaignChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {obj.site.name}"


class CandidateForm(forms.Form):
    campaign = CampaignChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No school given"),
    )
    graduation_year = forms.IntegerField(
        label=_("Graduation year"), required=False, min_value=1950, max_value=2100
    )
    applied_on = forms.DateField(
        label=_("Applied on"),
        required=False,
        help_text=_("Today if left empty."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cv = forms.FileField(
        label=_("CV"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    def __init__(
        self,
        *args: Any,
        campaigns: QuerySet[Campaign],
        schools: QuerySet[Organisation],
        skills: Sequence[Skill],
        wanted: Mapping[int, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        campaign_field: Any = self.fields["campaign"]
        campaign_field.queryset = campaigns
        school_field: Any = self.fields["school"]
        school_field.queryset = schools
        self.fields["cv"].help_text = cv_help()
        # The skills the campaign wants come first, each with the least level it asks for.
        self.wanted = wanted
        self.skills = sorted(skills, key=lambda skill: (skill.pk not in wanted, skill.name))
        for skill in self.skills:
            self.fields[f"skill_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name, choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False
            )

    def skill_rows(self) -> list[tuple[forms.BoundField, int | None]]:
        return [(self[f"skill_{skill.pk}"], self.wanted.get(skill.pk)) for skill in self.skills]

    def skill_levels(self) -> dict[Skill, int]:
        return {
            skill: level
            for skill in self.skills
            if (level := self.cleaned_data.get(f"skill_{skill.pk}")) is not None
        }


class HireForm(forms.Form):
    employee_number = forms.CharField(label=_("Employee number"), max_length=20)
    starts_on = forms.DateField(
        label=_("Start date"),
        help_text=_("Their capacity counts from this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    grade = forms.ModelChoiceField(label=_("Grade"), queryset=Grade.objects.none())
    hourly_cost = forms.DecimalField(
        label=_("Hourly cost"),
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    cost_currency = forms.TypedChoiceField(
        label=_("Currency"), choices=Currency.choices, coerce=Currency, initial=Currency.MAD
    )
    weekly_hours = forms.DecimalField(
        label=_("Weekly hours"),
        min_value=Decimal("1"),
        max_value=Decimal("60"),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("44"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    role = forms.TypedChoiceField(label=_("Role"), choices=Role.choices, coerce=Role)

    def __init__(self, *args: Any, grades: QuerySet[Grade], sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grade_field: Any = self.fields["grade"]
        grade_field.queryset = grades
        site_field: Any = self.fields["site"]
        site_field.queryset = sites


def _hire_form(user: User, candidate: Candidate, data: QueryDict | None = None) -> HireForm:
    campaign = candidate.campaign
    return HireForm(
        data,
        grades=Grade.objects.restrict(user, "view").order_by("rank"),
        sites=Site.objects.restrict(user, "view").filter(provider_id=campaign.provider_id).order_by("name"),
        initial={
            "site": campaign.site_id,
            "role": campaign.role,
            "starts_on": timezone.localdate(),
            "cost_currency": Currency.MAD,
            "weekly_hours": Decimal("44"),
        },
    )


# ---------------------------------------------------------------------------
# The board


@dataclass(frozen=True)
class Card:
    candidate: Candidate
    days: int  # at the current stage
    next_stage: Stage | None

    @property
    def name(self) -> str:
        return _display_name(self.candidate)

    @property
    def close_stages(self) -> tuple[Stage, ...]:
        return (Stage.REJECTED, Stage.WITHDREW)


@dataclass(frozen=True)
class BoardColumn:
    stage: Stage
    cards: list[Card]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)


@dataclass(frozen=True)
class Board:
    columns: list[BoardColumn]
    closed: list[tuple[Stage, int]]
    campaigns: list[Campaign]
    sites: list[Site]
    campaign: Campaign | None
    site: Site | None
    query: str
    #: The board's filters as a query string, for the quick moves and the links back.
    querystring: str
    may_add: bool

    @property
    def url(self) -> str:
        base = reverse("talent:candidate-board")
        return f"{base}?{self.querystring}" if self.querystring else base

    @property
    def is_narrowed(self) -> bool:
        return bool(self.campaign or self.site or self.query)

    @property
    def is_empty(self) -> bool:
        return not any(column.total for column in self.columns) and not any(n for _, n in self.closed)


def _chosen(raw: str | None, rows: Sequence[Any]) -> Any:
    """The row whose id is `raw`, among those offered; anything else is no choice (never a 500)."""
    return next((row for row in rows if str(row.pk) == (raw or "").strip()), None)


def board_querystring(params: Mapping[str, Any]) -> str:
    return urlencode([(key, params[key]) for key in BOARD_PARAMS if params.get(key)])


def build_board(user: User, params: Mapping[str, Any]) -> Board:
    campaigns = list(
        Campaign.objects.restrict(user, "view").select_related("site").order_by("-opens_on", "title", "pk")
    )
    sites = sorted({campaign.site for campaign in campaigns}, key=lambda site: site.name)
    campaign: Campaign | None = _chosen(params.get("campaign"), campaigns)
    site: Site | None = _chosen(params.get("site"), sites)
    query = " ".join(str(params.get("q", ""))[:MAX_QUERY_LENGTH].split())

    visible = Candidate.objects.restrict(user, "view")
    if campaign is not None:
        visible = visible.filter(campaign_id=campaign.pk)
    if site is not None:
        visible = visible.filter(campaign__site_id=site.pk)
    if query:
        visible = search(visible, SEARCH_FIELDS, query)

    counts: dict[str, int] = {
        row["stage"]: row["n"] for row in visible.order_by().values("stage").annotate(n=Count("pk"))
    }
    today = timezone.localdate()
    columns = []
    for stage in BOARD_STAGES:
        rows = (
            visible.filter(stage=stage)
            .select_related("campaign__site", "school")
            .order_by("stage_changed_at", "pk")[:COLUMN_LIMIT]
            if counts.get(stage)
            else []
        )
        cards = [Card(row, _days_since(row.stage_changed_at, today), _next_stage(row.stage)) for row in rows]
        columns.append(BoardColumn(stage, cards, counts.get(stage, 0)))
    return Board(
        columns=columns,
        closed=[(stage, counts.get(stage, 0)) for stage in CLOSED_STAGES],
        campaigns=campaigns,
        sites=sites,
        campaign=campaign,
        site=site,
        query=query,
        querystring=board_querystring(
            {"campaign": campaign.pk if campaign else "", "site": site.pk if site else "", "q": query}
        ),
        may_add=any(c.status == CampaignStatus.OPEN for c in campaigns),
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def candidate_board(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _ensure_candidate_reader(user)
    board = build_board(user, request.GET)
    template = "talent/_candidate_board.html" if wants_partial(request) else "talent/candidate_board.html"
    response = render(request, template, {"board": board})
    # The same URL answers with a page or a fragment: caches and the back button must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _safe_next(request: AuthenticatedRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def candidate_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A move from the board (htmx: the board is drawn again, or the card with the refusal) or from
    the candidate's page (back to it, or the page again with the refusal next to the form)."""
    user = request.user
    candidate = _visible_candidate(user, pk)
    form = MoveForm(request.POST, offered=offered_moves(candidate))
    if form.is_valid():
        try:
            moved = actions.do_move_candidate(
                candidate, form.cleaned_data["to_stage"], reason=form.cleaned_data["reason"], actor=user
            )
        except ValidationError as exc:
            add_action_errors(form, exc, {"stage": "to_stage"})
        else:
            done = gettext("%(name)s moved to %(stage)s.") % {
                "name": _display_name(moved),
                "stage": Stage(moved.stage).label,
            }
            if request.headers.get("HX-Request") == "true":
                board = build_board(user, request.GET)
                return render(request, "talent/_candidate_board.html", {"board": board, "done": done})
            messages.success(request, done)
            return redirect(_safe_next(request, reverse("talent:candidate-detail", args=[moved.pk])))
    if request.headers.get("HX-Request") == "true":
        # The refusal is shown on the card it concerns; htmx swaps only 2xx answers, so this one is 200.
        card = Card(
            candidate,
            _days_since(candidate.stage_changed_at, timezone.localdate()),
            _next_stage(candidate.stage),
        )
        errors = [text for texts in form.errors.values() for text in texts]
        closing = form.data.get("to_stage") in (Stage.REJECTED, Stage.WITHDREW)
        response = render(
            request,
            "talent/_candidate_card.html",
            {
                "card": card,
                "errors": errors,
                "close_form": form if closing else None,
                "board_query": board_querystring(request.GET),
                "board_url": _safe_next(request, reverse("talent:candidate-board")),
            },
        )
        response["HX-Retarget"] = f"#candidate-{candidate.pk}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _detail_page(request, candidate, move_form=form, status=400)


# ---------------------------------------------------------------------------
# One candidate


def _detail_page(
    request: AuthenticatedRequest,
    candidate: Candidate,
    *,
    move_form: MoveForm | None = None,
    hire_form: HireForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    campaign = candidate.campaign
    wanted = dict(
        CampaignSkill.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .values_list("skill_id", "level")
    )
    skills = [
        (entry, wanted.get(entry.skill_id))
        for entry in CandidateSkill.objects.restrict(user, "view")
        .filter(candidate=candidate)
        .select_related("skill")
        .order_by("-level", "skill__name")
    ]
    history = (
        StageChange.objects.restrict(user, "view")
        .filter(candidate=candidate)
        .select_related("by")
        .order_by("at", "id")
    )
    open_file = candidate.stage not in ENDED
    specialist = candidate.specialist
    context = {
        "candidate": candidate,
        "name": _display_name(candidate),
        "campaign": campaign,
        "skills": skills,
        "history": history,
        "days": _days_since(candidate.stage_changed_at, timezone.localdate()),
        # A refused form is shown with its errors even where it would not be offered (a closed file).
        "move_form": move_form or (MoveForm(offered=offered_moves(candidate)) if open_file else None),
        "cv_form": CvForm() if candidate.anonymised_at is None and not candidate.cv else None,
        "hire_form": hire_form or (_hire_form(user, candidate) if candidate.stage == Stage.OFFER else None),
        "specialist": specialist,
        "specialist_visible": specialist is not None
        and Specialist.objects.restrict(user, "view").filter(pk=specialist.pk).exists(),
        "closed_stage": None if open_file else Stage(candidate.stage),
    }
    return render(request, "talent/candidate_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def candidate_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _visible_candidate(request.user, pk))


@login_required
@require_POST
def candidate_hire(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    candidate = _visible_candidate(user, pk)
    form = _hire_form(user, candidate, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            specialist = actions.do_hire_candidate(
                candidate,
                employee_number=data["employee_number"].strip(),
                starts_on=data["starts_on"],
                grade=data["grade"],
                hourly_cost=data["hourly_cost"],
                cost_currency=data["cost_currency"],
                role=data["role"],
                site=data["site"],
                weekly_hours=data["weekly_hours"],
                actor=user,
            )
        except ValidationError as exc:
            # The specialist's own checks speak of `hired_on`: on this form it is the start date.
            add_action_errors(form, exc, {"hired_on": "starts_on"})
        except PermissionDenied:
            # The candidate is the user's to hire (they reached the page), so what they may not do
            # is add people to the site chosen.
            form.add_error("site", gettext("You may not add people to this site."))
        else:
            messages.success(
                request,
                gettext("%(name)s is hired: their capacity counts from %(date)s.")
                % {"name": str(specialist), "date": _date(specialist.hired_on)},
            )
            return redirect("talent:candidate-detail", pk=candidate.pk)
    return _detail_page(request, candidate, hire_form=form, status=400)


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


# ---------------------------------------------------------------------------
# The CV


@login_required
@require_http_methods(["GET", "POST"])
def candidate_cv_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add or replace the CV. Replacing deletes the previous file, so it has a page of its own that
    says so before the upload (the candidate's page offers the form directly only when there is none)."""
    user = request.user
    candidate = _visible_candidate(user, pk)
    form = CvForm(request.POST, request.FILES) if request.method == "POST" else CvForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.do_attach_cv(candidate, form.cleaned_data["cv"], actor=user)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                candidate.refresh_from_db()
                messages.success(
                    request,
                    gettext("The CV %(file)s is saved for %(name)s.")
                    % {"file": candidate.cv_name, "name": _display_name(candidate)},
                )
                return redirect("talent:candidate-detail", pk=candidate.pk)
        status = 400
    return render(
        request,
        "talent/candidate_cv_form.html",
        {"candidate": candidate, "name": _display_name(candidate), "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def candidate_cv(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    candidate = _visible_candidate(request.user, pk)
    if not candidate.cv:
        raise Http404(gettext("This candidate has no CV."))
    return private_file(
        candidate.cv, name=candidate.cv_name or "cv.pdf", content_type="application/pdf", personal=True
    )


# ---------------------------------------------------------------------------
# A new candidate


@login_required
@require_http_methods(["GET", "POST"])
def candidate_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _ensure_candidate_reader(user)
    # The open campaigns whose candidates the user handles: a recruiter's all, a site manager's site's.
    campaigns = (
        Campaign.objects.restrict(user, "view")
        .filter(status=CampaignStatus.OPEN)
        .select_related("site")
        .order_by("-opens_on", "title", "pk")
    )
    chosen: Campaign | None = _chosen((request.POST or request.GET).get("campaign"), list(campaigns))
    wanted = (
        dict(
            CampaignSkill.objects.restrict(user, "view")
            .filter(campaign=chosen)
            .values_list("skill_id", "level")
        )
        if chosen
        else {}
    )
    schools = Organisation.objects.restrict(user, "view").filter(kind=OrganisationKind.SCHOOL)
    form = CandidateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        campaigns=campaigns,
        schools=schools.order_by("name"),
        skills=list(Skill.objects.restrict(user, "view")),
        wanted=wanted,
        initial={"campaign": chosen.pk if chosen else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                candidate = actions.do_add_candidate(
                    data["campaign"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    email=data["email"],
                    phone=data["phone"].strip(),
                    school=data["school"],
                    graduation_year=data["graduation_year"],
                    skills=form.skill_levels(),
                    applied_on=data["applied_on"],
                    cv_file=data["cv"] or None,
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext("%(name)s is added to %(campaign)s, at stage %(stage)s.")
                    % {
                        "name": candidate.full_name,
                        "campaign": data["campaign"].title,
                        "stage": Stage.APPLIED.label,
                    },
                )
                return redirect("talent:candidate-detail", pk=candidate.pk)
        status = 400
    return render(
        request,
        "talent/candidate_form.html",
        {"form": form, "campaign": chosen, "has_campaigns": campaigns.exists()},
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("", candidate_board, name="candidate-board"),
    path("new/", candidate_new, name="candidate-new"),
    path("<int:pk>/", candidate_detail, name="candidate-detail"),
    path("<int:pk>/move/", candidate_move, name="candidate-move"),
    path("<int:pk>/hire/", candidate_hire, name="candidate-hire"),
    path("<int:pk>/cv/", candidate_cv, name="candidate-cv"),
    path("<int:pk>/cv/upload/", candidate_cv_upload, name="candidate-cv-upload"),
]
