"""The week page (``/app/week``): the person's week grid, typed into cell by cell, and the chosen
day's entries, edited inline; both write through the services and rules of the API.

- **Grid.** ``POST /app/week`` takes the grid's form (``week_view.CellName``): every cell whose
  typed duration differs from what the page showed is set (``cells.set_cell``), all in one
  transaction. A durations the grid cannot read is shown next to its cell and nothing is
  written. ``week.js`` posts one cell at a time (``X-CSRF-Token``, ``Accept: application/json``)
  and gets the cell's new field name and the totals back (:func:`cell_answer`).
- **Entries.** ``POST /app/week/entries/{id}`` changes one entry, ``…/delete`` deletes it; each
  sends the version it showed, as ``If-Match``. A change that lost a race shows both versions
  and lets the person choose (keep theirs: send again with the new version; take the saved one:
  the page again). ``GET /app/week/entries/{id}`` is the page at that entry's day with it open.
- **Whose.** The page is the signed-in person's own time: an entry of somebody else answers
  exactly like one that does not exist (404 ``ENTRY_NOT_FOUND``), whatever their role.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from timetrack import grants, preconditions
from timetrack.audit import service as audit
from timetrack.crud import require_live
from timetrack.db import Row, Tx
from timetrack.errors import (
    ENTRY_DELETED,
    ENTRY_NOT_FOUND,
    FIELD_INVALID,
    PRECONDITION_FAILED,
    WEEK_CELL_SPLIT,
    AppError,
    Problem,
    error_response,
)
from timetrack.handlers import parse_record_id, read, write
from timetrack.policy import Action, Resource
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryUpdate
from timetrack.web import render
from timetrack.web.cells import Author, CellAddress, set_cell
from timetrack.web.durations import DurationError, format_minutes, parse_minutes
from timetrack.web.guard import Visit, signed_in, wants_json
from timetrack.web.problems import Shown, shown
from timetrack.web.week import RowKey, load_week, local_start
from timetrack.web.week_entries import EDITED, FIELDS, Conflict, change_of, entry_view
from timetrack.web.week_view import (
    CellName,
    Choices,
    GridInput,
    added_rows,
    day_label,
    frame,
    grid,
    row_id,
    signed,
)
from timetrack.wire import parse_body

PATH = f"{render.PREFIX}/week"
# A grid post names one field a cell: seven a row, for more rows than a week ever has.
GRID_FIELDS = 7 * 200 + 8
_RESOURCE = "project_time_entries"
_DONE = {
    "saved": "Saved.",
    "entry": "The entry is saved.",
    "deleted": "The entry is deleted.",
}
# Why a duration was refused, in words (durations.DurationError.reason).
_DURATION_WORDS = {
    "invalid": "Write a duration like 1:30, 1.5 or 90m.",
    "negative": "A duration cannot be negative.",
    "too_long": "A day holds at most 24 hours.",
}
_CELL_WORDS = {
    PRECONDITION_FAILED: "This cell changed meanwhile.",
    WEEK_CELL_SPLIT: "This cell holds several entries; change them in the day's list.",
}


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _keys(values: list[str]) -> list[RowKey]:
    keys = []
    for value in values[:50]:
        project, _, task = value.partition("-")
        if project.isdigit() and task.isdigit():
            keys.append(RowKey(int(project), int(task) or None))
    return keys


def _author(visit: Visit) -> Author:
    return Author(audit.request_actor(visit.request), audit.request_id(visit.request))


async def show(
    visit: Visit,
    *,
    status_code: int = 200,
    week_of: date | None = None,
    day: date | None = None,
    given: GridInput | None = None,
    problems: list[Any] | None = None,
    opened: int | None = None,
    conflict: Conflict | None = None,
    entry_values: dict[str, str] | None = None,
) -> Response:
    """The page (see the module doc); the arguments are what a refused post shows again."""
    query = visit.request.query_params
    week_of = week_of or _date(query.get("week"))
    day = day or _date(query.get("day"))
    async with read(visit.request) as tx:
        seen = await frame(visit, tx, week_of, day)
    rows = [*seen.week.rows]
    add = {k: query.get(f"add-{k}", "") for k in ("client", "project", "task")}
    keys, add_problems = _keys(query.getlist("row")), []
    if add["project"]:
        key, add_problems = _row_asked(visit, seen.choices, add)
        if key is not None:
            keys.append(key)
    rows += added_rows(seen.week, keys, seen.choices)
    done = _DONE.get(query.get("done", ""))
    all_problems = [*(problems or []), *add_problems]
    return visit.page(
        "week.html",
        status_code,
        week=seen.week,
        day=seen.day,
        today=seen.today,
        rows=grid(rows, given or GridInput()),
        row_keys=[row_id(r.key) for r in rows if not r.total],
        entries=seen.entries,
        choices=seen.choices,
        opened=opened,
        conflict=conflict,
        entry_values=entry_values or {},
        add=add if add_problems else {},
        problems=all_problems,
        done=visit.texts.gettext(done) if done else None,
        fmt=format_minutes,
        signed=signed,
        day_label=lambda d: day_label(visit.texts, d),
        path=PATH,
        previous_week=(seen.week.days[0] - timedelta(days=7)).isoformat(),
        next_week=(seen.week.days[0] + timedelta(days=7)).isoformat(),
    )


def _row_asked(
    visit: Visit, choices: Choices, add: dict[str, str]
) -> tuple[RowKey | None, list[Shown]]:
    """The row the add-a-row form names, or the problem of its field."""
    texts = visit.texts
    project = choices.project(add["client"], add["project"])
    if project is None:
        words = texts.gettext("This client has no project of this name.")
        return None, [Shown("add-project", words, f"{add['client']} / {add['project']}"[:200])]
    task = None
    if add["task"].strip():
        task = choices.task(add["task"])
        if task is None:
            words = texts.gettext("There is no task of this name.")
            return None, [Shown("add-task", words, add["task"][:200])]
    return RowKey(project, task), []


@signed_in(Resource.TIME_ENTRIES, Action.READ)
async def week_page(visit: Visit) -> Response:
    return await show(visit)


# --- the grid ----------------------------------------------------------------------------------


def _where(week_of: date | None, day: date | None, done: str) -> str:
    query = {"week": week_of, "day": day, "done": done}
    return f"{PATH}?{urlencode({k: str(v) for k, v in query.items() if v})}"


def _user_id(visit: Visit) -> int:
    user_id = visit.caller.principal.user_id
    assert user_id is not None  # a session is a person's
    return user_id


async def _cell_now(visit: Visit, cell: CellName) -> tuple[str | None, str]:
    """A cell as it is now (after a refused change): its field name (None: it holds several
    entries) and the duration saved in it."""
    async with read(visit.request) as tx:
        week = await load_week(tx, visit.account, _user_id(visit), cell.day)
    for row in week.rows:
        if row.key == cell.key:
            now = row.cells[0]
            text = format_minutes(now.minutes) if now.minutes else ""
            return (CellName.of(row.key, now).encode() if now.editable else None), text
    return CellName(cell.key, cell.day, 0, None).encode(), ""


async def _totals(visit: Visit, first: date) -> dict[str, Any]:
    """The week's totals after a change, as the page shows them (``week.js`` puts them in)."""
    async with read(visit.request) as tx:
        week = await load_week(tx, visit.account, _user_id(visit), first)
    return {
        "rows": {row_id(row.key): format_minutes(row.total) for row in week.rows},
        "days": [
            {"total": format_minutes(d.minutes), "difference": signed(d.difference)}
            for d in week.totals
        ],
        "total": format_minutes(week.minutes),
        "difference": signed(week.difference),
    }


