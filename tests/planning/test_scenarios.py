"""What-if changes to a staffing instance, and two plans compared side by side."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.checker import check, objective
from servicehub.planning.scenarios import ScenarioError, apply_changes, compare

D = Decimal

BASE: dict[str, Any] = {
    "format": "servicehub-staffing/1",
    "name": "scenario-test",
    "weeks": 6,
    "weights": {"pair_charge": 50, "site_bonus_per_hour": 2},
    "specialists": [
        {"id": "S1", "site": "CAS", "cost_per_hour": 30, "hours": 40, "skills": {"java": 3}},
        {
            "id": "S2",
            "site": "RAB",
            "cost_per_hour": 25,
            "hours": 40,
            "unavailable": {"3": 16},
            "skills": {"react": 2},
        },
        {"id": "S3", "site": "RAB", "cost_per_hour": 28, "hours": 37.5, "skills": {"java": 2, "react": 3}},
    ],
    "items": [
        {"id": "DEM-1", "hours": 40, "value": 5000, "skills": {"java": 2}, "release": 0, "due": 2},
        {"id": "DEM-2", "hours": 20, "value": 3000, "skills": {"react": 2}, "release": 1, "due": 4},
        {"id": "DEM-3", "hours": 10, "value": 800, "skills": {}, "release": 0, "due": 5, "whole": True},
    ],
    "pairs": [
        {"specialist": "S1", "item": "DEM-3", "hours": 10, "cost": 300},
        {"specialist": "S2", "item": "DEM-3", "hours": 12, "cost": 280},
    ],
}


def _schema() -> dict[str, Any] | None:
    for folder in (
        Path(__file__).resolve().parents[2] / "src/servicehub/planning/solver/schemas",
        Path(__file__).resolve().parents[1] / "data/staffing",
    ):
        path = folder / "staffing-instance.schema.json"
        if path.exists():
            loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
            return loaded
    return None


def assert_valid(doc: dict[str, Any]) -> None:
    """The JSON Schema, then the rules of staffing.md the schema cannot say."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema()
    if schema is None:
        pytest.skip("no staffing instance schema to validate against")
    jsonschema.Draft202012Validator(schema).validate(doc)
    spec_ids = [s["id"] for s in doc["specialists"]]
    item_ids = [i["id"] for i in doc["items"]]
    assert len(set(spec_ids)) == len(spec_ids)
    assert len(set(item_ids)) == len(item_ids)
    items = {i["id"]: i for i in doc["items"]}
    for item in doc["items"]:
        assert item["release"] <= item["due"] <= doc["weeks"] - 1
    pairs = [(p["specialist"], p["item"]) for p in doc.get("pairs", [])]
    assert len(set(pairs)) == len(pairs)
    for s_id, i_id in pairs:
        assert s_id in spec_ids and items[i_id].get("whole") is True


def total_capacity(doc: dict[str, Any]) -> Fraction:
    total = Fraction(0)
    for spec in doc["specialists"]:
        for week in range(doc["weeks"]):
            off = spec.get("unavailable", {}).get(str(week), 0)
            total += max(Fraction(0), Fraction(str(spec["hours"])) - Fraction(str(off)))
    return total


def test_base_is_valid() -> None:
    assert_valid(BASE)


# --- add_specialists ------------------------------------------------------------------------------


def test_add_specialists_unavailable_before_from_week() -> None:
    before = copy.deepcopy(BASE)
    change = {
        "kind": "add_specialists",
        "count": 10,
        "site": "CAS",
        "skills": {"react": 3},
        "from_week": 4,
        "hours": 40,
        "cost_per_hour": 30,
        "prefix": "NEW-CAS-REACT",
    }
    out = apply_changes(BASE, [change])
    assert before == BASE
    new = out["specialists"][3:]
    assert [s["id"] for s in new] == [f"NEW-CAS-REACT-{n:03d}" for n in range(1, 11)]
    assert new[0] == {
        "id": "NEW-CAS-REACT-001",
        "site": "CAS",
        "cost_per_hour": 30,
        "hours": 40,
        "skills": {"react": 3},
        "unavailable": {"0": 40, "1": 40, "2": 40, "3": 40},
    }
    assert total_capacity(out) == total_capacity(BASE) + 10 * 2 * 40  # weeks 4 and 5
    assert_valid(out)


