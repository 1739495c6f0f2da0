"""What the week page shows: the person's week grid (``week.load_week``, the same services as
the API's list and work reports) as rows of cells to type into, and the chosen day's entries; and
the names the grid's cells are posted under.

A cell's form field is named by everything its change needs: the row's project and task, the
day, the minutes shown and the version of its entry (``c:7:0:2025-09-29:90:3f2a…`` ; ``-`` for
an empty cell). So the grid without JavaScript is one form whose post says, for each cell, what
the person saw and what they typed, and the server changes only the cells that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from timetrack.accounts.service import Account
from timetrack.db import Tx
from timetrack.users.service import get_user
from timetrack.web.catalogue import Catalogue
from timetrack.web.durations import format_minutes
from timetrack.web.guard import Visit
from timetrack.web.i18n import Texts
from timetrack.web.week import (
    Cell,
    GridRow,
    RowKey,
    Week,
    first_weekday,
    load_week,
    week_start,
)
from timetrack.web.week_entries import EntryView, on_day

# Ids of nine digits at most (an INTEGER column takes them on both databases).
_NAME = re.compile(r"c:(\d{1,9}):(\d{1,9}):(\d{4}-\d{2}-\d{2}):(\d{1,4}):([0-9a-f]{16}|-)")
# The years a page moves through: a week a year from date's limits has days on both sides.
YEARS = range(1900, 3000)


def row_place(key: RowKey) -> str:
    """The start of each :attr:`CellName.place` of a row (the day completes it)."""
    return f"{key.project_id}:{key.task_id or 0}:"


def input_id(row: str, day: str) -> str:
    """A cell's input's id in the page, of its row's :func:`row_id` and its ISO day."""
    return f"c-{row}-{day}"


def field_name(place: str, minutes: int, version: str | None) -> str:
    """A cell's form field (:class:`CellName`): digits, dashes, colons and hex alone."""
    tag = "-" if version is None else version.strip('"')  # the ETag without its quotes
    return f"c:{place}:{minutes}:{tag}"


@dataclass(frozen=True, slots=True)
class CellName:
    """A grid cell's form field: where it books and what the page showed in it."""

    key: RowKey
    day: date
    minutes: int
    version: str | None  # the entry's ETag, quoted as in the headers

    @property
    def place(self) -> str:
        """The cell without what it held: the same before and after a change."""
        return row_place(self.key) + self.day.isoformat()

    @property
    def input_id(self) -> str:
        return input_id(row_id(self.key), self.day.isoformat())

    def encode(self) -> str:
        return field_name(self.place, self.minutes, self.version)

    @classmethod
    def decode(cls, name: str) -> CellName | None:
        found = _NAME.fullmatch(name)
        if found is None:
            return None
        try:
            day = date.fromisoformat(found[3])
        except ValueError:
            return None
        if day.year not in YEARS:
            return None
        task = int(found[2]) or None
        version = None if found[5] == "-" else f'"{found[5]}"'
        return cls(RowKey(int(found[1]), task), day, int(found[4]), version)

    @classmethod
    def of(cls, key: RowKey, cell: Cell) -> CellName:
        return cls(key, cell.day, cell.minutes, cell.version)


def signed(minutes: int) -> str:
    """A difference to the target: ``+0:30``, ``-1:15``, ``0:00``."""
    return f"+{format_minutes(minutes)}" if minutes > 0 else format_minutes(minutes)


@dataclass(slots=True)
class GridInput:
    """What a grid post left to show again: the typed texts, their problems and the field
    names that replace the shown ones (a conflict's new version), by ``CellName.place``."""

    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    theirs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Frame:
    """The week and day a page shows, in the person's own zone and week."""

    week: Week
    day: date
    today: date
    entries: list[EntryView]


async def frame(visit: Visit, tx: Tx, wanted_week: date | None, wanted_day: date | None) -> Frame:
    account: Account = visit.account
    user_id = visit.caller.principal.user_id
    assert user_id is not None  # a session is always a person's
    user = await get_user(tx, account.id, user_id)
    today = datetime.now(ZoneInfo(user["time_zone"])).date()
    first = first_weekday(user["language"], user["country"], account.country)
    start = week_start(wanted_week or wanted_day or today, first)
    week = await load_week(tx, account, user_id, start, user)
    # The day asked for, else today when the week has it, else the week's first day.
    day = wanted_day if wanted_day in week.days else (today if today in week.days else start)
    assert day is not None
    # The day is one of the week's: its entries are among those the week read.
    return Frame(week, day, today, on_day(week.entries, day))


