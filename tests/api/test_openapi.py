"""The OpenAPI schema loads, lists every endpoint, and the docs page works offline."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from servicehub.api.api import api

ENDPOINTS = {
    "/api/v1/organisations/": "list_organisations",
    "/api/v1/organisations/{organisation_id}/": "get_organisation",
    "/api/v1/sites/": "list_sites",
    "/api/v1/sites/{site_id}/": "get_site",
    "/api/v1/specialists/": "list_specialists",
    "/api/v1/specialists/{specialist_id}/": "get_specialist",
    "/api/v1/work-units/": "list_work_units",
    "/api/v1/work-units/{work_unit_id}/": "get_work_unit",
    "/api/v1/price-lists/": "list_price_lists",
    "/api/v1/price-lists/{price_list_id}/": "get_price_list",
    "/api/v1/contracts/": "list_contracts",
    "/api/v1/contracts/{contract_id}/": "get_contract",
    "/api/v1/demands/": "list_demands",
    "/api/v1/demands/{demand_id}/": "get_demand",
    "/api/v1/demands/{demand_id}/quotes/{version}/": "get_demand_quote",
    "/api/v1/demands/{demand_id}/attachments/": "list_attachments",
    "/api/v1/demands/{demand_id}/attachments/{attachment_id}/": "get_attachment",
    "/api/v1/plan-runs/": "list_plan_runs",
    "/api/v1/plan-runs/{run_id}/": "get_plan_run",
    "/api/v1/assignments/": "list_assignments",
    "/api/v1/assignments/{assignment_id}/": "get_assignment",
    "/api/v1/scenarios/": "list_scenarios",
    "/api/v1/scenarios/{scenario_id}/": "get_scenario",
    "/api/v1/forecast/": "get_forecast",
    "/api/v1/partnerships/": "list_partnerships",
    "/api/v1/partnerships/{partnership_id}/": "get_partnership",
    "/api/v1/partnerships/{partnership_id}/actions/": "list_partnership_actions",
    "/api/v1/campaigns/": "list_campaigns",
    "/api/v1/campaigns/{campaign_id}/": "get_campaign",
    "/api/v1/candidates/": "list_candidates",
    "/api/v1/candidates/{candidate_id}/": "get_candidate",
    "/api/v1/candidates/{candidate_id}/cv/": "get_candidate_cv",
    "/api/v1/headcount-targets/": "list_headcount_targets",
    "/api/v1/headcount/": "get_headcount",
}
# Reads of one computed object, filtered by query parameters rather than named by a path.
REPORTS = {"get_forecast", "get_headcount"}
TRANSITIONS = ["submit", "quote", "order", "plan", "start", "deliver", "accept", "reject", "rework", "cancel"]
# (method, path, operation id)
WRITES = [
    ("post", "/api/v1/demands/", "create_demand"),
    ("patch", "/api/v1/demands/{demand_id}/", "edit_demand"),
    ("post", "/api/v1/demands/{demand_id}/attachments/", "add_attachment"),
    *(("post", f"/api/v1/demands/{{demand_id}}/{name}/", f"{name}_demand") for name in TRANSITIONS),
    ("post", "/api/v1/plan-runs/", "create_plan_run"),
    ("post", "/api/v1/plan-runs/{run_id}/cancel/", "cancel_plan_run"),
    ("post", "/api/v1/plan-runs/{run_id}/accept/", "accept_plan_run"),
    ("post", "/api/v1/assignments/pin/", "pin_assignment"),
    ("post", "/api/v1/assignments/{assignment_id}/unpin/", "unpin_assignment"),
    ("post", "/api/v1/scenarios/", "create_scenario"),
    ("post", "/api/v1/partnerships/", "create_partnership"),
    ("post", "/api/v1/partnerships/{partnership_id}/contacts/", "add_partnership_contact"),
    ("post", "/api/v1/partnerships/{partnership_id}/actions/", "record_partnership_action"),
    ("post", "/api/v1/campaigns/", "create_campaign"),
    ("post", "/api/v1/campaigns/{campaign_id}/status/", "set_campaign_status"),
    ("post", "/api/v1/candidates/", "create_candidate"),
    ("post", "/api/v1/candidates/{candidate_id}/cv/", "upload_candidate_cv"),
    ("post", "/api/v1/candidates/{candidate_id}/move/", "move_candidate"),
    ("post", "/api/v1/candidates/{candidate_id}/hire/", "hire_candidate"),
    ("post", "/api/v1/headcount-targets/", "set_headcount_target"),
]
# Writes that add a part to an existing object (a file, a contact): created (201), under an object that
# may be missing (404), with nothing to match.
ADDITIONS = {"add_attachment", "add_partnership_contact", "record_partnership_action", "upload_candidate_cv"}
# Writes that create an object or change the one already there: 201 or 200.
UPSERTS = {"set_headcount_target"}


@pytest.fixture
def schema(client: Client, db: None) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, name = node["$ref"].split("/")
        node = schema["components"]["schemas"][name]
    return node


def test_the_schema_is_openapi_3_and_needs_no_login(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "servicehub"
    assert schema["info"]["version"] == "1"
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionReadAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_schema_lists_every_endpoint_and_nothing_else(schema: dict[str, Any]) -> None:
    operations = {
        path: {method: operation["operationId"] for method, operation in item.items()}
        for path, item in schema["paths"].items()
    }
    expected: dict[str, dict[str, str]] = {
        path: {"get": operation_id} for path, operation_id in ENDPOINTS.items()
    }
    for method, path, operation_id in WRITES:
        expected.setdefault(path, {})[method] = operation_id
    assert operations == expected
    # ... and every route ninja serves, besides the schema and the docs, is in the schema.
    routed = {"/api/v1/" + re.sub(r"<(\w+)>", r"{\1}", str(route.pattern)) for route in api.urls[0]}
    assert routed - set(expected) == {"/api/v1/", "/api/v1/openapi.json", "/api/v1/docs"}


def test_every_operation_is_secured_and_documents_its_errors(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        operation = item["get"]
        assert operation["security"] == [{"TokenAuth": []}, {"SessionReadAuth": []}], path
        assert operation["tags"], path
        expected = {"200", "401", "422", "500"} | ({"404"} if "{" in path else set())
        assert set(operation["responses"]) == expected, path


def test_writes_need_a_token_and_document_their_headers_and_errors(schema: dict[str, Any]) -> None:
    for method, path, operation_id in WRITES:
        operation = schema["paths"][path][method]
        # The browser session only reads: a cookie alone would make every write a CSRF target.
        assert operation["security"] == [{"TokenAuth": []}], path
        assert operation["summary"] and operation["description"], path
        headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        if operation_id in ADDITIONS:
            assert set(operation["responses"]) == {"201", "401", "403", "404", "422", "500"}, path
            assert set(headers) == {"Idempotency-Key"}, path
        elif "{" in path:
            assert set(operation["responses"]) == {"200", "401", "403", "404", "412", "422", "500"}, path
            # A PATCH is idempotent by nature: it needs no key.
            assert set(headers) == {"If-Match"} | ({"Idempotency-Key"} if method == "post" else set()), path
            assert (
                "412" in headers["If-Match"]["description"]
                and "Optional" in headers["If-Match"]["description"]
            )
            assert "Personas allowed" in operation["description"], path
        else:
            answers = {"200", "201"} if operation_id in UPSERTS else {"201"}
            assert set(operation["responses"]) == answers | {"401", "403", "422", "500"}, path
            assert set(headers) == {"Idempotency-Key"}, path
        assert not any(p["required"] for p in headers.values()), path
        if method == "post":
            assert "24 hours" in headers["Idempotency-Key"]["description"], path
    assert "If-Match" in schema["info"]["description"] and "Idempotency-Key" in schema["info"]["description"]


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(schema))
    assert refs
    assert set(refs) <= set(schema["components"]["schemas"])
    for name in schema["components"]["schemas"]:
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name


def test_list_parameters_are_described(schema: dict[str, Any]) -> None:
    for path, operation_id in ENDPOINTS.items():
        parameters = {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}
        if operation_id.startswith("list_"):
            assert {"limit", "offset", "sort"} <= set(parameters), path
            sort = resolve(schema, parameters["sort"]["schema"])
            keys = sort["enum"]
            assert all(f"-{key}" in keys for key in keys if not key.startswith("-")), path
            assert all(parameters[name]["in"] == "path" for name in re.findall(r"{(\w+)}", path)), path
        elif operation_id in REPORTS:
            assert parameters and all(
                p["in"] == "query" and p.get("description") for p in parameters.values()
            )
        else:
            assert parameters, path
            for parameter in parameters.values():
                assert parameter["in"] == "path"
                assert parameter["schema"]["type"] == "integer"


def test_money_is_a_decimal_string_with_a_currency(schema: dict[str, Any]) -> None:
    money = schema["components"]["schemas"]["Money"]
    assert money["properties"]["amount"]["type"] == "string"
    assert money["properties"]["amount"]["format"] == "decimal"
    assert set(money["required"]) == {"amount", "currency"}
    page = schema["components"]["schemas"]["ContractPage"]
    assert {"count", "limit", "offset", "items"} <= set(page["properties"])


def test_every_sort_key_works(client: Client, schema: dict[str, Any], api_get: Any) -> None:
    for path, operation_id in ENDPOINTS.items():
        # A list inside one object (a demand's attachments) has its sorts tested with its object.
        if not operation_id.startswith("list_") or "{" in path:
            continue
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for key in resolve(schema, parameters["sort"]["schema"])["enum"]:
            response = api_get("director", path.removeprefix("/api/v1"), {"sort": key})
            assert response.status_code == 200, (path, key)


def test_the_docs_page_is_served_from_local_files(client: Client, db: None) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page
    # Nothing fetched from another host: the product must work offline.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    # collectstatic gathers them from the django-ninja wheel, like any installed app's.
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(name), name
