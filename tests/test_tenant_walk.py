"""Tenant isolation, exhaustively (issue 5): every operation of the OpenAPI document, walked with
a second account's key and the first account's ids and names.

Account A gets one record of every resource (and a deleted one of each, and an open attendance
and a running timer). Then every operation in the document is called by account B with A's ids
in the path, A's names and ids in the query and in body fields that refer to records, A's
`Idempotency-Key` values and ETags in headers; and, in step, by a control account C whose
requests are the same but name records that exist nowhere. B and C start alike and get the same
requests in the same order, so they stay twins: with A's tokens mapped onto the control's, every
answer B gets (status, body, paging headers, Location) must equal C's. So nothing B sees
depends on what A has: A's records are neither read, nor changed, nor revealed, not even as the
difference between "not found" and "exists but is deleted", between "unknown name" and
"conflict", or through a filter, an idempotency replay or a precondition.

Besides that, B's answers never contain anything of A's that B did not send itself (A's notes,
names of deleted records, e-mail, API key), and A's view of everything (every GET of the
document, with deleted records) is the same after the walk as before.

The walk is data-driven: it reads the paths, parameters and request-body schemas from the
document, and fills them by the rules below (``QUERY``, ``HEADERS``, ``BODIES``, path ids by the
collection they follow). A body that is an array of such a body (a bulk create) is sent as a
one-item array. An operation with a parameter or body field no rule covers fails the test, so a
new route cannot escape the walk.

Step 1 refers to A's records. Step 2, after B's lists have been checked for anything of A's,
uses A's names as the names of B's own new records (a client, a user, an e-mail address, ...):
names are unique per account only, so these must succeed exactly as the control's do.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database

API = "/api/v2/ext"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Operations outside the API, and why the walk leaves them out.
EXEMPT = {
    ("GET", "/healthz"): "no credentials and no account data",
    # Names its account by slug, without credentials; that a login answers the same whatever
    # account, user or password was wrong is tests/auth/test_login.py's.
    ("POST", API + "/auth/login"): "a login names its account itself",
    # Two passwords, nothing of any record: the account key has none to change (403 for all).
    ("POST", API + "/auth/password"): "names no record",
}
# A creates and deletes this many records in every collection before its real ones, so that its
# live ids are beyond every id B and C reach in step 1 (checked), and its deleted ids too.
BURN = 8
PASSWORD = "correct horse battery"
# Keys whose values differ between twins for reasons that have nothing to do with A (the clock,
# request ids, the account's own key in the audit log's actor).
# A personal key's key and secret are random, and its prefix names its account; /auth/me names
# the caller's own account.
VOLATILE_KEYS = frozenset(
    {
        *("updatedAt", "at", "requestId", "actor"),
        *("key", "secret", "keyPrefix", "createdAt", "account", "accountName"),
    }
)
# The response headers compared between twins (the others carry times, request ids, ETags of
# bodies with times in them, rate-limit counters).
# An ETag in an error detail (a 412 names the record's current one): a hash of a body that
# has the account's own names in it.
ETAG = re.compile(r'(W/)?"[0-9a-f]{16}"')
COMPARED_HEADERS = ("x-total-count", "link", "location", "x-ignored-fields", "allow")

# --- the rules ---------------------------------------------------------------------------------
#
# A rule says how to fill one parameter or body field:
#   ("ref", KIND)    refers to a record: A's (in B's request) or a missing one (in C's) in the
#                    variant that tests it; the caller's own record elsewhere (when required)
#   ("new", KIND)    names the caller's new record: fresh; A's name in the step-2 variant
#   ("value", X)     a fixed value, the same for everyone
#   ("time", MIN)    a timestamp, this request's slot plus MIN minutes; ("date", DAYS) likewise
#   OMIT             not sent (it refers to nothing)
# KINDs: client, project, task, user, email, type_name, team_name (names); id:COLLECTION (ids);
# etag and idempotency (header values A used); KIND[] a list of one such value (``leads``).

Rule = tuple[str, Any]
OMIT: Rule = ("omit", None)

QUERY: dict[str, Rule] = {
    "page_number": OMIT,
    "page": OMIT,
    "limit": ("value", "1000"),
    "updatedSince": ("value", "2000-01-01"),
    "includeDeleted": ("value", "true"),
    "from": ("value", "2000-01-01"),
    "to": ("value", "2199-12-31"),
    "startDate": ("value", "2000-01-01"),
    "endDate": ("value", "2199-12-31"),
    "billable": ("value", "true"),
    "status": OMIT,
    "groupBy": ("value", "week"),
    "subGroupBy": ("value", "user"),
    "rounding": ("value", "up"),
    "roundingMinutes": ("value", "15"),
    "tag": ("value", "#meeting"),
    "year": ("value", "2025"),
    "date": ("time", 0),
    # The exports: CSV, whose bytes hold nothing of the moment they were made (a PDF's and an
    # XLSX's do), so twins' files compare, and A's before and after the walk.
    "format": ("value", "csv"),
    "lang": ("value", "en"),
    "month": ("value", "2026-01"),
    "months": ("value", "12"),
    "resource": OMIT,
    "action": OMIT,
    "recordId": ("ref", "id:clients"),
    "user": ("ref", "user"),
    "username": ("ref", "user"),
    "email": ("ref", "email"),
    "clientName": ("ref", "client"),
    "projectName": ("ref", "project"),
    "task": ("ref", "task"),
    "absenceType": ("ref", "id:absence_types"),
    "userId": ("ref", "id:users"),
    "projectId": ("ref", "id:projects"),
    "clientId": ("ref", "id:clients"),
    "taskId": ("ref", "id:tasks"),
}
# Per collection: the parameters whose meaning depends on it.
QUERY_IN: dict[tuple[str, str], Rule] = {
    ("clients", "name"): ("ref", "client"),
    ("tasks", "name"): ("ref", "task"),
    ("absence_types", "name"): ("ref", "type_name"),
    ("teams", "name"): ("ref", "team_name"),
    ("work_reports", "from"): ("value", "2025-01-01"),
    ("work_reports", "to"): ("value", "2025-12-31"),
    # A report spans at most 5 years.
    ("reports", "from"): ("value", "2025-01-01"),
    ("reports", "to"): ("value", "2025-12-31"),
}
HEADERS: dict[str, Rule] = {
    "Idempotency-Key": ("ref", "idempotency"),
    "If-Match": ("ref", "etag"),
    "If-None-Match": ("ref", "etag"),
}

_NOTES: Rule = ("value", "changed")
_TEXT = ("notes", "details", "tags", "note", "phone", "address", "address2", "addressZipCode")
_PLAIN = dict.fromkeys((*_TEXT, "addressCity", "addressCountry", "contactPerson"), OMIT)
_CLIENT = {**_PLAIN, "color": OMIT, "email": OMIT, "enabled": OMIT}
_CLIENT |= {"field1": OMIT, "field2": OMIT, "field3": OMIT}
_GPS = dict.fromkeys(("latitude", "longitude", "latitude1", "longitude1"), OMIT)
_GPS |= dict.fromkeys(("latitudeStart", "longitudeStart", "latitudeEnd", "longitudeEnd"), OMIT)
_MONEY = {"hourRate": OMIT, "budgetEstimated": OMIT, "timeEstimated": OMIT}
_USER_PLAIN = {
    "admin": OMIT,
    "teamLead": OMIT,
    "external": OMIT,
    "language": OMIT,
    "personalNumber": OMIT,
    "enabled": OMIT,
    "timeZone": OMIT,
    "hourRate": OMIT,
    "country": OMIT,
    "region": OMIT,
}
_ENTRY_PLAIN = {**_GPS, "billable": OMIT, "flatRate": OMIT, "hourRate": OMIT}
_ENTRY_PLAIN |= {"details": OMIT, "tags": OMIT, "breakMinutes": OMIT, "workedMinutes": OMIT}
_WEEK = {
    f"{day}Seconds": OMIT
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}
_TYPE_PLAIN = {
    "color": OMIT,
    "countsAgainstEntitlement": OMIT,
    "plannable": OMIT,
    "creditsTarget": OMIT,
    "halfDay": OMIT,
}
# A field's rule, and whether the template (the valid body every variant starts from) sends it.
Field = tuple[Rule, bool]


def _rules(template: dict[str, Rule], others: dict[str, Rule]) -> dict[str, Field]:
    return {
        **{k: (r, False) for k, r in others.items()},
        **{k: (r, True) for k, r in template.items()},
    }


BODIES: dict[str, dict[str, Field]] = {
    "ClientCreate": _rules({"name": ("new", "client")}, _CLIENT),
    "ClientUpdate": _rules({"notes": _NOTES}, {**_CLIENT, "name": ("new", "client")}),
    "ProjectCreate": _rules(
        {"projectName": ("new", "project"), "clientName": ("ref", "client")},
        {**_MONEY, "notes": OMIT, "projectEnabled": OMIT, "assignedUsers": ("ref", "user[]")},
    ),
    "ProjectUpdate": _rules(
        {"notes": _NOTES},
        {
            **_MONEY,
            "projectEnabled": OMIT,
            "projectName": ("new", "project"),
            "clientName": ("ref", "client"),
            "assignedUsers": ("ref", "user[]"),
        },
    ),
    "TaskCreate": _rules({"name": ("new", "task")}, {"notes": OMIT, "hourRate": OMIT}),
    "TaskUpdate": _rules({"notes": _NOTES}, {"name": ("new", "task"), "hourRate": OMIT}),
    "UserCreate": _rules(
        {
            "username": ("new", "user"),
            "email": ("new", "email"),
            "firstName": ("value", "First"),
            "lastName": ("value", "Last"),
            "password": ("value", PASSWORD),
        },
        _USER_PLAIN,
    ),
    "UserUpdate": _rules(
        {"firstName": ("value", "Changed")},
        {
            **_USER_PLAIN,
            "username": ("new", "user"),
            "email": ("new", "email"),
            "lastName": OMIT,
            "password": OMIT,
        },
    ),
    "EntryCreate": _rules(
        {
            "user": ("ref", "user"),
            "clientName": ("ref", "client"),
            "projectName": ("ref", "project"),
            "task": ("ref", "task"),
            "from": ("time", 0),
            "to": ("time", 10),
        },
        {**_ENTRY_PLAIN, "username": ("ref", "user")},
    ),
    "EntryUpdate": _rules(
        {"details": ("value", "changed")},
        {
            **_ENTRY_PLAIN,
            "user": ("ref", "user"),
            "username": ("ref", "user"),
            "clientName": ("ref", "client"),
            "projectName": ("ref", "project"),
            "task": ("ref", "task"),
            "from": OMIT,
            "to": OMIT,
        },
    ),
    "ClockIn": _rules({"username": ("ref", "user"), "date": ("time", 0)}, {**_GPS, "notes": OMIT}),
    "ClockOut": _rules(
        {"username": ("ref", "user"), "date": ("time", 0)},
        {**_GPS, "notes": OMIT, "breakMinutes": OMIT},
    ),
    "AttendanceCreate": _rules(
        {"user": ("ref", "user"), "from": ("time", 0), "to": ("time", 10)},
        {
            **_GPS,
            "username": ("ref", "user"),
            "notes": OMIT,
            "manual": OMIT,
            "workedMinutes": OMIT,
            "breakMinutes": OMIT,
        },
    ),
    "AttendanceUpdate": _rules(
        {"notes": _NOTES},
        {
            **_GPS,
            "user": ("ref", "user"),
            "username": ("ref", "user"),
            "from": OMIT,
            "to": OMIT,
            "manual": OMIT,
            "workedMinutes": OMIT,
            "breakMinutes": OMIT,
        },
    ),
    "TimerStart": _rules(
        {
            "username": ("ref", "user"),
            "clientName": ("ref", "client"),
            "projectName": ("ref", "project"),
            "taskName": ("ref", "task"),
            "date": ("time", 0),
        },
        {"note": OMIT},
    ),
    "TimerEvent": _rules({"username": ("ref", "user"), "date": ("time", 0)}, {}),
    "AbsenceTypeCreate": _rules(
        {"name": ("new", "type_name"), "shortName": ("value", "WLK")}, _TYPE_PLAIN
    ),
    "AbsenceTypeUpdate": _rules(
        {"color": ("value", "#123456")},
        {**_TYPE_PLAIN, "name": ("new", "type_name"), "shortName": OMIT},
    ),
    "AbsenceCreate": _rules(
        {
            "username": ("ref", "user"),
            "absenceType": ("ref", "id:absence_types"),
            "from": ("date", 0),
            "to": ("date", 0),
        },
        {"user": ("ref", "user"), "day_segment": OMIT, "daySegment": OMIT, "notes": OMIT},
    ),
    "AbsenceUpdate": _rules(
        {"status": ("value", 1)},
        {
            "username": ("ref", "user"),
            "user": ("ref", "user"),
            "absenceType": ("ref", "id:absence_types"),
            "from": OMIT,
            "to": OMIT,
            "day_segment": OMIT,
            "daySegment": OMIT,
            "notes": OMIT,
        },
    ),
    "TeamCreate": _rules(
        {"name": ("new", "team_name"), "members": ("ref", "user[]")},
        {"leads": ("ref", "user[]")},
    ),
    "TeamUpdate": _rules(
        {"name": ("new", "team_name")},
        {"members": ("ref", "user[]"), "leads": ("ref", "user[]")},
    ),
    "ApiKeyCreate": _rules(
        {"name": ("value", "CI"), "scopes": ("value", ["read"]), "username": ("ref", "user")},
        {"expiresAt": OMIT, "allowedIps": OMIT},
    ),
    "ApiKeyUpdate": _rules({"name": ("value", "CI renamed")}, {}),
    "WorkingTimeModelCreate": _rules(
        {"validFrom": ("date", 0)}, {**_WEEK, "vacationDaysPerYear": OMIT}
    ),
    "WorkingTimeModelUpdate": _rules(
        {"mondaySeconds": ("value", 3600)},
        {**_WEEK, "validFrom": OMIT, "vacationDaysPerYear": OMIT},
    ),
}
# Body fields that name the same thing: a variant sending one sends none of the others.
SAME = {"user": "user", "username": "user"}

# --- the accounts -------------------------------------------------------------------------------


@dataclass
class World:
    """What one account's requests refer to: names made from a token, ids by collection."""

    token: str
    ids: dict[str, list[int]] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)
    idempotency_keys: dict[str, str] = field(default_factory=dict)

    def name(self, kind: str) -> str:
        t = self.token
        names = {
            "client": f"Client {t}",
            "project": f"Project {t}",
            "task": f"Task {t}",
            "user": f"user-{t}",
            "email": f"user-{t}@example.com",
            "type_name": f"Type {t}",
            "team_name": f"Team {t}",
        }
        return names[kind]

    def fresh(self, kind: str, serial: int) -> str:
        """A name nobody has yet: the caller's token and the request's serial number."""
        if kind == "email":
            return f"user-{self.token}-{serial}@example.com"
        return f"{self.name(kind)}-{serial}"

    def value(self, kind: str, *, index: int = 0, collection: str = "") -> Any:
        if kind.endswith("[]"):
            return [self.value(kind.removesuffix("[]"), index=index, collection=collection)]
        if kind.startswith("id:"):
            return str(self.ids[kind.removeprefix("id:")][index])
        if kind == "etag":
            return self.etags.get(collection) or next(iter(self.etags.values()), '"none"')
        if kind == "idempotency":
            return self.idempotency_keys.get(collection) or f"idem-{self.token}"
        return self.name(kind)


