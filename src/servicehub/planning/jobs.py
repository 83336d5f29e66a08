"""Plan runs as background jobs: a worker claims a queued run, solves it, reports progress, honours cancel.

The queue is the PlanRun table itself: claiming is a conditional UPDATE (queued → running), so two
workers never take the same run. While solving, the worker writes the progress and a heartbeat at
most every PROGRESS_EVERY seconds, and reads `cancel_requested` at the same moments; a run whose
heartbeat is older than STALE_AFTER is taken for dead (its worker stopped) and marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.planning.choices import RunState
from servicehub.planning.models import PlanRun
from servicehub.planning.solver import InstanceError, solve

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds
STALE_AFTER = 120  # seconds without a heartbeat


class RunCancelled(Exception):
    """Raised from the progress callback when someone asked to cancel the run."""


def claim_next() -> PlanRun | None:
    """The oldest queued run, now running and ours; None when there is none."""
    for pk in (
        PlanRun.objects.filter(state=RunState.QUEUED)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:5]
    ):
        now = clock.now()
        if PlanRun.objects.filter(pk=pk, state=RunState.QUEUED).update(
            state=RunState.RUNNING, started_at=now, updated_at=now, progress=0.0
        ):
            return PlanRun.objects.get(pk=pk)
    return None


def fail_stale_runs() -> int:
    """Mark failed the running runs whose worker stopped answering."""
    cutoff = clock.now() - dt.timedelta(seconds=STALE_AFTER)
    return PlanRun.objects.filter(state=RunState.RUNNING, updated_at__lt=cutoff).update(
        state=RunState.FAILED,
        finished_at=clock.now(),
        message=_("The run was interrupted: its worker stopped. Run the plan again."),
    )


def execute(run: PlanRun) -> PlanRun:
    """Solve a claimed run and record how it ended (done, failed or cancelled)."""
    last = 0.0

    def progress(fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY:
            return
        last = now
        PlanRun.objects.filter(pk=run.pk).update(
            progress=max(0.0, min(1.0, fraction)), updated_at=clock.now()
        )
        if PlanRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
            raise RunCancelled

    try:
        if PlanRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
            raise RunCancelled
        result: dict[str, Any] = solve(
            run.instance or {}, time_limit=float(run.time_limit), progress=progress
        )
    except RunCancelled:
        return _finish(run, state=RunState.CANCELLED, message=_("Cancelled while solving."))
    except InstanceError as error:
        return _finish(
            run,
            state=RunState.FAILED,
            message=_("The plan's inputs are invalid: %(error)s") % {"error": error},
        )
    except Exception:
        log.exception("plan run %s failed", run.pk)
        return _finish(
            run, state=RunState.FAILED, message=_("The solver stopped on an unexpected error; it is logged.")
        )
    if result.get("status") == "error":
        return _finish(run, state=RunState.FAILED, message=str(result.get("message", "")))
    unplanned = len(result.get("unplanned", []))
    planned = len({a["item"] for a in result.get("assignments", [])})
    return _finish(
        run,
        state=RunState.DONE,
        result=result,
        objective=_money(result.get("objective")),
        bound=_money(result.get("bound")),
        planned_items=planned,
        unplanned_items=unplanned,
    )


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _finish(run: PlanRun, **fields: Any) -> PlanRun:
    fields.setdefault("message", "")
    now = clock.now()
    PlanRun.objects.filter(pk=run.pk).update(finished_at=now, updated_at=now, progress=1.0, **fields)
    run.refresh_from_db()
    return run


def work_once() -> PlanRun | None:
    """Fail stale runs, then run the next queued one if any; returns it."""
    fail_stale_runs()
    run = claim_next()
    return execute(run) if run is not None else None
