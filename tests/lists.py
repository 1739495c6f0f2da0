"""Many records of one resource, for tests of lists (the change feed, paging): how to make one
more record of a group, a change to make to it, and the resource's own filter that selects a
group. Absence types and working-time models are not here: their lists do not start empty.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from records import created


@dataclass
class Context:
    """Per account: the records other records need, made once; a counter for unique names."""

    api: httpx.AsyncClient
    count: int = 0
    client: bool = False
    user: bool = False
    projects: set[str] | None = None
    group_users: set[str] | None = None

    def next(self) -> int:
        self.count += 1
        return self.count

    async def feed_client(self) -> str:
        if not self.client:
            await created(self.api, "/clients", {"name": "Feed Client"})
            self.client = True
        return "Feed Client"

    async def feed_user(self) -> str:
        if not self.user:
            await created(
                self.api,
                "/users",
                {
                    "username": "feeder",
                    "firstName": "Feed",
                    "lastName": "Er",
                    "email": "feeder@example.com",
                    "password": "correct horse battery",
                    "timeZone": "Europe/Berlin",  # updatedAt stays UTC all the same
                },
            )
            self.user = True
        return "feeder"

    async def group_user(self, group: str) -> str:
        """A user named after ``group``, so that the user filters select a group's records."""
        self.group_users = self.group_users or set()
        if group not in self.group_users:
            body = {
                "username": group,
                "firstName": "Group",
                "lastName": "User",
                "email": f"{group}@example.com",
                "password": "correct horse battery",
            }
            await created(self.api, "/users", body)
            self.group_users.add(group)
        return group

    async def feed_project(self, name: str) -> str:
        self.projects = self.projects or set()
        if name not in self.projects:
            client = await self.feed_client()
            await created(self.api, "/projects", {"clientName": client, "projectName": name})
            self.projects.add(name)
        return name


Make = Callable[[Context, str], Awaitable[dict[str, Any]]]


async def _client(ctx: Context, group: str) -> dict[str, Any]:
    return await created(ctx.api, "/clients", {"name": f"{group} {ctx.next()}"})


async def _project(ctx: Context, group: str) -> dict[str, Any]:
    client = await ctx.feed_client()
    body = {"clientName": client, "projectName": f"{group} {ctx.next()}"}
    return await created(ctx.api, "/projects", body)


async def _task(ctx: Context, group: str) -> dict[str, Any]:
    return await created(ctx.api, "/tasks", {"name": f"{group} {ctx.next()}"})


async def _user(ctx: Context, group: str) -> dict[str, Any]:
    n = ctx.next()
    body = {
        "username": f"{group}-{n}",
        "firstName": "First",
        "lastName": "Last",
        "email": f"{group}-{n}@example.com",
        "password": "correct horse battery",
    }
    return await created(ctx.api, "/users", body)


async def _entry(ctx: Context, group: str) -> dict[str, Any]:
    user = await ctx.feed_user()
    project = await ctx.feed_project(group)
    day = ctx.next()  # later entries start later: the entry list is ordered by start
    body = {
        "user": user,
        "clientName": await ctx.feed_client(),
        "projectName": project,
        "from": f"2025-05-{day:02d}T09:00:00.000Z",
        "to": f"2025-05-{day:02d}T10:30:00.000Z",
    }
    return await created(ctx.api, "/project_time_entries", body)


async def _attendance(ctx: Context, group: str) -> dict[str, Any]:
    day = ctx.next()  # later attendances start later: the list is ordered by start
    body = {
        "user": await ctx.group_user(group),
        "from": f"2025-05-{day:02d}T08:00:00.000Z",
        "to": f"2025-05-{day:02d}T12:00:00.000Z",
    }
    return await created(ctx.api, "/attendances", body)


async def _absence(ctx: Context, group: str) -> dict[str, Any]:
    day = f"2025-05-{ctx.next():02d}"
    body = {"username": await ctx.group_user(group), "from": day, "to": day, "absenceType": 1}
    return await created(ctx.api, "/absences", body)


@dataclass(frozen=True)
class Listing:
    path: str
    make: Make
    update: dict[str, Any]
    # The resource's own filter, selecting the records made in one group.
    own_filter: Callable[[str], dict[str, str]]

    def __str__(self) -> str:
        return self.path.strip("/")


async def _team(ctx: Context, group: str) -> dict[str, Any]:
    body = {"name": f"{group} {ctx.next()}", "members": [await ctx.feed_user()]}
    return await created(ctx.api, "/teams", body)


LISTS = [
    Listing("/clients", _client, {"notes": "changed"}, lambda g: {"name": g}),
    Listing("/projects", _project, {"notes": "changed"}, lambda g: {"projectName": g}),
    Listing("/tasks", _task, {"notes": "changed"}, lambda g: {"name": g}),
    Listing("/users", _user, {"firstName": "Changed"}, lambda g: {"username": g}),
    Listing("/project_time_entries", _entry, {"details": "changed"}, lambda g: {"projectName": g}),
    Listing("/attendances", _attendance, {"notes": "changed"}, lambda g: {"user": g}),
    Listing("/absences", _absence, {"status": 1}, lambda g: {"username": g}),
    Listing("/teams", _team, {"members": []}, lambda g: {"name": g}),
]
