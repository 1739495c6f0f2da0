"""What the pickers offer: the projects (with their clients) and tasks a person may book on,
each list read under its own read permission, as the API's lists answer them to the same
person (an external user's are the projects assigned to them).

Pages do not write the catalogue into their HTML: ``GET /app/catalogue`` answers it as JSON,
and ``pickers.js`` fetches it when a picker is first focused. An account's projects and tasks
(hundreds in a large one) would otherwise be read and rendered into every timer and week page,
though most loads pick nothing. Without JavaScript a picker is a plain text field: the server
matches the name typed, in any case (:meth:`Catalogue.project`).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from timetrack.auth.permissions import allowed
from timetrack.crud import Feed
from timetrack.db import Row, Tx
from timetrack.filters import NameFilter
from timetrack.grants import GRANT
from timetrack.handlers import read
from timetrack.paging import Page
from timetrack.policy import Action, Resource
from timetrack.projects.schemas import ProjectFilter
from timetrack.projects.service import list_projects
from timetrack.tasks.service import list_tasks
from timetrack.web.guard import Visit, signed_in

# The pickers offer at most this many of each (one page of the API's lists); typing filters.
PICKER_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Project:
    id: int
    name: str
    client: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Projects by client and name, tasks by name (casefolded: the same on both databases)."""

    projects: list[Project]
    tasks: dict[str, int]  # name -> id

    @property
    def clients(self) -> list[str]:
        return list(dict.fromkeys(project.client for project in self.projects))

    def project(self, client: str, name: str) -> int | None:
        """The id of the client's project of that name, as typed (any case, spaces around)."""
        wanted = (client.strip().casefold(), name.strip().casefold())
        found = (p.id for p in self.projects if (p.client.casefold(), p.name.casefold()) == wanted)
        return next(found, None)

    def task(self, name: str) -> int | None:
        wanted = name.strip().casefold()
        return next((i for n, i in self.tasks.items() if n.casefold() == wanted), None)

    def to_json(self) -> dict[str, object]:
        return {
            "clients": self.clients,
            "projects": [{"name": p.name, "client": p.client} for p in self.projects],
            "tasks": list(self.tasks),
        }


async def _projects(visit: Visit, tx: Tx, page: Page) -> list[Row]:
    account = await allowed(Resource.PROJECTS, Action.READ)(visit.caller)
    projects, _ = await list_projects(tx, account.id, page, Feed(), ProjectFilter())
    return projects


async def any_project(visit: Visit, tx: Tx) -> bool:
    """Whether the person may book on any project at all (else a page says who adds them)."""
    page_grant = GRANT.get()
    try:
        return bool(await _projects(visit, tx, Page(0, 1)))
    finally:
        GRANT.set(page_grant)


async def load(visit: Visit, tx: Tx) -> Catalogue:
    """The person's catalogue; the page's own grant is restored afterwards."""
    page, page_grant = Page(0, PICKER_LIMIT), GRANT.get()
    try:
        projects = await _projects(visit, tx, page)
        account = await allowed(Resource.TASKS, Action.READ)(visit.caller)
        tasks, _ = await list_tasks(tx, account.id, page, Feed(), NameFilter())
    finally:
        GRANT.set(page_grant)
    return Catalogue(
        sorted(
            (Project(int(r["id"]), r["name"], r["client_name"]) for r in projects),
            key=lambda p: (p.client.casefold(), p.name.casefold()),
        ),
        {r["name"]: int(r["id"]) for r in sorted(tasks, key=lambda r: r["name"].casefold())},
    )


@signed_in(Resource.PROJECTS, Action.READ)
async def catalogue(visit: Visit) -> Response:
    async with read(visit.request) as tx:
        found = await load(visit, tx)
    # The person's own lists: never kept by a shared cache, asked again on the next page.
    return JSONResponse(found.to_json(), headers={"Cache-Control": "private, no-store"})


ROUTES = [Route("/catalogue", catalogue, methods=["GET"])]
