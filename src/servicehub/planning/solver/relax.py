"""The LP relaxation on blocks of weeks: a proven bound (and capacity prices) for mid-size instances.

Columns: y_i (item planned, 0..1) and x_sib, the hours of specialist s on item i within block b of
consecutive weeks (only blocks meeting the item's window). Rows, per item:
  whole items   Σ_s,b x_sib / h_si = y_i           cost fixed_si / h_si per hour
  other items   Σ_s,b x_sib = H_i y_i,  Σ_s,b x_sib / u_si ≤ max_people_i y_i
                cost per_hour_si + pair_charge / u_si per hour, u_si = min(H_i, window capacity)
  per pair over several blocks   Σ_b x_sib ≤ u_si (h_si for whole items)
and per specialist and block  Σ_i x_sib ≤ Σ_{w in b} cap_sw;  x_sib ≤ Σ_{w in b ∩ window} cap_sw.

Why this is a relaxation of the staffing MIP (`model.py`), so its optimum is a proven upper bound:
1. z is projected out, not dropped. In the MIP's LP relaxation z_si appears only in the pair row
   Σ_w x_siw ≤ u_si z_si (whole: = h_si z_si), in Σ_s z_si ≤ max_people_i y_i (whole: = y_i), in
   z_si ≤ 1 and in the objective with a cost ≥ 0 (the pair charge; whole items: fixed_si, which is
   positive for every candidate kept by `load`). Setting z_si = Σ_w x_siw / u_si is feasible whenever
   any z is and costs no more, which yields the rows above with z gone; z_si ≤ 1 becomes the pair
   row Σ x ≤ u_si, implied by the column bound when the window lies in one block.
2. Any solution (y, x) of the weekly LP maps to x_sib = Σ_{w in b} x_siw, which satisfies every row
   above: item and pair rows are sums over the same hours, each capacity row is the sum of the
   weekly capacity rows of its block, and each column bound the sum of the weekly column bounds.
   The objective is unchanged because no cost depends on the week.
So max(block LP) ≥ max(weekly LP) ≥ the best integer plan; one block per week is the weekly LP itself.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import highspy
import numpy as np

from .instance import FloatArray, IntArray, Problem
from .model import new_highs


@dataclass
class Relaxation:
    bound: float  # the LP optimum (pad it by the LP tolerance before calling it proven)
    prices: FloatArray  # S x W: each block's capacity price, repeated over its weeks
    planned: FloatArray  # y_i per item (0 for items not in the LP)
    block: int = 1  # weeks per block


def block_relaxation(
    problem: Problem,
    *,
    block: int,
    time_limit: float,
    threads: int,
    seed: int,
    stop: threading.Event | None = None,
) -> Relaxation | None:
    """Solve the block LP; None when it does not finish within `time_limit`."""
    weeks = problem.weeks
    n_blocks = -(-weeks // block)
    block_of = np.arange(weeks) // block
    cum = np.zeros((problem.n_specs, weeks + 1), dtype=np.int64)
    np.cumsum(problem.cap, axis=1, out=cum[:, 1:])
    block_start = np.arange(n_blocks) * block
    block_end = np.minimum(block_start + block, weeks)  # exclusive
    cap_block = cum[:, block_end] - cum[:, block_start]  # S x B

    costs: list[FloatArray] = []
    uppers: list[FloatArray] = []
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    row_lo: list[FloatArray] = []
    row_hi: list[FloatArray] = []
    n_row = 0
    n_col = 0
    y_items: list[int] = []
    y_cols: list[int] = []
    cap_keys: list[IntArray] = []
    cap_cols: list[IntArray] = []
    for i, cand in enumerate(problem.cands):
        if len(cand.spec) == 0:
            continue
        r, d = int(problem.release[i]), int(problem.due[i])
        b0, b1 = int(block_of[r]), int(block_of[d])
        spec = cand.spec
        n_pairs = len(spec)
        nb = b1 - b0 + 1
        # capacity of each pair in each block, within the window
        lo = np.maximum(block_start[b0 : b1 + 1], r)
        hi = np.minimum(block_end[b0 : b1 + 1], d + 1)
        within = cum[spec][:, hi] - cum[spec][:, lo]  # pairs x nb
        whole = bool(problem.whole[i])
        hours = float(problem.item_hours[i])
        win = within.sum(axis=1).astype(np.float64)
        limit = cand.hours.astype(np.float64) if whole else np.minimum(win, hours)
        keep = limit > 0
        if not keep.any():
            continue
        pair_n, blk = np.nonzero((within > 0) & keep[:, None])
        n_x = len(pair_n)
        y = n_col
        x = np.arange(n_col + 1, n_col + 1 + n_x)
        n_col += 1 + n_x
        y_items.append(i)
        y_cols.append(y)
        if whole:
            per_hour = cand.fixed / cand.hours.astype(np.float64)
        else:
            per_hour = cand.per_hour + cand.fixed / np.maximum(limit, 1.0)
        costs += [np.array([problem.value[i]]), -per_hour[pair_n]]
        uppers += [np.array([1.0]), np.minimum(within[pair_n, blk].astype(np.float64), limit[pair_n])]
        item_row = n_row
        n_row += 1
        if whole:
            rows += [np.full(n_x, item_row), np.array([item_row])]
            cols += [x, np.array([y])]
            vals += [1.0 / cand.hours[pair_n].astype(np.float64), np.array([-1.0])]
            row_lo.append(np.zeros(1))
            row_hi.append(np.zeros(1))
        else:
            rows += [np.full(n_x, item_row), np.array([item_row])]
            cols += [x, np.array([y])]
            vals += [np.ones(n_x), np.array([-hours])]
            row_lo.append(np.zeros(1))
            row_hi.append(np.zeros(1))
            max_people = int(problem.max_people[i])
            if max_people < int(keep.sum()):
                people_row = n_row
                n_row += 1
                rows += [np.full(n_x, people_row), np.array([people_row])]
                cols += [x, np.array([y])]
                vals += [1.0 / limit[pair_n], np.array([-float(max_people)])]
                row_lo.append(np.array([-np.inf]))
                row_hi.append(np.zeros(1))
        if nb > 1:
            # pairs over several blocks: Σ_b x_sib ≤ u_si
            counts = np.bincount(pair_n, minlength=n_pairs)
            multi = np.flatnonzero(counts > 1)
            if len(multi):
                row_of = np.full(n_pairs, -1, dtype=np.int64)
                row_of[multi] = n_row + np.arange(len(multi))
                n_row += len(multi)
                sel = row_of[pair_n] >= 0
                rows.append(row_of[pair_n][sel])
                cols.append(x[sel])
                vals.append(np.ones(int(sel.sum())))
                row_lo.append(np.full(len(multi), -np.inf))
                row_hi.append(limit[multi])
        cap_keys.append(spec[pair_n] * n_blocks + b0 + blk)
        cap_cols.append(x)
    if n_col == 0:
        return Relaxation(0.0, np.zeros((problem.n_specs, weeks)), np.zeros(problem.n_items), block)
    keys = np.concatenate(cap_keys)
    used, row_of_key = np.unique(keys, return_inverse=True)
    cap_row0 = n_row
    rows.append(n_row + row_of_key)
    cols.append(np.concatenate(cap_cols))
    vals.append(np.ones(len(keys)))
    row_lo.append(np.full(len(used), -np.inf))
    row_hi.append(cap_block.reshape(-1)[used].astype(np.float64))
    n_row += len(used)
    del keys, cap_keys, cap_cols

    c_all = np.concatenate(cols)
    order = np.argsort(c_all, kind="stable")
    start = np.zeros(n_col + 1, dtype=np.int64)
    np.cumsum(np.bincount(c_all, minlength=n_col), out=start[1:])
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = n_row
    lp.col_cost_ = np.concatenate(costs)
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.concatenate(uppers)
    lp.row_lower_ = np.concatenate(row_lo)
    lp.row_upper_ = np.concatenate(row_hi)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = np.concatenate(rows)[order].astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate(vals)[order]
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = n_row
    del c_all, order, rows, cols, vals
    highs = new_highs(time_limit=time_limit, threads=threads, seed=seed, stop=stop)
    highs.setOptionValue("presolve", "off")  # measured: presolve finds little here and costs 20-40 %
    highs.passModel(lp)
    del lp
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = highs.getSolution()
    bound = float(highs.getInfo().objective_function_value)
    duals = np.abs(np.array(solution.row_dual)[cap_row0:])
    block_price = np.zeros(problem.n_specs * n_blocks)
    block_price[used] = duals
    # A block's price per hour, spread evenly over its weeks: the guide only needs their order.
    prices = block_price.reshape(problem.n_specs, n_blocks)[:, block_of]
    planned = np.zeros(problem.n_items)
    col_value = np.array(solution.col_value)
    planned[np.array(y_items)] = col_value[np.array(y_cols)]
    return Relaxation(bound, prices, planned, block)
