"""From the database to a staffing instance (`servicehub-staffing/1`) and from a result back.

`build_instance` reads the demands waiting for people and the specialists who could do them,
and writes the instance the pure solver reads (see `planning/solver/schemas/`). It keeps the
maps needed to go back: specialist id → `Specialist` pk, item id → `Demand` pk, week → Monday.
`assignments_from` turns a result's assignments into `PlannedWork` rows. Nothing is written.

Mapping rules (the numbers are the constants below):
- Items are the demands `ordered`, `planned` or in `rework`: work that is sold and waits for
  people. `in_progress` demands are left out: their people are already on them and nothing
  records how much is left (no time sheets yet), so planning their full quote again would
  double-book. A `rework` demand needs people again, for a fraction of its quote
  (`REWORK_EFFORT_SHARE`): a rejected delivery is mostly done. Demands without a quote
  (nothing to size them by) and demands released after the horizon are left out and listed in
  `PlanningInput.left_out`.
- `hours`: the current quote's total effort, rounded up to whole hours (the solver assigns
  whole hours that must add up exactly to the item's hours).
- `value`: the ordered amount (else the quoted amount), times the demand's priority weight,
  times `rates[currency]`. There is no exchange-rate table: by default every amount is taken
  as is, whatever its currency; pass `rates` to bring EUR and MAD to one unit.
- One item per work package of the demand (`work_packages`: its current quote's lines gathered
  by work unit; the demand's reference, suffixed `/<work unit>` when there are several).
  `skills`: the package's work unit's skills at their least level, one more for a complex or
  very complex line (at most 5); the capacity forecast shares demand out the same way.
- `release`: the week of the later of `start` and the day the demand was ordered; `due`: the
  week of the committed date, else of the desired date, else the horizon's last week, clamped
  into [release, weeks - 1]. A late demand (its date is past) is not squeezed into its release
  week: its window is at least the weeks it takes with `max_people` people at
  `FULL_WEEK_HOURS` each, so that it can still be planned (as soon as it can).
- `preferred_sites`: the site the demand is planned at, else the contract's serving sites.
- `max_people`: one per `HOURS_PER_PERSON` hours, at most `MAX_PEOPLE`; `whole` up to
  `WHOLE_ITEM_HOURS` hours.
- Specialists: the active ones of the sites. `hours` is their weekly hours; `cost_per_hour`
  their hourly cost (times `rates[cost_currency]`); `skills` their levels. `unavailable` is
  the share of their weekly hours lost to public holidays, reduced working hours (the site's
  Ramadan timetable), recorded absences, and the days before they are hired: the site's
  business hours that week against its usual week.

With `user`, every read goes through `restrict(user, Action.VIEW)`: a client sees its own
demands and no specialist. Without, it is the system reading (CLI, background job).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Model, QuerySet
from django.utils import timezone

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnitSkill
from servicehub.contracts.models import Contract
from servicehub.core.calendars import MIDNIGHT, BusinessCalendar
from servicehub.core.tenancy import Action
from servicehub.demands.choices import DemandState, Priority
from servicehub.demands.models import Demand, DemandEvent, Quote, QuoteLine
from servicehub.org.calendars import calendars_for_sites
from servicehub.org.models import Site
from servicehub.people.models import Absence, Specialist, SpecialistSkill

if TYPE_CHECKING:
    from servicehub.core.models import User

FORMAT = "servicehub-staffing/1"

#: What one more person on an item costs in coordination (hand-over, meetings), in currency
#: units: about four hours of an engineer at 180 MAD. It keeps the solver from splitting
#: an item between people when one could do it.
PAIR_CHARGE = Decimal("720")
#: Worth of an hour done at a site the item prefers (the site it is planned at, or one the
#: contract names): about a tenth of an hourly cost, enough to break ties, not to pay for travel.
SITE_BONUS_PER_HOUR = Decimal("18")

#: The states whose demands are planned: sold, waiting for people.
PLANNED_STATES = (DemandState.ORDERED, DemandState.PLANNED, DemandState.REWORK)
#: The share of its quoted effort a demand in rework is expected to need again.
REWORK_EFFORT_SHARE = Decimal("0.25")
#: Items are shared between at most one person per this many hours, and never more than
#: MAX_PEOPLE people; up to WHOLE_ITEM_HOURS one person does it all.
HOURS_PER_PERSON = 80
MAX_PEOPLE = 4
WHOLE_ITEM_HOURS = 40
# Grades of a work unit that ask one skill level more than its least level.
HARDER_GRADES = frozenset({Complexity.COMPLEX, Complexity.VERY_COMPLEX})
#: What one person can give one item in a week once holidays, meetings and support are taken
#: out of a 44-hour week: sizes the shortest window of a late demand.
FULL_WEEK_HOURS = 35
#: How much more an urgent demand is worth than its price (ServiceNow priorities; none is 1).
PRIORITY_WEIGHTS: Mapping[int, Decimal] = {
    Priority.CRITICAL: Decimal("1.5"),
    Priority.HIGH: Decimal("1.25"),
    Priority.MODERATE: Decimal("1"),
    Priority.LOW: Decimal("1"),
}

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


class LeftOut(StrEnum):
    """Why a demand in a planned state is not an item of the instance."""

    NO_QUOTE = "no_quote"
    AFTER_HORIZON = "after_horizon"


@dataclass(frozen=True)
class PlannedWork:
    """Hours of one specialist on one demand in the week starting on `week_start` (a Monday)."""

    specialist_id: int
    demand_id: int
    week_start: dt.date
    hours: int


@dataclass
class PlanningInput:
    doc: dict[str, Any]
    #: specialist id in the instance → Specialist pk
    specialists: dict[str, int] = field(default_factory=dict)
    #: item id in the instance → Demand pk
    items: dict[str, int] = field(default_factory=dict)
    #: week number → the Monday starting it
    week_starts: list[dt.date] = field(default_factory=list)
    #: Demand pk → why it is not an item
    left_out: dict[int, LeftOut] = field(default_factory=dict)
    #: the currencies of the amounts read (values and costs), before `rates`
    currencies: set[str] = field(default_factory=set)

    def week_of(self, day: dt.date) -> int:
        return (day - self.week_starts[0]).days // 7


def build_instance(
    *,
    start: dt.date,
    weeks: int = 26,
    sites: Iterable[Site] | None = None,
    user: User | None = None,
    rates: Mapping[str, Decimal] | None = None,
) -> PlanningInput:
    """The staffing instance of `sites` (all by default) for `weeks` weeks from the ISO week of `start`."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    monday = monday_of(start)
    planning = PlanningInput(doc={}, week_starts=[monday + dt.timedelta(weeks=w) for w in range(weeks)])
    last_day = monday + dt.timedelta(weeks=weeks, days=-1)

    visible_sites = list(_read(Site, user).order_by("code"))
    if sites is not None:
        wanted = {site.pk for site in sites}
        visible_sites = [site for site in visible_sites if site.pk in wanted]

    def rate(currency: str) -> Decimal:
        planning.currencies.add(currency)
        return Decimal(1) if rates is None else rates[currency]

    items = _items(planning, visible_sites, start, weeks, user, rate)
    specialists = _specialists(planning, visible_sites, monday, last_day, user, rate)
    codes = "+".join(site.code for site in visible_sites) or "none"
    planning.doc = {
        "format": FORMAT,
        "name": f"{codes}-{monday:%G-W%V}-{weeks}w",
        "weeks": weeks,
        "weights": {
            "pair_charge": json_number(PAIR_CHARGE),
            "site_bonus_per_hour": json_number(SITE_BONUS_PER_HOUR),
        },
        "specialists": specialists,
        "items": items,
    }
    return planning


