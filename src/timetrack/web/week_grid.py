"""The week page's grid (``/app/week``): the page itself (:func:`show`, which ``week_page`` also
answers its refusals with) and the grid's posts, written through the services and rules of the
API.

- **Grid.** ``POST /app/week`` takes the grid's form (``week_view.CellName``): every cell whose
  typed duration differs from what the page showed is set (``cells.set_cell``), all in one
  transaction. A duration the grid cannot read is shown next to its cell and nothing is
  written. ``week.js`` posts one cell at a time (``X-CSRF-Token``, ``Accept: application/json``)
  and gets the cell's new field name and the totals back in JSON; a refusal is the API's
  error envelope, with the words to show in ``X-Shown`` (and for a lost race, what the cell
  holds now in ``X-Cell-Name`` and ``X-Cell-Saved``).
- **A lost race** (the cell's entry changed since the page showed it, ``cells.set_cell``'s 412)
  writes nothing and shows the saved value beside the typed one: sending again keeps the typed
  one (the field now names the new version), the page again takes the saved one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from timetrack.audit import service as audit
from timetrack.errors import (
    FIELD_INVALID,
    PRECONDITION_FAILED,
    WEEK_CELL_SPLIT,
    AppError,
    Problem,
    error_response,
)
from timetrack.handlers import read, write
from timetrack.policy import Action, Resource
from timetrack.web import catalogue, render
from timetrack.web.catalogue import Catalogue
from timetrack.web.cells import Author, CellAddress, set_cell
from timetrack.web.durations import DurationError, format_minutes, parse_minutes
from timetrack.web.guard import Visit, signed_in, wants_json
from timetrack.web.problems import Shown
from timetrack.web.week import RowKey, load_week
from timetrack.web.week_entries import (
    Conflict,
)
from timetrack.web.week_view import (
    YEARS,
    CellName,
    GridInput,
    added_rows,
    day_label,
    frame,
    grid,
    row_id,
    signed,
)

PATH = f"{render.PREFIX}/week"
# A grid post names one field a cell: seven a row, for more rows than a week ever has.
GRID_FIELDS = 7 * 200 + 8
_ROW = re.compile(r"(\d{1,9})-(\d{1,9})", re.ASCII)
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


def parse_date(text: str | None) -> date | None:
    """A ``?week=``/``?day=`` date; None (this week, today) for anything else."""
    try:
        found = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return found if found is None or found.year in YEARS else None


def _keys(values: list[str]) -> list[RowKey]:
    """The rows added before (``?row=<project>-<task or 0>``); others are passed over."""
    keys = []
    for value in values[:50]:
        if found := _ROW.fullmatch(value):
            keys.append(RowKey(int(found[1]), int(found[2]) or None))
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
    week_of = week_of or parse_date(query.get("week"))
    day = day or parse_date(query.get("day"))
    add = {k: query.get(f"add-{k}", "") for k in ("client", "project", "task")}
    keys, add_problems = _keys(query.getlist("row")), list[Shown]()
    async with read(visit.request) as tx:
        seen = await frame(visit, tx, week_of, day)
        # Only rows being added need the catalogue (their names); the pickers fetch their own.
        found = await catalogue.load(visit, tx) if keys or add["project"] else None
    rows = [*seen.week.rows]
    if found is not None:
        if add["project"]:
            key, add_problems = _row_asked(visit, found, add)
            if key is not None:
                keys.append(key)
        rows += added_rows(seen.week, keys, found)
    done = _DONE.get(query.get("done", ""))
    all_problems = [*(problems or []), *add_problems]
    return visit.page(
        "week.html",
        status_code,
        week=seen.week,
        day=seen.day,
        today=seen.today,
        rows=grid(
            rows,
            given or GridInput(),
            seen.day,
            visit.texts,
            f"{PATH}?week={seen.week.days[0].isoformat()}&day=",
        ),
        row_keys=[row_id(r.key) for r in rows if not r.total],
        entries=seen.entries,
        opened=opened,
        conflict=conflict,
        entry_values=entry_values or {},
        add=add if add_problems else {},
        problems=all_problems,
        done=visit.texts.gettext(done) if done else None,
        fmt=format_minutes,
        signed=signed,
        day_labels=[day_label(visit.texts, d) for d in seen.week.days],
        problems_at=_by_field(all_problems),
        path=PATH,
        previous_week=(seen.week.days[0] - timedelta(days=7)).isoformat(),
        next_week=(seen.week.days[0] + timedelta(days=7)).isoformat(),
    )


def _by_field(problems: list[Any]) -> dict[str | None, list[Any]]:
    """The problems by the id of their field, for the template's entry forms."""
    found: dict[str | None, list[Any]] = {}
    for problem in problems:
        found.setdefault(problem.field, []).append(problem)
    return found


