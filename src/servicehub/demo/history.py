"""A year of activity for the reference case: demands in every state, SLA breaches, rejections,
penalties and invoices, replayed through the real actions at their own dates (core.clock).

Deterministic from the seed; built once: if the demo contracts already have demands, nothing
is added. Durations are drawn in business hours on the delivering site's calendar, so the
measured service levels follow from the same calendars the product uses.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import Price
from servicehub.contracts.models import Contract, PurchaseOrder
from servicehub.core import clock
from servicehub.core.calendars import BusinessCalendar
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.clocks import mark_breaches, refresh_clocks
from servicehub.demands.models import Demand
from servicehub.demo.data import AS_OF, CONTRACTS
from servicehub.org.calendars import calendars_for_sites

HOUR = 3600
IN_FLIGHT = (
    DemandState.DRAFT,
    DemandState.SUBMITTED,
    DemandState.ORDERED,
    DemandState.PLANNED,
    DemandState.IN_PROGRESS,
    DemandState.DELIVERED,
    DemandState.REJECTED,
)
FIRST_MONTH = dt.date(2025, 9, 1)
# The demo's "now": the morning of AS_OF, Casablanca time (UTC+1 outside Ramadan).
NOW = dt.datetime.combine(AS_OF, dt.time(8, 0), tzinfo=dt.UTC)

TITLES = (
    "Parcours de souscription en ligne",
    "Écran de suivi de consommation",
    "API de paiement marchand",
    "Refonte du tunnel de commande",
    "Tableau de bord des incidents réseau",
    "Application de recharge mobile",
    "Connecteur CRM vers facturation",
    "Migration des batchs vers Kubernetes",
    "Parcours d'ouverture de compte Orange Money",
    "Rapport mensuel des réclamations",
    "Maquettes de l'espace client",
    "Supervision des files de messages",
)


def _months() -> list[dt.date]:
    """September 2025 to August 2026: the year before the demo's now."""
    months, month = [], FIRST_MONTH
    while month < AS_OF.replace(day=1):
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


