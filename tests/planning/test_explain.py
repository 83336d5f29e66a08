"""Explanations of a staffing result, on a small instance and a plan written by hand.

Every figure below is worked out from the instance by hand (comments show the sums), so a change in
how explain() counts shows up as a wrong number, not just a different one.
"""

from __future__ import annotations

# ruff: noqa: RUF001  (the sentences use an en dash between week numbers)
import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from planning.checker import check
from servicehub.planning.explain import explain, fmt

D = Decimal

# Weeks 0-3. S2 is off in week 1; S4 only has java 1.
INSTANCE: dict[str, Any] = {
    "format": "servicehub-staffing/1",
    "name": "explain-test",
    "weeks": 4,
    "weights": {"pair_charge": 100, "site_bonus_per_hour": 5},
    "specialists": [
        {"id": "S1", "site": "CAS", "cost_per_hour": 38, "hours": 40, "skills": {"java": 4, "react": 3}},
        {
            "id": "S2",
            "site": "RAB",
            "cost_per_hour": 30,
            "hours": 40,
            "unavailable": {"1": 40},
            "skills": {"java": 3, "react": 2},
        },
        {"id": "S3", "site": "CAS", "cost_per_hour": 45, "hours": 20, "skills": {"java": 5, "react": 2}},
        {"id": "S4", "site": "RAB", "cost_per_hour": 20, "hours": 40, "skills": {"java": 1}},
        {"id": "S5", "site": "CAS", "cost_per_hour": 50, "hours": 40, "skills": {"java": 3, "react": 2}},
    ],
    "items": [
        {
            "id": "DEM-1",
            "hours": 60,
            "value": 10000,
            "skills": {"java": 3, "react": 2},
            "release": 1,
            "due": 2,
            "preferred_sites": ["CAS"],
            "max_people": 2,
        },
        {"id": "DEM-2", "hours": 10, "value": 100, "skills": {}, "release": 0, "due": 0},
        {"id": "DEM-3", "hours": 8, "value": 5000, "skills": {"cobol": 2, "java": 5}, "release": 0, "due": 3},
        {"id": "DEM-4", "hours": 30, "value": 5000, "skills": {"java": 5}, "release": 1, "due": 2}
        | {"whole": True},
        {
            "id": "DEM-5",
            "hours": 40,
            "value": 8000,
            "skills": {"java": 4},
            "release": 1,
            "due": 2,
            "preferred_sites": ["RAB"],
        },
        {"id": "DEM-6", "hours": 8, "value": 900, "skills": {"java": 5, "react": 3}, "release": 0, "due": 3},
        {"id": "DEM-7", "hours": 8, "value": 900, "skills": {"react": 4}, "release": 0, "due": 3},
        {"id": "DEM-8", "hours": 50, "value": 9000, "skills": {"java": 4}, "release": 2, "due": 2},
        {"id": "DEM-9", "hours": 4, "value": 400, "skills": {"java": 1}, "release": 3, "due": 3},
    ],
}

# DEM-1 by S1 (40 + 20 h), DEM-5 by S3 (20 + 20 h). Objective:
# 10000 + 8000 - (38*60 + 45*40) - 2*100 + 5*60 (S1 at CAS, preferred for DEM-1) = 14020.
RESULT: dict[str, Any] = {
    "format": "servicehub-staffing-result/1",
    "status": "feasible",
    "objective": 14020,
    "bound": None,
    "seconds": 0.1,
    "assignments": [
        {"specialist": "S1", "item": "DEM-1", "week": 1, "hours": 40},
        {"specialist": "S1", "item": "DEM-1", "week": 2, "hours": 20},
        {"specialist": "S3", "item": "DEM-5", "week": 1, "hours": 20},
        {"specialist": "S3", "item": "DEM-5", "week": 2, "hours": 20},
    ],
    "unplanned": [
        {"item": "DEM-2", "reason": "not_worth_it"},
        {"item": "DEM-3", "reason": "no_eligible_specialist"},
        {"item": "DEM-4", "reason": "no_capacity_in_window"},
        {"item": "DEM-6", "reason": "no_eligible_specialist"},
        {"item": "DEM-7", "reason": "no_eligible_specialist"},
        {"item": "DEM-8", "reason": "no_capacity_in_window"},
        {"item": "DEM-9", "reason": "time_limit"},
    ],
}


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_the_hand_written_plan_is_sound() -> None:
    assert check(INSTANCE, RESULT) == []


