"""A staffing plan under construction, its exact objective and the result document."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from .instance import RESULT_FORMAT, IntArray, Problem, capacities, exact

# (specialist index, week, hours) of one item
Work = list[tuple[int, int, int]]


class Plan:
    """Planned items with their weekly hours, and the capacity left per specialist and week."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.free: IntArray = problem.cap.copy()
        self.work: dict[int, Work] = {}
        self.profit: dict[int, float] = {}

    def copy(self) -> Plan:
        other = Plan(self.problem)
        other.free = self.free.copy()
        other.work = dict(self.work)
        other.profit = dict(self.profit)
        return other

    def add(self, item: int, work: Work) -> None:
        assert item not in self.work
        self.work[item] = work
        for s, w, h in work:
            self.free[s, w] -= h
        self.profit[item] = self.item_profit(item, work)

    def remove(self, item: int) -> Work:
        work = self.work.pop(item)
        self.profit.pop(item)
        for s, w, h in work:
            self.free[s, w] += h
        return work

    def item_profit(self, item: int, work: Work) -> float:
        cand = self.problem.cands[item]
        total = float(self.problem.value[item])
        people: dict[int, int] = {}
        for s, _w, h in work:
            people[s] = people.get(s, 0) + h
        whole = bool(self.problem.whole[item])
        # one vectorised lookup per person: items can have thousands of candidates
        for s, h in people.items():
            n = int(np.flatnonzero(cand.spec == s)[0])
            total -= float(cand.fixed[n]) if whole else float(cand.fixed[n]) + h * float(cand.per_hour[n])
        return total

    @property
    def objective(self) -> float:
        return sum(self.profit.values())


def exact_objective(doc: Mapping[str, Any], assignments: list[dict[str, Any]]) -> Decimal:
    """The objective of staffing.md, recomputed from the document and the assignments alone."""
    weights = doc.get("weights", {})
    pair_charge = exact(weights.get("pair_charge", 0))
    bonus = exact(weights.get("site_bonus_per_hour", 0))
    specs = {s["id"]: s for s in doc["specialists"]}
    items = {i["id"]: i for i in doc["items"]}
    listed = {(p["specialist"], p["item"]): p for p in doc.get("pairs", [])}
    hours_of: dict[tuple[str, str], int] = {}
    for a in assignments:
        key = (a["specialist"], a["item"])
        hours_of[key] = hours_of.get(key, 0) + int(a["hours"])
    total = Decimal(0)
    for item_id in {i for _s, i in hours_of}:
        total += exact(items[item_id]["value"])
    for (spec_id, item_id), hours in hours_of.items():
        spec, item = specs[spec_id], items[item_id]
        pair = listed.get((spec_id, item_id))
        total -= exact(pair["cost"]) if pair is not None else exact(spec["cost_per_hour"]) * hours
        total -= pair_charge
        if spec["site"] in item.get("preferred_sites", []):
            total += bonus * hours
    return total


def violations(doc: Mapping[str, Any], assignments: list[dict[str, Any]]) -> list[str]:
    """Every feasibility rule of staffing.md the assignments break (empty when feasible)."""
    problems: list[str] = []
    spec_n = {s["id"]: n for n, s in enumerate(doc["specialists"])}
    items = {i["id"]: i for i in doc["items"]}
    specs = doc["specialists"]
    listed = {(p["specialist"], p["item"]): p for p in doc.get("pairs", [])}
    with_pairs = {p["item"] for p in doc.get("pairs", [])}
    cap = capacities(doc)
    used = np.zeros_like(cap)
    per_item: dict[str, dict[str, int]] = {}
    for a in assignments:
        s, i, w, h = a["specialist"], a["item"], a["week"], a["hours"]
        if s not in spec_n or i not in items:
            problems.append(f"unknown specialist or item in {a}")
            continue
        item = items[i]
        if not isinstance(h, int) or h <= 0:
            problems.append(f"hours not a positive integer in {a}")
        if not item["release"] <= w <= item["due"]:
            problems.append(f"week outside window in {a}")
            continue
        if i in with_pairs:
            if (s, i) not in listed:
                problems.append(f"{s} not listed for {i}")
        else:
            skills = specs[spec_n[s]]["skills"]
            if any(skills.get(k, 0) < lvl for k, lvl in item.get("skills", {}).items()):
                problems.append(f"{s} lacks a skill for {i}")
        used[spec_n[s], w] += h
        people = per_item.setdefault(i, {})
        people[s] = people.get(s, 0) + h
    for s, w in zip(*np.nonzero(used > cap), strict=True):
        problems.append(f"capacity of {specs[s]['id']} in week {w}: {used[s, w]} > {cap[s, w]}")
    for i, people in per_item.items():
        item = items[i]
        if i in with_pairs:
            need = listed[next(iter(people)), i]["hours"] if len(people) == 1 else item["hours"]
        else:
            need = item["hours"]
        if sum(people.values()) != need:
            problems.append(f"{i}: {sum(people.values())} hours planned, {need} needed")
        if item.get("whole", False) and len(people) != 1:
            problems.append(f"{i}: whole but {len(people)} specialists")
        if len(people) > item.get("max_people", len(people)):
            problems.append(f"{i}: {len(people)} specialists > max_people")
    return problems


def as_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def result_document(
    doc: Mapping[str, Any],
    plan: Plan,
    *,
    status: str,
    bound: float | None,
    seconds: float,
    reasons: dict[int, str],
) -> dict[str, Any]:
    problem = plan.problem
    assignments: list[dict[str, Any]] = []
    for item in sorted(plan.work):
        merged: dict[tuple[int, int], int] = {}
        for s, w, h in plan.work[item]:
            merged[s, w] = merged.get((s, w), 0) + h
        for (s, w), h in sorted(merged.items()):
            if h > 0:
                assignments.append(
                    {"specialist": problem.spec_ids[s], "item": problem.item_ids[item], "week": w, "hours": h}
                )
    objective = exact_objective(doc, assignments)
    result: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "status": status,
        "objective": as_number(objective),
        "bound": None if bound is None else max(float(bound), float(objective)),
        "seconds": round(seconds, 3),
        "assignments": assignments,
        "unplanned": [
            {"item": problem.item_ids[i], "reason": reasons[i]}
            for i in range(problem.n_items)
            if i not in plan.work
        ],
    }
    return result
