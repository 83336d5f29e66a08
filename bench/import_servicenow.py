"""Benchmark: import the ServiceNow incident event log into a fresh database, then import it again.

    python bench/import_servicenow.py                      # SQLite, in a temporary folder
    DATABASE_URL=postgres://user@host:5432/empty_db python bench/import_servicenow.py

Reads ../shared/data/itsm/servicenow_incident_uci/incident_event_log.csv when present, else the
excerpt in tests/data. PostgreSQL needs an empty database (see bench/README.md); SQLite gets a
new file under a temporary SERVICEHUB_HOME, removed at the end. Prints one JSON line per case.

The contract has the demo's incident service levels, so each committed batch's SLA clocks are
computed as in production (the `demands_imported` receiver); `sla_clocks` and `sla_seconds` say
how many and how long, a part of `seconds`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FULL_LOG = ROOT.parent / "shared" / "data" / "itsm" / "servicenow_incident_uci" / "incident_event_log.csv"
EXCERPT = ROOT / "tests" / "data" / "servicenow_excerpt.csv"


def _contract() -> Any:
    """The least the import needs: a provider with a site, a client, a price list and a contract."""
    from servicehub.catalogue.actions import (
        do_create_price_list,
        do_create_service_line,
        do_create_work_unit,
        do_publish_price_list_version,
    )
    from servicehub.catalogue.choices import Complexity
    from servicehub.contracts.actions import do_create_contract, do_define_service_level
    from servicehub.core.choices import Currency
    from servicehub.demo.data import INCIDENT_LEVELS
    from servicehub.org.actions import do_create_organisation, do_create_site
    from servicehub.org.choices import OrganisationKind

    provider = do_create_organisation(
        name="Provider", code="provider", kind=OrganisationKind.PROVIDER, actor=None
    )
    site = do_create_site(
        provider=provider,
        name="Rabat",
        code="rabat",
        city="Rabat",
        timezone="Africa/Casablanca",
        opened_on=dt.date(2004, 1, 1),
        seats=400,
        actor=None,
    )
    client = do_create_organisation(name="Client", code="client", kind=OrganisationKind.CLIENT, actor=None)
    line = do_create_service_line(provider=provider, code="run", name="Run", actor=None)
    unit = do_create_work_unit(
        service_line=line,
        code="INC",
        deliverable="Incident resolved",
        efforts={grade: Decimal("4") for grade in Complexity},
        actor=None,
    )
    price_list = do_create_price_list(
        provider=provider, code="run", name="Run", currency=Currency.MAD, actor=None
    )
    version = do_publish_price_list_version(
        price_list,
        valid_from=dt.date(2016, 1, 1),
        prices={(unit, grade): Decimal("500") for grade in Complexity},
        actor=None,
    )
    contract = do_create_contract(
        reference="BENCH-1",
        title="Service desk",
        provider=provider,
        client=client,
        serving_sites=[site],
        price_list_version=version,
        starts_on=dt.date(2016, 1, 1),
        ends_on=dt.date(2017, 12, 31),
        actor=None,
    )
    for level in INCIDENT_LEVELS:
        do_define_service_level(
            contract,
            code=level.code,
            name=level.name,
            kind=level.kind,
            comparison=level.comparison,
            threshold=level.threshold,
            unit=level.unit,
            window=level.window,
            penalty_percent=level.penalty_percent,
            penalty_cap_percent=level.penalty_cap_percent,
            clock_start_states=level.clock_start,
            clock_stop_states=level.clock_stop,
            target_business_hours=level.target_hours,
            actor=None,
        )
    return contract


@dataclass
class ClockTimer:
    """Counts the clocks the `demands_imported` receiver computes, and the time it takes."""

    clocks: int = 0
    seconds: float = 0.0

    def install(self) -> None:
        from servicehub.demands.clocks import measure_imported
        from servicehub.demands.signals import demands_imported

        uid = "servicehub.measure_imported"

        def timed(sender: object, **kwargs: Any) -> None:
            started = time.perf_counter()
            self.clocks += measure_imported(sender, **kwargs).clocks
            self.seconds += time.perf_counter() - started

        # The same receiver under the same name, with a stopwatch around it.
        assert demands_imported.disconnect(dispatch_uid=uid), "the SLA clocks no longer listen to imports"
        demands_imported.connect(timed, weak=False, dispatch_uid=uid)

    def reset(self) -> None:
        self.clocks, self.seconds = 0, 0.0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="the event log (default: the full log, else the excerpt)")
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()
    path: Path = args.file or (FULL_LOG if FULL_LOG.exists() else EXCERPT)
    case = "servicenow_import_full" if path == FULL_LOG else f"servicenow_import_{path.stem}"

    home = Path(tempfile.mkdtemp(prefix="servicehub-bench-"))
    os.environ["SERVICEHUB_HOME"] = str(home)  # the SQLite database, unless DATABASE_URL says otherwise
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehub.settings")
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from servicehub.demands.actions import IMPORT_BATCH_SIZE, do_import_servicenow
        from servicehub.org.models import Organisation

        call_command("migrate", verbosity=0)
        if Organisation.objects.exists():
            print(
                "bench: the database is not empty; give it an empty one (see bench/README.md)",
                file=sys.stderr,
            )
            return 2
        contract = _contract()
        reference = f"{path.name} sha256:{_sha256(path)[:16]}"
        batch_size = args.batch_size or IMPORT_BATCH_SIZE
        timer = ClockTimer()
        timer.install()
        for name, label in ((case, "import"), (case.replace("import", "reimport", 1), "reimport")):
            timer.reset()
            report = do_import_servicenow(contract, path, actor=None, batch_size=batch_size)
            result = {
                "case": name,
                "database": connection.vendor,
                "batch_size": batch_size,
                "rows": report.rows_read,
                "events": report.events_imported,
                "incidents": report.incidents_imported,
                "incidents_already_present": report.incidents_skipped,
                "skipped_rows": report.problems.total,
                "seconds": round(report.seconds, 2),
                "rows_per_second": round(report.rows_per_second),
                "sla_clocks": timer.clocks,
                "sla_seconds": round(timer.seconds, 2),
                "reference": reference,
            }
            if label == "reimport":
                result["added"] = report.incidents_imported + report.events_imported
            print(json.dumps(result), flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
