"""A proven upper bound for instances too large for the LP: Lagrangian relaxation of capacity.

Pricing each specialist-week's capacity at lambda >= 0 splits the problem into one small problem per
item: L(lambda) = sum lambda*cap + sum_i max(0, value_i - cheapest staffing of i at those prices).
Every lambda >= 0 gives a valid bound provided each item's problem is solved exactly or relaxed, so
whole items are priced exactly (best single specialist, cheapest weeks of the window) and other
items by their single-item LP (max_people dropped, pair charge spread over the hours). Subgradient
steps then lower the bound; the best value seen is kept.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from .instance import FloatArray, IntArray, Problem


@dataclass
class _Whole:
    release: int
    length: int  # weeks in the window
    spec: IntArray  # per pair, pairs grouped by item
    item: IntArray
    hours: FloatArray
    fixed: FloatArray
    starts: IntArray  # first pair of each item


@dataclass
class _Split:
    item: IntArray  # per slot (specialist, week), slots grouped by item
    spec: IntArray
    week: IntArray
    cap: FloatArray
    base: FloatArray
    items: IntArray  # distinct items of the group


def _groups(problem: Problem) -> tuple[list[_Whole], list[_Split]]:
    wholes: dict[tuple[int, int], list[int]] = {}
    splits: dict[tuple[int, int], list[int]] = {}
    for i, cand in enumerate(problem.cands):
        if len(cand.spec) == 0:
            continue
        key = (int(problem.release[i]), int(problem.due[i]))
        (wholes if problem.whole[i] else splits).setdefault(key, []).append(i)
    whole_groups = []
    for (r, d), items in wholes.items():
        cands = [problem.cands[i] for i in items]
        sizes = np.array([len(c.spec) for c in cands])
        whole_groups.append(
            _Whole(
                release=r,
                length=d - r + 1,
                spec=np.concatenate([c.spec for c in cands]),
                item=np.repeat(np.array(items), sizes),
                hours=np.concatenate([c.hours for c in cands]).astype(np.float64),
                fixed=np.concatenate([c.fixed for c in cands]),
                starts=np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64),
            )
        )
    split_groups = []
    for (r, d), items in splits.items():
        parts_item, parts_spec, parts_week, parts_cap, parts_base = [], [], [], [], []
        for i in items:
            cand = problem.cands[i]
            window = problem.cap[cand.spec, r : d + 1]
            hours = int(problem.item_hours[i])
            share = np.minimum(window.sum(axis=1), hours).astype(np.float64)
            rows, cols = np.nonzero(window > 0)
            parts_item.append(np.full(len(rows), i))
            parts_spec.append(cand.spec[rows])
            parts_week.append(cols + r)
            parts_cap.append(window[rows, cols].astype(np.float64))
            parts_base.append(cand.per_hour[rows] + cand.fixed[rows] / np.maximum(share[rows], 1.0))
        split_groups.append(
            _Split(
                item=np.concatenate(parts_item),
                spec=np.concatenate(parts_spec),
                week=np.concatenate(parts_week),
                cap=np.concatenate(parts_cap),
                base=np.concatenate(parts_base),
                items=np.array(items),
            )
        )
    return whole_groups, split_groups


def lagrangian_bound(
    problem: Problem,
    *,
    lower: float,
    seconds: float,
    iterations: int = 400,
    stop: threading.Event | None = None,
) -> tuple[float, FloatArray]:
    """The lowest L(lambda) found within `seconds` (never below the true optimum), and its lambda
    (S x W capacity prices, to guide a construction)."""
    stop_at = time.monotonic() + seconds
    weeks = problem.weeks
    cap = problem.cap.astype(np.float64)
    flat_cap = cap.reshape(-1)
    value = problem.value
    whole_groups, split_groups = _groups(problem)
    prices = np.zeros_like(cap)
    best_prices = prices
    best = np.inf
    theta = 2.0
    since = 0
    for _ in range(iterations):
        usage = np.zeros(cap.size)
        total = float((prices * cap).sum())
        for g in whole_groups:
            window = slice(g.release, g.release + g.length)
            p = prices[g.spec, window]
            c = cap[g.spec, window]
            order = np.argsort(p, axis=1, kind="stable")
            ps = np.take_along_axis(p, order, axis=1)
            cs = np.take_along_axis(c, order, axis=1)
            before = np.cumsum(cs, axis=1) - cs
            fill = np.clip(g.hours[:, None] - before, 0.0, cs)
            cost = g.fixed + (fill * ps).sum(axis=1)
            pick = np.lexsort((cost, g.item))[g.starts]
            profit = value[g.item[pick]] - cost[pick]
            total += float(np.maximum(profit, 0.0).sum())
            used = pick[profit > 0]
            if len(used):
                weeks_used = order[used] + g.release
                keys = g.spec[used][:, None] * weeks + weeks_used
                usage += np.bincount(keys.reshape(-1), weights=fill[used].reshape(-1), minlength=cap.size)
        for s in split_groups:
            price = s.base + prices[s.spec, s.week]
            order = np.lexsort((price, s.item))
            item_sorted = s.item[order]
            cap_sorted = s.cap[order]
            cum = np.cumsum(cap_sorted)
            first = np.searchsorted(item_sorted, item_sorted, side="left")
            before = cum - cap_sorted - (cum[first] - cap_sorted[first])
            need = problem.item_hours[item_sorted].astype(np.float64)
            fill = np.clip(need - before, 0.0, cap_sorted)
            cost = np.bincount(item_sorted, weights=fill * price[order], minlength=problem.n_items)[s.items]
            profit = value[s.items] - cost
            total += float(np.maximum(profit, 0.0).sum())
            gains = np.zeros(problem.n_items, dtype=np.bool_)
            gains[s.items[profit > 0]] = True
            take = gains[item_sorted]
            keys = s.spec[order][take] * weeks + s.week[order][take]
            usage += np.bincount(keys, weights=fill[take], minlength=cap.size)
        if best == np.inf or total < best - 1e-9 * max(1.0, abs(best)):
            best = total
            best_prices = prices
            since = 0
        else:
            since += 1
            if since >= 8:
                theta /= 2.0
                since = 0
        if time.monotonic() > stop_at or theta < 1e-4 or (stop is not None and stop.is_set()):
            break
        gradient = flat_cap - usage
        # Only directions that can lower L: a zero price with spare capacity stays at zero.
        gradient[(prices.reshape(-1) <= 0) & (gradient > 0)] = 0.0
        norm = float((gradient * gradient).sum())
        if norm <= 0:
            break  # prices are optimal for the relaxation
        step = theta * max(total - lower, 1e-6 * max(1.0, abs(total))) / norm
        prices = np.maximum(0.0, prices - step * gradient.reshape(cap.shape))
    return float(best), best_prices
