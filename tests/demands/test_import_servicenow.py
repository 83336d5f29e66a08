"""Importing a ServiceNow incident event log: demands, their timelines, a report of the rows skipped."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.utils import translation

from conftest import World
from servicehub.contracts.actions import do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import ServiceLevel
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.core.tenancy import Action
from servicehub.demands.actions import do_import_servicenow
from servicehub.demands.choices import ClockState, DemandSource, DemandState, ImportProblem
from servicehub.demands.imports.servicenow import ImportReport
from servicehub.demands.models import Demand, DemandEvent, SlaClock
from servicehub.demands.service_review import measure_month
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
    return _command_with_errors(*args)[0]


def _command_with_errors(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import", "servicenow", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


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


# --- SLA indicators computed on the imported history ----------------------------------------------

FEBRUARY, APRIL = dt.date(2016, 2, 1), dt.date(2016, 4, 1)

# The incidents resolved in February 2016 all opened and resolved on Monday 29 February (Casablanca
# on UTC+0), counted by hand on the site's default hours, 9:00-13:00 and 14:00-18:00, from the first
# update (New or Active) to the first Resolved. None of them waits on the user.
FEBRUARY_SECONDS = {
    "0000045": 0,  # New 01:23, Resolved 08:53: before the office opens
    "0000062": 4 * 3600 + 111 * 60,  # New 07:26, Resolved 15:51
    "0000063": 4 * 3600 + 121 * 60,  # New 07:17, Resolved 16:01
    "0000076": 4 * 3600 + 147 * 60,  # New 08:29, Resolved 16:27
    "0000077": 4 * 60,  # New 08:27, Resolved 09:04
    "0000079": 140 * 60,  # New 08:32, Active 11:19, Resolved 11:20
    "0000083": 4 * 3600 + 125 * 60,  # New 08:56, Resolved 16:05
    "0000088": 5 * 60,  # New 08:48, Resolved 09:05
    "0000101": 107 * 60,  # New 09:13, Active 10:28, Resolved 11:00
    "0000105": 165 * 60,  # New 09:13, Resolved 11:58
}
# Resolved in April after six weeks waiting on the user, a wait that does not count: 0000074 was
# active 08:23-08:38 on 29 February, before opening time; 0000084 09:00-09:11 of 08:39-09:11.
APRIL_SECONDS = {"0000074": 0, "0000084": 11 * 60}


def _incident_level(world: World, code: str, unit: MeasureUnit, threshold: str, target: str) -> ServiceLevel:
    return do_define_service_level(
        world.contract_a,
        code=code,
        name=code,
        kind=ServiceLevelKind.RESOLUTION_TIME,
        comparison=Comparison.AT_MOST if unit == MeasureUnit.BUSINESS_HOURS else Comparison.AT_LEAST,
        threshold=Decimal(threshold),
        unit=unit,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        clock_start_states=["submitted", "in_progress"],
        clock_stop_states=["delivered", "accepted"],
        target_business_hours=Decimal(target),
        actor=None,
    )


@pytest.fixture
def incident_levels(world: World) -> tuple[ServiceLevel, ServiceLevel]:
    """Mean resolution time within 8 business hours; 90 % of incidents resolved within 4."""
    return (
        _incident_level(world, "incident-resolution", MeasureUnit.BUSINESS_HOURS, "8", "8"),
        _incident_level(world, "incident-resolution-rate", MeasureUnit.PERCENT, "90", "4"),
    )


def _resolved_in(month: dt.date) -> set[str]:
    """From the raw file: incidents opened (first update not Resolved or Closed) and resolved in `month`."""
    updates: dict[str, list[tuple[dt.datetime, int, str]]] = {}
    with EXCERPT.open(newline="") as stream:
        for row in csv.DictReader(stream):
            at = dt.datetime.strptime(row["sys_updated_at"], "%d/%m/%Y %H:%M")
            updates.setdefault(row["number"], []).append((at, int(row["sys_mod_count"]), row["ident_state"]))
    found = set()
    for number, rows in updates.items():
        rows.sort()
        if rows[0][2] in {"Resolved", "Closed"}:
            continue
        resolved = next(at for at, _seq, state in rows if state in {"Resolved", "Closed"})
        if (resolved.year, resolved.month) == (month.year, month.month):
            found.add(number)
    return found


def _hours(seconds: list[int]) -> Decimal:
    return (Decimal(sum(seconds)) / len(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_imported_history_is_measured_month_by_month(
    world: World,
    incident_levels: tuple[ServiceLevel, ServiceLevel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    mean, rate = incident_levels
    assert set(FEBRUARY_SECONDS) == _resolved_in(FEBRUARY)
    assert set(APRIL_SECONDS) == _resolved_in(APRIL)

    with django_capture_on_commit_callbacks(execute=True):
        _import(world, batch_size=10)

    imported = Demand.objects.filter(source=DemandSource.SERVICENOW)
    assert SlaClock.objects.filter(demand__in=imported, service_level=mean).count() == 41
    assert SlaClock.objects.filter(demand__in=imported, service_level=rate).count() == 41
    elapsed = dict(
        SlaClock.objects.filter(service_level=mean, demand__external_ref__in=FEBRUARY_SECONDS).values_list(
            "demand__external_ref", "elapsed_seconds"
        )
    )
    assert elapsed == FEBRUARY_SECONDS
    # 0000093 is Resolved from its first update: its clock never started.
    assert SlaClock.objects.get(service_level=mean, demand__external_ref="0000093").status == (
        ClockState.NOT_STARTED
    )

    february = {m.level.code: m for m in measure_month(world.contract_a, FEBRUARY)}
    assert february["incident-resolution"].value == _hours(list(FEBRUARY_SECONDS.values())) == Decimal("3.14")
    assert (february["incident-resolution"].samples, february["incident-resolution"].met) == (10, True)
    within_four_hours = sum(1 for s in FEBRUARY_SECONDS.values() if s <= 4 * 3600)
    assert within_four_hours == 6
    assert february["incident-resolution-rate"].value == Decimal("60.00")
    assert (february["incident-resolution-rate"].samples, february["incident-resolution-rate"].met) == (
        10,
        False,
    )
    april = {m.level.code: m for m in measure_month(world.contract_a, APRIL)}
    assert april["incident-resolution"].value == _hours(list(APRIL_SECONDS.values())) == Decimal("0.09")
    assert april["incident-resolution-rate"].value == Decimal("100.00")


# Committed for real: the command reads the clocks that each batch's commit had computed.
@pytest.mark.django_db(transaction=True)
def test_the_command_prints_the_months_measured(
    world: World, incident_levels: tuple[ServiceLevel, ServiceLevel]
) -> None:
    output, errors = _command_with_errors(str(EXCERPT), "--contract", "CA-1", "--batch-size", "10")

    # February and April are checked by hand above; March is whatever the clocks measured.
    march = {
        m.level.code: f"2016-03 {m.value} {m.samples} {'Met' if m.met else 'Missed'}"
        for m in measure_month(world.contract_a, dt.date(2016, 3, 1))
    }
    lines = list(_lines(output))
    start = lines.index("Service levels measured on the imported history, month by month:")
    assert lines[start + 1 :] == [
        "incident-resolution (incident-resolution): at most 8 business hours",
        "Month Measured value Samples Verdict",
        "2016-02 3.14 10 Met",
        march["incident-resolution"],
        "2016-04 0.09 2 Met",
        "incident-resolution-rate (incident-resolution-rate): at least 90 percent",
        "Month Measured value Samples Verdict",
        "2016-02 60.00 10 Missed",
        march["incident-resolution-rate"],
        "2016-04 100.00 2 Met",
    ]
    assert errors == ""


@pytest.mark.django_db(transaction=True)
def test_the_command_warns_when_the_contract_measures_nothing(world: World) -> None:
    # Contract A's only indicator, "resolution", has no clock.
    output, errors = _command_with_errors(str(EXCERPT), "--contract", "CA-1")

    assert "measured" not in output
    assert " ".join(errors.split()) == (
        "Nothing was measured: no service level of CA-1 has a clock. Give its indicators the states that "
        "start and stop their clock and a target in business hours (imported incidents go through: "
        "submitted, in_progress, delivered, accepted), then run: servicehub sla refresh --contract CA-1"
    )
    assert not SlaClock.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_warns_when_no_imported_clock_stops(world: World) -> None:
    # A project's quoting clock: an incident is never quoted.
    do_define_service_level(
        world.contract_a,
        code="quote",
        name="Quote",
        kind=ServiceLevelKind.RESPONSE_TIME,
        comparison=Comparison.AT_MOST,
        threshold=Decimal("4"),
        unit=MeasureUnit.BUSINESS_HOURS,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        clock_start_states=["submitted"],
        clock_stop_states=["quoted"],
        target_business_hours=Decimal("4"),
        actor=None,
    )
    output, errors = _command_with_errors(str(EXCERPT), "--contract", "CA-1")

    assert "measured" not in output
    assert SlaClock.objects.filter(demand__source=DemandSource.SERVICENOW).count() == 41
    assert " ".join(errors.split()).startswith(
        "Nothing was measured: no clock of an imported incident stopped. The clocks of quote start or "
        "stop on states that imported incidents do not reach"
    )
    assert not SlaClock.objects.filter(stopped_at__isnull=False).exists()


def test_the_fix_the_warning_names_measures_the_history(world: World) -> None:
    _import(world)  # no clock on the contract yet: nothing measured
    mean = _incident_level(world, "incident-resolution", MeasureUnit.BUSINESS_HOURS, "8", "8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("sla", "refresh", "--contract", "CA-1", stdout=out)

    # Every demand of the contract, the closed incidents included (the tick leaves those alone).
    assert out.getvalue().strip() == "41 clocks of 41 demands of CA-1 recomputed."
    assert SlaClock.objects.filter(service_level=mean).count() == 41
    (february,) = measure_month(world.contract_a, FEBRUARY)
    assert (february.level, february.value, february.samples) == (mean, Decimal("3.14"), 10)
