"""Geometry of the talent reports' charts, drawn server-side as inline SVG (no chart library).

The template draws what this computes: polylines in SVG user units, the axes' ticks and labels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from servicehub.talent.headcount import Point

WIDTH = 760
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32
# Steps the value axis may use; the smallest that gives at most six intervals wins.
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
# Years between labels on the time axis, the smallest that leaves room for each label.
YEAR_STEPS = (1, 2, 5, 10)
MAX_YEAR_LABELS = 12


@dataclass(frozen=True)
class Tick:
    position: Decimal
    label: str


@dataclass
class LineChart:
    width: int = WIDTH
    height: int = HEIGHT
    actual: str = ""
    #: The target line in pieces: none is drawn where the site had no target yet.
    target: list[str] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    #: The last point, marked with its value.
    last_x: Decimal = Decimal(0)
    last_y: Decimal = Decimal(0)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nice_top(highest: int) -> tuple[int, int]:
    """The top of the value axis and its step: a round figure at or above `highest`."""
    highest = max(highest, 1)
    for step in STEPS:
        if -(-highest // step) <= 6:
            return step * -(-highest // step), step
    step = STEPS[-1]
    return step * -(-highest // step), step


def headcount_chart(points: Sequence[Point]) -> LineChart:
    chart = LineChart()
    if not points:
        return chart
    first, last = points[0].day, points[-1].day
    span = max((last - first).days, 1)
    highest = max(max(p.actual for p in points), max((p.target or 0) for p in points))
    top_value, step = nice_top(highest)
    plot_w = Decimal(chart.right - chart.left)
    plot_h = Decimal(chart.bottom - chart.top)

    def x(day: dt.date) -> Decimal:
        return _round(chart.left + plot_w * (day - first).days / span)

    def y(value: int) -> Decimal:
        return _round(chart.bottom - plot_h * value / top_value)

    chart.actual = " ".join(f"{x(p.day)},{y(p.actual)}" for p in points)
    piece: list[str] = []
    for p in points:
        if p.target is None:
            if piece:
                chart.target.append(" ".join(piece))
            piece = []
            continue
        piece.append(f"{x(p.day)},{y(p.target)}")
    if piece:
        chart.target.append(" ".join(piece))
    chart.y_ticks = [Tick(y(value), str(value)) for value in range(0, top_value + 1, step)]
    years = range(first.year + (0 if first == dt.date(first.year, 1, 1) else 1), last.year + 1)
    every = next((n for n in YEAR_STEPS if len(years) / n <= MAX_YEAR_LABELS), YEAR_STEPS[-1])
    chart.x_ticks = [Tick(x(dt.date(year, 1, 1)), str(year)) for year in years if year % every == 0]
    chart.last_x, chart.last_y = x(last), y(points[-1].actual)
    return chart
