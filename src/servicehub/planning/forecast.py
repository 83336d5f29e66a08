"""Capacity forecast and hiring needs: the work sold (and likely to be sold) against the hours people
have, by site × role × week, and what a scenario changes in it.

Method (the page explains it in the same words):

- **Demand, ordered**: every demand `ordered`, `planned`, `in_progress` or in `rework` counts its
  current quote's effort (a rework a share of it, `REWORK_EFFORT_SHARE`, as the planner does).
  Nothing records the hours already spent, so an `in_progress` demand counts its whole quote: an
  upper bound. The hours are spread evenly over the weeks from the later of this week and the
  week it was ordered, to the week of its committed date (else its desired date); without a date,
  over `DEFAULT_SPREAD_WEEKS` weeks. A late demand (its date is past) is spread over the shortest
  window the planner would give it (`MAX_PEOPLE` people at `FULL_WEEK_HOURS` a week).
- **Demand, quoted**: a `quoted` demand not yet ordered counts its quote times `WIN_PROBABILITY`,
  spread the same way from this week.
- **Where**: a demand counts at the site it is planned at, else evenly at its contract's serving
  sites.
- **Roles**: the catalogue says which skills a work unit needs, not which role, so a site's demand
  is shared between roles in proportion to the weekly hours of the site's active specialists of
  each role (its role mix); a site with nobody keeps its demand on an "unattributed" row.
- **Skills**: a demand's hours are shared between the work packages of its current quote (its
  lines gathered by work unit, `adapter.work_packages`, as the planner staffs them) in proportion
  to their quoted hours. A package needs each skill of its work unit at the work unit's least
  level, one more for a complex or very complex line (at most 5). Its hours count in full on the
  row of each skill it needs, and on the rows of that skill's lower needed levels too: work that
  needs Java 4 also takes people out of the Java ≥ 3 pool. So the row "skill ≥ level" is all the
  work that needs at least that level, against the capacity of the people who hold it (a person
  counts in every row they qualify for). Rows are therefore not additive; each row's shortfall is
  a need that no staffing can avoid. A package whose work unit needs no skill counts on the
  "any skill" row, against everyone at the site.
- **Capacity**: each active specialist's weekly hours less public holidays, the site's reduced
  timetables, absences and the days before their hire — exactly what the planner gives the solver
  (`adapter.build_instance`).
- **Shortfall** = demand − capacity when positive: the hiring need, in hours, and in people (the
  worst week's hours ÷ the mean weekly hours of the row's people, else `STANDARD_WEEK_HOURS`).
- **Scenario** (`?scenario=`): its changes go through `scenarios.apply_changes` on the capacity
  instance (new hires at their full weekly hours from their first week, closed sites, people
  leaving); `scale_demand` multiplies the listed demands' hours by its factor. The scenario's week
  numbers count from its base run's first week (without a base run, from the week it was created,
  as the scenario form counts them). A new hire's role is the commonest among the site's people
  who share one of their skills,
  else the site's commonest role; they count on the skill rows their skills qualify them for. The
  role mix that shares demand out stays the one without the scenario, so that both forecasts split
  the same demand the same way.
"""

# ruff: noqa: RUF002, RUF003 (×, ÷ and − are the right signs in these texts)
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Max
from django.utils import timezone

from servicehub.core import clock
from servicehub.core.tenancy import Action
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand, DemandEvent, Quote
from servicehub.org.models import Site
from servicehub.people.choices import Role
from servicehub.people.models import Skill, Specialist
from servicehub.planning.adapter import (
    FULL_WEEK_HOURS,
    MAX_PEOPLE,
    REWORK_EFFORT_SHARE,
    build_instance,
    monday_of,
    work_packages,
)
from servicehub.planning.scenarios import apply_changes

if TYPE_CHECKING:
    from servicehub.core.models import User
    from servicehub.planning.models import Scenario

