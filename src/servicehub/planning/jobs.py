"""Plan runs as background jobs: a worker claims a queued run, solves it, reports progress, honours cancel.

The queue is the PlanRun table itself: claiming is a conditional UPDATE (queued → running), so two
workers never take the same run. While solving, the worker writes the progress and a heartbeat
every PROGRESS_EVERY seconds, and reads `cancel_requested` at the same moments; a run whose
heartbeat is older than STALE_AFTER is taken for dead (its worker stopped) and marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.planning.choices import RunState
from servicehub.planning.models import PlanRun
from servicehub.planning.solver import Cancelled, InstanceError, solve

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds
STALE_AFTER = 120  # seconds without a heartbeat


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
    """Solve a claimed run and record how it ended (done, failed or cancelled).

    The solver works in a thread of its own and never touches the database; this thread writes the
    progress and heartbeat every PROGRESS_EVERY seconds and passes a cancel on through `stop`, so
    a long MIP neither looks dead to `fail_stale_runs` nor ignores Cancel. Progress is the larger of
    what the solver reports and the share of the time limit spent (the solver stops at that limit).
    """
    if PlanRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
        return _finish(run, state=RunState.CANCELLED, message=_("Cancelled while solving."))
    limit = float(run.time_limit)
    reported = [0.0]
    outcome: dict[str, Any] = {}
    stop = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = solve(
                run.instance or {},
                time_limit=limit,
                progress=lambda fraction: reported.__setitem__(0, fraction),
                stop=stop,
            )
        except Exception as error:  # handed to the waiting thread, which decides
            outcome["error"] = error

    solver = threading.Thread(target=work, name=f"plan-run-{run.pk}", daemon=True)
    started = time.monotonic()
    solver.start()
    while True:
        solver.join(PROGRESS_EVERY)
        if not solver.is_alive():
            break
        spent = (time.monotonic() - started) / max(limit, 1e-3)
        PlanRun.objects.filter(pk=run.pk).update(
            progress=max(0.0, min(0.99, max(reported[0], spent))), updated_at=clock.now()
        )
        if not stop.is_set() and PlanRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
            stop.set()
    error = outcome.get("error")
    if isinstance(error, Cancelled):
        return _finish(run, state=RunState.CANCELLED, message=_("Cancelled while solving."))
    if isinstance(error, InstanceError):
        return _finish(
            run,
            state=RunState.FAILED,
            message=_("The plan's inputs are invalid: %(error)s") % {"error": error},
        )
    if error is not None:
        log.error("plan run %s failed", run.pk, exc_info=error)
        return _finish(
            run, state=RunState.FAILED, message=_("The solver stopped on an unexpected error; it is logged.")
        )
    result: dict[str, Any] = outcome["result"]
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