def _token() -> str:
    return uuid.uuid4().hex[:12]


async def _account(database: Database) -> Credentials:
    async with database.transaction(write=True) as tx:
        return await create_account(tx, f"walk-{_token()}")


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


async def _made(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], **headers: str
) -> tuple[int, httpx.Response]:
    response = await api.post(f"{API}{path}", json=body, headers=headers)
    return (await _ok(response))["id"], response


async def _populate(api: httpx.AsyncClient, world: World, *, secret: str | None = None) -> None:
    """One record of every resource, named from ``world.token``. With ``secret`` (account A):
    first ``BURN`` deleted records of each, ids of deleted records, notes and other text that
    must never reach anyone else, Idempotency-Keys and ETags, an open attendance and a running
    timer."""
    hidden = secret or world.token
    burn = BURN if secret else 0
    deleted: dict[str, int] = {}

    async def add(collection: str, path: str, make: Any) -> int:
        for i in range(burn):
            record_id, _ = await _made(api, path, make(f"burn {hidden} {i}", i + 1))
            await _ok(await api.delete(f"{API}{path}/{record_id}"), 200)
            deleted[collection] = record_id
        key = f"idem-{world.token}-{collection}"
        record_id, response = await _made(
            api, path, make(None, 0), **({"Idempotency-Key": key} if secret else {})
        )
        world.ids[collection] = [record_id]
        world.idempotency_keys[collection] = key
        if "etag" in response.headers:
            world.etags[collection] = response.headers["etag"]
        return record_id

    user = world.name("user")
    await add(
        "clients", "/clients", lambda n, i: {"name": n or world.name("client"), "notes": hidden}
    )
    await add(
        "tasks",
        "/tasks",
        lambda n, i: {"name": n or world.name("task"), "notes": hidden, "hourRate": 11},
    )
    await add(
        "users",
        "/users",
        lambda n, i: {
            "username": f"burn-{i}-{hidden}" if n else user,
            "email": f"burn-{i}-{hidden}@example.com" if n else world.name("email"),
            "firstName": f"First {hidden}",
            "lastName": f"Last {hidden}",
            "personalNumber": hidden,
            "password": PASSWORD,
        },
    )
    await add(
        "absence_types",
        "/absence_types",
        lambda n, i: {"name": n or world.name("type_name"), "shortName": f"S{i}"},
    )
    await add(
        "projects",
        "/projects",
        lambda n, i: {
            "projectName": n or world.name("project"),
            "clientName": world.name("client"),
            "notes": hidden,
        },
    )
    booking = {"clientName": world.name("client"), "projectName": world.name("project")}
    await add(
        "project_time_entries",
        "/project_time_entries",
        lambda n, i: {
            **booking,
            "user": user,
            "task": world.name("task"),
            "from": f"2025-03-{10 + i:02d}T09:00:00Z",
            "to": f"2025-03-{10 + i:02d}T12:00:00Z",
            "details": hidden,
            "tags": f"#{hidden}",
        },
    )
    await add(
        "attendances",
        "/attendances",
        lambda n, i: {
            "user": user,
            "from": f"2025-03-{10 + i:02d}T08:00:00Z",
            "to": f"2025-03-{10 + i:02d}T16:00:00Z",
            "notes": hidden,
        },
    )
    await add(
        "absences",
        "/absences",
        lambda n, i: {
            "username": user,
            "from": f"2025-05-{10 + i:02d}",
            "to": f"2025-05-{10 + i:02d}",
            "absenceType": world.ids["absence_types"][0],
            "notes": hidden,
        },
    )
    await add(
        "teams",
        "/teams",
        lambda n, i: {"name": n or world.name("team_name"), "members": [user]},
    )
    await add(
        "api_keys",
        "/api_keys",
        lambda n, i: {"name": f"key {i}", "scopes": ["read"], "username": user},
    )
    user_id = world.ids["users"][0]
    await add(
        "working_time_models",
        f"/users/{user_id}/working_time_models",
        lambda n, i: {"validFrom": f"2024-{1 + i:02d}-01", "mondaySeconds": 3600},
    )
    if secret:
        clock_in = {"username": user, "date": "2025-03-25T08:00:00Z", "notes": hidden}
        response = await api.post(f"{API}/attendances/clock_in", json=clock_in)
        world.ids["attendances"].append((await _ok(response))["id"])
        start = {
            **booking,
            "username": user,
            "taskName": world.name("task"),
            "date": "2025-03-25T09:00:00Z",
            "note": hidden,
        }
        await _ok(await api.post(f"{API}/timers/project_timer/start", json=start), 200)
        for collection, record_id in deleted.items():
            world.ids[collection].append(record_id)