def test_pair_explains_levels_site_cost_free_hours_and_alternatives() -> None:
    explanation = explain(INSTANCE, RESULT)
    assert [(p.specialist, p.item) for p in explanation.pairs] == [("S1", "DEM-1"), ("S3", "DEM-5")]
    p = explanation.pairs[0]
    assert p.hours == 60
    assert p.hours_by_week == {1: 40, 2: 20}
    assert p.window == (1, 2)
    assert not p.listed
    assert [(m.skill, m.level, m.required) for m in p.skills] == [("java", 4, 3), ("react", 3, 2)]
    assert (p.site, p.preferred_site, p.site_bonus) == ("CAS", True, D(300))  # 5 x 60 h
    assert p.cost == D(2280)  # 38 x 60
    assert p.pair_charge == D(100)
    assert p.free_hours == D(20)  # weeks 1-2: 80 h of capacity, 60 used
    # Eligible for java 3 + react 2: S2, S3, S5 besides S1, cheapest first.
    assert [(a.specialist, a.cost, a.free_hours, a.hours) for a in p.alternatives] == [
        ("S2", D(1800), D(40), 60),  # 30 x 60; off in week 1
        ("S3", D(2700), D(0), 60),  # 45 x 60; full with DEM-5
        ("S5", D(3000), D(80), 60),  # 50 x 60
    ]
    assert p.sentence == (
        "Chosen for java 4 (needs 3) and react 3 (needs 2); works at CAS, a preferred site (+300 bonus); "
        "costs 2,280 for 60 h; 20 h left free in weeks 1–2. Also considered: "
        "S2 (only 40 h free in the window; would cost 1,800), S3 (no free hours in the window), "
        "S5 (would cost 3,000)."
    )


def test_sentences_name_people_and_weeks_when_told() -> None:
    mondays = [dt.date(2026, 6, 1) + dt.timedelta(weeks=w) for w in range(INSTANCE["weeks"])]
    names = {"S1": "Salma Idrissi", "S2": "Yassine Alaoui", "S3": "Nora Bennani"}
    p = explain(INSTANCE, RESULT, names=names, week_starts=mondays, sites={"CAS": "Casablanca"}).pairs[0]
    assert "works at Casablanca, a preferred site" in p.sentence
    assert "20 h left free in the weeks of 06/08/2026 to 06/15/2026" in p.sentence
    assert "Also considered: Yassine Alaoui (only 40 h free" in p.sentence
    assert "Nora Bennani (no free hours" in p.sentence
    assert "S5 (would cost 3,000)" in p.sentence  # no name given: the id
    # Without labels, the next call is back to ids and week numbers.
    assert "in weeks 1–2" in explain(INSTANCE, RESULT).pairs[0].sentence


def test_second_pair_not_at_a_preferred_site_and_full() -> None:
    p = explain(INSTANCE, RESULT).pairs[1]
    assert (p.preferred_site, p.site_bonus, p.cost, p.free_hours) == (False, D(0), D(1800), D(0))
    assert [(a.specialist, a.cost, a.free_hours) for a in p.alternatives] == [("S1", D(1520), D(20))]
    assert p.sentence == (
        "Chosen for java 5 (needs 4); works at CAS, not a preferred site; costs 1,800 for 40 h; "
        "no hours left free in weeks 1–2. "
        "Also considered: S1 (only 20 h free in the window; would cost 1,520)."
    )


def test_alternatives_are_capped() -> None:
    explanation = explain(INSTANCE, RESULT, alternatives=2)
    assert [a.specialist for a in explanation.pairs[0].alternatives] == ["S2", "S3"]
    assert explain(INSTANCE, RESULT, alternatives=0).pairs[0].sentence.endswith("No one else was eligible.")