def test_add_specialists_twice_never_reuses_an_id() -> None:
    change = {"kind": "add_specialists", "count": 2, "site": "RAB", "hours": 40, "cost_per_hour": 20}
    out = apply_changes(BASE, [change, change])
    assert [s["id"] for s in out["specialists"][3:]] == [
        "NEW-RAB-001",
        "NEW-RAB-002",
        "NEW-RAB-003",
        "NEW-RAB-004",
    ]
    assert "unavailable" not in out["specialists"][3]
    assert out["specialists"][3]["skills"] == {}
    assert_valid(out)


# --- close_site -----------------------------------------------------------------------------------


def test_close_site_takes_every_hour_of_the_site_those_weeks() -> None:
    before = copy.deepcopy(BASE)
    out = apply_changes(BASE, [{"kind": "close_site", "site": "RAB", "from_week": 3, "to_week": 4}])
    assert before == BASE
    s1, s2, s3 = out["specialists"]
    assert "unavailable" not in s1
    assert s2["unavailable"] == {"3": 40, "4": 40}
    assert s3["unavailable"] == {"3": 37.5, "4": 37.5}
    # S2 had 24 h in week 3 and 40 in week 4; S3 37.5 in each.
    assert total_capacity(out) == total_capacity(BASE) - 24 - 40 - 75
    assert_valid(out)


# --- scale_demand ---------------------------------------------------------------------------------


def test_scale_demand_doubles_the_listed_items_and_their_pairs() -> None:
    before = copy.deepcopy(BASE)
    out = apply_changes(BASE, [{"kind": "scale_demand", "items": ["DEM-1", "DEM-3"], "factor": 2}])
    assert before == BASE
    assert [i["id"] for i in out["items"]] == ["DEM-1", "DEM-2", "DEM-3", "DEM-1/copy-1", "DEM-3/copy-1"]
    assert out["items"][3] == {**BASE["items"][0], "id": "DEM-1/copy-1"}
    assert out["pairs"][2:] == [
        {"specialist": "S1", "item": "DEM-3/copy-1", "hours": 10, "cost": 300},
        {"specialist": "S2", "item": "DEM-3/copy-1", "hours": 12, "cost": 280},
    ]
    assert_valid(out)


def test_scale_demand_fraction_copies_a_share_in_the_order_given() -> None:
    # 2.5 x 2 items: every item once more, and round(0.5 x 2) = 1 item (the first listed) twice more.
    out = apply_changes(BASE, [{"kind": "scale_demand", "items": ["DEM-2", "DEM-1"], "factor": 2.5}])
    assert [i["id"] for i in out["items"][3:]] == ["DEM-2/copy-1", "DEM-2/copy-2", "DEM-1/copy-1"]
    # Scaling again finds fresh ids.
    again = apply_changes(out, [{"kind": "scale_demand", "items": ["DEM-1"], "factor": 2}])
    assert again["items"][-1]["id"] == "DEM-1/copy-2"
    assert_valid(again)


def test_scale_demand_below_one_drops_the_last_listed_items() -> None:
    # 0.5 x 3 = 1.5, rounded half up: the first two stay, DEM-3 goes with its pairs.
    out = apply_changes(BASE, [{"kind": "scale_demand", "items": ["DEM-1", "DEM-2", "DEM-3"], "factor": 0.5}])
    assert [i["id"] for i in out["items"]] == ["DEM-1", "DEM-2"]
    assert out["pairs"] == []
    assert_valid(out)


# --- remove_specialists ---------------------------------------------------------------------------


def test_remove_specialists_with_their_pairs() -> None:
    before = copy.deepcopy(BASE)
    out = apply_changes(BASE, [{"kind": "remove_specialists", "specialists": ["S2"]}])
    assert before == BASE
    assert [s["id"] for s in out["specialists"]] == ["S1", "S3"]
    assert out["pairs"] == [{"specialist": "S1", "item": "DEM-3", "hours": 10, "cost": 300}]
    assert_valid(out)


def test_remove_every_listed_specialist_of_an_item_is_refused() -> None:
    with (
        translation.override("en"),
        pytest.raises(ScenarioError, match=r"changes\[0\]\.specialists: item DEM-3"),
    ):
        apply_changes(BASE, [{"kind": "remove_specialists", "specialists": ["S1", "S2"]}])


