"""Client A never reaches client B's objects, by any page or endpoint that takes an id.

The matrix is checked against the URL configuration: a new page or endpoint with an id
fails `test_matrix_covers_every_url_with_an_id` until it is added here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conftest import World
from servicehub.api.actions import do_issue_token
from servicehub.catalogue.choices import Complexity
from servicehub.core.models import User
from servicehub.demands.actions import (
    LineInput,
    do_accept_delivery,
    do_attach_file,
    do_create_demand,
    do_deliver_demand,
    do_issue_invoice,
    do_order_demand,
    do_plan_demand,
    do_prepare_invoice,
    do_quote_demand,
    do_start_demand,
    do_submit_demand,
)
from servicehub.demands.models import Demand
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.people.choices import Role
from servicehub.planning.models import Assignment, PlanRun, Scenario
from servicehub.talent import actions as talent_actions

API_TRANSITIONS: dict[str, dict[str, Any]] = {
    "submit": {},
    "quote": {},
    "order": {},
    "plan": {"site": 1, "committed_on": "2026-07-01"},
    "start": {},
    "deliver": {},
    "accept": {},
    "reject": {"reason": "matrix"},
    "rework": {},
    "cancel": {"reason": "matrix"},
}

# url name -> (attribute of World for client A's object, for client B's object, client A may see its own)
MATRIX: dict[str, tuple[str, str, bool]] = {
    "org:site-detail": ("rabat", "casablanca", True),
    "people:specialist-detail": ("specialist_rabat", "specialist_casa", False),
    "catalogue:workunit-detail": ("work_unit_a", "work_unit_b", True),
    "catalogue:pricelist-detail": ("price_list_a", "price_list_b", True),
    "contracts:contract-detail": ("contract_a", "contract_b", True),
    "api:get_organisation": ("client_a", "client_b", True),
    "api:get_site": ("rabat", "casablanca", True),
    "api:get_specialist": ("specialist_rabat", "specialist_casa", False),
    "api:get_work_unit": ("work_unit_a", "work_unit_b", True),
    "api:get_price_list": ("price_list_a", "price_list_b", True),
    "api:get_contract": ("contract_a", "contract_b", True),
    # World holds no demand: one is opened on each client's contract for these (see _objects).
    "demands:demand-detail": ("demand_a", "demand_b", True),
    "demands:demand-transition": ("demand_a", "demand_b", True),
    "demands:demand-edit": ("demand_a", "demand_b", True),
    "demands:attachment-add": ("demand_a", "demand_b", True),
    # A file attached to each client's demand (see _objects).
    "demands:attachment-download": ("attachment_a", "attachment_b", True),
    "demands:attachment-remove": ("attachment_a", "attachment_b", True),
    "api:list_attachments": ("demand_a", "demand_b", True),
    "api:add_attachment": ("demand_a", "demand_b", True),
    "api:get_attachment": ("attachment_a", "attachment_b", True),
    "api:get_demand": ("demand_a", "demand_b", True),
    # PATCH on the demand's own path (a draft's edit), with a body it accepts.
    "api:edit_demand": ("demand_a", "demand_b", True),
    # An issued invoice of each client's contract (see _objects); a contract's monthly service levels.
    "demands:invoice-detail": ("invoice_a", "invoice_b", True),
    "demands:service-review": ("contract_a", "contract_b", True),
    "api:get_demand_quote": ("quoted_demand_a", "quoted_demand_b", True),
    # The API's transitions are POST only: sent with a body each accepts, so that only the id decides.
    **{f"api:{name}_demand": ("demand_a", "demand_b", True) for name in API_TRANSITIONS},
    # Planning is the provider's: a client reaches no plan run, assignment, scenario or person's weeks.
    **{
        f"planning:{name}": ("plan_run_a", "plan_run_b", False)
        for name in ("run-detail", "run-progress", "run-cancel", "run-accept")
    },
    "planning:person-timeline": ("specialist_rabat", "specialist_casa", False),
    "planning:unpin": ("assignment_a", "assignment_b", False),
    "planning:scenario-detail": ("scenario_a", "scenario_b", False),
    "planning:scenario-run": ("scenario_a", "scenario_b", False),
    "api:get_plan_run": ("plan_run_a", "plan_run_b", False),
    "api:cancel_plan_run": ("plan_run_a", "plan_run_b", False),
    "api:accept_plan_run": ("plan_run_a", "plan_run_b", False),
    "api:get_assignment": ("assignment_a", "assignment_b", False),
    "api:unpin_assignment": ("assignment_a", "assignment_b", False),
    "api:get_scenario": ("scenario_a", "scenario_b", False),
    # Recruiting is the provider's: a client reaches no school partnership, campaign, candidate or CV.
    **{
        f"talent:{name}": ("partnership_a", "partnership_b", False)
        for name in ("school-detail", "school-contact-add", "school-action-add")
    },
    **{
        f"talent:{name}": ("campaign_a", "campaign_b", False)
        for name in ("campaign-detail", "campaign-status")
    },
    **{
        f"talent:{name}": ("candidate_a", "candidate_b", False)
        for name in (
            "candidate-detail",
            "candidate-move",
            "candidate-hire",
            "candidate-cv",
            "candidate-cv-upload",
        )
    },
    **{
        f"api:{name}": ("partnership_a", "partnership_b", False)
        for name in (
            "get_partnership",
            "add_partnership_contact",
            "list_partnership_actions",
            "record_partnership_action",
        )
    },
    **{
        f"api:{name}": ("campaign_a", "campaign_b", False) for name in ("get_campaign", "set_campaign_status")
    },
    **{
        f"api:{name}": ("candidate_a", "candidate_b", False)
        for name in (
            "get_candidate",
            "get_candidate_cv",
            "upload_candidate_cv",
            "move_candidate",
            "hire_candidate",
        )
    },
    # Tokens are personal: tested below with each client's own token.
    "token-revoke": ("", "", True),
}

# API writes on talent objects, each sent with a body it accepts, so that only the id decides.
TALENT_WRITES: dict[str, dict[str, Any]] = {
    "add_partnership_contact": {"name": "Matrix"},
    "record_partnership_action": {"kind": "project", "title": "Matrix", "starts_on": "2026-03-02"},
    "set_campaign_status": {"status": "closed"},
    "move_candidate": {"stage": "screened"},
    "hire_candidate": {
        "employee_number": "MAT-1",
        "starts_on": "2026-03-02",
        "grade": "eng",
        "hourly_cost": "100.00",
        "cost_currency": "MAD",
    },
}


# Writes that answer POST only: sent as POST with an empty body, so that only the id decides.
POSTED = {
    "planning:scenario-run",
    "talent:candidate-move",
    "talent:candidate-hire",
    "api:cancel_plan_run",
    "api:accept_plan_run",
    "api:unpin_assignment",
}

# Seen, but refused to client A: the system attached its file, and only the uploader or a lead removes one.
OWN_STATUS = {"demands:attachment-remove": 403}


def _urls_with_an_id(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _urls_with_an_id(entry, inner)
        elif isinstance(entry, URLPattern) and entry.pattern.regex.groupindex and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_matrix_covers_every_url_with_an_id() -> None:
    assert _urls_with_an_id(get_resolver()) == set(MATRIX)


def _unmasked(content: bytes, url: str) -> bytes:
    # The page names its own URL (the language switch comes back to it) and masks its CSRF token.
    return re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", content.replace(url.encode(), b"<url>"))


def _issued_invoices(world: World) -> tuple[Any, Any]:
    """One issued invoice per client's contract, for a demand brought to accepted through the actions."""
    invoices = []
    for contract, unit in ((world.contract_a, world.work_unit_a), (world.contract_b, world.work_unit_b)):
        demand = do_create_demand(
            contract, title="Matrix", lines=[LineInput(unit, Complexity.MEDIUM, Decimal("1"))], actor=None
        )
        do_submit_demand(demand, actor=None)
        do_quote_demand(demand, actor=None)
        do_order_demand(demand, actor=None)
        site = contract.serving_sites.get()
        do_plan_demand(demand, site=site, committed_on=timezone.localdate(), actor=None)
        do_start_demand(demand, actor=None)
        do_deliver_demand(demand, actor=None)
        do_accept_delivery(Demand.objects.get(pk=demand.pk), actor=None)
        invoice = do_prepare_invoice(contract, month=timezone.localdate(), actor=None)
        invoices.append(do_issue_invoice(invoice, actor=None))
    return invoices[0], invoices[1]


