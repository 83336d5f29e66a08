"""`servicehub import servicenow FILE.csv --contract REF`: load a client's ticket history into a contract."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from servicehub.contracts.choices import Comparison, MeasureUnit
from servicehub.contracts.models import Contract
from servicehub.demands.actions import IMPORT_BATCH_SIZE, IMPORT_MAX_BATCH_SIZE, do_import_servicenow
from servicehub.demands.choices import DemandSource, ImportProblem
from servicehub.demands.imports.servicenow import STATES, ImportFormatError, ImportReport
from servicehub.demands.service_review import review_imported_history

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
        self._service_levels(contract)

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

    def _service_levels(self, contract: Contract) -> None:
        """The imported months as the contract's indicators measure them, or why nothing was measured."""
        # The clocks were computed as each batch committed (demands_imported); this only reads them.
        review = review_imported_history(contract, DemandSource.SERVICENOW)
        fix = {
            "contract": contract.reference,
            "states": ", ".join(dict.fromkeys(mapped.state.value for mapped in STATES.values())),
        }
        if not review.clock_levels:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "Nothing was measured: no service level of %(contract)s has a clock. Give its "
                        "indicators the states that start and stop their clock and a target in business "
                        "hours (imported incidents go through: %(states)s), then run: "
                        "servicehub sla refresh --contract %(contract)s"
                    )
                    % fix
                )
            )
            return
        if not review.months:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "Nothing was measured: no clock of an imported incident stopped. The clocks of "
                        "%(levels)s start or stop on states that imported incidents do not reach (they go "
                        "through: %(states)s). Change those states, then run: "
                        "servicehub sla refresh --contract %(contract)s"
                    )
                    % {**fix, "levels": ", ".join(level.code for level in review.clock_levels)}
                )
            )
            return
        write = self.stdout.write
        write(_("Service levels measured on the imported history, month by month:"))
        headers = (_("Month"), _("Measured value"), _("Samples"), _("Verdict"))
        for level, months in review.measured:
            commitment = _("%(comparison)s %(threshold)s %(unit)s") % {
                "comparison": Comparison(level.comparison).label,
                "threshold": floatformat(level.threshold, "-2"),
                "unit": MeasureUnit(level.unit).label,
            }
            write(f"  {level.name} ({level.code}): {commitment}")
            rows = [
                (
                    f"{month:%Y-%m}",
                    number_format(measurement.value, decimal_pos=2),
                    str(measurement.samples),
                    _("Met") if measurement.met else _("Missed"),
                )
                for month, measurement in months
            ]
            widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
            for month, value, samples, verdict in (headers, *rows):
                # Months to the left, figures to the right, the verdict last and unpadded.
                cells = (month.ljust(widths[0]), value.rjust(widths[1]), samples.rjust(widths[2]), verdict)
                write("    " + "  ".join(cells))