def test_listed_pairs_cost_what_the_pair_says() -> None:
    doc = {
        "format": "servicehub-staffing/1",
        "weeks": 1,
        "specialists": [
            {"id": "A", "site": "CAS", "cost_per_hour": 1, "hours": 40, "skills": {}},
            {"id": "B", "site": "RAB", "cost_per_hour": 1, "hours": 40, "skills": {}},
            {"id": "C", "site": "RAB", "cost_per_hour": 1, "hours": 40, "skills": {}},
        ],
        "items": [{"id": "P", "hours": 1, "value": 500, "release": 0, "due": 0, "whole": True}],
        "pairs": [
            {"specialist": "A", "item": "P", "hours": 10, "cost": 100},
            {"specialist": "B", "item": "P", "hours": 12, "cost": 90},
        ],
    }
    result = {
        "format": "servicehub-staffing-result/1",
        "status": "feasible",
        "objective": 400,
        "bound": None,
        "assignments": [{"specialist": "A", "item": "P", "week": 0, "hours": 10}],
        "unplanned": [],
    }
    assert check(doc, result) == []
    with translation.override("en"):
        p = explain(doc, result).pairs[0]
    assert (p.listed, p.hours, p.cost, p.free_hours) == (True, 10, D(100), D(30))
    # C is not listed, so not eligible; B would work its own 12 h for its own cost.
    assert [(a.specialist, a.hours, a.cost) for a in p.alternatives] == [("B", 12, D(90))]
    assert p.sentence == (
        "Listed for this item; works at CAS; costs 100 for 10 h; 30 h left free in week 0. "
        "Also considered: B (would cost 90)."
    )


def test_unplanned_sentences() -> None:
    by_item = {u.item: u for u in explain(INSTANCE, RESULT).unplanned}
    assert list(by_item) == ["DEM-2", "DEM-3", "DEM-4", "DEM-6", "DEM-7", "DEM-8", "DEM-9"]

    # Everyone is eligible for DEM-2 (no skills); S4 is cheapest: 20 x 10 + 100 pair charge.
    worth = by_item["DEM-2"]
    assert worth.reason == "not_worth_it"
    assert worth.cheapest is not None
    assert (worth.cheapest.specialist, worth.cheapest.net_cost, worth.value) == ("S4", D(300), D(100))
    assert [e.specialist for e in worth.eligible] == ["S4", "S2", "S1", "S3", "S5"]
    assert worth.sentence == (
        "It is worth 100, but even the cheapest eligible specialist, S4, would cost 300 to staff it."
    )

    nobody = by_item["DEM-3"]
    assert [(m.skill, m.required, m.level) for m in nobody.missing_skills] == [("cobol", 2, None)]
    assert nobody.sentence == "Nobody has cobol at any level."
    assert by_item["DEM-7"].sentence == "Nobody has react at level 4 or above (the best is 3)."
    assert by_item["DEM-6"].missing_skills == ()
    assert by_item["DEM-6"].sentence == (
        "Each skill is covered by someone, but nobody has all of java 5 and react 3."
    )

    full = by_item["DEM-4"]
    assert [(e.specialist, e.free_hours) for e in full.eligible] == [("S3", D(0))]
    assert full.sentence == "S3 could do it but is full in weeks 1–2."

    # Week 2: S1 has 40 - 20 = 20 h left, S3 none.
    short = by_item["DEM-8"]
    assert [(e.specialist, e.free_hours, e.net_cost) for e in short.eligible] == [
        ("S1", D(20), D(2000)),  # 38 x 50 + 100
        ("S3", D(0), D(2350)),  # 45 x 50 + 100
    ]
    assert short.free_hours == D(20)
    assert short.sentence == (
        "S1 and S3 could do it but have only 20 h free between them in week 2; it needs 50 h."
    )

    assert by_item["DEM-9"].sentence.startswith("The bound's relaxation would plan it, but time ran out")


def _two_people_doc(**item: Any) -> dict[str, Any]:
    return {
        "format": "servicehub-staffing/1",
        "weeks": 1,
        "specialists": [
            {"id": "A", "site": "CAS", "cost_per_hour": 10, "hours": 20, "skills": {}},
            {"id": "B", "site": "CAS", "cost_per_hour": 10, "hours": 20, "skills": {}},
        ],
        "items": [{"id": "X", "hours": 30, "value": 9000, "release": 0, "due": 0, **item}],
    }


