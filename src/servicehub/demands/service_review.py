"""The month's service levels of a contract (ISQ): each indicator's value, threshold and verdict.

Read-only: it measures what the clocks and deliveries recorded. Time indicators average the
business time of the clocks that stopped in the month; rate indicators count the clocks
that met their target, or for first-time acceptance the first deliveries accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from servicehub.contracts import penalties
from servicehub.contracts.choices import MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import Contract, ServiceLevel
from servicehub.demands.choices import Decision, DemandSource
from servicehub.demands.clocks import rule_for
from servicehub.demands.models import Delivery, SlaClock

HOUR = Decimal(3600)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Measurement:
    level: ServiceLevel
    value: Decimal
    samples: int
    met: bool


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as aware datetimes in the installation's time zone."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(first, dt.time.min, tzinfo=zone), dt.datetime.combine(
        following, dt.time.min, tzinfo=zone
    )


def measure_month(contract: Contract, month: dt.date) -> list[Measurement]:
    """Every indicator of `contract` that had something to measure in `month`."""
    start, end = month_bounds(month)
    results = []
    for level in contract.service_levels.order_by("code"):
        value, samples = _measure(level, start, end)
        if samples == 0 or value is None:
            continue
        met = penalties.shortfall(level.comparison, level.threshold, value) == 0
        results.append(Measurement(level, value, samples, met))
    return results


@dataclass(frozen=True)
class HistoryReview:
    """The service levels of the months an imported history covers, indicator by indicator."""

    # The contract's indicators that have a clock: the only ones an imported timeline can feed.
    clock_levels: list[ServiceLevel]
    # The months in which a clock of an imported demand stopped, in order.
    months: list[dt.date]
    # Each indicator measured in those months, with the months it had something to measure.
    measured: list[tuple[ServiceLevel, list[tuple[dt.date, Measurement]]]]


def review_imported_history(contract: Contract, source: DemandSource) -> HistoryReview:
    """Measure every month in which the clocks of `contract`'s demands imported from `source` stopped."""
    levels = contract.service_levels.order_by("code")
    clock_levels = [level for level in levels if rule_for(level) is not None]
    months: list[dt.date] = []
    if clock_levels:
        stopped = SlaClock.objects.filter(
            service_level__in=clock_levels, demand__source=source, stopped_at__isnull=False
        )
        months = [
            moment.date()
            for moment in stopped.datetimes("stopped_at", "month", tzinfo=timezone.get_default_timezone())
        ]
    by_level: dict[int, tuple[ServiceLevel, list[tuple[dt.date, Measurement]]]] = {}
    for month in months:
        for measurement in measure_month(contract, month):
            level = measurement.level
            by_level.setdefault(level.pk, (level, []))[1].append((month, measurement))
    measured = sorted(by_level.values(), key=lambda item: item[0].code)
    return HistoryReview(clock_levels, months, measured)


def _measure(level: ServiceLevel, start: dt.datetime, end: dt.datetime) -> tuple[Decimal | None, int]:
    if level.kind == ServiceLevelKind.FIRST_TIME_ACCEPTANCE:
        firsts = list(
            Delivery.objects.filter(
                demand__contract_id=level.contract_id, number=1, decided_at__gte=start, decided_at__lt=end
            ).values_list("decision", flat=True)
        )
        accepted = sum(1 for decision in firsts if decision == Decision.ACCEPTED)
        return _percent(accepted, len(firsts)), len(firsts)
    clocks = list(
        SlaClock.objects.filter(service_level=level, stopped_at__gte=start, stopped_at__lt=end).values_list(
            "elapsed_seconds", "target_seconds"
        )
    )
    if not clocks:
        return None, 0
    if level.unit == MeasureUnit.PERCENT:
        met = sum(1 for elapsed, target in clocks if elapsed <= target)
        return _percent(met, len(clocks)), len(clocks)
    mean_seconds = Decimal(sum(elapsed for elapsed, _ in clocks)) / len(clocks)
    return (mean_seconds / HOUR).quantize(TWO_PLACES, rounding=ROUND_HALF_UP), len(clocks)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
