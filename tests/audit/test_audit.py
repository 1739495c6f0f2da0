"""The audit log (SPEC §3): every write leaves exactly one entry, in the write's transaction.

``GET /audit_log`` reads it (filters, paging, tenant scope); ``timetrack audit`` prints it, and
the CLI's own writes are recorded with the actor ``cli``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import Cli, cli_api, cli_runner, point_cli_at
from conftest import scratch_postgres
from records import created

from timetrack.accounts.service import Credentials
from timetrack.audit import service as audit_service
from timetrack.db import Database
from timetrack.errors import FIELD_INVALID, AppError

PASSWORD = "Correct-Horse-42"
NEW_PASSWORD = "Battery-Staple-43"
DAY = "2026-10-05"


async def log(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/audit_log", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(entries))
    return entries


def user_body(username: str = "alice", **fields: Any) -> dict[str, Any]:
    return {
        "username": username,
        "firstName": "Alice",
        "lastName": "Archer",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }


async def setup_refs(api: httpx.AsyncClient) -> None:
    """A user alice, a client Acme with a project Website: what entries and timers refer to."""
    await created(api, "/users", user_body())
    await created(api, "/clients", {"name": "Acme"})
    await created(api, "/projects", {"projectName": "Website", "clientName": "Acme"})


# resource -> (needs refs, create body, update body)
CRUD: dict[str, tuple[bool, dict[str, Any], dict[str, Any]]] = {
    "clients": (False, {"name": "Globex"}, {"notes": "big one"}),
    "projects": (True, {"projectName": "Shop", "clientName": "Acme"}, {"hourRate": "80"}),
    "tasks": (False, {"name": "Design"}, {"notes": "n"}),
    "users": (False, user_body("bob"), {"firstName": "Robert"}),
    "project_time_entries": (
        True,
        {
            "user": "alice",
            "clientName": "Acme",
            "projectName": "Website",
            "from": f"{DAY}T09:00:00Z",
            "to": f"{DAY}T10:00:00Z",
        },
        {"details": "meeting"},
    ),
    "attendances": (
        True,
        {"user": "alice", "from": f"{DAY}T08:00:00Z", "to": f"{DAY}T16:00:00Z"},
        {"notes": "late lunch"},
    ),
    "absence_types": (False, {"name": "Training", "shortName": "TRN"}, {"color": "#abc"}),
    "absences": (
        True,
        {"username": "alice", "from": DAY, "to": DAY, "absenceType": 1},
        {"status": 1},
    ),
}


class TestCrudWrites:
    @pytest.mark.parametrize("resource", list(CRUD))
    async def test_create_update_delete_one_entry_each(
        self, api: httpx.AsyncClient, account: Credentials, resource: str
    ) -> None:
        needs_refs, create_body, update_body = CRUD[resource]
        if needs_refs:
            await setup_refs(api)
        before_total = len(await log(api))

        response = await api.post(f"/{resource}", json=create_body)
        assert response.status_code == 201, response.text
        record = response.json()
        rid = record["id"]
        entries = await log(api, resource=resource, recordId=rid)
        assert len(entries) == 1
        entry = entries[0]
        assert entry["action"] == "create"
        assert entry["resource"] == resource
        assert entry["recordId"] == rid
        assert entry["before"] is None
        assert entry["after"] == record
        assert entry["actor"] == f"api-key:{account.api_key[:8]}…"
        assert entry["requestId"] == response.headers["X-Request-ID"]
        assert entry["at"].endswith("Z") and len(entry["at"]) == len("2026-10-05T09:00:00.000Z")

        updated = await api.put(f"/{resource}/{rid}", json=update_body)
        assert updated.status_code == 200, updated.text
        entries = await log(api, resource=resource, recordId=rid)
        assert [e["action"] for e in entries] == ["create", "update"]
        assert entries[1]["before"] == record
        assert entries[1]["after"] == updated.json()

        deleted = await api.delete(f"/{resource}/{rid}")
        assert deleted.status_code == 200, deleted.text
        entries = await log(api, resource=resource, recordId=rid)
        assert [e["action"] for e in entries] == ["create", "update", "delete"]
        assert entries[2]["before"] == updated.json()
        assert entries[2]["after"] == deleted.json()
        assert entries[2]["after"]["deleted"] is True
        # Exactly three new entries in the whole log, in id order.
        everything = await log(api)
        assert len(everything) == before_total + 3
        assert [e["id"] for e in everything] == list(range(1, len(everything) + 1))

    async def test_update_that_changes_nothing_is_not_recorded(
        self, api: httpx.AsyncClient
    ) -> None:
        client = await created(api, "/clients", {"name": "Acme", "notes": "n"})
        for body in ({}, {"name": "Acme"}, {"unknownKey": 1}):
            response = await api.put(f"/clients/{client['id']}", json=body)
            assert response.status_code == 200, response.text
        assert [e["action"] for e in await log(api)] == ["create"]

    async def test_a_retried_create_is_recorded_once(self, api: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": "create-acme-1"}
        first = await api.post("/clients", json={"name": "Acme"}, headers=headers)
        again = await api.post("/clients", json={"name": "Acme"}, headers=headers)
        assert first.status_code == again.status_code == 201, again.text
        assert [e["action"] for e in await log(api)] == ["create"]

    async def test_every_crud_write_path_is_audited(self, api: httpx.AsyncClient) -> None:
        """The read-by-POST forms are reads: they write nothing to the log."""
        client = await created(api, "/clients", {"name": "Acme"})
        assert (await api.post("/clients", json={})).status_code == 200
        assert (await api.post(f"/clients/{client['id']}")).status_code == 200
        assert (await api.get(f"/clients/{client['id']}")).status_code == 200
        assert len(await log(api)) == 1


class TestFailedWrites:
    async def test_refused_writes_leave_no_entry(self, api: httpx.AsyncClient) -> None:
        await setup_refs(api)
        entries = await log(api)
        refused = [
            await api.post("/clients", json={"name": ""}),  # 400 validation
            await api.post("/clients", json={"name": "ACME"}),  # 409 name taken
            await api.put("/clients/99", json={"notes": "x"}),  # 404
            await api.delete("/clients/1"),  # 409: the client has a project
            await api.put("/clients/1", json={"name": "Other"}),  # 400 read-only
            await api.post("/projects", json={"projectName": "X", "clientName": "Nobody"}),
            await api.put("/users/1", json={"email": "not an address"}),
            await api.post("/timers/project_timer/pause", json={"username": "alice",
                                                                "date": f"{DAY}T09:00:00Z"}),
            await api.post("/attendances/clock_out", json={"username": "alice",
                                                           "date": f"{DAY}T09:00:00Z"}),
            await api.post("/users/1/working_time_models", json={"validFrom": "nope"}),
            await api.put("/clients/1", json={"notes": "x"}, headers={"If-Match": '"stale"'}),
        ]  # fmt: skip
        assert all(400 <= r.status_code < 500 for r in refused), [r.text for r in refused]
        assert await log(api) == entries

    async def test_deleting_a_deleted_record_leaves_no_entry(self, api: httpx.AsyncClient) -> None:
        task = await created(api, "/tasks", {"name": "Design"})
        assert (await api.delete(f"/tasks/{task['id']}")).status_code == 200
        assert (await api.delete(f"/tasks/{task['id']}")).status_code == 404
        assert (await api.put(f"/tasks/{task['id']}", json={"notes": "x"})).status_code == 404
        assert [e["action"] for e in await log(api)] == ["create", "delete"]

    async def test_entry_and_write_share_the_transaction(
        self,
        api: httpx.AsyncClient,
        account: Credentials,
        database: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The write fails after its entry was inserted: neither the record nor the entry (nor
        the entry's id) survives."""
        import timetrack.routing

        def fail(*args: Any, **kwargs: Any) -> Any:
            raise AppError.of(FIELD_INVALID, "failing on purpose after the audit insert")

        monkeypatch.setattr(timetrack.routing, "created_response", fail)
        response = await api.post("/clients", json={"name": "Acme"})
        assert response.status_code == 400, response.text
        monkeypatch.undo()

        assert (await api.get("/clients")).json() == []
        assert await log(api) == []
        async with database.transaction(write=False) as tx:
            count = await tx.fetchval(
                "SELECT count(*) FROM audit_log WHERE account_id = $1", account.account.id
            )
        assert count == 0
        await created(api, "/clients", {"name": "Acme"})
        assert [e["id"] for e in await log(api)] == [1]

    async def test_timer_stop_rolls_back_with_its_entries(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A stop records two entries (the timer and the booked time entry); failing at the
        second rolls back the first, the booked entry and the timer's change."""
        await setup_refs(api)
        start = {"username": "alice", "clientName": "Acme", "projectName": "Website"}
        started = await api.post(
            "/timers/project_timer/start", json={**start, "date": f"{DAY}T09:00:00Z"}
        )
        assert started.status_code == 200, started.text
        entries = await log(api)
        original = audit_service.record_request

        async def record_then_fail(*args: Any, **kwargs: Any) -> int:
            entry_id = await original(*args, **kwargs)
            if args[4] == "project_time_entries":
                raise AppError.of(FIELD_INVALID, "failing on purpose after the audit insert")
            return entry_id

        monkeypatch.setattr(audit_service, "record_request", record_then_fail)
        stop = {"username": "alice", "date": f"{DAY}T10:00:00Z"}
        assert (await api.post("/timers/project_timer/stop", json=stop)).status_code == 400
        monkeypatch.undo()

        assert await log(api) == entries
        assert (await api.get("/project_time_entries")).json() == []
        state = await api.get("/timers/project_timer", params={"username": "alice"})
        assert state.json()["playing"] is True


class TestSecrets:
    async def test_passwords_never_reach_the_log(
        self, api: httpx.AsyncClient, account: Credentials, database: Database
    ) -> None:
        user = await created(api, "/users", user_body())
        response = await api.put(f"/users/{user['id']}", json={"password": NEW_PASSWORD})
        assert response.status_code == 200, response.text
        entries = await log(api, resource="users")
        # The password change is recorded (only updatedAt shows it), without the password.
        assert [e["action"] for e in entries] == ["create", "update"]
        assert entries[1]["before"]["updatedAt"] != entries[1]["after"]["updatedAt"]
        async with database.transaction(write=False) as tx:
            rows = await tx.fetch(
                "SELECT before, after, actor FROM audit_log WHERE account_id = $1",
                account.account.id,
            )
        stored = json.dumps([[r["before"], r["after"], r["actor"]] for r in rows])
        served = (await api.get("/audit_log")).text
        for text in (stored, served):
            assert PASSWORD not in text and NEW_PASSWORD not in text
            assert "password" not in text.lower()
            assert "$argon2" not in text
            assert account.api_secret not in text
            assert account.api_key not in text  # only a prefix of the key

    def test_scrub_removes_secret_keys_at_any_depth(self) -> None:
        value = {
            "name": "n",
            "password": "p",
            "passwordHash": "h",
            "password_hash": "h",
            "apiSecret": "s",
            "api_key": "k",
            "nested": [{"secret": "s", "keep": 1}],
        }
        assert audit_service.scrub(value) == {"name": "n", "nested": [{"keep": 1}]}


class TestCustomWrites:
    async def test_timer_transitions(self, api: httpx.AsyncClient) -> None:
        await setup_refs(api)
        alice = (await api.get("/users", params={"username": "alice"})).json()[0]
        base = "/timers/project_timer"
        start = {"username": "alice", "clientName": "Acme", "projectName": "Website"}
        steps = [
            ("start", {**start, "date": f"{DAY}T09:00:00Z"}),
            ("pause", {"username": "alice", "date": f"{DAY}T10:00:00Z"}),
            ("resume", {"username": "alice", "date": f"{DAY}T10:15:00Z"}),
            ("stop", {"username": "alice", "date": f"{DAY}T11:15:00Z"}),
        ]
        answers = []
        for action, body in steps:
            # The legacy path is audited alike.
            prefix = "/project_timer" if action == "pause" else base
            response = await api.post(f"{prefix}/{action}", json=body)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        entries = await log(api, resource="project_timer")
        assert [e["action"] for e in entries] == ["start", "pause", "resume", "stop"]
        assert {e["recordId"] for e in entries} == {alice["id"]}
        assert entries[0]["before"]["stopped"] is True
        assert entries[0]["after"] == answers[0]
        for previous, entry in zip(answers[:-1], entries[1:], strict=True):
            assert entry["before"] == previous
        assert [e["after"] for e in entries[:3]] == answers[:3]
        stopped = {k: v for k, v in answers[3].items() if k != "projectTimeEntry"}
        assert entries[3]["after"] == stopped
        booked = await log(api, resource="project_time_entries")
        assert len(booked) == 1
        assert booked[0]["action"] == "create"
        assert booked[0]["recordId"] == answers[3]["projectTimeEntryId"]
        assert booked[0]["after"] == answers[3]["projectTimeEntry"]
        # A refused transition leaves no entry.
        again = await api.post(f"{base}/stop", json=steps[3][1])
        assert again.status_code == 409
        assert len(await log(api, resource="project_timer")) == 4

    async def test_clock_in_and_out(self, api: httpx.AsyncClient) -> None:
        await setup_refs(api)
        clocked_in = await api.post(
            "/attendances/clock_in", json={"username": "alice", "date": f"{DAY}T08:00:00Z"}
        )
        assert clocked_in.status_code == 201, clocked_in.text
        out = await api.post(
            "/attendances/clock_out",
            json={"username": "alice", "date": f"{DAY}T16:00:00Z", "breakMinutes": 30},
        )
        assert out.status_code == 200, out.text
        entries = await log(api, resource="attendances")
        assert [e["action"] for e in entries] == ["clock_in", "clock_out"]
        assert {e["recordId"] for e in entries} == {clocked_in.json()["id"]}
        assert entries[0]["before"] is None
        assert entries[0]["after"] == clocked_in.json()
        assert entries[1]["before"] == clocked_in.json()
        assert entries[1]["before"]["to"] is None
        assert entries[1]["after"] == out.json()
        refused = await api.post(
            "/attendances/clock_out", json={"username": "alice", "date": f"{DAY}T17:00:00Z"}
        )
        assert refused.status_code == 409
        assert len(await log(api)) == len(await log(api, resource="attendances")) + 3

    async def test_working_time_models(self, api: httpx.AsyncClient) -> None:
        user = await created(api, "/users", user_body())
        base = f"/users/{user['id']}/working_time_models"
        model = await created(api, base, {"validFrom": "2026-01-01"})
        updated = await api.put(f"{base}/{model['id']}", json={"fridaySeconds": 14400})
        assert updated.status_code == 200, updated.text
        unchanged = await api.put(f"{base}/{model['id']}", json={"validFrom": "2026-01-01"})
        assert unchanged.status_code == 200, unchanged.text
        deleted = await api.delete(f"{base}/{model['id']}")
        assert deleted.status_code == 200, deleted.text
        entries = await log(api, resource="working_time_models", recordId=model["id"])
        assert [e["action"] for e in entries] == ["create", "update", "delete"]
        assert [e["before"] for e in entries] == [None, model, updated.json()]
        assert [e["after"] for e in entries] == [model, updated.json(), deleted.json()]


class TestReading:
    async def test_filters(self, api: httpx.AsyncClient) -> None:
        one = await created(api, "/clients", {"name": "One"})
        two = await created(api, "/clients", {"name": "Two"})
        await created(api, "/tasks", {"name": "Design"})
        await api.put(f"/clients/{one['id']}", json={"notes": "n"})
        await api.delete(f"/clients/{two['id']}")
        everything = await log(api)
        assert [(e["resource"], e["action"]) for e in everything] == [
            ("clients", "create"),
            ("clients", "create"),
            ("tasks", "create"),
            ("clients", "update"),
            ("clients", "delete"),
        ]
        assert len(await log(api, resource="clients")) == 4
        assert len(await log(api, resource="tasks")) == 1
        assert await log(api, resource="nothing") == []
        assert [e["action"] for e in await log(api, resource="clients", recordId=one["id"])] == [
            "create",
            "update",
        ]
        # recordId alone matches that id in every resource (client 1 and task 1).
        assert len(await log(api, recordId=1)) == 3
        assert [e["resource"] for e in await log(api, action="create")] == [
            "clients", "clients", "tasks",
        ]  # fmt: skip
        assert len(await log(api, action="delete", resource="clients")) == 1

        first, last = everything[0]["at"], everything[-1]["at"]
        today = first[:10]
        assert len(await log(api, **{"from": today, "to": last[:10]})) == 5
        assert len(await log(api, **{"from": first, "to": last})) == 5
        assert [e["id"] for e in await log(api, **{"from": last})] == [
            e["id"] for e in everything if e["at"] == last
        ]
        assert await log(api, to=(datetime.fromisoformat(today) - timedelta(days=1)).date()
                         .isoformat()) == []  # fmt: skip
        later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert await log(api, **{"from": later}) == []
        assert await log(api, updatedSince=later) == []
        assert len(await log(api, updatedSince=today, includeDeleted="true")) == 5
        offset = (datetime.now(UTC) + timedelta(hours=1)).astimezone().isoformat()
        assert len(await log(api, to=offset)) == 5

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        for n in range(5):
            await created(api, "/tasks", {"name": f"T{n}"})
        page = await api.get("/audit_log", params={"limit": 2, "page_number": 1})
        assert page.status_code == 200
        assert [e["id"] for e in page.json()] == [3, 4]
        assert page.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in page.headers["Link"] and 'rel="prev"' in page.headers["Link"]
        first = await api.get("/audit_log", params={"limit": 2, "page": 1})
        assert [e["id"] for e in first.json()] == [1, 2]
        counted = await api.get("/audit_log", params={"limit": 0})
        assert counted.json() == [] and counted.headers["X-Total-Count"] == "5"

    async def test_read_forms(self, api: httpx.AsyncClient) -> None:
        await created(api, "/tasks", {"name": "Design"})
        listed = (await api.get("/audit_log")).json()
        assert len(listed) == 1
        for response in (
            await api.get("/audit_log/"),
            await api.post("/audit_log", json={}),
            await api.post("/audit_log/", content=b""),
            await api.post("/audit_log", params={"resource": "tasks"}),
        ):
            assert response.status_code == 200, response.text
            assert response.json() == listed
        refused = await api.post("/audit_log", json={"resource": "tasks"})
        assert refused.status_code == 405
        assert refused.json()["errors"][0]["code"] == 10008
        for method in ("put", "delete"):
            assert (await api.request(method, "/audit_log")).status_code == 405

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("recordId", "abc"),
            ("recordId", "0"),
            ("recordId", str(2**63)),
            ("from", "yesterday"),
            ("to", "2026-13-01"),
            ("limit", "1001"),
            ("updatedSince", "soon"),
            ("resource", "x" * 65),
        ],
    )
    async def test_invalid_parameters(self, api: httpx.AsyncClient, name: str, value: str) -> None:
        response = await api.get("/audit_log", params={name: value})
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["code"] == 10013
        assert error["source"] == {"parameter": name}

    async def test_needs_credentials(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/audit_log")
        assert response.status_code == 401

    async def test_tenant_isolation(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await created(api, "/clients", {"name": "Acme"})
        await api.put(f"/clients/{client['id']}", json={"notes": "secret plans"})
        assert len(await log(api)) == 2
        assert await log(other_api) == []
        assert await log(other_api, resource="clients", recordId=client["id"]) == []
        assert await log(other_api, recordId=1) == []
        assert (await other_api.post("/audit_log", json={})).json() == []
        # The other account's own writes are numbered from 1 and invisible to the first.
        await created(other_api, "/clients", {"name": "Other"})
        assert [e["id"] for e in await log(other_api)] == [1]
        assert [e["after"].get("notes") for e in await log(api)] == [None, "secret plans"]

    async def test_request_id_is_recorded(self, api: httpx.AsyncClient) -> None:
        """The request's id (the client's ``X-Request-ID``, else the server's) is recorded."""
        response = await api.post(
            "/tasks", json={"name": "Design"}, headers={"X-Request-ID": "req-42"}
        )
        assert response.status_code == 201, response.text
        other = await api.post("/tasks", json={"name": "Build"})
        assert [e["requestId"] for e in await log(api)] == [
            "req-42",
            other.headers["X-Request-ID"],
        ]


# --- the CLI ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
async def cli_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """A fresh database the CLI is pointed at: a data directory, or a scratch PostgreSQL one."""
    point_cli_at(tmp_path, monkeypatch)
    if request.param == "sqlite":
        yield "sqlite"
        return
    async with scratch_postgres("timetrack_audit") as url:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", url)
        yield "postgresql"


@pytest.fixture
def run(cli_db: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return cli_runner(capsys)


class TestCli:
    async def test_cli_writes_are_recorded_as_cli(self, run: Cli) -> None:
        made = await run("account", "create", "acme", "--json")
        assert made.code == 0, made
        creds = made.json()
        rotated = await run("account", "rotate-secret", "acme", "--json")
        creds["apiSecret"] = rotated.json()["apiSecret"]
        assert (await run("account", "disable", "acme")).code == 0
        assert (await run("account", "enable", "acme")).code == 0
        response = await cli_api(creds, "POST", "/users", user_body())
        assert response.status_code == 201, response.text
        for options in ((), ("--vacation-days", "25"), ()):
            result = await run(
                "working-time", "set", "acme", "alice", "--valid-from", "2026-01-01", *options
            )
            assert result.code == 0, result

        result = await run("audit", "acme", "--json")
        assert result.code == 0, result
        entries = result.json()
        assert [(e["actor"], e["action"], e["resource"]) for e in entries] == [
            ("cli", "create", "accounts"),
            ("cli", "rotate_secret", "accounts"),
            ("cli", "disable", "accounts"),
            ("cli", "enable", "accounts"),
            (f"api-key:{creds['apiKey'][:8]}…", "create", "users"),
            ("cli", "create", "working_time_models"),
            ("cli", "update", "working_time_models"),  # the third set changes nothing
        ]
        account_id = made.json()["account"]["id"]
        assert {e["recordId"] for e in entries[:4]} == {account_id}
        assert entries[0]["after"] == made.json()["account"]
        assert entries[2]["before"]["enabled"] is True and entries[2]["after"]["enabled"] is False
        assert entries[6]["before"]["vacationDaysPerYear"] == 20
        assert entries[6]["after"]["vacationDaysPerYear"] == 25
        assert [e["requestId"] is None for e in entries] == [True] * 4 + [False] + [True] * 2
        everything = result.out + (await run("audit", "acme")).out
        assert creds["apiSecret"] not in everything
        assert made.json()["apiSecret"] not in everything
        assert creds["apiKey"] not in everything
        # The API serves the same entries.
        served = await cli_api(creds, "GET", "/audit_log")
        assert served.json() == entries

    async def test_filters_limit_and_table(self, run: Cli) -> None:
        creds = (await run("account", "create", "acme", "--json")).json()
        for name in ("One", "Two", "Three"):
            assert (await cli_api(creds, "POST", "/clients", {"name": name})).status_code == 201
        assert (await cli_api(creds, "PUT", "/clients/2", {"notes": "n"})).status_code == 200

        result = await run("audit", "acme", "--resource", "clients", "--record-id", "2", "--json")
        assert result.code == 0, result
        assert [e["action"] for e in result.json()] == ["create", "update"]
        newest = (await run("audit", "acme", "--limit", "2", "--json")).json()
        assert [e["id"] for e in newest] == [4, 5]
        assert (await run("audit", "acme", "--resource", "tasks", "--json")).json() == []

        table = await run("audit", "acme")
        assert table.code == 0, table
        lines = table.out.splitlines()
        assert lines[0].split() == ["id", "at", "(UTC)", "actor", "action", "resource", "record"]
        assert len(lines) == 6
        assert lines[1].split()[3:5] == ["create", "accounts"]
        assert lines[5].split()[0] == "5"
        assert lines[5].split()[3:7] == ["update", "clients", "2", "notes"]

    async def test_unknown_account_and_bad_options(self, run: Cli) -> None:
        result = await run("audit", "nobody")
        assert result.code == 1
        assert result.err.startswith("timetrack: ") and "nobody" in result.err
        bad = [("--limit", "0"), ("--limit", "1001"), ("--record-id", "x")]
        bad += [("--record-id", "02"), ("--record-id", " 2"), ("--limit", "\uff12")]  # one spelling
        for option in bad:
            with pytest.raises(SystemExit) as exited:
                await run("audit", "acme", *option)
            assert exited.value.code == 2
