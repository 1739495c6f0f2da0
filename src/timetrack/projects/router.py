from __future__ import annotations

from timetrack.errors import (
    CLIENT_UNKNOWN,
    PROJECT_DELETED,
    PROJECT_NAME_TAKEN,
    PROJECT_NOT_FOUND,
    USER_UNKNOWN,
)
from timetrack.filters import ClientIdParam, ClientNameParam, ProjectNameParam
from timetrack.projects import service
from timetrack.projects.schemas import ProjectCreate, ProjectFilter, ProjectRead, ProjectUpdate
from timetrack.routing import Resource


async def _filters(
    project_name: ProjectNameParam = None,
    client_name: ClientNameParam = None,
    client_id: ClientIdParam = None,
) -> ProjectFilter:
    return ProjectFilter(project_name or None, client_name or None, client_id)


# The table the routes are made from; the web app's admin pages serve it too.
resource = Resource(
    singular="project",
    plural="projects",
    read_model=ProjectRead,
    create_model=ProjectCreate,
    update_model=ProjectUpdate,
    filters=_filters,
    list=service.list_projects,
    get=service.get_project,
    create=service.create_project,
    update=service.update_project,
    delete=service.delete_project,
    columns=service.COLUMNS,
    not_found=PROJECT_NOT_FOUND,
    deleted=PROJECT_DELETED,
    errors={
        "create": (CLIENT_UNKNOWN, USER_UNKNOWN, PROJECT_NAME_TAKEN),
        "update": (CLIENT_UNKNOWN, USER_UNKNOWN, PROJECT_NAME_TAKEN),
    },
    examples={
        "create": {"projectName": "Test project 001", "clientName": "Test company"},
        "update": {"hourRate": "50", "notes": "Test Projekt fuer API"},
    },
    conflicts={
        "create": "The client already has a project with this name",
        "update": "The target client already has a project with this name",
    },
)
router = resource.router()