class _Replay:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"history-{seed}")
        self.stop_in: DemandState | None = None
        self.in_flight = 0
        self.lead = User.objects.get(username="delivery")
        self.clients = {
            u.organisation_id: u for u in User.objects.filter(persona="client_requester").order_by("pk")
        }
        self.approvers = {
            u.organisation_id: u for u in User.objects.filter(persona="client_approver").order_by("pk")
        }

    def run(self) -> None:
        contracts = list(
            Contract.objects.filter(reference__in=[c.reference for c in CONTRACTS])
            .select_related("price_list_version")
            .prefetch_related("serving_sites")
            .order_by("reference")
        )
        sites = {s.pk: s for c in contracts for s in c.serving_sites.all()}
        self.calendars = calendars_for_sites(list(sites.values()), years=range(2024, 2029))
        demands: list[Demand] = []
        for month in _months():
            for contract in contracts:
                if not contract.starts_on <= month <= contract.ends_on:
                    continue
                for _ in range(self.rng.randint(2, 4)):
                    demands.append(self.demand(contract, month))
        refresh_clocks(demands, now=NOW)
        for month in _months():
            for contract in contracts:
                self.invoice(contract, month)
        mark_breaches(now=NOW)

    # -- one demand

    def demand(self, contract: Contract, month: dt.date) -> Demand:
        rng = self.rng
        site = contract.serving_sites.all()[0]
        calendar = self.calendars[site.pk]
        # In the last month some demands are caught mid-way, so that every state has examples.
        self.stop_in = None
        opened_in = month
        if month == _months()[-1]:
            self.stop_in = IN_FLIGHT[self.in_flight % len(IN_FLIGHT)]
            self.in_flight += 1
            if self.stop_in == DemandState.REJECTED:
                # A delivery rejected and not yet sent to rework: opened the month before, so that
                # it has been quoted, ordered, built and delivered by the demo's now.
                opened_in = _months()[-2]
        day = opened_in + dt.timedelta(days=rng.randint(0, 27))
        local = dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))
        moment = calendar.next_business_moment(local.replace(tzinfo=ZoneInfo(calendar.timezone)))
        requester = self.clients.get(contract.client_id) or self.clients.get(contract.client.parent_id or 0)
        approver = self.approvers.get(contract.client_id)
        lines = self.lines(contract)
        with clock.replaying_at(moment):
            demand = actions.do_create_demand(
                contract,
                title=rng.choice(TITLES),
                lines=lines,
                actor=requester,
                description="Demande de démonstration.",
                desired_on=day + dt.timedelta(days=rng.randint(20, 45)),
            )
            if self.stop_in == DemandState.DRAFT:
                return demand
            actions.do_submit_demand(demand, actor=requester)
            if self.stop_in == DemandState.SUBMITTED:
                return demand
        response = float(contract.service_levels.get(code="prise-en-charge").threshold)
        # Most quotes come within the response time; some do not.
        quote_after = (
            rng.uniform(0.3, 0.9) * response if rng.random() < 0.85 else rng.uniform(1.2, 3.0) * response
        )
        moment = self.later(calendar, moment, quote_after)
        if not self.at(moment, lambda: actions.do_quote_demand(demand, actor=self.lead)):
            return demand
        if rng.random() < 0.07:
            moment = self.later(calendar, moment, rng.uniform(4, 30))
            self.at(
                moment, lambda: actions.do_cancel_demand(demand, actor=requester, reason="Besoin abandonné.")
            )
            return demand
        moment = self.later(calendar, moment, rng.uniform(2, 24))
        if not self.can_order(contract, demand, moment) or not self.at(
            moment, lambda: actions.do_order_demand(demand, actor=approver)
        ):
            return demand
        for low, high, step in (
            (
                1,
                6,
                lambda: actions.do_plan_demand(
                    demand, site=site, committed_on=demand.desired_on or AS_OF, actor=self.lead
                ),
            ),
            (2, 10, lambda: actions.do_start_demand(demand, actor=self.lead)),
        ):
            moment = self.later(calendar, moment, rng.uniform(low, high))
            if not self.at(moment, step):
                return demand
        delivery_after = rng.uniform(30, 110) if rng.random() < 0.9 else rng.uniform(125, 200)
        moment = self.later(calendar, moment, delivery_after)
        if not self.at(moment, lambda: actions.do_deliver_demand(demand, actor=self.lead, note="Livraison")):
            return demand
        resolution = float(contract.service_levels.get(code="resolution").threshold)
        force_rejection = self.stop_in == DemandState.REJECTED
        while force_rejection or rng.random() < 0.15:
            force_rejection = False
            moment = self.later(calendar, moment, rng.uniform(4, 16))
            if not self.at(
                moment,
                lambda: actions.do_reject_delivery(
                    demand, actor=approver, reason="Anomalie bloquante en recette."
                ),
            ):
                return demand
            moment = self.later(calendar, moment, rng.uniform(0.5, 3))
            if not self.at(moment, lambda: actions.do_start_rework(demand, actor=self.lead)):
                return demand
            fix_after = (
                rng.uniform(0.3, 0.9) * resolution if rng.random() < 0.8 else rng.uniform(1.2, 2) * resolution
            )
            moment = self.later(calendar, moment, fix_after)
            if not self.at(
                moment, lambda: actions.do_deliver_demand(demand, actor=self.lead, note="Correctif")
            ):
                return demand
        moment = self.later(calendar, moment, rng.uniform(4, 16))
        self.at(moment, lambda: actions.do_accept_delivery(demand, actor=approver))
        return demand

    def lines(self, contract: Contract) -> list[LineInput]:
        priced = list(
            Price.objects.filter(version=contract.price_list_version)
            .select_related("work_unit")
            .order_by("work_unit__code", "complexity")
        )
        chosen = self.rng.sample(priced, k=min(len(priced), self.rng.randint(1, 3)))
        return [
            LineInput(p.work_unit, Complexity(p.complexity), Decimal(self.rng.choice((1, 1, 2, 3, 5))))
            for p in chosen
        ]

    # -- time

    def later(self, calendar: BusinessCalendar, moment: dt.datetime, hours: float) -> dt.datetime:
        return calendar.add_business_seconds(moment, int(hours * HOUR))

    def at(self, moment: dt.datetime, step: object) -> bool:
        """Do `step` at `moment` unless that is after the demo's now (the demand stays where it is)."""
        if moment > NOW:
            return False
        with clock.replaying_at(moment):
            demand = step()  # type: ignore[operator]
        state = getattr(getattr(demand, "demand", demand), "state", None)
        return state != self.stop_in

    def can_order(self, contract: Contract, demand: Demand, moment: dt.datetime) -> bool:
        """An open purchase order with enough left; otherwise the quote waits for the client's next order."""
        day = moment.date()
        quote = demand.current_quote
        orders = PurchaseOrder.objects.filter(contract=contract, issued_on__lte=day, valid_until__gte=day)
        return quote is not None and any(actions.remaining_on(po) >= quote.total_amount for po in orders)

    # -- invoices

    def invoice(self, contract: Contract, month: dt.date) -> None:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        moment = dt.datetime.combine(following, dt.time(10, 0), tzinfo=dt.UTC)
        if moment > NOW or not Demand.objects.filter(contract=contract, state=DemandState.ACCEPTED).exists():
            return
        with clock.replaying_at(moment):
            invoice = actions.do_prepare_invoice(contract, month=month, actor=self.lead)
            if invoice.lines.exists():
                actions.do_issue_invoice(invoice, actor=self.lead)
            else:
                invoice.delete()


def build_history(seed: int) -> None:
    if Demand.objects.filter(contract__reference__in=[c.reference for c in CONTRACTS]).exists():
        return
    _Replay(seed).run()
