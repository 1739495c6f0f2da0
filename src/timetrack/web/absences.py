"""The absences page: request leave, see one's own requests, their status and the leave
balance; team leads and admins decide the requests of the people they reach.

Every read and write is the API's service under the API's permission, so the page answers
what the API would:

- **Request**: ``absences.service.create_absence`` with the body ``POST /absences`` takes,
  for the person signed in (``username`` is theirs; the form has no field for anybody else's).
- **Own requests**: ``list_absences`` with ``userId`` (``GET /absences?userId=``), from
  1 January of last year on, newest first.
- **Leave balance**: ``working_time.service.leave_balance`` (``GET
  /users/{id}/leave_balance``) under the leave balance's read permission.
- **To decide**: the waiting requests listed under the grant to *approve* absences
  (``grants.require``), so ``grants.py`` decides whose they are: a lead's members' (never the
  lead's own), everybody's for an admin; nobody else sees the list.
- **Decide**: the version the page showed (``If-Match``: 412 when another decider was
  quicker), then ``update_absence`` with ``{"status": 1|2}`` under the absences' write permission,
  as ``PUT /absences/{id}`` does; the service asks for the approve grant itself, so a plain
  user's post is refused (403 ``ROLE_FORBIDS``, or 404 for another person's request) and a
  lead's post on their own request answers 403 10050, shown on the page with its message.
- **Withdraw** one's own request: ``DELETE /absences/{id}`` with ``If-Match``, that is the
  version the page showed (412 when it was decided or changed since: nothing is withdrawn),
  then ``delete_absence`` under the absences' write permission, audited as the API audits it.
  The page offers it for a request still waiting; a decided one is its deciders' (the service
  refuses its requester with 403 ``ROLE_FORBIDS``, as the API does). The page is one's own
  leave: another person's request answers exactly like a missing one (404
  ``ABSENCE_NOT_FOUND``), whatever the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack import grants, preconditions
from timetrack.absence_types.service import list_absence_types
from timetrack.absences import service
from timetrack.absences.fields import WAITING
from timetrack.absences.router import resource as absences_api
from timetrack.absences.schemas import AbsenceCreate, AbsenceFilter, AbsenceUpdate
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.crud import Feed
from timetrack.day_ranges import DayBound
from timetrack.db import Row, Tx
from timetrack.errors import (
    ABSENCE_DELETED,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_NOT_FOUND,
    ABSENCE_OVERLAP,
    ABSENCE_TYPE_UNKNOWN,
    FIELD_INVALID,
    FIELD_REQUIRED,
    PRECONDITION_FAILED,
    ROLE_FORBIDS,
    AppError,
    ErrorCode,
)
from timetrack.filters import NameFilter
from timetrack.handlers import read, write
from timetrack.paging import Page
from timetrack.policy import Action, Reach, Resource
from timetrack.times import utc_to_local
from timetrack.users.service import get_user
from timetrack.web import render
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import reworded
from timetrack.wire import dumps, parse_body
from timetrack.working_time.service import leave_balance


def _(message: str) -> str:
    """Marks a message for the catalogs (test_i18n extracts ``_(...)``); translated when shown."""
    return message


PATH = f"{render.PREFIX}/absences"
LIST_LIMIT = 500
_FIELDS = {
    "/absenceType": "type",
    "/from": "from",
    "/to": "to",
    "/day_segment": "segment",
    "/notes": "note",
}
_TYPE_WORDS = _("Choose a kind of absence from the list.")
# A field the API could not read: words per form field (others: problems.py's).
_INVALID = {
    "type": _TYPE_WORDS,
    "from": _("Enter a date such as 2026-07-01."),
    "to": _("Enter a date such as 2026-07-01."),
}
# What this page's refusals mean to a person, beyond problems.py's general words.
_WORDS: dict[ErrorCode, str] = {
    ABSENCE_TYPE_UNKNOWN: _TYPE_WORDS,
    ABSENCE_END_BEFORE_START: _("The last day must not be before the first day."),
    ABSENCE_HALF_DAY_SPAN: _("A half day is a single day: give the same first and last day."),
    ABSENCE_OVERLAP: _("You already asked for leave on one of these days."),
    ABSENCE_NOT_FOUND: _("There is no such request, or it is not yours to decide."),
    FIELD_REQUIRED: _("Fill in this field."),
    ROLE_FORBIDS: _("You may not decide this request."),
    PRECONDITION_FAILED: _("This request changed meanwhile. Check it, then decide again."),
}
# Withdrawing one's own request: its refusals in words of their own.
_WITHDRAW_WORDS: dict[ErrorCode, str] = {
    **_WORDS,
    ABSENCE_NOT_FOUND: _("You have no such request."),
    ABSENCE_DELETED: _("This request is withdrawn already."),
    ROLE_FORBIDS: _("Only a request still waiting can be withdrawn. Ask who decides your leave."),
    PRECONDITION_FAILED: _(
        "This request was decided or changed meanwhile, so it is not withdrawn. "
        "My requests shows it as it is now."
    ),
}
_DONE = {
    "requested": _("Your request is sent; it waits for approval."),
    "approved": _("The request is approved."),
    "rejected": _("The request is rejected."),
    "withdrawn": _("Your request is withdrawn."),
}
STATUS = (_("Waiting"), _("Approved"), _("Rejected"))
SEGMENTS = (_("Full day"), _("First half"), _("Second half"))
_DECISIONS = {"approve": 1, "reject": 2}


@dataclass(frozen=True, slots=True)
class Leave:
    """One absence as the page lists it."""

    id: int
    user: str
    type_name: str
    first: date
    last: date
    segment: int
    status: int
    notes: str | None
    version: str  # its ETag, as GET /absences/{id} answers it: a decision sends it back


def _request(item: dict[str, Any], names: dict[int, str]) -> Leave:
    version = preconditions.etag_of(dumps(grants.shown(item)))
    return Leave(
        item["id"],
        item["user"],
        names.get(item["absenceType"], item["absenceTypeName"]),
        date.fromisoformat(item["from"]),
        date.fromisoformat(item["to"]),
        item["day_segment"],
        item["status"],
        item["notes"],
        version,
    )


async def _listed(tx: Tx, account_id: int, query: AbsenceFilter) -> list[Row]:
    rows, _total = await service.list_absences(tx, account_id, Page(0, LIST_LIMIT), Feed(), query)
    return rows


async def _show(
    visit: Visit,
    status_code: int = 200,
    error: AppError | None = None,
    words: dict[ErrorCode, str] = _WORDS,
) -> Response:
    caller = visit.caller
    principal = caller.principal
    user_id = principal.user_id or 0
    account = await allowed(Resource.ABSENCE_TYPES, Action.READ)(caller)
    async with read(visit.request) as tx:
        types, _total = await list_absence_types(
            tx, account.id, Page(0, LIST_LIMIT), Feed(), NameFilter()
        )
        names = {row["id"]: row["name"] for row in types}
        await allowed(Resource.ABSENCES, Action.READ)(caller)
        user = await get_user(tx, account.id, user_id)
        today = utc_to_local(datetime.now(UTC), user["time_zone"]).date()
        since = DayBound(date(today.year - 1, 1, 1))
        mine = await _listed(tx, account.id, AbsenceFilter(user_id=user_id, first_day=since))
        deciding = principal.reach(Resource.ABSENCES, Action.APPROVE) is not Reach.NONE
        waiting: list[Row] = []
        if deciding:
            grants.require(Resource.ABSENCES, Action.APPROVE)
            waiting = await _listed(tx, account.id, AbsenceFilter(status=WAITING))
        await allowed(Resource.LEAVE_BALANCE, Action.READ)(caller)
        balance = await leave_balance(tx, account, user_id, today.year)
    done = _DONE.get(visit.request.query_params.get("done", ""))
    return visit.page(
        "absences.html",
        status_code,
        types=[(row["id"], row["name"]) for row in types],
        mine=sorted(
            (_request(service.to_wire(r), names) for r in mine),
            key=lambda r: (r.first, r.id),
            reverse=True,
        ),
        waiting=[_request(service.to_wire(r), names) for r in waiting],
        deciding=deciding,
        balance=balance,
        status_words=STATUS,
        segment_words=SEGMENTS,
        values=visit.form,
        problems=reworded(error, visit.texts, _FIELDS, words, _INVALID) if error else [],
        done=visit.texts.gettext(done) if done else None,
    )


@signed_in(Resource.ABSENCES, Action.READ)
async def absences_page(visit: Visit) -> Response:
    return await _show(visit)


def _create_body(visit: Visit) -> dict[str, Any]:
    form = visit.form
    body: dict[str, Any] = {
        "username": visit.username,
        "absenceType": form.get("type", "").strip(),
        "from": form.get("from", "").strip(),
        "to": form.get("to", "").strip() or form.get("from", "").strip(),
        "day_segment": form.get("segment", "0").strip() or "0",
    }
    if not body["absenceType"]:
        del body["absenceType"]  # missing: the API's "required", next to the picker
    if not body["from"]:
        del body["from"]
        del body["to"]
    if note := form.get("note", "").strip():
        body["notes"] = note
    return body


@signed_in(Resource.ABSENCES, Action.WRITE)
async def request_leave(visit: Visit) -> Response:
    request, account_id = visit.request, visit.account.id
    try:
        body, _ignored = parse_body(AbsenceCreate, _create_body(visit))
        async with write(request) as tx:
            row = await service.create_absence(tx, account_id, body)
            after = service.to_wire(row)
            await audit.record_request(
                tx, request, account_id, "create", "absences", row["id"], after=after
            )
    except AppError as exc:
        return await _show(visit, exc.status, exc)
    return RedirectResponse(f"{PATH}?done=requested", status_code=303)


async def _current(tx: Tx, account_id: int, absence_id: int, owner: int | None) -> Row:
    """The request: whoever's the grant reaches, or (``owner``) only that person's."""
    if owner is None:
        return await service.get_absence(tx, account_id, absence_id)
    return await service.get_own_absence(tx, account_id, absence_id, owner)


async def _require_version(
    tx: Tx, account_id: int, absence_id: int, seen: str, *, owner: int | None = None
) -> None:
    """412 when the request changed since the page showed it (another decider was quicker),
    as ``PUT``/``DELETE /absences/{id}`` with ``If-Match`` answer: one decision never silently
    replaces another, and a request decided meanwhile is not withdrawn. ``owner``: the person
    withdrawing (deleting) their own request; else a decision."""

    async def wire() -> dict[str, Any]:
        return service.to_wire(await _current(tx, account_id, absence_id, owner))

    await preconditions.require_version(
        tx,
        seen,
        table="absences",
        account_id=account_id,
        record_id=absence_id,
        current=wire,
        deleting=owner is not None,
    )


@signed_in(Resource.ABSENCES, Action.WRITE)
async def decide(visit: Visit) -> Response:
    request, account_id = visit.request, visit.account.id
    decision = visit.form.get("decision", "")
    try:
        absence_id = int(request.path_params["absence_id"])
        status = _DECISIONS.get(decision)
        if status is None:
            raise AppError.of(FIELD_INVALID, "decision: approve or reject", pointer="/status")
        patch, _ignored = parse_body(AbsenceUpdate, {"status": status})
        async with write(request) as tx:
            if seen := visit.form.get("version"):
                await _require_version(tx, account_id, absence_id, seen)
            before = await service.get_absence(tx, account_id, absence_id)
            row = await service.update_absence(tx, account_id, absence_id, patch)
            if audit.changed(before, row):
                await audit.record_request(
                    tx,
                    request,
                    account_id,
                    "update",
                    "absences",
                    absence_id,
                    before=service.to_wire(before),
                    after=service.to_wire(row),
                )
    except AppError as exc:
        return await _show(visit, exc.status, exc)
    done = "approved" if status == 1 else "rejected"
    return RedirectResponse(f"{PATH}?done={done}", status_code=303)


@signed_in(Resource.ABSENCES, Action.WRITE)
async def withdraw(visit: Visit) -> Response:
    request, account_id = visit.request, visit.account.id
    absence_id = int(request.path_params["absence_id"])
    user_id = visit.caller.principal.user_id or 0
    # Always conditional: a form without the version it showed is refused as a stale one.
    seen = visit.form.get("version", "")
    try:
        async with write(request) as tx:
            await _require_version(tx, account_id, absence_id, seen, owner=user_id)
            before = await _current(tx, account_id, absence_id, user_id)
            row = await service.delete_absence(tx, account_id, absence_id)
            await absences_api.audited(request, tx, account_id, "delete", row, before)
    except AppError as exc:
        return await _show(visit, exc.status, exc, _WITHDRAW_WORDS)
    return RedirectResponse(f"{PATH}?done=withdrawn", status_code=303)


ROUTES = [
    Route("/absences", absences_page, methods=["GET"]),
    Route("/absences/request", request_leave, methods=["POST"]),
    Route("/absences/{absence_id:int}/decide", decide, methods=["POST"]),
    Route("/absences/{absence_id:int}/withdraw", withdraw, methods=["POST"]),
]
