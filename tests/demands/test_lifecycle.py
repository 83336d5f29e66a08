"""The demand lifecycle: who may move a demand, from where to where, and what each move records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import World
from servicehub.catalogue.actions import do_publish_price_list_version
from servicehub.catalogue.choices import Complexity
from servicehub.contracts.actions import do_add_purchase_order
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions
from servicehub.demands.actions import TRANSITIONS, LineInput
from servicehub.demands.choices import Decision, DemandState
from servicehub.demands.models import Demand, DemandEvent

from .conftest import PATH, run

MakeDemand = Callable[..., Demand]
ALL_PERSONAS = [
    "director",
    "site_manager",
    "delivery_lead",
    "resource_manager",
    "recruiter",
    "specialist",
    "client_a",
    "approver_a",
    "client_b",
]


def test_the_whole_loop_with_the_people_who_do_it(
    world: World, personas: dict[str, User], approver_a: User
) -> None:
    lead, requester = personas["delivery_lead"], personas["client_a"]
    demand = actions.do_create_demand(
        world.contract_a,
        title="Payment screen",
        actor=requester,
        lines=[LineInput(world.work_unit_a, Complexity.COMPLEX, Decimal("3"))],
    )
    assert demand.reference == f"DEM-{demand.pk:06d}" and demand.state == DemandState.DRAFT
    actions.do_submit_demand(demand, actor=requester)
    quote = actions.do_quote_demand(demand, actor=lead, quoted_on=dt.date(2026, 6, 1))
    # Contract A's price list: simple 1000, medium 2000, complex 3000, very complex 4000 MAD; complex = 32 h.
    assert (quote.total_amount, quote.total_hours, quote.currency) == (
        Decimal("9000.00"),
        Decimal("96.0"),
        "MAD",
    )
    [line] = quote.lines.all()
    assert (line.unit_price, line.unit_hours, line.amount) == (
        Decimal("3000.00"),
        Decimal("32.0"),
        Decimal("9000.00"),
    )
    result = actions.do_order_demand(demand, actor=approver_a)
    assert result.warnings == []
    demand.refresh_from_db()
    assert demand.ordered_amount == Decimal("9000.00") and demand.purchase_order is not None
    actions.do_plan_demand(demand, site=world.rabat, committed_on=dt.date(2026, 7, 1), actor=lead)
    # The specialist starts the work once the plan gives them hours on it.
    _assign(demand, personas["specialist"])
    actions.do_start_demand(demand, actor=personas["specialist"])
    actions.do_deliver_demand(demand, actor=lead, note="first cut")
    actions.do_reject_delivery(demand, actor=approver_a, reason="The amount field accepts letters")
    actions.do_start_rework(demand, actor=lead)
    second = actions.do_deliver_demand(demand, actor=lead, note="fixed")
    decided = actions.do_accept_delivery(demand, actor=approver_a)
    demand.refresh_from_db()
    assert demand.state == DemandState.ACCEPTED
    assert (second.number, decided.pk, decided.decision) == (2, second.pk, Decision.ACCEPTED)
    assert [d.decision for d in demand.deliveries.order_by("number")] == [
        Decision.REJECTED,
        Decision.ACCEPTED,
    ]
    timeline = list(DemandEvent.objects.filter(demand=demand).values_list("to_state", flat=True))
    assert timeline == [
        "draft",
        "submitted",
        "quoted",
        "ordered",
        "planned",
        "in_progress",
        "delivered",
        "rejected",
        "rework",
        "delivered",
        "accepted",
    ]
    events = AuditLog.objects.filter(object_type="demands.demand", object_id=str(demand.pk))
    assert events.count() == len(timeline)


def _assign(demand: Demand, user: User) -> None:
    from servicehub.planning.actions import do_pin_assignment

    assert user.specialist is not None
    do_pin_assignment(demand, user.specialist, week_start=dt.date(2026, 6, 1), hours=8, actor=None)


def test_a_specialist_starts_only_work_they_are_assigned_to(
    personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(DemandState.PLANNED)
    specialist = personas["specialist"]
    assert "start" not in actions.allowed_transitions(demand, specialist)
    with pytest.raises(PermissionDenied):
        actions.do_start_demand(demand, actor=specialist)
    demand.refresh_from_db()
    assert demand.state == DemandState.PLANNED
    _assign(demand, specialist)
    assert "start" in actions.allowed_transitions(demand, specialist)
    actions.do_start_demand(demand, actor=specialist)
    demand.refresh_from_db()
    assert demand.state == DemandState.IN_PROGRESS


def test_the_policy_of_who_moves_a_demand() -> None:
    P = Persona
    lead, director = P.DELIVERY_LEAD, P.DIRECTOR
    expected = {
        "submit": {P.CLIENT_REQUESTER, P.CLIENT_APPROVER, lead, director},
        "quote": {lead, director},
        "order": {P.CLIENT_APPROVER, director},
        "plan": {lead, director, P.RESOURCE_MANAGER},
        "start": {lead, director, P.SPECIALIST},
        "deliver": {lead, director},
        "accept": {P.CLIENT_APPROVER},
        "reject": {P.CLIENT_APPROVER},
        "rework": {lead, director},
        "cancel": {P.CLIENT_REQUESTER, P.CLIENT_APPROVER, lead, director},
    }
    assert {name: set(rule.personas) for name, rule in TRANSITIONS.items()} == expected


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_transition_permission_matrix(
    world: World,
    personas: dict[str, User],
    approver_a: User,
    make_demand: MakeDemand,
    name: str,
    persona: str,
) -> None:
    users = {**personas, "approver_a": approver_a}
    rule = TRANSITIONS[name]
    source = sorted(rule.sources)[0]
    demand = make_demand(DemandState(source))
    user = users[persona]
    if name == "start" and persona == "specialist":
        _assign(demand, user)
    if persona == "client_b":
        # Client B cannot even know the demand exists.
        with pytest.raises(Http404):
            run(name, demand, user)
    elif user.persona in rule.personas:
        run(name, demand, user)
        demand.refresh_from_db()
        assert demand.state == rule.target
    else:
        with pytest.raises(PermissionDenied):
            run(name, demand, user)
        demand.refresh_from_db()
        assert demand.state == source


@pytest.mark.parametrize("state", list(DemandState))
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_illegal_transitions_are_refused_and_change_nothing(
    world: World, make_demand: MakeDemand, state: DemandState, name: str
) -> None:
    if state == DemandState.INVOICED or state in TRANSITIONS[name].sources:
        return
    demand = make_demand(state)
    audit_rows, events = AuditLog.objects.count(), DemandEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        run(name, demand, None)
    assert "state" in caught.value.message_dict
    demand.refresh_from_db()
    assert demand.state == state
    assert (AuditLog.objects.count(), DemandEvent.objects.count()) == (audit_rows, events)


def test_requoting_makes_a_new_version_and_keeps_the_old(world: World, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.QUOTED)
    again = actions.do_quote_demand(
        demand, actor=None, lines=[LineInput(world.work_unit_a, Complexity.SIMPLE, Decimal("5"))]
    )
    assert again.version == 2 and again.total_amount == Decimal("5000.00")
    assert list(demand.quotes.values_list("version", "total_amount")) == [
        (2, Decimal("5000.00")),
        (1, Decimal("4000.00")),
    ]
    demand.refresh_from_db()
    assert demand.current_quote == again


def test_prices_come_from_the_version_in_force_on_the_quote_date(
    world: World, make_demand: MakeDemand
) -> None:
    do_publish_price_list_version(
        world.price_list_a,
        valid_from=dt.date(2027, 1, 1),
        prices={(world.work_unit_a, Complexity.MEDIUM): Decimal("2200.00")},
        actor=None,
    )
    old = actions.do_quote_demand(
        make_demand(DemandState.SUBMITTED), actor=None, quoted_on=dt.date(2026, 12, 31)
    )
    new = actions.do_quote_demand(
        make_demand(DemandState.SUBMITTED), actor=None, quoted_on=dt.date(2027, 1, 1)
    )
    assert (old.total_amount, old.price_list_version.number) == (Decimal("4000.00"), 1)
    assert (new.total_amount, new.price_list_version.number) == (Decimal("4400.00"), 2)
    # Frozen: a later price change does not touch an existing quote.
    old.refresh_from_db()
    assert old.lines.get().unit_price == Decimal("2000.00")


def test_no_price_in_force_names_the_field(world: World, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    with pytest.raises(ValidationError) as caught:
        actions.do_quote_demand(demand, actor=None, quoted_on=dt.date(2025, 1, 1))
    assert "quoted_on" in caught.value.message_dict
    demand.refresh_from_db()
    assert demand.state == DemandState.SUBMITTED and not demand.quotes.exists()


def test_a_work_unit_outside_the_contract_catalogue_is_refused(
    world: World, personas: dict[str, User]
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.do_create_demand(
            world.contract_a,
            title="x",
            actor=personas["client_a"],
            lines=[LineInput(world.work_unit_b, Complexity.SIMPLE, Decimal("1"))],
        )
    assert "lines" in caught.value.message_dict
    assert not Demand.objects.exists()


@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_ordering_consumes_the_purchase_order(
    world: World, personas: dict[str, User], approver_a: User, make_demand: MakeDemand
) -> None:
    # The contract's order is 500 000 MAD; each demand of 100 medium units is 200 000.
    first = actions.do_order_demand(make_demand(DemandState.QUOTED, quantity="100"), actor=approver_a)
    assert first.warnings == []
    second = actions.do_order_demand(make_demand(DemandState.QUOTED, quantity="100"), actor=approver_a)
    assert second.warnings and "80" in second.warnings[0]
    third = make_demand(DemandState.QUOTED, quantity="100")
    with pytest.raises(ValidationError) as caught:
        actions.do_order_demand(third, actor=approver_a)
    assert "purchase_order" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_order_demand(third, actor=approver_a, override=True)  # only a director overrides
    third.refresh_from_db()
    assert third.state == DemandState.QUOTED
    actions.do_order_demand(third, actor=personas["director"], override=True)
    assert (
        AuditLog.objects.filter(event=AuditEvent.DEMAND_ORDER_OVERRIDE, object_id=str(third.pk)).count() == 1
    )
    assert actions.remaining_on(world.contract_a.purchase_orders.get()) == Decimal("-100000.00")


@time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_the_client_may_pick_one_of_its_open_purchase_orders(
    world: World, approver_a: User, make_demand: MakeDemand
) -> None:
    extra = do_add_purchase_order(
        world.contract_a,
        number="PO-EXTRA",
        amount=Decimal("9000.00"),
        issued_on=dt.date(2026, 5, 1),
        valid_until=dt.date(2026, 12, 31),
        actor=None,
    )
    demand = actions.do_order_demand(
        make_demand(DemandState.QUOTED), actor=approver_a, purchase_order=extra
    ).demand
    assert demand.purchase_order == extra
    other = world.contract_b.purchase_orders.get()
    with pytest.raises(ValidationError) as caught:
        actions.do_order_demand(make_demand(DemandState.QUOTED), actor=approver_a, purchase_order=other)
    assert "purchase_order" in caught.value.message_dict


def test_rejection_and_cancellation_need_a_reason(approver_a: User, make_demand: MakeDemand) -> None:
    delivered = make_demand(DemandState.DELIVERED)
    with pytest.raises(ValidationError) as caught:
        actions.do_reject_delivery(delivered, actor=approver_a, reason="  ")
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_cancel_demand(make_demand(DemandState.SUBMITTED), actor=None, reason="")
    delivered.refresh_from_db()
    assert delivered.state == DemandState.DELIVERED


def test_planning_on_a_site_that_does_not_serve_the_contract(world: World, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.ORDERED)
    with pytest.raises(ValidationError) as caught:
        actions.do_plan_demand(demand, site=world.casablanca, committed_on=dt.date(2026, 7, 1), actor=None)
    assert "site" in caught.value.message_dict


def test_allowed_transitions_follow_state_and_persona(
    personas: dict[str, User], approver_a: User, make_demand: MakeDemand
) -> None:
    quoted = make_demand(DemandState.QUOTED)
    assert actions.allowed_transitions(quoted, approver_a) == ["order", "cancel"]
    assert actions.allowed_transitions(quoted, personas["delivery_lead"]) == ["quote", "cancel"]
    assert actions.allowed_transitions(quoted, personas["recruiter"]) == []


def test_every_state_but_invoiced_is_reachable() -> None:
    # Invoicing moves accepted demands to invoiced; the invoices work adds that transition.
    assert set(PATH) == set(DemandState) - {DemandState.INVOICED}
    assert {t.target for t in TRANSITIONS.values()} == set(DemandState) - {
        DemandState.DRAFT,
        DemandState.INVOICED,
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    quantities=st.lists(
        st.tuples(
            st.sampled_from(list(Complexity)),
            st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999"), places=2),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_quote_total_is_the_sum_of_its_lines(
    world: World, make_demand: MakeDemand, quantities: list[tuple[Complexity, Decimal]]
) -> None:
    from django.db import transaction

    with transaction.atomic():
        demand = make_demand(DemandState.SUBMITTED)
        quote = actions.do_quote_demand(
            demand,
            actor=None,
            quoted_on=dt.date(2026, 6, 1),
            lines=[LineInput(world.work_unit_a, grade, qty) for grade, qty in quantities],
        )
        lines = list(quote.lines.all())
        price = {
            Complexity.SIMPLE: 1000,
            Complexity.MEDIUM: 2000,
            Complexity.COMPLEX: 3000,
            Complexity.VERY_COMPLEX: 4000,
        }
        for line, (grade, qty) in zip(lines, quantities, strict=True):
            assert line.amount == (Decimal(price[grade]) * qty).quantize(Decimal("0.01"))
            assert isinstance(line.amount, Decimal)
        assert quote.total_amount == sum(line.amount for line in lines)
        transaction.set_rollback(True)