def _control(a: World) -> World:
    """The control's idea of "A": the same shape, naming nothing that exists."""
    x = World(_token())
    x.ids = {
        c: [900_000_000 + 1000 * n + i for i in range(len(ids))]
        for n, (c, ids) in enumerate(a.ids.items())
    }
    x.etags = dict.fromkeys(a.etags, '"0123456789abcdef"')
    x.idempotency_keys = {c: f"idem-{x.token}-{c}" for c in a.idempotency_keys}
    return x


# --- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    collection: str  # the path's first segment under the API
    path_params: tuple[tuple[str, str], ...]  # (param, the collection whose id it is)
    query: tuple[tuple[str, bool], ...]  # (name, required)
    headers: tuple[str, ...]
    body: str | None  # the request-body schema's name (of its items, when ``array``)
    array: bool = False  # the body is an array of ``body`` (sent with one item)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def reads(self) -> bool:
        return self.method == "GET" or (self.method == "POST" and self.body is None)


def _operations(doc: dict[str, Any]) -> tuple[list[Operation], list[str]]:
    """The API's operations, and what no rule covers."""
    operations, uncovered = [], []
    for path, item in doc["paths"].items():
        for method, spec in item.items():
            if method not in HTTP_METHODS:
                continue
            label = f"{method.upper()} {path}"
            if (method.upper(), path) in EXEMPT:
                continue
            if not path.startswith(API + "/"):
                if (method.upper(), path) not in EXEMPT:
                    uncovered.append(f"{label}: outside {API} and not exempt")
                continue
            segments = path.removeprefix(API + "/").split("/")
            collection = segments[0]
            path_params, query, headers = [], [], []
            for param in spec.get("parameters", []):
                name, where = param["name"], param["in"]
                if where == "path":
                    owner = segments[segments.index("{" + name + "}") - 1]
                    if owner not in ID_COLLECTIONS:
                        uncovered.append(f"{label}: path parameter {name} (ids of {owner!r})")
                    path_params.append((name, owner))
                elif where == "query":
                    if (collection, name) not in QUERY_IN and name not in QUERY:
                        uncovered.append(f"{label}: query parameter {name}")
                    query.append((name, bool(param.get("required"))))
                elif where == "header":
                    if name not in HEADERS:
                        uncovered.append(f"{label}: header {name}")
                    headers.append(name)
                else:
                    uncovered.append(f"{label}: {where} parameter {name}")
            body, array = None, False
            if "requestBody" in spec:
                ref = spec["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                body = ref.rsplit("/", 1)[-1]
                items = doc["components"]["schemas"].get(body, {}).get("items")
                if items is not None:
                    body, array = items["$ref"].rsplit("/", 1)[-1], True
                rules = BODIES.get(body)
                if rules is None:
                    uncovered.append(f"{label}: request body {body}")
                else:
                    properties = doc["components"]["schemas"][body].get("properties", {})
                    uncovered += [f"{label}: {body}.{p}" for p in properties if p not in rules]
            operations.append(
                Operation(
                    method.upper(),
                    path,
                    collection,
                    tuple(path_params),
                    tuple(query),
                    tuple(headers),
                    body,
                    array,
                )
            )
    return operations, uncovered


ID_COLLECTIONS = (
    "clients",
    "projects",
    "tasks",
    "users",
    "project_time_entries",
    "attendances",
    "absences",
    "absence_types",
    "working_time_models",
    "teams",
    "api_keys",
)


# --- variants -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One request of the walk, abstractly: which of its values are "A's" (foreign)."""

    operation: Operation
    what: str
    serial: int
    foreign_path: tuple[tuple[str, int], ...] = ()  # (param, index into A's ids)
    query: tuple[tuple[str, Rule], ...] = ()
    headers: tuple[tuple[str, Rule], ...] = ()
    body: tuple[tuple[str, Rule], ...] | None = None  # None: no body; () an empty object


@dataclass
class Request:
    method: str
    url: str
    params: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any] | list[dict[str, Any]] | None

    def text(self) -> str:
        return json.dumps([self.url, self.params, self.headers, self.body])


