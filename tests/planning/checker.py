"""An independent verifier of staffing results (format in `../shared/schemas/staffing.md`).

It shares no code with `servicehub.planning` on purpose: a bug in the solver's own reading of the
format must not hide here too. It checks the five feasibility rules, recomputes the objective with
exact fractions, and checks the bound and the list of unplanned items. `check(instance, result)`
returns the problems found, as sentences; an empty list means the result is sound.

Used by the tests in this folder and by `bench/staffing.py` (which adds this folder to its path).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

RESULT_FORMAT = "servicehub-staffing-result/1"
REASONS = frozenset({"no_eligible_specialist", "no_capacity_in_window", "not_worth_it", "time_limit"})
RELATIVE_TOLERANCE = Fraction(1, 10**6)


def exact(number: Any) -> Fraction:
    """A JSON number as an exact fraction: 0.1 read from JSON means one tenth, not the nearest double."""
    if isinstance(number, bool) or not isinstance(number, int | float | Fraction):
        raise TypeError(f"not a number: {number!r}")
    if isinstance(number, float):
        return Fraction(repr(number))
    return Fraction(number)


def is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def close(a: Fraction, b: Fraction) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(Fraction(1), abs(a), abs(b))


def capacity(specialist: dict[str, Any], week: int) -> Fraction:
    taken = specialist.get("unavailable", {}).get(str(week), 0)
    return max(Fraction(0), exact(specialist["hours"]) - exact(taken))


def skills_match(specialist: dict[str, Any], item: dict[str, Any]) -> bool:
    levels = specialist.get("skills", {})
    return all(levels.get(skill, 0) >= level for skill, level in item.get("skills", {}).items())


def check(instance: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Every way `result` breaks the contract for `instance`; empty when it keeps it."""
    problems: list[str] = []
    if result.get("format") != RESULT_FORMAT:
        problems.append(f"format is {result.get('format')!r}, not {RESULT_FORMAT!r}")
    status = result.get("status")
    if status not in ("optimal", "feasible"):
        # An error or an "infeasible" verdict is never a plan to check; the instances we check are valid.
        problems.append(f"status is {status!r}: {result.get('message', '')}")
        return problems

    specialists = {s["id"]: s for s in instance["specialists"]}
    items = {i["id"]: i for i in instance["items"]}
    weights = instance.get("weights", {})
    pair_charge = exact(weights.get("pair_charge", 0))
    site_bonus = exact(weights.get("site_bonus_per_hour", 0))
    pairs: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # item -> specialist -> pair
    for pair in instance.get("pairs", []):
        pairs[pair["item"]][pair["specialist"]] = pair

    # Rule 1, then the sums the other rules need.
    hours_by_item: dict[str, int] = defaultdict(int)
    hours_by_pair: dict[tuple[str, str], int] = defaultdict(int)
    hours_by_week: dict[tuple[str, int], int] = defaultdict(int)
    for n, a in enumerate(result.get("assignments", [])):
        where = f"assignment {n} ({a.get('specialist')}, {a.get('item')}, week {a.get('week')})"
        s_id, i_id, week, hours = a.get("specialist"), a.get("item"), a.get("week"), a.get("hours")
        if s_id not in specialists:
            problems.append(f"{where}: unknown specialist")
            continue
        if i_id not in items:
            problems.append(f"{where}: unknown item")
            continue
        item = items[i_id]
        if not isinstance(week, int) or isinstance(week, bool) or not item["release"] <= week <= item["due"]:
            problems.append(f"{where}: week outside [{item['release']}, {item['due']}]")
            continue
        if not is_positive_int(hours):
            problems.append(f"{where}: hours {hours!r} is not a positive integer")
            continue
        hours_by_item[i_id] += hours
        hours_by_pair[(s_id, i_id)] += hours
        hours_by_week[(s_id, week)] += hours

    # Rule 2: eligibility, once per used pair.
    people: dict[str, set[str]] = defaultdict(set)
    for s_id, i_id in hours_by_pair:
        people[i_id].add(s_id)
        if pairs.get(i_id):
            if s_id not in pairs[i_id]:
                problems.append(f"{s_id} works on {i_id} but is not listed in its pairs")
        elif not skills_match(specialists[s_id], items[i_id]):
            problems.append(f"{s_id} lacks a skill level {i_id} requires")

    # Rule 3: weekly capacity.
    for (s_id, week), hours in sorted(hours_by_week.items()):
        cap = capacity(specialists[s_id], week)
        if hours > cap:
            problems.append(f"{s_id} works {hours} h in week {week}, capacity {cap}")

    # Rules 4 and 5: all or nothing, and how many people.
    for i_id, who in sorted(people.items()):
        item = items[i_id]
        listed = pairs.get(i_id)
        whole = bool(item.get("whole", False)) or bool(listed)
        if whole and len(who) != 1:
            problems.append(f"{i_id} is whole but has {len(who)} specialists")
        elif len(who) > item.get("max_people", len(who)):
            problems.append(f"{i_id} has {len(who)} specialists, max_people {item['max_people']}")
        if listed:
            expected = {listed[s]["hours"] for s in who if s in listed}
            if len(who) == 1 and expected and hours_by_item[i_id] not in expected:
                problems.append(f"{i_id} has {hours_by_item[i_id]} h, its pair lists {expected.pop()} h")
        elif hours_by_item[i_id] != item["hours"]:
            problems.append(f"{i_id} is partly staffed: {hours_by_item[i_id]} h of {item['hours']} h")

    # The unplanned list: every item without assignments, once, with a known reason.
    planned = set(people)
    seen: set[str] = set()
    for entry in result.get("unplanned", []):
        i_id, reason = entry.get("item"), entry.get("reason")
        if i_id not in items:
            problems.append(f"unplanned lists unknown item {i_id!r}")
            continue
        if i_id in seen:
            problems.append(f"unplanned lists {i_id} more than once")
        seen.add(i_id)
        if i_id in planned:
            problems.append(f"{i_id} is listed as unplanned but has assignments")
        if reason not in REASONS:
            problems.append(f"{i_id} is unplanned for an unknown reason {reason!r}")
        elif reason == "no_eligible_specialist" and any(
            _eligible(s, items[i_id], pairs.get(i_id, {})) for s in specialists.values()
        ):
            problems.append(f"{i_id} is unplanned for no_eligible_specialist, but someone is eligible")
    for i_id in items:
        if i_id not in planned and i_id not in seen:
            problems.append(f"{i_id} has no assignments and is missing from unplanned")

    # The objective, recomputed exactly, and the bound.
    objective = objective_of(instance, hours_by_pair, pairs, pair_charge, site_bonus)
    claimed = result.get("objective")
    if not isinstance(claimed, int | float) or isinstance(claimed, bool):
        problems.append(f"objective {claimed!r} is not a number")
        return problems
    if not close(exact(claimed), objective):
        problems.append(f"objective {claimed} differs from the recomputed {float(objective)}")
    bound = result.get("bound")
    if bound is not None:
        if not isinstance(bound, int | float) or isinstance(bound, bool):
            problems.append(f"bound {bound!r} is neither a number nor null")
        elif exact(bound) < objective and not close(exact(bound), objective):
            problems.append(f"bound {bound} is below the objective {float(objective)}")
    return problems


