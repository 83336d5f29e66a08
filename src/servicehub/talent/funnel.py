"""The recruiting funnel: how many candidates reached each stage of the pipeline, the rate from one stage
to the next, per school and per campaign, and the time to hire. Read through `restrict(user, "view")`:
only those who see candidates (recruiters, and site managers for their site's campaigns) get figures.

Rules:
- A candidate reached a stage of applied → screened → interview → offer → hired when their stage history
  (`StageChange`) went that far: the furthest pipeline stage they were moved to counts, and every stage
  before it (a candidate moves one step at a time; a history that skipped one still passed through it).
  Every candidate has applied. Rejected and withdrew end a file where it was and reach nothing more, so
  the counts never increase along the pipeline.
- The rate of a stage is how many reached it out of those who reached the one before, in percent.
- Time to hire is the days from `applied_on` to the day of the move to hired (in the site's time zone,
  the project's default), over the hired candidates; median and mean.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from servicehub.core.choices import Persona
from servicehub.core.models import User
from servicehub.core.tenancy import Action
from servicehub.org.models import Organisation, Site
from servicehub.talent.choices import PIPELINE, Stage
from servicehub.talent.models import Campaign, Candidate, StageChange

#: Who reads the funnel: those whom the candidates' queryset shows candidates to. A director sees no
#: candidate (they are personal data), so the figures would all be nought: the page says so with a 403.
FUNNEL_READERS = (Persona.RECRUITER, Persona.SITE_MANAGER)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Step:
    stage: Stage
    reached: int
    #: Out of those who reached the stage before, in percent; None for the first stage or after nobody.
    rate: Decimal | None
    #: Out of those who applied, in percent (what the bars show).
    share: Decimal | None


@dataclass(frozen=True)
class TimeToHire:
    hires: int
    median_days: Decimal | None
    mean_days: Decimal | None


@dataclass
class Funnel:
    steps: list[Step]
    rejected: int
    withdrew: int
    in_progress: int
    time_to_hire: TimeToHire

    @property
    def applied(self) -> int:
        return self.steps[0].reached

    @property
    def hired(self) -> int:
        return self.steps[-1].reached

    @property
    def hire_rate(self) -> Decimal | None:
        """Hired out of applied, in percent."""
        return percent(self.hired, self.applied)


@dataclass(frozen=True)
class Candidacy:
    """What the funnel needs of one candidate: where they got to, and their dates."""

    pk: int
    school_id: int | None
    campaign_id: int
    stage: str
    applied_on: dt.date
    furthest: int = 0
    hired_on: dt.date | None = None


def percent(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(100 * part) / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def _mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(TENTH, rounding=ROUND_HALF_UP)


def furthest_step(stage: str, history: Iterable[str]) -> int:
    """How far along PIPELINE a candidate got (0 is applied), from the stages their history moved them
    to and the stage they are at."""
    order = {step.value: i for i, step in enumerate(PIPELINE)}
    return max((order[s] for s in (stage, *history) if s in order), default=0)


def funnel_of(candidacies: Iterable[Candidacy]) -> Funnel:
    """The funnel of these candidacies (see the module's rules)."""
    reached = [0] * len(PIPELINE)
    ended: dict[str, int] = defaultdict(int)
    days: list[int] = []
    for candidacy in candidacies:
        for index in range(candidacy.furthest + 1):
            reached[index] += 1
        if candidacy.stage in (Stage.REJECTED, Stage.WITHDREW):
            ended[candidacy.stage] += 1
        elif candidacy.stage != Stage.HIRED:
            ended["open"] += 1
        if candidacy.hired_on is not None:
            days.append((candidacy.hired_on - candidacy.applied_on).days)
    steps = [
        Step(
            stage,
            reached[i],
            percent(reached[i], reached[i - 1]) if i else None,
            percent(reached[i], reached[0]),
        )
        for i, stage in enumerate(PIPELINE)
    ]
    return Funnel(
        steps=steps,
        rejected=ended[Stage.REJECTED],
        withdrew=ended[Stage.WITHDREW],
        in_progress=ended["open"],
        time_to_hire=TimeToHire(len(days), _median(days), _mean(days)),
    )


def candidacies(
    user: User,
    *,
    school: Organisation | None = None,
    campaign: Campaign | None = None,
    site: Site | None = None,
    applied_from: dt.date | None = None,
    applied_until: dt.date | None = None,
) -> list[Candidacy]:
    """The candidates `user` may see, filtered, each with the furthest stage their history reached and
    the day they were hired. Two queries, whatever the number of candidates."""
    rows: QuerySet[Candidate] = Candidate.objects.restrict(user, Action.VIEW)
    if school is not None:
        rows = rows.filter(school=school)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if site is not None:
        rows = rows.filter(campaign__site=site)
    if applied_from is not None:
        rows = rows.filter(applied_on__gte=applied_from)
    if applied_until is not None:
        rows = rows.filter(applied_on__lte=applied_until)
    found: dict[int, dict[str, Any]] = {
        pk: {"pk": pk, "school_id": school_id, "campaign_id": campaign_id, "stage": stage, "applied_on": on}
        for pk, school_id, campaign_id, stage, on in rows.order_by().values_list(
            "pk", "school_id", "campaign_id", "stage", "applied_on"
        )
    }
    moves: dict[int, list[str]] = defaultdict(list)
    history = (
        StageChange.objects.restrict(user, Action.VIEW)
        .filter(candidate__in=rows.values("pk"))
        .order_by()
        .values_list("candidate_id", "to_stage", "at")
    )
    for candidate_id, to_stage, at in history:
        candidacy = found.get(candidate_id)
        if candidacy is None:
            continue
        moves[candidate_id].append(to_stage)
        if to_stage == Stage.HIRED:
            candidacy["hired_on"] = timezone.localtime(at).date()
    for pk, candidacy in found.items():
        candidacy["furthest"] = furthest_step(candidacy["stage"], moves[pk])
    return [Candidacy(**values) for values in found.values()]


@dataclass
class FunnelReport:
    overall: Funnel
    by_school: list[tuple[Organisation | None, Funnel]] = field(default_factory=list)
    by_campaign: list[tuple[Campaign, Funnel]] = field(default_factory=list)


def funnel_report(user: User, **filters: Any) -> FunnelReport:
    """The funnel of the candidates `user` may see (filters as `candidacies`), as a whole, per school
    (the most applications first) and per campaign (the latest first)."""
    found = candidacies(user, **filters)
    by_school: dict[int | None, list[Candidacy]] = defaultdict(list)
    by_campaign: dict[int, list[Candidacy]] = defaultdict(list)
    for candidacy in found:
        by_school[candidacy.school_id].append(candidacy)
        by_campaign[candidacy.campaign_id].append(candidacy)
    schools = Organisation.objects.restrict(user, Action.VIEW).in_bulk([pk for pk in by_school if pk])
    campaigns = Campaign.objects.restrict(user, Action.VIEW).select_related("site").in_bulk(list(by_campaign))
    school_rows: list[tuple[Organisation | None, Funnel]] = [
        (schools.get(pk) if pk else None, funnel_of(rows)) for pk, rows in by_school.items()
    ]
    school_rows.sort(key=lambda row: (-row[1].applied, row[0] is None, str(row[0] or "")))
    campaign_rows = [(campaigns[pk], funnel_of(rows)) for pk, rows in by_campaign.items() if pk in campaigns]
    campaign_rows.sort(key=lambda row: (row[0].opens_on, row[0].pk), reverse=True)
    return FunnelReport(overall=funnel_of(found), by_school=school_rows, by_campaign=campaign_rows)
