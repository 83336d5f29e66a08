"""The SLA clock replay, on a round-the-clock calendar (the business calendars have their own tests)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from servicehub.demands.sla import ClockRule, ClockStatus, TimelineEvent, met_share, read_clock

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR = 3600


class RoundTheClock:
    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int:
        return max(int((end - start).total_seconds()), 0)

    def add_business_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime:
        return start + dt.timedelta(seconds=seconds)


RULE = ClockRule(
    start_states=frozenset({"submitted"}),
    stop_states=frozenset({"quoted"}),
    pause_states=frozenset({"waiting"}),
    target_seconds=4 * HOUR,
)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_a_clock_that_stops_in_time() -> None:
    events = [
        TimelineEvent(at(0), "draft"),
        TimelineEvent(at(1), "submitted"),
        TimelineEvent(at(4), "quoted"),
    ]
    reading = read_clock(RULE, events, RoundTheClock(), now=at(10))
    assert (reading.status, reading.elapsed_seconds, reading.breached) == (
        ClockStatus.STOPPED,
        3 * HOUR,
        False,
    )
    assert reading.started_at == at(1) and reading.stopped_at == at(4)


def test_waiting_on_the_client_pauses_the_clock() -> None:
    events = [
        TimelineEvent(at(0), "submitted"),
        TimelineEvent(at(1), "waiting"),
        TimelineEvent(at(7), "submitted"),
        TimelineEvent(at(8), "in_progress", waiting_on_client=True),
        TimelineEvent(at(9), "in_progress"),
        TimelineEvent(at(11), "quoted"),
    ]
    reading = read_clock(RULE, events, RoundTheClock(), now=at(20))
    # Running 0 to 1, 7 to 8 and 9 to 11: four hours exactly, which meets a four-hour target.
    assert reading.elapsed_seconds == 4 * HOUR and not reading.breached
    assert reading.pauses == [(at(1), at(7)), (at(8), at(9))]


def test_a_running_clock_has_a_deadline_and_breaches_after_it() -> None:
    events = [
        TimelineEvent(at(0), "submitted"),
        TimelineEvent(at(1), "waiting"),
        TimelineEvent(at(3), "submitted"),
    ]
    before = read_clock(RULE, events, RoundTheClock(), now=at(4))
    # One hour ran before the pause; three remain from the resumption at 3 h.
    assert (before.status, before.deadline, before.breached) == (ClockStatus.RUNNING, at(6), False)
    after = read_clock(RULE, events, RoundTheClock(), now=at(6.5))
    assert after.breached and after.deadline == at(6)


def test_a_paused_clock_has_no_deadline_and_events_after_now_are_ignored() -> None:
    events = [
        TimelineEvent(at(0), "submitted"),
        TimelineEvent(at(1), "waiting"),
        TimelineEvent(at(30), "quoted"),
    ]
    reading = read_clock(RULE, events, RoundTheClock(), now=at(5))
    assert (reading.status, reading.deadline, reading.elapsed_seconds) == (ClockStatus.PAUSED, None, HOUR)


def test_rate_of_clocks_met() -> None:
    calendar = RoundTheClock()
    fast = read_clock(
        RULE, [TimelineEvent(at(0), "submitted"), TimelineEvent(at(1), "quoted")], calendar, at(9)
    )
    slow = read_clock(
        RULE, [TimelineEvent(at(0), "submitted"), TimelineEvent(at(5), "quoted")], calendar, at(9)
    )
    open_ = read_clock(RULE, [TimelineEvent(at(0), "submitted")], calendar, at(9))
    assert met_share([fast, slow, open_]) == (1, 2)


STATES = st.sampled_from(["draft", "submitted", "waiting", "in_progress", "quoted"])


@given(
    steps=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10 * HOUR), STATES, st.booleans()), max_size=12
    ),
    now_offset=st.integers(min_value=0, max_value=200 * HOUR),
)
def test_elapsed_business_time_never_exceeds_wall_time(
    steps: list[tuple[int, str, bool]], now_offset: int
) -> None:
    moment, events = T0, []
    for gap, state, waiting in steps:
        moment += dt.timedelta(seconds=gap)
        events.append(TimelineEvent(moment, state, waiting))
    now = T0 + dt.timedelta(seconds=now_offset)
    reading = read_clock(RULE, events, RoundTheClock(), now)
    if reading.started_at is None:
        assert reading.elapsed_seconds == 0
        return
    end = reading.stopped_at or now
    paused = sum(int(((e or end) - s).total_seconds()) for s, e in reading.pauses)
    # Round the clock, running time is exactly the time since the start less the pauses.
    assert reading.elapsed_seconds == int((end - reading.started_at).total_seconds()) - paused
    assert 0 <= reading.elapsed_seconds <= max(int((now - T0).total_seconds()), 0)
    assert reading.breached == (reading.elapsed_seconds > RULE.target_seconds)
