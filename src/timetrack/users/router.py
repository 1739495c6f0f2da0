from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from timetrack.errors import USER_DELETED, USER_NOT_FOUND
from timetrack.routing import Resource, crud_router
from timetrack.users import service
from timetrack.users.schemas import UserCreate, UserRead, UserUpdate
from timetrack.wire import NAME_MAX


def _filters(
    username: Annotated[
        str | None,
        Query(max_length=NAME_MAX, description="case-insensitive substring of the username"),
    ] = None,
    email: Annotated[
        str | None, Query(max_length=254, description="e-mail address (exact, any case)")
    ] = None,
) -> dict[str, Any]:
    return {"username": username, "email": email}


router = crud_router(
    Resource(
        singular="user",
        plural="users",
        read_model=UserRead,
        create_model=UserCreate,
        update_model=UserUpdate,
        filters=_filters,
        list=service.list_users,
        get=service.get_user,
        create=service.create_user,
        update=service.update_user,
        delete=service.delete_user,
        to_wire=service.to_wire,
        not_found=USER_NOT_FOUND,
        deleted=USER_DELETED,
        conflicts={
            "create": "The username (14030) or e-mail (14031) is taken",
            "update": "The e-mail is taken by another user (14031)",
        },
        prepare=service.prepare,
    )
)
