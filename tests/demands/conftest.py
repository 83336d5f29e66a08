"""Demands in any state, built through the real actions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from conftest import PASSWORD, World
from servicehub.catalogue.choices import Complexity
from servicehub.core.actions import do_create_user
from servicehub.core.choices import Persona
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand

# The path the system takes to bring a demand into each state.
PATH: dict[DemandState, list[str]] = {
    DemandState.DRAFT: [],
    DemandState.SUBMITTED: ["submit"],
    DemandState.QUOTED: ["submit", "quote"],
    DemandState.ORDERED: ["submit", "quote", "order"],
    DemandState.PLANNED: ["submit", "quote", "order", "plan"],
    DemandState.IN_PROGRESS: ["submit", "quote", "order", "plan", "start"],
    DemandState.DELIVERED: ["submit", "quote", "order", "plan", "start", "deliver"],
    DemandState.ACCEPTED: ["submit", "quote", "order", "plan", "start", "deliver", "accept"],
    DemandState.REJECTED: ["submit", "quote", "order", "plan", "start", "deliver", "reject"],
    DemandState.REWORK: ["submit", "quote", "order", "plan", "start", "deliver", "reject", "rework"],
    DemandState.CANCELLED: ["cancel"],
}


def run(name: str, demand: Demand, actor: User | None) -> object:
    """Perform transition `name` with the usual arguments."""
    world_site = demand.contract.serving_sites.first()
    assert world_site is not None
    calls: dict[str, Callable[[], object]] = {
        "submit": lambda: actions.do_submit_demand(demand, actor=actor),
        "quote": lambda: actions.do_quote_demand(demand, actor=actor),
        "order": lambda: actions.do_order_demand(demand, actor=actor),
        "plan": lambda: actions.do_plan_demand(
            demand, site=world_site, committed_on=demand.created_at.date(), actor=actor
        ),
        "start": lambda: actions.do_start_demand(demand, actor=actor),
        "deliver": lambda: actions.do_deliver_demand(demand, actor=actor, note="v1"),
        "accept": lambda: actions.do_accept_delivery(demand, actor=actor),
        "reject": lambda: actions.do_reject_delivery(demand, actor=actor, reason="Crashes on login"),
        "rework": lambda: actions.do_start_rework(demand, actor=actor),
        "cancel": lambda: actions.do_cancel_demand(demand, actor=actor, reason="No longer needed"),
    }
    return calls[name]()


@pytest.fixture
def approver_a(world: World) -> User:
    return do_create_user(
        username="approver_a",
        password=PASSWORD,
        persona=Persona.CLIENT_APPROVER,
        organisation=world.client_a,
        actor=None,
    )


@pytest.fixture
def make_demand(world: World) -> Callable[..., Demand]:
    def make(state: DemandState = DemandState.DRAFT, quantity: str = "2", contract: object = None) -> Demand:
        demand = actions.do_create_demand(
            contract or world.contract_a,  # type: ignore[arg-type]
            title="Payment screen",
            lines=[
                LineInput(
                    world.work_unit_a if contract is None else world.work_unit_b,
                    Complexity.MEDIUM,
                    Decimal(quantity),
                )
            ],
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        demand.refresh_from_db()
        assert demand.state == state
        return demand

    return make
