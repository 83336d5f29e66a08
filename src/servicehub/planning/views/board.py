"""The planning board: the load of each site and person week by week, the plan runs (queued, running
with their progress, done with their explanations), a person's weeks, and pinning work by hand.

Views parse, call the planning actions and render; the actions check who may again. Reads go through
`restrict(user, "view")`; plans are the provider's business, so client users get 404 on every page.
The explanations come from `planning.explain`, which works on the run's stored documents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from servicehub.core.choices import Persona
from servicehub.core.forms import add_action_errors
from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.lists import Column, ListSpec, build_list_page, render_list, wants_partial
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.demands.models import Demand
from servicehub.org.models import Site
from servicehub.people.models import Specialist
from servicehub.planning import actions
from servicehub.planning.actions import PLANNABLE
from servicehub.planning.adapter import monday_of
from servicehub.planning.choices import FINISHED, RunState, UnplannedReason
from servicehub.planning.explain import Explanation, Utilisation, explain
from servicehub.planning.models import Assignment, PlanRun
from servicehub.planning.querysets import PLAN_READERS, PLANNERS

# The board shows 12 weeks unless asked; more than half a year does not fit a screen.
DEFAULT_WEEKS = 12
MAX_BOARD_WEEKS = 26
# The solver's money is in the provider's unit: PLANNING_RATES brings every amount to MAD.
PLAN_CURRENCY = "MAD"
# Utilisation lists the most and the least loaded people; the rest is on the board.
UTILISATION_ROWS = 5

# The colour steps of the load heatmap (upper bound in percent, CSS class); above the last: overload.
LOAD_STEPS: tuple[tuple[int, str], ...] = (
    (0, "load-0"),
    (40, "load-1"),
    (70, "load-2"),
    (90, "load-3"),
    (100, "load-4"),
)
OVERLOAD = "load-over"


# ---------------------------------------------------------------------------
# Who may do what


def may_plan(user: User) -> bool:
    return user.persona in PLANNERS


def _ensure_reader(user: User) -> None:
    if user.persona not in PLAN_READERS:
        raise PermissionDenied(
            _("As %(persona)s you may not see the staffing plan.") % {"persona": Persona(user.persona).label}
        )


def _ensure_planner(user: User) -> None:
    if not may_plan(user):
        raise PermissionDenied(
            _("As %(persona)s you may not plan work.") % {"persona": Persona(user.persona).label}
        )


# ---------------------------------------------------------------------------
# Weeks and load


def this_monday() -> dt.date:
    return monday_of(timezone.localdate())


def _parse_weeks(params: Mapping[str, str]) -> tuple[dt.date, int]:
    """`?from=YYYY-MM-DD&weeks=N`: the Monday of `from` (default this week) and 1..26 weeks (default 12)."""
    try:
        first = monday_of(dt.date.fromisoformat(params.get("from", "")))
    except ValueError:
        first = this_monday()
    try:
        count = max(1, min(MAX_BOARD_WEEKS, int(params.get("weeks", DEFAULT_WEEKS))))
    except ValueError:
        count = DEFAULT_WEEKS
    return first, count


def _mondays(first: dt.date, count: int) -> list[dt.date]:
    return [first + dt.timedelta(weeks=n) for n in range(count)]


def load_class(percent: int | None) -> str:
    if percent is None:
        return "load-none"
    for bound, css in LOAD_STEPS:
        if percent <= bound:
            return css
    return OVERLOAD


@dataclass(frozen=True)
class LoadCell:
    """Assigned hours against capacity in one week, for a site or a person."""

    week: dt.date
    hours: int
    capacity: Decimal

    @property
    def percent(self) -> int | None:
        if self.capacity <= 0:
            return None
        return round(100 * Decimal(self.hours) / self.capacity)

    @property
    def free(self) -> Decimal:
        return self.capacity - self.hours

    @property
    def css(self) -> str:
        return load_class(self.percent)


@dataclass
class LoadRow:
    label: str
    cells: list[LoadCell]
    obj: Any = None

    @property
    def total_hours(self) -> int:
        return sum(cell.hours for cell in self.cells)

    @property
    def total(self) -> LoadCell:
        capacity = sum((cell.capacity for cell in self.cells), Decimal(0))
        return LoadCell(self.cells[0].week if self.cells else this_monday(), self.total_hours, capacity)


def _hours_by(assignments: QuerySet[Assignment], key: str) -> dict[tuple[int, dt.date], int]:
    rows = assignments.values(key, "week_start").annotate(total=Sum("hours")).order_by()
    return {(row[key], row["week_start"]): int(row["total"]) for row in rows}


def site_heatmap(
    sites: Sequence[Site],
    specialists: QuerySet[Specialist],
    assignments: QuerySet[Assignment],
    weeks: list[dt.date],
) -> list[LoadRow]:
    """One row per site: assigned hours / capacity per week (capacity: the active people's weekly hours)."""
    capacity = {
        row["site_id"]: row["hours"] or Decimal(0)
        for row in specialists.filter(active=True)
        .values("site_id")
        .annotate(hours=Sum("weekly_hours"))
        .order_by()
    }
    hours = _hours_by(assignments, "specialist__site_id")
    return [
        LoadRow(
            site.name,
            [
                LoadCell(week, hours.get((site.pk, week), 0), capacity.get(site.pk, Decimal(0)))
                for week in weeks
            ],
            site,
        )
        for site in sites
    ]


# ---------------------------------------------------------------------------
# Forms


class RunPlanForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Every site"),
    )
    starts_on = forms.DateField(
        label=_("First week"),
        help_text=_("Any day: the plan starts on that week's Monday."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weeks = forms.IntegerField(label=_("Weeks"), widget=forms.NumberInput(attrs={"min": 1, "max": 104}))
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        help_text=_("The solver stops then with the best plan found."),
        widget=forms.NumberInput(attrs={"min": 5, "max": 3600}),
    )

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        assert isinstance(site_field, forms.ModelChoiceField)
        site_field.queryset = sites


class DemandChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} — {obj.title}"


class SpecialistChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name} ({obj.employee_number}, {obj.site.name})"


class PinForm(forms.Form):
    demand = DemandChoiceField(label=_("Demand"), queryset=Demand.objects.none())
    specialist = SpecialistChoiceField(label=_("Specialist"), queryset=Specialist.objects.none())
    week_start = forms.DateField(
        label=_("Week"),
        help_text=_("Any day: the work is pinned on that week's Monday."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # The range (1 to 80 hours) is the action's rule; the form only reads a whole number.
    hours = forms.IntegerField(label=_("Hours"), widget=forms.NumberInput(attrs={"min": 1, "max": 80}))

    def __init__(
        self, *args: Any, demands: QuerySet[Demand], specialists: QuerySet[Specialist], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        demand_field, specialist_field = self.fields["demand"], self.fields["specialist"]
        assert isinstance(demand_field, forms.ModelChoiceField)
        assert isinstance(specialist_field, forms.ModelChoiceField)
        demand_field.queryset = demands
        specialist_field.queryset = specialists


def _plan_sites(user: User) -> QuerySet[Site]:
    """The sites the user plans or reads: a site manager's own, everyone else's provider sites."""
    sites = Site.objects.restrict(user, "view").filter(provider_id=user.organisation_id).order_by("name")
    if user.persona == Persona.SITE_MANAGER:
        sites = sites.filter(pk=user.site_id or 0)
    return sites


def _run_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> RunPlanForm:
    defaults = {"starts_on": this_monday(), "weeks": DEFAULT_WEEKS, "time_limit": 30}
    return RunPlanForm(data, initial={**defaults, **(initial or {})}, sites=_plan_sites(user))


# ---------------------------------------------------------------------------
# Explaining a run


@dataclass
class PersonOnDemand:
    name: str
    specialist: Specialist | None
    hours: int
    weeks: list[tuple[dt.date, int]]
    sentence: str


@dataclass
class DemandPlan:
    item: str
    demand: Demand | None
    people: list[PersonOnDemand] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return sum(person.hours for person in self.people)


@dataclass(frozen=True)
class UnplannedRow:
    item: str
    demand: Demand | None
    reason: str
    reason_label: str
    hours: int
    sentence: str


@dataclass(frozen=True)
class UtilisationRow:
    name: str
    assigned: int
    capacity: Decimal
    percent: int | None
    css: str


@dataclass
class RunResult:
    """What the run detail and the board show of a finished run, mapped back to rows the user sees."""

    demands: list[DemandPlan]
    unplanned: list[UnplannedRow]
    sites: list[UtilisationRow]
    busiest: list[UtilisationRow]
    idlest: list[UtilisationRow]


def _site_names(user: User) -> dict[str, str]:
    return dict(Site.objects.restrict(user, "view").values_list("code", "name"))


def _week_dates(run: PlanRun) -> list[dt.date]:
    weeks = (run.keys or {}).get("weeks") or []
    if weeks:
        return [dt.date.fromisoformat(day) for day in weeks]
    return _mondays(run.starts_on, run.weeks)


def _visible_by_key(user: User, run: PlanRun) -> tuple[dict[str, Demand], dict[str, Specialist]]:
    """The run's demands and people the user may see, by their instance ids; the others stay ids."""
    keys = run.keys or {}
    items: dict[str, int] = keys.get("items", {})
    people: dict[str, int] = keys.get("specialists", {})
    demands = Demand.objects.restrict(user, "view").in_bulk(list(items.values()))
    specialists = (
        Specialist.objects.restrict(user, "view").select_related("site").in_bulk(list(people.values()))
    )
    return (
        {iid: demands[pk] for iid, pk in items.items() if pk in demands},
        {sid: specialists[pk] for sid, pk in people.items() if pk in specialists},
    )


def _utilisation_row(entry: Utilisation, name: str) -> UtilisationRow:
    percent = None if entry.rate is None else round(entry.rate * 100)
    return UtilisationRow(name, entry.assigned, entry.capacity, percent, load_class(percent))


def _unplanned_rows(explanation: Explanation, demands: Mapping[str, Demand]) -> list[UnplannedRow]:
    labels = dict(UnplannedReason.choices)
    return [
        UnplannedRow(
            u.item, demands.get(u.item), u.reason, str(labels.get(u.reason, u.reason)), u.hours, u.sentence
        )
        for u in explanation.unplanned
    ]


def run_result(user: User, run: PlanRun) -> RunResult | None:
    if run.state != RunState.DONE or not run.result or not run.instance:
        return None
    demands, specialists = _visible_by_key(user, run)
    weeks = _week_dates(run)

    def person_name(sid: str) -> str:
        person = specialists.get(sid)
        return f"{person.first_name} {person.last_name}" if person else sid

    explanation = explain(
        run.instance,
        run.result,
        names={sid: person_name(sid) for sid in specialists},
        week_starts=weeks,
        sites=_site_names(user),
    )

    grouped: dict[str, DemandPlan] = {}
    for pair in explanation.pairs:
        plan = grouped.setdefault(pair.item, DemandPlan(pair.item, demands.get(pair.item)))
        plan.people.append(
            PersonOnDemand(
                person_name(pair.specialist),
                specialists.get(pair.specialist),
                pair.hours,
                [(weeks[w], hours) for w, hours in pair.hours_by_week.items() if w < len(weeks)],
                pair.sentence,
            )
        )
    sites = {site.code: site.name for site in Site.objects.restrict(user, "view")}
    people = [_utilisation_row(u, person_name(u.key)) for u in explanation.specialists if u.rate is not None]
    people.sort(key=lambda row: (-(row.percent or 0), row.name))
    return RunResult(
        demands=sorted(grouped.values(), key=lambda plan: plan.item),
        unplanned=_unplanned_rows(explanation, demands),
        sites=[_utilisation_row(u, sites.get(u.key, u.key)) for u in explanation.sites],
        busiest=people[:UTILISATION_ROWS],
        idlest=list(reversed(people[-UTILISATION_ROWS:])) if len(people) > UTILISATION_ROWS else [],
    )


def _runs(user: User) -> QuerySet[PlanRun]:
    """The plan runs of the real plan (a scenario's runs are what-ifs, on the scenario pages)."""
    return (
        PlanRun.objects.restrict(user, "view")
        .filter(scenario__isnull=True)
        .select_related("site", "requested_by")
    )


def _run_url(run: PlanRun) -> str:
    return reverse("planning:run-detail", args=[run.pk])


def _weeks_url(base: str, first: dt.date, weeks: int, **more: int) -> str:
    params: dict[str, str | int] = {"from": first.isoformat(), "weeks": weeks, **more}
    return f"{base}?{urlencode(params)}"


def _board_url(site: Site | None, first: dt.date, weeks: int) -> str:
    if site is None:
        return _weeks_url(reverse("planning:board"), first, weeks)
    return _weeks_url(reverse("planning:board"), first, weeks, site=site.pk)


# ---------------------------------------------------------------------------
# The board


def _people_spec(weeks: Sequence[dt.date]) -> ListSpec:
    return ListSpec(
        columns=[
            Column("name", _("Specialist"), ("last_name", "first_name")),
            Column("site", _("Site"), ("site__name",)),
            *(Column(f"w{n}", date_format(week, "d/m"), numeric=True) for n, week in enumerate(weeks)),
        ],
        search_fields=["first_name", "last_name", "employee_number"],
        default_sort="name",
        template_name="planning/board.html",
        partial_template_name="planning/_people_results.html",
        search_label=_("Search people by name or employee number"),
        empty_title=_("No active specialist on this site"),
        empty_hint=_(
            "People are added on the specialists' pages, or by a hire; their weekly hours make the capacity."
        ),
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def board(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.persona == Persona.SPECIALIST and user.specialist_id:
        # A specialist's plan is their own weeks.
        return redirect("planning:person-timeline", pk=user.specialist_id)
    _ensure_reader(user)
    first, count = _parse_weeks(request.GET)
    weeks = _mondays(first, count)
    sites = list(_plan_sites(user))
    chosen = next((s for s in sites if str(s.pk) == request.GET.get("site", "")), None)
    shown_sites = [chosen] if chosen else sites

    specialists = Specialist.objects.restrict(user, "view").filter(site__in=shown_sites)
    assignments = Assignment.objects.restrict(user, "view").filter(
        specialist__in=specialists, week_start__range=(weeks[0], weeks[-1])
    )
    people_spec = _people_spec(weeks)
    listing = build_list_page(request, specialists.filter(active=True).select_related("site"), people_spec)
    rows = list(listing.page.object_list)
    hours = _hours_by(assignments.filter(specialist__in=[p.pk for p in rows]), "specialist_id")
    listing.page.object_list = [
        LoadRow(
            f"{p.first_name} {p.last_name}",
            [LoadCell(week, hours.get((p.pk, week), 0), p.weekly_hours) for week in weeks],
            p,
        )
        for p in rows
    ]
    context: dict[str, Any] = {
        "list": listing,
        "spec": people_spec,
        "partial_template": people_spec.partial_template_name,
        "weeks": weeks,
        "week_count": count,
        "first": first,
        "sites": sites,
        "chosen": chosen,
    }
    if wants_partial(request):
        response = render(request, people_spec.partial_template_name, context)
        response["Vary"] = "HX-Request"
        return response

    runs = _runs(user)
    latest = runs.first()
    finished = (
        latest if latest and latest.state == RunState.DONE else runs.filter(state=RunState.DONE).first()
    )
    unplanned: list[UnplannedRow] = []
    if finished is not None and finished.result and finished.instance:
        demands, people = _visible_by_key(user, finished)
        names = {sid: f"{person.first_name} {person.last_name}" for sid, person in people.items()}
        unplanned = _unplanned_rows(
            explain(
                finished.instance,
                finished.result,
                alternatives=0,
                names=names,
                week_starts=_week_dates(finished),
                sites=_site_names(user),
            ),
            demands,
        )
    context.update(
        {
            "heatmap": site_heatmap(shown_sites, specialists, assignments, weeks),
            "latest": latest,
            "finished": finished,
            "unplanned": unplanned,
            "may_plan": may_plan(user),
            "run_form": _run_form(user, initial={"site": chosen}) if may_plan(user) else None,
            "previous_url": _board_url(chosen, first - dt.timedelta(weeks=count), count),
            "next_url": _board_url(chosen, first + dt.timedelta(weeks=count), count),
            "today_url": _board_url(chosen, this_monday(), count),
        }
    )
    response = render(request, people_spec.template_name, context)
    response["Vary"] = "HX-Request"
    return response


# ---------------------------------------------------------------------------
# Plan runs

RUN_LIST = ListSpec(
    columns=[
        Column("number", _("Run"), ("id",)),
        Column("state", _("State"), ("state",)),
        Column("site", _("Site"), ("site__name",)),
        Column("weeks", _("Weeks"), ("starts_on",)),
        Column("requested", _("Requested"), ("-created_at",)),
        Column("objective", _("Objective"), ("objective",), numeric=True),
        Column("bound", _("Proven bound"), ("bound",), numeric=True),
        Column("gap", _("Gap"), numeric=True),
        Column("planned", _("Planned / unplanned"), ("planned_items",), numeric=True),
        Column("accepted", _("Accepted"), ("accepted_at",)),
    ],
    search_fields=["site__name", "requested_by__username", "requested_by__last_name"],
    default_sort="requested",
    template_name="planning/run_list.html",
    partial_template_name="planning/_run_results.html",
    search_label=_("Search by site or by who asked"),
    empty_title=_("No plan run yet"),
    empty_hint=_("Run the plan: the solver staffs the ordered demands with the people free in their weeks."),
)


@provider_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _ensure_reader(user)
    form: RunPlanForm | None = None
    status = 200
    if request.method == "POST":
        _ensure_planner(user)
        form = _run_form(user, request.POST)
        if form.is_valid():
            try:
                run = actions.do_request_plan_run(
                    provider=user.organisation,
                    site=form.cleaned_data["site"],
                    starts_on=form.cleaned_data["starts_on"],
                    weeks=form.cleaned_data["weeks"],
                    time_limit=form.cleaned_data["time_limit"],
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Plan run #%(number)s is queued: "
                        "%(specialists)s people and %(demands)s demands to plan."
                    )
                    % {
                        "number": run.pk,
                        "specialists": len((run.instance or {}).get("specialists", [])),
                        "demands": len((run.instance or {}).get("items", [])),
                    },
                )
                return redirect(_run_url(run))
        status = 400
    elif may_plan(user):
        form = _run_form(user)
    response = render_list(
        request, _runs(user), RUN_LIST, context={"run_form": form, "may_plan": may_plan(user)}
    )
    response.status_code = status
    return response


def _visible_run(user: User, pk: int, action: str = "view") -> PlanRun:
    run: PlanRun = get_visible_or_404(
        user, PlanRun.objects.select_related("site", "requested_by", "accepted_by", "scenario"), action, pk=pk
    )
    return run


def _progress_context(run: PlanRun) -> dict[str, Any]:
    return {"run": run, "percent": round(100 * run.progress), "running": run.state not in FINISHED}


def _again_form(user: User, run: PlanRun) -> RunPlanForm | None:
    """Run again with the same site and length, from this week at the earliest (past weeks are done)."""
    if not may_plan(user) or run.scenario_id is not None:
        return None
    return _run_form(
        user,
        initial={
            "site": run.site,
            "starts_on": max(run.starts_on, this_monday()),
            "weeks": run.weeks,
            "time_limit": run.time_limit,
        },
    )


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    run = _visible_run(user, pk)
    context = {
        **_progress_context(run),
        "result": run_result(user, run),
        "weeks": _week_dates(run),
        "may_plan": may_plan(user),
        "may_accept": may_plan(user)
        and run.state == RunState.DONE
        and run.accepted_at is None
        and run.scenario_id is None,
        "again_form": _again_form(user, run) if run.state in (RunState.FAILED, RunState.CANCELLED) else None,
        "currency": PLAN_CURRENCY,
    }
    return render(request, "planning/run_detail.html", context)


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx; once the run has ended, the page reloads to its result."""
    run = _visible_run(request.user, pk)
    response = render(request, "planning/_run_progress.html", _progress_context(run))
    if run.state in FINISHED and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@provider_staff_required
@require_http_methods(["GET", "POST"])
def run_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    run = _visible_run(user, pk, "change")
    if run.state in FINISHED:
        messages.error(
            request,
            _("This run has already ended (%(state)s).") % {"state": RunState(run.state).label},
        )
        return redirect(_run_url(run))
    if request.method == "POST":
        try:
            run = actions.do_cancel_plan_run(run, actor=user)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            if run.state == RunState.CANCELLED:
                messages.success(request, _("Plan run #%(number)s is cancelled.") % {"number": run.pk})
            else:
                messages.success(
                    request,
                    _("Plan run #%(number)s will stop within a second.") % {"number": run.pk},
                )
        return redirect(_run_url(run))
    return render(request, "planning/run_confirm.html", {"run": run, "step": "cancel"})


@provider_staff_required
@require_http_methods(["GET", "POST"])
def run_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    run = _visible_run(user, pk, "change")
    if request.method == "POST":
        try:
            created = actions.do_accept_plan_run(run, actor=user)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
            return redirect(_run_url(run))
        messages.success(
            request,
            ngettext(
                "The plan of run #%(number)s is accepted: %(count)s assignment written.",
                "The plan of run #%(number)s is accepted: %(count)s assignments written.",
                len(created),
            )
            % {"number": run.pk, "count": len(created)},
        )
        return redirect(_board_url(run.site, run.starts_on, min(run.weeks, MAX_BOARD_WEEKS)))
    if run.state != RunState.DONE or run.accepted_at is not None or run.scenario_id is not None:
        messages.error(request, _("Only a finished run's plan can be accepted, once."))
        return redirect(_run_url(run))
    return render(request, "planning/run_confirm.html", {"run": run, "step": "accept"})


# ---------------------------------------------------------------------------
# A person's weeks


@dataclass
class TimelineWeek:
    load: LoadCell
    assignments: list[Assignment]


def _visible_specialist(user: User, pk: int) -> Specialist:
    if user.persona == Persona.SPECIALIST:
        # Their colleagues' weeks are not a specialist's business, only their own.
        if pk != user.specialist_id:
            raise Http404(_("No such object, or you may not see it."))
    else:
        _ensure_reader(user)
    specialist: Specialist = get_visible_or_404(user, Specialist.objects.select_related("site"), pk=pk)
    return specialist


def _timeline(
    assignments: Iterable[Assignment], capacity: Decimal, weeks: list[dt.date]
) -> list[TimelineWeek]:
    by_week: dict[dt.date, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_week[assignment.week_start].append(assignment)
    return [
        TimelineWeek(LoadCell(week, sum(a.hours for a in by_week[week]), capacity), by_week[week])
        for week in weeks
    ]


@provider_staff_required
@require_http_methods(["GET", "HEAD"])
def person_timeline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    specialist = _visible_specialist(user, pk)
    first, count = _parse_weeks(request.GET)
    weeks = _mondays(first, count)
    assignments = (
        Assignment.objects.restrict(user, "view")
        .filter(specialist=specialist, week_start__range=(weeks[0], weeks[-1]))
        .select_related("demand", "plan_run")
        .order_by("week_start", "demand__reference")
    )
    timeline = _timeline(assignments, specialist.weekly_hours if specialist.active else Decimal(0), weeks)
    base = reverse("planning:person-timeline", args=[specialist.pk])
    context = {
        "specialist": specialist,
        "timeline": timeline,
        "total": LoadRow("", [week.load for week in timeline]).total,
        "first": first,
        "week_count": count,
        "may_plan": may_plan(user),
        "may_read_board": user.persona in PLAN_READERS,
        "previous_url": _weeks_url(base, first - dt.timedelta(weeks=count), count),
        "next_url": _weeks_url(base, first + dt.timedelta(weeks=count), count),
    }
    return render(request, "planning/person_timeline.html", context)


# ---------------------------------------------------------------------------
# Pinning work by hand


def _pin_choices(user: User) -> tuple[QuerySet[Demand], QuerySet[Specialist]]:
    demands = Demand.objects.restrict(user, "view").filter(state__in=PLANNABLE).order_by("reference")
    specialists = (
        Specialist.objects.restrict(user, "view")
        .filter(active=True)
        .select_related("site")
        .order_by("last_name", "first_name")
    )
    return demands, specialists


@provider_staff_required
@require_http_methods(["GET", "POST"])
def pin(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _ensure_planner(user)
    demands, specialists = _pin_choices(user)
    status = 200
    if request.method == "POST":
        form = PinForm(request.POST, demands=demands, specialists=specialists)
        if form.is_valid():
            try:
                assignment = actions.do_pin_assignment(
                    form.cleaned_data["demand"],
                    form.cleaned_data["specialist"],
                    week_start=form.cleaned_data["week_start"],
                    hours=form.cleaned_data["hours"],
                    actor=user,
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(hours)s h of %(name)s on %(reference)s are pinned for the week of %(week)s.")
                    % {
                        "hours": assignment.hours,
                        "name": f"{assignment.specialist.first_name} {assignment.specialist.last_name}",
                        "reference": assignment.demand.reference,
                        "week": date_format(assignment.week_start, "SHORT_DATE_FORMAT"),
                    },
                )
                base = reverse("planning:person-timeline", args=[assignment.specialist_id])
                return redirect(f"{base}?{urlencode({'from': assignment.week_start.isoformat()})}")
        status = 400
    else:
        initial: dict[str, Any] = {"week_start": this_monday()}
        for name in ("demand", "specialist", "week_start", "hours"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        form = PinForm(initial=initial, demands=demands, specialists=specialists)
    context = {"form": form, "no_demand": not demands.exists()}
    return render(request, "planning/pin_form.html", context, status=status)


@provider_staff_required
@require_http_methods(["GET", "POST"])
def unpin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    assignment: Assignment = get_visible_or_404(
        user, Assignment.objects.select_related("demand", "specialist__site"), "change", pk=pk
    )
    back = (
        f"{reverse('planning:person-timeline', args=[assignment.specialist_id])}"
        f"?{urlencode({'from': assignment.week_start.isoformat()})}"
    )
    if request.method == "POST":
        try:
            actions.do_unpin_assignment(assignment, actor=user)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("The hours on %(reference)s are no longer pinned: the next accepted plan may change them.")
                % {"reference": assignment.demand.reference},
            )
        return redirect(back)
    if not assignment.pinned:
        messages.error(request, _("This assignment is not pinned."))
        return redirect(back)
    return render(request, "planning/unpin.html", {"assignment": assignment, "back": back})