def _talent(world: World, own_attr: str) -> tuple[Any, Any]:
    """Two of each recruiting object, one per site (clients see neither)."""
    school = do_create_organisation(name="École", code="ecole", kind=OrganisationKind.SCHOOL, actor=None)
    other = do_create_organisation(name="Faculté", code="faculte", kind=OrganisationKind.SCHOOL, actor=None)
    if own_attr == "partnership_a":
        return tuple(  # type: ignore[return-value]
            talent_actions.do_create_partnership(
                provider=world.provider, school=s, since=dt.date(2010, 9, 1), actor=None
            )
            for s in (school, other)
        )
    campaigns = tuple(
        talent_actions.do_create_campaign(
            site=site,
            title="Matrix",
            role=Role.DEVELOPER,
            openings=1,
            opens_on=dt.date(2026, 1, 5),
            closes_on=dt.date(2026, 12, 31),
            actor=None,
        )
        for site in (world.rabat, world.casablanca)
    )
    if own_attr == "campaign_a":
        return campaigns  # type: ignore[return-value]
    return tuple(  # type: ignore[return-value]
        talent_actions.do_add_candidate(
            campaign,
            first_name="Matrix",
            last_name="Candidate",
            school=school,
            cv_file=SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n"),
            actor=None,
        )
        for campaign in campaigns
    )