def added_rows(week: Week, keys: list[RowKey], catalogue: Catalogue) -> list[GridRow]:
    """Empty rows for the projects (and tasks) the person added that the week has no entry
    of yet; keys outside the pickers' catalogue are left out."""
    have = {row.key for row in week.rows}
    names = {p.id: (p.client, p.name) for p in catalogue.projects}
    tasks = {i: name for name, i in catalogue.tasks.items()}
    extra = []
    for key in keys:
        if key in have or key.project_id not in names:
            continue
        if key.task_id is not None and key.task_id not in tasks:
            continue
        have.add(key)
        client, project = names[key.project_id]
        empty = tuple(Cell(day, 0, (), None) for day in week.days)
        task = None if key.task_id is None else tasks[key.task_id]
        extra.append(GridRow(key, 0, client, project, task, empty))
    return extra


def row_id(key: RowKey) -> str:
    return f"{key.project_id}-{key.task_id or 0}"


def grid(
    rows: list[GridRow], given: GridInput, chosen: date, texts: Texts, day_href: str
) -> Markup:
    """The grid's body (its ``<tr>``), drawn here rather than in ``week.html``: a busy week's
    20 rows of 7 cells were most of the page's rendering in Jinja, which escapes and looks up
    every value; here only the texts are escaped (the ids and field names are digits, dates and hex,
    the durations shown digits and a colon).
    ``day_href``: the address of a day's list without the date (a cell of several entries
    links there)."""
    several, href = escape(texts.gettext("(several entries)")), escape(day_href)
    typed, errors, names = given.typed, given.errors, given.names
    views = []
    for row in rows:
        rid, cells = row_id(row.key), list[str]()
        start_of_place = row_place(row.key)
        for column, cell in enumerate(row.cells):
            day = cell.day.isoformat()
            place = start_of_place + day  # CellName.place
            # A duration as shown is digits and a colon; what was typed is escaped.
            if place in typed:
                value: str = escape(typed[place])
            else:
                value = format_minutes(cell.minutes) if cell.minutes else ""
            css = "day chosen" if cell.day == chosen else "day"
            if not cell.editable:
                link = f'<a class="split" href="{href}{day}#entries">{value}'
                cells.append(f'<td class="{css}">{link}<span class="visually-hidden"> {several}'
                             "</span></a></td>")  # fmt: skip
                continue
            cell_id, error = input_id(rid, day), errors.get(place)
            field = names.get(place) or field_name(place, cell.minutes, cell.version)
            start = (
                f'<input id="{cell_id}" name="{field}" value="{value}" class="cell" '
                f'inputmode="decimal" autocomplete="off" aria-labelledby="r-{rid} d-{column}"'
            )
            if error is None:
                cells.append(f'<td class="{css}">{start}></td>')
                continue
            words = error[0]
            if (theirs := given.theirs.get(place)) is not None:
                saved = texts.gettext("Saved now: %(saved)s. Save again to keep yours.")
                words = f"{words} {saved % {'saved': theirs}}"
            invalid = f' aria-invalid="true" aria-describedby="{cell_id}-msg"'
            message = f'<p class="cell-msg error" id="{cell_id}-msg">{escape(words)}</p>'
            cells.append(f'<td class="{css} invalid">{start}{invalid}>{message}</td>')
        task = "" if row.task_name is None else f" \u203a {escape(row.task_name)}"
        name = f'<span class="client">{escape(row.client_name)}</span> {escape(row.project_name)}'
        views.append(
            f'<tr data-row-id="{rid}"><th scope="row" id="r-{rid}" class="row-name">{name}{task}'
            f'</th>{"".join(cells)}<td class="total" id="total-{rid}">'
            f"{format_minutes(row.total)}</td></tr>"
        )
    return Markup("\n".join(views))  # each value above is escaped


def day_label(texts: Texts, day: date) -> str:
    return texts.date(day, "EEE d")
