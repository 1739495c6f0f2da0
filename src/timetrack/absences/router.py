from __future__ import annotations

from typing import Annotated

from fastapi import Query

from timetrack.absences import service
from timetrack.absences.fields import DISAPPROVED, WAITING
from timetrack.absences.schemas import AbsenceCreate, AbsenceFilter, AbsenceRead, AbsenceUpdate
from timetrack.canonical import QUERY_INTEGER
from timetrack.day_ranges import DAY_BOUND_DOC, day_bound, day_query
from timetrack.errors import (
    ABSENCE_DELETED,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_NOT_FOUND,
    ABSENCE_OVERLAP,
    ABSENCE_TYPE_UNKNOWN,
    USER_UNKNOWN,
)
from timetrack.filters import AbsenceTypeIdParam, UserIdParam, UserParam, one_user
from timetrack.routing import Resource

_DATE_DOC = f"{DAY_BOUND_DOC}; absences sharing at least one day with the range match"
StatusParam = Annotated[
    int | None,
    Query(ge=WAITING, le=DISAPPROVED, description="0 waiting, 1 approved, 2 disapproved"),
    QUERY_INTEGER,
]


async def _filters(
    user: UserParam = None,
    username: UserParam = None,
    user_id: UserIdParam = None,
    from_: Annotated[str | None, day_query(_DATE_DOC, alias="from")] = None,
    to: Annotated[str | None, day_query(_DATE_DOC)] = None,
    start_date: Annotated[
        str | None, day_query(f"alias of `from`: {DAY_BOUND_DOC}", alias="startDate")
    ] = None,
    end_date: Annotated[
        str | None, day_query(f"alias of `to`: {DAY_BOUND_DOC}", alias="endDate")
    ] = None,
    absence_type: AbsenceTypeIdParam = None,
    status: StatusParam = None,
) -> AbsenceFilter:
    low, low_name = (from_, "from") if from_ else (start_date, "startDate")
    high, high_name = (to, "to") if to else (end_date, "endDate")
    return AbsenceFilter(
        username=one_user(user, username),
        user_id=user_id,
        first_day=day_bound(low_name, low) if low else None,
        last_day=day_bound(high_name, high) if high else None,
        absence_type=absence_type,
        status=status,
    )


_CREATE_CODES = (
    USER_UNKNOWN,
    ABSENCE_TYPE_UNKNOWN,
    ABSENCE_END_BEFORE_START,
    ABSENCE_HALF_DAY_SPAN,
    ABSENCE_OVERLAP,
)
# The web app's absences page writes through it too (its audit entries).
resource = Resource(
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
    columns=service.COLUMNS,
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
router = resource.router()