def _envelope(error: AppError, words: str, headers: dict[str, str] | None = None) -> Response:
    """The API's error envelope to ``week.js``, with the words to show next to the cell in
    ``X-Shown`` (percent-encoded UTF-8: a header is Latin-1) and what a conflict's cell holds
    now in ``X-Cell-Name`` and ``X-Cell-Saved``; the body stays the envelope alone."""
    extra = {**error.headers, **(headers or {}), "X-Shown": quote(words)}
    return error_response(error.problems, headers=extra)


@signed_in(Resource.TIME_ENTRIES, Action.WRITE, fields=GRID_FIELDS)
async def grid_post(visit: Visit) -> Response:
    texts, given = visit.texts, GridInput()
    week_of, day = _date(visit.form.get("week")), _date(visit.form.get("day"))
    changes: list[tuple[CellName, int]] = []
    problems: list[Shown] = []
    unread: list[Problem] = []
    for name, text in visit.form.items():
        if not name.startswith("c:"):
            continue
        cell = CellName.decode(name)
        if cell is None:
            raise AppError.of(FIELD_INVALID, f"{name[:80]!r} is not a cell of the grid")
        try:
            minutes = parse_minutes(text)
        except DurationError as exc:
            words = texts.gettext(_DURATION_WORDS[exc.reason])
            given.errors[cell.place] = (words, str(exc))
            problems.append(Shown(cell_id(cell), words, str(exc)))
            unread.append(Problem(FIELD_INVALID, str(exc), pointer=f"/{name}"))
            minutes = cell.minutes
        if minutes != cell.minutes or cell.place in given.errors:
            given.typed[cell.place] = text
            changes.append((cell, minutes))
    if problems:
        error = AppError(*unread)
        if wants_json(visit.request):
            return _envelope(error, problems[0].message)
        return await show(visit, status_code=400, week_of=week_of, day=day, given=given,
                          problems=problems)
    user_id, author = _user_id(visit), _author(visit)
    name, value, cell = None, "", None
    try:
        async with write(visit.request) as tx:
            for cell, minutes in changes:
                address = CellAddress(user_id, cell.key.project_id, cell.key.task_id, cell.day)
                change = await set_cell(
                    tx, visit.account.id, author, address, minutes, seen=cell.version
                )
                after = 0 if change.entry is None or change.action == "deleted" else minutes
                name = CellName(cell.key, cell.day, after, change.version).encode()
                value = format_minutes(after) if after else ""
    except AppError as exc:
        assert cell is not None  # only a cell's change raises
        return await _cell_refused(visit, exc, cell, given, week_of, day)
    if wants_json(visit.request):
        first = week_of or (changes[0][0].day if changes else None) or date.min
        answer = {"name": name, "value": value, "done": texts.gettext("Saved.")}
        return JSONResponse({**answer, **await _totals(visit, first)})
    return RedirectResponse(_where(week_of, day, "saved"), status_code=303)


