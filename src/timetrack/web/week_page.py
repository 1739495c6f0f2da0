"""The week page (``/app/week``, :mod:`timetrack.web.week_grid` draws it): its routes, and the
chosen day's entries edited inline and deleted, through the services and rules of the API.

- **Entries.** ``POST /app/week/entries/{id}`` changes one entry, ``…/delete`` deletes it; each
  sends the version it showed, as ``If-Match``. A change that lost a race shows both versions
  and lets the person choose (keep theirs: send again with the new version; take the saved one:
  the page again). ``GET /app/week/entries/{id}`` is the page at that entry's day with it open.
- **Whose.** The page is the signed-in person's own time: an entry of somebody else answers
  exactly like one that does not exist (404 ``ENTRY_NOT_FOUND``), whatever their role.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack import preconditions
from timetrack.audit import service as audit
from timetrack.crud import require_live
from timetrack.db import Row, Tx
from timetrack.errors import ENTRY_DELETED, ENTRY_NOT_FOUND, PRECONDITION_FAILED, AppError
from timetrack.handlers import parse_record_id, read, write
from timetrack.policy import Action, Resource
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryUpdate
from timetrack.web import week_grid
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import Shown, shown
from timetrack.web.week import local_start
from timetrack.web.week_entries import EDITED, FIELDS, Conflict, EntryView, change_of, entry_view
from timetrack.web.week_grid import show, user_id_of, where
from timetrack.wire import parse_body

_RESOURCE = "project_time_entries"  # as the API's audit entries name it


async def _own(tx: Tx, visit: Visit, entry_id: int) -> Row:
    """The person's own entry; anybody else's answers as one that does not exist."""
    row = await entries.get_entry(tx, visit.account.id, entry_id)
    if row["user_id"] != user_id_of(visit):
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
        theirs: EntryView | None = entry_view(row)
        day: date | None = local_start(row).date()
    except AppError:  # deleted meanwhile
        theirs, day = None, None
    conflict = Conflict(entry_id, mine, theirs)
    words = visit.texts.gettext("This entry changed meanwhile. Choose which version to keep.")
    problems = [Shown(f"entry-{entry_id}", words, error.problems[0].detail)]
    return await show(
        visit,
        status_code=error.status,
        day=day,
        opened=entry_id,
        conflict=conflict,
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
                await audit.record_request(
                    tx,
                    request,
                    visit.account.id,
                    "update",
                    _RESOURCE,
                    entry_id,
                    before=before,
                    after=after,
                )
    except AppError as exc:
        return await _entry_refused(visit, entry_id, exc, mine)
    back = where(None, local_start(new).date(), "entry")
    return RedirectResponse(f"{back}#entry-{entry_id}", status_code=303)


@signed_in(Resource.TIME_ENTRIES, Action.WRITE)
async def entry_delete(visit: Visit) -> Response:
    entry_id, request = _entry_id(visit), visit.request
    try:
        async with write(request) as tx:
            before = await _require(tx, visit, entry_id, deleting=True)
            row = await entries.delete_entry(tx, visit.account.id, entry_id)
            await audit.record_request(
                tx,
                request,
                visit.account.id,
                "delete",
                _RESOURCE,
                entry_id,
                before=entries.to_wire(before),
                after=entries.to_wire(row),
            )
    except AppError as exc:
        return await _entry_refused(visit, entry_id, exc, None)
    return RedirectResponse(where(None, local_start(before).date(), "deleted"), status_code=303)


ROUTES = [
    *week_grid.ROUTES,
    Route("/week/entries/{id}", entry_page, methods=["GET"]),
    Route("/week/entries/{id}", entry_post, methods=["POST"]),
    Route("/week/entries/{id}/delete", entry_delete, methods=["POST"]),
]
