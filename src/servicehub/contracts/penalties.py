"""Service-level penalty arithmetic: pure functions on Decimals, no database.

A breach costs `penalty_percent` of the period's invoiced amount for each whole point
(in the indicator's unit) by which the measure misses its threshold, up to
`cap_percent`. A shortfall of 0.2 point is a whole point: contracts count started points.

Earn-back: a level with `earn_back_months` = N pays a month's penalty back when the level
is met in each of the N months that follow it; the invoice of the Nth month carries it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from servicehub.contracts.choices import Comparison

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def shortfall(comparison: Comparison | str, threshold: Decimal, measured: Decimal) -> Decimal:
    """How far `measured` misses `threshold` (0 when the level is met)."""
    gap = threshold - measured if comparison == Comparison.AT_LEAST else measured - threshold
    return max(gap, Decimal("0"))


def penalty_percent_for(shortfall_points: Decimal, per_point: Decimal, cap: Decimal) -> Decimal:
    points = shortfall_points.to_integral_value(rounding=ROUND_CEILING)
    return min(points * per_point, cap)


def penalty_amount(base: Decimal, percent: Decimal) -> Decimal:
    """`percent` of `base`, to the cent (half up, as invoices round)."""
    return (base * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `month`'s (before it when `months` is negative)."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def earned_back(months_met: Sequence[bool], earn_back_months: int) -> bool:
    """Whether this month's invoice pays a penalty back.

    `months_met` holds the level's verdict for each month after the penalised one, oldest
    first, up to and including the invoiced month. The penalty is paid back on exactly one
    invoice, the `earn_back_months`-th month's, and only if every one of those months was met:
    before it is too early, after it the penalty was paid back or forfeited already.
    A month with nothing to measure must be passed as not met: nothing shows the level held.
    """
    if earn_back_months < 1:
        raise ValueError(f"earn_back_months must be at least 1, not {earn_back_months}")
    return len(months_met) == earn_back_months and all(months_met)
