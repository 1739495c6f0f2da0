"""Working-time models (per user, valid from a date) and the leave balance they entitle.

A model gives a user's target seconds for each weekday and the days of leave per year. It
applies from ``valid_from`` until the user's next model starts, so a change from full to part
time on a date keeps the old model for the days before it. A user without any model works the
default model: Monday-Friday 8 h and ``DEFAULT_VACATION_DAYS`` of leave.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from timetrack.accounts.service import Account
from timetrack.crud import (
    Feed,
    Filters,
    apply_feed,
    fetch_page,
    now,
    require_live,
    soft_delete,
    update_columns,
    with_meta,
)
from timetrack.db import IntegrityViolation, Row, Tx, next_id
from timetrack.errors import (
    WORKING_TIME_MODEL_DATE_TAKEN,
    WORKING_TIME_MODEL_DELETED,
    WORKING_TIME_MODEL_NOT_FOUND,
    AppError,
)
from timetrack.paging import Page
from timetrack.public_holidays import holidays_between, place
from timetrack.times import zone
from timetrack.users.service import get_user, user_by_name
from timetrack.wire import parse_body
from timetrack.working_time import leave
from timetrack.working_time.fields import WEEKDAYS
from timetrack.working_time.schemas import WorkingTimeModelCreate, WorkingTimeModelUpdate

_COLUMNS = (
    "m.id, m.user_id, u.username, m.valid_from, m.monday, m.tuesday, m.wednesday, m.thursday, "
    "m.friday, m.saturday, m.sunday, m.vacation_days, m.updated_at, m.deleted_at"
)
# The account scope, written once: every read of models starts here ($2 is the user).
_OWNED = (
    f"SELECT {_COLUMNS} FROM working_time_models m "
    "JOIN users u ON u.account_id = m.account_id AND u.id = m.user_id "
    "WHERE m.account_id = $1 AND m.user_id = $2"
)
_COUNT = "SELECT count(*) FROM working_time_models m WHERE m.account_id = $1 AND m.user_id = $2"
_WEEK_FIELDS = tuple(f"{day}_seconds" for day in WEEKDAYS)  # body field -> column: the weekday


def to_wire(row: Row) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": row["id"],
        "userId": row["user_id"],
        "username": row["username"],
        "validFrom": row["valid_from"].isoformat(),
    }
    for day in WEEKDAYS:
        item[f"{day}Seconds"] = row[day]
    item["vacationDaysPerYear"] = row["vacation_days"]
    return with_meta(item, row)


def _label(model_id: int) -> str:
    return f"working-time model {model_id}"


async def list_models(
    tx: Tx, account_id: int, user_id: int, page: Page, feed: Feed
) -> tuple[list[Row], int]:
    """A user's models ordered by ``valid_from`` (the user must be live)."""
    await get_user(tx, account_id, user_id)
    filters = Filters(account_id)
    filters.args.append(user_id)  # $2, used by _OWNED and _COUNT
    apply_feed(filters, feed, "m.")
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "m.valid_from, m.id")


async def get_model(tx: Tx, account_id: int, user_id: int, model_id: int) -> Row:
    await get_user(tx, account_id, user_id)
    return await _get_model(tx, account_id, user_id, model_id)


async def _get_model(tx: Tx, account_id: int, user_id: int, model_id: int) -> Row:
    row = await tx.fetchrow(f"{_OWNED} AND m.id = $3", account_id, user_id, model_id)
    return require_live(
        row, WORKING_TIME_MODEL_NOT_FOUND, WORKING_TIME_MODEL_DELETED, _label(model_id)
    )


async def _refuse_taken(
    tx: Tx, account_id: int, user_id: int, valid_from: date, *, except_id: int | None = None
) -> None:
    taken = await tx.fetchval(
        "SELECT id FROM working_time_models WHERE account_id = $1 AND user_id = $2 "
        "AND valid_from = $3 AND deleted_at IS NULL",
        account_id,
        user_id,
        valid_from,
    )
    if taken is not None and taken != except_id:
        raise _taken(valid_from, taken)


def _taken(valid_from: date, other: int | None = None) -> AppError:
    which = f" (id {other})" if other is not None else ""
    return AppError.of(
        WORKING_TIME_MODEL_DATE_TAKEN,
        f"the user already has a working-time model{which} valid from {valid_from.isoformat()}",
        pointer="/validFrom",
    )


async def create_model(tx: Tx, account_id: int, user_id: int, body: WorkingTimeModelCreate) -> Row:
    await get_user(tx, account_id, user_id)
    await _refuse_taken(tx, account_id, user_id, body.valid_from)
    model_id = await next_id(tx, account_id, "working_time_models")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO working_time_models (account_id, id, user_id, valid_from, monday, "
            "tuesday, wednesday, thursday, friday, saturday, sunday, vacation_days, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
            account_id,
            model_id,
            user_id,
            body.valid_from,
            *(getattr(body, field) for field in _WEEK_FIELDS),
            body.vacation_days_per_year,
            stamp,
        )
    except IntegrityViolation:
        # A concurrent create won the race past _refuse_taken (the partial unique index).
        raise _taken(body.valid_from) from None
    return await _get_model(tx, account_id, user_id, model_id)