def test_changes_apply_in_order() -> None:
    out = apply_changes(
        BASE,
        [
            {"kind": "add_specialists", "count": 1, "site": "FES", "hours": 40, "cost_per_hour": 20},
            {"kind": "close_site", "site": "FES", "from_week": 0, "to_week": 5},
            {"kind": "remove_specialists", "specialists": ["NEW-FES-001"]},
        ],
    )
    assert out["specialists"] == BASE["specialists"]


# --- errors ---------------------------------------------------------------------------------------


ADD = {"kind": "add_specialists", "count": 1, "site": "CAS", "hours": 1, "cost_per_hour": 1}
CLOSE = {"kind": "close_site", "site": "RAB", "from_week": 1, "to_week": 1}
SCALE = {"kind": "scale_demand", "items": ["DEM-1"], "factor": 2}
REMOVE = {"kind": "remove_specialists"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "grow"}, "changes[1].kind: must be one of add_specialists, close_site"),
        ({**ADD, "count": 0}, "changes[1].count: must be at least 1"),
        ({k: v for k, v in ADD.items() if k != "count"}, "changes[1].count: this field is required"),
        ({**ADD, "count": 1.5}, "changes[1].count: must be a whole number"),
        ({**ADD, "hours": -1}, "changes[1].hours: must not be negative"),
        ({**ADD, "site": ""}, "changes[1].site: must be a non-empty text"),
        (
            {**ADD, "skills": {"go": 6}},
            "changes[1].skills: the level of go must be a whole number from 1 to 5",
        ),
        ({**ADD, "from_week": 6}, "changes[1].from_week: must be between 0 and 5"),
        ({**ADD, "form_week": 2}, "changes[1].form_week: unknown field"),
        ({**CLOSE, "site": "TNG"}, "changes[1].site: no specialist works at site TNG"),
        ({**CLOSE, "from_week": 3, "to_week": 2}, "changes[1].to_week: must not be before from_week (3)"),
        ({**SCALE, "items": ["DEM-9"]}, "changes[1].items: unknown item DEM-9"),
        ({**SCALE, "items": ["DEM-1", "DEM-1"]}, "changes[1].items: DEM-1 is listed twice"),
        ({**SCALE, "factor": 0}, "changes[1].factor: must be above 0"),
        ({**SCALE, "factor": float("nan")}, "changes[1].factor: must be a number"),
        ({**REMOVE, "specialists": []}, "changes[1].specialists: must be a non-empty list of ids"),
        ({**REMOVE, "specialists": ["S9"]}, "changes[1].specialists: unknown specialist S9"),
    ],
)
def test_a_bad_change_names_its_index_and_field(change: dict[str, Any], message: str) -> None:
    before = copy.deepcopy(BASE)
    fine = {"kind": "close_site", "site": "CAS", "from_week": 0, "to_week": 0}
    with translation.override("en"), pytest.raises(ScenarioError) as caught:
        apply_changes(BASE, [fine, change])
    assert str(caught.value).startswith(message)
    assert caught.value.index == 1
    assert before == BASE


def test_a_change_must_be_an_object() -> None:
    with (
        translation.override("en"),
        pytest.raises(ScenarioError, match=r"changes\[0\]: a change must be an object"),
    ):
        apply_changes(BASE, ["close_site"])  # type: ignore[list-item]


# --- properties -----------------------------------------------------------------------------------

sites = st.sampled_from(["CAS", "RAB", "FES"])
weeks = st.integers(min_value=0, max_value=5)


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=5),
    site=sites,
    from_week=weeks,
    hours=st.integers(min_value=0, max_value=60) | st.decimals(0, 60, places=1).map(float),
    skills=st.dictionaries(st.sampled_from(["java", "react", "sql"]), st.integers(1, 5), max_size=3),
)
def test_adding_specialists_never_lowers_capacity(
    count: int, site: str, from_week: int, hours: float, skills: dict[str, int]
) -> None:
    change = {
        "kind": "add_specialists",
        "count": count,
        "site": site,
        "from_week": from_week,
        "hours": hours,
        "cost_per_hour": 20,
        "skills": skills,
    }
    out = apply_changes(BASE, [change])
    assert total_capacity(out) == total_capacity(BASE) + count * (6 - from_week) * Fraction(str(hours))
    assert_valid(out)


