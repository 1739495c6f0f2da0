from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Query

from timetrack.absences import service
from timetrack.absences.schemas import AbsenceCreate, AbsenceRead, AbsenceUpdate
from timetrack.errors import (
    ABSENCE_DELETED,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_NOT_FOUND,
    ABSENCE_OVERLAP,
    ABSENCE_TYPE_UNKNOWN,
    PARAMETER_INVALID,
    USER_UNKNOWN,
    AppError,
)
from timetrack.filters import ID_DOC, UserIdParam, UserParam, user_named
from timetrack.routing import Resource, crud_router
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN, TimeFormatError, parse_date_or_timestamp
from timetrack.wire import MAX_ID

_DATE_DOC = (
    "a date YYYY-MM-DD (a timestamp stands for its date); absences sharing at least one day "
    "with the range match"
)
_BOUND: dict[str, Any] = {
    "max_length": 40,
    "json_schema_extra": {"pattern": DATE_OR_TIMESTAMP_PATTERN},
}
DateParam = Annotated[str | None, Query(description=_DATE_DOC, **_BOUND)]
_ID = re.compile(r"^\s*[0-9]{1,19}\s*$")


def _day(parameter: str, text: str) -> date:
    try:
        value = parse_date_or_timestamp(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"{parameter}: {exc}", parameter=parameter) from None
    return value if isinstance(value, date) else value.wall.date()


def _number(parameter: str, text: str, *, low: int = 0, high: int, what: str) -> int:
    if _ID.match(text) and low <= int(text) <= high:
        return int(text)
    raise AppError.of(PARAMETER_INVALID, f"{parameter}: must be {what}", parameter=parameter)


def _filters(
    user: UserParam = None,
    username: UserParam = None,
    user_id: UserIdParam = None,
    from_: Annotated[str | None, Query(alias="from", description=_DATE_DOC, **_BOUND)] = None,
    to: DateParam = None,
    start_date: Annotated[
        str | None, Query(alias="startDate", description="alias of `from`", **_BOUND)
    ] = None,
    end_date: Annotated[
        str | None, Query(alias="endDate", description="alias of `to`", **_BOUND)
    ] = None,
    absence_type: Annotated[
        str | None,
        Query(
            alias="absenceType",
            max_length=40,
            description=ID_DOC.format("absence type"),
            json_schema_extra={"pattern": r"^\s*[0-9]{1,19}\s*$"},
        ),
    ] = None,
    status: Annotated[
        str | None,
        Query(
            max_length=10,
            description="0 waiting, 1 approved, 2 disapproved",
            json_schema_extra={"pattern": r"^\s*[0-2]\s*$"},
        ),
    ] = None,
) -> dict[str, Any]:
    conditions: list[tuple[str, Any]] = []
    if user_id is not None:
        conditions.append(("a.user_id = {}", user_id))
    low, low_name = (from_, "from") if from_ else (start_date, "startDate")
    if low:
        conditions.append(("a.end_date >= {}", _day(low_name, low)))
    high, high_name = (to, "to") if to else (end_date, "endDate")
    if high:
        conditions.append(("a.start_date <= {}", _day(high_name, high)))
    if absence_type:
        type_id = _number(
            "absenceType", absence_type, low=1, high=MAX_ID, what="an absence type id"
        )
        conditions.append(("a.absence_type_id = {}", type_id))
    if status:
        value = _number("status", status, high=2, what="0, 1 or 2")
        conditions.append(("a.status = {}", value))
    lookups = user_named(user if user is not None else username)
    return {"conditions": conditions, "lookups": lookups}


_CREATE_CODES = (
    USER_UNKNOWN,
    ABSENCE_TYPE_UNKNOWN,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_OVERLAP,
)
router = crud_router(
    Resource(
        singular="absence",
        plural="absences",
        read_model=AbsenceRead,
        create_model=AbsenceCreate,
        update_model=AbsenceUpdate,
        filters=_filters,
        list=service.list_absences,
        get=service.get_absence,
        create=service.create_absence,
        update=service.update_absence,
        delete=service.delete_absence,
        to_wire=service.to_wire,
        not_found=ABSENCE_NOT_FOUND,
        deleted=ABSENCE_DELETED,
        errors={"create": _CREATE_CODES, "update": (ABSENCE_OVERLAP,)},
        examples={
            "create": {
                "username": "tester",
                "absenceType": 1,
                "to": "2020-10-28",
                "from": "2020-10-26",
            },
            "update": {"status": "1"},
        },
        conflicts={
            "create": "The user has an overlapping absence that is not disapproved",
            "update": "A disapproved absence set back to waiting or approved would overlap "
            "another absence of the user",
        },
        create_needs_one_of=("username", "user"),
    )
)
