"""Backup (issue 5, point 9): ``timetrack backup PATH`` and ``timetrack restore PATH``.

The backup is taken from a real server's SQLite database while the server writes to it, and
must be one consistent moment: every writer's records a gapless prefix of what it sent, ids
gapless and the id counter in step with them. The restore puts exactly that moment back.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from timetrack import backup as sqlite_backup
from timetrack import cli, serverlock

from .server import Server, free_port, list_all, server_env

WRITERS = 4


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> None:
    """Point the in-process CLI at a database, as the environment points a real one."""
    for name in ("TIMETRACK_DATABASE_URL", "TIMETRACK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in server_env(url, data_dir).items():
        if name.startswith("TIMETRACK_"):
            monkeypatch.setenv(name, value)


async def _writer(client: httpx.AsyncClient, n: int, acked: list[int], stop: asyncio.Event) -> None:
    """Create ``w<n>-1``, ``w<n>-2``, ... one after another; ``acked[n]``: how many got 201."""
    while not stop.is_set():
        response = await client.post("/clients", json={"name": f"w{n}-{acked[n] + 1}"})
        assert response.status_code == 201, response.text
        acked[n] += 1


async def _wait_for(acked: list[int], goal: int) -> None:
    for _ in range(2000):
        if sum(acked) >= goal:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"the writers acknowledged only {sum(acked)} creates in 10 s")


def _backup_contents(path: Path) -> tuple[list[str], list[int], int]:
    """The client names, ids and the clients' id counter of the account ``default``."""
    conn = sqlite3.connect(path)
    try:
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        account = conn.execute("SELECT id FROM accounts WHERE slug = 'default'").fetchone()[0]
        rows = conn.execute(
            "SELECT name, id FROM clients WHERE account_id = ? ORDER BY id", (account,)
        ).fetchall()
        counter = conn.execute(
            "SELECT last_id FROM id_counters WHERE account_id = ? AND resource = 'clients'",
            (account,),
        ).fetchone()[0]
    finally:
        conn.close()
    return [name for name, _ in rows], [id_ for _, id_ in rows], counter


async def test_backup_while_the_server_writes_then_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'timetrack.db'}"
    copy = tmp_path / "backups" / "timetrack.db"
    copy.parent.mkdir()
    server = Server(url, tmp_path)
    try:
        await server.start()
        acked = [0] * WRITERS
        stop = asyncio.Event()
        async with server.client(timeout=60) as client:
            writers = [
                asyncio.ensure_future(_writer(client, n, acked, stop)) for n in range(WRITERS)
            ]
            try:
                await _wait_for(acked, 40)
                before = list(acked)
                backup = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "timetrack",
                    "backup",
                    str(copy),
                    env=server_env(url, tmp_path / "data"),
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                )
                output, _ = await asyncio.wait_for(backup.communicate(), timeout=60)
                after = [count + 1 for count in acked]  # at most the request in flight
                await _wait_for(acked, sum(after) + 20)
            finally:
                stop.set()
                await asyncio.gather(*writers)
        assert backup.returncode == 0, output.decode()

        names, ids, counter = _backup_contents(copy)
        for n in range(WRITERS):
            mine = sorted(int(name.split("-")[1]) for name in names if name.startswith(f"w{n}-"))
            assert mine == list(range(1, len(mine) + 1)), f"writer {n}: a gap: {mine}"
            assert before[n] <= len(mine) <= after[n], (n, before, len(mine), after)
        assert ids == list(range(1, len(ids) + 1)) and counter == len(ids)
        assert sum(acked) > len(names), "the server wrote nothing after the backup"

        server.stop()
        _use_database(monkeypatch, url, tmp_path / "data")
        assert cli.main(["restore", str(copy)]) == 0
        assert "Restored" in capsys.readouterr().out
        await server.start(workers=1)
        async with server.client(timeout=60) as client:
            restored = await list_all(client, "clients")
            assert [c["name"] for c in restored] == names
            made = await client.post("/clients", json={"name": "after the restore"})
            assert made.status_code == 201 and made.json()["id"] == len(ids) + 1, made.text
    finally:
        server.stop()