def cell_id(cell: CellName) -> str:
    return f"c-{cell.key.project_id}-{cell.key.task_id or 0}-{cell.day.isoformat()}"


async def _cell_refused(
    visit: Visit,
    error: AppError,
    cell: CellName,
    given: GridInput,
    week_of: date | None,
    day: date | None,
) -> Response:
    """A cell's change the service refused: nothing of the post is written. A lost race shows
    the saved value beside the typed one; sending again keeps the typed one."""
    code = error.problems[0].code
    words = visit.texts.gettext(_CELL_WORDS.get(code, "This did not work."))
    name, theirs = await _cell_now(visit, cell)
    detail = error.problems[0].detail
    if wants_json(visit.request):
        now = {"X-Cell-Name": name or "", "X-Cell-Saved": theirs}
        return _envelope(error, words, now if code is PRECONDITION_FAILED else None)
    given.errors[cell.place] = (words, detail)
    if code is PRECONDITION_FAILED:
        given.theirs[cell.place] = theirs or "0:00"
        if name is not None:
            given.names[cell.place] = name
    problems = [Shown(cell_id(cell), words, detail)]
    return await show(visit, status_code=error.status, week_of=week_of, day=day, given=given,
                      problems=problems)


# --- one day's entries -------------------------------------------------------------------------


async def _own(tx: Tx, visit: Visit, entry_id: int) -> Row:
    """The person's own entry; anybody else's answers as one that does not exist."""
    row = await entries.get_entry(tx, visit.account.id, entry_id)
    if row["user_id"] != _user_id(visit):
        require_live(None, ENTRY_NOT_FOUND, ENTRY_DELETED, f"time entry {entry_id}")
    return row


def _entry_id(visit: Visit) -> int:
    return parse_record_id(visit.request.path_params["id"], ENTRY_NOT_FOUND, "time entry")