#: The chance that quoted work is ordered: its hours count at this weight. A flat rate until the
#: centre measures its own (ordered quotes ÷ quotes, per client).
WIN_PROBABILITY = Decimal("0.5")
#: Weeks over which work without a committed or desired date is spread.
DEFAULT_SPREAD_WEEKS = 8
#: Weekly hours of one person when a row has nobody to average (the specialists' default).
STANDARD_WEEK_HOURS = Decimal("44")
#: Demands whose work is sold and not done yet.
ORDERED_STATES = (DemandState.ORDERED, DemandState.PLANNED, DemandState.IN_PROGRESS, DemandState.REWORK)
#: The role key of demand at a site that has nobody to share it between.
UNATTRIBUTED = ""
#: The skill key of work whose work unit needs no skill: anyone at the site can do it.
ANY_SKILL = ""
MAX_WEEKS = 52

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """One site × role × week: hours of work against hours of people."""

    demand: Decimal
    capacity: Decimal

    @property
    def balance(self) -> Decimal:
        """Capacity − demand: negative is a shortfall, positive spare hours."""
        return self.capacity - self.demand

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.demand - self.capacity)


class _Balances:
    """What a row of the forecast says about hiring: its cells, before and after a scenario."""

    week_hours: Decimal  # one person's weekly hours, to count people
    cells: list[Cell]
    after: list[Cell] | None

    def people(self, hours: Decimal) -> Decimal:
        return tenth(hours / self.week_hours)

    @property
    def shortfall(self) -> Decimal:
        return sum((cell.shortfall for cell in self.cells), ZERO)

    @property
    def shortfall_after(self) -> Decimal | None:
        return None if self.after is None else sum((cell.shortfall for cell in self.after), ZERO)

    @property
    def peak(self) -> Decimal:
        return max((cell.shortfall for cell in self.cells), default=ZERO)

    @property
    def peak_after(self) -> Decimal | None:
        return None if self.after is None else max((cell.shortfall for cell in self.after), default=ZERO)

    @property
    def peak_people(self) -> Decimal:
        """People to hire to cover the worst week."""
        return self.people(self.peak)

    @property
    def peak_people_after(self) -> Decimal | None:
        peak = self.peak_after
        return None if peak is None else self.people(peak)


@dataclass
class Row(_Balances):
    """One site × role: demand shared by the site's role mix."""

    site: Site
    role: str  # a Role value, or UNATTRIBUTED
    week_hours: Decimal
    cells: list[Cell]
    #: the same with the scenario, when there is one
    after: list[Cell] | None = None

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""


@dataclass
class SkillRow(_Balances):
    """One site × skill at a needed level: the work needing at least that level, against the people who
    hold it. Not additive: a person counts in every row they qualify for, a package in every skill it
    needs."""

    site: Site
    skill: str  # a Skill code, or ANY_SKILL
    level: int  # the least level (0 for ANY_SKILL)
    skill_name: str
    week_hours: Decimal
    cells: list[Cell]
    after: list[Cell] | None = None


@dataclass
class Forecast:
    weeks: list[dt.date]
    rows: list[Row]
    scenario: Scenario | None = None
    #: site × skill × needed level; not additive (see SkillRow)
    skill_rows: list[SkillRow] = field(default_factory=list)
    #: the scenario changes left out because they do not touch this forecast (another site, after it)
    skipped_changes: list[int] = field(default_factory=list)
    win_probability: Decimal = WIN_PROBABILITY

    def shortfalls(self) -> list[Row]:
        """Rows short of people in some week (before or after the scenario), the largest need first."""
        short = [row for row in self.rows if row.shortfall > 0 or (row.shortfall_after or 0) > 0]
        return sorted(short, key=lambda row: (-row.shortfall, row.site.code, row.role))

    def skill_shortfalls(self) -> list[SkillRow]:
        """Skill rows short of people in some week (before or after the scenario), the most people first."""
        short = [row for row in self.skill_rows if row.shortfall > 0 or (row.shortfall_after or 0) > 0]
        return sorted(
            short,
            key=lambda row: (-row.peak_people, -row.shortfall, row.site.code, row.skill, row.level),
        )

    @property
    def total_shortfall(self) -> Decimal:
        return sum((row.shortfall for row in self.rows), ZERO)

    @property
    def total_shortfall_after(self) -> Decimal | None:
        if self.scenario is None:
            return None
        return sum((row.shortfall_after or ZERO for row in self.rows), ZERO)


# --- the computation -------------------------------------------------------------------------------


