"""The generated instances: the same seed gives the same document, and every document is valid."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from servicehub.planning.solver.generator import generate

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "staffing" / "staffing-instance.schema.json").read_text("utf-8")
)


def capacity(doc: dict[str, Any]) -> int:
    return sum(
        max(0, s["hours"] - s.get("unavailable", {}).get(str(w), 0))
        for s in doc["specialists"]
        for w in range(doc["weeks"])
    )


def test_same_seed_same_document() -> None:
    assert json.dumps(generate(40, 120, seed=7)) == json.dumps(generate(40, 120, seed=7))
    assert json.dumps(generate(40, 120, seed=7)) != json.dumps(generate(40, 120, seed=8))


@pytest.mark.parametrize(
    ("specialists", "items", "weeks", "seed"), [(1, 1, 1, 0), (5, 9, 3, 1), (60, 200, 26, 2)]
)
def test_documents_are_valid(specialists: int, items: int, weeks: int, seed: int) -> None:
    doc = generate(specialists, items, weeks, seed=seed)
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert len(doc["specialists"]) == specialists and len(doc["items"]) == items
    assert len({s["id"] for s in doc["specialists"]}) == specialists
    assert len({i["id"] for i in doc["items"]}) == items
    for item in doc["items"]:
        assert 0 <= item["release"] <= item["due"] <= weeks - 1
        assert 8 <= item["hours"] <= 400
        assert 1 <= item["max_people"] <= 4
        assert len(item["skills"]) <= 3
        assert not item["whole"] or item["max_people"] == 1
    for specialist in doc["specialists"]:
        assert all(0 <= int(w) < weeks for w in specialist.get("unavailable", {}))


def test_the_reference_centre_shape() -> None:
    doc = generate(600, 2000, seed=3)
    sites = Counter(s["site"] for s in doc["specialists"])
    assert 1.6 < sites["RAB"] / sites["CAS"] < 2.5
    assert 0 < sites["PAR"] < 0.1 * 600
    # Onshore costs about twice as much as nearshore, on average.
    onshore = [s["cost_per_hour"] for s in doc["specialists"] if s["site"] == "PAR"]
    nearshore = [s["cost_per_hour"] for s in doc["specialists"] if s["site"] != "PAR"]
    assert sum(onshore) / len(onshore) > 1.6 * sum(nearshore) / len(nearshore)
    # Demand exceeds capacity, but not absurdly.
    demand = sum(i["hours"] for i in doc["items"])
    assert 1.1 < demand / capacity(doc) < 1.5
    # Some whole items, some items without skills, some with preferred sites.
    assert 0 < sum(i["whole"] for i in doc["items"]) < 2000
    assert 0 < sum(not i["skills"] for i in doc["items"]) < 2000
    assert 0 < sum("preferred_sites" in i for i in doc["items"]) < 2000
