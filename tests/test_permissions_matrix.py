"""The permission policy over the whole API, generated from the app's own routes (issue 12):
every operation, every role and key scope, and for every record route a record of one's own,
of one's team and of others.

The expectations come from docs/api.md's Permissions table (which test_docs keeps equal to
``policy.POLICY``), not from the code under test: removing a rule from the policy, or a route's
or service's use of it, fails here.

The world: an account with an admin (ada), a team lead (lee) leading mia, a user outside any team
(uma) and an external user (eve, assigned to project P1); each of lee, mia, uma and eve has a time
entry, an attendance, an absence and a working-time model. Principals are personal API keys:
with the ``admin`` scope a key is exactly its user's role.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import auth_headers
from fastapi import FastAPI
from fastapi.routing import APIRoute

from timetrack.accounts.service import Credentials
from timetrack.api_keys import service as api_keys
from timetrack.app import API_PREFIX
from timetrack.db import Database
from timetrack.dispatch import api_routes
from timetrack.policy import SCOPES, Action, Resource, Role, scope_covers

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"
# Routes any caller may use: signing in and out, asking who one is, one's own password.
UNGUARDED = {"login", "logout", "get_me", "change_password"}
PEOPLE = ("lee", "mia", "uma", "eve")
MISSING = 999_999
WORDS = {"-": 0, "own": 1, "team": 2, "all": 3}


def documented_reach() -> dict[tuple[str, str], dict[str, int]]:
    """docs/api.md's Permissions table: (resource, action) -> role -> reach (0-3)."""
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("| resource | action |") :].split("\n\n", 1)[0].splitlines()
    roles = [cell.strip() for cell in table[0].strip("|").split("|")][2:]
    reach = {}
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        reach[(cells[0].strip("`"), cells[1])] = {
            role: WORDS[word] for role, word in zip(roles, cells[2:], strict=True)
        }
    return reach


REACH = documented_reach()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    name: str
    resource: str
    action: str


def _permission(route: APIRoute) -> tuple[str, str] | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        name = getattr(dependency.call, "__name__", "")
        if name.startswith("may_"):
            action, resource = name.removeprefix("may_").split("_", 1)
            return resource, action
        pending.extend(dependency.dependencies)
    return None


def operations(app: FastAPI) -> Iterator[Operation]:
    """Every documented API operation with the permission its route declares; a route that
    declares none (and is not one of UNGUARDED) fails the test that walks them."""
    for path, route in api_routes(app.router.routes):
        if not route.include_in_schema:
            continue
        if not path.startswith(API_PREFIX) or route.name in UNGUARDED:
            continue
        declared = _permission(route)
        assert declared is not None, f"{path} declares no permission"
        resource, declared_action = declared
        for method in sorted(route.methods or set()):
            # A POST on a collection lists with an empty body and creates with one.
            creates = method == "POST" and route.status_code == 201
            action = "write" if creates and declared_action == "read" else declared_action
            yield Operation(method, path.removeprefix(API_PREFIX), route.name, resource, action)


def expected_reach(role: str, scopes: frozenset[str] | None, op: Operation) -> int:
    reach = REACH.get((op.resource, op.action), {}).get(role, 0)
    if scopes is not None and not any(
        scope_covers(s, Resource(op.resource), Action(op.action)) for s in scopes
    ):
        return 0
    return reach


