"""Headcount per site over time against its targets, jobs created per year, and the programme objectives
counted in jobs created. Everything is read through `restrict(user, "view")`.

Rules:
- A specialist counts at a site on `day` when hired on or before it and not gone: `left_on` empty or
  after `day` (they are out of the headcount from the day they leave, as `do_deactivate_specialist`
  says).
- Targets (`HeadcountTarget`) are milestones, "this many people by this date": between two milestones
  the plan is **interpolated linearly** (rounded to a whole person, halves up), on and after the last
  one it stays at the last figure, and before the first one the site has no target (None).
- Jobs created in a year are the specialists hired that year; the net figure takes away those who left
  that year.
- A programme objective of metric "jobs created" is met by the specialists hired at its site (at every
  shown site when it names none) from the programme's start to the objective's due date.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from servicehub.core.choices import Persona
from servicehub.core.models import User
from servicehub.core.tenancy import Action, persona_in
from servicehub.org.choices import ObjectiveMetric
from servicehub.org.models import Objective, Site
from servicehub.people.models import Specialist
from servicehub.talent.models import HeadcountTarget


def sites_shown(user: User) -> QuerySet[Site]:
    """The sites whose headcount the user may read in full: a site manager sees their own site's people
    only (the specialists' rule), so only that site; other provider staff see every site."""
    sites = Site.objects.restrict(user, Action.VIEW).order_by("opened_on", "name")
    if persona_in(user, Persona.SITE_MANAGER):
        sites = sites.filter(pk=user.site_id) if user.site_id is not None else sites.none()
    return sites


def shown_sites(user: User) -> list[Site]:
    return list(sites_shown(user))


def month_ends(start: dt.date, end: dt.date, every: int = 1) -> list[dt.date]:
    """The last day of every month (every 3: of each quarter; 12: of each year) from `start`'s to `end`,
    then `end` itself if it is not one: the days a series is read on, the latest being today."""
    if end < start:
        return []
    # The first period's last month: the calendar's quarter or year ends, not `start`'s month plus `every`.
    index = start.year * 12 + start.month - 1
    index += (-(index + 1)) % every
    days: list[dt.date] = []
    while True:
        year, month = divmod(index, 12)
        last = dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])
        if last > end:
            break
        days.append(last)
        index += every
    if not days or days[-1] != end:
        days.append(end)
    return days


@dataclass(frozen=True)
class Staffing:
    """Hire and leaving dates of one site's specialists, sorted, to count the headcount on any day."""

    hired: tuple[dt.date, ...]
    left: tuple[dt.date, ...]

    def on(self, day: dt.date) -> int:
        # Everyone hired by `day`, less those who had left by then (left_on <= day): left_on is never
        # before hired_on, so each leaver is also among the hired.
        return bisect.bisect_right(self.hired, day) - bisect.bisect_right(self.left, day)


def staffing(user: User, sites: Iterable[Site]) -> dict[int, Staffing]:
    """Per site id, the hire and leaving dates of the specialists `user` may see there."""
    site_ids = [site.pk for site in sites]
    hired: dict[int, list[dt.date]] = defaultdict(list)
    left: dict[int, list[dt.date]] = defaultdict(list)
    rows = (
        Specialist.objects.restrict(user, Action.VIEW)
        .filter(site_id__in=site_ids)
        .order_by()
        .values_list("site_id", "hired_on", "left_on")
    )
    for site_id, hired_on, left_on in rows:
        hired[site_id].append(hired_on)
        if left_on is not None:
            left[site_id].append(left_on)
    return {
        site_id: Staffing(tuple(sorted(hired[site_id])), tuple(sorted(left[site_id]))) for site_id in site_ids
    }


def headcount_on(user: User, sites: Sequence[Site], days: Sequence[dt.date]) -> dict[int, list[int]]:
    """Per site id, the headcount on each of `days`."""
    people = staffing(user, sites)
    return {site.pk: [people[site.pk].on(day) for day in days] for site in sites}


@dataclass(frozen=True)
class Milestone:
    on: dt.date
    headcount: int


def targets(user: User, sites: Sequence[Site]) -> dict[int, list[Milestone]]:
    """Per site id, its headcount targets in date order."""
    plans: dict[int, list[Milestone]] = {site.pk: [] for site in sites}
    rows = (
        HeadcountTarget.objects.restrict(user, Action.VIEW)
        .filter(site_id__in=list(plans))
        .order_by("site_id", "on")
        .values_list("site_id", "on", "headcount")
    )
    for site_id, on, headcount in rows:
        plans[site_id].append(Milestone(on, headcount))
    return plans