async def update_model(
    tx: Tx, account_id: int, user_id: int, model_id: int, body: WorkingTimeModelUpdate
) -> Row:
    current = await get_model(tx, account_id, user_id, model_id)
    sent = body.model_fields_set
    changes: dict[str, Any] = {
        day: getattr(body, field)
        for day, field in zip(WEEKDAYS, _WEEK_FIELDS, strict=True)
        if field in sent
    }
    if "vacation_days_per_year" in sent:
        changes["vacation_days"] = body.vacation_days_per_year
    if body.valid_from is not None and body.valid_from != current["valid_from"]:
        await _refuse_taken(tx, account_id, user_id, body.valid_from, except_id=model_id)
        changes["valid_from"] = body.valid_from
    if not changes:
        return current
    try:
        await update_columns(tx, "working_time_models", account_id, model_id, changes)
    except IntegrityViolation:
        raise _taken(changes["valid_from"]) from None
    return await _get_model(tx, account_id, user_id, model_id)


async def delete_model(tx: Tx, account_id: int, user_id: int, model_id: int) -> Row:
    """Soft delete: from then on the previous model (or the default) applies in its place."""
    await get_model(tx, account_id, user_id, model_id)
    await soft_delete(
        tx,
        "working_time_models",
        account_id,
        model_id,
        WORKING_TIME_MODEL_DELETED,
        _label(model_id),
    )
    row = await tx.fetchrow(f"{_OWNED} AND m.id = $3", account_id, user_id, model_id)
    assert row is not None
    return row


# --- what other services need -----------------------------------------------------------------


async def load_models(tx: Tx, account_id: int, user_id: int) -> list[leave.LeaveModel]:
    """A user's live models, sorted by ``valid_from`` (``.target_model`` gives the week in the
    form ``work_reports.calc.target_for`` takes)."""
    rows = await tx.fetch(
        f"{_OWNED} AND m.deleted_at IS NULL ORDER BY m.valid_from", account_id, user_id
    )
    return [
        leave.LeaveModel(
            row["valid_from"],
            (
                row["monday"],
                row["tuesday"],
                row["wednesday"],
                row["thursday"],
                row["friday"],
                row["saturday"],
                row["sunday"],
            ),
            row["vacation_days"],
        )
        for row in rows
    ]


async def _leave_absences(
    tx: Tx, account_id: int, user_id: int, first: date, last: date
) -> list[leave.LeaveAbsence]:
    """The user's absences overlapping ``first..last`` that count against the entitlement:
    not deleted, approved or waiting, of a type that counts (even if the type was deleted
    since: the absence still took its days)."""
    rows = await tx.fetch(
        "SELECT a.start_date, a.end_date, a.status, a.day_segment, t.half_day FROM absences a "
        "JOIN absence_types t ON t.account_id = a.account_id AND t.id = a.absence_type_id "
        "WHERE a.account_id = $1 AND a.user_id = $2 AND a.deleted_at IS NULL "
        "AND a.status IN ($3, $4) AND t.counts_against_entitlement "
        "AND a.start_date <= $6 AND a.end_date >= $5",
        account_id,
        user_id,
        leave.WAITING,
        leave.APPROVED,
        first,
        last,
    )
    return [
        leave.LeaveAbsence(
            row["start_date"],
            row["end_date"],
            row["status"],
            bool(row["half_day"]) or row["day_segment"] != 0,
        )
        for row in rows
    ]


def current_year(account: Account) -> int:
    return datetime.now(zone(account.timezone)).year


async def leave_balance(
    tx: Tx, account: Account, user_id: int, year: int | None = None
) -> dict[str, Any]:
    """Entitlement, taken, planned and remaining leave days of a user in a year (default: the
    current year in the account's zone)."""
    user = await get_user(tx, account.id, user_id)
    year = current_year(account) if year is None else year
    first, last = leave.year_bounds(year)
    models = await load_models(tx, account.id, user_id)
    absences = await _leave_absences(tx, account.id, user_id, first, last)
    where = place(user["country"], user["region"], account.country, account.region)
    holidays = holidays_between(*where, first, last)
    entitlement = leave.entitlement(models, year)
    days = leave.leave_days(absences, models, holidays.keys(), year)
    return {
        "userId": user["id"],
        "username": user["username"],
        "year": year,
        "entitlementDays": entitlement,
        "takenDays": days.taken,
        "plannedDays": days.planned,
        "remainingDays": entitlement - days.taken - days.planned,
    }


# --- the CLI (by account and username) --------------------------------------------------------


async def list_for_username(tx: Tx, account_id: int, username: str) -> list[dict[str, Any]]:
    user = await user_by_name(tx, account_id, username, field="username")
    rows = await tx.fetch(
        f"{_OWNED} AND m.deleted_at IS NULL ORDER BY m.valid_from", account_id, user["id"]
    )
    return [to_wire(row) for row in rows]


async def set_for_username(
    tx: Tx, account_id: int, username: str, data: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    """Create the user's model valid from ``data["validFrom"]``, or change the one that already
    starts on that date (only the fields in ``data``). ``data`` is a wire body, validated as
    the API validates it. Returns the model and whether it was created."""
    user = await user_by_name(tx, account_id, username, field="username")
    body, _ = parse_body(WorkingTimeModelCreate, data)
    existing = await tx.fetchval(
        "SELECT id FROM working_time_models WHERE account_id = $1 AND user_id = $2 "
        "AND valid_from = $3 AND deleted_at IS NULL",
        account_id,
        user["id"],
        body.valid_from,
    )
    if existing is None:
        return to_wire(await create_model(tx, account_id, user["id"], body)), True
    update, _ = parse_body(WorkingTimeModelUpdate, data)
    return to_wire(await update_model(tx, account_id, user["id"], existing, update)), False