SLOT_START = datetime(2025, 8, 1)
DAY_START = date(2026, 1, 1)


def _rule_value(rule: Rule, v: Variant, foreign: World, own: World) -> Any:
    kind, arg = rule
    op = v.operation
    if kind == "value":
        return arg
    if kind == "time":
        return f"{SLOT_START + timedelta(minutes=15 * v.serial + arg):%Y-%m-%dT%H:%M:%S}Z"
    if kind == "date":
        return (DAY_START + timedelta(days=v.serial + arg)).isoformat()
    if kind == "foreign":
        return foreign.value(arg, collection=op.collection)
    if kind == "foreign-new":
        return foreign.name(arg)
    if kind == "ref":
        return own.value(arg, collection=op.collection)
    if kind == "new":
        return own.fresh(arg, v.serial)
    raise AssertionError(rule)


def instantiate(v: Variant, foreign: World, own: World) -> Request:
    op = v.operation
    path = op.path
    foreign_path = dict(v.foreign_path)
    for name, owner in op.path_params:
        ids = foreign.ids[owner] if name in foreign_path else own.ids[owner]
        path = path.replace("{" + name + "}", str(ids[foreign_path.get(name, 0)]))
    params = {k: str(_rule_value(r, v, foreign, own)) for k, r in v.query}
    headers = {k: str(_rule_value(r, v, foreign, own)) for k, r in v.headers}
    body = None if v.body is None else {k: _rule_value(r, v, foreign, own) for k, r in v.body}
    if body is not None and op.array:
        return Request(op.method, path, params, headers, [body])
    return Request(op.method, path, params, headers, body)


