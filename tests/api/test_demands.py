"""The demand lifecycle through the REST API: reads, transitions, idempotent retries and stale ETags."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, get_args

import pytest
import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD, World
from demands.conftest import PATH, run
from servicehub.api import idempotency
from servicehub.api.actions import do_issue_token
from servicehub.api.idempotency import KEY_LIFETIME, purge_expired_keys
from servicehub.api.models import IdempotentRequest
from servicehub.catalogue.choices import Complexity
from servicehub.core.actions import do_create_user
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions
from servicehub.demands.actions import TRANSITIONS, LineInput
from servicehub.demands.api import TransitionName
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand, DemandEvent

API = "/api/v1"
# Mid-2026: the contracts' price lists and purchase orders are in force.
TODAY = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
MISSING = 987654321

# Calls the API as a persona: call(persona, "get" | "post", path, body=None, lang="en", **headers).
Call = Callable[..., HttpResponse]
MakeDemand = Callable[..., Demand]

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today() -> Any:
    with time_machine.travel(TODAY, tick=True):
        yield


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
def call(client: Client, personas: dict[str, User], approver_a: User) -> Call:
    users = {**personas, "approver_a": approver_a}
    tokens = {key: do_issue_token(name="tests", actor=user)[1] for key, user in users.items()}

    def send(
        persona: str, method: str, path: str, body: Any = None, lang: str = "en", **headers: str
    ) -> HttpResponse:
        sent = {
            "Authorization": f"Bearer {tokens[persona]}",
            "Accept-Language": lang,
            **{name.replace("_", "-"): value for name, value in headers.items()},
        }
        response: HttpResponse
        if method == "get":
            response = client.get(f"{API}{path}", body or {}, headers=sent)
        else:
            data = "" if body is None else json.dumps(body)
            send_as = client.patch if method == "patch" else client.post
            response = send_as(f"{API}{path}", data, content_type="application/json", headers=sent)
        return response

    return send


@pytest.fixture
def make_demand(world: World) -> MakeDemand:
    """A demand of contract A (or B) brought into `state` by the system, through the real actions."""

    def make(state: DemandState = DemandState.DRAFT, *, client: str = "a", quantity: str = "2") -> Demand:
        contract, unit = (
            (world.contract_a, world.work_unit_a) if client == "a" else (world.contract_b, world.work_unit_b)
        )
        demand = actions.do_create_demand(
            contract,
            title=f"Payment screen {client.upper()}",
            lines=[LineInput(unit, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        demand.refresh_from_db()
        return demand

    return make


def new_demand_body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "contract": world.contract_a.pk,
        "title": "Payment screen",
        "description": "The card payment screen of the mobile app.",
        "desired_on": "2026-07-15",
        "lines": [{"work_unit": world.work_unit_a.pk, "complexity": "complex", "quantity": "3"}],
        **changes,
    }


def fields(response: HttpResponse) -> dict[str, dict[str, str]]:
    assert response.status_code == 422, response.content
    return {error["field"]: error for error in response.json()["errors"]}


# --- the whole loop --------------------------------------------------------------------------------------


def test_the_whole_lifecycle_with_the_people_who_do_it(call: Call, world: World) -> None:
    created = call("client_a", "post", "/demands/", new_demand_body(world))
    assert created.status_code == 201, created.content
    demand = created.json()
    path = f"/demands/{demand['id']}/"
    assert created["Location"] == f"{API}{path}"
    assert demand["state"] == "draft" and demand["reference"] == f"DEM-{demand['id']:06d}"
    assert demand["contract"] == {"id": world.contract_a.pk, "reference": "CA-1", "title": "Contract A"}
    assert demand["lines"] == [
        {
            "work_unit": {"id": world.work_unit_a.pk, "code": "DEV-A", "deliverable": "Screen A"},
            "complexity": "complex",
            "quantity": "3.00",
        }
    ]
    assert demand["allowed_transitions"] == ["submit", "cancel"]
    etag = created["ETag"]

    def step(persona: str, transition: str, body: Any = None) -> dict[str, Any]:
        nonlocal etag
        # Each actor reads the demand first and acts on the version they read.
        read = call(persona, "get", path)
        assert read.status_code == 200 and transition in read.json()["allowed_transitions"], read.content
        response = call(persona, "post", f"{path}{transition}/", body, If_Match=read["ETag"])
        assert response.status_code == 200, (transition, response.content)
        assert response["ETag"] != read["ETag"]
        etag = response["ETag"]
        moved: dict[str, Any] = response.json()
        return moved

    assert step("client_a", "submit")["state"] == "submitted"
    quoted = step("delivery_lead", "quote", {"quoted_on": "2026-06-01", "note": "As discussed"})
    # Contract A: complex = 3000 MAD and 32 h a unit; three units.
    assert quoted["state"] == "quoted"
    assert quoted["quoted_amount"] == {"amount": "9000.00", "currency": "MAD"}
    quote = quoted["current_quote"]
    assert quote["version"] == 1 and quote["total_hours"] == "96.0" and quote["note"] == "As discussed"
    assert quote["total"] == {"amount": "9000.00", "currency": "MAD"}
    assert quote["lines"][0]["unit_price"] == {"amount": "3000.00", "currency": "MAD"}
    assert quote["lines"][0]["amount"] == {"amount": "9000.00", "currency": "MAD"}
    assert quote["lines"][0]["unit_hours"] == "32.0"
    ordered = step("approver_a", "order")
    assert ordered["ordered_amount"] == {"amount": "9000.00", "currency": "MAD"}
    assert ordered["purchase_order"]["number"] == "PO-CA-1" and ordered["warnings"] == []
    planned = step("delivery_lead", "plan", {"site": world.rabat.pk, "committed_on": "2026-07-01"})
    assert planned["site"]["code"] == "rabat" and planned["committed_on"] == "2026-07-01"
    # The planner pins the specialist's hours on it; then the specialist starts the work.
    pinned = call(
        "delivery_lead",
        "post",
        "/assignments/pin/",
        {
            "demand": demand["id"],
            "specialist": world.specialist_rabat.pk,
            "week_start": "2026-06-29",
            "hours": 16,
        },
    )
    assert pinned.status_code in (200, 201), pinned.content
    assert step("specialist", "start")["state"] == "in_progress"
    assert step("delivery_lead", "deliver", {"note": "first cut"})["deliveries"][0]["decision"] is None
    rejected = step("approver_a", "reject", {"reason": "The amount field accepts letters"})
    assert rejected["deliveries"][0]["decision"] == "rejected"
    assert step("delivery_lead", "rework")["state"] == "rework"
    assert step("delivery_lead", "deliver", {"note": "fixed"})["state"] == "delivered"
    accepted = step("approver_a", "accept", {"note": "Thanks"})

    assert accepted["state"] == "accepted" and accepted["allowed_transitions"] == []
    assert [(d["number"], d["decision"], d["reason"]) for d in accepted["deliveries"]] == [
        (1, "rejected", "The amount field accepts letters"),
        (2, "accepted", "Thanks"),
    ]
    assert accepted["deliveries"][1]["decided_by"]["name"] == "approver_a"
    assert [e["to_state"] for e in accepted["events"]] == [
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
    assert accepted["events"][0]["from_state"] is None
    assert [e["actor"]["name"] for e in accepted["events"][:3]] == ["client_a", "client_a", "delivery_lead"]
    final = call("client_a", "get", path)
    assert final["ETag"] == etag
    assert final.json() == {key: value for key, value in accepted.items() if key != "warnings"}
    audited = AuditLog.objects.filter(object_type="demands.demand", object_id=str(demand["id"]))
    assert audited.count() == len(accepted["events"])
    assert audited.filter(actor__username="approver_a").count() == 3


def test_create_and_submit_at_once(call: Call, world: World) -> None:
    response = call("client_a", "post", "/demands/", new_demand_body(world, submit=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted"
    assert [e["to_state"] for e in body["events"]] == ["draft", "submitted"]
    assert body["desired_on"] == "2026-07-15" and body["requested_by"]["name"] == "client_a"


def test_requoting_keeps_every_version_readable(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.QUOTED)
    lines = [{"work_unit": demand.lines.get().work_unit_id, "complexity": "simple", "quantity": "1.5"}]
    response = call("delivery_lead", "post", f"/demands/{demand.pk}/quote/", {"lines": lines})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [q["version"] for q in body["quotes"]] == [2, 1]
    assert body["current_quote"]["version"] == 2
    assert body["current_quote"]["total"] == {"amount": "1500.00", "currency": "MAD"}
    assert body["quoted_amount"] == {"amount": "1500.00", "currency": "MAD"}
    first = call("client_a", "get", f"/demands/{demand.pk}/quotes/1/")
    assert first.status_code == 200
    assert first.json()["total"] == {"amount": "4000.00", "currency": "MAD"}
    assert first.json()["lines"][0]["complexity"] == "medium"
    assert first.json()["price_list_version"]["number"] == 1
    assert call("client_a", "get", f"/demands/{demand.pk}/quotes/3/").status_code == 404


def test_ordering_past_the_purchase_order_needs_a_director(
    call: Call, world: World, make_demand: MakeDemand
) -> None:
    # 500 000 MAD on the order; 100 medium units are 200 000 each.
    first, second, third = (make_demand(DemandState.QUOTED, quantity="100") for _ in range(3))
    assert call("approver_a", "post", f"/demands/{first.pk}/order/").json()["warnings"] == []
    warned = call("approver_a", "post", f"/demands/{second.pk}/order/", {})
    assert warned.status_code == 200 and "80" in warned.json()["warnings"][0]
    refused = call("approver_a", "post", f"/demands/{third.pk}/order/", {"override": True})
    assert set(fields(refused)) == {"purchase_order"}
    overridden = call("director", "post", f"/demands/{third.pk}/order/", {"override": True})
    assert overridden.status_code == 200, overridden.content
    assert AuditLog.objects.filter(event=AuditEvent.DEMAND_ORDER_OVERRIDE).count() == 1


# --- who may: the same door as everywhere ----------------------------------------------------------------


def _requests(demand_id: int) -> list[tuple[str, str, Any]]:
    """Every endpoint on one demand, with a body it would accept."""
    path = f"/demands/{demand_id}/"
    bodies: dict[str, Any] = {
        "submit": None,
        "quote": {"quoted_on": "2026-06-01"},
        "order": {"override": True},
        "plan": {"site": 1, "committed_on": "2026-07-01"},
        "start": None,
        "deliver": {"note": "v1"},
        "accept": {"note": "ok"},
        "reject": {"reason": "no"},
        "rework": {"note": "again"},
        "cancel": {"reason": "no longer needed"},
    }
    assert set(bodies) == set(TRANSITIONS)
    return [
        ("get", path, None),
        ("get", f"{path}quotes/1/", None),
        ("patch", path, {"title": "Renamed"}),
        *(("post", f"{path}{name}/", body) for name, body in bodies.items()),
    ]


@pytest.mark.parametrize("index", range(13))
def test_client_b_gets_404_on_a_demand_of_a_for_every_endpoint(
    call: Call, make_demand: MakeDemand, index: int
) -> None:
    demand = make_demand(DemandState.QUOTED)
    method, path, body = _requests(demand.pk)[index]
    _, missing_path, _ = _requests(MISSING)[index]
    foreign = call("client_b", method, path, body, If_Match="*", Idempotency_Key="b-retries")
    missing = call("client_b", method, missing_path, body)
    assert foreign.status_code == missing.status_code == 404, (path, foreign.content)
    # Another client's demand and no demand at all cannot be told apart.
    assert foreign.json() == missing.json()
    after = Demand.objects.get(pk=demand.pk)
    assert (after.state, after.updated_at) == (demand.state, demand.updated_at)
    assert not IdempotentRequest.objects.exists()
    # ... while its own client reaches it (and may or may not be allowed to act).
    assert call("approver_a", method, path, body).status_code in (200, 403, 422)


def test_each_client_lists_only_its_demands(call: Call, make_demand: MakeDemand) -> None:
    mine = {make_demand().pk, make_demand(DemandState.SUBMITTED).pk}
    theirs = make_demand(client="b").pk
    listed = call("client_a", "get", "/demands/").json()
    assert {item["id"] for item in listed["items"]} == mine and listed["count"] == 2
    assert {item["id"] for item in call("client_b", "get", "/demands/").json()["items"]} == {theirs}
    assert call("director", "get", "/demands/").json()["count"] == 3


def test_a_client_cannot_open_a_demand_on_another_clients_contract(call: Call, world: World) -> None:
    foreign = call("client_b", "post", "/demands/", new_demand_body(world))
    missing = call("client_b", "post", "/demands/", new_demand_body(world, contract=MISSING))
    assert set(fields(foreign)) == {"contract"}
    assert foreign.json() == missing.json()
    # ... nor price a line with another client's work unit, on its own contract.
    lines = [{"work_unit": world.work_unit_a.pk, "complexity": "simple", "quantity": "1"}]
    own_contract = new_demand_body(world, contract=world.contract_b.pk, lines=lines)
    assert set(fields(call("client_b", "post", "/demands/", own_contract))) == {"lines.0.work_unit"}
    assert not Demand.objects.exists()


def test_a_client_cannot_order_on_another_clients_purchase_order(
    call: Call, world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand(DemandState.QUOTED)
    path = f"/demands/{demand.pk}/order/"
    foreign = call("approver_a", "post", path, {"purchase_order": world.contract_b.purchase_orders.get().pk})
    missing = call("approver_a", "post", path, {"purchase_order": MISSING})
    assert set(fields(foreign)) == {"purchase_order"}
    assert foreign.json() == missing.json()
    demand.refresh_from_db()
    assert demand.state == DemandState.QUOTED and demand.purchase_order is None


def test_a_site_that_does_not_serve_the_contract_is_refused(
    call: Call, world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand(DemandState.ORDERED)
    for site in (world.casablanca.pk, MISSING):
        body = {"site": site, "committed_on": "2026-07-01"}
        assert set(fields(call("delivery_lead", "post", f"/demands/{demand.pk}/plan/", body))) == {"site"}


def test_visible_but_not_allowed_is_403_and_an_illegal_move_422(call: Call, make_demand: MakeDemand) -> None:
    submitted = make_demand(DemandState.SUBMITTED)
    assert call("client_a", "post", f"/demands/{submitted.pk}/quote/").status_code == 403
    assert set(fields(call("client_a", "post", f"/demands/{submitted.pk}/submit/"))) == {"state"}
    submitted.refresh_from_db()
    assert submitted.state == DemandState.SUBMITTED


def test_a_provider_persona_who_may_not_open_demands_gets_403(call: Call, world: World) -> None:
    response = call("recruiter", "post", "/demands/", new_demand_body(world))
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_the_browser_session_may_read_but_not_write(
    client: Client, world: World, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    demand = make_demand()
    client.force_login(personas["client_a"])
    assert client.get(f"{API}/demands/{demand.pk}/").status_code == 200
    created = client.post(
        f"{API}/demands/", json.dumps(new_demand_body(world)), content_type="application/json"
    )
    moved = client.post(f"{API}/demands/{demand.pk}/submit/", content_type="application/json")
    assert created.status_code == moved.status_code == 401
    assert Demand.objects.count() == 1


# --- Idempotency-Key ---------------------------------------------------------------------------------------


def test_ten_retries_create_one_demand(call: Call, world: World) -> None:
    body = new_demand_body(world)
    answers = [call("client_a", "post", "/demands/", body, Idempotency_Key="a1b2c3") for _ in range(10)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert "Idempotent-Replayed" not in answers[0]
    assert all(a["Idempotent-Replayed"] == "true" for a in answers[1:])
    assert {(a["Location"], a["ETag"]) for a in answers} == {(answers[0]["Location"], answers[0]["ETag"])}
    assert Demand.objects.count() == 1
    assert AuditLog.objects.filter(event=AuditEvent.DEMAND_CREATED).count() == 1
    assert DemandEvent.objects.count() == 1


def test_the_same_body_in_another_key_order_is_the_same_request(call: Call, world: World) -> None:
    body = new_demand_body(world)
    first = call("client_a", "post", "/demands/", body, Idempotency_Key="k")
    again = call("client_a", "post", "/demands/", dict(reversed(body.items())), Idempotency_Key="k")
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_refused(call: Call, world: World) -> None:
    call("client_a", "post", "/demands/", new_demand_body(world), Idempotency_Key="k")
    other = call(
        "client_a", "post", "/demands/", new_demand_body(world, title="Other"), Idempotency_Key="k", lang="fr"
    )
    errors = fields(other)
    assert set(errors) == {"Idempotency-Key"}
    assert errors["Idempotency-Key"]["location"] == "header"
    assert errors["Idempotency-Key"]["code"] == "idempotency_key_reused"
    assert other.json()["detail"] == "Certains champs ne sont pas valides."
    assert Demand.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_refused(call: Call, world: World) -> None:
    demand_id = call("client_a", "post", "/demands/", new_demand_body(world), Idempotency_Key="k").json()[
        "id"
    ]
    response = call("client_a", "post", f"/demands/{demand_id}/submit/", Idempotency_Key="k")
    assert set(fields(response)) == {"Idempotency-Key"}
    assert Demand.objects.get().state == DemandState.DRAFT


def test_keys_are_per_user(call: Call, world: World) -> None:
    for persona in ("client_a", "approver_a"):
        assert (
            call(persona, "post", "/demands/", new_demand_body(world), Idempotency_Key="k").status_code == 201
        )
    assert Demand.objects.count() == 2


def test_a_refused_request_leaves_its_key_unused(call: Call, world: World) -> None:
    bad = new_demand_body(world, lines=[{"work_unit": MISSING, "complexity": "simple", "quantity": "1"}])
    assert call("client_a", "post", "/demands/", bad, Idempotency_Key="k").status_code == 422
    assert not IdempotentRequest.objects.exists()
    assert (
        call("client_a", "post", "/demands/", new_demand_body(world), Idempotency_Key="k").status_code == 201
    )


def test_a_retried_transition_replays_instead_of_failing(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand()
    etag = call("client_a", "get", f"/demands/{demand.pk}/")["ETag"]
    path = f"/demands/{demand.pk}/submit/"
    first = call("client_a", "post", path, If_Match=etag, Idempotency_Key="submit-1")
    # The retry's If-Match is stale now, but it is the same request: it gets the same answer.
    retry = call("client_a", "post", path, If_Match=etag, Idempotency_Key="submit-1")
    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"
    assert DemandEvent.objects.filter(demand=demand).count() == 2
    # Without the key, the second submit is what it is: an illegal move.
    assert set(fields(call("client_a", "post", path))) == {"state"}


def test_keys_expire_after_a_day(call: Call, world: World) -> None:
    body = new_demand_body(world)
    call("client_a", "post", "/demands/", body, Idempotency_Key="k")
    with time_machine.travel(TODAY + KEY_LIFETIME - dt.timedelta(minutes=1)):
        assert (
            call("client_a", "post", "/demands/", body, Idempotency_Key="k")["Idempotent-Replayed"] == "true"
        )
        assert purge_expired_keys() == 0
    with time_machine.travel(TODAY + KEY_LIFETIME + dt.timedelta(minutes=1)):
        again = call("client_a", "post", "/demands/", body, Idempotency_Key="k")
        assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Demand.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1
    call("client_a", "post", "/demands/", body, Idempotency_Key="other")
    assert purge_expired_keys(now=TODAY + 3 * KEY_LIFETIME) == 2
    assert not IdempotentRequest.objects.exists()


def test_a_concurrent_retry_is_rolled_back_and_replays_the_first_answer(
    call: Call, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = new_demand_body(world)
    first = call("client_a", "post", "/demands/", body, Idempotency_Key="k")
    # The retry looked before the first request committed, so it saw no answer and wrote too...
    looks = iter([None])
    real = idempotency._stored
    monkeypatch.setattr(idempotency, "_stored", lambda *a, **kw: next(looks, None) or real(*a, **kw))
    retry = call("client_a", "post", "/demands/", body, Idempotency_Key="k")
    # ... then found the key taken: its demand is rolled back and it answers what the first one did.
    assert retry.status_code == 201 and retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Demand.objects.count() == 1
    assert AuditLog.objects.filter(event=AuditEvent.DEMAND_CREATED).count() == 1


def test_a_key_must_be_a_reasonable_string(call: Call, world: World) -> None:
    for key in ("", "k" * 256):
        response = call("client_a", "post", "/demands/", new_demand_body(world), Idempotency_Key=key)
        assert set(fields(response)) == {"Idempotency-Key"}
    assert not Demand.objects.exists()


# --- ETag and If-Match -------------------------------------------------------------------------------------


def test_the_etag_is_strong_and_changes_with_the_demand(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand()
    path = f"/demands/{demand.pk}/"
    etag = call("client_a", "get", path)["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
    assert call("delivery_lead", "get", path)["ETag"] == etag
    assert call("client_a", "post", f"{path}submit/", If_Match=etag)["ETag"] != etag


def test_a_stale_etag_gets_412_and_changes_nothing(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    path = f"/demands/{demand.pk}/"
    seen_by_lead = call("delivery_lead", "get", path)["ETag"]
    # Meanwhile the client withdraws its demand...
    assert call("client_a", "post", f"{path}cancel/", {"reason": "found another way"}).status_code == 200
    before = Demand.objects.get(pk=demand.pk)
    counts = (AuditLog.objects.count(), DemandEvent.objects.count(), IdempotentRequest.objects.count())
    # ... and the lead, still looking at the submitted demand, quotes it.
    stale = call("delivery_lead", "post", f"{path}quote/", If_Match=seen_by_lead, Idempotency_Key="q1")
    assert stale.status_code == 412
    current = call("delivery_lead", "get", path)["ETag"]
    assert stale.json() == {"detail": stale.json()["detail"], "etag": current}
    assert "changed" in stale.json()["detail"]
    assert stale["ETag"] == current
    after = Demand.objects.get(pk=demand.pk)
    assert after.state == before.state == DemandState.CANCELLED
    assert after.updated_at == before.updated_at
    assert (
        AuditLog.objects.count(),
        DemandEvent.objects.count(),
        IdempotentRequest.objects.count(),
    ) == counts


@pytest.mark.parametrize(
    ("if_match", "status"),
    [('"stale", {current}', 200), ("*", 200), ("W/{current}", 412), ('"nope"', 412)],
)
def test_if_match_compares_strongly_and_accepts_lists_and_star(
    call: Call, make_demand: MakeDemand, if_match: str, status: int
) -> None:
    demand = make_demand()
    current = call("client_a", "get", f"/demands/{demand.pk}/")["ETag"]
    response = call(
        "client_a", "post", f"/demands/{demand.pk}/submit/", If_Match=if_match.format(current=current)
    )
    assert response.status_code == status, response.content


def test_without_if_match_the_change_applies_to_the_current_demand(
    call: Call, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    assert call("client_a", "post", f"/demands/{demand.pk}/submit/").status_code == 200


def test_a_persona_who_may_not_act_gets_403_even_with_a_stale_etag(
    call: Call, make_demand: MakeDemand
) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    response = call("client_a", "post", f"/demands/{demand.pk}/quote/", If_Match='"stale"')
    assert response.status_code == 403


# --- editing a draft ------------------------------------------------------------------------------------


def test_a_draft_is_edited_field_by_field_and_its_etag_changes(
    call: Call, make_demand: MakeDemand, world: World
) -> None:
    demand = make_demand()
    path = f"/demands/{demand.pk}/"
    etag = call("client_a", "get", path)["ETag"]
    lines = [{"work_unit": world.work_unit_a.pk, "complexity": "complex", "quantity": "5"}]
    response = call(
        "client_a", "patch", path, {"title": "Payment and refunds", "lines": lines}, If_Match=etag
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Payment and refunds"
    assert body["description"] == demand.description  # left out, kept
    assert [(line["complexity"], line["quantity"]) for line in body["lines"]] == [("complex", "5.00")]
    assert response["ETag"] != etag
    entry = AuditLog.objects.get(event=AuditEvent.DEMAND_EDITED)
    assert entry.before["title"] == "Payment screen A"
    assert entry.after["title"] == "Payment and refunds"
    # The old ETag no longer matches: 412, and the second edit does nothing.
    stale = call("client_a", "patch", path, {"title": "Something else"}, If_Match=etag)
    assert stale.status_code == 412
    assert Demand.objects.get(pk=demand.pk).title == "Payment and refunds"


def test_a_submitted_demand_can_no_longer_be_edited(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand(DemandState.SUBMITTED)
    response = call("client_a", "patch", f"/demands/{demand.pk}/", {"title": "Too late"})
    assert "state" in fields(response)
    after = Demand.objects.get(pk=demand.pk)
    assert (after.title, after.updated_at) == (demand.title, demand.updated_at)


def test_an_edit_with_a_work_unit_of_another_client_names_the_line(
    call: Call, make_demand: MakeDemand, world: World
) -> None:
    demand = make_demand()
    lines = [{"work_unit": world.work_unit_b.pk, "complexity": "simple", "quantity": "1"}]
    response = call("client_a", "patch", f"/demands/{demand.pk}/", {"lines": lines})
    assert "lines.0.work_unit" in fields(response)
    assert list(demand.lines.values_list("work_unit", "quantity")) == [
        (world.work_unit_a.pk, Decimal("2.00"))
    ]


def test_a_specialist_may_not_edit_a_draft(call: Call, make_demand: MakeDemand) -> None:
    demand = make_demand()
    assert call("specialist", "patch", f"/demands/{demand.pk}/", {"title": "Mine now"}).status_code in (
        403,
        404,
    )
    assert Demand.objects.get(pk=demand.pk).title == demand.title


# --- refused fields, in French -----------------------------------------------------------------------------


def test_a_bad_demand_names_each_field_in_french(call: Call, world: World) -> None:
    body = {
        "contract": world.contract_a.pk,
        "desired_on": "15/07/2026",
        "lines": [
            {"work_unit": world.work_unit_a.pk, "complexity": "huge", "quantity": "0"},
            {"work_unit": world.work_unit_a.pk, "complexity": "simple", "quantity": "1.234"},
        ],
    }
    errors = fields(call("client_a", "post", "/demands/", body, lang="fr"))
    assert set(errors) == {
        "title",
        "desired_on",
        "lines.0.complexity",
        "lines.0.quantity",
        "lines.1.quantity",
    }
    assert errors["title"]["message"] == "Ce champ est obligatoire."
    assert errors["desired_on"]["message"] == "Saisissez une date valide."
    assert errors["lines.0.complexity"]["message"].startswith("Choisissez parmi")
    assert errors["lines.0.quantity"]["message"].startswith(
        "Assurez-vous que cette valeur est supérieure ou égale"
    )
    assert (
        errors["lines.1.quantity"]["message"]
        == "Assurez-vous qu\u2019il n\u2019y a pas plus de 2 chiffres après la virgule."
    )
    assert {e["location"] for e in errors.values()} == {"body"}


def test_the_actions_refusals_name_their_field(call: Call, world: World, make_demand: MakeDemand) -> None:
    blank = fields(call("client_a", "post", "/demands/", new_demand_body(world, title="   "), lang="fr"))
    assert blank["title"]["message"] == "Ce champ ne peut pas être vide."
    assert set(
        fields(call("client_a", "post", "/demands/", new_demand_body(world, lines=[]), lang="fr"))
    ) == {"lines"}
    delivered = make_demand(DemandState.DELIVERED)
    assert set(fields(call("approver_a", "post", f"/demands/{delivered.pk}/reject/", {"reason": " "}))) == {
        "reason"
    }
    missing = fields(call("approver_a", "post", f"/demands/{delivered.pk}/reject/", {}, lang="fr"))
    assert missing["reason"]["message"] == "Ce champ est obligatoire."
    quoted = make_demand(DemandState.SUBMITTED)
    too_early = call("delivery_lead", "post", f"/demands/{quoted.pk}/quote/", {"quoted_on": "2020-01-01"})
    assert set(fields(too_early)) == {"quoted_on"}


@pytest.mark.parametrize(
    "raw",
    ["not json", "[]", "null", '"text"', '{"lines": "many"}', '{"contract": 1e400}', '{"reason": ["a"]}'],
)
def test_garbage_is_refused_never_a_500(
    client: Client, call: Call, make_demand: MakeDemand, raw: str
) -> None:
    demand = make_demand(DemandState.DELIVERED)
    token = do_issue_token(name="garbage", actor=User.objects.get(username="approver_a"))[1]
    paths = ["/demands/", *(f"/demands/{demand.pk}/{name}/" for name in TRANSITIONS)]
    for path in paths:
        response = client.post(
            f"{API}{path}", raw, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
        )
        # Refused (4xx), or taken for what it says where unknown fields are ignored ({"lines": …} to accept).
        assert response.status_code < 500, (path, response.status_code, response.content)
        assert response["Content-Type"].startswith("application/json")


# --- queries ------------------------------------------------------------------------------------------------

MOST_QUERIES = 12


def _queries(call: Call, persona: str, path: str) -> int:
    call(persona, "get", path)  # the first call of a token also records its use
    with CaptureQueriesContext(connection) as captured:
        response = call(persona, "get", path, {"limit": 200} if path == "/demands/" else None)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["director", "client_a"])
def test_queries_do_not_grow_with_demands_or_their_history(
    call: Call, world: World, make_demand: MakeDemand, persona: str
) -> None:
    demand = make_demand(DemandState.REWORK)
    paths = ["/demands/", f"/demands/{demand.pk}/", f"/demands/{demand.pk}/quotes/1/"]
    before = {path: _queries(call, persona, path) for path in paths}
    for state in (DemandState.ACCEPTED, DemandState.QUOTED, DemandState.SUBMITTED, DemandState.PLANNED):
        make_demand(state)
    for _ in range(3):
        run("deliver", demand, None)
        run("reject", demand, None)
        run("rework", demand, None)
    quote = call("delivery_lead", "post", f"/demands/{make_demand(DemandState.QUOTED).pk}/quote/")
    assert quote.status_code == 200
    after = {path: _queries(call, persona, path) for path in paths}
    assert after == before
    assert max(after.values()) <= MOST_QUERIES, after
    detail = call(persona, "get", f"/demands/{demand.pk}/").json()
    assert len(detail["deliveries"]) == 4 and len(detail["events"]) == 18


def test_filters_and_search(call: Call, world: World, make_demand: MakeDemand) -> None:
    draft, submitted = make_demand(), make_demand(DemandState.SUBMITTED)
    other = make_demand(client="b")

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in call("director", "get", "/demands/", params).json()["items"]]

    assert ids(state="submitted") == [submitted.pk]
    assert ids(contract=world.contract_b.pk) == [other.pk]
    assert ids(q=submitted.reference) == [submitted.pk]
    assert ids(q="screen b") == [other.pk]
    assert ids(sort="reference") == [draft.pk, submitted.pk, other.pk]
    assert ids(sort="-reference", limit=1, offset=1) == [submitted.pk]
    assert set(fields(call("director", "get", "/demands/", {"state": "lost"}))) == {"state"}
    row = call("client_a", "get", "/demands/", {"state": "submitted"}).json()["items"][0]
    assert row["quoted_amount"] is None and row["currency"] == "MAD"


def test_the_transition_names_are_the_lifecycles() -> None:
    assert set(get_args(TransitionName)) == set(TRANSITIONS)