def _row_asked(
    visit: Visit, found: Catalogue, add: dict[str, str]
) -> tuple[RowKey | None, list[Shown]]:
    """The row the add-a-row form names, or the problem of its field."""
    texts = visit.texts
    project = found.project(add["client"], add["project"])
    if project is None:
        words = texts.gettext("This client has no project of this name.")
        return None, [Shown("add-project", words, f"{add['client']} / {add['project']}"[:200])]
    task = None
    if add["task"].strip():
        task = found.task(add["task"])
        if task is None:
            words = texts.gettext("There is no task of this name.")
            return None, [Shown("add-task", words, add["task"][:200])]
    return RowKey(project, task), []


@signed_in(Resource.TIME_ENTRIES, Action.READ)
async def week_page(visit: Visit) -> Response:
    return await show(visit)


# --- the grid ----------------------------------------------------------------------------------


def where(week_of: date | None, day: date | None, done: str) -> str:
    query = {"week": week_of, "day": day, "done": done}
    return f"{PATH}?{urlencode({k: str(v) for k, v in query.items() if v})}"


def user_id_of(visit: Visit) -> int:
    user_id = visit.caller.principal.user_id
    assert user_id is not None  # a session is a person's
    return user_id


async def _cell_now(visit: Visit, cell: CellName) -> tuple[str | None, str]:
    """A cell as it is now (after a refused change): its field name (None: it holds several
    entries) and the duration saved in it."""
    async with read(visit.request) as tx:
        week = await load_week(tx, visit.account, user_id_of(visit), cell.day)
    for row in week.rows:
        if row.key == cell.key:
            now = row.cells[0]
            text = format_minutes(now.minutes) if now.minutes else ""
            return (CellName.of(row.key, now).encode() if now.editable else None), text
    return CellName(cell.key, cell.day, 0, None).encode(), ""


async def _totals(visit: Visit, first: date) -> dict[str, Any]:
    """The week's totals after a change, as the page shows them (``week.js`` puts them in)."""
    async with read(visit.request) as tx:
        week = await load_week(tx, visit.account, user_id_of(visit), first)
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


@dataclass(slots=True)
class GridPost:
    """A grid post read: the cells that changed (and the minutes typed), what to show again
    if it is refused, and the durations that could not be read."""

    changes: list[tuple[CellName, int]]
    given: GridInput
    problems: list[Shown]
    unread: list[Problem]


def read_grid(visit: Visit) -> GridPost:
    post = GridPost([], GridInput(), [], [])
    for field, text in visit.form.items():
        if not field.startswith("c:"):
            continue
        cell = CellName.decode(field)
        if cell is None:
            raise AppError.of(FIELD_INVALID, f"{field[:80]!r} is not a cell of the grid")
        try:
            minutes = parse_minutes(text)
        except DurationError as exc:
            words = visit.texts.gettext(_DURATION_WORDS[exc.reason])
            post.given.errors[cell.place] = (words, str(exc))
            post.problems.append(Shown(cell.input_id, words, str(exc)))
            post.unread.append(Problem(FIELD_INVALID, str(exc), pointer=f"/{field}"))
            minutes = cell.minutes
        if minutes != cell.minutes or cell.place in post.given.errors:
            post.given.typed[cell.place] = text
            post.changes.append((cell, minutes))
    return post


@signed_in(Resource.TIME_ENTRIES, Action.WRITE, fields=GRID_FIELDS)
async def grid_post(visit: Visit) -> Response:
    week_of, day = parse_date(visit.form.get("week")), parse_date(visit.form.get("day"))
    post = read_grid(visit)
    if post.problems:
        if wants_json(visit.request):
            return _envelope(AppError(*post.unread), post.problems[0].message)
        return await show(
            visit,
            status_code=400,
            week_of=week_of,
            day=day,
            given=post.given,
            problems=post.problems,
        )
    user_id, author = user_id_of(visit), _author(visit)
    name: str | None = None
    value, current = "", None
    try:
        async with write(visit.request) as tx:
            for current, minutes in post.changes:
                address = CellAddress(
                    user_id, current.key.project_id, current.key.task_id, current.day
                )
                change = await set_cell(
                    tx, visit.account.id, author, address, minutes, seen=current.version
                )
                after = 0 if change.entry is None or change.action == "deleted" else minutes
                name = CellName(current.key, current.day, after, change.version).encode()
                value = format_minutes(after) if after else ""
    except AppError as exc:
        assert current is not None  # only a cell's change raises
        return await _cell_refused(visit, exc, current, post.given, week_of, day)
    if not wants_json(visit.request):
        return RedirectResponse(where(week_of, day, "saved"), status_code=303)
    answer = {"name": name, "value": value, "done": visit.texts.gettext("Saved.")}
    first = week_of or (post.changes[0][0].day if post.changes else None)
    return JSONResponse({**answer, **(await _totals(visit, first) if first else {})})


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
    problems = [Shown(cell.input_id, words, detail)]
    return await show(
        visit, status_code=error.status, week_of=week_of, day=day, given=given, problems=problems
    )


ROUTES = [
    Route("/week", week_page, methods=["GET"]),
    Route("/week", grid_post, methods=["POST"]),
]
