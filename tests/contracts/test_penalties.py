"""Earn-back of service-level penalties: the pure rule, and the month arithmetic it runs on."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehub.contracts import penalties

months_ahead = st.integers(min_value=-240, max_value=240)
some_month = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@pytest.mark.parametrize(
    "month, shift, expected",
    [
        (dt.date(2026, 6, 15), 0, dt.date(2026, 6, 1)),
        (dt.date(2026, 1, 31), -1, dt.date(2025, 12, 1)),
        (dt.date(2026, 11, 1), 2, dt.date(2027, 1, 1)),
        (dt.date(2026, 3, 1), -14, dt.date(2025, 1, 1)),
    ],
)
def test_shift_month(month: dt.date, shift: int, expected: dt.date) -> None:
    assert penalties.shift_month(month, shift) == expected


@given(month=some_month, shift=months_ahead)
def test_shift_month_moves_by_whole_months_and_back(month: dt.date, shift: int) -> None:
    moved = penalties.shift_month(month, shift)
    assert moved.day == 1
    assert (moved.year * 12 + moved.month) - (month.year * 12 + month.month) == shift
    assert penalties.shift_month(moved, -shift) == month.replace(day=1)


def test_earned_back_by_hand() -> None:
    # Penalised in month 1, N = 2: the invoice of month 3 pays back if months 2 and 3 were met.
    assert penalties.earned_back([True, True], 2)
    assert not penalties.earned_back([True], 2)  # month 2's invoice: too early
    assert not penalties.earned_back([True, False], 2)
    assert not penalties.earned_back([False, True], 2)
    assert not penalties.earned_back([True, True, True], 2)  # month 4's invoice: already paid back
    assert penalties.earned_back([True], 1)
    with pytest.raises(ValueError):
        penalties.earned_back([], 0)


@given(
    history=st.lists(st.booleans(), max_size=16),
    earn_back_months=st.integers(min_value=1, max_value=12),
)
def test_a_penalty_is_earned_back_at_most_once_and_only_by_an_unbroken_run(
    history: list[bool], earn_back_months: int
) -> None:
    # `history`: the level's verdict in each month after the penalty. Each month's invoice sees
    # the verdicts up to its own month; across all those invoices the penalty is paid back once
    # if the first N months were all met, and never otherwise.
    paid_on = [k for k in range(len(history) + 1) if penalties.earned_back(history[:k], earn_back_months)]
    unbroken = len(history) >= earn_back_months and all(history[:earn_back_months])
    assert paid_on == ([earn_back_months] if unbroken else [])
