"""Crash safety (issue 5, point 2): SIGKILL a real server mid-stream, restart it, and check.

A real ``timetrack serve`` takes concurrent creates (clients with unique names, project time
entries) and updates (``PUT notes`` with a rising counter, one writer per record). At a random
moment its whole process group gets SIGKILL. After a restart:

- every request answered 2xx is present exactly as acknowledged (its object, compared with a
  ``GET``, unchanged; an update's record holds the acknowledged value or the one still in
  flight at the kill);
- a request without an answer is either wholly present or absent: no record lacks a required
  field or points to a record that does not exist;
- a request that was refused (non-2xx) or never reached the server is absent;
- no duplicates: ids and names unique, each request's record at most once;
- on SQLite, ``PRAGMA integrity_check`` says ``ok`` and ``PRAGMA foreign_key_check`` finds
  nothing (run on the killed server's files, before the restart recovers them).

Rounds alternate two workers and one. ``TIMETRACK_CRASH_ROUNDS`` (default 3 per database)
sets the number of kills, ``TIMETRACK_CRASH_SEED`` replays a run; ``scripts/crash`` runs the
long variant and prints the figures docs/reliability.md quotes.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from timetrack.db import connect_sqlite, pg_dsn, sqlite_path

from .server import Server, list_all

ROUNDS = int(os.environ.get("TIMETRACK_CRASH_ROUNDS", "3"))
SEED = int(os.environ.get("TIMETRACK_CRASH_SEED", str(random.randrange(2**32))))
CREATORS = 4  # concurrent writers per kind of create
UPDATED = 4  # records updated concurrently, each by one writer
USER, BASE_CLIENT, PROJECT = "crash-user", "crash-base", "crash-project"
ENTRIES = "project_time_entries"
ENTRY_REQUIRED: tuple[str, ...] = ("user", "userId", "clientName", "clientId", "projectName")
ENTRY_REQUIRED += ("projectId", "from", "to", "fromUtc", "toUtc", "workedMinutes", "breakMinutes")


@dataclass
class Figures:
    database: str
    kills: int = 0
    sent: int = 0  # requests that reached the server (answered or not)
    acknowledged: int = 0  # answered 2xx
    refused: int = 0  # answered otherwise
    unanswered: int = 0  # in flight at the kill
    unanswered_committed: int = 0  # ... of which the restart found written
    never_sent: int = 0  # could not connect: the server was dead already
    lost: int = 0  # acknowledged, then missing or changed after a restart: must be 0
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"crash {self.database}: kills={self.kills} sent={self.sent} "
            f"acknowledged={self.acknowledged} refused={self.refused} "
            f"unanswered={self.unanswered} (committed {self.unanswered_committed}) "
            f"never_sent={self.never_sent} lost={self.lost} seconds={self.seconds:.0f} "
            f"seed={SEED}"
        )


@dataclass
class Target:
    """A client whose notes one writer keeps updating: ``n1``, ``n2``, ..."""

    id: int
    sent: int = 0
    in_flight: int | None = None  # the counter sent when the server died, if unanswered


@dataclass
class Ledger:
    """What the client side knows: every request and what became of it."""

    figures: Figures
    # (resource, id) -> the object as acknowledged, or as found once an unanswered write is
    # known to have committed: from then on it must stay exactly so.
    expected: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    # (resource, tag: a client's name, an entry's details) -> "acked", "unanswered", "absent"
    # (refused, or never reached the server), "found" (unanswered, committed) or "setup"
    tags: dict[tuple[str, str], str] = field(default_factory=dict)
    unanswered: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    acked_this_round: list[tuple[str, int]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refs: tuple[int, int, int] = (0, 0, 0)  # the ids of USER, BASE_CLIENT and PROJECT
    entries_made: int = 0

    def problem(self, text: str) -> None:
        self.problems.append(text)


async def _send(
    ledger: Ledger, client: httpx.AsyncClient, method: str, url: str, body: dict[str, Any]
) -> httpx.Response | str:
    """The response, or ``"unanswered"`` / ``"never_sent"`` when the server is gone."""
    try:
        response = await client.request(method, url, json=body)
    except httpx.ConnectError:
        ledger.figures.never_sent += 1
        return "never_sent"
    except httpx.TransportError:
        ledger.figures.sent += 1
        ledger.figures.unanswered += 1
        return "unanswered"
    ledger.figures.sent += 1
    if response.is_success:
        ledger.figures.acknowledged += 1
    else:
        ledger.figures.refused += 1
        if response.status_code != 503:  # 503: the SQLite busy timeout, rolled back
            ledger.problem(f"{method} {url} answered {response.status_code}: {response.text}")
    return response


def _create_body(ledger: Ledger, resource: str, tag: str) -> dict[str, Any]:
    if resource == "clients":
        return {"name": tag, "notes": "created", "addressCity": "Crash"}
    ledger.entries_made += 1
    start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=ledger.entries_made)
    return {
        "user": USER,
        "clientName": BASE_CLIENT,
        "projectName": PROJECT,
        "from": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "workedMinutes": 30,
        "breakMinutes": 5,
        "details": tag,
        "tags": "#crash",
    }


async def _creator(
    ledger: Ledger, client: httpx.AsyncClient, resource: str, prefix: str, dead: asyncio.Event
) -> None:
    i = 0
    while not dead.is_set():
        i += 1
        key = (resource, f"{prefix}-{i}")
        body = _create_body(ledger, resource, key[1])
        outcome = await _send(ledger, client, "POST", f"/{resource}", body)
        if outcome == "unanswered":
            ledger.unanswered[key] = body
        if isinstance(outcome, str):
            ledger.tags[key] = "unanswered" if outcome == "unanswered" else "absent"
            return
        if outcome.status_code != 201:
            ledger.tags[key] = "absent"
            continue
        record = outcome.json()
        ledger.tags[key] = "acked"
        ledger.expected[(resource, record["id"])] = record
        ledger.acked_this_round.append((resource, record["id"]))


async def _updater(
    ledger: Ledger, client: httpx.AsyncClient, target: Target, dead: asyncio.Event
) -> None:
    while not dead.is_set():
        target.sent += 1
        body = {"notes": f"n{target.sent}"}
        outcome = await _send(ledger, client, "PUT", f"/clients/{target.id}", body)
        if outcome == "unanswered":
            target.in_flight = target.sent
        if isinstance(outcome, str):
            return
        if outcome.status_code == 200:
            ledger.expected[("clients", target.id)] = outcome.json()
            ledger.acked_this_round.append(("clients", target.id))


async def _setup(ledger: Ledger, client: httpx.AsyncClient) -> None:
    """The user, client and project the entries book on, and the clients to update."""
    user = {"username": USER, "firstName": "C", "lastName": "K", "email": "crash@example.com"}
    made = [
        await client.post("/users", json={**user, "password": "crash-safety"}),
        await client.post("/clients", json={"name": BASE_CLIENT}),
        await client.post("/projects", json={"clientName": BASE_CLIENT, "projectName": PROJECT}),
    ]
    for n in range(UPDATED):
        made.append(await client.post("/clients", json={"name": f"target-{n}", "notes": "n0"}))
    for response in made:
        assert response.status_code == 201, response.text
    user_id, client_id, project_id = (response.json()["id"] for response in made[:3])
    ledger.refs = (user_id, client_id, project_id)
    for response in made[1:2] + made[3:]:
        record = response.json()
        ledger.tags[("clients", record["name"])] = "setup"
        ledger.expected[("clients", record["id"])] = record
    ledger.targets = [Target(response.json()["id"]) for response in made[3:]]


def _sqlite_checks(url: str) -> list[str]:
    """integrity_check and foreign_key_check on the files the killed server left behind."""
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    problems = [] if integrity == ["ok"] else [f"integrity_check: {integrity}"]
    return problems + [f"foreign_key_check: {row}" for row in dangling]


async def _verify(ledger: Ledger, client: httpx.AsyncClient) -> None:
    """Everything the client side knows, against what the restarted server holds."""
    clients = await list_all(client, "clients")
    entries = await list_all(client, "project_time_entries")
    if len({c["name"].casefold() for c in clients}) != len(clients):
        ledger.problem("duplicate client names")
    if len({e["details"] for e in entries}) != len(entries):
        ledger.problem("an entry was written twice")
    for entry in entries:
        missing = [name for name in ENTRY_REQUIRED if entry.get(name) is None]
        if missing:
            ledger.problem(f"entry {entry['id']} lacks {missing}")
        if (entry["userId"], entry["clientId"], entry["projectId"]) != ledger.refs:
            ledger.problem(f"entry {entry['id']} points to records that do not exist: {entry}")

    by_id: dict[tuple[str, int], dict[str, Any]] = {}
    by_tag: dict[tuple[str, str], dict[str, Any]] = {}
    for resource, records, tag in (("clients", clients, "name"), (ENTRIES, entries, "details")):
        if len({r["id"] for r in records}) != len(records):
            ledger.problem(f"duplicate {resource} ids")
        for record in records:
            by_id[(resource, record["id"])] = record
            by_tag[(resource, record[tag])] = record
    for key, record in by_tag.items():
        if key not in ledger.tags:
            ledger.problem(f"{key} was never sent, but is stored: {record}")

    for key, state in ledger.tags.items():
        stored = by_tag.get(key)
        if state == "unanswered":
            ledger.tags[key] = "absent"
            sent = ledger.unanswered.pop(key)
            if stored is not None:
                if any(stored.get(name) != value for name, value in sent.items()):
                    ledger.problem(f"{key} is half-written: sent {sent}, stored {stored}")
                ledger.figures.unanswered_committed += 1
                ledger.tags[key] = "found"
                ledger.expected[(key[0], stored["id"])] = stored
        elif state == "absent" and stored is not None:
            ledger.problem(f"{key} was refused or never sent, but is stored: {stored}")
    for target in ledger.targets:
        stored = by_id.get(("clients", target.id))
        in_flight, target.in_flight = target.in_flight, None
        if stored is not None and in_flight and stored["notes"] == f"n{in_flight}":
            ledger.figures.unanswered_committed += 1
            ledger.expected[("clients", target.id)] = stored

    for id_key, expected in ledger.expected.items():
        if by_id.get(id_key) != expected:
            ledger.figures.lost += 1
            ledger.problem(f"{id_key} was acknowledged as {expected}, but is {by_id.get(id_key)}")
    for resource, record_id in sorted(set(ledger.acked_this_round)):
        got = await client.get(f"/{resource}/{record_id}")
        if got.status_code != 200 or got.json() != ledger.expected[(resource, record_id)]:
            ledger.problem(f"GET /{resource}/{record_id}: {got.status_code} {got.text}")
    ledger.acked_this_round.clear()


async def _round(ledger: Ledger, server: Server, rng: random.Random, number: int) -> None:
    """Fire creates and updates, SIGKILL the server mid-stream, restart it and verify."""
    dead = asyncio.Event()
    limits = httpx.Limits(max_connections=CREATORS * 2 + UPDATED)
    async with server.client(timeout=60, limits=limits) as client:
        writers = [
            _creator(ledger, client, resource, f"r{number}-w{n}", dead)
            for resource in ("clients", ENTRIES)
            for n in range(CREATORS)
        ]
        writers += [_updater(ledger, client, target, dead) for target in ledger.targets]
        tasks = [asyncio.ensure_future(writer) for writer in writers]
        try:
            # A random moment mid-stream: after some acknowledged writes, at a random offset.
            goal = ledger.figures.acknowledged + rng.randint(5, 80)
            deadline = time.monotonic() + 10
            while ledger.figures.acknowledged < goal and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            await asyncio.sleep(rng.uniform(0, 0.05))
            server.kill()
            dead.set()
            ledger.figures.kills += 1
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        finally:
            for task in tasks:
                task.cancel()
    if server.database_url.startswith("sqlite:"):
        ledger.problems += _sqlite_checks(server.database_url)
    await server.start(workers=2 if number % 2 else 1)
    async with server.client(timeout=60) as client:
        await _verify(ledger, client)


async def run_crash_rounds(server: Server, rounds: int, dialect: str) -> Figures:
    began = time.monotonic()
    ledger = Ledger(Figures(dialect))
    rng = random.Random(f"{SEED}-{dialect}")
    await server.start(workers=2)
    async with server.client(timeout=60) as client:
        await _setup(ledger, client)
    for number in range(rounds):
        await _round(ledger, server, rng, number)
        assert not ledger.problems, "\n".join(ledger.problems[:20]) + "\n" + ledger.figures.line()
    ledger.figures.seconds = time.monotonic() - began
    return ledger.figures


async def test_acknowledged_writes_survive_sigkill(database_url: str, tmp_path: Path) -> None:
    dialect = "sqlite" if database_url.startswith("sqlite:") else "postgresql"
    server = Server(database_url, tmp_path)
    try:
        figures = await run_crash_rounds(server, ROUNDS, dialect)
    finally:
        server.stop()
    print(figures.line())
    assert figures.kills == ROUNDS
    assert figures.lost == 0
    assert figures.acknowledged > 0 and figures.unanswered > 0


async def test_durability_settings(database_url: str) -> None:
    """What the promise rests on beyond a process crash: a commit is on disk before it is
    acknowledged (docs/reliability.md, "Durability settings"). A SIGKILL leaves the OS's
    page cache intact, so the test above cannot tell; these settings are what a power cut
    needs."""
    if database_url.startswith("sqlite:"):
        conn = connect_sqlite(sqlite_path(database_url))
        try:
            pragmas = {
                name: conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys")
            }
        finally:
            conn.close()
        assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}  # 2: FULL
        return
    pg = await asyncpg.connect(pg_dsn(database_url))
    try:
        settings = {
            name: await pg.fetchval(f"SHOW {name}")
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        }
    finally:
        await pg.close()
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