def assignments_from(result: Mapping[str, Any], planning_input: PlanningInput) -> list[PlannedWork]:
    """The result's assignments in database terms. Unknown ids or weeks raise ValueError."""
    planned = []
    for row in result.get("assignments", ()):
        try:
            specialist_id = planning_input.specialists[row["specialist"]]
            demand_id = planning_input.items[row["item"]]
            week_start = planning_input.week_starts[row["week"]]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"assignment {row!r} does not match the instance") from None
        if row["week"] < 0:
            raise ValueError(f"assignment {row!r} does not match the instance")
        planned.append(PlannedWork(specialist_id, demand_id, week_start, int(row["hours"])))
    return planned


# -- reading


def _read(model: type[Model], user: User | None) -> QuerySet[Any]:
    """The one door: `restrict()` for a user; every row for the system."""
    manager: Any = model._default_manager
    rows: QuerySet[Any] = manager.restrict(user, Action.VIEW) if user is not None else manager.all()
    return rows


def _items(
    planning: PlanningInput,
    sites: list[Site],
    start: dt.date,
    weeks: int,
    user: User | None,
    rate: Callable[[str], Decimal],
) -> list[dict[str, Any]]:
    site_ids = [site.pk for site in sites]
    contracts = _read(Contract, user).filter(serving_sites__in=site_ids).values_list("pk", flat=True)
    demands = list(
        _read(Demand, user)
        .filter(state__in=PLANNED_STATES, contract__in=contracts)
        .select_related("site")
        .order_by("reference")
    )
    demand_ids = [demand.pk for demand in demands]
    quotes: dict[int, tuple[Decimal, Decimal]] = {}
    current_quote: dict[int, int] = {}
    for demand_id, quote_id, total_hours, total_amount in (
        _read(Quote, user)
        .filter(demand__in=demand_ids)
        .order_by("demand_id", "-version")
        .values_list("demand_id", "id", "total_hours", "total_amount")
    ):
        quotes.setdefault(demand_id, (total_hours, total_amount))
        current_quote.setdefault(demand_id, quote_id)
    packages = work_packages(current_quote)
    ordered_at = dict(
        _read(DemandEvent, user)
        .filter(demand__in=demand_ids, to_state=DemandState.ORDERED)
        .values("demand_id")
        .annotate(at=Max("at"))
        .values_list("demand_id", "at")
    )
    # Serving sites through the visible sites only: a client sees the sites of its contracts.
    codes = {site.pk: site.code for site in _read(Site, user)}
    serving: dict[int, list[str]] = defaultdict(list)
    through: Any = Contract.serving_sites.through
    for contract_id, site_id in (
        through.objects.filter(contract_id__in={d.contract_id for d in demands}, site_id__in=codes)
        .order_by("site__code")
        .values_list("contract_id", "site_id")
    ):
        serving[contract_id].append(codes[site_id])

    monday = planning.week_starts[0]
    items = []
    for demand in demands:
        if demand.pk not in quotes:
            planning.left_out[demand.pk] = LeftOut.NO_QUOTE
            continue
        quoted_hours, quoted_amount = quotes[demand.pk]
        ordered_on = timezone.localdate(ordered_at[demand.pk]) if demand.pk in ordered_at else None
        release = (max(start, ordered_on or start) - monday).days // 7
        if release > weeks - 1:
            planning.left_out[demand.pk] = LeftOut.AFTER_HORIZON
            continue
        share = REWORK_EFFORT_SHARE if demand.state == DemandState.REWORK else Decimal(1)
        amount = demand.ordered_amount if demand.ordered_amount is not None else quoted_amount
        weight = PRIORITY_WEIGHTS.get(demand.priority or 0, Decimal(1))
        target = demand.committed_on or demand.desired_on
        due = weeks - 1 if target is None else (target - monday).days // 7
        work = packages.get(demand.pk) or [Package("", quoted_hours, quoted_amount, {})]
        whole_amount = sum((package.amount for package in work), Decimal(0))
        for package in work:
            hours = max(1, int((package.hours * share).to_integral_value(rounding=ROUND_CEILING)))
            # The demand's worth shared by the packages' quoted amounts (by hours if nothing is priced).
            part = (
                package.amount / whole_amount
                if whole_amount
                else package.hours / sum((p.hours for p in work), Decimal(0))
            )
            max_people = min(MAX_PEOPLE, _ceil_div(hours, HOURS_PER_PERSON))
            shortest = _ceil_div(hours, max_people * FULL_WEEK_HOURS)
            item_id = demand.reference if len(work) == 1 else f"{demand.reference}/{package.work_unit}"
            value = amount * part * weight * rate(demand.currency)
            items.append(
                {
                    "id": item_id,
                    "hours": hours,
                    "value": json_number(value.quantize(CENT, ROUND_HALF_UP)),
                    "skills": package.skills,
                    "release": release,
                    "due": min(max(due, release + shortest - 1), weeks - 1),
                    "preferred_sites": [demand.site.code]
                    if demand.site is not None
                    else serving[demand.contract_id],
                    "max_people": max_people,
                    "whole": hours <= WHOLE_ITEM_HOURS,
                }
            )
            planning.items[item_id] = demand.pk
    return items


