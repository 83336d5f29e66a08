"""The staffing solver: validation messages, a hand-solved optimum, greedy feasibility, the CLI."""

from __future__ import annotations

import copy
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from servicehub.planning.solver import (
    Cancelled,
    InstanceError,
    exact_objective,
    greedy,
    solve,
    validate,
    violations,
)
from servicehub.planning.solver.generator import generate


def tiny() -> dict[str, Any]:
    """Worked out by hand.

    A (CAS, 30/h, 40 h/week, java 3) and B (RBT, 50/h, 40 h/week, java 5, off 16 h in week 1).
    D1: 60 h java≥2, weeks 0-1, value 6000, preferred CAS, max 2 people.
    D2: 40 h java≥4, week 1, value 3000, whole — only B is skilled; B has 24 h in week 1: cannot fit.
    D3: 16 h java≥1, weeks 0-1, value 500, whole.
    D4: 10 h python, no one has python.
    pair_charge 100, site bonus 2 per hour.
    A has 80 h in weeks 0-1. D1 on A alone: 6000 - 60·30 - 100 + 60·2 = 4220.
    D3 then fits on A (20 h left): 500 - 16·30 - 100 + 16·2 = -48 < 0; on B: 500 - 800 - 100 < 0.
    So the optimum is D1 on A only: 4220. D2 can never fit (no capacity in its window), D3 is not
    worth it, D4 has no eligible specialist.
    """
    return {
        "format": "servicehub-staffing/1",
        "name": "tiny",
        "weeks": 3,
        "weights": {"pair_charge": 100, "site_bonus_per_hour": 2},
        "specialists": [
            {"id": "A", "site": "CAS", "cost_per_hour": 30, "hours": 40, "skills": {"java": 3}},
            {
                "id": "B",
                "site": "RBT",
                "cost_per_hour": 50,
                "hours": 40,
                "unavailable": {"1": 16},
                "skills": {"java": 5},
            },
        ],
        "items": [
            {
                "id": "D1",
                "hours": 60,
                "value": 6000,
                "skills": {"java": 2},
                "release": 0,
                "due": 1,
                "preferred_sites": ["CAS"],
                "max_people": 2,
            },
            {
                "id": "D2",
                "hours": 40,
                "value": 3000,
                "skills": {"java": 4},
                "release": 1,
                "due": 1,
                "whole": True,
            },
            {
                "id": "D3",
                "hours": 16,
                "value": 500,
                "skills": {"java": 1},
                "release": 0,
                "due": 1,
                "whole": True,
            },
            {"id": "D4", "hours": 10, "value": 900, "skills": {"python": 1}, "release": 0, "due": 2},
        ],
    }


def random_instance(seed: int, n_specs: int = 12, n_items: int = 40, weeks: int = 6) -> dict[str, Any]:
    rng = random.Random(seed)
    skills = ["java", "react", "sap", "sql"]
    specs = [
        {
            "id": f"S{s:03d}",
            "site": rng.choice(["CAS", "RBT"]),
            "cost_per_hour": rng.randint(20, 60),
            "hours": rng.choice([40, 37.5, 20]),
            "unavailable": {str(w): rng.choice([8, 40]) for w in rng.sample(range(weeks), rng.randint(0, 2))},
            "skills": {k: rng.randint(1, 5) for k in rng.sample(skills, rng.randint(1, 3))},
        }
        for s in range(n_specs)
    ]
    items = []
    for i in range(n_items):
        release = rng.randint(0, weeks - 1)
        item: dict[str, Any] = {
            "id": f"D{i:03d}",
            "hours": rng.choice([8, 24, 40, 80]),
            "value": rng.randint(500, 8000),
            "skills": {rng.choice(skills): rng.randint(1, 4)},
            "release": release,
            "due": rng.randint(release, weeks - 1),
            "preferred_sites": rng.sample(["CAS", "RBT"], rng.randint(0, 1)),
            "whole": rng.random() < 0.4,
        }
        if not item["whole"] and rng.random() < 0.5:
            item["max_people"] = rng.randint(1, 2)
        items.append(item)
    return {
        "format": "servicehub-staffing/1",
        "weeks": weeks,
        "weights": {"pair_charge": 150, "site_bonus_per_hour": 3.5},
        "specialists": specs,
        "items": items,
    }


