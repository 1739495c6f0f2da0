"""Absences: leave, sickness and the like, by whole days or one half day (SPEC §2 "Absences").

A new absence waits for approval (status 0); afterwards only its status changes. A user's
non-deleted, not disapproved absences never overlap. Two creates for one user at the same
moment must not both pass that check, so on PostgreSQL each write that can add an overlap locks
the user's row first (SQLite serialises writers with BEGIN IMMEDIATE already).
"""

from __future__ import annotations

from datetime import date

from timetrack import grants
from timetrack.absence_types.service import live_absence_type
from timetrack.absences.fields import DISAPPROVED, FULL_DAY, WAITING
from timetrack.absences.schemas import AbsenceCreate, AbsenceFilter, AbsenceUpdate
from timetrack.columns import Column, WireColumns
from timetrack.crud import (
    Condition,
    Feed,
    list_scoped,
    now,
    require_live,
    soft_delete,
    update_columns,
)
from timetrack.day_ranges import per_zone_condition
from timetrack.db import Row, Tx, next_id
from timetrack.errors import (
    ABSENCE_DELETED,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_NOT_FOUND,
    ABSENCE_OVERLAP,
    FIELD_READ_ONLY,
    FIELD_REQUIRED,
    ROLE_FORBIDS,
    USER_UNKNOWN,
    AppError,
    Problem,
)
from timetrack.filters import user_named
from timetrack.paging import Page
from timetrack.policy import Action, Resource
from timetrack.users.service import lock_user_writes, user_by_name
from timetrack.wire import name_key

_FROM = (
    " FROM absences a"
    " JOIN users u ON u.account_id = a.account_id AND u.id = a.user_id"
    " JOIN absence_types t ON t.account_id = a.account_id AND t.id = a.absence_type_id"
    " WHERE a.account_id = $1"
)
COLUMNS = WireColumns(
    Column("a.id", "id"),
    Column("u.username", "user"),
    Column("a.user_id", "user_id"),
    Column("a.start_date", "from", date.isoformat),
    Column("a.end_date", "to", date.isoformat),
    Column("a.status", "status"),
    Column("a.absence_type_id", "absenceType"),
    Column("t.short_name", "absenceTypeName"),
    Column("t.color", "color"),
    Column("t.plannable", "is_plannable"),
    Column("a.day_segment", "day_segment"),
    Column("a.notes", "notes"),
    alias="a.",
)
# The account scope, written once: every read of absences starts here.
_OWNED = f"SELECT {COLUMNS.select_list}{_FROM}"
# Filters only touch the absences table, so the count needs no joins.
_COUNT = "SELECT count(*) FROM absences a WHERE a.account_id = $1"


to_wire = COLUMNS.to_wire


async def list_absences(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: AbsenceFilter
) -> tuple[list[Row], int]:
    conditions: list[Condition] = []
    if query.user_id is not None:
        conditions.append(("a.user_id = {}", query.user_id))
    for bound, condition in (
        (query.first_day, "a.end_date >= {}"),
        (query.last_day, "a.start_date <= {}"),
    ):
        if bound is None:
            continue
        if not bound.zoned:
            conditions.append((condition, bound.written))
            continue
        # The date depends on each user's zone; the zones are narrowed to the named user's.
        conditions.append(
            await per_zone_condition(
                tx,
                account_id,
                condition,
                bound,
                user_column="a.user_id",
                username_key=None if query.username is None else name_key(query.username),
            )
        )
    if query.absence_type is not None:
        conditions.append(("a.absence_type_id = {}", query.absence_type))
    if query.status is not None:
        conditions.append(("a.status = {}", query.status))
    return await list_scoped(
        tx,
        account_id,
        page,
        feed,
        conditions,
        user_named(query.username),
        select_sql=_OWNED,
        count_sql=_COUNT,
        order_by="a.id",
        alias="a.",
        owner="user_id",
    )