@dataclass(frozen=True)
class Package:
    """The part of a demand's quote that one work unit makes: its hours, amount and the skills it needs."""

    work_unit: str
    hours: Decimal
    amount: Decimal
    skills: dict[str, int]


def work_packages(current_quote: dict[int, int]) -> dict[int, list[Package]]:
    """Per demand, its current quote's lines gathered by work unit: one item each, so that a demand made of
    a screen and a data flow is staffed by a developer and a data engineer, not by one person who
    would need every skill. A package needs its work unit's skills at their least level, one more
    for a complex or very complex line (at most 5)."""
    lines = list(
        QuoteLine.objects.filter(quote_id__in=current_quote.values())
        .order_by("id")
        .values_list(
            "quote_id", "work_unit_id", "work_unit__code", "complexity", "quantity", "unit_hours", "amount"
        )
    )
    needs: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for work_unit_id, code, level in WorkUnitSkill.objects.filter(
        work_unit_id__in={line[1] for line in lines}
    ).values_list("work_unit_id", "skill__code", "level"):
        needs[work_unit_id].append((code, level))
    demand_of = {quote_id: demand_id for demand_id, quote_id in current_quote.items()}
    gathered: dict[int, dict[str, tuple[Decimal, Decimal, dict[str, int]]]] = defaultdict(dict)
    for quote_id, work_unit_id, unit_code, complexity, quantity, unit_hours, amount in lines:
        packages = gathered[demand_of[quote_id]]
        hours, total, skills = packages.get(unit_code, (Decimal(0), Decimal(0), {}))
        bump = 1 if complexity in HARDER_GRADES else 0
        for code, level in needs[work_unit_id]:
            skills[code] = max(skills.get(code, 0), min(5, level + bump))
        packages[unit_code] = (hours + quantity * unit_hours, total + amount, skills)
    return {
        demand_id: [
            Package(code, hours, amount, skills) for code, (hours, amount, skills) in packages.items()
        ]
        for demand_id, packages in gathered.items()
    }


