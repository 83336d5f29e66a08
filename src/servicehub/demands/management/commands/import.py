"""`servicehub import servicenow FILE.csv --contract REF`: load a client's ticket history into a contract."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from servicehub.contracts.models import Contract
from servicehub.demands.actions import IMPORT_BATCH_SIZE, IMPORT_MAX_BATCH_SIZE, do_import_servicenow
from servicehub.demands.choices import ImportProblem
from servicehub.demands.imports.servicenow import ImportFormatError, ImportReport

FIRST_LINES = 10


def _batch_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= IMPORT_MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(
            _("a whole number from 1 to %(maximum)s") % {"maximum": IMPORT_MAX_BATCH_SIZE}
        )
    return value


class Command(BaseCommand):
    help = "Import a client's ticket history into a contract, e.g. servicenow FILE.csv --contract REF."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        servicenow = sources.add_parser(
            "servicenow",
            help="a ServiceNow incident event log (CSV, one row per update of an incident)",
        )
        servicenow.add_argument("file", help="the CSV file")
        servicenow.add_argument("--contract", required=True, help="the contract's reference")
        servicenow.add_argument(
            "--batch-size",
            type=_batch_size,
            default=IMPORT_BATCH_SIZE,
            help="incidents per transaction, and how often progress is shown (default %(default)s)",
        )

    def handle(self, *args: Any, source: str, **options: Any) -> None:
        # One source today; another tool's export would be another subcommand and reader.
        assert source == "servicenow"
        reference = options["contract"]
        contract = Contract.objects.filter(reference=reference).first()
        if contract is None:
            raise CommandError(
                _("--contract: no contract has the reference “%(reference)s”.") % {"reference": reference}
            )
        path = options["file"]
        verbose = options["verbosity"] > 0
        try:
            report = do_import_servicenow(
                contract,
                path,
                actor=None,
                batch_size=options["batch_size"],
                progress=self._progress if verbose else None,
            )
        except FileNotFoundError:
            raise CommandError(_("%(file)s: no such file.") % {"file": path}) from None
        except UnicodeDecodeError:
            raise CommandError(_("%(file)s is not a UTF-8 text file.") % {"file": path}) from None
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        except ImportFormatError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self._summary(report, path, contract, details=options["verbosity"] > 1)

    def _progress(self, report: ImportReport) -> None:
        self.stdout.write(
            _("… %(incidents)s incidents read (%(imported)s imported, %(skipped)s already present)")
            % {
                "incidents": report.incidents_read,
                "imported": report.incidents_imported,
                "skipped": report.incidents_skipped,
            }
        )

    def _summary(self, report: ImportReport, path: str, contract: Contract, *, details: bool) -> None:
        write = self.stdout.write
        write(
            _("%(file)s into %(contract)s: %(seconds).1f s, %(speed)s rows/s")
            % {
                "file": path,
                "contract": contract.reference,
                "seconds": report.seconds,
                "speed": round(report.rows_per_second),
            }
        )
        problems = report.problems
        for count, label in (
            (report.rows_read, _("rows read")),
            (report.incidents_imported, _("incidents imported")),
            (report.incidents_skipped, _("incidents skipped, already present")),
            (report.events_imported, _("events imported")),
            (problems.total, _("malformed rows skipped")),
        ):
            write(f"  {count:>7}  {label}")
        for reason in problems.reasons():
            first = problems.first(reason, FIRST_LINES)
            if problems.counts[reason] == 1:
                where = _("line %(line)s") % {"line": first[0][0]}
            else:
                more = ", …" if problems.counts[reason] > len(first) else ""
                where = _("lines %(lines)s") % {"lines": ", ".join(str(line) for line, _d in first) + more}
            write(f"  {problems.counts[reason]:>7}    {ImportProblem(reason).label}: {where}")
            if details:
                for line, detail in first:
                    write(f"             {line}: {detail}")
