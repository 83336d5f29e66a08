"""Invoice pages and the monthly service levels: who sees what, and prepare → issue → credit note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import World
from servicehub.contracts.actions import do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.choices import DemandState, InvoiceKind, InvoiceState
from servicehub.demands.clocks import refresh_clocks
from servicehub.demands.models import Demand, Invoice

MakeDemand = Callable[..., Demand]
CASA = ZoneInfo("Africa/Casablanca")
JUNE = dt.date(2026, 6, 1)
JULY = dt.date(2026, 7, 1)
IN_JUNE = dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC)
IN_JULY = dt.datetime(2026, 7, 10, 10, tzinfo=dt.UTC)
LIST = reverse("demands:invoice-list")
NBSP = "\u00a0"
PREPARE = reverse("demands:invoice-prepare")


def fr(text: str) -> str:
    """`text` as the (French) pages show it, read from the catalogue: holds before and after translation."""
    with translation.override("fr"):
        return escape(translation.gettext(text))


def _detail(invoice: Invoice) -> str:
    return reverse("demands:invoice-detail", args=[invoice.pk])


def _review(contract: Any) -> str:
    return reverse("demands:service-review", args=[contract.pk])


@dataclass
class Invoices:
    issued_a: Invoice  # June, contract A
    draft_a: Invoice  # July, contract A, no line yet
    issued_b: Invoice  # June, contract B


@pytest.fixture
def invoices(world: World, make_demand: MakeDemand) -> Invoices:
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED)
        make_demand(DemandState.ACCEPTED, contract=world.contract_b)
        issued_a = actions.do_issue_invoice(
            actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None), actor=None
        )
        issued_b = actions.do_issue_invoice(
            actions.do_prepare_invoice(world.contract_b, month=JUNE, actor=None), actor=None
        )
        draft_a = actions.do_prepare_invoice(world.contract_a, month=JULY, actor=None)
    return Invoices(issued_a, draft_a, issued_b)


def _rows(response: Any) -> list[Invoice]:
    assert response.status_code == 200
    return list(response.context["list"].rows)


# ---------------------------------------------------------------------------
# The list


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("director", {"issued_a", "draft_a", "issued_b"}),
        ("delivery_lead", {"issued_a", "draft_a", "issued_b"}),
        ("client_a", {"issued_a"}),
        ("approver_a", {"issued_a"}),
        ("client_b", {"issued_b"}),
    ],
)
def test_the_list_shows_what_each_persona_may_see(
    client: Client,
    personas: dict[str, User],
    approver_a: User,
    invoices: Invoices,
    key: str,
    expected: set[str],
) -> None:
    client.force_login(approver_a if key == "approver_a" else personas[key])
    response = client.get(LIST)
    by_pk = {getattr(invoices, name).pk: name for name in ("issued_a", "draft_a", "issued_b")}
    assert {by_pk[invoice.pk] for invoice in _rows(response)} == expected
    body = response.content.decode()
    assert (PREPARE in body) == (key in ("director", "delivery_lead"))
    if key.endswith("_a"):
        assert "FAC-202606-CA-1" in body and "FAC-202606-CB-1" not in body


def test_search_filter_sort_and_htmx(client: Client, personas: dict[str, User], invoices: Invoices) -> None:
    client.force_login(personas["delivery_lead"])
    assert _rows(client.get(LIST, {"q": "CB-1"})) == [invoices.issued_b]
    assert _rows(client.get(LIST, {"q": "FAC-202606-CA"})) == [invoices.issued_a]
    assert set(_rows(client.get(LIST, {"state": InvoiceState.DRAFT}))) == {invoices.draft_a}
    contract_a = invoices.issued_a.contract_id
    assert set(_rows(client.get(LIST, {"contract": contract_a}))) == {invoices.issued_a, invoices.draft_a}
    # The newest month first by default; sorting on the month flips it.
    assert _rows(client.get(LIST))[0] == invoices.draft_a
    assert _rows(client.get(LIST, {"sort": "-month"}))[-1] == invoices.draft_a
    response = client.get(LIST, {"q": "CB-1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="list-results"' in body and "FAC-202606-CB-1" in body


def test_empty_list_and_nothing_matches(client: Client, personas: dict[str, User], world: World) -> None:
    client.force_login(personas["client_a"])
    body = client.get(LIST).content.decode()
    assert fr("No invoice yet") in body
    body = client.get(LIST, {"q": "nothing-like-this"}).content.decode()
    assert fr("Nothing matches") in body


def test_list_queries_do_not_grow_with_rows(
    client: Client,
    personas: dict[str, User],
    world: World,
    invoices: Invoices,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas["delivery_lead"])
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(LIST))) == 3
    for month in range(8, 13):
        for contract in (world.contract_a, world.contract_b):
            actions.do_prepare_invoice(contract, month=dt.date(2026, month, 1), actor=None)
    with django_assert_max_num_queries(len(few)):
        assert len(_rows(client.get(LIST))) == 13
    assert len(few) <= 8


# ---------------------------------------------------------------------------
# One invoice


def test_detail_per_persona_and_isolation(
    client: Client, personas: dict[str, User], invoices: Invoices
) -> None:
    client.force_login(personas["client_a"])
    body = client.get(_detail(invoices.issued_a)).content.decode()
    assert "FAC-202606-CA-1" in body and "?step=" not in body
    assert client.get(_detail(invoices.draft_a)).status_code == 404  # a draft is the provider's business
    assert client.get(_detail(invoices.issued_b)).status_code == 404
    # A client may see an issued invoice but not act on it.
    assert client.post(_detail(invoices.issued_a), {"step": "credit", "reason": "no"}).status_code == 403
    assert client.post(_detail(invoices.draft_a), {"step": "issue"}).status_code == 404

    client.force_login(personas["client_b"])
    assert client.get(_detail(invoices.issued_a)).status_code == 404

    client.force_login(personas["delivery_lead"])
    body = client.get(_detail(invoices.issued_a)).content.decode()
    assert "?step=credit" in body and "?step=issue" not in body
    body = client.get(_detail(invoices.draft_a)).content.decode()
    assert "?step=issue" in body and "?step=credit" not in body


def test_prepare_issue_and_credit_through_the_pages(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    with time_machine.travel(IN_JUNE, tick=False):
        demand = make_demand(DemandState.ACCEPTED)
    client.force_login(personas["delivery_lead"])
    with time_machine.travel(IN_JULY, tick=False):
        page = client.get(PREPARE, {"contract": world.contract_a.pk})
        assert page.status_code == 200 and page.context["form"].initial["month"] == "2026-06"
        response = client.post(PREPARE, {"contract": world.contract_a.pk, "month": "2026-06"})
        assert response.status_code == 302
        invoice = Invoice.objects.get(contract=world.contract_a, period_start=JUNE)
        assert response["Location"] == _detail(invoice)
        assert invoice.state == InvoiceState.DRAFT and invoice.total == Decimal("4000.00")

        body = client.get(_detail(invoice)).content.decode()
        assert demand.reference in body
        confirm = client.get(_detail(invoice), {"step": "issue"})
        assert confirm.context["step"] == "issue" and 'name="step" value="issue"' in confirm.content.decode()
        response = client.post(_detail(invoice), {"step": "issue"})
        assert response.status_code == 302
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.ISSUED and invoice.number == "FAC-202606-CA-1"
        demand.refresh_from_db()
        assert demand.state == DemandState.INVOICED

        # Issuing twice, or preparing the issued month again, is refused on the page, not with a 500.
        response = client.post(_detail(invoice), {"step": "issue"})
        assert (
            response.status_code == 400 and fr("This invoice is already issued.") in response.content.decode()
        )
        response = client.post(PREPARE, {"contract": world.contract_a.pk, "month": "2026-06"})
        assert (
            response.status_code == 400
            and fr("The invoice for this month is already issued; correct it with a credit note.")
            in response.content.decode()
        )

        response = client.post(_detail(invoice), {"step": "credit", "reason": "  "})
        assert response.status_code == 400 and response.context["form"].errors["reason"]
        response = client.post(_detail(invoice), {"step": "credit", "reason": "Wrong purchase order"})
        assert response.status_code == 302
        note = Invoice.objects.get(corrects=invoice)
        assert response["Location"] == _detail(note)
        assert (note.kind, note.total) == (InvoiceKind.CREDIT_NOTE, Decimal("-4000.00"))
        # Linked both ways.
        assert _detail(invoice) in client.get(_detail(note)).content.decode()
        body = client.get(_detail(invoice)).content.decode()
        assert _detail(note) in body and "?step=credit" not in body
        response = client.post(_detail(invoice), {"step": "credit", "reason": "again"})
        assert (
            response.status_code == 400
            and fr("This invoice has already been credited.") in response.content.decode()
        )


def test_prepare_refusals(
    client: Client, personas: dict[str, User], world: World, invoices: Invoices
) -> None:
    client.force_login(personas["client_a"])
    assert client.get(PREPARE).status_code == 403
    assert client.post(PREPARE, {"contract": world.contract_a.pk, "month": "2026-06"}).status_code == 403
    client.force_login(personas["director"])
    response = client.post(PREPARE, {"contract": world.contract_a.pk, "month": "June"})
    assert response.status_code == 400 and response.context["form"].errors["month"]
    # An empty draft cannot be issued: the action's message is shown.
    response = client.post(_detail(invoices.draft_a), {"step": "issue"})
    assert (
        response.status_code == 400
        and fr("An invoice without lines cannot be issued.") in response.content.decode()
    )
    assert client.post(_detail(invoices.draft_a), {"step": "nonsense"}).status_code == 404


def test_an_earned_back_penalty_on_the_invoice_page(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    level = do_define_service_level(
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
        earn_back_months=1,
        actor=None,
    )
    # May: 4 000, 80 % against 90: 10 points, 20 % capped at 10 %: 400. June met: 400 back.
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, tzinfo=dt.UTC), tick=False):
        make_demand(DemandState.ACCEPTED)
        may = actions.do_issue_invoice(
            actions.do_prepare_invoice(
                world.contract_a, month=dt.date(2026, 5, 1), measurements={level: Decimal("80")}, actor=None
            ),
            actor=None,
        )
    with time_machine.travel(IN_JUNE, tick=False):
        make_demand(DemandState.ACCEPTED)
        june = actions.do_prepare_invoice(world.contract_a, month=JUNE, actor=None)
    client.force_login(personas["delivery_lead"])
    response = client.get(_detail(june))
    assert (response.context["earned_back"], response.context["penalties_due"]) == (Decimal("400.00"), 0)
    body = response.content.decode()
    assert fr("Penalty earned back") in body and fr("Penalties earned back") in body
    assert (
        body.count(fr("Net penalties")) == 2
        and f"-400,00{NBSP}MAD" in body
        and f"4{NBSP}400,00{NBSP}MAD" in body
    )
    # An invoice without earn-back keeps its single penalties figure.
    body = client.get(_detail(may)).content.decode()
    assert f"400,00{NBSP}MAD" in body and fr("Net penalties") not in body


# ---------------------------------------------------------------------------
# The month's service levels


def test_service_review_measures_the_previous_month(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    do_define_service_level(
        world.contract_a,
        code="quote-time",
        name="Quote time",
        kind=ServiceLevelKind.RESPONSE_TIME,
        comparison=Comparison.AT_MOST,
        threshold=Decimal("4"),
        unit=MeasureUnit.BUSINESS_HOURS,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        clock_start_states=["submitted"],
        clock_stop_states=["quoted"],
        target_business_hours=Decimal("4"),
        actor=None,
    )
    demands = []
    # Quoted after 2 and after 10 business hours: a mean of 6 against at most 4.
    for quoted in (dt.datetime(2026, 6, 1, 11, tzinfo=CASA), dt.datetime(2026, 6, 2, 11, tzinfo=CASA)):
        with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=CASA), tick=False):
            demand = make_demand(DemandState.SUBMITTED)
        with time_machine.travel(quoted, tick=False):
            actions.do_quote_demand(demand, actor=None)
        demands.append(demand)
    with time_machine.travel(IN_JULY, tick=False):
        refresh_clocks(demands)
        for key in ("client_a", "delivery_lead"):
            client.force_login(personas[key])
            response = client.get(_review(world.contract_a))
            assert response.status_code == 200 and response.context["month"] == JUNE
            rows = {row.level.code: row.measurement for row in response.context["rows"]}
            assert rows["resolution"] is None  # nothing to measure: shown as "no data"
            measured = rows["quote-time"]
            assert measured is not None
            assert (measured.value, measured.samples, measured.met) == (Decimal("6.00"), 2, False)
            body = response.content.decode()
            assert fr("No data") in body and fr("Missed") in body
            assert "?month=2026-05" in body and "?month=2026-07" in body
            assert (PREPARE in body) == (key == "delivery_lead")
        response = client.get(_review(world.contract_a), {"month": "2026-05"})
        assert all(row.measurement is None for row in response.context["rows"])
        assert "?month=2026-06" in response.content.decode()
        # No month after the current one.
        response = client.get(_review(world.contract_a), {"month": "2026-07"})
        assert "?month=2026-08" not in response.content.decode()

        client.force_login(personas["client_b"])
        assert client.get(_review(world.contract_a)).status_code == 404
        assert client.get(_review(world.contract_b)).status_code == 200