def target_on(milestones: Sequence[Milestone], day: dt.date) -> int | None:
    """The planned headcount on `day`: linear between milestones, flat after the last, none before the
    first (see the module's rules)."""
    if not milestones or day < milestones[0].on:
        return None
    index = bisect.bisect_right([m.on for m in milestones], day)
    if index == len(milestones):
        return milestones[-1].headcount
    before, after = milestones[index - 1], milestones[index]
    share = Decimal((day - before.on).days) / Decimal((after.on - before.on).days)
    value = before.headcount + (after.headcount - before.headcount) * share
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Point:
    day: dt.date
    actual: int
    target: int | None

    @property
    def gap(self) -> int | None:
        """Actual less target: negative when the site is behind its plan."""
        return None if self.target is None else self.actual - self.target


@dataclass(frozen=True)
class YearJobs:
    year: int
    hired: int
    left: int

    @property
    def net(self) -> int:
        return self.hired - self.left


@dataclass(frozen=True)
class SiteHeadcount:
    site: Site
    points: list[Point]
    milestones: list[Milestone]
    years: list[YearJobs]

    @property
    def today(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def hired_total(self) -> int:
        return sum(year.hired for year in self.years)

    @property
    def left_total(self) -> int:
        return sum(year.left for year in self.years)

    @property
    def net_total(self) -> int:
        return self.hired_total - self.left_total


def jobs_by_year(people: Staffing, first_year: int, today: dt.date) -> list[YearJobs]:
    """Hires and departures in each calendar year from `first_year` to today's, up to today (a leaving
    date already set for later is not counted yet)."""
    hired: dict[int, int] = defaultdict(int)
    left: dict[int, int] = defaultdict(int)
    for day in people.hired:
        if day <= today:
            hired[day.year] += 1
    for day in people.left:
        if day <= today:
            left[day.year] += 1
    first = min([first_year, *hired, *left])
    return [YearJobs(year, hired[year], left[year]) for year in range(first, today.year + 1)]


def site_headcounts(user: User, today: dt.date, sites: Sequence[Site] | None = None) -> list[SiteHeadcount]:
    """Per site: the headcount on the day the site opened, at each month's end since then and today,
    against its target on those days, with the jobs created per year. A site opening after today has
    no points."""
    sites = shown_sites(user) if sites is None else list(sites)
    people = staffing(user, sites)
    plans = targets(user, sites)
    result = []
    for site in sites:
        days = month_ends(site.opened_on, today)
        if days and days[0] != site.opened_on:
            # The series starts on the opening day, where the plan's first milestone usually is.
            days.insert(0, site.opened_on)
        plan = plans[site.pk]
        result.append(
            SiteHeadcount(
                site=site,
                points=[Point(day, people[site.pk].on(day), target_on(plan, day)) for day in days],
                milestones=plan,
                years=jobs_by_year(people[site.pk], site.opened_on.year, today)
                if site.opened_on <= today
                else [],
            )
        )
    return result


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    #: The window the jobs are counted in: the programme's start to the due date, or today if sooner.
    counted_from: dt.date
    counted_until: dt.date
    hired: int
    left: int
    today: dt.date

    @property
    def net(self) -> int:
        return self.hired - self.left

    @property
    def target(self) -> int:
        return int(self.objective.target)

    @property
    def percent(self) -> int:
        """Hires against the target, in whole percent (may pass 100)."""
        if self.target <= 0:
            return 100
        return int((Decimal(100 * self.hired) / self.target).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def met(self) -> bool:
        return self.hired >= self.target

    @property
    def due_passed(self) -> bool:
        return self.objective.due_on < self.today


def jobs_objectives(
    user: User, today: dt.date, sites: Sequence[Site] | None = None
) -> list[ObjectiveProgress]:
    """The programme objectives of metric "jobs created" the user may see, with their progress.

    An objective naming a site counts that site; one naming none counts every site and is shown only to
    those who see every site's people (a site manager would see a part of it as if it were the whole)."""
    sites = shown_sites(user) if sites is None else list(sites)
    shown = {site.pk for site in sites}
    everywhere = shown == set(Site.objects.restrict(user, Action.VIEW).values_list("pk", flat=True))
    objectives: QuerySet[Objective] = (
        Objective.objects.restrict(user, Action.VIEW)
        .filter(metric=ObjectiveMetric.JOBS_CREATED)
        .select_related("programme", "site")
        .order_by("due_on", "label")
    )
    people = staffing(user, sites)
    progress = []
    for objective in objectives:
        if objective.site_id is None:
            if not everywhere:
                continue
            counted = list(people.values())
        elif objective.site_id in shown:
            counted = [people[objective.site_id]]
        else:
            continue
        start = objective.programme.starts_on
        until = min(objective.due_on, today)
        hired = sum(_between(p.hired, start, until) for p in counted)
        left = sum(_between(p.left, start, until) for p in counted)
        progress.append(ObjectiveProgress(objective, start, until, hired, left, today))
    return progress


def _between(days: Sequence[dt.date], start: dt.date, until: dt.date) -> int:
    """How many of the sorted `days` fall from `start` to `until`, both included."""
    return max(bisect.bisect_right(days, until) - bisect.bisect_left(days, start), 0)
