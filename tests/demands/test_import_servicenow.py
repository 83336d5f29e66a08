"""Importing a ServiceNow incident event log: demands, their timelines, a report of the rows skipped."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.utils import translation

from conftest import World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.core.tenancy import Action
from servicehub.demands.actions import do_import_servicenow
from servicehub.demands.choices import DemandSource, DemandState, ImportProblem
from servicehub.demands.imports.servicenow import ImportReport
from servicehub.demands.models import Demand, DemandEvent
from servicehub.demands.signals import demands_imported

DATA = Path(__file__).resolve().parents[1] / "data"
EXCERPT = DATA / "servicenow_excerpt.csv"
MALFORMED = DATA / "servicenow_malformed.csv"
UTC = dt.UTC
S = DemandState


@pytest.fixture(autouse=True)
def _casablanca(settings: Any) -> None:
    # The log's times carry no zone: they are read in the installation's. Said here, not assumed.
    settings.TIME_ZONE = "Africa/Casablanca"


def _counted(path: Path) -> tuple[int, int]:
    """(incidents, events) of a well-formed file, counted without the importer: numbers and rows."""
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    return len({row["number"] for row in rows}), len(rows)


def _timeline(reference: str) -> list[tuple[str, str, dt.datetime, int | None, bool, str]]:
    return [
        (e.from_state, e.to_state, e.at, e.external_seq, e.waiting_on_client, e.note)
        for e in DemandEvent.objects.filter(demand__reference=reference).order_by("at", "id")
    ]


def _import(world: World, path: Path | io.StringIO = EXCERPT, **options: Any) -> ImportReport:
    with translation.override("en"):
        return do_import_servicenow(world.contract_a, path, actor=options.pop("actor", None), **options)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_the_excerpt_imports_every_incident_with_every_event(world: World) -> None:
    incidents, events = _counted(EXCERPT)
    assert (incidents, events) == (41, 267)

    report = _import(world)

    assert (report.rows_read, report.incidents_imported, report.events_imported) == (
        events,
        incidents,
        events,
    )
    assert (report.incidents_skipped, report.problems.total) == (0, 0)
    imported = Demand.objects.filter(contract=world.contract_a, source=DemandSource.SERVICENOW)
    assert imported.count() == incidents
    assert DemandEvent.objects.filter(demand__in=imported).count() == events
    assert set(imported.values_list("currency", flat=True)) == {world.contract_a.currency}
    assert all(d.reference == f"SN-{d.external_ref}" for d in imported)
    assert not DemandEvent.objects.filter(demand__in=imported, actor__isnull=False).exists()


def test_a_resolved_then_closed_incident_by_hand(world: World) -> None:
    _import(world)

    demand = Demand.objects.get(reference="SN-0000045")
    assert demand.external_ref == "0000045"
    assert demand.title == "Incident 0000045 — category 55 / 170"
    # Casablanca was on UTC+0 until 27 March 2016.
    assert demand.opened_at == dt.datetime(2016, 2, 29, 1, 16, tzinfo=UTC)
    assert (demand.state, demand.state_changed_at) == (S.ACCEPTED, dt.datetime(2016, 3, 5, 12, 0, tzinfo=UTC))
    assert demand.priority == 3
    assert _timeline("SN-0000045") == [
        ("", S.SUBMITTED, dt.datetime(2016, 2, 29, 1, 23, tzinfo=UTC), 0, False, "ServiceNow: New"),
        (
            S.SUBMITTED,
            S.DELIVERED,
            dt.datetime(2016, 2, 29, 8, 53, tzinfo=UTC),
            2,
            False,
            "ServiceNow: Resolved",
        ),
        (
            S.DELIVERED,
            S.DELIVERED,
            dt.datetime(2016, 2, 29, 11, 29, tzinfo=UTC),
            3,
            False,
            "ServiceNow: Resolved",
        ),
        (S.DELIVERED, S.ACCEPTED, dt.datetime(2016, 3, 5, 12, 0, tzinfo=UTC), 4, False, "ServiceNow: Closed"),
    ]


def test_waiting_on_the_client_is_flagged_and_summer_time_is_applied(world: World) -> None:
    _import(world)

    # 0000074 waits on the user for six weeks, across Morocco's change to UTC+1 on 27 March 2016.
    assert _timeline("SN-0000074") == [
        ("", S.IN_PROGRESS, dt.datetime(2016, 2, 29, 8, 23, tzinfo=UTC), 0, False, "ServiceNow: Active"),
        (
            S.IN_PROGRESS,
            S.IN_PROGRESS,
            dt.datetime(2016, 2, 29, 8, 38, tzinfo=UTC),
            1,
            True,
            "ServiceNow: Awaiting User Info",
        ),
        (
            S.IN_PROGRESS,
            S.IN_PROGRESS,
            dt.datetime(2016, 2, 29, 14, 16, tzinfo=UTC),
            2,
            True,
            "ServiceNow: Awaiting User Info",
        ),
        (
            S.IN_PROGRESS,
            S.IN_PROGRESS,
            dt.datetime(2016, 3, 21, 11, 7, tzinfo=UTC),
            9,
            True,
            "ServiceNow: Awaiting User Info",
        ),
        (
            S.IN_PROGRESS,
            S.DELIVERED,
            dt.datetime(2016, 4, 11, 13, 39, tzinfo=UTC),
            18,
            False,
            "ServiceNow: Resolved",
        ),
        (
            S.DELIVERED,
            S.ACCEPTED,
            dt.datetime(2016, 4, 16, 14, 7, tzinfo=UTC),
            19,
            False,
            "ServiceNow: Closed",
        ),
    ]
    demand = Demand.objects.get(reference="SN-0000074")
    assert demand.state_changed_at == dt.datetime(2016, 4, 16, 14, 7, tzinfo=UTC)
    # A reopened incident: resolved, active again, resolved, closed.
    assert [to for _f, to, _at, _seq, _w, _n in _timeline("SN-0000102")][-4:] == [
        S.DELIVERED,
        S.IN_PROGRESS,
        S.DELIVERED,
        S.ACCEPTED,
    ]


def test_a_second_import_adds_nothing(world: World) -> None:
    first = _import(world)
    before = _row_counts()

    again = _import(world)

    assert _row_counts() == before
    assert (again.incidents_imported, again.events_imported) == (0, 0)
    assert again.incidents_skipped == first.incidents_imported == 41


def test_one_audit_row_per_imported_demand(world: World, personas: dict[str, User]) -> None:
    lead = personas["delivery_lead"]

    _import(world, actor=lead)

    rows = AuditLog.objects.filter(event=AuditEvent.DEMAND_IMPORTED)
    demands = Demand.objects.filter(source=DemandSource.SERVICENOW)
    assert rows.count() == demands.count() == 41
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in demands.values_list("pk", flat=True)
    )
    row = rows.get(object_id=str(Demand.objects.get(reference="SN-0000045").pk))
    assert (row.actor, row.actor_label, row.object_type) == (lead, "delivery_lead", "demands.demand")
    assert row.after == {"source": "servicenow", "external_ref": "0000045", "state": "accepted", "events": 4}


def test_imported_demands_belong_to_the_contracts_client_only(
    world: World, personas: dict[str, User]
) -> None:
    _import(world)

    assert not Demand.objects.restrict(personas["client_b"], Action.VIEW).exists()
    assert not DemandEvent.objects.restrict(personas["client_b"], Action.VIEW).exists()
    assert Demand.objects.restrict(personas["client_a"], Action.VIEW).count() == 41
    assert DemandEvent.objects.restrict(personas["client_a"], Action.VIEW).count() == 267


@pytest.mark.parametrize(
    "persona, refusal",
    [
        ("director", None),
        ("delivery_lead", None),
        ("site_manager", PermissionDenied),
        ("resource_manager", PermissionDenied),
        ("recruiter", PermissionDenied),
        ("specialist", PermissionDenied),
        ("client_a", PermissionDenied),
        ("client_b", Http404),
    ],
)
def test_who_may_import(
    world: World, personas: dict[str, User], persona: str, refusal: type[Exception] | None
) -> None:
    if refusal is None:
        assert _import(world, actor=personas[persona]).incidents_imported == 41
        return
    before = _row_counts()
    with pytest.raises(refusal):
        _import(world, actor=personas[persona])
    assert _row_counts() == before


def test_malformed_rows_are_reported_by_line_and_skipped(world: World) -> None:
    report = _import(world, MALFORMED)

    found = {
        reason: [line for line, _detail in report.problems.first(reason)]
        for reason in report.problems.reasons()
    }
    assert found == {
        ImportProblem.UNKNOWN_STATE: [18, 19],
        ImportProblem.BAD_DATE: [7],
        ImportProblem.COLUMN_COUNT: [14],
        ImportProblem.DUPLICATE_SEQUENCE: [23],
        ImportProblem.EMPTY_LINE: [11],
        ImportProblem.MISSING_NUMBER: [13],
    }
    assert report.problems.first(ImportProblem.UNKNOWN_STATE) == [(18, "-100"), (19, "-100")]
    assert report.problems.first(ImportProblem.BAD_DATE) == [(7, "sys_updated_at 29/2/2016 05h30")]
    assert (report.rows_read, report.problems.total) == (25, 7)
    assert (report.incidents_imported, report.events_imported) == (5, 18)
    # The rest of each incident imports: 0000047 goes from New straight to Awaiting User Info.
    assert [(f, to, seq, waiting) for f, to, _at, seq, waiting, _n in _timeline("SN-0000047")] == [
        ("", S.SUBMITTED, 0, False),
        (S.SUBMITTED, S.IN_PROGRESS, 6, True),
        (S.IN_PROGRESS, S.DELIVERED, 7, False),
        (S.DELIVERED, S.ACCEPTED, 8, False),
    ]
    assert [seq for _f, _to, _at, seq, _w, _n in _timeline("SN-0000057")] == [0, 5, 6]
    assert [seq for _f, _to, _at, seq, _w, _n in _timeline("SN-0028089")] == [0, 3, 4, 5]
    # Of 0000137's two rows numbered 1, the one that fits before update 2 (11:03) is kept.
    assert _timeline("SN-0000137")[0][2:4] == (dt.datetime(2016, 2, 29, 9, 52, tzinfo=UTC), 1)


def test_an_ungrouped_file_gives_the_same_demands(world: World, tmp_path: Path) -> None:
    header, *rows = EXCERPT.read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    # Every third row first, then the rest backwards: no incident's rows stay together.
    shuffled.write_text(
        "\n".join([header, *rows[::3], *reversed([r for i, r in enumerate(rows) if i % 3])]) + "\n"
    )

    report = _import(world, shuffled, batch_size=7)

    assert (report.incidents_imported, report.events_imported, report.problems.total) == (41, 267, 0)
    assert _timeline("SN-0000074")[4][1:4] == (S.DELIVERED, dt.datetime(2016, 4, 11, 13, 39, tzinfo=UTC), 18)
    assert Demand.objects.get(reference="SN-0000045").state == S.ACCEPTED


def test_the_pristine_uci_layout_reads_too(world: World) -> None:
    # The UCI release names the columns right and keeps the prefixes the shared copy strips.
    lines = EXCERPT.read_text().splitlines()[:5]
    header = (
        lines[0].replace("ident_state", "incident_state").replace("category,category", "category,subcategory")
    )
    rows = [f"INC{line}".replace(",2,2,3,", ",2 - Medium,2 - Medium,3 - Moderate,") for line in lines[1:]]
    assert all("3 - Moderate" in row for row in rows)
    report = _import(world, io.StringIO("\n".join([header, *rows]) + "\n"))

    assert (report.incidents_imported, report.events_imported, report.problems.total) == (1, 4, 0)
    demand = Demand.objects.get(external_ref="0000045")
    assert (demand.reference, demand.priority, demand.state) == ("SN-0000045", 3, S.ACCEPTED)
    assert demand.title == "Incident 0000045 — category 55 / 170"


def test_a_stream_that_cannot_seek_is_read(world: World) -> None:
    class Pipe(io.StringIO):
        def seekable(self) -> bool:
            return False

    report = _import(world, Pipe(EXCERPT.read_text()))

    assert (report.incidents_imported, report.events_imported) == (41, 267)


def test_the_same_log_into_a_second_contract(world: World) -> None:
    _import(world)
    with translation.override("en"):
        report = do_import_servicenow(world.contract_b, EXCERPT, actor=None)

    assert report.incidents_imported == 41
    other = Demand.objects.get(contract=world.contract_b, external_ref="0000045")
    assert other.reference == f"SN-{world.contract_b.pk}-0000045"
    assert Demand.objects.get(contract=world.contract_a, external_ref="0000045").reference == "SN-0000045"


def test_each_committed_batch_is_announced_for_the_sla_clocks(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    announced: list[tuple[int, list[int]]] = []

    def listen(sender: Any, contract_id: int, demand_ids: list[int], **kwargs: Any) -> None:
        announced.append((contract_id, demand_ids))

    demands_imported.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _import(world, batch_size=10)
    finally:
        demands_imported.disconnect(listen)

    assert [len(ids) for _contract, ids in announced] == [10, 10, 10, 10, 1]
    assert {contract for contract, _ids in announced} == {world.contract_a.pk}
    assert sorted(pk for _contract, ids in announced for pk in ids) == sorted(
        Demand.objects.filter(source=DemandSource.SERVICENOW).values_list("pk", flat=True)
    )


def _command(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import", "servicenow", *args, stdout=out)
    return out.getvalue()


def _lines(output: str) -> Iterator[str]:
    return (" ".join(line.split()) for line in output.splitlines())


def test_the_command_prints_progress_and_the_report(world: World) -> None:
    output = _command(str(MALFORMED), "--contract", "CA-1", "--batch-size", "2")

    lines = list(_lines(output))
    assert lines[:3] == [
        "… 2 incidents read (2 imported, 0 already present)",
        "… 4 incidents read (4 imported, 0 already present)",
        "… 5 incidents read (5 imported, 0 already present)",
    ]
    assert lines[3].startswith(f"{MALFORMED} into CA-1: ") and lines[3].endswith(" rows/s")
    assert lines[4:] == [
        "25 rows read",
        "5 incidents imported",
        "0 incidents skipped, already present",
        "18 events imported",
        "7 malformed rows skipped",
        "2 Unknown incident state: lines 18, 19",
        "1 Malformed date: line 7",
        "1 Wrong number of columns: line 14",
        "1 Modification count repeated within the incident: line 23",
        "1 Empty line: line 11",
        "1 Missing incident number: line 13",
    ]
    again = list(_lines(_command(str(MALFORMED), "--contract", "CA-1")))
    assert again[3:6] == ["0 incidents imported", "5 incidents skipped, already present", "0 events imported"]


def test_the_command_names_what_is_wrong_and_imports_nothing(world: World, tmp_path: Path) -> None:
    before = _row_counts()
    with pytest.raises(CommandError, match="--contract"):
        _command(str(EXCERPT), "--contract", "NOPE")
    with pytest.raises(CommandError, match=r"missing\.csv"):
        _command(str(tmp_path / "missing.csv"), "--contract", "CA-1")
    with pytest.raises(CommandError, match="--batch-size"):
        _command(str(EXCERPT), "--contract", "CA-1", "--batch-size", "0")
    other = tmp_path / "other.csv"
    other.write_text("id,status,updated\n1,open,1/1/2016 10:00\n")
    with pytest.raises(CommandError, match="number, incident_state, sys_mod_count, sys_updated_at"):
        _command(str(other), "--contract", "CA-1")
    assert _row_counts() == before
