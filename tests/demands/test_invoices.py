"""Invoices: accepted deliverables at their ordered prices, less the penalties; issued means frozen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import World
from servicehub.contracts import penalties
from servicehub.contracts.actions import do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import ServiceLevel
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.choices import DemandState, InvoiceKind, InvoiceLineKind, InvoiceState
from servicehub.demands.models import Demand, Invoice, InvoiceLine, IssuedInvoiceError

MakeDemand = Callable[..., Demand]
APRIL, MAY, JUNE, JULY = dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)
IN_APRIL = dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC)
IN_MAY = dt.datetime(2026, 5, 15, 10, tzinfo=dt.UTC)
IN_JUNE = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
IN_JULY = dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC)


def _otd(world: World) -> ServiceLevel:
    return do_define_service_level(
        world.contract_a,
        code="otd",
        name="On-time delivery",
        kind=ServiceLevelKind.ON_TIME_DELIVERY,
        comparison=Comparison.AT_LEAST,
        threshold=Decimal("95"),
        unit=MeasureUnit.PERCENT,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("2"),
        penalty_cap_percent=Decimal("10"),
        actor=None,
    )


@pytest.mark.parametrize(
    "comparison, threshold, measured, expected",
    [
        (Comparison.AT_LEAST, "95", "96", "0"),
        (Comparison.AT_LEAST, "95", "92.5", "2.5"),
        (Comparison.AT_MOST, "16", "19", "3"),
        (Comparison.AT_MOST, "16", "16", "0"),
    ],
)
def test_shortfall(comparison: Comparison, threshold: str, measured: str, expected: str) -> None:
    assert penalties.shortfall(comparison, Decimal(threshold), Decimal(measured)) == Decimal(expected)


def test_started_points_count_and_the_cap_holds() -> None:
    assert penalties.penalty_percent_for(Decimal("2.5"), Decimal("2"), Decimal("10")) == Decimal("6")
    assert penalties.penalty_percent_for(Decimal("9"), Decimal("2"), Decimal("10")) == Decimal("10")
    assert penalties.penalty_amount(Decimal("8000.00"), Decimal("6")) == Decimal("480.00")
    assert penalties.penalty_amount(Decimal("0.25"), Decimal("2")) == Decimal("0.01")  # half up


@time_machine.travel(IN_JUNE, tick=False)
def test_invoice_of_the_month_with_a_penalty(
    world: World, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    level = _otd(world)
    first, second = make_demand(DemandState.ACCEPTED), make_demand(DemandState.ACCEPTED, quantity="3")
    make_demand(DemandState.DELIVERED)  # not accepted: not invoiced
    invoice = actions.do_prepare_invoice(
        world.contract_a, month=JUNE, measurements={level: Decimal("92.5")}, actor=personas["delivery_lead"]
    )
    # 2 and 3 medium units at 2 000 MAD: 10 000; 2.5 points short → 3 started points x 2 % = 6 % = 600.
    assert (invoice.deliverables_amount, invoice.penalties_amount, invoice.total) == (
        Decimal("10000.00"),
        Decimal("600.00"),
        Decimal("9400.00"),
    )
    lines = list(invoice.lines.all())
    assert [line.kind for line in lines] == ["deliverable", "deliverable", "penalty"]
    assert {line.demand for line in lines if line.demand} == {first, second}
    assert sum(line.amount for line in lines) == invoice.total
    issued = actions.do_issue_invoice(invoice, actor=personas["director"])
    assert issued.number == "FAC-202606-CA-1" and issued.state == InvoiceState.ISSUED
    first.refresh_from_db()
    assert first.state == DemandState.INVOICED


@time_machine.travel(IN_JUNE, tick=False)
def test_no_penalty_during_ramp_up(world: World, make_demand: MakeDemand) -> None:
    level = _otd(world)
    world.contract_a.penalties_from = dt.date(2026, 7, 1)
    world.contract_a.save(update_fields=["penalties_from"])
    make_demand(DemandState.ACCEPTED)
    invoice = actions.do_prepare_invoice(
        world.contract_a, month=JUNE, measurements={level: Decimal("50")}, actor=None
    )
    assert invoice.penalties_amount == 0 and invoice.total == Decimal("4000.00")


@time_machine.travel(IN_JUNE, tick=False)
def test_an_issued_invoice_is_immutable_and_a_credit_note_corrects_it(
    world: World, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(DemandState.ACCEPTED)
    invoice = actions.do_issue_invoice(
        actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None), actor=None
    )
    invoice.total = Decimal("1")
    with pytest.raises(IssuedInvoiceError):
        invoice.save()
    with pytest.raises(IssuedInvoiceError):
        invoice.delete()
    line = invoice.lines.first()
    assert line is not None
    line.amount = Decimal("1")
    with pytest.raises(IssuedInvoiceError):
        line.save()
    with pytest.raises(ValidationError) as caught:
        actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert "month" in caught.value.message_dict
    note = actions.do_issue_credit_note(
        invoice, reason="Wrong purchase order", actor=personas["delivery_lead"]
    )
    assert (note.kind, note.total, note.corrects) == (InvoiceKind.CREDIT_NOTE, Decimal("-4000.00"), invoice)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("4000.00") and invoice.total + note.total == 0
    demand.refresh_from_db()
    assert demand.state == DemandState.ACCEPTED
    with pytest.raises(ValidationError):
        actions.do_issue_credit_note(invoice, reason="again", actor=None)


@time_machine.travel(IN_JUNE, tick=False)
def test_who_invoices_and_who_sees_invoices(
    world: World, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    make_demand(DemandState.ACCEPTED)
    for key in ("client_a", "site_manager", "resource_manager", "specialist"):
        with pytest.raises(PermissionDenied):
            actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=personas[key])
    draft = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=personas["delivery_lead"])
    # A client sees issued invoices of its own contracts only, never drafts.
    assert not Invoice.objects.restrict(personas["client_a"]).exists()
    actions.do_issue_invoice(draft, actor=personas["director"])
    assert list(Invoice.objects.restrict(personas["client_a"])) == [draft]
    assert not Invoice.objects.restrict(personas["client_b"]).exists()
    assert not InvoiceLine.objects.restrict(personas["client_b"]).exists()


def test_redrafting_replaces_the_draft(world: World, make_demand: MakeDemand) -> None:
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED)
        first = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
        make_demand(DemandState.ACCEPTED)
        again = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert again.pk == first.pk and again.lines.count() == 2 and again.total == Decimal("8000.00")
    assert Invoice.objects.count() == 1


# ---------------------------------------------------------------------------
# Earn-back: a penalty paid back after N months met


def _first_time(world: World, earn_back_months: int | None) -> ServiceLevel:
    """First-time acceptance, at least 90 %: measured from the deliveries, so any month can be."""
    return do_define_service_level(
        world.contract_a,
        code="fta",
        name="First-time acceptance",
        kind=ServiceLevelKind.FIRST_TIME_ACCEPTANCE,
        comparison=Comparison.AT_LEAST,
        threshold=Decimal("90"),
        unit=MeasureUnit.PERCENT,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("2"),
        penalty_cap_percent=Decimal("10"),
        earn_back_months=earn_back_months,
        actor=None,
    )


def _penalised_april(
    world: World, make_demand: MakeDemand, level: ServiceLevel, *, issue: bool = True
) -> Invoice:
    """April: 2 medium units, 4 000; 87.5 % against at least 90: 3 started points x 2 % = 240."""
    with time_machine.travel(IN_APRIL, tick=False):
        make_demand(DemandState.ACCEPTED)
        invoice = actions.do_prepare_invoice(
            world.contract_a, month=APRIL, measurements={level: Decimal("87.5")}, actor=None
        )
        if issue:
            invoice = actions.do_issue_invoice(invoice, actor=None)
    assert [line.amount for line in invoice.lines.filter(kind=InvoiceLineKind.PENALTY)] == [
        Decimal("-240.00")
    ]
    return invoice


def _record_month(make_demand: MakeDemand, when: dt.datetime, verdict: str) -> None:
    """A month whose first-time acceptance is met (100 %), missed (0 %) or has nothing to measure."""
    with time_machine.travel(when, tick=False):
        if verdict == "met":
            make_demand(DemandState.ACCEPTED)
        elif verdict == "missed":
            make_demand(DemandState.REJECTED)


def _earned_back(invoice: Invoice) -> list[Decimal]:
    return [line.amount for line in invoice.lines.all() if line.kind == InvoiceLineKind.EARN_BACK]


def test_a_penalty_is_earned_back_after_two_months_met(world: World, make_demand: MakeDemand) -> None:
    level = _first_time(world, earn_back_months=2)
    _penalised_april(world, make_demand, level)
    with time_machine.travel(IN_MAY, tick=False):
        make_demand(DemandState.ACCEPTED)  # first time: 100 %, met
        may = actions.do_issue_invoice(
            actions.do_prepare_invoice(world.contract_a, month=MAY, actor=None), actor=None
        )
    assert _earned_back(may) == []  # one month met of two: not yet
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED, quantity="3")  # met again, measured by the action itself
        with translation.override("en"):
            june = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    lines = list(june.lines.all())
    assert [(line.kind, line.service_level, line.amount) for line in lines] == [
        (InvoiceLineKind.DELIVERABLE, None, Decimal("6000.00")),
        (InvoiceLineKind.EARN_BACK, level, Decimal("240.00")),
    ]
    assert (
        lines[1].description == "First-time acceptance: penalty of April 2026 earned back after 2 months met"
    )
    # 3 medium units at 2 000 = 6 000, and April's 240 back: penalties are net, -240; total 6 240.
    assert (june.deliverables_amount, june.penalties_amount, june.total) == (
        Decimal("6000.00"),
        Decimal("-240.00"),
        Decimal("6240.00"),
    )
    assert sum(line.amount for line in lines) == june.total
    # The month is written in the language of the invoice.
    with time_machine.travel(IN_JUNE, tick=False), translation.override("fr"):
        june = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert "avril 2026" in june.lines.get(kind=InvoiceLineKind.EARN_BACK).description


@pytest.mark.parametrize(
    "may, june, earned",
    [
        ("met", "met", [Decimal("240.00")]),
        ("missed", "met", []),
        ("unmeasured", "met", []),  # nothing to measure is not met
        ("met", "missed", []),
    ],
)
def test_earn_back_needs_every_month_met(
    world: World, make_demand: MakeDemand, may: str, june: str, earned: list[Decimal]
) -> None:
    level = _first_time(world, earn_back_months=2)
    _penalised_april(world, make_demand, level)
    _record_month(make_demand, IN_MAY, may)
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED, quantity="3")
        if june == "missed":
            make_demand(DemandState.REJECTED)  # one first delivery accepted of two: 50 %
        invoice = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert _earned_back(invoice) == earned
    assert invoice.total == sum((line.amount for line in invoice.lines.all()), Decimal("0"))


@pytest.mark.parametrize("april", ["credited", "draft"])
def test_only_a_penalty_issued_and_not_credited_is_earned_back(
    world: World, make_demand: MakeDemand, april: str
) -> None:
    level = _first_time(world, earn_back_months=2)
    invoice = _penalised_april(world, make_demand, level, issue=april == "credited")
    if april == "credited":
        actions.do_issue_credit_note(invoice, reason="Measured on the wrong month", actor=None)
    _record_month(make_demand, IN_MAY, "met")
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED, quantity="3")
        june = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert _earned_back(june) == []
    assert (june.penalties_amount, june.total) == (Decimal("0"), Decimal("6000.00"))


def test_no_earn_back_without_an_earn_back_period(world: World, make_demand: MakeDemand) -> None:
    level = _first_time(world, earn_back_months=None)
    _penalised_april(world, make_demand, level)
    _record_month(make_demand, IN_MAY, "met")
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED, quantity="3")
        june = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    assert _earned_back(june) == [] and june.total == Decimal("6000.00")


def test_a_credit_note_cancels_the_earn_back_too(world: World, make_demand: MakeDemand) -> None:
    level = _first_time(world, earn_back_months=2)
    _penalised_april(world, make_demand, level)
    _record_month(make_demand, IN_MAY, "met")
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED, quantity="3")
        june = actions.do_issue_invoice(
            actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None), actor=None
        )
        note = actions.do_issue_credit_note(june, reason="Wrong purchase order", actor=None)
    assert [(line.kind, line.service_level, line.amount) for line in note.lines.all()] == [
        (InvoiceLineKind.DELIVERABLE, None, Decimal("-6000.00")),
        (InvoiceLineKind.EARN_BACK, level, Decimal("-240.00")),
    ]
    assert (note.deliverables_amount, note.penalties_amount, note.total) == (
        Decimal("-6000.00"),
        Decimal("240.00"),
        Decimal("-6240.00"),
    )
    assert note.total + june.total == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantities=st.lists(st.integers(min_value=1, max_value=60), min_size=0, max_size=4),
    measured=st.one_of(
        st.sampled_from([Decimal("95"), Decimal("100")]),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
    ),
    per_point=st.decimals(min_value=Decimal("0"), max_value=Decimal("50"), places=2),
    cap=st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
    may_measured=st.none() | st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2),
    earn_back=st.booleans(),
)
def test_totals_are_the_lines_minus_penalties_in_every_case(
    world: World,
    make_demand: MakeDemand,
    quantities: list[int],
    measured: Decimal,
    per_point: Decimal,
    cap: Decimal,
    may_measured: Decimal | None,
    earn_back: bool,
) -> None:
    with transaction.atomic():
        level = _otd(world)
        ServiceLevel.objects.filter(pk=level.pk).update(
            penalty_percent=per_point,
            penalty_cap_percent=max(cap, per_point),
            earn_back_months=1 if earn_back else None,
        )
        level.refresh_from_db()
        may_penalties: list[Decimal] = []
        if may_measured is not None:  # an issued May invoice, with or without a penalty
            with time_machine.travel(IN_MAY, tick=False):
                make_demand(DemandState.ACCEPTED)
                may = actions.do_issue_invoice(
                    actions.do_prepare_invoice(
                        world.contract_a, month=MAY, measurements={level: may_measured}, actor=None
                    ),
                    actor=None,
                )
            may_penalties = [-x.amount for x in may.lines.all() if x.kind == InvoiceLineKind.PENALTY]
        with time_machine.travel(IN_JUNE, tick=False):
            for quantity in quantities:
                make_demand(DemandState.ACCEPTED, quantity=str(quantity))
            invoice = actions.do_prepare_invoice(
                world.contract_a, month=JUNE, measurements={level: measured}, actor=None
            )
        lines = list(invoice.lines.all())
        deliverables = sum((x.amount for x in lines if x.kind == InvoiceLineKind.DELIVERABLE), Decimal("0"))
        due = -sum((x.amount for x in lines if x.kind == InvoiceLineKind.PENALTY), Decimal("0"))
        earned = [x.amount for x in lines if x.kind == InvoiceLineKind.EARN_BACK]
        assert deliverables == Decimal(2000 * sum(quantities))
        assert invoice.total == sum((x.amount for x in lines), Decimal("0"))
        assert invoice.total == invoice.deliverables_amount - invoice.penalties_amount
        assert invoice.penalties_amount == due - sum(earned, Decimal("0"))
        assert Decimal("0") <= due <= invoice.deliverables_amount
        assert due <= (deliverables * level.penalty_cap_percent / 100).quantize(Decimal("0.01"))
        # With N = 1, May's penalty comes back in full on June's invoice exactly when June is met.
        assert earned == (may_penalties if earn_back and measured >= Decimal("95") else [])
        assert all(isinstance(x.amount, Decimal) for x in lines)
        transaction.set_rollback(True)
