"""The independent checker catches each kind of broken result, and passes a sound one.

The instance is small enough to verify by hand: two specialists, three items, three weeks.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest

from planning.checker import check, objective

INSTANCE: dict[str, Any] = {
    "format": "servicehub-staffing/1",
    "weeks": 3,
    "weights": {"pair_charge": 100, "site_bonus_per_hour": 2.5},
    "specialists": [
        {
            "id": "S1",
            "site": "RAB",
            "cost_per_hour": 30,
            "hours": 40,
            "unavailable": {"1": 24},
            "skills": {"java": 3},
        },
        {"id": "S2", "site": "CAS", "cost_per_hour": 40.5, "hours": 40, "skills": {"java": 1, "sap": 4}},
    ],
    "items": [
        # Java level 2: only S1 qualifies.
        {
            "id": "J",
            "hours": 50,
            "value": 5000,
            "skills": {"java": 2},
            "release": 0,
            "due": 1,
            "preferred_sites": ["RAB"],
            "max_people": 1,
        },
        # No skills, up to two people.
        {"id": "F", "hours": 30, "value": 3000, "release": 1, "due": 2, "max_people": 2},
        # Listed pairs: S2 does it in 10 h for 150.
        {"id": "P", "hours": 20, "value": 900, "release": 0, "due": 2, "whole": True},
    ],
    "pairs": [{"specialist": "S2", "item": "P", "hours": 10, "cost": 150}],
}

# J by S1 over weeks 0 and 1 (40 + 10 h; week 1 has 16 h), F split S1 6 h + S2 24 h, P by S2.
# Value 5000 + 3000 + 900 = 8900.
# Costs: S1 on J 50 x 30 = 1500; S1 on F 6 x 30 = 180; S2 on F 24 x 40.5 = 972; S2 on P 150.
# Pair charges 4 x 100 = 400. Site bonus: S1 on J (RAB preferred) 50 h x 2.5 = 125.
# 8900 - 1500 - 180 - 972 - 150 - 400 + 125 = 5823.
GOOD: dict[str, Any] = {
    "format": "servicehub-staffing-result/1",
    "status": "feasible",
    "objective": 5823,
    "bound": 6000,
    "seconds": 0.1,
    "assignments": [
        {"specialist": "S1", "item": "J", "week": 0, "hours": 40},
        {"specialist": "S1", "item": "J", "week": 1, "hours": 10},
        {"specialist": "S1", "item": "F", "week": 1, "hours": 6},
        {"specialist": "S2", "item": "F", "week": 2, "hours": 24},
        {"specialist": "S2", "item": "P", "week": 0, "hours": 10},
    ],
    "unplanned": [],
}


def broken(**changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(GOOD)
    result.update(changes)
    return result


def with_assignment(index: int, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(GOOD)
    result["assignments"][index].update(changes)
    return result


def test_a_sound_result_passes() -> None:
    assert check(INSTANCE, GOOD) == []
    assert objective(INSTANCE, GOOD) == Fraction(5823)


def test_an_empty_plan_needs_every_item_unplanned() -> None:
    empty = broken(objective=0, assignments=[], unplanned=[])
    assert len(check(INSTANCE, empty)) == 3
    reasons = [{"item": i, "reason": "not_worth_it"} for i in ("J", "F", "P")]
    assert check(INSTANCE, broken(objective=0, assignments=[], unplanned=reasons)) == []


@pytest.mark.parametrize(
    ("index", "change", "expected"),
    [
        (0, {"specialist": "S9"}, "unknown specialist"),
        (0, {"item": "X"}, "unknown item"),
        (3, {"week": 0}, "week outside"),  # F is released in week 1
        (3, {"week": 3}, "week outside"),
        (4, {"hours": 0}, "not a positive integer"),
        (4, {"hours": 10.0}, "not a positive integer"),
        (4, {"hours": True}, "not a positive integer"),
    ],
)
def test_rule_1_names_weeks_and_hours(index: int, change: dict[str, Any], expected: str) -> None:
    problems = check(INSTANCE, with_assignment(index, **change))
    assert any(expected in p for p in problems), problems


def test_rule_2_skill_levels() -> None:
    # S2 has java 1; J needs java 2. Move all of J to S2 (capacity allows 40 h + 10 h).
    result = with_assignment(0, specialist="S2")
    result["assignments"][1]["specialist"] = "S2"
    result["assignments"][1]["week"] = 1
    problems = check(INSTANCE, result)
    assert any("S2 lacks a skill level J requires" in p for p in problems), problems


def test_rule_2_listed_pairs() -> None:
    problems = check(INSTANCE, with_assignment(4, specialist="S1", week=2))
    assert any("S1 works on P but is not listed" in p for p in problems), problems


def test_rule_3_capacity_with_unavailability() -> None:
    # Week 1 of S1 has 40 - 24 = 16 h; 10 on J + 6 on F is exactly full. One more hour breaks it.
    result = with_assignment(1, hours=11)
    result["assignments"][0]["hours"] = 39
    problems = check(INSTANCE, result)
    assert problems == ["S1 works 17 h in week 1, capacity 16"]


def test_rule_4_partly_staffed() -> None:
    problems = check(INSTANCE, with_assignment(3, hours=20))
    assert any("F is partly staffed: 26 h of 30 h" in p for p in problems), problems


def test_rule_4_pair_hours_replace_item_hours() -> None:
    # P's own hours (20) mean nothing when its pair lists 10 h.
    problems = check(INSTANCE, with_assignment(4, hours=20))
    assert any("P has 20 h, its pair lists 10 h" in p for p in problems), problems


def test_rule_5_max_people_and_whole() -> None:
    # J allows one person: give one of its hours to S2 (who also lacks the skill: both problems show).
    result = copy.deepcopy(GOOD)
    result["assignments"][0]["hours"] = 39
    result["assignments"].append({"specialist": "S2", "item": "J", "week": 0, "hours": 1})
    problems = check(INSTANCE, result)
    assert any("J has 2 specialists, max_people 1" in p for p in problems), problems

    whole = copy.deepcopy(INSTANCE)
    whole["items"][1]["whole"] = True
    problems = check(whole, GOOD)
    assert any("F is whole but has 2 specialists" in p for p in problems), problems


def test_objective_is_recomputed_exactly() -> None:
    assert any("differs" in p for p in check(INSTANCE, broken(objective=5822)))
    assert check(INSTANCE, broken(objective=5823.000001)) == []  # within 1e-6 relative
    # A decimal cost read as a double: 40.5 is exact, and so is the sum.
    decimal = copy.deepcopy(INSTANCE)
    decimal["specialists"][1]["cost_per_hour"] = 40.1
    assert objective(decimal, GOOD) == Fraction(5823) + Fraction(24 * 4, 10)


def test_bound_must_not_be_below_the_objective() -> None:
    assert any("bound" in p for p in check(INSTANCE, broken(bound=5000)))
    assert check(INSTANCE, broken(bound=None)) == []
    assert check(INSTANCE, broken(bound=5823)) == []


def test_unplanned_items() -> None:
    # Drop F: its hours come off, its value and costs too: 5823 - 3000 + 180 + 972 + 200 = 4175.
    without_f = [a for a in GOOD["assignments"] if a["item"] != "F"]
    missing = broken(assignments=without_f, objective=4175)
    assert check(INSTANCE, missing) == ["F has no assignments and is missing from unplanned"]

    listed = broken(assignments=without_f, objective=4175, unplanned=[{"item": "F", "reason": "time_limit"}])
    assert check(INSTANCE, listed) == []

    twice = copy.deepcopy(listed)
    twice["unplanned"].append({"item": "F", "reason": "not_worth_it"})
    assert check(INSTANCE, twice) == ["unplanned lists F more than once"]

    planned = broken(unplanned=[{"item": "J", "reason": "not_worth_it"}])
    assert check(INSTANCE, planned) == ["J is listed as unplanned but has assignments"]

    unknown_reason = copy.deepcopy(listed)
    unknown_reason["unplanned"][0]["reason"] = "too_hard"
    assert check(INSTANCE, unknown_reason) == ["F is unplanned for an unknown reason 'too_hard'"]

    false_reason = copy.deepcopy(listed)
    false_reason["unplanned"][0]["reason"] = "no_eligible_specialist"
    assert check(INSTANCE, false_reason) == [
        "F is unplanned for no_eligible_specialist, but someone is eligible"
    ]


def test_status_and_format() -> None:
    assert check(INSTANCE, broken(status="error", message="boom")) == ["status is 'error': boom"]
    assert any("format" in p for p in check(INSTANCE, broken(format="other/1")))
    assert any("not a number" in p for p in check(INSTANCE, broken(objective=None)))