@settings(max_examples=60, deadline=None)
@given(site=st.sampled_from(["CAS", "RAB"]), first=weeks, length=st.integers(0, 5))
def test_closing_a_site_never_raises_capacity(site: str, first: int, length: int) -> None:
    out = apply_changes(
        BASE, [{"kind": "close_site", "site": site, "from_week": first, "to_week": min(5, first + length)}]
    )
    assert total_capacity(out) <= total_capacity(BASE)
    for spec in out["specialists"]:
        if spec["site"] == site:
            assert all(
                float(spec["unavailable"][str(w)]) >= float(spec["hours"])
                for w in range(first, min(5, first + length) + 1)
            )
    assert_valid(out)


@settings(max_examples=60, deadline=None)
@given(
    listed=st.lists(st.sampled_from(["DEM-1", "DEM-2", "DEM-3"]), min_size=1, max_size=3, unique=True),
    factor=st.integers(min_value=1, max_value=5),
)
def test_an_integer_factor_multiplies_the_listed_items(listed: list[str], factor: int) -> None:
    out = apply_changes(BASE, [{"kind": "scale_demand", "items": listed, "factor": factor}])
    originals = [i for i in out["items"] if i["id"].split("/copy-")[0] in listed]
    assert len(originals) == factor * len(listed)
    assert len(out["items"]) == len(BASE["items"]) + (factor - 1) * len(listed)
    assert_valid(out)


# --- compare --------------------------------------------------------------------------------------

# Base: S1 does DEM-1 (20 + 20 h), S2 DEM-2; the solver ran out of time before DEM-3.
BASE_RESULT: dict[str, Any] = {
    "format": "servicehub-staffing-result/1",
    "status": "feasible",
    # 5000 + 3000 - 30*40 - 25*20 - 2*50 (no preferred sites) = 6200
    "objective": 6200,
    "bound": None,
    "assignments": [
        {"specialist": "S1", "item": "DEM-1", "week": 0, "hours": 20},
        {"specialist": "S1", "item": "DEM-1", "week": 1, "hours": 20},
        {"specialist": "S2", "item": "DEM-2", "week": 1, "hours": 20},
    ],
    "unplanned": [{"item": "DEM-3", "reason": "time_limit"}],
}

# Other: RAB closed in weeks 1-4 and DEM-1 doubled. S1 does DEM-1, its copy and DEM-3 (its pair:
# 10 h for 300); DEM-2 needs react, which only RAB has, and RAB is closed through its window.
OTHER_CHANGES = [
    {"kind": "close_site", "site": "RAB", "from_week": 1, "to_week": 4},
    {"kind": "scale_demand", "items": ["DEM-1"], "factor": 2},
]
OTHER_RESULT: dict[str, Any] = {
    "format": "servicehub-staffing-result/1",
    "status": "feasible",
    # 5000 + 5000 + 800 - 30*40 - 30*40 - 300 - 3*50 = 7950
    "objective": 7950,
    "bound": None,
    "assignments": [
        {"specialist": "S1", "item": "DEM-1", "week": 0, "hours": 40},
        {"specialist": "S1", "item": "DEM-1/copy-1", "week": 1, "hours": 20},
        {"specialist": "S1", "item": "DEM-1/copy-1", "week": 2, "hours": 20},
        {"specialist": "S1", "item": "DEM-3", "week": 3, "hours": 10},
    ],
    "unplanned": [{"item": "DEM-2", "reason": "no_capacity_in_window"}],
}


def test_hand_written_plans_are_sound() -> None:
    other = apply_changes(BASE, OTHER_CHANGES)
    assert check(BASE, BASE_RESULT) == []
    assert check(other, OTHER_RESULT) == []


