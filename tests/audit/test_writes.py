"""Every write leaves one audit log entry: creates, updates, deletes, the timer's and clock's
writes; a failed write none.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from records import created

from timetrack.accounts.service import Credentials
from timetrack.audit import service as audit_service
from timetrack.db import Database
from timetrack.errors import FIELD_INVALID, AppError

from .common import CRUD, DAY, log, setup_refs, user_body


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
