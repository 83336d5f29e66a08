"""Whatever the instance, the solver and the greedy return plans the independent checker accepts;
and on small OR-Library problems the solver finds the published optimum.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.checker import check, exact
from servicehub.planning.solver import greedy, solve
from servicehub.planning.solver.orlib import gap_cost, gap_instance

DATA = Path(__file__).parents[1] / "data"
SKILLS = ("java", "sap", "test")
SITES = ("RAB", "CAS", "PAR")
# Whole numbers and halves: the format allows decimals, and halves are exact in binary too.
money = st.integers(min_value=0, max_value=400).map(lambda n: n / 2 if n % 3 == 0 else n)


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    weeks = draw(st.integers(1, 4))
    specialists = []
    for n in range(draw(st.integers(2, 6))):
        hours = draw(st.sampled_from((0, 8, 20, 40)))
        off = draw(st.dictionaries(st.integers(0, weeks - 1).map(str), st.integers(0, 40), max_size=2))
        specialist: dict[str, Any] = {
            "id": f"S{n}",
            "site": draw(st.sampled_from(SITES)),
            "cost_per_hour": draw(money) / 5,
            "hours": hours,
            "skills": draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2)),
        }
        if off:
            specialist["unavailable"] = off
        specialists.append(specialist)
    items = []
    pairs = []
    for n in range(draw(st.integers(2, 10))):
        release = draw(st.integers(0, weeks - 1))
        item: dict[str, Any] = {
            "id": f"I{n}",
            "hours": draw(st.integers(1, 80)),
            "value": draw(money) * 20,
            "skills": draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2)),
            "release": release,
            "due": draw(st.integers(release, weeks - 1)),
        }
        if draw(st.booleans()):
            item["preferred_sites"] = draw(st.lists(st.sampled_from(SITES), unique=True, max_size=2))
        if draw(st.booleans()):
            item["max_people"] = draw(st.integers(1, 4))
        if draw(st.booleans()):
            item["whole"] = draw(st.booleans())
        if draw(st.integers(0, 3)) == 0:  # about a quarter of the items have listed pairs
            item["whole"] = True
            who = draw(st.lists(st.sampled_from([s["id"] for s in specialists]), unique=True, min_size=1))
            for s_id in who:
                pairs.append(
                    {
                        "specialist": s_id,
                        "item": item["id"],
                        "hours": draw(st.integers(1, 40)),
                        "cost": draw(money) * 2,
                    }
                )
        items.append(item)
    doc: dict[str, Any] = {
        "format": "servicehub-staffing/1",
        "weeks": weeks,
        "weights": {
            "pair_charge": draw(st.sampled_from((0, 50, 300))),
            "site_bonus_per_hour": draw(st.sampled_from((0, 2.5, 10))),
        },
        "specialists": specialists,
        "items": items,
    }
    if pairs:
        doc["pairs"] = pairs
    return doc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solver_and_greedy_plans_pass_the_checker(doc: dict[str, Any]) -> None:
    planned = solve(doc, time_limit=2)
    assert check(doc, planned) == [], planned
    quick = greedy(doc)
    assert check(doc, quick) == [], quick
    assert quick["bound"] is None
    tolerance = 1e-6 * max(1.0, abs(planned["objective"]))
    if planned["bound"] is not None:
        # The greedy's plan is a plan: no proved bound can be below it.
        assert exact(quick["objective"]) <= exact(planned["bound"]) + exact(tolerance)
    if planned["status"] == "optimal":
        assert planned["objective"] >= quick["objective"] - tolerance
        # A proof leaves nothing to more time: no item waits on the time limit.
        assert all(u["reason"] != "time_limit" for u in planned["unplanned"])


def reference_optima() -> list[tuple[str, int]]:
    with (DATA / "gap" / "gap_reference_values.csv").open() as stream:
        return [(Path(r["file"]).name, int(r["MIN_optimum_fontanf"])) for r in csv.DictReader(stream)]


@pytest.mark.parametrize(("name", "optimum"), reference_optima())
def test_small_gap_instances_reach_the_published_optimum(name: str, optimum: int) -> None:
    doc = gap_instance(DATA / "gap" / name)
    planned = solve(doc, time_limit=10)
    assert check(doc, planned) == []
    assert gap_cost(planned, doc) == optimum