async def _require(tx: Tx, visit: Visit, entry_id: int, deleting: bool) -> Row:
    """The entry, locked, when it is still the version the form showed (else 412)."""
    account_id = visit.account.id

    async def wire() -> dict[str, Any]:
        return entries.to_wire(await _own(tx, visit, entry_id))

    version = visit.form.get("version", "").strip().strip('"')[:40]
    await preconditions.require_version(
        tx,
        f'"{version}"',
        table="time_entries",
        account_id=account_id,
        record_id=entry_id,
        current=wire,
        deleting=deleting,
    )
    return await entries.get_entry(tx, account_id, entry_id)


@signed_in(Resource.TIME_ENTRIES, Action.READ)
async def entry_page(visit: Visit) -> Response:
    entry_id = _entry_id(visit)
    async with read(visit.request) as tx:
        row = await _own(tx, visit, entry_id)
    return await show(visit, day=local_start(row).date(), opened=entry_id)


async def _entry_refused(
    visit: Visit, entry_id: int, error: AppError, mine: dict[str, str] | None
) -> Response:
    if error.problems[0].code is not PRECONDITION_FAILED:
        if error.problems[0].code in (ENTRY_NOT_FOUND, ENTRY_DELETED):
            raise error
        fields = {pointer: f"e{entry_id}-{name}" for pointer, name in FIELDS.items()}
        async with read(visit.request) as tx:
            row = await _own(tx, visit, entry_id)
        return await show(
            visit,
            status_code=error.status,
            day=local_start(row).date(),
            opened=entry_id,
            problems=shown(error, visit.texts, fields),
            entry_values=mine,
        )
    try:
        async with read(visit.request) as tx:
            row = await _own(tx, visit, entry_id)
        theirs, day = entry_view(row), local_start(row).date()
    except AppError:
        theirs, day = None, _date(visit.form.get("day"))
    conflict = Conflict(entry_id, mine, theirs)
    words = visit.texts.gettext("This entry changed meanwhile. Choose which version to keep.")
    problems = [Shown(f"entry-{entry_id}", words, error.problems[0].detail)]
    return await show(
        visit, status_code=error.status, day=day, opened=entry_id, conflict=conflict,
        problems=problems,
    )


@signed_in(Resource.TIME_ENTRIES, Action.WRITE)
async def entry_post(visit: Visit) -> Response:
    entry_id, request = _entry_id(visit), visit.request
    mine = {name: visit.form.get(name, "") for name in EDITED}
    try:
        async with write(request) as tx:
            row = await _require(tx, visit, entry_id, deleting=False)
            body = change_of(row, visit.form)
            new = row
            if body:
                patch, _ = parse_body(EntryUpdate, body)
                new = await entries.update_entry(tx, visit.account.id, entry_id, patch)
            if audit.changed(row, new):
                before, after = entries.to_wire(row), entries.to_wire(new)
                await audit.record_request(tx, request, visit.account.id, "update", _RESOURCE,
                                           entry_id, before=before, after=after)
    except AppError as exc:
        return await _entry_refused(visit, entry_id, exc, mine)
    where = _where(None, local_start(new).date(), "entry")
    return RedirectResponse(f"{where}#entry-{entry_id}", status_code=303)


@signed_in(Resource.TIME_ENTRIES, Action.WRITE)
async def entry_delete(visit: Visit) -> Response:
    entry_id, request = _entry_id(visit), visit.request
    try:
        async with write(request) as tx:
            before = await _require(tx, visit, entry_id, deleting=True)
            row = await entries.delete_entry(tx, visit.account.id, entry_id)
            await audit.record_request(tx, request, visit.account.id, "delete", _RESOURCE,
                                       entry_id, before=entries.to_wire(before),
                                       after=entries.to_wire(row))
    except AppError as exc:
        return await _entry_refused(visit, entry_id, exc, None)
    return RedirectResponse(_where(None, local_start(before).date(), "deleted"), status_code=303)


ROUTES = [
    Route("/week", week_page, methods=["GET"]),
    Route("/week", grid_post, methods=["POST"]),
    Route("/week/entries/{id}", entry_page, methods=["GET"]),
    Route("/week/entries/{id}", entry_post, methods=["POST"]),
    Route("/week/entries/{id}/delete", entry_delete, methods=["POST"]),
]
