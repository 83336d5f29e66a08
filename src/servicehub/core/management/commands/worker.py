"""`servicehub worker`: the background work of the platform, in one process.

It runs queued plan runs one at a time (planning/jobs.py) and, every `--sla-every` seconds, the SLA
tick (clocks, breaches, expired idempotency keys). `servicehub serve` starts one beside the web
server; more can run on other machines, since claiming a run and marking a breach are both
conditional updates that only one worker wins.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.translation import gettext as _

from servicehub.api.idempotency import purge_expired_keys
from servicehub.demands.clocks import tick
from servicehub.planning.jobs import work_once


class Command(BaseCommand):
    help = "Run queued plan runs and the periodic SLA tick (--once: one round, then stop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then stop")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the queue")
        parser.add_argument("--sla-every", type=int, default=300, help="seconds between SLA ticks (0: never)")

    def handle(self, *args: Any, once: bool, poll: float, sla_every: int, **options: Any) -> None:
        last_tick = 0.0
        while True:
            run = work_once()
            if run is not None:
                self.stdout.write(
                    _("Plan run %(run)s: %(state)s.") % {"run": run.pk, "state": run.get_state_display()}
                )
            if sla_every > 0 and time.monotonic() - last_tick >= sla_every:
                last_tick = time.monotonic()
                _refreshed, marked = tick()
                purge_expired_keys()
                if marked:
                    self.stdout.write(_("%(breaches)s new SLA breaches marked.") % {"breaches": marked})
            if once:
                return
            # A long-lived process: drop a connection the server closed or that outlived CONN_MAX_AGE.
            close_old_connections()
            if run is None:
                time.sleep(poll)