def gap_instance() -> dict[str, Any]:
    """A 2 x 3 generalized assignment problem in pairs form: optimum by enumeration below."""
    doc = {
        "format": "servicehub-staffing/1",
        "weeks": 1,
        "specialists": [
            {"id": "M1", "site": "X", "cost_per_hour": 0, "hours": 10, "skills": {}},
            {"id": "M2", "site": "X", "cost_per_hour": 0, "hours": 10, "skills": {}},
        ],
        "items": [
            {"id": f"J{j}", "hours": 1, "value": 1000, "release": 0, "due": 0, "whole": True}
            for j in range(3)
        ],
        "pairs": [
            {"specialist": "M1", "item": "J0", "hours": 6, "cost": 5},
            {"specialist": "M2", "item": "J0", "hours": 5, "cost": 9},
            {"specialist": "M1", "item": "J1", "hours": 4, "cost": 7},
            {"specialist": "M2", "item": "J1", "hours": 6, "cost": 2},
            {"specialist": "M1", "item": "J2", "hours": 5, "cost": 3},
            {"specialist": "M2", "item": "J2", "hours": 5, "cost": 4},
        ],
    }
    return doc


def broken(change: Any) -> dict[str, Any]:
    doc = tiny()
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["items"][1].update(due=3), "items[1] (D2).due: 3 is past the last week 2"),
        (
            lambda d: d["specialists"][1]["skills"].update(java=7),
            "specialists[1] (B).skills.java: level 7 is above 5",
        ),
        (lambda d: d["items"][0].update(release=2), "items[0] (D1).release: 2 is after due 1"),
        (lambda d: d["items"][2].update(id="D1"), "items[2] (D1).id: duplicate of items[0]"),
        (lambda d: d["specialists"][0].pop("site"), "specialists[0] (A): missing field site"),
        (lambda d: d["items"][3].update(hours=0), "items[3] (D4).hours: 0 must be above 0"),
        (lambda d: d["items"][0].update(hours=12.5), "items[0] (D1).hours: 12.5 is not of type"),
        (lambda d: d["specialists"][0].update(cost_per_hour=float("nan")), "specialists.0.cost_per_hour"),
        (
            lambda d: d.update(pairs=[{"specialist": "Z", "item": "D3", "hours": 3, "cost": 1}]),
            "pairs[0].specialist: unknown specialist 'Z'",
        ),
        (
            lambda d: d.update(pairs=[{"specialist": "A", "item": "D1", "hours": 3, "cost": 1}]),
            "items[0] (D1).whole: an item with pairs must be whole",
        ),
        (lambda d: d.update(format="other/1"), "format: 'other/1' should be 'servicehub-staffing/1'"),
    ],
)
def test_validation_names_the_id_and_field(change: Any, expected: str) -> None:
    with pytest.raises(InstanceError) as caught:
        validate(broken(change))
    assert expected in str(caught.value)


@pytest.mark.parametrize("doc", [None, [], "x", {"format": "servicehub-staffing/1"}, {1: 2}])
def test_malformed_documents_raise_instance_error(doc: Any) -> None:
    with pytest.raises(InstanceError):
        validate(doc)
    with pytest.raises(InstanceError):
        solve(doc, time_limit=1)


def test_tiny_optimum_worked_out_by_hand() -> None:
    doc = tiny()
    result = solve(doc, time_limit=5)
    assert result["format"] == "servicehub-staffing-result/1"
    assert result["status"] == "optimal"
    assert result["objective"] == 4220
    assert result["bound"] >= 4220
    assert violations(doc, result["assignments"]) == []
    assert {a["specialist"] for a in result["assignments"]} == {"A"}
    reasons = {u["item"]: u["reason"] for u in result["unplanned"]}
    assert reasons == {"D2": "no_capacity_in_window", "D3": "not_worth_it", "D4": "no_eligible_specialist"}


def test_pairs_fix_hours_and_cost() -> None:
    doc = gap_instance()
    # Enumerate every assignment of the three jobs to M1/M2 within 10 hours each.
    best = None
    cost = {(p["specialist"], p["item"]): p for p in doc["pairs"]}
    for a in ("M1", "M2"):
        for b in ("M1", "M2"):
            for c in ("M1", "M2"):
                chosen = [(a, "J0"), (b, "J1"), (c, "J2")]
                load = {m: sum(cost[k]["hours"] for k in chosen if k[0] == m) for m in ("M1", "M2")}
                if max(load.values()) <= 10:
                    total = 3000 - sum(cost[k]["cost"] for k in chosen)
                    best = total if best is None else max(best, total)
    result = solve(doc, time_limit=5)
    assert result["objective"] == best
    assert result["status"] == "optimal"
    assert violations(doc, result["assignments"]) == []