@dataclass
class World:
    app: FastAPI
    account: Credentials
    users: dict[str, int]
    # person -> resource -> the id of their record
    records: dict[str, dict[str, int]]
    keys: dict[tuple[str, frozenset[str]], dict[str, str]]


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def build_world(app: FastAPI, database: Database, account: Credentials) -> World:
    admin = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver" + API_PREFIX,
        headers=auth_headers(account),
    )
    users: dict[str, int] = {}
    async with admin:
        for name, flags in (
            ("ada", {"admin": True}),
            ("lee", {"teamLead": True}),
            ("mia", {}),
            ("uma", {}),
            ("eve", {}),
        ):
            body = {
                "username": name,
                "firstName": name.title(),
                "lastName": "Example",
                "email": f"{name}@example.com",
                "password": "correct horse",
                **flags,
            }
            users[name] = (await _ok(await admin.post("/users", json=body)))["id"]
        await _ok(await admin.post("/clients", json={"name": "C1"}))
        await _ok(await admin.post("/clients", json={"name": "C2"}))
        p1 = await _ok(
            await admin.post("/projects", json={"clientName": "C1", "projectName": "P1"})
        )
        await _ok(await admin.post("/projects", json={"clientName": "C2", "projectName": "P2"}))
        records: dict[str, dict[str, int]] = {}
        for day, name in enumerate(PEOPLE, start=2):
            date = f"2026-03-0{day}"
            entry = await _ok(
                await admin.post(
                    "/project_time_entries",
                    json={
                        "user": name,
                        "clientName": "C1",
                        "projectName": "P1",
                        "from": f"{date}T09:00:00.000Z",
                        "to": f"{date}T10:00:00.000Z",
                    },
                )
            )
            attendance = await _ok(
                await admin.post(
                    "/attendances",
                    json={
                        "user": name,
                        "from": f"{date}T08:00:00.000Z",
                        "to": f"{date}T12:00:00.000Z",
                    },
                )
            )
            absence = await _ok(
                await admin.post(
                    "/absences",
                    json={"username": name, "from": date, "to": date, "absenceType": 1},
                )
            )
            model = await _ok(
                await admin.post(
                    f"/users/{users[name]}/working_time_models", json={"validFrom": "2026-01-01"}
                )
            )
            records[name] = {
                "project_time_entries": entry["id"],
                "attendances": attendance["id"],
                "absences": absence["id"],
                "working_time_models": model["id"],
                "users": users[name],
            }
    now = datetime.now(UTC)
    async with database.transaction(write=True) as tx:
        account_id = account.account.id
        await tx.execute(
            "UPDATE users SET external = $1 WHERE account_id = $2 AND id = $3",
            True,
            account_id,
            users["eve"],
        )
        await tx.execute(
            "INSERT INTO teams (account_id, id, name, name_key, created_at, updated_at) "
            "VALUES ($1, 1, 'Team', 'team', $2, $2)",
            account_id,
            now,
        )
        for name, lead in (("lee", True), ("mia", False)):
            await tx.execute(
                "INSERT INTO team_members (account_id, team_id, user_id, lead) "
                "VALUES ($1, 1, $2, $3)",
                account_id,
                users[name],
                lead,
            )
        await tx.execute(
            "INSERT INTO project_members (account_id, project_id, user_id) VALUES ($1, $2, $3)",
            account_id,
            p1["id"],
            users["eve"],
        )
        keys: dict[tuple[str, frozenset[str]], dict[str, str]] = {}
        wanted = [(name, frozenset({"admin"})) for name in ("ada", *PEOPLE)]
        wanted += [("ada", frozenset({scope})) for scope in SCOPES]
        for name, scopes in wanted:
            new = await api_keys.create(
                tx,
                account_id,
                users[name],
                name="matrix",
                scopes=scopes,
                expires_at=None,
                allowed=None,
            )
            keys[(name, scopes)] = {
                "X-TimeTrack-Api-Key": new.key,
                "X-TimeTrack-Api-Secret": new.secret,
            }
    return World(app, account, users, records, keys)


@pytest.fixture
async def world(app: FastAPI, database: Database, account: Credentials) -> World:
    return await build_world(app, database, account)


ROLE_OF = {
    "ada": Role.ADMIN,
    "lee": Role.TEAM_LEAD,
    "mia": Role.USER,
    "uma": Role.USER,
    "eve": Role.EXTERNAL,
}


def _as(world: World, name: str, scopes: frozenset[str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app),
        base_url="http://testserver" + API_PREFIX,
        headers=world.keys[(name, scopes)],
    )


def _probe_path(op: Operation) -> str:
    """The operation's path with ids that name nothing: the permission is checked first."""
    return re.sub(r"\{[^}]+\}", str(MISSING), op.path)


async def test_every_operation_answers_403_exactly_where_role_and_scopes_reach_nothing(
    world: World,
) -> None:
    """Route level: the role (keys with the `admin` scope) and each scope on an admin's key."""
    principals = [(name, frozenset({"admin"})) for name in ("ada", *PEOPLE)]
    principals += [("ada", frozenset({scope})) for scope in SCOPES]
    ops = list(operations(world.app))
    assert len(ops) > 60
    for name, scopes in principals:
        role = ROLE_OF[name].value
        async with _as(world, name, scopes) as caller:
            for op in ops:
                body = {"probe": True} if op.method in ("POST", "PUT") else None
                response = await caller.request(op.method, _probe_path(op), json=body)
                forbidden = expected_reach(role, None if scopes == {"admin"} else scopes, op) == 0
                code = response.json()["errors"][0]["code"] if response.status_code == 403 else None
                context = (name, sorted(scopes), op.method, op.path, response.text)
                if forbidden:
                    assert response.status_code == 403 and code in (10050, 10051), context
                else:
                    assert code not in (10050, 10051), context


def _hidden_like_missing(hidden: httpx.Response, missing: httpx.Response, record_id: int) -> None:
    def normal(response: httpx.Response, number: int) -> Any:
        errors = response.json()["errors"]
        for error in errors:
            error["detail"] = error["detail"].replace(str(number), "N")
        return response.status_code, errors

    assert normal(hidden, record_id) == normal(missing, MISSING)