def _objects(world: World, own_attr: str, foreign_attr: str) -> tuple[Any, Any]:
    if own_attr in ("partnership_a", "campaign_a", "candidate_a"):
        return _talent(world, own_attr)
    if own_attr == "invoice_a":
        return _issued_invoices(world)
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    if own_attr == "plan_run_a":
        return tuple(  # type: ignore[return-value]
            PlanRun.objects.create(provider=world.provider, starts_on=monday, instance={}) for _ in range(2)
        )
    if own_attr == "scenario_a":
        return tuple(  # type: ignore[return-value]
            Scenario.objects.create(provider=world.provider, name=name) for name in ("a", "b")
        )
    if own_attr == "assignment_a":
        demands = _objects(world, "demand_a", "demand_b")
        return tuple(  # type: ignore[return-value]
            Assignment.objects.create(
                demand=demand, specialist=person, week_start=monday, hours=8, pinned=True
            )
            for demand, person in zip(demands, (world.specialist_rabat, world.specialist_casa), strict=True)
        )
    if own_attr == "attachment_a":
        own, foreign = _objects(world, "demand_a", "demand_b")
        return tuple(  # type: ignore[return-value]
            do_attach_file(demand, upload=SimpleUploadedFile("spec.txt", b"matrix"), actor=None)
            for demand in (own, foreign)
        )
    if own_attr in ("demand_a", "quoted_demand_a"):
        demands = tuple(
            do_create_demand(
                contract,
                title="Matrix",
                lines=[LineInput(unit, Complexity.MEDIUM, Decimal("1"))],
                actor=None,
            )
            for contract, unit in (
                (world.contract_a, world.work_unit_a),
                (world.contract_b, world.work_unit_b),
            )
        )
        if own_attr == "quoted_demand_a":
            for demand in demands:
                do_submit_demand(demand, actor=None)
                do_quote_demand(demand, actor=None)
        return demands  # type: ignore[return-value]
    return getattr(world, own_attr), getattr(world, foreign_attr)