async def get_absence(tx: Tx, account_id: int, absence_id: int) -> Row:
    row = await tx.fetchrow(
        f"{_OWNED} AND a.id = $2{grants.owner_sql('a.user_id')}", account_id, absence_id
    )
    return require_live(row, ABSENCE_NOT_FOUND, ABSENCE_DELETED, f"absence {absence_id}")


async def get_own_absence(tx: Tx, account_id: int, absence_id: int, user_id: int) -> Row:
    """An absence of ``user_id``'s, for a page of one's own requests: anybody else's answers
    exactly as one that does not exist (a deleted one too, which :func:`get_absence` answers
    as deleted to whoever reaches it), whatever the grant reaches."""
    row = await tx.fetchrow(
        f"{_OWNED} AND a.id = $2 AND a.user_id = $3{grants.owner_sql('a.user_id')}",
        account_id,
        absence_id,
        user_id,
    )
    return require_live(row, ABSENCE_NOT_FOUND, ABSENCE_DELETED, f"absence {absence_id}")


def _username(body: AbsenceCreate | AbsenceUpdate) -> tuple[str, str] | None:
    """The username sent, and in which field (``username``, the documented one, wins)."""
    if body.username is not None:
        return body.username, "username"
    if body.user is not None:
        return body.user, "user"
    return None


def _day_segment(body: AbsenceCreate | AbsenceUpdate) -> tuple[int, str] | None:
    """The day segment sent, and in which field (``day_segment`` wins over ``daySegment``)."""
    if body.day_segment is not None:
        return body.day_segment, "day_segment"
    if body.day_segment_camel is not None:
        return body.day_segment_camel, "daySegment"
    return None


async def _refuse_overlap(
    tx: Tx,
    account_id: int,
    user_id: int,
    start: date,
    end: date,
    day_segment: int,
    *,
    except_id: int = 0,
) -> None:
    """409 when the user has a non-deleted, not disapproved absence sharing a day with
    ``start..end``. Half days of different segments on the same day do not overlap (half-day
    segments only ever cover a single day)."""
    clash = await tx.fetchrow(
        "SELECT id, start_date, end_date FROM absences WHERE account_id = $1 AND user_id = $2 "
        "AND deleted_at IS NULL AND status <> $3 AND start_date <= $5 AND end_date >= $4 "
        "AND NOT (day_segment <> 0 AND $6 <> 0 AND day_segment <> $6) AND id <> $7 "
        "ORDER BY start_date, id LIMIT 1",
        account_id,
        user_id,
        DISAPPROVED,
        start,
        end,
        day_segment,
        except_id,
    )
    if clash is not None:
        raise AppError.of(
            ABSENCE_OVERLAP,
            f"the user already has absence {clash['id']} from {clash['start_date']} to "
            f"{clash['end_date']} (not disapproved)",
        )


async def create_absence(tx: Tx, account_id: int, body: AbsenceCreate) -> Row:
    username = _username(body)
    if username is None:
        raise AppError.of(FIELD_REQUIRED, "send `username` (or `user`)", pointer="/username")
    segment, segment_field = _day_segment(body) or (FULL_DAY, "day_segment")
    if body.to < body.from_:
        raise AppError.of(
            ABSENCE_END_BEFORE_START,
            f"`to` ({body.to}) is before `from` ({body.from_})",
            pointer="/to",
        )
    if segment != FULL_DAY and body.to != body.from_:
        raise AppError.of(
            ABSENCE_HALF_DAY_SPAN,
            f"a half day ({segment_field} {segment}) must start and end on the same day",
            pointer=f"/{segment_field}",
        )
    user = await user_by_name(tx, account_id, username[0], field=username[1])
    absence_type = await live_absence_type(tx, account_id, body.absence_type, field="absenceType")
    locked = await lock_user_writes(tx, account_id, user["id"])
    if locked is not None and locked["deleted_at"] is not None:  # deleted while we waited
        raise AppError.of(USER_UNKNOWN, f"no user named {username[0]!r}", pointer=f"/{username[1]}")
    await _refuse_overlap(tx, account_id, user["id"], body.from_, body.to, segment)
    absence_id = await next_id(tx, account_id, "absences")
    stamp = now()
    await tx.execute(
        "INSERT INTO absences (account_id, id, user_id, absence_type_id, start_date, end_date, "
        "status, day_segment, notes, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        account_id,
        absence_id,
        user["id"],
        absence_type["id"],
        body.from_,
        body.to,
        WAITING,
        segment,
        body.notes,
        stamp,
    )
    return await get_absence(tx, account_id, absence_id)


