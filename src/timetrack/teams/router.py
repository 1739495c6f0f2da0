from __future__ import annotations

from typing import Annotated

from fastapi import Query

from timetrack.errors import (
    TEAM_DELETED,
    TEAM_LEAD_WITHOUT_ROLE,
    TEAM_NAME_TAKEN,
    TEAM_NOT_FOUND,
    USER_UNKNOWN,
)
from timetrack.filters import NAME_DOC
from timetrack.routing import Resource
from timetrack.teams import service
from timetrack.teams.schemas import TeamCreate, TeamFilter, TeamRead, TeamUpdate
from timetrack.wire import NAME_MAX


async def _filters(
    name: Annotated[
        str | None, Query(max_length=NAME_MAX, description=NAME_DOC.format("team"))
    ] = None,
    username: Annotated[
        str | None,
        Query(
            max_length=NAME_MAX,
            description="the teams this user leads or is a member of: the whole username, in "
            "any case (never a substring)",
        ),
    ] = None,
) -> TeamFilter:
    return TeamFilter(name or None, (username or "").strip() or None)


# The table the routes are made from; the web app's admin pages serve it too.
resource = Resource(
    singular="team",
    plural="teams",
    read_model=TeamRead,
    create_model=TeamCreate,
    update_model=TeamUpdate,
    filters=_filters,
    list=service.list_teams,
    get=service.get_team,
    create=service.create_team,
    update=service.update_team,
    delete=service.delete_team,
    columns=service.COLUMNS,
    not_found=TEAM_NOT_FOUND,
    deleted=TEAM_DELETED,
    errors={
        "create": (USER_UNKNOWN, TEAM_LEAD_WITHOUT_ROLE, TEAM_NAME_TAKEN),
        "update": (USER_UNKNOWN, TEAM_LEAD_WITHOUT_ROLE, TEAM_NAME_TAKEN),
    },
    examples={
        "create": {"name": "Support", "leads": ["maria"], "members": ["test6", "alex"]},
        "update": {"members": ["test6", "alex", "sam"]},
    },
    conflicts={
        "create": "A team with this name exists",
        "update": "Another team has this name",
    },
)
router = resource.router()
