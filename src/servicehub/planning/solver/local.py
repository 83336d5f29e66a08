"""Shift and swap local search for assignment-form instances (every item whole, in a one-week window).

This is the generalized assignment problem's form (the OR-Library GAPs): an item goes to one
specialist in its single week, working that pair's hours at that pair's cost. HiGHS's incumbents on
the harder GAPs stop a percent or so above the optimum when the time runs out; shift moves (one item
to another specialist) and swap moves (two items exchange specialists) with random kicks between
descents recover much of that in a second or two.
"""

from __future__ import annotations

import random
import threading
import time

from .instance import Problem
from .plan import Plan


def assignment_form(problem: Problem) -> bool:
    """Every item that has candidates is whole and has a one-week window."""
    for i, cand in enumerate(problem.cands):
        if len(cand.spec) == 0:
            continue
        if not problem.whole[i] or int(problem.release[i]) != int(problem.due[i]):
            return False
    return True


def shift_swap(plan: Plan, *, deadline: float, seed: int = 0, stop: threading.Event | None = None) -> Plan:
    """The best plan found by descents over shift and swap moves, with random kicks between them."""
    problem = plan.problem
    rng = random.Random(seed)
    n = problem.n_items
    week = [int(w) for w in problem.release]
    # per item: specialist -> (hours, profit)
    options: list[dict[int, tuple[int, float]]] = []
    for i, cand in enumerate(problem.cands):
        value = float(problem.value[i])
        options.append(
            {
                int(s): (int(h), value - float(f))
                for s, h, f in zip(cand.spec.tolist(), cand.hours.tolist(), cand.fixed.tolist(), strict=True)
            }
        )
    free = plan.free.copy()
    at: list[int] = [-1] * n
    for i, work in plan.work.items():
        at[i] = work[0][0]
    items = [i for i in range(n) if options[i]]

    def profit_of(i: int, s: int) -> float:
        return 0.0 if s < 0 else options[i][s][1]

    def hours_of(i: int, s: int) -> int:
        return 0 if s < 0 else options[i][s][0]

    def descend() -> None:
        improved = True
        while improved and time.monotonic() < deadline:
            improved = False
            # shift (also insert an unplanned item, or drop one that loses money)
            for i in items:
                s0 = at[i]
                w = week[i]
                p0 = profit_of(i, s0)
                best, best_gain = s0, 1e-9
                if s0 >= 0 and -p0 > best_gain:
                    best, best_gain = -1, -p0
                for s, (h, p) in options[i].items():
                    if s != s0 and p - p0 > best_gain and free[s, w] >= h:
                        best, best_gain = s, p - p0
                if best != s0:
                    if s0 >= 0:
                        free[s0, w] += hours_of(i, s0)
                    if best >= 0:
                        free[best, w] -= hours_of(i, best)
                    at[i] = best
                    improved = True
            if time.monotonic() >= deadline:
                return
            # swap
            for a_pos, i in enumerate(items):
                si = at[i]
                if si < 0:
                    continue
                wi = week[i]
                for j in items[a_pos + 1 :]:
                    sj = at[j]
                    if sj < 0 or sj == si or week[j] != wi:
                        continue
                    oi, oj = options[i].get(sj), options[j].get(si)
                    if oi is None or oj is None:
                        continue
                    gain = oi[1] + oj[1] - profit_of(i, si) - profit_of(j, sj)
                    if gain <= 1e-9:
                        continue
                    hi, hj = hours_of(i, si), hours_of(j, sj)
                    if free[sj, wi] + hj - oi[0] < 0 or free[si, wi] + hi - oj[0] < 0:
                        continue
                    free[si, wi] += hi - oj[0]
                    free[sj, wi] += hj - oi[0]
                    at[i], at[j] = sj, si
                    si = sj
                    improved = True

    def total() -> float:
        return sum(profit_of(i, at[i]) for i in items)

    def move(i: int, s: int) -> None:
        w = week[i]
        if at[i] >= 0:
            free[at[i], w] += hours_of(i, at[i])
        if s >= 0:
            free[s, w] -= hours_of(i, s)
        at[i] = s

    def kick(i: int) -> None:
        """Force item i onto another specialist, then shift items off that one until it fits."""
        s0 = at[i]
        others = [s for s in options[i] if s != s0]
        if not others:
            return
        s = rng.choice(others)
        w = week[i]
        move(i, s)
        while free[s, w] < 0:
            on = [j for j in items if at[j] == s and j != i and week[j] == w]
            best_j, best_t, best_p = -1, -1, -float("inf")
            for j in on:
                for t, (h, p) in options[j].items():
                    if t != s and free[t, w] >= h and p - profit_of(j, s) > best_p:
                        best_j, best_t, best_p = j, t, p - profit_of(j, s)
            if best_j < 0:
                move(i, s0 if s0 < 0 or free[s0, w] >= hours_of(i, s0) else -1)
                return
            move(best_j, best_t)

    descend()
    best_at, best_value = list(at), total()
    while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        # kick the best plan: force a few items onto other specialists
        at[:] = best_at
        free[:] = problem.cap
        for i in items:
            if at[i] >= 0:
                free[at[i], week[i]] -= hours_of(i, at[i])
        for i in rng.sample(items, min(len(items), rng.randint(1, 3))):
            kick(i)
        descend()
        value = total()
        if value >= best_value - 1e-9:  # equal plans too: the search walks across plateaus
            best_at, best_value = list(at), value
    if best_value <= plan.objective + 1e-9:
        return plan
    result = Plan(problem)
    for i in items:
        s = best_at[i]
        if s >= 0:
            result.add(i, [(s, week[i], hours_of(i, s))])
    if (result.free < 0).any() or result.objective <= plan.objective:
        return plan
    return result
