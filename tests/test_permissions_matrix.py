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
        await _ok(await admin.post("/tasks", json={"name": "T1"}))
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
        # A key that books time but reads no catalogue: its user's assignments still bind it.
        wanted.append(("eve", frozenset({"time_entries:write"})))
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
            if name in records and scopes == {"admin"}:
                records[name]["api_keys"] = new.row["id"]
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


# The collections whose records belong to one person; the world holds one of each per person.
OWNED = ("project_time_entries", "attendances", "absences", "users", "api_keys")


def _visible(viewer: str, owner: str, reach: int, world: World) -> bool:
    if reach == 3:
        return True
    if reach == 0:
        return False
    if viewer == owner:
        return True
    return reach == 2 and viewer == "lee" and owner == "mia"


def record_operations(app: FastAPI) -> list[Operation]:
    """Every operation on one person's record (its reads, read-by-POST and updates), from the
    app's routes: ``/users/{id}/leave_balance`` and ``/api_keys/{id}`` as much as
    ``/project_time_entries/{id}``. Deletes are left to the route-level test (they would
    remove the world's records); creates have no record yet."""
    return [
        op
        for op in operations(app)
        if "{" in op.path
        and op.path.split("/")[1] in OWNED
        and op.method in ("GET", "POST", "PUT")
        and not (op.method == "POST" and op.action == "write")
    ]


def _record_path(op: Operation, world: World, owner: str | None) -> str:
    """The operation's path for ``owner``'s record (None: ids that name nothing)."""
    if owner is None:
        return _probe_path(op)
    collection = op.path.split("/")[1]
    record = world.users[owner] if collection == "users" else world.records[owner][collection]
    path = op.path.replace("{id}", str(record))
    return path.replace("{modelId}", str(world.records[owner]["working_time_models"]))


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_every_record_route_reaches_exactly_the_records_in_reach(
    world: World, viewer: str
) -> None:
    """Every record operation x every person's record: 200 in reach, out of reach exactly as
    a record that does not exist, 403 where the role reaches none."""
    role = ROLE_OF[viewer].value
    ops = record_operations(world.app)
    assert {op.resource for op in ops} >= {"leave_balance", "working_time_models", "api_keys"}
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for op in ops:
            reach = REACH[(op.resource, op.action)][role]
            body: dict[str, Any] | None = {} if op.method != "GET" else None
            missing = await caller.request(op.method, _record_path(op, world, None), json=body)
            for owner in PEOPLE:
                path = _record_path(op, world, owner)
                response = await caller.request(op.method, path, json=body)
                context = (viewer, owner, op.method, path, response.text)
                if reach == 0:
                    assert response.status_code == 403, context
                elif _visible(viewer, owner, reach, world):
                    assert response.status_code == 200, context
                else:
                    assert response.status_code == 404, context
                    _hidden_like_missing(response, missing, int(path.split("/")[2]))


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_a_list_shows_exactly_the_records_in_reach(world: World, viewer: str) -> None:
    role = ROLE_OF[viewer].value
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for resource in ("project_time_entries", "attendances", "absences", "users"):
            reach = REACH[(resource, "read")][role]
            listed = await caller.get(f"/{resource}")
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