def forecast(
    *,
    user: User,
    start: dt.date,
    weeks: int = 12,
    site: Site | None = None,
    scenario: Scenario | None = None,
    today: dt.date | None = None,
) -> Forecast:
    """The forecast of the sites `user` sees (or `site`) for `weeks` weeks from the ISO week of `start`.

    `user` must be provider staff: every read goes through `restrict(user, Action.VIEW)`.
    Raises `scenarios.ScenarioError` when the scenario's changes cannot be applied.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be between 1 and {MAX_WEEKS}")
    monday = monday_of(start)
    week_starts = [monday + dt.timedelta(weeks=w) for w in range(weeks)]
    sites = list(Site.objects.restrict(user, Action.VIEW).filter(provider_id=user.organisation_id))
    if site is not None:
        sites = [s for s in sites if s.pk == site.pk]
    sites.sort(key=lambda s: s.code)
    planning = build_instance(start=monday, weeks=weeks, sites=sites, user=user)
    people = {
        pk: (role, hours)
        for pk, role, hours in Specialist.objects.restrict(user, Action.VIEW)
        .filter(pk__in=list(planning.specialists.values()))
        .values_list("pk", "role", "weekly_hours")
    }
    roles = {sid: people[pk][0] for sid, pk in planning.specialists.items() if pk in people}
    # The role mix of each site, by nominal weekly hours: how its demand is shared out.
    mix: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    heads: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for spec in planning.doc["specialists"]:
        if spec["id"] in roles:
            pk = planning.specialists[spec["id"]]
            mix[spec["site"]][roles[spec["id"]]] += people[pk][1]
            heads[spec["site"], roles[spec["id"]]].append(people[pk][1])

    work = _work(user, sites, today or clock.localdate())
    demand = _demand(work, week_starts, mix, factors={})
    capacity = _capacity(planning.doc, roles, weeks)
    result = Forecast(weeks=week_starts, rows=[], scenario=scenario)
    after_demand = after_capacity = None
    changed: dict[str, Any] | None = None
    factors: dict[str, Decimal] | None = None
    if scenario is not None:
        changes, factors, result.skipped_changes = _changes_for(scenario, planning.doc, monday, weeks)
        changed = apply_changes(planning.doc, changes)
        hired = _hire_roles(changed, planning.doc, roles)
        after_capacity = _capacity(changed, {**roles, **hired}, weeks)
        after_demand = _demand(work, week_starts, mix, factors=factors)

    keys = set(demand) | set(capacity) | set(after_demand or {}) | set(after_capacity or {})
    by_code = {s.code: s for s in sites}
    order = {role.value: n for n, role in enumerate(Role)}
    for site_code, role in sorted(keys, key=lambda k: (k[0], order.get(k[1], len(order)))):
        hours = heads.get((site_code, role))
        row = Row(
            site=by_code[site_code],
            role=role,
            week_hours=sum(hours, ZERO) / len(hours) if hours else STANDARD_WEEK_HOURS,
            cells=_cells(demand, capacity, (site_code, role), weeks),
        )
        if after_demand is not None and after_capacity is not None:
            row.after = _cells(after_demand, after_capacity, (site_code, role), weeks)
        result.rows.append(row)
    result.skill_rows = _skill_rows(
        user=user,
        sites=sites,
        work=work,
        week_starts=week_starts,
        doc=planning.doc,
        changed=changed,
        factors=factors,
    )
    return result


def _skill_rows(
    *,
    user: User,
    sites: Sequence[Site],
    work: Sequence[_Work],
    week_starts: Sequence[dt.date],
    doc: Mapping[str, Any],
    changed: Mapping[str, Any] | None,
    factors: Mapping[str, Decimal] | None,
) -> list[SkillRow]:
    """Site × skill × needed level, for every (skill, level) some work in these weeks needs; with the
    scenario's changed instance and demand factors when there is one (`changed` not None)."""
    weeks = len(week_starts)
    exact = _skill_demand(work, week_starts, factors={})
    after_exact = None if changed is None else _skill_demand(work, week_starts, factors=factors or {})
    needed = sorted({(skill, level) for _site, skill, level in {*exact, *(after_exact or {})}})
    demand = _at_least(exact, needed)
    capacity, heads = _skill_capacity(doc, needed, weeks)
    after_demand = after_capacity = None
    if changed is not None and after_exact is not None:
        after_demand = _at_least(after_exact, needed)
        after_capacity, _heads = _skill_capacity(changed, needed, weeks)
    names = dict(
        Skill.objects.restrict(user, Action.VIEW)
        .filter(code__in={skill for skill, _level in needed})
        .values_list("code", "name")
    )
    rows = []
    for site in sites:
        # Skills by name, each from its lowest needed level; work that needs no skill last.
        for skill, level in sorted(
            needed, key=lambda need: (need[0] == ANY_SKILL, names.get(need[0], need[0]).lower(), need[1])
        ):
            key = (site.code, skill, level)
            grids = (demand, capacity, after_demand or {}, after_capacity or {})
            if not any(value for grid in grids for value in grid.get(key, ())):
                continue
            hours = heads.get(key)
            row = SkillRow(
                site=site,
                skill=skill,
                level=level,
                skill_name=names.get(skill, skill),
                week_hours=sum(hours, ZERO) / len(hours) if hours else STANDARD_WEEK_HOURS,
                cells=_cells(demand, capacity, key, weeks),
            )
            if after_demand is not None and after_capacity is not None:
                row.after = _cells(after_demand, after_capacity, key, weeks)
            rows.append(row)
    return rows


