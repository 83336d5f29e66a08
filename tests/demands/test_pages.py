"""Demand pages: the list and queue, a new demand, one demand's page, and every step through the web."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PERSONA_KEYS, World
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnitEffort
from servicehub.contracts.actions import do_add_purchase_order
from servicehub.core.models import User
from servicehub.demands.actions import TRANSITIONS, allowed_transitions
from servicehub.demands.choices import Decision, DemandState
from servicehub.demands.models import Demand

from .conftest import PATH

MakeDemand = Callable[..., Demand]
LIST = reverse("demands:demand-list")
CREATE = reverse("demands:demand-create")
S = DemandState


def _detail(demand: Demand) -> str:
    return reverse("demands:demand-detail", args=[demand.pk])


def _step(demand: Demand, name: str) -> str:
    return reverse("demands:demand-transition", args=[demand.pk, name])


def _refs(response: Any) -> list[str]:
    return [d.reference for d in response.context["list"].rows]


def _state(demand: Demand) -> str:
    demand.refresh_from_db()
    return demand.state


def _lines(*rows: tuple[Any, str, str], delete: tuple[int, ...] = ()) -> dict[str, str]:
    """Formset data for lines given as (work unit, grade, quantity); an empty unit is a blank line."""
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    for i, (unit, grade, quantity) in enumerate(rows):
        data[f"lines-{i}-work_unit"] = str(unit.pk) if unit else ""
        data[f"lines-{i}-complexity"] = grade
        data[f"lines-{i}-quantity"] = quantity
        if i in delete:
            data[f"lines-{i}-DELETE"] = "on"
    return data


def _step_names(body: str) -> set[str]:
    return set(re.findall(r'data-transition="([a-z_]+)"', body))


# ---------------------------------------------------------------------------
# The list


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_sees_the_demands_of_the_contracts_it_sees(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand, key: str
) -> None:
    mine = make_demand(S.SUBMITTED)
    theirs = make_demand(S.SUBMITTED, contract=world.contract_b)
    client.force_login(personas[key])
    response = client.get(LIST, {"waiting": "all"})
    assert response.status_code == 200
    expected = {
        "client_a": [mine.reference],
        "client_b": [theirs.reference],
        # Rabat serves contract A only.
        "site_manager": [mine.reference],
        "specialist": [mine.reference],
    }.get(key, [mine.reference, theirs.reference])
    assert sorted(_refs(response)) == sorted(expected)


def test_client_b_sees_nothing_of_client_a(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(S.QUOTED)
    client.force_login(personas["client_b"])
    response = client.get(LIST, {"waiting": "all"})
    body = response.content.decode()
    assert _refs(response) == [] and demand.reference not in body and "CA-1" not in body


def test_the_delivery_lead_lands_on_the_demands_waiting_for_the_provider(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demands = {state: make_demand(state) for state in PATH}
    client.force_login(personas["delivery_lead"])
    response = client.get(LIST)
    waiting = {S.SUBMITTED, S.ORDERED, S.PLANNED, S.IN_PROGRESS, S.REJECTED, S.REWORK}
    assert sorted(_refs(response)) == sorted(demands[state].reference for state in waiting)
    assert response.context["on_my_queue"]
    body = response.content.decode()
    assert 'value="me" selected' in body and body.count("badge badge-warn") >= len(waiting)
    # Everything, on demand; the longest waiting first by default.
    everything = client.get(LIST, {"waiting": "all"})
    assert len(_refs(everything)) == len(PATH)


def test_the_approver_queue_and_the_requester_default(
    client: Client, personas: dict[str, User], approver_a: User, make_demand: MakeDemand
) -> None:
    demands = {state: make_demand(state) for state in (S.DRAFT, S.QUOTED, S.DELIVERED, S.PLANNED)}
    client.force_login(approver_a)
    assert sorted(_refs(client.get(LIST))) == sorted(demands[s].reference for s in (S.QUOTED, S.DELIVERED))
    # A requester has no move but on their own drafts: they land on all their demands.
    client.force_login(personas["client_a"])
    response = client.get(LIST)
    assert not response.context["on_my_queue"] and len(_refs(response)) == 4
    assert _refs(client.get(LIST, {"waiting": "me"})) == []


def test_a_requester_s_own_drafts_wait_for_them(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    client.post(
        CREATE,
        {
            "contract": world.contract_a.pk,
            "title": "Mine",
            **_lines((world.work_unit_a, "simple", "1")),
            "draft": "1",
        },
    )
    assert [d.title for d in client.get(LIST, {"waiting": "me"}).context["list"].rows] == ["Mine"]


def test_an_empty_queue_says_so_and_leads_to_all_demands(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    make_demand(S.QUOTED)  # the client's move, not the lead's
    client.force_login(personas["delivery_lead"])
    response = client.get(LIST)
    assert response.context["on_my_queue"] and _refs(response) == []
    body = response.content.decode()
    assert 'href="/demands/?waiting=all"' in body and "Aucun résultat" not in body


def test_no_demand_yet_offers_to_open_one(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["client_a"])
    body = client.get(LIST).content.decode()
    assert f'href="{CREATE}"' in body
    client.force_login(personas["site_manager"])
    body = client.get(LIST).content.decode()
    assert f'href="{CREATE}"' not in body and 'name="waiting"' not in body


def test_search_filters_and_sort(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    first = make_demand(S.SUBMITTED)
    second = make_demand(S.ORDERED)
    other = make_demand(S.SUBMITTED, contract=world.contract_b)
    client.force_login(personas["director"])
    assert _refs(client.get(LIST, {"waiting": "all", "q": first.reference})) == [first.reference]
    assert len(_refs(client.get(LIST, {"waiting": "all", "q": "payment CB-1"}))) == 1
    by_contract = client.get(LIST, {"waiting": "all", "contract": world.contract_a.pk})
    assert sorted(_refs(by_contract)) == sorted([first.reference, second.reference])
    assert _refs(client.get(LIST, {"waiting": "all", "state": "ordered"})) == [second.reference]
    # The longest in its state first by default; "since" sorts the other way round too.
    Demand.objects.filter(pk=other.pk).update(state_changed_at=timezone.now() - dt.timedelta(days=3))
    assert _refs(client.get(LIST, {"waiting": "all"}))[0] == other.reference
    assert _refs(client.get(LIST, {"waiting": "all", "sort": "since"}))[-1] == other.reference
    ranked = _refs(client.get(LIST, {"waiting": "all", "sort": "-state"}))
    assert ranked[0] == second.reference
    nothing = client.get(LIST, {"waiting": "all", "q": "zzz"}).content.decode()
    assert "Aucun résultat pour" in nothing and "zzz" in nothing


def test_since_column_shows_the_age_in_the_state(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(S.SUBMITTED)
    Demand.objects.filter(pk=demand.pk).update(
        state_changed_at=timezone.now() - dt.timedelta(days=2, hours=3)
    )
    client.force_login(personas["delivery_lead"])
    body = client.get(LIST).content.decode()
    assert "2\xa0jours" in body or "2 jours" in body


def test_htmx_gets_the_results_only(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(S.SUBMITTED)
    client.force_login(personas["delivery_lead"])
    response = client.get(LIST, {"q": demand.reference}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="list-results"' in body and demand.reference in body
    assert "HX-Request" in response["Vary"]


def test_list_queries_do_not_grow_with_rows(
    client: Client,
    personas: dict[str, User],
    make_demand: MakeDemand,
    django_assert_max_num_queries: Any,
) -> None:
    make_demand(S.SUBMITTED)
    make_demand(S.QUOTED)
    client.force_login(personas["delivery_lead"])
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"waiting": "all"})
    for state in (S.DRAFT, S.SUBMITTED, S.QUOTED, S.ORDERED, S.DELIVERED, S.REWORK) * 2:
        make_demand(state)
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST, {"waiting": "all"})
    assert len(response.context["list"].rows) == 14
    assert len(few) <= 8


# ---------------------------------------------------------------------------
# A new demand


def test_a_client_opens_and_submits_a_demand(client: Client, personas: dict[str, User], world: World) -> None:
    client.force_login(personas["client_a"])
    page = client.get(CREATE)
    assert page.status_code == 200
    # Client A's only contract is chosen already, and its catalogue only.
    body = page.content.decode()
    assert "CA-1" in body and "CB-1" not in body and "DEV-A" in body and "DEV-B" not in body
    response = client.post(
        CREATE,
        {
            "contract": world.contract_a.pk,
            "title": "Écran de paiement",
            "description": "Refonte du parcours",
            "desired_on": "2099-01-15",
            **_lines(
                (world.work_unit_a, "complex", "1,5"), (None, "", ""), (world.work_unit_a, "simple", "2")
            ),
            "submit": "1",
        },
    )
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(demand)
    assert demand.state == S.SUBMITTED and demand.requested_by == personas["client_a"]
    assert demand.desired_on == dt.date(2099, 1, 15)
    lines = sorted((line.complexity, line.quantity) for line in demand.lines.all())
    assert lines == [("complex", Decimal("1.50")), ("simple", Decimal("2.00"))]
    detail = client.get(response["Location"]).content.decode()
    assert demand.reference in detail and 'data-state="submitted"' in detail


def test_save_as_draft_then_submit_from_the_demand_page(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    client.post(
        CREATE,
        {
            "contract": world.contract_a.pk,
            "title": "Draft",
            **_lines((world.work_unit_a, "simple", "1")),
            "draft": "1",
        },
    )
    demand = Demand.objects.get()
    assert demand.state == S.DRAFT
    assert _step_names(client.get(_detail(demand)).content.decode()) == {"submit", "cancel"}
    assert client.get(_step(demand, "submit")).status_code == 200
    assert client.post(_step(demand, "submit")).status_code == 302
    assert _state(demand) == S.SUBMITTED


def _edit(demand: Demand) -> str:
    return reverse("demands:demand-edit", args=[demand.pk])


def test_a_draft_is_edited_from_its_page_and_submitted(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    client.force_login(personas["client_a"])
    page = client.get(_detail(demand)).content.decode()
    assert _edit(demand) in page
    form = client.get(_edit(demand))
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="Payment screen"' in body
    assert 'name="contract"' in body and 'type="hidden"' in body  # the contract stays
    response = client.post(
        _edit(demand),
        {
            "contract": world.contract_a.pk,
            "title": "Payment and refunds",
            "description": "Refunds too.",
            **_lines((world.work_unit_a, "complex", "4")),
            "submit": "1",
        },
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.title, demand.description, demand.state) == (
        "Payment and refunds",
        "Refunds too.",
        S.SUBMITTED,
    )
    assert list(demand.lines.values_list("complexity", "quantity")) == [("complex", Decimal("4.00"))]
    # Submitted: no more editing; the page says so and sends back to the demand.
    assert _edit(demand) not in client.get(_detail(demand)).content.decode()
    again = client.get(_edit(demand), follow=True)
    assert again.redirect_chain[-1][0] == _detail(demand)
    assert "Seul un brouillon peut être modifié" in again.content.decode()


def test_a_bad_edit_keeps_what_was_typed_and_changes_nothing(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    client.force_login(personas["client_a"])
    response = client.post(
        _edit(demand),
        {
            "contract": world.contract_a.pk,
            "title": "",
            **_lines((world.work_unit_a, "simple", "0")),
            "draft": "1",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    demand.refresh_from_db()
    assert demand.title == "Payment screen"
    assert list(demand.lines.values_list("quantity", flat=True)) == [Decimal("2.00")]


def test_only_those_who_open_demands_edit_drafts(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand()
    client.force_login(personas["resource_manager"])
    assert client.get(_edit(demand)).status_code in (403, 404)
    client.force_login(personas["client_b"])
    assert client.get(_edit(demand)).status_code == 404


def test_bad_input_keeps_everything_and_names_the_fields(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    response = client.post(
        CREATE,
        {
            "contract": world.contract_a.pk,
            "title": "",
            "description": "Tout ce que j'ai tapé",
            "desired_on": "2001-01-01",
            **_lines((world.work_unit_a, "complex", "beaucoup"), (world.work_unit_a, "", "3")),
            "submit": "1",
        },
    )
    assert response.status_code == 400
    assert not Demand.objects.exists()
    form, formset = response.context["form"], response.context["formset"]
    assert "title" in form.errors and "desired_on" in form.errors
    assert "quantity" in formset.forms[0].errors and "complexity" in formset.forms[1].errors
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body and "Saisissez un nombre." in body  # French, from Django
    assert "Tout ce que j" in body and 'value="beaucoup"' in body and 'value="2001-01-01"' in body
    # Each message says which field it is about.
    assert 'href="#id_title"' in body


def test_no_line_at_all_is_refused(client: Client, personas: dict[str, User], world: World) -> None:
    client.force_login(personas["client_a"])
    data = {"contract": world.contract_a.pk, "title": "Nothing", **_lines((None, "", "")), "submit": "1"}
    response = client.post(CREATE, data)
    assert response.status_code == 400 and response.context["formset"].non_form_errors()
    assert not Demand.objects.exists()


def test_add_and_remove_lines_without_javascript(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    data = {
        "contract": world.contract_a.pk,
        "title": "Two lines",
        **_lines((world.work_unit_a, "simple", "1"), (world.work_unit_a, "medium", "4"), delete=(0,)),
    }
    response = client.post(CREATE, {**data, "add_line": "1"})
    assert response.status_code == 200
    formset = response.context["formset"]
    # The removed line is gone, the kept one is there as typed, a blank one is added; no error yet.
    assert [f.initial for f in formset.forms] == [
        {"work_unit": str(world.work_unit_a.pk), "complexity": "medium", "quantity": "4"},
        {},
    ]
    body = response.content.decode()
    assert 'name="lines-TOTAL_FORMS" value="2"' in body and "errorlist" not in body
    assert 'value="Two lines"' in body
    # The same form, saved: the ticked line is dropped.
    client.post(CREATE, {**data, "draft": "1"})
    assert [(line.complexity, line.quantity) for line in Demand.objects.get().lines.all()] == [
        ("medium", Decimal("4.00"))
    ]


def test_contracts_and_work_units_are_the_user_s_own(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    response = client.post(
        CREATE,
        {
            "contract": world.contract_b.pk,
            "title": "Theirs",
            **_lines((world.work_unit_b, "simple", "1")),
            "submit": "1",
        },
    )
    assert response.status_code == 400 and "contract" in response.context["form"].errors
    response = client.post(
        CREATE,
        {
            "contract": world.contract_a.pk,
            "title": "Other unit",
            **_lines((world.work_unit_b, "simple", "1")),
            "submit": "1",
        },
    )
    assert response.status_code == 400 and "work_unit" in response.context["formset"].forms[0].errors
    assert not Demand.objects.exists()


def test_the_lead_picks_the_contract_and_sees_its_catalogue(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["delivery_lead"])
    page = client.get(CREATE).content.decode()
    assert "CA-1" in page and "CB-1" in page and "DEV-A" not in page  # two contracts: none chosen yet
    refreshed = client.post(CREATE, {"contract": world.contract_b.pk, "title": "Kept", "refresh": "1"})
    body = refreshed.content.decode()
    assert refreshed.status_code == 200 and "DEV-B" in body and "DEV-A" not in body and 'value="Kept"' in body


@pytest.mark.parametrize("key", ["site_manager", "resource_manager", "recruiter", "specialist"])
def test_only_clients_and_leads_open_demands(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {"title": "x", "submit": "1"}).status_code == 403


# ---------------------------------------------------------------------------
# One demand and its steps


@pytest.mark.parametrize("state", list(PATH))
@pytest.mark.parametrize(
    "key", ["client_a", "approver_a", "delivery_lead", "director", "specialist", "site_manager"]
)
def test_buttons_are_the_allowed_transitions(
    client: Client,
    personas: dict[str, User],
    approver_a: User,
    make_demand: MakeDemand,
    state: DemandState,
    key: str,
) -> None:
    user = approver_a if key == "approver_a" else personas[key]
    demand = make_demand(state)
    client.force_login(user)
    response = client.get(_detail(demand))
    assert response.status_code == 200
    assert _step_names(response.content.decode()) == set(allowed_transitions(demand, user))
    for name in allowed_transitions(demand, user):
        assert client.get(_step(demand, name)).status_code == 200, name


def test_the_demand_page_shows_quotes_deliveries_and_timeline(
    client: Client, personas: dict[str, User], approver_a: User, make_demand: MakeDemand
) -> None:
    demand = make_demand(S.REWORK)
    client.force_login(personas["delivery_lead"])
    client.post(_step(demand, "deliver"), {"note": "Second cut"})
    client.force_login(approver_a)
    body = client.get(_detail(demand)).content.decode()
    assert "PO-CA-1" in body and "4\xa0000,00\xa0MAD" in body
    assert "Rabat" in body and "Crashes on login" in body and "Second cut" in body
    assert 'data-decision="rejected"' in body and 'data-decision=""' in body
    # The timeline: every move from the draft on, in order.
    assert body.count('class="when"') == 1 + len(PATH[S.REWORK]) + 1
    timeline = body[body.index('class="timeline"') :]
    assert timeline.index('data-state="rejected"') < timeline.index("Second cut")


def test_a_quote_page_shows_older_versions_folded(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand(S.QUOTED)
    client.force_login(personas["delivery_lead"])
    page = client.get(_step(demand, "quote"))
    # Quoting again starts from the current quote's lines.
    assert page.context["formset"].forms[0].initial["quantity"] == Decimal("2")
    client.post(
        _step(demand, "quote"),
        {
            "quoted_on": timezone.localdate().isoformat(),
            "note": "",
            **_lines((demand.lines.get().work_unit, "complex", "2")),
            "save": "1",
        },
    )
    body = client.get(_detail(demand)).content.decode()
    assert demand.quotes.count() == 2
    assert '<details class="older">' in body and body.index("version 2") < body.index(
        '<details class="older">'
    )


def test_the_whole_journey_through_the_pages(
    client: Client, personas: dict[str, User], approver_a: User, world: World
) -> None:
    lead, requester = personas["delivery_lead"], personas["client_a"]
    unit = world.work_unit_a
    client.force_login(requester)
    client.post(
        CREATE,
        {"contract": world.contract_a.pk, "title": "Journey", **_lines((unit, "medium", "2")), "submit": "1"},
    )
    demand = Demand.objects.get()
    assert demand.state == S.SUBMITTED

    # The lead's quote editor: the client's line, edited, plus one more; "add a line" first.
    client.force_login(lead)
    editor = client.get(_step(demand, "quote"))
    assert editor.context["formset"].forms[0].initial == {
        "work_unit": str(unit.pk),
        "complexity": "medium",
        "quantity": Decimal("2"),
    }
    today = timezone.localdate().isoformat()
    added = client.post(
        _step(demand, "quote"), {"quoted_on": today, **_lines((unit, "complex", "3")), "add_line": "1"}
    )
    assert len(added.context["formset"].forms) == 2
    bad = client.post(
        _step(demand, "quote"), {"quoted_on": "", **_lines((unit, "complex", "0")), "save": "1"}
    )
    assert bad.status_code == 400 and "quoted_on" in bad.context["form"].errors
    assert "quantity" in bad.context["formset"].forms[0].errors
    client.post(
        _step(demand, "quote"),
        {
            "quoted_on": today,
            "note": "Avec recette",
            **_lines((unit, "complex", "3"), (unit, "simple", "1")),
            "save": "1",
        },
    )
    assert _state(demand) == S.QUOTED
    quote = demand.current_quote
    assert quote is not None and quote.total_amount == Decimal("10000.00")  # 3 x 3000 + 1 x 1000

    client.force_login(approver_a)
    order_page = client.get(_step(demand, "order")).content.decode()
    assert "PO-CA-1" in order_page and 'name="override"' not in order_page
    purchase_order = world.contract_a.purchase_orders.get()
    client.post(_step(demand, "order"), {"purchase_order": purchase_order.pk})
    assert _state(demand) == S.ORDERED and demand.ordered_amount == Decimal("10000.00")

    client.force_login(lead)
    past = client.post(_step(demand, "plan"), {"site": world.rabat.pk, "committed_on": "2001-01-01"})
    assert past.status_code == 400 and "committed_on" in past.context["form"].errors
    wrong_site = client.post(
        _step(demand, "plan"), {"site": world.casablanca.pk, "committed_on": "2099-01-01"}
    )
    assert wrong_site.status_code == 400 and "site" in wrong_site.context["form"].errors
    client.post(_step(demand, "plan"), {"site": world.rabat.pk, "committed_on": "2099-01-01"})
    assert _state(demand) == S.PLANNED and demand.site == world.rabat
    client.post(_step(demand, "start"))
    assert _state(demand) == S.IN_PROGRESS
    client.post(_step(demand, "deliver"), {"note": "Première livraison"})
    assert _state(demand) == S.DELIVERED

    client.force_login(approver_a)
    no_reason = client.post(_step(demand, "reject"), {"reason": "   "})
    assert no_reason.status_code == 400 and "reason" in no_reason.context["form"].errors
    assert _state(demand) == S.DELIVERED
    client.post(_step(demand, "reject"), {"reason": "Le montant accepte des lettres"})
    assert _state(demand) == S.REJECTED

    client.force_login(lead)
    client.post(_step(demand, "rework"), {"note": ""})
    assert _state(demand) == S.REWORK
    client.post(_step(demand, "deliver"), {"note": "Corrigé"})
    assert _state(demand) == S.DELIVERED

    client.force_login(approver_a)
    response = client.post(_step(demand, "accept"), {"note": "Merci"}, follow=True)
    assert _state(demand) == S.ACCEPTED
    body = response.content.decode()
    assert 'data-state="accepted"' in body and "flash-success" in body
    assert [d.decision for d in demand.deliveries.order_by("number")] == [
        Decision.REJECTED,
        Decision.ACCEPTED,
    ]


def test_a_grade_missing_from_the_effort_chart_is_refused_next_to_the_line(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand(S.SUBMITTED)
    # Priced but not charted: the quote could not say how many hours it takes.
    WorkUnitEffort.objects.filter(work_unit=world.work_unit_a, complexity=Complexity.VERY_COMPLEX).delete()
    client.force_login(personas["delivery_lead"])
    data = {"quoted_on": timezone.localdate().isoformat(), **_lines((world.work_unit_a, "very_complex", "1"))}
    response = client.post(_step(demand, "quote"), {**data, "save": "1"})
    assert response.status_code == 400 and "complexity" in response.context["formset"].forms[0].errors
    assert _state(demand) == S.SUBMITTED


def test_ordering_warns_near_the_end_of_the_purchase_order_and_only_a_director_overrides(
    client: Client, personas: dict[str, User], approver_a: User, world: World, make_demand: MakeDemand
) -> None:
    small = do_add_purchase_order(
        world.contract_a,
        number="PO-SMALL",
        amount=Decimal("4500.00"),
        issued_on=dt.date(2026, 1, 1),
        valid_until=dt.date(2099, 12, 31),
        actor=None,
    )
    first, second = make_demand(S.QUOTED), make_demand(S.QUOTED)  # 4 000 MAD each
    client.force_login(approver_a)
    response = client.post(_step(first, "order"), {"purchase_order": small.pk}, follow=True)
    assert _state(first) == S.ORDERED
    assert "flash-warning" in response.content.decode() and "PO-SMALL" in response.content.decode()
    # What remains (500 MAD) does not cover the second quote: refused, next to the field.
    refused = client.post(_step(second, "order"), {"purchase_order": small.pk})
    assert refused.status_code == 400 and "purchase_order" in refused.context["form"].errors
    assert _state(second) == S.QUOTED
    # A director may override, ticking the box the page shows them only.
    client.force_login(personas["director"])
    assert 'name="override"' in client.get(_step(second, "order")).content.decode()
    assert client.post(_step(second, "order"), {"purchase_order": small.pk}).status_code == 400
    client.post(_step(second, "order"), {"purchase_order": small.pk, "override": "on"})
    assert _state(second) == S.ORDERED


def test_a_step_from_the_wrong_state_is_refused_with_a_message(
    client: Client, approver_a: User, make_demand: MakeDemand
) -> None:
    demand = make_demand(S.SUBMITTED)
    client.force_login(approver_a)
    for method in (client.get, client.post):
        response = method(_step(demand, "accept"))
        assert response.status_code == 302 and response["Location"] == _detail(demand)
    assert _state(demand) == S.SUBMITTED
    body = client.get(_detail(demand)).content.decode()
    assert "flash-error" in body


@pytest.mark.parametrize(
    ("key", "name"), [("client_a", "order"), ("client_a", "quote"), ("specialist", "plan")]
)
def test_a_step_of_another_persona_is_a_403(
    client: Client, personas: dict[str, User], make_demand: MakeDemand, key: str, name: str
) -> None:
    demand = make_demand(next(state for state in PATH if state in TRANSITIONS[name].sources))
    before = demand.state
    client.force_login(personas[key])
    assert client.get(_step(demand, name)).status_code == 403
    assert client.post(_step(demand, name), {"purchase_order": "1"}).status_code == 403
    assert _state(demand) == before


def test_unknown_step_is_a_404(client: Client, personas: dict[str, User], make_demand: MakeDemand) -> None:
    demand = make_demand(S.SUBMITTED)
    client.force_login(personas["delivery_lead"])
    assert client.get(_step(demand, "invoice")).status_code == 404


@pytest.mark.parametrize("state", [S.DRAFT, S.QUOTED, S.DELIVERED, S.REJECTED])
def test_client_b_gets_404_on_client_a_s_demand_and_every_step(
    client: Client, personas: dict[str, User], make_demand: MakeDemand, state: DemandState
) -> None:
    demand = make_demand(state)
    client.force_login(personas["client_b"])
    assert client.get(_detail(demand)).status_code == 404
    for name in TRANSITIONS:
        assert client.get(_step(demand, name)).status_code == 404, name
        data = {"reason": "x", "note": "x", "save": "1", "quoted_on": "2026-06-01", "purchase_order": "1"}
        assert client.post(_step(demand, name), data).status_code == 404, name
    assert _state(demand) == state
    assert demand.events.count() == 1 + len(PATH[state])


def test_provider_staff_who_may_not_see_the_contract_get_404(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand(S.ORDERED, contract=world.contract_b)  # served from Casablanca
    client.force_login(personas["site_manager"])  # of Rabat
    assert client.get(_detail(demand)).status_code == 404
    assert client.post(_step(demand, "plan"), {"site": world.casablanca.pk}).status_code == 404


def test_times_are_shown_in_the_user_s_time_zone(
    client: Client, personas: dict[str, User], settings: Any, world: World
) -> None:
    from servicehub.demands.actions import LineInput, do_create_demand

    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        demand = do_create_demand(
            world.contract_a,
            title="Timed",
            lines=[LineInput(world.work_unit_a, Complexity.SIMPLE, Decimal("1"))],
            actor=None,
        )
    settings.TIME_ZONE = "Europe/Paris"  # the installation's zone, for users without a site
    client.force_login(personas["director"])
    body = client.get(_detail(demand)).content.decode()
    assert "01/06/2026 12:00" in body
