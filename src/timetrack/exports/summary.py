"""The summary export: ``GET /reports/summary``'s groups as CSV, XLSX or PDF.

The figures are the report's own (``reports.service.summary``, the route's service, with the
route's parameters): a row per group and, with ``subGroupBy``, a row per subgroup after its
group. Then the columns are ``level`` (1 or 2), ``group`` (repeated on its subgroups' rows, so
a spreadsheet's filter keeps them together) and ``subGroup``; ``level`` tells a group from a
subgroup without a name (the entries without a task, team or tag). The totals row is the
report's ``totals``: summing the rows would count every entry twice with subgroups, and more
than that with tag groups.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from timetrack.accounts.service import Account
from timetrack.db import Row
from timetrack.exports import service
from timetrack.exports.csv_writer import csv_bytes
from timetrack.exports.language import Style
from timetrack.exports.schemas import Format
from timetrack.exports.sheet import Column, Kind, Report, Section, Sheet, Values, duration
from timetrack.exports.stream import Export, in_one, nothing, now, whole
from timetrack.reports.query import Grouping

# The heading of a name column: what the grouping groups by (English, German).
HEADINGS: dict[Grouping, tuple[str, str]] = {
    "client": ("Client", "Kunde"),
    "project": ("Project", "Projekt"),
    "task": ("Task", "Tätigkeit"),
    "user": ("User", "Benutzer"),
    "team": ("Team", "Team"),
    "billable": ("Billable", "Abrechenbar"),
    "tag": ("Tag", "Tag"),
    "day": ("Day", "Datum"),
    "week": ("Week", "Woche"),
    "month": ("Month", "Monat"),
    "year": ("Year", "Jahr"),
}
_SUMS = (
    Column("entries", "Entries", "Einträge", Kind.INTEGER, total=True),
    *duration("worked", "Worked", "Arbeitszeit"),
    *duration("billable", "Billable", "Abrechenbar"),
    Column("amount", "Amount", "Betrag", Kind.MONEY, total=True, money=True),
)


def _named(key: str, grouping: Grouping) -> Column:
    en, de = HEADINGS[grouping]
    return Column(key, en, de, Kind.TEXT)


def _sums(row: Row) -> Values:
    worked, billable = row["workedMinutes"] * 60, row["billableMinutes"] * 60
    return (row["entries"], worked, worked, billable, billable, row["amount"])


def sheet(groupings: tuple[Grouping, ...]) -> Sheet:
    """The columns of a summary by ``groupings`` (one or two) and its rows' values."""
    name = "summary"
    if len(groupings) == 1:
        columns = (_named("group", groupings[0]), *_SUMS)
        return Sheet(name, columns, lambda row: (row["group"], *_sums(row)))
    levels = (
        Column("level", "Level", "Ebene", Kind.INTEGER),
        _named("group", groupings[0]),
        _named("subGroup", groupings[1]),
    )
    return Sheet(
        name,
        (*levels, *_SUMS),
        lambda row: (row["level"], row["group"], row["subGroup"], *_sums(row)),
    )


def _name(group: dict[str, Any], grouping: Grouping, style: Style) -> str | None:
    """A group's name in the export's language: the report names the ``billable`` groups in
    English (``billable``, ``not billable``), the export in its own; other names are data."""
    if grouping == "billable":
        return style.word("billable" if group["key"] else "not_billable")
    name: str | None = group["name"]
    return name


def _rows(
    report: dict[str, Any], groupings: tuple[Grouping, ...], style: Style
) -> list[dict[str, Any]]:
    """The groups and subgroups of a report, in its order, each a row by column key."""
    rows = []
    for group in report["groups"]:
        name = _name(group, groupings[0], style)
        rows.append({**group, "level": 1, "group": name, "subGroup": None})
        for sub in group.get("groups") or ():
            sub_name = _name(sub, groupings[-1], style)
            rows.append({**sub, "level": 2, "group": name, "subGroup": sub_name})
    return rows


def file_stem(account: Account, report: dict[str, Any], groupings: tuple[str, ...]) -> list[str]:
    return [account.slug, "summary", "-".join(groupings), report["from"], report["to"]]


def _lines(report: dict[str, Any], style: Style) -> list[tuple[str, str]]:
    rounding = report["rounding"]
    if rounding["mode"] == "none":
        return []
    return [(style.word("rounding"), f"{style.word(rounding['mode'])}, {rounding['minutes']} min")]


async def export(
    account: Account,
    report: dict[str, Any],
    groupings: tuple[Grouping, ...],
    format: Format,
    style: Style,
    made: str,
) -> Export:
    """The file of ``report`` (``reports.service.summary``'s answer, amounts included): the
    amount column only where rates are shown (``service.shown``)."""
    shown = service.shown(sheet(groupings))
    rows = [shown.values(row) for row in _rows(report, groupings, style)]
    totals = shown.values({**report["totals"], "level": None, "group": None, "subGroup": None})
    stem = "_".join([*file_stem(account, report, groupings), made])
    if format is Format.PDF:
        first, last = (style.day(date.fromisoformat(report[end])) for end in ("from", "to"))
        lang = 1 if style.lang == "de" else 0
        pdf = Report(
            title=style.word("summary"),
            account=account.name,
            subject=None,
            period=f"{first} - {last}",
            created=now(),
            sections=[Section(" / ".join(HEADINGS[g][lang] for g in groupings), rows, totals)],
            signatures=False,
            lines=_lines(report, style),
        )
        from timetrack.exports.pdf_writer import render  # loads fpdf: see sheet.Report

        body = in_one(await asyncio.to_thread(render, pdf, shown.columns, style))
    elif format is Format.XLSX:
        from timetrack.exports.xlsx_writer import xlsx_bytes

        body = xlsx_bytes(shown.columns, style, shown.name, whole(rows), totals)
    else:
        body = csv_bytes(shown.columns, style, whole(rows))
    return Export(f"{stem}.{format.value}", format.media_type, body, nothing)
