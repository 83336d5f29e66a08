"""SLA clocks in the database: recompute them from demands' timelines, mark breaches once.

The arithmetic lives in `demands/sla.py` (pure) and `core/calendars.py`; this module reads
the rows, picks each demand's site calendar and writes the readings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, QuerySet

from servicehub.contracts.models import Contract, ServiceLevel
from servicehub.core import clock as business_clock
from servicehub.core.audit import record_change
from servicehub.core.choices import AuditEvent
from servicehub.demands.choices import ClockState, DemandState
from servicehub.demands.models import Demand, DemandEvent, SlaClock, SlaPause
from servicehub.demands.sla import ClockRule, TimelineEvent, read_clock
from servicehub.org.calendars import calendars_for_sites
from servicehub.org.models import Site

# Demands whose clocks no longer move: the tick leaves them alone (a transition still refreshes).
FINAL_STATES = (DemandState.ACCEPTED, DemandState.CANCELLED, DemandState.INVOICED)


def rule_for(level: ServiceLevel) -> ClockRule | None:
    if not level.clock_start_states or not level.clock_stop_states or level.target_business_hours is None:
        return None
    return ClockRule(
        start_states=frozenset(level.clock_start_states),
        stop_states=frozenset(level.clock_stop_states),
        pause_states=frozenset(level.clock_pause_states),
        target_seconds=int(level.target_business_hours * Decimal(3600)),
    )


@dataclass
class RefreshReport:
    demands: int = 0
    clocks: int = 0


@transaction.atomic
def refresh_clocks(demands: Iterable[Demand], *, now: dt.datetime | None = None) -> RefreshReport:
    """Recompute every clock of `demands` from their timelines (idempotent: same timeline, same rows)."""
    now = now or business_clock.now()
    demands = list(demands)
    report = RefreshReport(demands=len(demands))
    if not demands:
        return report
    levels: dict[int, list[tuple[ServiceLevel, ClockRule]]] = defaultdict(list)
    for level in ServiceLevel.objects.filter(contract__in={d.contract_id for d in demands}):
        rule = rule_for(level)
        if rule is not None:
            levels[level.contract_id].append((level, rule))
    timelines: dict[int, list[TimelineEvent]] = defaultdict(list)
    for demand_id, at, state, waiting in DemandEvent.objects.filter(demand__in=demands).values_list(
        "demand_id", "at", "to_state", "waiting_on_client"
    ):
        timelines[demand_id].append(TimelineEvent(at, state, waiting))
    sites = _sites_of(demands)
    first_year = min((e.at.year for events in timelines.values() for e in events), default=now.year)
    calendars = calendars_for_sites(list(set(sites.values())), years=range(first_year - 1, now.year + 3))
    existing = {(c.demand_id, c.service_level_id): c for c in SlaClock.objects.filter(demand__in=demands)}
    for demand in demands:
        for level, rule in levels.get(demand.contract_id, []):
            reading = read_clock(rule, timelines[demand.pk], calendars[sites[demand.pk].pk], now)
            clock = existing.get((demand.pk, level.pk)) or SlaClock(demand=demand, service_level=level)
            clock.status = ClockState(reading.status.value)
            clock.started_at, clock.stopped_at = reading.started_at, reading.stopped_at
            clock.elapsed_seconds, clock.target_seconds = reading.elapsed_seconds, rule.target_seconds
            clock.deadline, clock.computed_at = reading.deadline, now
            if not reading.breached:
                # A reopened or re-read timeline can undo a breach the clock no longer shows.
                clock.breached_at = None
            clock.save()
            SlaPause.objects.filter(clock=clock).delete()
            SlaPause.objects.bulk_create(
                SlaPause(clock=clock, started_at=s, ended_at=e) for s, e in reading.pauses
            )
            report.clocks += 1
    return report


def measure_imported(
    sender: object, *, contract_id: int, demand_ids: Sequence[int], **kwargs: object
) -> RefreshReport:
    """Receiver of `demands_imported`: an imported history is measured like any other, once committed."""
    return refresh_clocks(Demand.objects.filter(pk__in=demand_ids))


def _sites_of(demands: Sequence[Demand]) -> dict[int, Site]:
    """The delivering site, or before planning the first site serving the contract."""
    links = Contract.serving_sites.through.objects.filter(
        contract_id__in={d.contract_id for d in demands}
    ).order_by("site_id")
    serving: dict[int, int] = {}
    for contract_id, site_id in links.values_list("contract_id", "site_id"):
        serving.setdefault(contract_id, site_id)
    wanted = {d.pk: d.site_id or serving[d.contract_id] for d in demands}
    sites = Site.objects.in_bulk(set(wanted.values()))
    return {pk: sites[site_id] for pk, site_id in wanted.items()}


def mark_breaches(*, now: dt.datetime | None = None) -> int:
    """Mark each clock past its target once, with its audit row; returns how many this call marked.

    The claim is a conditional UPDATE (… WHERE breached_at IS NULL): of two workers racing on
    the same clock, exactly one sees one updated row and writes the audit row.
    """
    now = now or business_clock.now()
    due = SlaClock.objects.filter(breached_at__isnull=True).filter(
        Q(status=ClockState.RUNNING, deadline__lt=now)
        | Q(status=ClockState.STOPPED, elapsed_seconds__gt=F("target_seconds"))
    )
    marked = 0
    for clock in due.select_related("demand", "service_level"):
        when = clock.deadline if clock.status == ClockState.RUNNING else clock.stopped_at
        with transaction.atomic():
            claimed = SlaClock.objects.filter(pk=clock.pk, breached_at__isnull=True).update(
                breached_at=when or now
            )
            if claimed == 1:
                record_change(
                    None,
                    clock.demand,
                    AuditEvent.SLA_BREACHED,
                    after={
                        "service_level": clock.service_level.code,
                        "deadline": str(clock.deadline),
                        "elapsed_seconds": clock.elapsed_seconds,
                        "target_seconds": clock.target_seconds,
                    },
                )
                marked += 1
    return marked


def tick(*, now: dt.datetime | None = None, batch: int = 500) -> tuple[RefreshReport, int]:
    """One pass of the SLA worker: refresh the clocks of live demands, then mark breaches."""
    now = now or business_clock.now()
    live = Demand.objects.exclude(state__in=FINAL_STATES)
    return _refresh_in_batches(live, now=now, batch=batch), mark_breaches(now=now)


def refresh_contract_clocks(
    contract: Contract, *, now: dt.datetime | None = None, batch: int = 500
) -> RefreshReport:
    """Recompute the clocks of every demand of `contract`, finished ones included.

    For when the contract's clocks changed after its demands moved: the tick only follows live
    demands, and an imported history is measured once, when it is imported.
    """
    now = now or business_clock.now()
    return _refresh_in_batches(Demand.objects.filter(contract=contract), now=now, batch=batch)


def _refresh_in_batches(demands: QuerySet[Demand], *, now: dt.datetime, batch: int) -> RefreshReport:
    total = RefreshReport()
    ordered = demands.order_by("pk")
    last = 0
    while True:
        chunk = list(ordered.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        part = refresh_clocks(chunk, now=now)
        total.demands += part.demands
        total.clocks += part.clocks
        last = chunk[-1].pk
    return total
