"""Reading a ServiceNow incident event log: one row per update of an incident, its audit trail.

The reference file is the UCI Machine Learning Repository's "Incident management process
enriched event log" (Amaral, Fantinato, Reijers, Peres, 2018): 141,712 updates of 24,918
incidents. This module only reads: it checks rows, groups them by incident and maps the
states; `do_import_servicenow` (demands/actions.py) writes demands and their timelines.

States
------
Each update carries the state the incident is in after it. On the demand lifecycle:

    ServiceNow state      demand state    waiting on the client
    New                   submitted       no
    Active                in_progress     no
    Awaiting User Info    in_progress     yes
    Awaiting Evidence     in_progress     yes
    Awaiting Vendor       in_progress     no
    Awaiting Problem      in_progress     no
    Resolved              delivered       no
    Closed                accepted        no

An incident is neither quoted, ordered nor planned: work starts when the service desk takes
it up. Waiting for the client's answer (user info, evidence) is flagged on the event because
SLA clocks pause on it; waiting for a vendor or for a problem fix is the provider's own time
and pauses nothing. Closing a resolved incident is the client's acceptance. Any other state
(the reference log has five rows in state '-100') makes the row malformed.

Format
------
Columns are found by name in the header, so the pristine UCI layout and the pre-processed copy
in ../shared both read: the copy names incident_state 'ident_state' and the subcategory
'category' a second time, strips the 'INC' prefix of numbers (accepted with or without) and
reduces priorities to their code ('3' for '3 - Moderate'; both read). '?' means missing.

Times are d/m/yyyy H:MM (seconds optional) without a zone, and the log does not say which zone
the tool's clock was in. They are read as wall-clock times of the installation's zone
(settings.TIME_ZONE, passed in by the caller): the zone the imported service desk is assumed
to work in. A time that a daylight-saving change skips or repeats is taken at its first
occurrence.

Rows
----
A row that fails a check is skipped and reported with its line number and why (ImportProblem);
the rest of its incident imports. When an incident has two rows with the same sys_mod_count
(five times in the reference log, always one of them out of order), the row whose time fits
between the neighbouring counts' times is kept (else the later one) and the other reported:
an imported event is named by (incident, sys_mod_count) exactly once.

The file is read twice: once to count each incident's rows, then streaming, handing out each
incident as soon as its last row is read. The reference file is grouped by number, so one
incident at a time is held in memory; a file that is not still imports right, holding more.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _

from servicehub.demands.choices import DemandState, ImportProblem


@dataclass(frozen=True)
class MappedState:
    state: DemandState
    waiting_on_client: bool = False


STATES: dict[str, MappedState] = {
    "New": MappedState(DemandState.SUBMITTED),
    "Active": MappedState(DemandState.IN_PROGRESS),
    "Awaiting User Info": MappedState(DemandState.IN_PROGRESS, waiting_on_client=True),
    "Awaiting Evidence": MappedState(DemandState.IN_PROGRESS, waiting_on_client=True),
    "Awaiting Vendor": MappedState(DemandState.IN_PROGRESS),
    "Awaiting Problem": MappedState(DemandState.IN_PROGRESS),
    "Resolved": MappedState(DemandState.DELIVERED),
    "Closed": MappedState(DemandState.ACCEPTED),
}

MISSING = "?"
NUMBER_MAX_LENGTH = 20
REQUIRED_COLUMNS = ("number", "incident_state", "sys_mod_count", "sys_updated_at")
_RENAMED = {"ident_state": "incident_state"}
_NUMBER = re.compile(rf"(?:INC)?(\d{{1,{NUMBER_MAX_LENGTH}}})\Z", re.ASCII)
_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\Z", re.ASCII)
_PRIORITY = re.compile(r"([1-4])(?:\s*-.*)?\Z")


class ImportFormatError(ValueError):
    """The file cannot be read at all (no header, a required column missing): nothing is imported."""


class RowError(Exception):
    def __init__(self, problem: ImportProblem, detail: str = "") -> None:
        super().__init__(problem, detail)
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """One checked row: an update of an incident."""

    line: int
    seq: int
    at: dt.datetime
    state: str
    opened_at: dt.datetime | None
    priority: int | None
    category: str
    subcategory: str
    symptom: str
    impact: str
    urgency: str

    @property
    def mapped(self) -> MappedState:
        return STATES[self.state]


@dataclass(frozen=True)
class Incident:
    number: str
    # In time order (sys_updated_at, then sys_mod_count), one per sys_mod_count.
    events: tuple[SourceEvent, ...]

    @property
    def last(self) -> SourceEvent:
        return self.events[-1]


@dataclass
class RowProblems:
    """The skipped rows: how many per reason, and the first lines of each."""

    # Line numbers kept per reason: enough to find the pattern, bounded for a file of garbage.
    KEPT_LINES = 1000

    counts: Counter[ImportProblem] = field(default_factory=Counter)
    _lines: dict[ImportProblem, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, line: int, problem: ImportProblem, detail: str = "") -> None:
        self.counts[problem] += 1
        if len(self._lines[problem]) < self.KEPT_LINES:
            self._lines[problem].append((line, detail))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def first(self, problem: ImportProblem, limit: int = 10) -> list[tuple[int, str]]:
        """The first (line, detail) pairs of `problem`, in file order."""
        return sorted(self._lines.get(problem, []))[:limit]

    def reasons(self) -> list[ImportProblem]:
        """The reasons met, most frequent first."""
        return sorted(self.counts, key=lambda problem: (-self.counts[problem], problem.value))


@dataclass
class ImportReport:
    rows_read: int = 0
    incidents_imported: int = 0
    incidents_skipped: int = 0
    events_imported: int = 0
    problems: RowProblems = field(default_factory=RowProblems)
    seconds: float = 0.0

    @property
    def incidents_read(self) -> int:
        return self.incidents_imported + self.incidents_skipped

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


def parse_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """'29/2/2016 01:16' as an aware datetime in `zone`; ValueError if it is not such a date."""
    match = _TIME.match(text)
    if match is None:
        raise ValueError(text)
    day, month, year, hour, minute, second = (int(part) if part else 0 for part in match.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)


def _value(cells: Sequence[str], index: int | None) -> str:
    if index is None:
        return ""
    text = cells[index].strip()
    return "" if text == MISSING else text


@dataclass(frozen=True)
class Columns:
    width: int
    number: int
    state: int
    seq: int
    updated_at: int
    opened_at: int | None
    priority: int | None
    category: int | None
    subcategory: int | None
    symptom: int | None
    impact: int | None
    urgency: int | None

    @classmethod
    def from_header(cls, header: Sequence[str]) -> Columns:
        found: dict[str, int] = {}
        for index, raw in enumerate(header):
            name = raw.strip().lstrip("\ufeff").lower()
            name = _RENAMED.get(name, name)
            if name == "category" and "category" in found:
                # The pre-processed copy calls the subcategory 'category' too.
                name = "subcategory"
            found.setdefault(name, index)
        missing = [name for name in REQUIRED_COLUMNS if name not in found]
        if missing:
            raise ImportFormatError(
                _("The header lacks the column(s) %(columns)s: is this a ServiceNow incident event log?")
                % {"columns": ", ".join(missing)}
            )
        return cls(
            width=len(header),
            number=found["number"],
            state=found["incident_state"],
            seq=found["sys_mod_count"],
            updated_at=found["sys_updated_at"],
            opened_at=found.get("opened_at"),
            priority=found.get("priority"),
            category=found.get("category"),
            subcategory=found.get("subcategory"),
            symptom=found.get("u_symptom"),
            impact=found.get("impact"),
            urgency=found.get("urgency"),
        )

    def number_of(self, cells: Sequence[str]) -> str:
        """The incident number of a row of the right width, without the 'INC' prefix."""
        text = _value(cells, self.number)
        if not text:
            raise RowError(ImportProblem.MISSING_NUMBER)
        match = _NUMBER.match(text)
        if match is None:
            raise RowError(ImportProblem.BAD_NUMBER, text)
        return match.group(1)

    def event_of(self, line: int, cells: Sequence[str], zone: dt.tzinfo) -> SourceEvent:
        state = cells[self.state].strip()
        if state not in STATES:
            raise RowError(ImportProblem.UNKNOWN_STATE, state)
        seq_text = cells[self.seq].strip()
        if not (seq_text.isascii() and seq_text.isdigit()):
            raise RowError(ImportProblem.BAD_SEQUENCE, seq_text)
        updated_text = _value(cells, self.updated_at)
        if not updated_text:
            raise RowError(ImportProblem.MISSING_DATE, "sys_updated_at")
        try:
            at = parse_time(updated_text, zone)
        except ValueError:
            raise RowError(ImportProblem.BAD_DATE, f"sys_updated_at {updated_text}") from None
        opened_text = _value(cells, self.opened_at)
        try:
            opened_at = parse_time(opened_text, zone) if opened_text else None
        except ValueError:
            raise RowError(ImportProblem.BAD_DATE, f"opened_at {opened_text}") from None
        priority_text = _value(cells, self.priority)
        priority_match = _PRIORITY.match(priority_text)
        if priority_text and priority_match is None:
            raise RowError(ImportProblem.BAD_PRIORITY, priority_text)
        return SourceEvent(
            line=line,
            seq=int(seq_text),
            at=at,
            state=state,
            opened_at=opened_at,
            priority=int(priority_match.group(1)) if priority_match else None,
            category=_value(cells, self.category),
            subcategory=_value(cells, self.subcategory),
            symptom=_value(cells, self.symptom),
            impact=_value(cells, self.impact),
            urgency=_value(cells, self.urgency),
        )


def _numbered(reader: Iterator[list[str]], start_line: int) -> Iterator[tuple[int, list[str]]]:
    """The rows with the line each starts on (a quoted field may span lines)."""
    line = start_line
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1  # type: ignore[attr-defined]


class ServiceNowLog:
    """An event log being read: `incidents()` yields them; `problems` and `rows_read` fill up as it goes."""

    def __init__(self, stream: TextIO, zone: dt.tzinfo) -> None:
        self._stream = stream
        self._zone = zone
        self._start = stream.tell()
        self.columns = self._read_header()
        self.problems = RowProblems()
        self.rows_read = 0

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        self._stream.seek(self._start)
        reader = csv.reader(self._stream)
        next(reader, None)
        return _numbered(reader, reader.line_num + 1)

    def _read_header(self) -> Columns:
        header = next(csv.reader(self._stream), None)
        if not header:
            raise ImportFormatError(_("The file is empty: it has no header line."))
        return Columns.from_header(header)

    def _rows_per_incident(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for _line, cells in self._rows():
            if len(cells) == self.columns.width:
                with suppress(RowError):
                    counts[self.columns.number_of(cells)] += 1
        return counts

    def incidents(self) -> Iterator[Incident]:
        remaining = self._rows_per_incident()
        pending: dict[str, list[SourceEvent]] = defaultdict(list)
        for line, cells in self._rows():
            self.rows_read += 1
            if not cells:
                self.problems.add(line, ImportProblem.EMPTY_LINE)
                continue
            if len(cells) != self.columns.width:
                self.problems.add(line, ImportProblem.COLUMN_COUNT, f"{len(cells)} / {self.columns.width}")
                continue
            try:
                number = self.columns.number_of(cells)
            except RowError as error:
                self.problems.add(line, error.problem, error.detail)
                continue
            try:
                pending[number].append(self.columns.event_of(line, cells, self._zone))
            except RowError as error:
                self.problems.add(line, error.problem, error.detail)
            remaining[number] -= 1
            if remaining[number] <= 0:
                del remaining[number]
                events = pending.pop(number, [])
                if events:
                    yield self._incident(number, events)
        # Only if the file changed between the two readings.
        for number, events in pending.items():
            yield self._incident(number, events)

    def _incident(self, number: str, events: list[SourceEvent]) -> Incident:
        kept, dropped = _one_per_seq(events)
        for event in dropped:
            self.problems.add(
                event.line, ImportProblem.DUPLICATE_SEQUENCE, f"{number} sys_mod_count {event.seq}"
            )
        return Incident(number, tuple(sorted(kept, key=lambda event: (event.at, event.seq))))


def _one_per_seq(events: list[SourceEvent]) -> tuple[list[SourceEvent], list[SourceEvent]]:
    """(kept, dropped): of rows sharing a sys_mod_count, keep the one that fits the others' order."""
    by_seq: dict[int, list[SourceEvent]] = defaultdict(list)
    for event in events:
        by_seq[event.seq].append(event)
    if len(by_seq) == len(events):
        return events, []
    unique = [(rows[0].seq, rows[0].at) for rows in by_seq.values() if len(rows) == 1]
    kept, dropped = [], []
    for seq, rows in by_seq.items():
        if len(rows) == 1:
            kept.append(rows[0])
            continue
        after = max((at for other, at in unique if other < seq), default=None)
        before = min((at for other, at in unique if other > seq), default=None)
        fitting = [
            row for row in rows if (after is None or row.at >= after) and (before is None or row.at <= before)
        ]
        chosen = max(fitting or rows, key=lambda row: (row.at, row.line))
        kept.append(chosen)
        dropped += [row for row in rows if row is not chosen]
    return kept, dropped


@contextmanager
def open_log(source: str | os.PathLike[str] | TextIO) -> Iterator[TextIO]:
    """A seekable text stream over `source` (a path, or an open text file, copied aside if it cannot seek)."""
    if isinstance(source, str | os.PathLike):
        with open(source, newline="", encoding="utf-8-sig") as stream:
            yield stream
    elif source.seekable():
        yield source
    else:
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as copy:
            shutil.copyfileobj(source, copy)
            copy.seek(0)
            yield copy