def _url(name: str, obj: Any) -> str:
    if name in ("demands:attachment-download", "demands:attachment-remove"):
        return reverse(name, kwargs={"pk": obj.demand_id, "attachment_id": obj.pk})
    if name == "api:get_attachment":
        return reverse(name, kwargs={"demand_id": obj.demand_id, "attachment_id": obj.pk})
    if name in ("api:get_plan_run", "api:cancel_plan_run", "api:accept_plan_run"):
        return reverse(name, kwargs={"run_id": obj.pk})
    if name in ("api:get_assignment", "api:unpin_assignment"):
        return reverse(name, kwargs={"assignment_id": obj.pk})
    if name == "api:get_scenario":
        return reverse(name, kwargs={"scenario_id": obj.pk})
    if name == "demands:demand-transition":
        # A draft's first step, which client A's requester may take on its own demand.
        return reverse(name, kwargs={"pk": obj.pk, "name": "submit"})
    if name == "api:get_demand_quote":
        return reverse(name, kwargs={"demand_id": obj.pk, "version": 1})
    kwarg = {
        **{f"api:{verb}_demand": "demand_id" for verb in API_TRANSITIONS},
        "api:get_demand": "demand_id",
        "api:edit_demand": "demand_id",
        "api:list_attachments": "demand_id",
        "api:add_attachment": "demand_id",
        "api:get_organisation": "organisation_id",
        "api:get_site": "site_id",
        "api:get_specialist": "specialist_id",
        "api:get_work_unit": "work_unit_id",
        "api:get_price_list": "price_list_id",
        "api:get_contract": "contract_id",
        **{
            f"api:{n}": "partnership_id"
            for n in ("get_partnership", "add_partnership_contact", "list_partnership_actions")
        },
        "api:record_partnership_action": "partnership_id",
        "api:get_campaign": "campaign_id",
        "api:set_campaign_status": "campaign_id",
        **{
            f"api:{n}": "candidate_id"
            for n in (
                "get_candidate",
                "get_candidate_cv",
                "upload_candidate_cv",
                "move_candidate",
                "hire_candidate",
            )
        },
    }.get(name, "pk")
    return reverse(name, kwargs={kwarg: obj.pk})


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n != "token-revoke"))
def test_client_a_gets_404_on_client_b_objects(
    client: Client, world: World, personas: dict[str, User], name: str
) -> None:
    own_attr, foreign_attr, sees_own = MATRIX[name]
    own, foreign = _objects(world, own_attr, foreign_attr)
    user = personas["client_a"]
    if name.startswith("api:"):
        _, plain = do_issue_token(name="matrix", actor=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    else:
        client.force_login(user)
        headers = {}
    foreign_url = _url(name, foreign)
    missing_url = foreign_url.replace(str(foreign.pk), "987654321")
    verb = name.removeprefix("api:").removesuffix("_demand")
    writes = name.startswith("api:") and (
        verb in API_TRANSITIONS
        or verb in ("edit", "add_attachment", "upload_candidate_cv")
        or verb in TALENT_WRITES
    )
    send: Any = client.get
    if name.startswith("api:") and verb in TALENT_WRITES:
        send = partial(client.post, data=TALENT_WRITES[verb], content_type="application/json")
    elif verb == "upload_candidate_cv":

        def send(url: str, **extra: Any) -> Any:
            return client.post(url, {"cv": SimpleUploadedFile("cv.pdf", b"%PDF-1.4\n%%EOF\n")}, **extra)

    elif name in POSTED:
        send = partial(client.post, data={}, content_type="application/json")
        writes = True
    elif verb == "add_attachment":

        def send(url: str, **extra: Any) -> Any:
            return client.post(url, {"file": SimpleUploadedFile("m.txt", b"matrix")}, **extra)

    elif verb == "edit":
        send = partial(client.patch, data={"title": "matrix"}, content_type="application/json")
    elif writes:
        send = partial(client.post, data=API_TRANSITIONS[verb], content_type="application/json")
    foreign_response = send(foreign_url, **headers)
    missing_response = send(missing_url, **headers)
    own_response = send(_url(name, own), **headers)
    assert foreign_response.status_code == 404
    assert missing_response.status_code == 404
    # Forbidden and missing cannot be told apart.
    assert _unmasked(foreign_response.content, foreign_url) == _unmasked(
        missing_response.content, missing_url
    )
    if writes:
        # A write on its own demand: done, refused (403) or illegal now (422), but never "missing".
        assert (own_response.status_code != 404) == sees_own
    else:
        assert own_response.status_code == (OWN_STATUS.get(name, 200) if sees_own else 404)
    if name.startswith("api:"):
        assert foreign_response.json() == missing_response.json()


def test_client_b_cannot_revoke_client_a_token(client: Client, personas: dict[str, User]) -> None:
    token, _ = do_issue_token(name="a's script", actor=personas["client_a"])
    client.force_login(personas["client_b"])
    url = reverse("token-revoke", kwargs={"pk": token.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