def _query_rule(op: Operation, name: str) -> Rule:
    return QUERY_IN.get((op.collection, name)) or QUERY[name]


def variants(
    operations: list[Operation], step: int, foreign_ids: dict[str, list[int]]
) -> Iterator[Variant]:
    """Step 1: every way to refer to A's records (and the plain reads); step 2: A's names as
    the names of new records. ``foreign_ids``: A's ids by collection (live, deleted, ...)."""
    serial = 1000 * step
    for op in operations:
        # Required query parameters, and the neutral ones of a plain read.
        required = tuple((n, _query_rule(op, n)) for n, req in op.query if req)
        neutral = tuple(
            (n, r)
            for n, r in ((n, _query_rule(op, n)) for n, _ in op.query)
            if r[0] not in ("omit", "ref")
        )
        required_or_neutral = tuple(dict(required + neutral).items())
        template: tuple[tuple[str, Rule], ...] | None = None
        fields: dict[str, Field] = {}
        if op.body is not None:
            fields = BODIES[op.body]
            template = tuple((k, r) for k, (r, sent) in fields.items() if sent)

        def make(what: str, op: Operation = op, **kwargs: Any) -> Variant:
            nonlocal serial
            serial += 1
            return Variant(op, what, serial, **kwargs)

        if step == 2:
            for name, (rule, _) in fields.items():
                if rule[0] == "new":
                    body = dict(template or ())
                    body[name] = ("foreign-new", rule[1])
                    yield make(f"body {name}: A's name", query=required, body=tuple(body.items()))
            continue

        read_body: tuple[tuple[str, Rule], ...] | None = () if op.method == "POST" else None
        write_body = template if template is not None else read_body
        # Path: each id A's in turn (live, open, deleted), the others the caller's own.
        for name, owner in op.path_params:
            for index in range(len(foreign_ids[owner])):
                yield make(
                    f"path {name}: A's {owner} #{index}",
                    foreign_path=((name, index),),
                    query=required,
                    body=write_body,
                )
        if len(op.path_params) > 1:
            yield make(
                "path: all A's",
                foreign_path=tuple((name, 0) for name, _ in op.path_params),
                query=required,
                body=write_body,
            )
        # Query: each reference A's in turn; then a plain read, with deleted records.
        for name, _ in op.query:
            rule = _query_rule(op, name)
            if rule[0] == "ref":
                query = dict(required)
                query[name] = ("foreign", rule[1])
                yield make(f"query {name}: A's", query=tuple(query.items()), body=read_body)
        if op.reads or op.query:
            yield make("plain read", query=required_or_neutral, body=read_body)
        # Body: each reference A's in turn, the rest the caller's own valid values.
        for name, (rule, _) in fields.items():
            if rule[0] == "ref":
                body = {k: r for k, r in (template or ()) if SAME.get(k, k) != SAME.get(name, name)}
                body[name] = ("foreign", rule[1])
                yield make(f"body {name}: A's", query=required, body=tuple(body.items()))
        # Headers: A's Idempotency-Key or ETag, on a request of the caller's own.
        for name in op.headers:
            rule = HEADERS[name]
            yield make(
                f"header {name}: A's",
                query=required,
                headers=((name, ("foreign", rule[1])),),
                body=write_body,
            )


