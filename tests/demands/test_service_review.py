"""The month's service levels measured from the clocks, and the penalties they put on the invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from conftest import World
from servicehub.contracts.actions import do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import ServiceLevel
from servicehub.demands import actions
from servicehub.demands.choices import DemandState
from servicehub.demands.clocks import refresh_clocks
from servicehub.demands.models import Demand
from servicehub.demands.service_review import measure_month

CASA = ZoneInfo("Africa/Casablanca")
JUNE = dt.date(2026, 6, 1)
MakeDemand = Callable[..., Demand]


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CASA)


def _level(
    world: World, code: str, unit: MeasureUnit, comparison: Comparison, threshold: str
) -> ServiceLevel:
    return do_define_service_level(
        world.contract_a,
        code=code,
        name=code,
        kind=ServiceLevelKind.RESPONSE_TIME,
        comparison=comparison,
        threshold=Decimal(threshold),
        unit=unit,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        clock_start_states=["submitted"],
        clock_stop_states=["quoted"],
        target_business_hours=Decimal("4"),
        actor=None,
    )


def _quoted_after(make_demand: MakeDemand, submitted: dt.datetime, quoted: dt.datetime) -> Demand:
    with time_machine.travel(submitted, tick=False):
        demand = make_demand(DemandState.SUBMITTED)
    with time_machine.travel(quoted, tick=False):
        actions.do_quote_demand(demand, actor=None)
    return demand


def test_a_month_measured_by_hand_and_its_penalties(world: World, make_demand: MakeDemand) -> None:
    hours = _level(world, "quote-time", MeasureUnit.BUSINESS_HOURS, Comparison.AT_MOST, "4")
    rate = _level(world, "quote-rate", MeasureUnit.PERCENT, Comparison.AT_LEAST, "95")
    # Quoted within 2 business hours (Mon 9:00 to 11:00) and within 10 (Mon 8 h, Tue 9:00 to 11:00).
    fast = _quoted_after(make_demand, local(2026, 6, 1, 9, 0), local(2026, 6, 1, 11, 0))
    slow = _quoted_after(make_demand, local(2026, 6, 1, 9, 0), local(2026, 6, 2, 11, 0))
    with time_machine.travel(local(2026, 6, 15, 9, 0), tick=False):
        refresh_clocks([fast, slow])
        values = {m.level.code: (m.value, m.samples, m.met) for m in measure_month(world.contract_a, JUNE)}
        # Mean 6.00 h against at most 4; one clock in two met its 4 h target: 50 % against at least 95.
        assert values == {
            "quote-time": (Decimal("6.00"), 2, False),
            "quote-rate": (Decimal("50.00"), 2, False),
        }
        for demand in (fast, slow):
            for step in ("order", "plan", "start", "deliver", "accept"):
                {
                    "order": lambda d=demand: actions.do_order_demand(d, actor=None),
                    "plan": lambda d=demand: actions.do_plan_demand(
                        d, site=world.rabat, committed_on=JUNE, actor=None
                    ),
                    "start": lambda d=demand: actions.do_start_demand(d, actor=None),
                    "deliver": lambda d=demand: actions.do_deliver_demand(d, actor=None),
                    "accept": lambda d=demand: actions.do_accept_delivery(d, actor=None),
                }[step]()
        invoice = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    # Two medium units each: 4 000 + 4 000. Quote time 2 points short: 2 %, 160. Rate 45 points
    # short: 45 %, capped at 5 %, 400.
    penalties = {
        line.service_level: line.amount for line in invoice.lines.filter(service_level__isnull=False)
    }
    assert penalties == {hours: Decimal("-160.00"), rate: Decimal("-400.00")}
    assert (invoice.deliverables_amount, invoice.penalties_amount, invoice.total) == (
        Decimal("8000.00"),
        Decimal("560.00"),
        Decimal("7440.00"),
    )


def test_nothing_measured_nothing_owed(world: World, make_demand: MakeDemand) -> None:
    _level(world, "quote-time", MeasureUnit.BUSINESS_HOURS, Comparison.AT_MOST, "4")
    assert measure_month(world.contract_a, JUNE) == []
