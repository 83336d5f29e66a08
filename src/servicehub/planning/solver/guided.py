"""Price-guided construction: staff items against capacity prices from a relaxation.

The LP relaxation (or the Lagrangian) prices each specialist-week's capacity: `prices[s, w]` is what
an hour of `s` in week `w` is worth to the other items. A greedy that charges those prices on top of
the real costs leaves contended weeks and scarce specialists to the items that need them most, and
orders items by their priced profit (the LP's own choice first, when it has one). The plan's
objective is always the real one: prices only steer the choices.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import numpy as np

from .greedy import staff_item
from .instance import FloatArray, IntArray, Problem
from .plan import Plan, Work


def _cheapest_fill(free: IntArray, price: FloatArray, need: IntArray) -> tuple[IntArray, IntArray]:
    """Per row: the weeks sorted by price (earliest first among equals) and the hours taken from
    each, cheapest weeks first, until the row's `need` is met (or its capacity runs out)."""
    order = np.argsort(price, axis=1, kind="stable")
    cap = np.take_along_axis(free, order, axis=1)
    before = np.cumsum(cap, axis=1) - cap
    fill = np.clip(need[:, None] - before, 0, cap)
    return order, fill


def staff_priced(
    plan: Plan, item: int, prices: FloatArray, *, require_profit: bool = True
) -> tuple[Work, float] | None:
    """The staffing of `item` cheapest at real cost plus capacity prices, and its priced profit,
    in the capacity the plan leaves; None when nothing fits (or, with `require_profit`, when the
    real profit is not positive)."""
    problem = plan.problem
    cand = problem.cands[item]
    if len(cand.spec) == 0:
        return None
    r, d = int(problem.release[item]), int(problem.due[item])
    free = plan.free[cand.spec, r : d + 1]
    win = free.sum(axis=1)
    value = float(problem.value[item])
    if problem.whole[item]:
        ok = np.flatnonzero(win >= cand.hours)
        if len(ok) == 0:
            return None
        order, fill = _cheapest_fill(free[ok], prices[cand.spec[ok], r : d + 1], cand.hours[ok])
        priced = (fill * np.take_along_axis(prices[cand.spec[ok], r : d + 1], order, axis=1)).sum(axis=1)
        total = cand.fixed[ok] + priced
        n = int(np.argmin(total))
        best = int(ok[n])
        if require_profit and value - float(cand.fixed[best]) <= 1e-9:
            return None
        s = int(cand.spec[best])
        work = [(s, r + int(w), int(h)) for w, h in zip(order[n], fill[n], strict=True) if h > 0]
        return work, value - float(total[n])
    hours = int(problem.item_hours[item])
    max_people = int(problem.max_people[item])
    usable = np.flatnonzero(win > 0)
    if len(usable) == 0:
        return None
    shares = np.minimum(win[usable], hours)
    if int(np.sort(shares)[::-1][:max_people].sum()) < hours:
        return None
    price = prices[cand.spec[usable], r : d + 1]
    order, fill = _cheapest_fill(free[usable], price, shares)
    sorted_price = np.take_along_axis(price, order, axis=1)
    priced = (fill * sorted_price).sum(axis=1)
    rate = cand.per_hour[usable] + (cand.fixed[usable] + priced) / shares
    for ranking in (np.argsort(rate, kind="stable"), np.argsort(-shares, kind="stable")):
        split: Work = []
        left = hours
        cost = 0.0
        extra = 0.0
        for people, k in enumerate(ranking.tolist()):
            if left == 0 or people >= max_people:
                break
            take = min(int(shares[k]), left)
            n = int(usable[k])
            s = int(cand.spec[n])
            row = np.clip(take - (np.cumsum(fill[k]) - fill[k]), 0, fill[k])
            for w, h in zip(order[k].tolist(), row.tolist(), strict=True):
                if h > 0:
                    split.append((s, r + w, int(h)))
            cost += float(cand.fixed[n]) + take * float(cand.per_hour[n])
            extra += float((row * sorted_price[k]).sum())
            left -= take
        if left == 0:
            if require_profit and value - cost <= 1e-9:
                return None
            return split, value - cost - extra
    return None


