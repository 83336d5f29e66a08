"""The time actions record. Normally the real time; a builder of past history (the demo) may set it.

Actions that stamp business events (a demand submitted, a delivery accepted, an invoice
issued) read `clock.now()`, so the demo can replay a year of activity with its real dates.
The audit log keeps the real time of writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_replayed: ContextVar[dt.datetime | None] = ContextVar("servicehub_replayed_now", default=None)


def now() -> dt.datetime:
    return _replayed.get() or timezone.now()


def is_replaying() -> bool:
    return _replayed.get() is not None


def localdate() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def replaying_at(moment: dt.datetime) -> Iterator[None]:
    """Within the block, actions stamp `moment` (aware) as the time of what they record."""
    if timezone.is_naive(moment):
        raise ValueError("replaying_at needs an aware datetime")
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)