def _nothing_planned(reason: str) -> dict[str, Any]:
    return {
        "format": "servicehub-staffing-result/1",
        "status": "optimal",
        "objective": 0,
        "bound": 0,
        "assignments": [],
        "unplanned": [{"item": "X", "reason": reason}],
    }


def test_no_capacity_when_free_hours_are_too_spread_out() -> None:
    whole = explain(_two_people_doc(whole=True), _nothing_planned("no_capacity_in_window")).unplanned[0]
    assert whole.free_hours == D(40)
    assert whole.sentence == (
        "A and B could do it but none of them alone has the hours it needs free in week 0."
    )
    doc = _two_people_doc(max_people=1)
    assert explain(doc, _nothing_planned("no_capacity_in_window")).unplanned[0].sentence == whole.sentence


def test_not_worth_it_when_cheap_enough_but_hours_earn_more_elsewhere() -> None:
    u = explain(_two_people_doc(), _nothing_planned("not_worth_it")).unplanned[0]
    assert u.sentence == (
        "It is worth 9,000 and A could staff it for 300, but the hours it needs earn more on other items."
    )


def test_utilisation_per_specialist_and_site() -> None:
    explanation = explain(INSTANCE, RESULT)
    s1 = explanation.specialists[0]
    assert (s1.key, s1.assigned, s1.capacity, s1.rate) == ("S1", 60, D(160), D("0.375"))
    assert [(w.week, w.assigned, w.capacity) for w in s1.weeks] == [
        (0, 0, D(40)),
        (1, 40, D(40)),
        (2, 20, D(40)),
        (3, 0, D(40)),
    ]
    s2 = explanation.specialists[1]
    assert (s2.assigned, s2.capacity, s2.weeks[1].capacity) == (0, D(120), D(0))
    sites = {s.key: s for s in explanation.sites}
    assert list(sites) == ["CAS", "RAB"]
    # CAS: S1 160 + S3 80 + S5 160 = 400 h, 100 assigned.
    assert (sites["CAS"].assigned, sites["CAS"].capacity, sites["CAS"].rate) == (100, D(400), D("0.25"))
    assert [w.assigned for w in sites["CAS"].weeks] == [0, 60, 40, 0]
    assert (sites["RAB"].assigned, sites["RAB"].capacity, sites["RAB"].rate) == (0, D(280), D(0))


def test_no_capacity_at_all_has_no_rate() -> None:
    doc = _two_people_doc()
    doc["specialists"][0]["unavailable"] = {"0": 20}
    explanation = explain(doc, _nothing_planned("not_worth_it"))
    assert explanation.specialists[0].rate is None


def test_numbers_follow_the_active_language() -> None:
    with translation.override("fr"):
        assert fmt(D("4560.5")) == "4\xa0560,50"
        sentence = explain(INSTANCE, RESULT).pairs[0].sentence
    assert "2\xa0280" in sentence
    assert fmt(D(4560)) == "4,560"


def test_inputs_are_not_modified() -> None:
    doc, result = copy.deepcopy(INSTANCE), copy.deepcopy(RESULT)
    explain(doc, result)
    assert (doc, result) == (INSTANCE, RESULT)


def test_a_result_for_another_instance_is_refused() -> None:
    result = copy.deepcopy(RESULT)
    result["assignments"][0]["specialist"] = "S99"
    with pytest.raises(ValueError, match="S99"):
        explain(INSTANCE, result)


def test_explains_what_the_real_solver_plans() -> None:
    solver = pytest.importorskip("servicehub.planning.solver")
    if not hasattr(solver, "solve"):
        pytest.skip("the solver has no solve() yet")
    result = solver.solve(INSTANCE, time_limit=10)
    assert check(INSTANCE, result) == []
    explanation = explain(INSTANCE, result)
    planned = {a["item"] for a in result["assignments"]}
    assert {p.item for p in explanation.pairs} == planned
    assert {u.item for u in explanation.unplanned} == {i["id"] for i in INSTANCE["items"]} - planned
    assert all(p.sentence and u.sentence for p in explanation.pairs for u in explanation.unplanned)