def test_compare_side_by_side() -> None:
    other = apply_changes(BASE, OTHER_CHANGES)
    c = compare(BASE, BASE_RESULT, other, OTHER_RESULT)
    assert c.status == ("feasible", "feasible")
    assert (c.planned_value.base, c.planned_value.other, c.planned_value.delta) == (
        D(8000),
        D(10800),
        D(2800),
    )
    assert (c.planned_items.base, c.planned_items.other, c.planned_items.delta) == (2, 3, 1)
    assert (c.unplanned_items.base, c.unplanned_items.other, c.unplanned_items.delta) == (1, 1, 0)
    assert {r: (d.base, d.other, d.delta) for r, d in c.unplanned_by_reason.items()} == {
        "no_eligible_specialist": (0, 0, 0),
        "no_capacity_in_window": (0, 1, 1),
        "not_worth_it": (0, 0, 0),
        "time_limit": (1, 0, -1),
    }
    assert (c.assigned_hours.base, c.assigned_hours.other, c.assigned_hours.delta) == (60, 90, 30)
    assert (c.total_cost.base, c.total_cost.other, c.total_cost.delta) == (D(1700), D(2700), D(1000))
    assert (c.objective.base, c.objective.other, c.objective.delta) == (D(6200), D(7950), D(1750))
    assert c.objective.base == objective(BASE, BASE_RESULT)
    assert c.objective.other == objective(other, OTHER_RESULT)
    cas, rab = c.sites["CAS"], c.sites["RAB"]
    assert (cas.assigned.base, cas.assigned.other) == (40, 90)
    assert (cas.capacity.base, cas.capacity.other) == (D(240), D(240))
    assert (cas.rate.base, cas.rate.other, cas.rate.delta) == (
        D(40) / 240,
        D(90) / 240,
        D(90) / 240 - D(40) / 240,
    )
    # RAB: S2 40*6 - 16 = 224, S3 37.5*6 = 225; closed weeks 1-4 leave 2 weeks each: 80 + 75.
    assert (rab.capacity.base, rab.capacity.other) == (D(449), D(155))
    assert (rab.assigned.base, rab.assigned.other, rab.rate.other) == (20, 0, D(0))


def test_compare_deltas_are_other_minus_base_both_ways() -> None:
    other = apply_changes(BASE, OTHER_CHANGES)
    forward = compare(BASE, BASE_RESULT, other, OTHER_RESULT)
    backward = compare(other, OTHER_RESULT, BASE, BASE_RESULT)
    figures: list[tuple[Any, Any]] = [
        (forward.planned_value, backward.planned_value),
        (forward.planned_items, backward.planned_items),
        (forward.unplanned_items, backward.unplanned_items),
        (forward.assigned_hours, backward.assigned_hours),
        (forward.total_cost, backward.total_cost),
        (forward.objective, backward.objective),
        *(
            (forward.unplanned_by_reason[r], backward.unplanned_by_reason[r])
            for r in forward.unplanned_by_reason
        ),
        *((forward.sites[s].assigned, backward.sites[s].assigned) for s in forward.sites),
        *((forward.sites[s].capacity, backward.sites[s].capacity) for s in forward.sites),
        *((forward.sites[s].rate, backward.sites[s].rate) for s in forward.sites),
    ]
    for f, b in figures:
        assert f.delta == f.other - f.base
        assert (b.base, b.other, b.delta) == (f.other, f.base, -f.delta)


def test_compare_a_site_only_one_plan_has() -> None:
    other = apply_changes(
        BASE, [{"kind": "add_specialists", "count": 1, "site": "FES", "hours": 10, "cost_per_hour": 1}]
    )
    c = compare(BASE, BASE_RESULT, other, BASE_RESULT)
    fes = c.sites["FES"]
    assert (fes.capacity.base, fes.capacity.other, fes.capacity.delta) == (D(0), D(60), D(60))
    assert (fes.rate.base, fes.rate.other, fes.rate.delta) == (None, D(0), None)


def test_compare_plans_from_the_real_solver() -> None:
    solver = pytest.importorskip("servicehub.planning.solver")
    if not hasattr(solver, "solve"):
        pytest.skip("the solver has no solve() yet")
    other = apply_changes(BASE, OTHER_CHANGES)
    base_result = solver.solve(BASE, time_limit=10)
    other_result = solver.solve(other, time_limit=10)
    c = compare(BASE, base_result, other, other_result)
    assert float(c.objective.base) == pytest.approx(base_result["objective"])
    assert float(c.objective.other) == pytest.approx(other_result["objective"])
    assert c.planned_items.base + c.unplanned_items.base == len(BASE["items"])
    assert c.planned_items.other + c.unplanned_items.other == len(other["items"])
