from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Query

from timetrack.absences import service
from timetrack.absences.schemas import AbsenceCreate, AbsenceRead, AbsenceUpdate
from timetrack.day_ranges import DAY_BOUND_DOC, DayBound, day_bound, day_query
from timetrack.errors import ABSENCE_DELETED, ABSENCE_NOT_FOUND, PARAMETER_INVALID, AppError
from timetrack.routing import Resource, crud_router
from timetrack.wire import MAX_ID, NAME_MAX, name_key

NameParam = Annotated[
    str | None, Query(max_length=NAME_MAX, description="absences of this user (whole username)")
]
_DATE_DOC = f"{DAY_BOUND_DOC}; absences sharing at least one day with the range match"
_ID = re.compile(r"^\s*[0-9]{1,19}\s*$")


def _number(parameter: str, text: str, *, high: int, what: str) -> int:
    if _ID.match(text) and int(text) <= high:
        return int(text)
    raise AppError.of(PARAMETER_INVALID, f"{parameter}: must be {what}", parameter=parameter)


def _filters(
    user: NameParam = None,
    username: NameParam = None,
    from_: Annotated[str | None, day_query(_DATE_DOC, alias="from")] = None,
    to: Annotated[str | None, day_query(_DATE_DOC)] = None,
    start_date: Annotated[
        str | None, day_query(f"alias of `from`: {DAY_BOUND_DOC}", alias="startDate")
    ] = None,
    end_date: Annotated[
        str | None, day_query(f"alias of `to`: {DAY_BOUND_DOC}", alias="endDate")
    ] = None,
    absence_type: Annotated[
        str | None,
        Query(
            alias="absenceType",
            max_length=40,
            description="the absence type's id",
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
    conditions: list[tuple[Any, ...]] = []
    # Bounds whose date depends on each user's zone: the service turns them into conditions.
    zoned: list[tuple[str, DayBound]] = []
    who = user if user is not None else username
    low, low_name = (from_, "from") if from_ else (start_date, "startDate")
    high, high_name = (to, "to") if to else (end_date, "endDate")
    for text, name, condition in (
        (low, low_name, "a.end_date >= {}"),
        (high, high_name, "a.start_date <= {}"),
    ):
        if text:
            bound = day_bound(name, text)
            if bound.zoned:
                zoned.append((condition, bound))
            else:
                conditions.append((condition, bound.written))
    if absence_type:
        type_id = _number("absenceType", absence_type, high=MAX_ID, what="an absence type id")
        conditions.append(("a.absence_type_id = {}", type_id))
    if status:
        value = _number("status", status, high=2, what="0, 1 or 2")
        conditions.append(("a.status = {}", value))
    return {
        "conditions": conditions,
        "zoned_bounds": zoned,
        "username_key": name_key(who.strip()) if who else None,
    }


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
        conflicts={
            "create": "The user has an overlapping absence that is not disapproved (17040)",
            "update": "A disapproved absence set back to waiting or approved would overlap "
            "another absence of the user (17040)",
        },
    )
)
