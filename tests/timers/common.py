"""The project timer's test helpers (SPEC §2 "Project timer"): the world a timer needs, and a
``Timer`` that drives one through its canonical route.

The timer is served at ``/timers/project_timer`` and at ``/project_timer``, with and without a
trailing slash. The scenarios drive the canonical spelling; test_spellings.py proves once that
every other spelling of every timer operation answers exactly as the canonical one does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from timetrack.app import create_app
from timetrack.config import Settings

PREFIXES = ("/timers/project_timer", "/project_timer")


ACTIONS = ("start", "pause", "resume", "stop")


CLIENT, PROJECT, TASK, USER = "Acme", "Website", "Design", "alice"


DAY = "2025-06-02"


# The vendor's timer object; ours may add keys (extra keys are allowed on the wire).
TIMER_KEYS = {
    "username",
    "startedAt",
    "workedSeconds",
    "breakSeconds",
    "playing",
    "paused",
    "stopped",
    "clientName",
    "projectName",
    "taskName",
    "note",
}


def at(hh: int, mm: int = 0, ss: int = 0, day: str = DAY) -> str:
    """A wall-clock timestamp the way the vendor's clients write it."""
    return f"{day}T{hh:02d}:{mm:02d}:{ss:02d}.000Z"


def body_of(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def state_part(timer: dict[str, Any]) -> dict[str, Any]:
    """A stop response without the booked entry: the timer state alone."""
    return {k: v for k, v in timer.items() if k not in ("projectTimeEntryId", "projectTimeEntry")}


async def post_json(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(path, json=body)
    return body_of(response, 201)


async def make_user(api: httpx.AsyncClient, username: str = USER, **fields: Any) -> dict[str, Any]:
    return await post_json(
        api,
        "/users",
        {
            "username": username,
            "firstName": username.title(),
            "lastName": "Tester",
            "email": f"{username}@example.com",
            "password": "correct horse battery",
            **fields,
        },
    )


async def make_world(
    api: httpx.AsyncClient,
    *,
    user_rate: float | None = 30,
    project_rate: float | None = 40,
    task_rate: float | None = 50,
    time_zone: str | None = None,
) -> None:
    """Client Acme, its project Website, the task Design and the user alice."""
    await post_json(api, "/clients", {"name": CLIENT})
    await post_json(
        api, "/projects", {"clientName": CLIENT, "projectName": PROJECT, "hourRate": project_rate}
    )
    await post_json(api, "/tasks", {"name": TASK, "hourRate": task_rate})
    extra: dict[str, Any] = {"hourRate": user_rate}
    if time_zone is not None:
        extra["timeZone"] = time_zone
    await make_user(api, USER, **extra)


async def entries_of(api: httpx.AsyncClient, username: str = USER) -> list[dict[str, Any]]:
    response = await api.get("/project_time_entries", params={"user": username})
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


@dataclass(frozen=True)
class Paths:
    prefix: str
    slash: str

    @property
    def state(self) -> str:
        return self.prefix + self.slash

    def of(self, action: str) -> str:
        return f"{self.prefix}/{action}{self.slash}"


CANONICAL = Paths(PREFIXES[0], "")


OTHER_SPELLINGS = [Paths(p, s) for p in PREFIXES for s in ("", "/")][1:]


@dataclass
class Timer:
    """One user's timer, driven through one of the URL spellings."""

    api: httpx.AsyncClient
    paths: Paths
    username: str = USER
    defaults: dict[str, Any] = field(
        default_factory=lambda: {"clientName": CLIENT, "projectName": PROJECT}
    )

    async def read(self, date: str | None = None, username: str | None = None) -> httpx.Response:
        params = {"username": username or self.username}
        if date is not None:
            params["date"] = date
        return await self.api.get(self.paths.state, params=params)

    async def post(self, action: str, **body: Any) -> httpx.Response:
        body.setdefault("username", self.username)
        if action == "start":
            body = {**self.defaults, **body}
        return await self.api.post(self.paths.of(action), json=body)

    async def state(self, date: str | None = None) -> dict[str, Any]:
        return body_of(await self.read(date))

    async def start(self, date: str, **fields: Any) -> dict[str, Any]:
        return body_of(await self.post("start", date=date, **fields))

    async def pause(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("pause", date=date))

    async def resume(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("resume", date=date))

    async def stop(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("stop", date=date))


STOPPED_NEVER_STARTED = {
    "startedAt": None,
    "workedSeconds": 0,
    "breakSeconds": 0,
    "playing": False,
    "paused": False,
    "stopped": True,
    "clientName": None,
    "projectName": None,
    "taskName": None,
    "note": None,
}


API = "/api/v2/ext"


# One representative request per timer operation, in an order that makes each meaningful, and
# error answers among them: (method, path suffix, query, JSON body or raw bytes, status expected).
SCRIPT: list[tuple[str, str, dict[str, str], dict[str, Any] | bytes | None, int]] = [
    ("GET", "", {"username": USER}, None, 200),
    ("POST", "", {"username": USER}, None, 200),  # read-by-POST
    ("POST", "/pause", {}, {"username": USER, "date": at(9)}, 409),  # 18011: not running
    # No projectName: refused.
    ("POST", "/start", {}, {"username": USER, "clientName": CLIENT, "date": at(9)}, 400),
    (
        "POST",
        "/start",
        {},
        {"username": USER, "clientName": CLIENT, "projectName": PROJECT, "date": at(9)},
        200,
    ),
    ("GET", "", {"username": USER, "date": at(10)}, None, 200),
    ("POST", "/pause", {}, {"username": USER, "date": at(10)}, 200),
    ("POST", "/resume", {}, {"username": USER, "date": at(10, 30)}, 200),
    ("POST", "/stop", {}, {"username": USER, "date": at(11)}, 200),
    ("POST", "/stop", {}, b"{", 400),  # 10004: malformed JSON
    ("GET", "", {}, None, 400),  # 10013: username missing
]


def _timer_operations() -> set[tuple[str, str]]:
    """(method, suffix) of every timer operation the OpenAPI document declares."""
    document = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
    found = set()
    for path, operations in document["paths"].items():
        suffix = path.removeprefix(API)
        if suffix.startswith(PREFIXES[0]):
            for method in operations:
                found.add((method.upper(), suffix.removeprefix(PREFIXES[0])))
    return found


def _comparable(value: Any) -> Any:
    """A body without what differs between two runs of the script by design: record ids (the
    runs live in two accounts) and ``updatedAt`` (the wall clock)."""
    if isinstance(value, dict):
        return {
            k: _comparable(v)
            for k, v in value.items()
            if k not in ("id", "updatedAt") and not k.endswith("Id")
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


async def _play(api: httpx.AsyncClient, paths: Paths) -> list[tuple[int, Any]]:
    """The script's answers (status, comparable body) through one spelling of the paths."""
    await make_world(api)
    answers = []
    for method, suffix, query, body, _ in SCRIPT:
        path = paths.of(suffix.lstrip("/")) if suffix else paths.state
        if isinstance(body, bytes):
            response = await api.request(method, path, params=query, content=body)
        else:
            response = await api.request(method, path, params=query, json=body)
        assert response.headers["content-type"] == "application/json", response.text
        answers.append((response.status_code, _comparable(response.json())))
    return answers
