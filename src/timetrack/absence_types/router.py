from __future__ import annotations

from timetrack.absence_types import service
from timetrack.absence_types.schemas import AbsenceTypeCreate, AbsenceTypeRead, AbsenceTypeUpdate
from timetrack.errors import (
    ABSENCE_TYPE_DELETED,
    ABSENCE_TYPE_IN_USE,
    ABSENCE_TYPE_NAME_TAKEN,
    ABSENCE_TYPE_NOT_FOUND,
)
from timetrack.filters import name_filter
from timetrack.routing import Resource

router = Resource(
    singular="absence_type",
    plural="absence_types",
    read_model=AbsenceTypeRead,
    create_model=AbsenceTypeCreate,
    update_model=AbsenceTypeUpdate,
    filters=name_filter,
    list=service.list_absence_types,
    get=service.get_absence_type,
    create=service.create_absence_type,
    update=service.update_absence_type,
    delete=service.delete_absence_type,
    columns=service.COLUMNS,
    not_found=ABSENCE_TYPE_NOT_FOUND,
    deleted=ABSENCE_TYPE_DELETED,
    errors={
        "create": (ABSENCE_TYPE_NAME_TAKEN,),
        "update": (ABSENCE_TYPE_NAME_TAKEN,),
        "delete": (ABSENCE_TYPE_IN_USE,),
    },
    examples={
        "create": {
            "name": "Further training",
            "shortName": "FT",
            "color": "#3366cc",
            "countsAgainstEntitlement": False,
        },
        "update": {"color": "#6633cc"},
    },
    conflicts={
        "create": "An absence type with this name exists",
        "update": "Another absence type has this name",
        "delete": "Non-deleted absences use the type",
    },
).router()
