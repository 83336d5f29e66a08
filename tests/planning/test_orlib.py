"""OR-Library GAP files read into staffing instances (mapping in `servicehub.planning.solver.orlib`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest

from servicehub.planning.solver.orlib import gap_cost, gap_instance, job_value, read_gap

DATA = Path(__file__).parents[1] / "data"
SCHEMA = json.loads((DATA / "staffing" / "staffing-instance.schema.json").read_text("utf-8"))


def test_read_gap1_0() -> None:
    costs, weights, capacities = read_gap(DATA / "gap" / "gap1-0")
    assert (len(costs), len(costs[0])) == (5, 15)
    # The file's first and last cost rows, first weight row and the capacities, as printed in it.
    assert costs[0][:5] == [17, 21, 22, 18, 24]
    assert costs[1][:3] == [23, 16, 21]
    assert len(weights) == 5 and all(len(row) == 15 for row in weights)
    assert len(capacities) == 5 and all(b > 0 for b in capacities)
    tokens = [int(t) for t in (DATA / "gap" / "gap1-0").read_text().split()]
    assert capacities == tokens[-5:]
    assert weights[4] == tokens[-20:-5]


def test_instance_mapping() -> None:
    doc = gap_instance(DATA / "gap" / "gap1-0")
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft202012Validator)
    costs, weights, capacities = read_gap(DATA / "gap" / "gap1-0")
    assert doc["weeks"] == 1
    assert [s["hours"] for s in doc["specialists"]] == capacities
    assert len(doc["pairs"]) == 5 * 15
    assert all(i["whole"] and i["max_people"] == 1 and i["value"] == job_value(costs) for i in doc["items"])
    pair = next(p for p in doc["pairs"] if p["specialist"] == "A002" and p["item"] == "J0003")
    assert (pair["hours"], pair["cost"]) == (weights[1][2], costs[1][2])
    assert job_value(costs) == 1 + sum(max(row[j] for row in costs) for j in range(15))


def test_gap_cost_of_a_complete_assignment() -> None:
    doc = gap_instance(DATA / "gap" / "gap1-0")
    costs, _, _ = read_gap(DATA / "gap" / "gap1-0")
    # Every job on agent 1 (ignoring capacity: gap_cost only prices the pairs).
    result = {
        "assignments": [
            {"specialist": "A001", "item": f"J{j + 1:04d}", "week": 0, "hours": 1} for j in range(15)
        ]
    }
    assert gap_cost(result, doc) == sum(costs[0])
    with pytest.raises(ValueError, match="unassigned"):
        gap_cost({"assignments": result["assignments"][1:]}, doc)
    split = result["assignments"] + [{"specialist": "A002", "item": "J0001", "week": 0, "hours": 1}]
    with pytest.raises(ValueError, match="split"):
        gap_cost({"assignments": split}, doc)


def test_malformed_files(tmp_path: Path) -> None:
    short = tmp_path / "short"
    short.write_text("2 3\n1 2 3\n4 5 6\n")
    with pytest.raises(ValueError, match="expected 16 integers"):
        read_gap(short)
    zero = tmp_path / "zero"
    zero.write_text("1 2\n5 6\n0 3\n10\n")
    with pytest.raises(ValueError, match="weight"):
        read_gap(zero)


def test_reference_values_match_the_copied_files() -> None:
    with (DATA / "gap" / "gap_reference_values.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert {Path(r["file"]).name for r in rows} == {"gap1-0", "gap1-1", "gap5-0"}
    for row in rows:
        costs, _, _ = read_gap(DATA / "gap" / Path(row["file"]).name)
        assert (len(costs), len(costs[0])) == (int(row["agents_m"]), int(row["jobs_n"]))
