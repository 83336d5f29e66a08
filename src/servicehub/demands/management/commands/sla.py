"""`servicehub sla tick`: recompute SLA clocks and mark breaches; `--every N` keeps doing it."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from servicehub.demands.clocks import tick


class Command(BaseCommand):
    help = "Recompute the SLA clocks of live demands and mark new breaches (safe to run in several workers)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("tick", help="one pass, or one every --every seconds")
        run.add_argument("--every", type=int, default=0, help="seconds between passes (0: a single pass)")
        run.add_argument("--batch", type=int, default=500, help="demands per transaction")

    def handle(self, *args: Any, every: int, batch: int, **options: Any) -> None:
        while True:
            refreshed, marked = tick(batch=batch)
            self.stdout.write(
                _("%(clocks)s clocks of %(demands)s demands recomputed, %(breaches)s new breaches marked.")
                % {"clocks": refreshed.clocks, "demands": refreshed.demands, "breaches": marked}
            )
            if every <= 0:
                return
            time.sleep(every)
