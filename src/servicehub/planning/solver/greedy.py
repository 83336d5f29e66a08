"""Greedy construction: items by value density, cheapest eligible specialists, earliest weeks."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .instance import FloatArray, IntArray, Problem
from .plan import Plan, Work


def _fill(free_row: IntArray, start: int, hours: int, s: int) -> Work:
    """Hours of one specialist in the earliest weeks from `start` (the caller checked they fit)."""
    work: Work = []
    left = hours
    for offset, avail in enumerate(free_row):
        if left == 0:
            break
        take = min(int(avail), left)
        if take > 0:
            work.append((s, start + offset, take))
            left -= take
    return work


def staff_item(plan: Plan, item: int, *, require_profit: bool = True) -> Work | None:
    """The cheapest staffing of `item` in the capacity left, or None if none fits (or none pays)."""
    problem = plan.problem
    cand = problem.cands[item]
    if len(cand.spec) == 0:
        return None
    r, d = int(problem.release[item]), int(problem.due[item])
    window = plan.free[cand.spec, r : d + 1]
    win = window.sum(axis=1)
    value = float(problem.value[item])
    if problem.whole[item]:
        ok = np.flatnonzero(win >= cand.hours)
        if len(ok) == 0:
            return None
        best = int(ok[np.argmin(cand.fixed[ok])])
        if require_profit and value - float(cand.fixed[best]) <= 1e-9:
            return None
        return _fill(window[best], r, int(cand.hours[best]), int(cand.spec[best]))
    hours = int(problem.item_hours[item])
    max_people = int(problem.max_people[item])
    usable = np.flatnonzero(win > 0)
    if len(usable) == 0 or int(np.sort(np.minimum(win[usable], hours))[::-1][:max_people].sum()) < hours:
        return None
    share = np.minimum(win[usable], hours).astype(np.float64)
    rate: FloatArray = cand.per_hour[usable] + cand.fixed[usable] / share
    orders = [usable[np.argsort(rate, kind="stable")], usable[np.argsort(-win[usable], kind="stable")]]
    for order in orders:
        work: Work = []
        left = hours
        cost = 0.0
        for people, n in enumerate(order):
            if left == 0 or people >= max_people:
                break
            take = min(int(win[n]), left)
            work += _fill(window[n], r, take, int(cand.spec[n]))
            cost += float(cand.fixed[n]) + take * float(cand.per_hour[n])
            left -= take
        if left == 0:
            if require_profit and value - cost <= 1e-9:
                return None
            return work
    return None


def density_order(problem: Problem, items: Iterable[int]) -> list[int]:
    """Items by estimated profit per hour of capacity they take, best first."""
    keyed: list[tuple[float, int]] = []
    for i in items:
        cand = problem.cands[i]
        if len(cand.spec) == 0:
            continue
        if problem.whole[i]:
            n = int(np.argmin(cand.fixed))
            profit, hours = float(problem.value[i] - cand.fixed[n]), float(cand.hours[n])
        else:
            hours = float(problem.item_hours[i])
            profit = float(problem.value[i]) - hours * float(cand.per_hour.min()) - float(cand.fixed.min())
        keyed.append((-profit / max(hours, 1.0), i))
    keyed.sort()
    return [i for _k, i in keyed]


def construct(plan: Plan, order: Iterable[int]) -> None:
    for i in order:
        if i not in plan.work:
            work = staff_item(plan, i)
            if work is not None:
                plan.add(i, work)


def greedy_plan(problem: Problem) -> Plan:
    plan = Plan(problem)
    construct(plan, density_order(problem, range(problem.n_items)))
    return plan


def unplanned_reasons(plan: Plan) -> dict[int, str]:
    """Why each item without work stays unplanned, judged against the capacity the plan leaves."""
    problem = plan.problem
    reasons: dict[int, str] = {}
    for i in range(problem.n_items):
        if i in plan.work:
            continue
        if i in problem.static_reason:
            reasons[i] = problem.static_reason[i]
        elif staff_item(plan, i, require_profit=False) is None:
            reasons[i] = "no_capacity_in_window"
        else:
            reasons[i] = "not_worth_it"
    return reasons