def _refuse_changes(body: AbsenceUpdate, current: Row) -> None:
    """Everything but ``status`` is read-only: accepted only with its current value."""
    problems = []

    def refuse(field: str) -> None:
        problems.append(
            Problem(
                FIELD_READ_ONLY, f"{field} cannot be changed: only status can", pointer=f"/{field}"
            )
        )

    for field in ("username", "user"):
        sent = getattr(body, field)
        if sent is not None and name_key(sent) != name_key(current["username"]):
            refuse(field)
    if body.from_ is not None and body.from_ != current["start_date"]:
        refuse("from")
    if body.to is not None and body.to != current["end_date"]:
        refuse("to")
    if body.absence_type is not None and body.absence_type != current["absence_type_id"]:
        refuse("absenceType")
    if body.day_segment is not None and body.day_segment != current["day_segment"]:
        refuse("day_segment")
    if body.day_segment_camel is not None and body.day_segment_camel != current["day_segment"]:
        refuse("daySegment")
    if "notes" in body.model_fields_set and body.notes != current["notes"]:
        refuse("notes")
    if problems:
        raise AppError(*problems)


async def update_absence(tx: Tx, account_id: int, absence_id: int, body: AbsenceUpdate) -> Row:
    if tx.dialect == "postgresql":
        # The row first, then (below) its user: the order an If-Match check locks them in
        # (preconditions.py), so two updates of one absence cannot deadlock.
        await tx.execute(
            "SELECT id FROM absences WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE",
            account_id,
            absence_id,
        )
    current = await get_absence(tx, account_id, absence_id)
    _refuse_changes(body, current)
    if body.status is None or body.status == current["status"]:
        return current
    _may_decide(current)
    if current["status"] == DISAPPROVED:
        # Waiting or approved again: it counts for overlaps once more.
        await lock_user_writes(tx, account_id, current["user_id"])
        await _refuse_overlap(
            tx,
            account_id,
            current["user_id"],
            current["start_date"],
            current["end_date"],
            current["day_segment"],
            except_id=absence_id,
        )
    await update_columns(tx, "absences", account_id, absence_id, {"status": body.status})
    return await get_absence(tx, account_id, absence_id)


def _may_decide(absence: Row) -> None:
    """Approving, disapproving or taking back a decision is a lead's or an admin's (policy:
    approve), and a lead decides their members' absences, not their own."""
    grants.require(Resource.ABSENCES, Action.APPROVE)
    deciders = grants.owners(Resource.ABSENCES, Action.APPROVE)
    if deciders is not None and absence["user_id"] not in deciders:
        raise AppError.of(
            ROLE_FORBIDS, "a team lead decides their members' absences, not their own"
        )


async def delete_absence(tx: Tx, account_id: int, absence_id: int) -> Row:
    current = await get_absence(tx, account_id, absence_id)
    if current["status"] != WAITING:
        # A request still waiting may be withdrawn by its user; a decided one is the deciders'.
        _may_decide(current)
    await soft_delete(
        tx, "absences", account_id, absence_id, ABSENCE_DELETED, f"absence {absence_id}"
    )
    row = await tx.fetchrow(
        f"{_OWNED} AND a.id = $2{grants.owner_sql('a.user_id')}", account_id, absence_id
    )
    assert row is not None
    return row