def _migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database at the current schema, with the CLI pointed at it."""
    database = tmp_path / "data" / "timetrack.db"
    _use_database(monkeypatch, f"sqlite:///{database}", database.parent)
    assert cli.main(["migrate"]) == 0
    return database


def test_restore_refuses_what_is_not_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = _migrated(tmp_path, monkeypatch)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    capsys.readouterr()
    original = database.read_bytes()
    for path, reason in (
        (text, "is not a timetrack database"),
        (foreign, "has no schema version"),
        (tmp_path / "missing.db", "there is no file"),
    ):
        assert cli.main(["restore", str(path)]) == 1
        assert reason in capsys.readouterr().err
    assert database.read_bytes() == original


def test_backup_refuses_to_overwrite_or_invent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing" / "timetrack.db"
    _use_database(monkeypatch, f"sqlite:///{missing}", missing.parent)
    assert cli.main(["backup", str(tmp_path / "b.db")]) == 1
    assert "there is no database" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "b.db").exists()

    _migrated(tmp_path, monkeypatch)
    assert cli.main(["backup", str(tmp_path / "no" / "b.db")]) == 1
    assert "there is no directory" in capsys.readouterr().err
    target = tmp_path / "b.db"
    target.write_text("an older backup")
    assert cli.main(["backup", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli.main(["backup", "--force", str(target)]) == 0
    assert sqlite_backup.check(target)  # a sound database with a schema version
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_postgresql_points_to_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Never reached: the command refuses before it connects.
    _use_database(monkeypatch, "postgresql://nobody@127.0.0.1:1/none", tmp_path)
    for command in ("backup", "restore"):
        assert cli.main([command, str(tmp_path / "x.dump")]) == 2
        err = capsys.readouterr().err
        assert "pg_dump" in err and "pg_restore" in err


async def test_restore_refuses_while_a_server_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restore under a running server would undo writes the server had acknowledged, and
    the server would go on answering from a database that changed under it: refused, unless
    forced, and then it says what is lost. A killed server leaves no lock behind."""
    database = tmp_path / "data" / "timetrack.db"
    url = f"sqlite:///{database}"
    copy = tmp_path / "copy.db"
    server = Server(url, tmp_path)
    try:
        await server.start()
        _use_database(monkeypatch, url, database.parent)
        async with server.client(timeout=60) as client:
            assert (await client.post("/clients", json={"name": "before"})).status_code == 201
            assert cli.main(["backup", str(copy)]) == 0
            for name in ("after 1", "after 2"):
                assert (await client.post("/clients", json={"name": name})).status_code == 201
            capsys.readouterr()

            assert cli.main(["restore", str(copy)]) == 1
            refused = capsys.readouterr().err
            assert refused.startswith(f"timetrack: a running timetrack server is using {database}")
            assert "stop it, then restore" in refused and "--force" in refused
            assert "the 2 writes recorded after the backup" in refused
            listed = [c["name"] for c in await list_all(client, "clients")]
            assert listed == ["before", "after 1", "after 2"]  # nothing was restored

            assert cli.main(["restore", "--force", str(copy)]) == 0
            forced = capsys.readouterr()
            assert forced.err.startswith("timetrack: --force: restoring under the running server")
            assert "loses the 2 writes recorded after the backup" in forced.err
            assert "Restored" in forced.out
            # The server goes on, on the restored data.
            assert [c["name"] for c in await list_all(client, "clients")] == ["before"]

        server.kill()  # no chance to clean up: the kernel drops its lock with it
        assert cli.main(["restore", str(copy)]) == 0, capsys.readouterr().err

        # And while a restore holds the database, a server does not start on it.
        with serverlock.exclusive(database):
            started = subprocess.run(
                [sys.executable, "-m", "timetrack", "serve", "--port", str(free_port())],
                env=server_env(url, database.parent),
                capture_output=True,
                text=True,
                timeout=60,
            )
        assert started.returncode == 1, started
        assert "a restore of" in started.stderr and "under way" in started.stderr
        assert "serving" not in started.stdout
    finally:
        server.stop()
