"""`servicehub sla tick`: recompute SLA clocks, mark breaches and purge expired idempotency keys;
`--every N` keeps doing it. `servicehub sla refresh --contract REF`: recompute one contract's clocks.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from servicehub.api.idempotency import purge_expired_keys
from servicehub.contracts.models import Contract
from servicehub.demands.clocks import refresh_contract_clocks, tick


class Command(BaseCommand):
    help = (
        "Recompute the SLA clocks of live demands, mark new breaches and purge expired idempotency keys "
        "(safe to run in several workers); or recompute one contract's clocks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("tick", help="one pass, or one every --every seconds")
        run.add_argument("--every", type=int, default=0, help="seconds between passes (0: a single pass)")
        run.add_argument("--batch", type=int, default=500, help="demands per transaction")
        refresh = sub.add_parser(
            "refresh",
            help="recompute the clocks of every demand of a contract, finished and imported ones included "
            "(after its service levels' clocks changed)",
        )
        refresh.add_argument("--contract", required=True, help="the contract's reference")
        refresh.add_argument("--batch", type=int, default=500, help="demands per transaction")

    def handle(self, *args: Any, what: str, batch: int, **options: Any) -> None:
        if what == "refresh":
            self._refresh(options["contract"], batch=batch)
            return
        every = options["every"]
        while True:
            refreshed, marked = tick(batch=batch)
            # The API's idempotency keys expire too; the worker that already runs on a timer forgets them.
            purged = purge_expired_keys()
            self.stdout.write(
                _(
                    "%(clocks)s clocks of %(demands)s demands recomputed, %(breaches)s new breaches marked, "
                    "%(keys)s expired idempotency keys purged."
                )
                % {
                    "clocks": refreshed.clocks,
                    "demands": refreshed.demands,
                    "breaches": marked,
                    "keys": purged,
                }
            )
            if every <= 0:
                return
            time.sleep(every)

    def _refresh(self, reference: str, *, batch: int) -> None:
        contract = Contract.objects.filter(reference=reference).first()
        if contract is None:
            raise CommandError(
                _("--contract: no contract has the reference “%(reference)s”.") % {"reference": reference}
            )
        report = refresh_contract_clocks(contract, batch=batch)
        self.stdout.write(
            _("%(clocks)s clocks of %(demands)s demands of %(contract)s recomputed.")
            % {"clocks": report.clocks, "demands": report.demands, "contract": contract.reference}
        )