RECORD_ROUTES = {
    "project_time_entries": "/project_time_entries/{id}",
    "attendances": "/attendances/{id}",
    "absences": "/absences/{id}",
    "users": "/users/{id}",
}


def _visible(viewer: str, owner: str, reach: int, world: World) -> bool:
    if reach == 3:
        return True
    if reach == 0:
        return False
    if viewer == owner:
        return True
    return reach == 2 and viewer == "lee" and owner == "mia"


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_a_record_out_of_reach_answers_as_one_that_does_not_exist(
    world: World, viewer: str
) -> None:
    role = ROLE_OF[viewer].value
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for resource, route in RECORD_ROUTES.items():
            reach = REACH[(resource, "read")][role]
            missing = await caller.get(route.format(id=MISSING))
            for owner in PEOPLE:
                record_id = world.records[owner][resource]
                response = await caller.get(route.format(id=record_id))
                context = (viewer, owner, resource, response.text)
                if _visible(viewer, owner, reach, world):
                    assert response.status_code == 200, context
                else:
                    _hidden_like_missing(response, missing, record_id)
            listed = await caller.get(route.rsplit("/", 1)[0])
            assert listed.status_code == 200, listed.text
            owner_key = "username" if resource == "users" else "user"
            seen = {world.users[item[owner_key]] for item in listed.json()}
            expected = {
                world.users[owner]
                for owner in (*PEOPLE, "ada")
                if (owner != "ada" or resource == "users") and _visible(viewer, owner, reach, world)
            }
            assert seen == expected, (viewer, resource, seen, expected)
            assert int(listed.headers["X-Total-Count"]) == len(listed.json())


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_writes_reach_only_records_in_reach(world: World, viewer: str) -> None:
    """An empty update of each person's records: 200 in reach, 404 like a missing one out of
    it, 403 where the role writes none of the resource."""
    role = ROLE_OF[viewer].value
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for resource, route in RECORD_ROUTES.items():
            reach = REACH[(resource, "write")][role]
            missing = await caller.put(route.format(id=MISSING), json={})
            for owner in PEOPLE:
                record_id = world.records[owner][resource]
                response = await caller.put(route.format(id=record_id), json={})
                context = (viewer, owner, resource, response.text)
                if reach == 0:
                    assert response.status_code == 403, context
                elif _visible(viewer, owner, reach, world):
                    assert response.status_code == 200, context
                else:
                    _hidden_like_missing(response, missing, record_id)


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_a_user_out_of_reach_is_an_unknown_user_in_bodies_and_filters(
    world: World, viewer: str
) -> None:
    role = ROLE_OF[viewer].value
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        write_reach = REACH[("project_time_entries", "write")][role]
        timer_reach = REACH[("project_timer", "read")][role]
        for owner in (*PEOPLE, "nobody"):
            entry = {
                "user": owner,
                "clientName": "C1",
                "projectName": "P1",
                "from": "2026-04-01T09:00:00.000Z",
                "to": "2026-04-01T09:30:00.000Z",
            }
            created = await caller.post("/project_time_entries", json=entry)
            timer = await caller.get("/timers/project_timer", params={"username": owner})
            listed = await caller.get("/project_time_entries", params={"user": owner})
            if owner != "nobody" and _visible(viewer, owner, write_reach, world):
                assert created.status_code == 201, (viewer, owner, created.text)
            else:
                assert created.status_code == 400, (viewer, owner, created.text)
                assert created.json()["errors"][0]["code"] == 14040 or created.json()["errors"][0][
                    "code"
                ] in (14040, 14041), created.text
            if owner != "nobody" and _visible(viewer, owner, timer_reach, world):
                assert timer.status_code == 200, (viewer, owner, timer.text)
            else:
                assert timer.status_code == 400, (viewer, owner, timer.text)
            assert listed.status_code == 200
            if owner == "nobody" or not _visible(
                viewer, owner, REACH[("project_time_entries", "read")][role], world
            ):
                assert listed.json() == [] and listed.headers["X-Total-Count"] == "0"


async def test_an_external_user_sees_and_books_only_assigned_projects(world: World) -> None:
    async with _as(world, "eve", frozenset({"admin"})) as eve:
        projects = await eve.get("/projects")
        clients = await eve.get("/clients")
        assert [p["projectName"] for p in projects.json()] == ["P1"]
        assert [c["name"] for c in clients.json()] == ["C1"]
        entry = {
            "user": "eve",
            "clientName": "C2",
            "projectName": "P2",
            "from": "2026-04-02T09:00:00.000Z",
            "to": "2026-04-02T09:30:00.000Z",
        }
        refused = await eve.post("/project_time_entries", json=entry)
        assert refused.status_code == 400, refused.text
        booked = await eve.post(
            "/project_time_entries", json=entry | {"clientName": "C1", "projectName": "P1"}
        )
        assert booked.status_code == 201, booked.text