@pytest.mark.parametrize("seed", range(4))
def test_greedy_and_solve_are_feasible_and_exact(seed: int) -> None:
    doc = random_instance(seed)
    baseline = greedy(doc)
    assert baseline["bound"] is None
    assert violations(doc, baseline["assignments"]) == []
    result = solve(doc, time_limit=5)
    assert violations(doc, result["assignments"]) == []
    assert result["objective"] == float(exact_objective(doc, result["assignments"]))
    assert result["objective"] >= baseline["objective"]
    assert result["bound"] >= result["objective"]
    planned = {a["item"] for a in result["assignments"]}
    unplanned = {u["item"] for u in result["unplanned"]}
    assert planned.isdisjoint(unplanned)
    assert planned | unplanned == {i["id"] for i in doc["items"]}


def test_progress_is_reported_between_0_and_1() -> None:
    seen: list[float] = []
    solve(random_instance(9), time_limit=3, progress=seen.append)
    assert seen and all(0.0 <= f <= 1.0 for f in seen) and seen[-1] == 1.0


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((30, 100), id="one-MIP"),  # its MIP does not prove within minutes
        pytest.param((100, 300), id="LP-and-search"),
    ],
)
def test_a_stop_set_while_solving_cancels_well_before_the_time_limit(size: tuple[int, int]) -> None:
    doc = generate(*size, 26, seed=1)
    stop = threading.Event()
    seen: list[float] = []
    timer = threading.Timer(1.0, stop.set)
    started = time.monotonic()
    timer.start()
    with pytest.raises(Cancelled):
        solve(doc, time_limit=1800, stop=stop, progress=seen.append)
    # Not a speed target: the point is that the stop ends the solve, not the 30-minute limit.
    assert time.monotonic() - started < 600
    assert seen and seen[-1] < 1.0


def test_items_the_relaxation_plans_but_the_search_did_not_place_wait_on_the_time_limit() -> None:
    doc = generate(100, 300, 26, seed=1)
    result = solve(doc, time_limit=4)
    assert result["status"] == "feasible"
    waiting = [u["item"] for u in result["unplanned"] if u["reason"] == "time_limit"]
    assert waiting
    # Each of them has people with the skills (else the reason would be no_eligible_specialist).
    items = {i["id"]: i for i in doc["items"]}
    for item_id in waiting:
        needs = items[item_id]["skills"]
        assert any(
            all(person["skills"].get(skill, 0) >= level for skill, level in needs.items())
            for person in doc["specialists"]
        ), item_id


def test_solve_does_not_modify_the_document() -> None:
    doc = tiny()
    before = copy.deepcopy(doc)
    solve(doc, time_limit=2)
    greedy(doc)
    assert doc == before


def test_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = tmp_path / "in.json"
    out = tmp_path / "out.json"
    instance.write_text(json.dumps(tiny()), encoding="utf-8")
    call_command("plan", "--instance", str(instance), "--out", str(out), "--time-limit", "5")
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["objective"] == 4220
    line = capsys.readouterr().out
    # Commands speak the installation's language (French by default), figures in its format.
    assert "objectif 4220,00" in line and "planifiés\xa0: 1, non planifiés\xa0: 3" in line, line
    call_command("plan", "--instance", str(instance), "--out", str(out), "--time-limit", "5", "--greedy")
    assert json.loads(out.read_text(encoding="utf-8"))["bound"] is None


def test_cli_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    instance = tmp_path / "in.json"
    out = tmp_path / "out.json"
    instance.write_text(json.dumps(broken(lambda d: d["items"][1].update(due=9))), encoding="utf-8")
    with pytest.raises(CommandError, match=r"items\[1\] \(D2\)\.due") as caught:
        call_command("plan", "--instance", str(instance), "--out", str(out), "--time-limit", "1")
    assert caught.value.returncode == 2
    instance.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="pas du JSON valide"):
        call_command("plan", "--instance", str(instance), "--out", str(out), "--time-limit", "1")
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command(
            "plan", "--instance", str(tmp_path / "missing.json"), "--out", str(out), "--time-limit", "1"
        )
    assert not out.exists()