# --- comparing answers ------------------------------------------------------------------------


def _masked(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: "<volatile>" if k in VOLATILE_KEYS else _masked(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_masked(v) for v in node]
    return node


def ids_sent(v: Variant, foreign: World) -> list[str]:
    """The ids of ``foreign``'s records the request names."""
    sent = []
    path = dict(v.foreign_path)
    for name, owner in v.operation.path_params:
        if name in path:
            sent.append(str(foreign.ids[owner][path[name]]))
    for _, (kind, arg) in (*v.query, *v.headers, *(v.body or ())):
        if kind == "foreign" and arg.startswith("id:"):
            sent.append(foreign.value(arg))
    return sent


def _view(
    response: httpx.Response,
    swaps: list[tuple[str, str]],
    id_swaps: Sequence[tuple[str, str]] = (),
) -> tuple[Any, ...]:
    """What the twins' answers must agree on: the status, the body without its volatile
    values, the paging and location headers; B's with A's tokens, and the ids of A's it sent
    where an error detail repeats them, replaced by the control's."""
    text = response.text
    headers = {h: response.headers[h] for h in COMPARED_HEADERS if h in response.headers}
    for old, new in swaps:
        text = text.replace(old, new)
        headers = {h: v.replace(old, new) for h, v in headers.items()}
    try:
        body = _masked(json.loads(text)) if text else None
    except ValueError:
        body = text
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        for item in body["errors"]:
            detail = ETAG.sub('"<etag>"', str(item.get("detail")))
            for old, new in id_swaps:
                detail = re.sub(rf"\b{old}\b", new, detail)
            item["detail"] = detail
    return response.status_code, body, headers


def _everything(response: httpx.Response) -> str:
    return response.text + json.dumps(dict(response.headers))


# --- the test ------------------------------------------------------------------------------------


@pytest.fixture
async def walk_app(backend: Any, database: Database) -> AsyncIterator[FastAPI]:
    """The app, without per-account rate limiting: A alone sends a few hundred requests."""
    off = {"rate_limit_enabled": False, "auth_failures_per_minute": 0}
    settings = backend.settings.model_copy(
        update={k: v for k, v in off.items() if k in Settings.model_fields}
    )
    yield create_app(settings, database)


async def _send(api: httpx.AsyncClient, request: Request) -> httpx.Response:
    return await api.request(
        request.method,
        request.url,
        params=request.params,
        headers=request.headers,
        json=request.body,
    )


async def _snapshot(
    api: httpx.AsyncClient, reads: list[Variant], a: World
) -> dict[str, tuple[int, str]]:
    """Everything A can read: every GET of the document with A's own ids, deleted records too."""
    out = {}
    for v in reads:
        request = instantiate(v, a, a)
        response = await _send(api, request)
        out[request.text()] = (response.status_code, response.text)
    return out


async def test_a_second_account_reads_changes_and_learns_nothing_of_the_first(
    walk_app: FastAPI, database: Database
) -> None:
    async with client(walk_app, base_url="http://testserver") as root:
        doc = (await root.get("/openapi.json")).json()
    operations, uncovered = _operations(doc)
    assert not uncovered, "operations the walk's rules do not cover:\n" + "\n".join(uncovered)

    creds_a, creds_b, creds_c = [await _account(database) for _ in range(3)]
    a, b, c = World(_token()), World(_token()), World(_token())
    secret = _token()
    async with (
        client(walk_app, creds_a, base_url="http://testserver") as api_a,
        client(walk_app, creds_b, base_url="http://testserver") as api_b,
        client(walk_app, creds_c, base_url="http://testserver") as api_c,
    ):
        await _populate(api_a, a, secret=secret)
        await _populate(api_b, b)
        await _populate(api_c, c)
        assert b.ids == c.ids
        x = _control(a)

        reads = [
            v
            for v in variants(operations, 1, a.ids)
            if v.what == "plain read" and v.operation.method == "GET"
        ]
        before = await _snapshot(api_a, reads, a)

        # Nothing of A's that B does not send itself may come back to B.
        never = [secret, creds_a.api_key[:8], creds_a.api_secret]
        swaps = [(a.token, x.token), (b.token, c.token)]
        problems: list[str] = []
        covered: set[str] = set()
        for step in (1, 2):
            for v in variants(operations, step, a.ids):
                covered.add(v.operation.label)
                to_b, to_c = instantiate(v, a, b), instantiate(v, x, c)
                got_b, got_c = await _send(api_b, to_b), await _send(api_c, to_c)
                where = f"{v.operation.label} [{v.what}] {to_b.url} {to_b.params} {to_b.body}"
                seen = _everything(got_b)
                leaked = [s for s in never if s in seen]
                if step == 1 and a.token not in to_b.text() and a.token in seen:
                    leaked.append(f"A's token {a.token}")
                if leaked:
                    problems.append(f"{where}: B got {leaked}: {got_b.status_code} {got_b.text}")
                id_swaps = list(zip(ids_sent(v, a), ids_sent(v, x), strict=True))
                if _view(got_b, swaps, id_swaps) != _view(got_c, []):
                    problems.append(
                        f"{where}: B's answer differs from the control's:\n"
                        f"    B: {got_b.status_code} {got_b.text}\n"
                        f"    C: {got_c.status_code} {got_c.text}"
                    )
            if step == 1:
                # B's own ids stayed below A's, so every id of A's the walk used was A's alone.
                for collection in ID_COLLECTIONS:
                    lowest = min(a.ids[collection])
                    path = f"{API}/{collection}"
                    if collection == "working_time_models":
                        path = f"{API}/users/{b.ids['users'][0]}/{collection}"
                    listed = await api_b.get(path, params={"includeDeleted": "true", "limit": 1000})
                    if any(r["id"] >= lowest for r in listed.json()):
                        problems.append(f"B's {collection} reach A's ids: {listed.text}")
        assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
        missing = {op.label for op in operations} - covered
        assert not missing, f"operations the walk did not call: {sorted(missing)}"

        after = await _snapshot(api_a, reads, a)
        changed = [k for k in before if before[k] != after[k]]
        assert not changed, f"A's data changed: {changed}"
        # A's snapshot really saw A's records (and not only 404s).
        seen_a = "".join(text for _, text in before.values())
        assert a.token in seen_a and secret in seen_a
