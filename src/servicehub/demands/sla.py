"""SLA clocks, computed from a demand's timeline on a business calendar. Pure: no database.

A clock starts when the demand enters one of the indicator's start states, stops when it
enters a stop state, and is paused while the demand waits on the client (a pause state,
or an event flagged as waiting on the client). Only business time counts, on the
delivering site's calendar. Recomputing from the whole timeline every time keeps the
result independent of when, and how often, it is computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Calendar(Protocol):
    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int: ...

    def add_business_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime: ...


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    state: str
    waiting_on_client: bool = False


@dataclass(frozen=True)
class ClockRule:
    start_states: frozenset[str]
    stop_states: frozenset[str]
    pause_states: frozenset[str]
    target_seconds: int


class ClockStatus(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


@dataclass
class ClockReading:
    status: ClockStatus
    started_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    elapsed_seconds: int = 0
    # When the target is (or was) reached if the clock keeps running; None while paused or not started.
    deadline: dt.datetime | None = None
    breached: bool = False
    pauses: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)


def _ordered(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    ordered = sorted(events, key=lambda e: e.at)
    for event in ordered:
        if event.at.tzinfo is None:
            raise ValueError("timeline events need aware datetimes")
    return ordered


def read_clock(
    rule: ClockRule, events: Sequence[TimelineEvent], calendar: Calendar, now: dt.datetime
) -> ClockReading:
    """Where the clock stands at `now`, replaying the timeline up to then."""
    reading = ClockReading(ClockStatus.NOT_STARTED)
    running_since: dt.datetime | None = None
    for event in _ordered(events):
        if event.at > now:
            break
        paused = event.state in rule.pause_states or event.waiting_on_client
        if reading.status is ClockStatus.NOT_STARTED:
            if event.state not in rule.start_states:
                continue
            reading.started_at = event.at
            reading.status = ClockStatus.RUNNING
            running_since = event.at
        if event.state in rule.stop_states:
            if running_since is not None:
                reading.elapsed_seconds += calendar.business_seconds_between(running_since, event.at)
            _close_pause(reading, event.at)
            reading.status, reading.stopped_at, running_since = ClockStatus.STOPPED, event.at, None
            break
        if paused and reading.status is ClockStatus.RUNNING:
            assert running_since is not None
            reading.elapsed_seconds += calendar.business_seconds_between(running_since, event.at)
            reading.status, running_since = ClockStatus.PAUSED, None
            reading.pauses.append((event.at, None))
        elif not paused and reading.status is ClockStatus.PAUSED:
            _close_pause(reading, event.at)
            reading.status, running_since = ClockStatus.RUNNING, event.at
    if reading.status is ClockStatus.RUNNING and running_since is not None:
        remaining = rule.target_seconds - reading.elapsed_seconds
        reading.deadline = calendar.add_business_seconds(running_since, max(remaining, 0))
        reading.elapsed_seconds += calendar.business_seconds_between(running_since, now)
    reading.breached = reading.elapsed_seconds > rule.target_seconds
    return reading


def _close_pause(reading: ClockReading, at: dt.datetime) -> None:
    if reading.pauses and reading.pauses[-1][1] is None:
        reading.pauses[-1] = (reading.pauses[-1][0], at)


def met_share(readings: Collection[ClockReading]) -> tuple[int, int]:
    """(clocks that met their target, clocks that count): the basis of a rate indicator."""
    counted = [r for r in readings if r.status is ClockStatus.STOPPED]
    return sum(1 for r in counted if not r.breached), len(counted)
