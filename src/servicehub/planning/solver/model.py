"""The staffing MIP (or its LP relaxation) over a subset of items and specialists, solved by HiGHS.

Columns, per item i: y_i (planned), per eligible specialist s: z_si (pair used), per week w of the
window where s has capacity: x_siw (hours). Rows:
  whole items      Σ_s z_si = y_i,   Σ_w x_siw = h_si z_si   (all costs sit on z)
  other items      Σ_s,w x_siw = H_i y_i,   Σ_w x_siw ≤ min(H_i, window capacity) z_si,
                   Σ_s z_si ≤ max_people_i y_i   (per-hour costs on x, pair charge on z)
  capacity         Σ_i x_siw ≤ cap_sw
With y and z fixed the x rows are two laminar families (item ⊃ pair, and specialist-week), so the
matrix is totally unimodular and a basic LP solution has integer hours: x stays continuous and is
made integral by one LP over fixed y, z.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from .instance import IntArray, Problem
from .plan import Plan, Work

_banner_lock = threading.Lock()
_banner_done = False


def new_highs(
    *, time_limit: float, threads: int, seed: int, stop: threading.Event | None = None
) -> highspy.Highs:
    """A silent HiGHS that gives up soon after `stop` is set (its interrupt callbacks read it).

    Its first construction in a process prints a banner on stdout, which would corrupt a command's
    output, so that one construction runs with file descriptor 1 muted."""
    global _banner_done
    with _banner_lock:
        if _banner_done:
            highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ bare
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy leaves __init__ bare
                # Flush C stdio while stdout still points at /dev/null; no C runtime, nothing buffered.
                with contextlib.suppress(OSError, AttributeError):
                    ctypes.CDLL(None).fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(0.05, float(time_limit)))
    highs.setOptionValue("threads", int(threads))
    highs.setOptionValue("random_seed", int(seed))
    if stop is not None:

        def interrupt(event: highspy.highs.HighsCallbackEvent) -> None:
            if stop.is_set():
                event.interrupt()

        highs.cbSimplexInterrupt.subscribe(interrupt)
        highs.cbIpmInterrupt.subscribe(interrupt)
        highs.cbMipInterrupt.subscribe(interrupt)
    return highs


@dataclass
class Outcome:
    work: dict[int, Work] | None  # None: no solution found
    objective: float | None
    bound: float | None  # proven for this (sub)model: LP optimum or MIP dual bound
    optimal: bool


class Model:
    """Columns and rows for `items`, using only specialists in `allowed` and capacity `free`."""

    def __init__(
        self,
        problem: Problem,
        items: Sequence[int],
        free: IntArray,
        allowed: np.ndarray | None = None,
    ) -> None:
        self.problem = problem
        weeks = problem.weeks
        cost: list[np.ndarray] = []
        upper: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        row_lo: list[float] = []
        row_hi: list[float] = []
        n_col = 0
        self.items: list[int] = []
        self.y_col: list[int] = []
        # per item: (z columns, specialists, x column start, weeks per pair, flat x weeks)
        self.pair_cols: list[tuple[int, IntArray, int, IntArray]] = []
        cap_rows: list[np.ndarray] = []  # specialist*weeks+week per x column (capacity row key)
        cap_cols: list[np.ndarray] = []
        integer_cols: list[np.ndarray] = []

        def add_row(lo: float, hi: float) -> int:
            row_lo.append(lo)
            row_hi.append(hi)
            return len(row_lo) - 1

        for i in items:
            cand = problem.cands[i]
            keep = np.ones(len(cand.spec), dtype=np.bool_)
            if allowed is not None:
                keep &= allowed[cand.spec]
            r, d = int(problem.release[i]), int(problem.due[i])
            window = free[cand.spec, r : d + 1]
            win = window.sum(axis=1)
            whole = bool(problem.whole[i])
            hours = int(problem.item_hours[i])
            keep &= win >= cand.hours if whole else win > 0
            idx = np.flatnonzero(keep)
            if len(idx) == 0:
                continue
            if (
                not whole
                and int(np.sort(np.minimum(win[idx], hours))[::-1][: problem.max_people[i]].sum()) < hours
            ):
                continue
            spec = cand.spec[idx]
            n_pairs = len(idx)
            y = n_col
            n_col += 1
            self.items.append(i)
            self.y_col.append(y)
            cost.append(np.array([problem.value[i]]))
            upper.append(np.array([1.0]))
            integer_cols.append(np.array([y]))
            z0 = n_col
            z = np.arange(z0, z0 + n_pairs)
            n_col += n_pairs
            cost.append(-cand.fixed[idx])
            upper.append(np.ones(n_pairs))
            integer_cols.append(z)
            # x columns: every (pair, week) with capacity
            sub = window[idx]
            pair_of, week_of = np.nonzero(sub > 0)
            n_x = len(pair_of)
            x = np.arange(n_col, n_col + n_x)
            n_col += n_x
            p_hours = cand.hours[idx]
            cap_here = sub[pair_of, week_of].astype(np.float64)
            if whole:
                cost.append(np.zeros(n_x))
                upper.append(np.minimum(cap_here, p_hours[pair_of]))
            else:
                cost.append(-cand.per_hour[idx][pair_of])
                upper.append(np.minimum(cap_here, hours))
            self.pair_cols.append((z0, spec, int(x[0]) if n_x else n_col, pair_of.astype(np.int64)))
            weeks_abs = week_of + r
            cap_rows.append(spec[pair_of] * weeks + weeks_abs)
            cap_cols.append(x)
            # item row
            item_row = add_row(0.0, 0.0)
            if whole:
                rows += [np.full(n_pairs, item_row), np.array([item_row])]
                cols += [z, np.array([y])]
                vals += [np.ones(n_pairs), np.array([-1.0])]
                # pair rows: Σ_w x = h z
                base = len(row_lo)
                for _ in range(n_pairs):
                    add_row(0.0, 0.0)
                rows += [base + pair_of, base + np.arange(n_pairs)]
                cols += [x, z]
                vals += [np.ones(n_x), -p_hours.astype(np.float64)]
            else:
                rows += [np.full(n_x, item_row), np.array([item_row])]
                cols += [x, np.array([y])]
                vals += [np.ones(n_x), np.array([-float(hours)])]
                base = len(row_lo)
                for _ in range(n_pairs):
                    add_row(-np.inf, 0.0)
                bound_hours = np.minimum(win[idx], hours).astype(np.float64)
                rows += [base + pair_of, base + np.arange(n_pairs)]
                cols += [x, z]
                vals += [np.ones(n_x), -bound_hours]
                max_people = int(problem.max_people[i])
                if max_people < n_pairs:
                    people_row = add_row(-np.inf, 0.0)
                    rows += [np.full(n_pairs, people_row), np.array([people_row])]
                    cols += [z, np.array([y])]
                    vals += [np.ones(n_pairs), np.array([-float(max_people)])]

        # capacity rows, only for specialist-weeks that some x column uses
        keys = np.concatenate(cap_rows) if cap_rows else np.zeros(0, dtype=np.int64)
        x_all = np.concatenate(cap_cols) if cap_cols else np.zeros(0, dtype=np.int64)
        used_keys, row_of = np.unique(keys, return_inverse=True)
        base = len(row_lo)
        row_lo += [-np.inf] * len(used_keys)
        row_hi += free.reshape(-1)[used_keys].astype(np.float64).tolist()
        rows.append(base + row_of)
        cols.append(x_all)
        vals.append(np.ones(len(x_all)))

        self.n_col = n_col
        self.n_row = len(row_lo)
        self.cost = np.concatenate(cost) if cost else np.zeros(0)
        self.upper = np.concatenate(upper) if upper else np.zeros(0)
        self.integer = np.concatenate(integer_cols) if integer_cols else np.zeros(0, dtype=np.int64)
        self.row_lo = np.array(row_lo, dtype=np.float64)
        self.row_hi = np.array(row_hi, dtype=np.float64)
        r_all = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, dtype=np.int32)
        c_all = np.concatenate(cols).astype(np.int64) if cols else np.zeros(0, dtype=np.int64)
        v_all = np.concatenate(vals).astype(np.float64) if vals else np.zeros(0)
        order = np.argsort(c_all, kind="stable")
        self.index = r_all[order]
        self.value = v_all[order]
        self.start = np.zeros(n_col + 1, dtype=np.int32)
        np.cumsum(np.bincount(c_all, minlength=n_col), out=self.start[1:])
        self.x_spec = np.zeros(n_col, dtype=np.int64)  # for reading back x: specialist and week
        self.x_week = np.full(n_col, -1, dtype=np.int64)
        if len(x_all):
            self.x_spec[x_all] = keys // weeks
            self.x_week[x_all] = keys % weeks

    def lp(self, *, integer: bool) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_ = self.n_col
        lp.num_row_ = self.n_row
        lp.col_cost_ = self.cost
        lp.col_lower_ = np.zeros(self.n_col)
        lp.col_upper_ = self.upper
        lp.row_lower_ = self.row_lo
        lp.row_upper_ = self.row_hi
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.start
        lp.a_matrix_.index_ = self.index
        lp.a_matrix_.value_ = self.value
        lp.a_matrix_.num_col_ = self.n_col
        lp.a_matrix_.num_row_ = self.n_row
        if integer:
            kinds = [highspy.HighsVarType.kContinuous] * self.n_col
            for c in self.integer.tolist():
                kinds[c] = highspy.HighsVarType.kInteger
            lp.integrality_ = kinds
        return lp

    def start_values(self, plan: Plan) -> np.ndarray:
        """Column values of the plan's work on this model's items (zero for the others)."""
        values = np.zeros(self.n_col)
        lookup: dict[tuple[int, int, int], int] = {}
        for n, i in enumerate(self.items):
            if i not in plan.work:
                continue
            values[self.y_col[n]] = 1.0
            z0, spec, x0, pair_of = self.pair_cols[n]
            where = {int(s): k for k, s in enumerate(spec)}
            for s, _w, _h in plan.work[i]:
                values[z0 + where[s]] = 1.0
            for k, p in enumerate(pair_of.tolist()):
                c = x0 + k
                lookup[int(spec[p]), int(self.x_week[c]), i] = c
            for s, w, h in plan.work[i]:
                values[lookup[s, w, i]] += h
        return values

    def read(self, values: np.ndarray) -> dict[int, Work]:
        work: dict[int, Work] = {}
        for n, i in enumerate(self.items):
            if values[self.y_col[n]] < 0.5:
                continue
            _z0, spec, x0, pair_of = self.pair_cols[n]
            xs = values[x0 : x0 + len(pair_of)]
            hours = np.rint(xs).astype(np.int64)
            nz = np.flatnonzero(hours > 0)
            weeks = self.x_week[x0 + nz]
            work[i] = [
                (int(s), int(w), int(h)) for s, w, h in zip(spec[pair_of[nz]], weeks, hours[nz], strict=True)
            ]
        return work

    def solve(
        self,
        *,
        integer: bool,
        time_limit: float,
        threads: int,
        seed: int,
        start: Plan | None = None,
        gap: float = 1e-9,
        stop: threading.Event | None = None,
    ) -> Outcome:
        if self.n_col == 0:
            return Outcome({}, 0.0, 0.0, True)
        highs = new_highs(time_limit=time_limit, threads=threads, seed=seed, stop=stop)
        highs.passModel(self.lp(integer=integer))
        if integer:
            highs.setOptionValue("mip_rel_gap", gap)
            if start is not None:
                solution = highspy.HighsSolution()
                solution.col_value = self.start_values(start)
                solution.value_valid = True
                highs.setSolution(solution)
        highs.run()
        status = highs.getModelStatus()
        info = highs.getInfo()
        optimal = status == highspy.HighsModelStatus.kOptimal
        if not integer:
            if not optimal:
                return Outcome(None, None, None, False)
            objective = float(info.objective_function_value)
            return Outcome(None, objective, objective, True)
        if info.primal_solution_status != 2:  # no feasible solution
            return Outcome(None, None, float(info.mip_dual_bound), False)
        values = np.array(highs.getSolution().col_value)
        bound = float(info.mip_dual_bound)
        if np.abs(values - np.rint(values)).max(initial=0.0) > 1e-6:
            values = self._integral_hours(values, threads=threads, seed=seed, time_limit=time_limit)
        return Outcome(self.read(values), float(info.objective_function_value), bound, optimal)

    def _integral_hours(
        self, values: np.ndarray, *, threads: int, seed: int, time_limit: float
    ) -> np.ndarray:
        """Fix y and z, re-solve the (totally unimodular) hours LP by simplex: a vertex is integral."""
        highs = new_highs(time_limit=max(1.0, time_limit), threads=threads, seed=seed)
        lp = self.lp(integer=False)
        lower = np.zeros(self.n_col)
        upper = self.upper.copy()
        fixed = np.rint(values[self.integer])
        lower[self.integer] = fixed
        upper[self.integer] = fixed
        lp.col_lower_ = lower
        lp.col_upper_ = upper
        highs.passModel(lp)
        highs.setOptionValue("solver", "simplex")
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return np.array(highs.getSolution().col_value)
        return values  # the caller's repair drops whatever does not round cleanly