Grid = dict[tuple[str, str], list[Decimal]]
#: (site code, skill code or ANY_SKILL, level) → hours a week
SkillGrid = dict[tuple[str, str, int], list[Decimal]]


def _cells(
    demand: Mapping[Any, list[Decimal]], capacity: Mapping[Any, list[Decimal]], key: Hashable, weeks: int
) -> list[Cell]:
    nothing = [ZERO] * weeks
    return [Cell(d, c) for d, c in zip(demand.get(key, nothing), capacity.get(key, nothing), strict=True)]


@dataclass(frozen=True)
class _Work:
    """One demand's hours to spread: where (site codes and their shares) and when."""

    reference: str
    hours: Decimal
    first: dt.date  # the Monday of its first week
    spread: int  # weeks
    sites: list[tuple[str, Decimal]]
    #: its work packages: the skills each needs (code → least level) and its share of the hours
    parts: list[tuple[dict[str, int], Decimal]]


def _work(user: User, sites: Sequence[Site], today: dt.date) -> list[_Work]:
    codes = {s.pk: s.code for s in sites}
    demands = list(
        Demand.objects.restrict(user, Action.VIEW)
        .filter(state__in=[*ORDERED_STATES, DemandState.QUOTED])
        .select_related("contract")
        .prefetch_related("contract__serving_sites")
        .order_by("reference")
    )
    ids = [d.pk for d in demands]
    quoted: dict[int, Decimal] = {}
    current_quote: dict[int, int] = {}
    for demand_id, quote_id, hours in (
        Quote.objects.restrict(user, Action.VIEW)
        .filter(demand__in=ids)
        .order_by("demand_id", "-version")
        .values_list("demand_id", "id", "total_hours")
    ):
        quoted.setdefault(demand_id, hours)
        current_quote.setdefault(demand_id, quote_id)
    # The lines of quotes read through restrict() above: the same packages the planner staffs.
    packages = work_packages(current_quote)
    ordered_at = dict(
        DemandEvent.objects.restrict(user, Action.VIEW)
        .filter(demand__in=ids, to_state=DemandState.ORDERED)
        .values("demand_id")
        .annotate(at=Max("at"))
        .values_list("demand_id", "at")
    )
    this_week = monday_of(today)
    work = []
    for demand in demands:
        if demand.pk not in quoted:
            continue  # nothing to size it by
        if demand.site_id is not None:
            where = [demand.site_id]
        else:
            where = sorted(s.pk for s in demand.contract.serving_sites.all())
        shares = [(codes[pk], Decimal(1) / len(where)) for pk in where if pk in codes]
        if not shares:
            continue
        hours = quoted[demand.pk]
        if demand.state == DemandState.REWORK:
            hours *= REWORK_EFFORT_SHARE
        elif demand.state == DemandState.QUOTED:
            hours *= WIN_PROBABILITY
        first = this_week
        if demand.pk in ordered_at:
            first = max(first, monday_of(timezone.localdate(ordered_at[demand.pk])))
        target = demand.committed_on or demand.desired_on
        if target is None:
            spread = DEFAULT_SPREAD_WEEKS
        else:
            shortest = int((hours / (MAX_PEOPLE * FULL_WEEK_HOURS)).to_integral_value(ROUND_CEILING))
            spread = max((monday_of(target) - first).days // 7 + 1, shortest, 1)
        packs = packages.get(demand.pk, [])
        packed = sum((package.hours for package in packs), ZERO)
        parts = (
            [(package.skills, package.hours / packed) for package in packs]
            if packed > 0
            else [({}, Decimal(1))]
        )
        work.append(_Work(demand.reference, hours, first, spread, shares, parts))
    return work


def _spread(
    item: _Work, index: Mapping[dt.date, int], factors: Mapping[str, Decimal]
) -> tuple[Decimal, list[int]]:
    """The item's hours a week (scaled by its scenario factor) and the forecast weeks they fall in."""
    weekly = item.hours * factors.get(item.reference, Decimal(1)) / item.spread
    days = (item.first + dt.timedelta(weeks=w) for w in range(item.spread))
    return weekly, [index[day] for day in days if day in index]


def _demand(
    work: Iterable[_Work],
    week_starts: Sequence[dt.date],
    mix: Mapping[str, Mapping[str, Decimal]],
    *,
    factors: Mapping[str, Decimal],
) -> Grid:
    grid: Grid = defaultdict(lambda: [ZERO] * len(week_starts))
    index = {day: n for n, day in enumerate(week_starts)}
    for item in work:
        weekly, weeks = _spread(item, index, factors)
        for site_code, share in item.sites:
            roles = mix.get(site_code) or {UNATTRIBUTED: Decimal(1)}
            total = sum(roles.values(), ZERO)
            for role, role_hours in roles.items():
                for w in weeks:
                    grid[site_code, role][w] += weekly * share * role_hours / total
    return dict(grid)


def _skill_demand(
    work: Iterable[_Work], week_starts: Sequence[dt.date], *, factors: Mapping[str, Decimal]
) -> SkillGrid:
    """Hours a week by site × skill × the exact level a package needs (ANY_SKILL, 0: no skill)."""
    grid: SkillGrid = defaultdict(lambda: [ZERO] * len(week_starts))
    index = {day: n for n, day in enumerate(week_starts)}
    for item in work:
        weekly, weeks = _spread(item, index, factors)
        if not weeks:
            continue
        for site_code, share in item.sites:
            for skills, part in item.parts:
                # A package's hours count on each skill it needs: its people must hold them all.
                needs = list(skills.items()) or [(ANY_SKILL, 0)]
                for skill, level in needs:
                    row = grid[site_code, skill, level]
                    for w in weeks:
                        row[w] += weekly * share * part
    return dict(grid)


def _at_least(exact: SkillGrid, needed: Sequence[tuple[str, int]]) -> SkillGrid:
    """Row (skill, level) holds the work needing that skill at `level` or above: the people of a higher
    level are in the lower rows' pools too, so their work must be."""
    grid: SkillGrid = {}
    for (site_code, skill, level), hours in exact.items():
        for row_skill, row_level in needed:
            if row_skill == skill and row_level <= level:
                row = grid.setdefault((site_code, skill, row_level), [ZERO] * len(hours))
                for w, value in enumerate(hours):
                    row[w] += value
    return grid


def _available(spec: Mapping[str, Any], weeks: int) -> list[Decimal]:
    """A specialist's hours in each week of the instance, less what they are unavailable."""
    hours = Decimal(str(spec["hours"]))
    off = spec.get("unavailable", {})
    return [max(ZERO, hours - Decimal(str(off.get(str(w), 0)))) for w in range(weeks)]


def _capacity(doc: Mapping[str, Any], roles: Mapping[str, str], weeks: int) -> Grid:
    grid: Grid = defaultdict(lambda: [ZERO] * weeks)
    for spec in doc["specialists"]:
        row = grid[spec["site"], roles.get(spec["id"], UNATTRIBUTED)]
        for w, hours in enumerate(_available(spec, weeks)):
            row[w] += hours
    return dict(grid)


def _skill_capacity(
    doc: Mapping[str, Any], needed: Iterable[tuple[str, int]], weeks: int
) -> tuple[SkillGrid, dict[tuple[str, str, int], list[Decimal]]]:
    """Hours a week of the people holding each needed skill at its level or above (everyone for
    ANY_SKILL), and each row's people's nominal weekly hours (to count people to hire)."""
    needed = list(needed)
    grid: SkillGrid = defaultdict(lambda: [ZERO] * weeks)
    heads: dict[tuple[str, str, int], list[Decimal]] = defaultdict(list)
    for spec in doc["specialists"]:
        held = spec.get("skills", {})
        available = _available(spec, weeks)
        for skill, level in needed:
            if skill != ANY_SKILL and held.get(skill, 0) < level:
                continue
            key = (spec["site"], skill, level)
            heads[key].append(Decimal(str(spec["hours"])))
            row = grid[key]
            for w, hours in enumerate(available):
                row[w] += hours
    return dict(grid), dict(heads)


def _hire_roles(
    changed: Mapping[str, Any], base: Mapping[str, Any], roles: Mapping[str, str]
) -> dict[str, str]:
    """The role of each specialist a scenario adds: the commonest among the site's people who share one
    of their skills, else the site's commonest role (ties: the first in Role's order)."""
    order = {role.value: n for n, role in enumerate(Role)}

    def commonest(found: Iterable[str]) -> str | None:
        counts = Counter(found)
        if not counts:
            return None
        return min(counts, key=lambda role: (-counts[role], order.get(role, len(order))))

    known = {spec["id"] for spec in base["specialists"]}
    staff = [spec for spec in base["specialists"] if spec["id"] in roles]
    hired = {}
    for spec in changed["specialists"]:
        if spec["id"] in known:
            continue
        here = [s for s in staff if s["site"] == spec["site"]]
        alike = [roles[s["id"]] for s in here if set(s.get("skills", {})) & set(spec.get("skills", {}))]
        role = commonest(alike) or commonest(roles[s["id"]] for s in here)
        hired[spec["id"]] = role or UNATTRIBUTED
    return hired


def _changes_for(
    scenario: Scenario, doc: Mapping[str, Any], monday: dt.date, weeks: int
) -> tuple[list[dict[str, Any]], dict[str, Decimal], list[int]]:
    """The scenario's changes in this forecast's terms: weeks shifted to its first week, changes about
    other sites or later weeks left out (their indexes listed), `scale_demand` as factors per demand."""
    if scenario.base_run is not None:
        base_start = scenario.base_run.starts_on
    else:
        base_start = timezone.localdate(scenario.created_at)
    offset = (monday - monday_of(base_start)).days // 7
    sites = {spec["site"] for spec in doc["specialists"]}
    ids = {spec["id"] for spec in doc["specialists"]}
    kept: list[dict[str, Any]] = []
    factors: dict[str, Decimal] = {}
    skipped: list[int] = []
    for index, raw in enumerate(scenario.changes or []):
        change = dict(raw) if isinstance(raw, Mapping) else raw
        kind = change.get("kind") if isinstance(change, dict) else None
        if kind == "scale_demand":
            factor = Decimal(str(change.get("factor", 1)))
            for reference in change.get("items", []):
                factors[str(reference)] = factors.get(str(reference), Decimal(1)) * factor
            continue
        if kind == "add_specialists":
            first = int(change.get("from_week", 0)) - offset
            if change.get("site") not in sites or first >= weeks:
                skipped.append(index)
                continue
            change["from_week"] = max(0, first)
        elif kind == "close_site":
            first = int(change.get("from_week", 0)) - offset
            last = int(change.get("to_week", 0)) - offset
            if change.get("site") not in sites or last < 0 or first >= weeks:
                skipped.append(index)
                continue
            change["from_week"], change["to_week"] = max(0, first), min(weeks - 1, last)
        elif kind == "remove_specialists":
            leaving = [s for s in change.get("specialists", []) if s in ids]
            if not leaving:
                skipped.append(index)
                continue
            change["specialists"] = leaving
        kept.append(change)  # anything else: apply_changes says what is wrong with it
    return kept, factors, skipped
