"""SLA clocks in the database, on the site's business calendar (Casablanca, Moroccan holidays)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import World
from servicehub.api.idempotency import KEY_LIFETIME
from servicehub.api.models import IdempotentRequest
from servicehub.contracts.actions import do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import ServiceLevel
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions
from servicehub.demands.choices import ClockState, DemandState
from servicehub.demands.clocks import mark_breaches, refresh_clocks, tick
from servicehub.demands.models import Demand, SlaClock

CASA = ZoneInfo("Africa/Casablanca")
MakeDemand = Callable[..., Demand]


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CASA)


def _level(
    world: World, code: str, start: list[str], stop: list[str], pause: list[str], hours: str
) -> ServiceLevel:
    return do_define_service_level(
        world.contract_a,
        code=code,
        name=code,
        kind=ServiceLevelKind.RESPONSE_TIME,
        comparison=Comparison.AT_MOST,
        threshold=Decimal(hours),
        unit=MeasureUnit.BUSINESS_HOURS,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        clock_start_states=start,
        clock_stop_states=stop,
        clock_pause_states=pause,
        target_business_hours=Decimal(hours),
        actor=None,
    )


def test_quote_deadline_across_throne_day(world: World, make_demand: MakeDemand) -> None:
    level = _level(world, "quote", ["submitted"], ["quoted"], [], "16")
    with time_machine.travel(local(2026, 7, 29, 15, 0), tick=False):
        demand = make_demand(DemandState.SUBMITTED)
    with time_machine.travel(local(2026, 7, 30, 12, 0), tick=False):
        refresh_clocks([demand])
    clock = SlaClock.objects.get(demand=demand, service_level=level)
    # By hand, default hours Mon-Fri 9-13 and 14-18, Casablanca at UTC+1 in summer:
    # Wed 29 July 15:00-18:00 = 3 h; Thu 30 July is Throne Day; Fri 31 July 8 h (11 h);
    # weekend; Mon 3 August 9:00-13:00 (15 h) and 14:00-15:00 (16 h).
    assert clock.deadline == local(2026, 8, 3, 15, 0)
    assert clock.deadline == dt.datetime(2026, 8, 3, 14, 0, tzinfo=dt.UTC)
    assert (clock.status, clock.elapsed_seconds) == (ClockState.RUNNING, 3 * 3600)


def test_waiting_on_the_client_pauses_and_the_ledger_keeps_it(world: World, make_demand: MakeDemand) -> None:
    level = _level(world, "end-to-end", ["submitted"], ["accepted"], ["quoted", "delivered"], "40")
    with time_machine.travel(local(2026, 6, 1, 9, 0), tick=False):  # Monday
        demand = make_demand(DemandState.SUBMITTED)
    with time_machine.travel(local(2026, 6, 1, 11, 0), tick=False):
        actions.do_quote_demand(demand, actor=None)
    with time_machine.travel(local(2026, 6, 3, 9, 0), tick=False):  # the client orders two days later
        actions.do_order_demand(demand, actor=None)
    with time_machine.travel(local(2026, 6, 3, 12, 0), tick=False):
        refresh_clocks([demand])
    clock = SlaClock.objects.get(demand=demand, service_level=level)
    # Ran Mon 9-11 (2 h), paused while quoted, ran again Wed 9-12 (3 h).
    assert clock.elapsed_seconds == 5 * 3600 and clock.status == ClockState.RUNNING
    assert [(p.started_at, p.ended_at) for p in clock.pauses.all()] == [
        (local(2026, 6, 1, 11, 0), local(2026, 6, 3, 9, 0))
    ]
    # At the resumption (Wed 9:00) 38 of the 40 hours remained: Wed 8, Thu 8, Fri 8, Mon 8 (32),
    # Tue 9:00-13:00 (36) and 14:00-16:00 (38).
    assert clock.deadline == local(2026, 6, 9, 16, 0)


def test_breaches_are_marked_once_with_one_audit_row(world: World, make_demand: MakeDemand) -> None:
    _level(world, "quote", ["submitted"], ["quoted"], [], "4")
    with time_machine.travel(local(2026, 6, 1, 9, 0), tick=False):
        demand = make_demand(DemandState.SUBMITTED)
    with time_machine.travel(local(2026, 6, 1, 12, 0), tick=False):
        assert tick()[1] == 0
    with time_machine.travel(local(2026, 6, 2, 9, 0), tick=False):
        refreshed, marked = tick()
        assert (refreshed.clocks, marked) == (1, 1)
        assert mark_breaches() == 0  # a second worker finds nothing left to claim
        call_command("sla", "tick")
    clock = SlaClock.objects.get(demand=demand)
    # Mon 9:00-13:00 is the four hours: the deadline is Mon 13:00.
    assert clock.breached_at == local(2026, 6, 1, 13, 0)
    assert AuditLog.objects.filter(event=AuditEvent.SLA_BREACHED, object_id=str(demand.pk)).count() == 1


def test_recomputing_is_idempotent(world: World, make_demand: MakeDemand) -> None:
    _level(world, "quote", ["submitted"], ["quoted"], [], "16")
    with time_machine.travel(local(2026, 6, 1, 9, 0), tick=False):
        demand = make_demand(DemandState.QUOTED)
    with time_machine.travel(local(2026, 6, 5, 9, 0), tick=False):
        refresh_clocks([demand])
        first = list(SlaClock.objects.values_list("status", "elapsed_seconds", "deadline", "stopped_at"))
        refresh_clocks([demand])
        assert (
            list(SlaClock.objects.values_list("status", "elapsed_seconds", "deadline", "stopped_at")) == first
        )
    assert first[0][0] == ClockState.STOPPED and SlaClock.objects.count() == 1


def test_the_queue_shows_deadlines_and_breaches(
    client: Client, world: World, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    _level(world, "quote", ["submitted"], ["quoted"], [], "4")
    with time_machine.travel(local(2026, 6, 1, 9, 0), tick=False):
        late, on_time = make_demand(DemandState.SUBMITTED), None
    with time_machine.travel(local(2026, 6, 2, 9, 0), tick=False):
        on_time = make_demand(DemandState.SUBMITTED)
        tick()
        client.force_login(personas["delivery_lead"])
        body = client.get(
            reverse("demands:demand-list"), {"waiting": "all"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content
    rows = {
        ref: body.split(ref.encode())[1].split(b"</tr>")[0] for ref in (late.reference, on_time.reference)
    }
    assert b"Breached" in rows[late.reference]
    # Tue 9:00 plus four business hours: Tue 13:00, four hours ahead.
    assert b"Breached" not in rows[on_time.reference] and b"in 4" in rows[on_time.reference]


def test_the_tick_purges_expired_idempotency_keys(world: World, personas: dict[str, User]) -> None:
    now = timezone.now()

    def answer(key: str, age: dt.timedelta) -> IdempotentRequest:
        return IdempotentRequest.objects.create(
            user=personas["client_a"],
            key=key,
            fingerprint="0" * 64,
            method="POST",
            path="/api/v1/demands",
            status_code=201,
            response_body="{}",
            created_at=now - age,
        )

    expired = answer("expired", KEY_LIFETIME + dt.timedelta(minutes=1))
    fresh = answer("fresh", KEY_LIFETIME - dt.timedelta(minutes=10))
    out = StringIO()
    with translation.override("en"):
        call_command("sla", "tick", stdout=out)

    assert out.getvalue().strip() == (
        "0 clocks of 0 demands recomputed, 0 new breaches marked, 1 expired idempotency keys purged."
    )
    assert not IdempotentRequest.objects.filter(pk=expired.pk).exists()
    assert IdempotentRequest.objects.filter(pk=fresh.pk).exists()
