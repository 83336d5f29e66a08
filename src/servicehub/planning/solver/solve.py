"""`solve` and `greedy`: the public entry points.

Small instances (up to `MIP_COLUMNS` hour columns, e.g. the OR-Library GAPs) are one MIP (bound:
HiGHS's dual bound); in assignment form (every item whole in a one-week window, as the GAPs) shift
and swap moves (`local.py`) then polish its incumbent in the time kept for the result. Larger ones:

1. bound and guidance: the LP relaxation on blocks of weeks (`relax.py`; weekly when it is small
   enough, coarser blocks otherwise, still a proven bound). Its capacity prices and y_i steer a
   price-guided construction (`guided.py`), kept when it beats the greedy. Above `LP_PAIRS` eligible
   pairs (5,000 x 20,000) the Lagrangian bound replaces the LP.
2. search: ruin-and-recreate moves (`guided.ruin_recreate`, fast and most of the time), then
   fix-and-optimise sub-MIPs over a few specialists sharing a pivot item's skills, the rest fixed.
3. with `threads >= 2` a second thread tightens the bound while the search runs (HiGHS releases
   the GIL while it solves): a finer block LP, or the whole MIP's dual bound when it is small.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .greedy import construct, density_order, greedy_plan, unplanned_reasons
from .guided import construct_priced, priced_order, ruin_recreate
from .instance import FloatArray, Problem, load, validate
from .lagrange import lagrangian_bound
from .local import assignment_form, shift_swap
from .model import Model
from .plan import Plan, Work, result_document
from .relax import Relaxation, block_relaxation

# Above this many hour columns (pair x week) one MIP over everything stalls; below it, it proves.
MIP_COLUMNS = 20_000
# Above this many eligible pairs even the one-block LP (a column per pair) is too large; the
# Lagrangian bound replaces it.
LP_PAIRS = 2_000_000
# Up to this many hour columns the whole MIP's dual bound, on a second core, beats the weekly LP.
MIP_BOUND_COLUMNS = 200_000
# Capacity prices steer the greedy choices at this fraction of their LP value: at full value they
# over-protect contended weeks (measured on the generator's instances).
GUIDE_SCALE = 0.5
# Share of the search time given to ruin-and-recreate moves before the sub-MIPs (all of it when
# there is no LP, i.e. above LP_PAIRS).
RUIN_SHARE = 0.7
# Block LP columns solved per second of limit, roughly (560 x 2000: 250k columns in about 5 s).
LP_COLUMNS_PER_SECOND = 50_000

Progress = Callable[[float], None] | None
Stop = threading.Event | None


class Cancelled(Exception):
    """The caller set the stop event: the solve gave up, with no result."""


def _report(progress: Progress, fraction: float, stop: Stop = None) -> None:
    """Pass the fraction done to the caller; give up here if the caller asked to stop."""
    if stop is not None and stop.is_set():
        raise Cancelled
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)))


def _hour_columns(problem: Problem) -> int:
    total = 0
    span = problem.due - problem.release + 1
    for i, cand in enumerate(problem.cands):
        total += len(cand.spec) * int(span[i])
    return total


def trivial_bound(problem: Problem) -> float:
    """Each item alone at its cheapest conceivable staffing: a weak but always proven bound."""
    total = 0.0
    for i, cand in enumerate(problem.cands):
        if len(cand.spec) == 0:
            continue
        if problem.whole[i]:
            total += max(0.0, float(problem.value[i] - cand.fixed.min()))
        else:
            hours = float(problem.item_hours[i])
            total += max(
                0.0, float(problem.value[i]) - hours * float(cand.per_hour.min()) - float(cand.fixed.min())
            )
    return total


def _needed(problem: Problem, item: int, work: Work) -> bool:
    """The rounded work of one item keeps all-or-nothing, whole and max_people."""
    people: dict[int, int] = {}
    for s, _w, h in work:
        people[s] = people.get(s, 0) + h
    if not people:
        return False
    cand = problem.cands[item]
    if problem.whole[item]:
        if len(people) != 1:
            return False
        ((s, h),) = people.items()
        hit = np.flatnonzero(cand.spec == s)
        return len(hit) == 1 and int(cand.hours[hit[0]]) == h
    return sum(people.values()) == int(problem.item_hours[item]) and len(people) <= int(
        problem.max_people[item]
    )


def _apply(plan: Plan, work: dict[int, Work]) -> None:
    """Add solver work item by item, skipping any whose rounding broke a rule or the capacity."""
    for i, items_work in work.items():
        if not _needed(plan.problem, i, items_work):
            continue
        plan.add(i, items_work)
        if (plan.free < 0).any():
            plan.remove(i)


def _fill_up(plan: Plan) -> None:
    """Add any unplanned item that still fits, profitably, in the capacity left."""
    problem = plan.problem
    construct(plan, density_order(problem, (i for i in range(problem.n_items) if i not in plan.work)))


def _finish(
    doc: Mapping[str, Any],
    plan: Plan,
    *,
    bound: float | None,
    started: float,
    progress: Progress,
    wanted: FloatArray | None = None,
) -> dict[str, Any]:
    """The result document; `wanted` (the relaxation's y_i) marks `time_limit` the items it plans
    that the plan leaves out, unless the plan is proved optimal."""
    _fill_up(plan)
    reasons = unplanned_reasons(plan)
    result = result_document(doc, plan, status="feasible", bound=bound, seconds=0.0, reasons=reasons)
    # "optimal" only on a proof as tight as HiGHS's own MIP gap: a looser relative tolerance
    # claimed optimality for OR-Library plans costing more than the optimum, whose objective
    # (n V - cost) is large next to the cost gap.
    if (
        bound is not None
        and result["bound"] - result["objective"] <= 1e-9 * max(1.0, abs(result["objective"])) + 1e-6
    ):
        result["status"] = "optimal"
    elif wanted is not None:
        ids = {str(item_id): i for i, item_id in enumerate(plan.problem.item_ids)}
        for entry in result["unplanned"]:
            if entry["reason"] != "no_eligible_specialist" and wanted[ids[entry["item"]]] >= 0.5:
                entry["reason"] = "time_limit"
    result["seconds"] = round(time.monotonic() - started, 3)
    _report(progress, 1.0)
    return result


def greedy(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A fast greedy plan: items by value density, cheapest eligible specialists, earliest weeks."""
    started = time.monotonic()
    validate(doc)
    problem = load(doc)
    plan = greedy_plan(problem)
    return _finish(doc, plan, bound=None, started=started, progress=None)


def solve(
    doc: Mapping[str, Any],
    *,
    time_limit: float = 10.0,
    threads: int = 1,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> dict[str, Any]:
    """The best plan found within `time_limit` seconds, with a proven upper bound.

    `progress` receives the fraction done now and then; once `stop` is set the solve raises
    `Cancelled` within about a second (HiGHS reads it in its interrupt callbacks)."""
    started = time.monotonic()
    deadline = started + max(0.1, float(time_limit))
    validate(doc)
    _report(progress, 0.0, stop)
    problem = load(doc)
    plan = greedy_plan(problem)
    # The same plan `greedy` returns, so that solve never ends below the greedy baseline.
    _fill_up(plan)
    _report(progress, 0.05, stop)
    columns = _hour_columns(problem)
    every = list(range(problem.n_items))
    if columns <= MIP_COLUMNS:
        model = Model(problem, every, problem.cap)
        # Keep a little time to write the result; the MIP starts from the greedy plan.
        left = deadline - time.monotonic() - 0.05 * time_limit
        local = assignment_form(problem)
        outcome = model.solve(
            integer=True, time_limit=left, threads=threads, seed=seed, start=plan, stop=stop
        )
        _report(progress, 0.95, stop)
        bound = outcome.bound
        if outcome.work is not None and (outcome.objective or 0.0) > plan.objective + 1e-9:
            candidate = Plan(problem)
            _apply(candidate, outcome.work)
            if candidate.objective > plan.objective:
                plan = candidate
        proved = bound is not None and bound - plan.objective <= max(1e-6, 1e-9 * abs(bound))
        if local and not proved:
            # in most of the time kept for writing the result: the MIP keeps all of its time
            plan = shift_swap(plan, deadline=deadline - 0.02 * time_limit, seed=seed, stop=stop)
            _report(progress, 0.98, stop)
        if bound is None or not math.isfinite(bound):
            bound = trivial_bound(problem)
        return _finish(doc, plan, bound=bound, started=started, progress=progress)

    bound = trivial_bound(problem)
    relaxed = _relax(problem, columns, deadline=deadline, time_limit=time_limit, seed=seed, stop=stop)
    _report(progress, 0.25, stop)
    guide = relaxed
    if relaxed is not None:
        bound = min(bound, relaxed.bound + 1e-6 * max(1.0, abs(relaxed.bound)))
    else:
        # At this size one subgradient step takes seconds: a short budget still gives the bound
        # at lambda = 0 (per-item relaxations, a few % under `trivial_bound`); the rest of the
        # time pays more in the search.
        budget = min(0.1 * time_limit, 25.0, 0.5 * (deadline - time.monotonic()))
        lagrange, prices = lagrangian_bound(problem, lower=plan.objective, seconds=budget, stop=stop)
        _report(progress, 0.25, stop)
        bound = min(bound, lagrange + 1e-6 * max(1.0, abs(lagrange)))
        if bool((prices > 0).any()):
            # Its prices steer a construction too (kept if it beats the greedy); no y_i to lead.
            guide = Relaxation(lagrange, prices, np.zeros(problem.n_items), problem.weeks)
    if guide is not None:
        plan = _guided(
            problem, plan, guide, deadline=deadline, scales=(GUIDE_SCALE,) if relaxed is None else None
        )
    _report(progress, 0.3, stop)
    finer: list[float] = []
    helper: threading.Thread | None = None
    if threads >= 2 and relaxed is not None and (relaxed.block > 1 or columns <= MIP_BOUND_COLUMNS):
        # The second core tightens the bound while this one searches: a finer block LP, or, when
        # the LP is already weekly and small, the whole MIP (whose cuts lower its dual bound).
        block = 2 if relaxed.block > 2 else 1

        def tighten() -> None:
            left = deadline - time.monotonic() - 0.05 * time_limit
            if left <= 1.0:
                return
            if relaxed.block == 1:
                outcome = Model(problem, every, problem.cap).solve(
                    integer=True, time_limit=left, threads=1, seed=seed, stop=stop
                )
                if outcome.bound is not None and math.isfinite(outcome.bound):
                    finer.append(outcome.bound)
                return
            finer_lp = block_relaxation(
                problem, block=block, time_limit=left, threads=1, seed=seed, stop=stop
            )
            if finer_lp is not None:
                finer.append(finer_lp.bound)

        helper = threading.Thread(target=tighten, daemon=True)
        helper.start()
    plan = _lns(
        problem,
        plan,
        deadline=deadline,
        threads=1 if helper else threads,
        seed=seed,
        progress=progress,
        started=started,
        wanted=None if relaxed is None else relaxed.planned,
        prices=None if relaxed is None else GUIDE_SCALE * relaxed.prices,
        stop=stop,
    )
    if helper is not None:
        helper.join(max(0.0, deadline - time.monotonic()))
        if finer:
            bound = min(bound, finer[0] + 1e-6 * max(1.0, abs(finer[0])))
    _report(progress, 0.99, stop)
    return _finish(
        doc,
        plan,
        bound=bound,
        started=started,
        progress=progress,
        wanted=None if relaxed is None else relaxed.planned,
    )


def _relax(
    problem: Problem, columns: int, *, deadline: float, time_limit: float, seed: int, stop: Stop
) -> Relaxation | None:
    """The finest block LP that should fit in about a third of the time (None: none did)."""
    pairs = sum(len(c.spec) for c in problem.cands)
    if pairs > LP_PAIRS:
        return None
    # A block LP has about (hour columns / block + pairs) columns.
    for block in (1, 2, 13, 26):
        estimate = columns / block + pairs
        if estimate <= LP_COLUMNS_PER_SECOND * 0.3 * time_limit or block == 26:
            left = deadline - time.monotonic()
            # One thread: HiGHS's parallel simplex gains little here and suffers most under load.
            relaxed = block_relaxation(
                problem, block=block, time_limit=0.5 * left, threads=1, seed=seed, stop=stop
            )
            return relaxed
    return None


def _guided(
    problem: Problem,
    plan: Plan,
    relaxed: Relaxation,
    *,
    deadline: float,
    scales: tuple[float, ...] | None = None,
) -> Plan:
    """The best of the plan and price-guided constructions at a few price scales (while they take
    under a third of the time left)."""
    best = plan
    stop_by = time.monotonic() + 0.3 * (deadline - time.monotonic())
    for n, scale in enumerate(scales or (GUIDE_SCALE, 1.0, 0.25)):
        if n and time.monotonic() > stop_by:
            break
        prices = relaxed.prices * scale
        trial = Plan(problem)
        construct_priced(
            trial, priced_order(problem, prices, range(problem.n_items), relaxed.planned), prices
        )
        _fill_up(trial)
        if trial.objective > best.objective:
            best = trial
    return best


def _lns(
    problem: Problem,
    plan: Plan,
    *,
    deadline: float,
    threads: int,
    seed: int,
    progress: Progress,
    started: float,
    wanted: FloatArray | None = None,
    prices: FloatArray | None = None,
    stop: Stop = None,
) -> Plan:
    """Fix-and-optimise: free a few specialists and the items only they work on, re-solve, keep gains.

    Each neighbourhood starts from a pivot item: half the time one the relaxation plans (`wanted`,
    its y_i) but the plan does not, otherwise any item. The specialists freed are some of the
    pivot's eligible ones, so they share its skills; the sub-MIP may move the items that only they
    work on, and add unplanned items they could take. Sub-MIPs stop at a small gap or a short time
    limit: a good neighbourhood solution found fast beats a proof.
    """
    rng = random.Random(seed)
    staffed = [i for i in range(problem.n_items) if len(problem.cands[i].spec) > 0]
    if not staffed:
        return plan
    total = max(1e-3, deadline - started)
    owners: dict[int, set[int]] = {}
    lp_items = [] if wanted is None else [i for i in staffed if wanted[i] > 0.5]

    def people(i: int) -> set[int]:
        return {s for s, _w, _h in plan.work[i]}

    # which items each specialist could take
    pair_spec = np.concatenate([problem.cands[i].spec for i in staffed])
    pair_item = np.concatenate([np.full(len(problem.cands[i].spec), i) for i in staffed])
    order = np.argsort(pair_spec, kind="stable")
    cuts = np.searchsorted(pair_spec[order], np.arange(problem.n_specs + 1))
    items_of = [pair_item[order[cuts[s] : cuts[s + 1]]] for s in range(problem.n_specs)]
    del pair_spec, pair_item, order

    # Most of the time goes to the fast ruin-and-recreate moves; sub-MIPs then polish, making
    # the joint choices a greedy re-staffing cannot.
    share = RUIN_SHARE if wanted is not None else 1.0  # no LP: sub-MIPs found little at that size
    moves_end = time.monotonic() + share * max(0.0, deadline - time.monotonic())
    plan = ruin_recreate(
        plan,
        np.zeros_like(problem.cap, dtype=np.float64) if prices is None else prices,
        wanted,
        items_of=items_of,
        deadline=moves_end,
        rng=np.random.default_rng(seed),
        stop=stop,
    )
    size = 12
    sub_limit = min(2.0, max(0.4, (deadline - time.monotonic()) / 40))
    by_spec: dict[int, set[int]] = {}
    for i in plan.work:
        owners[i] = people(i)
        for s in owners[i]:
            by_spec.setdefault(s, set()).add(i)

    while True:
        now = time.monotonic()
        if deadline - now < 0.3:
            break
        _report(progress, 0.3 + 0.7 * (now - started) / total, stop)
        missing = [i for i in lp_items if i not in plan.work] if lp_items and rng.random() < 0.5 else []
        pivot = rng.choice(missing) if missing else rng.choice(staffed)
        cand = problem.cands[pivot].spec
        k = min(len(cand), size)
        chosen = set(rng.sample(cand.tolist(), k))
        allowed = np.zeros(problem.n_specs, dtype=np.bool_)
        allowed[list(chosen)] = True
        freed = [i for s in chosen for i in by_spec.get(s, ()) if owners[i] <= chosen]
        freed = sorted(set(freed))
        # unplanned items that the chosen specialists could take
        near = np.unique(np.concatenate([items_of[s] for s in chosen]))
        extra = [int(i) for i in near if int(i) not in plan.work]
        if len(extra) > 4 * len(freed) + 40:
            extra = rng.sample(extra, 4 * len(freed) + 40)
        if pivot not in plan.work and pivot not in extra:
            extra.append(pivot)
        items = sorted(set(freed) | set(extra))
        free = plan.free.copy()
        for i in freed:
            for s, w, h in plan.work[i]:
                free[s, w] += h
        model = Model(problem, items, free, allowed)
        start = Plan(problem)
        start.free = free.copy()
        for i in freed:
            start.add(i, plan.work[i])
        current = start.objective
        limit = min(sub_limit, deadline - time.monotonic() - 0.2)
        if limit <= 0.05:
            break
        tick = time.monotonic()
        outcome = model.solve(
            integer=True,
            time_limit=limit,
            threads=threads,
            seed=rng.randrange(1 << 30),
            start=start,
            gap=1e-3,
            stop=stop,
        )
        spent = time.monotonic() - tick
        if outcome.optimal and spent < 0.5 * limit:
            size = min(200, int(size * 1.15) + 1)
        elif not outcome.optimal:
            size = max(4, int(size * 0.9))
        if outcome.work is None or (outcome.objective or 0.0) <= current + 1e-6:
            continue
        trial = plan.copy()
        for i in freed:
            trial.remove(i)
        _apply(trial, outcome.work)
        if trial.objective > plan.objective + 1e-6:
            plan = trial
            owners.clear()
            by_spec.clear()
            for i in plan.work:
                owners[i] = people(i)
                for s in owners[i]:
                    by_spec.setdefault(s, set()).add(i)
    return plan
