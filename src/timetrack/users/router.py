from __future__ import annotations

from typing import Annotated

from fastapi import Query

from timetrack.errors import (
    USER_DELETED,
    USER_EMAIL_TAKEN,
    USER_NOT_FOUND,
    USER_REGION_UNKNOWN,
    USERNAME_TAKEN,
)
from timetrack.routing import Resource
from timetrack.users import service
from timetrack.users.schemas import UserCreate, UserFilter, UserRead, UserUpdate
from timetrack.wire import NAME_MAX


async def _filters(
    username: Annotated[
        str | None,
        Query(max_length=NAME_MAX, description="case-insensitive substring of the username"),
    ] = None,
    email: Annotated[
        str | None, Query(max_length=254, description="e-mail address (exact, any case)")
    ] = None,
) -> UserFilter:
    return UserFilter(username or None, email or None)


# The table the routes are made from; the web app's admin pages serve it too.
resource = Resource(
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
    columns=service.COLUMNS,
    not_found=USER_NOT_FOUND,
    deleted=USER_DELETED,
    errors={
        "create": (USERNAME_TAKEN, USER_EMAIL_TAKEN, USER_REGION_UNKNOWN),
        "update": (USER_EMAIL_TAKEN, USER_REGION_UNKNOWN),
    },
    examples={
        # The vendor's example, but for the e-mail address it leaves out.
        "create": {
            "teamLead": False,
            "password": "123123123",
            "firstName": "Max",
            "admin": True,
            "username": "test6",
            "email": "max.smith@example.com",
            "language": "de",
            "personalNumber": 1234,
            "lastName": "Smith",
        },
        "update": {"lastName": "Smith-Jones", "language": "en"},
    },
    conflicts={
        "create": "The username or the e-mail address is taken",
        "update": "The e-mail address is taken by another user",
    },
    prepare_create=service.hash_password,
    prepare_update=service.hash_password,
)
router = resource.router()
