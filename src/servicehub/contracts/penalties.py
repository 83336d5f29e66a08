"""Service-level penalty arithmetic: pure functions on Decimals, no database.

A breach costs `penalty_percent` of the period's invoiced amount for each whole point
(in the indicator's unit) by which the measure misses its threshold, up to
`cap_percent`. A shortfall of 0.2 point is a whole point: contracts count started points.
"""

from __future__ import annotations

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