def priced_order(
    problem: Problem, prices: FloatArray, items: Iterable[int], lead: FloatArray | None
) -> list[int]:
    """Items by the LP's value for them (`lead`, e.g. y_i; higher first), then by priced profit per
    hour in the full capacity."""
    plan = Plan(problem)
    keyed: list[tuple[float, float, int]] = []
    for i in items:
        staffed = staff_priced(plan, i, prices, require_profit=False)
        if staffed is None:
            continue
        work, profit = staffed
        hours = max(1, sum(h for _s, _w, h in work))
        keyed.append((-(0.0 if lead is None else round(float(lead[i]), 3)), -profit / hours, i))
    keyed.sort()
    return [i for _a, _b, i in keyed]


def construct_priced(plan: Plan, order: Iterable[int], prices: FloatArray) -> None:
    for i in order:
        if i not in plan.work:
            staffed = staff_priced(plan, i, prices)
            if staffed is not None:
                plan.add(i, staffed[0])


def ruin_recreate(
    plan: Plan,
    prices: FloatArray,
    lead: FloatArray | None,
    *,
    items_of: list[IntArray],
    deadline: float,
    rng: np.random.Generator,
    stop: threading.Event | None = None,
) -> Plan:
    """Fast local search: unplan every item of a few specialists who share a pivot's skills, then
    re-staff those items and the unplanned ones those specialists could take, in priced order with
    a little noise; keep the result when the real objective rises. Thousands of moves a minute.
    Works on (and returns) a copy of `plan`."""
    plan = plan.copy()
    problem = plan.problem
    staffed = np.array([i for i in range(problem.n_items) if len(problem.cands[i].spec) > 0])
    if len(staffed) == 0:
        return plan
    wanted = staffed if lead is None else staffed[lead[staffed] > 0.5]
    lead_key = np.zeros(problem.n_items) if lead is None else np.round(lead, 1)
    density = np.zeros(problem.n_items)
    for i in staffed.tolist():
        cand = problem.cands[i]
        if problem.whole[i]:
            n = int(np.argmin(cand.fixed))
            density[i] = (problem.value[i] - cand.fixed[n]) / max(1, int(cand.hours[n]))
        else:
            hours = max(1, int(problem.item_hours[i]))
            density[i] = (problem.value[i] - cand.fixed.min()) / hours - cand.per_hour.min()
    priced = bool((prices > 0).any())  # without prices the plain greedy rule is the same, faster
    by_spec: dict[int, set[int]] = {}
    for i, work in plan.work.items():
        for s, _w, _h in work:
            by_spec.setdefault(s, set()).add(i)
    size = 6
    while time.monotonic() < deadline and not (stop is not None and stop.is_set()):
        pool = wanted if len(wanted) and rng.random() < 0.5 else staffed
        pivot = int(pool[rng.integers(len(pool))])
        spec = problem.cands[pivot].spec
        chosen = rng.choice(spec, size=min(size, len(spec)), replace=False).tolist()
        ruined = sorted({i for s in chosen for i in by_spec.get(s, ())})
        # In place, with an undo: copying a plan of thousands of items costs more than a move.
        before = {i: plan.work[i] for i in ruined}
        lost = sum(plan.profit[i] for i in ruined)
        for i in ruined:
            plan.remove(i)
        near = np.unique(np.concatenate([items_of[s] for s in chosen]))
        options = [int(i) for i in near if int(i) not in plan.work and int(i) not in before]
        cap = 3 * len(ruined) + 30  # at scale a specialist could take thousands of items
        if len(options) > cap:
            options = rng.choice(options, size=cap, replace=False).tolist()
        options += ruined
        # One staffing attempt per item, in the order of a static key with a little noise: the
        # relaxation's y_i first, then profit per hour at the cheapest rates.
        noise = 1.0 + 0.3 * (rng.random(len(options)) - 0.5)
        keyed = sorted((-lead_key[i], -float(noise[n]) * float(density[i]), i) for n, i in enumerate(options))
        added: list[int] = []
        for _a, _b, i in keyed:
            if priced:
                staffed_i = staff_priced(plan, i, prices)
                work_i = None if staffed_i is None else staffed_i[0]
            else:
                work_i = staff_item(plan, i)
            if work_i is not None:
                plan.add(i, work_i)
                added.append(i)
        if sum(plan.profit[i] for i in added) > lost + 1e-6:
            for i, work in before.items():
                for s, _w, _h in work:
                    by_spec.get(s, set()).discard(i)
            for i in added:
                for s, _w, _h in plan.work[i]:
                    by_spec.setdefault(s, set()).add(i)
            size = min(40, size + 1)
        else:
            for i in added:
                plan.remove(i)
            for i, work in before.items():
                plan.add(i, work)
            size = max(2, size - 1) if rng.random() < 0.3 else size
    return plan