def _eligible(specialist: dict[str, Any], item: dict[str, Any], listed: dict[str, Any]) -> bool:
    if listed:
        return specialist["id"] in listed
    return skills_match(specialist, item)


def objective_of(
    instance: dict[str, Any],
    hours_by_pair: dict[tuple[str, str], int],
    pairs: dict[str, dict[str, dict[str, Any]]],
    pair_charge: Fraction,
    site_bonus: Fraction,
) -> Fraction:
    specialists = {s["id"]: s for s in instance["specialists"]}
    items = {i["id"]: i for i in instance["items"]}
    total = sum((exact(items[i]["value"]) for i in {i for _, i in hours_by_pair}), Fraction(0))
    for (s_id, i_id), hours in hours_by_pair.items():
        specialist, item = specialists[s_id], items[i_id]
        pair = pairs.get(i_id, {}).get(s_id)
        total -= exact(pair["cost"]) if pair else exact(specialist["cost_per_hour"]) * hours
        total -= pair_charge
        if specialist["site"] in item.get("preferred_sites", []):
            total += site_bonus * hours
    return total


def objective(instance: dict[str, Any], result: dict[str, Any]) -> Fraction:
    """The exact objective of the result's assignments (assumed to pass rule 1)."""
    hours_by_pair: dict[tuple[str, str], int] = defaultdict(int)
    for a in result["assignments"]:
        hours_by_pair[(a["specialist"], a["item"])] += a["hours"]
    pairs: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for pair in instance.get("pairs", []):
        pairs[pair["item"]][pair["specialist"]] = pair
    weights = instance.get("weights", {})
    return objective_of(
        instance,
        hours_by_pair,
        pairs,
        exact(weights.get("pair_charge", 0)),
        exact(weights.get("site_bonus_per_hour", 0)),
    )
