"""The week page's list of one day's entries: each shown as the person reads it (times, project,
duration, break, note) and edited inline, and what an edit form's fields mean as a change of
the entry (``PUT /project_time_entries/{id}``'s body).

An edit form sends every field; only those that differ from the entry as it is now become the
change, so a form that was only re-sent changes nothing. Times are the person's wall clock on
the entry's start date (``9``, ``930``, ``09:30``); an end at or before the start is on the
next day. When both the end and the duration were changed, the end wins (the duration follows
from it); a changed duration alone moves the end, as ``workedMinutes`` does in the API.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from timetrack.db import Row
from timetrack.errors import FIELD_INVALID, AppError, Problem
from timetrack.web.durations import DurationError, format_minutes, parse_minutes
from timetrack.web.week import entry_version, local_end, local_start

# The form's fields (by the JSON pointer of the API's body the problems name).
FIELDS = {
    "/from": "start",
    "/to": "end",
    "/workedMinutes": "duration",
    "/breakMinutes": "break",
    "/details": "note",
    "/clientName": "client",
    "/projectName": "project",
    "/task": "task",
}
EDITED = ("start", "end", "duration", "break", "note", "client", "project", "task")
_CLOCK = re.compile(r"(\d{1,2})(?::?(\d{2}))?", re.ASCII)
_WIRE = "%Y-%m-%dT%H:%M:%SZ"  # the wire's local wall clock


def parse_clock(text: str) -> time:
    """A wall-clock time as people type it: ``9``, ``930``, ``0930``, ``09:30``, ``9:30``."""
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"{text.strip()[:20]!r} is not a time (write 9, 930 or 09:30)")
    hours, minutes = int(found[1]), int(found[2] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text.strip()!r} is not a time of day")
    return time(hours, minutes)


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry as the list shows it, and its form's values."""

    id: int
    row: Row
    client: str
    project: str
    task: str
    start: str
    end: str
    duration: str
    break_: str
    note: str
    overnight: bool

    @property
    def version(self) -> str:
        """The ETag without its quotes (a form field): made only for the entry whose form is
        shown, a hash of its whole wire form."""
        return entry_version(self.row).strip('"')

    def values(self) -> dict[str, str]:
        return {
            "start": self.start,
            "end": self.end,
            "duration": self.duration,
            "break": self.break_,
            "note": self.note,
            "client": self.client,
            "project": self.project,
            "task": self.task,
        }


def entry_view(row: Row) -> EntryView:
    start, end = local_start(row), local_end(row)
    return EntryView(
        id=int(row["id"]),
        row=row,
        client=row["client_name"],
        project=row["project_name"],
        task=row["task_name"] or "",
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        duration=format_minutes(int(row["worked_minutes"])),
        break_=format_minutes(int(row["break_minutes"])),
        note=row["details"] or "",
        overnight=end.date() != start.date(),
    )


def _invalid(field: str, detail: str) -> Problem:
    pointer = next(p for p, name in FIELDS.items() if name == field)
    return Problem(FIELD_INVALID, detail, pointer=pointer)


def change_of(row: Row, form: dict[str, str]) -> dict[str, Any]:
    """The API body (``EntryUpdate``'s fields) that makes the entry ``row`` what ``form``
    says; {} when it already is. Every unreadable field is one problem of the AppError."""
    shown, problems = entry_view(row), []
    body: dict[str, Any] = {}
    sent = {name: form.get(name, value).strip() for name, value in shown.values().items()}
    day = local_start(row).date()
    start = local_start(row)
    times: dict[str, Any] = {}
    for name in ("start", "end"):
        try:
            times[name] = parse_clock(sent[name])
        except ValueError as exc:
            problems.append(_invalid(name, str(exc)))
    for name in ("duration", "break"):
        try:
            times[name] = parse_minutes(sent[name])
        except DurationError as exc:
            problems.append(_invalid(name, str(exc)))
    if problems:
        raise AppError(*problems)
    if sent["start"] != shown.start:
        start = datetime.combine(day, times["start"])
        body["from"] = start.strftime(_WIRE)
    if sent["end"] != shown.end:
        end = datetime.combine(day, times["end"])
        if end <= start:
            end += timedelta(days=1)
        body["to"] = end.strftime(_WIRE)
    elif times["duration"] != int(row["worked_minutes"]):
        body["workedMinutes"] = times["duration"]
    if times["break"] != int(row["break_minutes"]):
        body["breakMinutes"] = times["break"]
    if sent["note"] != shown.note:
        body["details"] = sent["note"] or None
    if (sent["client"], sent["project"]) != (shown.client, shown.project):
        body["clientName"], body["projectName"] = sent["client"], sent["project"]
    if sent["task"] != shown.task:
        body["task"] = sent["task"] or None
    return body


@dataclass(frozen=True, slots=True)
class Conflict:
    """An edit that lost a race: what the person sent, the entry as it is now (None: deleted
    meanwhile) and the version a "keep mine" must send."""

    entry_id: int
    mine: dict[str, str] | None  # None: the person was deleting it
    theirs: EntryView | None

    def rows(self) -> list[tuple[str, str, str]]:
        """(field, mine, theirs) of each field, for the side-by-side table."""
        theirs = self.theirs.values() if self.theirs else {}
        mine = self.mine or {}
        return [(name, mine.get(name, ""), theirs.get(name, "")) for name in EDITED]


def on_day(rows: Sequence[Row], day: date) -> list[EntryView]:
    """The entries starting on ``day`` (the list's rows are in start order)."""
    return [entry_view(row) for row in rows if local_start(row).date() == day]