def _specialists(
    planning: PlanningInput,
    sites: list[Site],
    monday: dt.date,
    last_day: dt.date,
    user: User | None,
    rate: Callable[[str], Decimal],
) -> list[dict[str, Any]]:
    specialists = list(
        _read(Specialist, user)
        .filter(active=True, site__in=[site.pk for site in sites])
        .select_related("site")
        .order_by("employee_number")
    )
    ids = [specialist.pk for specialist in specialists]
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for specialist_id, code, level in (
        _read(SpecialistSkill, user)
        .filter(specialist__in=ids)
        .order_by("skill__code")
        .values_list("specialist_id", "skill__code", "level")
    ):
        skills[specialist_id][code] = level
    absent: dict[int, set[dt.date]] = defaultdict(set)
    for specialist_id, starts_on, ends_on in (
        _read(Absence, user)
        .filter(specialist__in=ids, ends_on__gte=monday, starts_on__lte=last_day)
        .values_list("specialist_id", "starts_on", "ends_on")
    ):
        day = max(starts_on, monday)
        while day <= min(ends_on, last_day):
            absent[specialist_id].add(day)
            day += dt.timedelta(days=1)

    # calendars_for_sites reads the sites' working hours and holiday overrides directly; for
    # sites the user sees (the only ones here) those are exactly the rows restrict() gives.
    used = {specialist.site_id for specialist in specialists}
    years = range(monday.year, last_day.year + 1)
    calendars = calendars_for_sites([site for site in sites if site.pk in used], years)
    days = [monday + dt.timedelta(days=n) for n in range((last_day - monday).days + 1)]
    worked = {site_id: {day: _business_hours(cal, day) for day in days} for site_id, cal in calendars.items()}

    rows = []
    for specialist in specialists:
        calendar = calendars[specialist.site_id]
        usual = sum((_day_hours(calendar.working_hours.get(w, ())) for w in range(7)), Decimal(0))
        site_days = worked[specialist.site_id]
        unavailable: dict[str, Any] = {}
        for week, week_start in enumerate(planning.week_starts):
            week_days = [week_start + dt.timedelta(days=n) for n in range(7)]
            hours = sum(
                (
                    site_days[day]
                    for day in week_days
                    if day >= specialist.hired_on and day not in absent[specialist.pk]
                ),
                Decimal(0),
            )
            lost = specialist.weekly_hours * max(Decimal(0), usual - hours) / usual if usual else Decimal(0)
            lost = min(lost, specialist.weekly_hours).quantize(TENTH, ROUND_HALF_UP)
            if lost > 0:
                unavailable[str(week)] = json_number(lost)
        row: dict[str, Any] = {
            "id": specialist.employee_number,
            "site": specialist.site.code,
            "cost_per_hour": json_number(
                (specialist.hourly_cost * rate(specialist.cost_currency)).quantize(CENT, ROUND_HALF_UP)
            ),
            "hours": json_number(specialist.weekly_hours),
            "skills": skills[specialist.pk],
        }
        if unavailable:
            row["unavailable"] = unavailable
        rows.append(row)
        planning.specialists[specialist.employee_number] = specialist.pk
    return rows


def _business_hours(calendar: BusinessCalendar, day: dt.date) -> Decimal:
    """The site's working hours on `day`: none on a public holiday, the period's in a reduced period."""
    return Decimal(0) if calendar.is_holiday(day) else _day_hours(calendar.hours_on(day))


def _day_hours(intervals: Iterable[tuple[dt.time, dt.time]]) -> Decimal:
    # Wall-clock length: a day that loses or gains an hour to a clock change is still a day's work.
    total = 0
    for starts, ends in intervals:
        end_minutes = 24 * 60 if ends == MIDNIGHT else ends.hour * 60 + ends.minute
        total += end_minutes - (starts.hour * 60 + starts.minute)
    return Decimal(total) / 60


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def monday_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: plans and forecasts count in weeks that start on Monday."""
    return day - dt.timedelta(days=day.weekday())


def json_number(value: Decimal) -> int | float:
    """A JSON number: an int when whole (most are), else the nearest float."""
    return int(value) if value == value.to_integral_value() else float(value)
