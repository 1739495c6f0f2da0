"""Concurrency (issue 5, point 3): parallel requests against a real server with two workers.

In-process tests run every request on one event loop, so two requests never really race on
the database. Here a real ``timetrack serve --workers 2`` takes the requests from separate
connections, spread by the kernel over both worker processes: on SQLite they contend for the
file's write lock, on PostgreSQL for rows and unique indexes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from .server import DIALECTS, running, scratch_database


@pytest.fixture(scope="module", params=DIALECTS)
async def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """One server per database for the module's tests (each test uses names of its own)."""
    workdir = tmp_path_factory.mktemp(f"concurrency-{request.param}")
    async with (
        scratch_database(request.param, workdir) as url,
        running(url, workdir, workers=2) as server,
        server.client(timeout=60, limits=httpx.Limits(max_connections=100)) as client,
    ):
        yield client


def _codes(responses: list[httpx.Response]) -> list[int]:
    return [r.json()["errors"][0]["code"] for r in responses]


def _no_server_errors(responses: list[httpx.Response]) -> None:
    failed = [r.text for r in responses if r.status_code >= 500]
    assert not failed, failed


async def test_parallel_creates_of_one_name(api: httpx.AsyncClient) -> None:
    """50 creates of the same client name at once: exactly one 201, 49 times 409 (11030)."""
    name = f"Race {uuid.uuid4().hex[:8]}"
    responses = await asyncio.gather(
        *(api.post("/clients", json={"name": name, "notes": str(i)}) for i in range(50))
    )
    _no_server_errors(responses)
    created = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code == 409]
    assert len(created) == 1, [r.status_code for r in responses]
    assert len(refused) == 49 and set(_codes(refused)) == {11030}
    listed = await api.get("/clients", params={"name": name})
    assert listed.json() == [created[0].json()]


async def test_parallel_timer_starts(api: httpx.AsyncClient) -> None:
    """20 starts of one user's timer at once: one 200, 19 times 409 (18010); one timer runs."""
    tag = uuid.uuid4().hex[:8]
    user = {"username": f"u{tag}", "firstName": "T", "lastName": "R", "email": f"{tag}@ex.com"}
    setup = [
        await api.post("/users", json={**user, "password": "parallel-starts"}),
        await api.post("/clients", json={"name": f"c{tag}"}),
        await api.post("/projects", json={"clientName": f"c{tag}", "projectName": "p"}),
    ]
    assert [r.status_code for r in setup] == [201, 201, 201], [r.text for r in setup]
    start = {"username": f"u{tag}", "clientName": f"c{tag}", "projectName": "p"}
    responses = await asyncio.gather(
        *(
            api.post(
                "/timers/project_timer/start",
                json={**start, "date": "2025-03-06T09:00:00.000Z", "note": str(i)},
            )
            for i in range(20)
        )
    )
    _no_server_errors(responses)
    started = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 409]
    assert len(started) == 1, [r.status_code for r in responses]
    assert len(refused) == 19 and set(_codes(refused)) == {18010}
    state = await api.get(
        "/timers/project_timer", params={"username": f"u{tag}", "date": "2025-03-06T09:00:00Z"}
    )
    assert state.json() == started[0].json()


async def test_parallel_updates_of_one_record(api: httpx.AsyncClient) -> None:
    """20 updates of one client at once: all 200, and the record ends as one of them left it."""
    made = await api.post("/clients", json={"name": f"Upd {uuid.uuid4().hex[:8]}"})
    assert made.status_code == 201, made.text
    url = f"/clients/{made.json()['id']}"
    sent = [f"update {i}" for i in range(20)]
    responses = await asyncio.gather(*(api.put(url, json={"notes": notes}) for notes in sent))
    _no_server_errors(responses)
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]
    assert sorted(r.json()["notes"] for r in responses) == sorted(sent)
    final = (await api.get(url)).json()
    assert final["notes"] in sent
    # The last update to commit answered with exactly the state that stayed.
    assert final in [r.json() for r in responses]
