"""``timetrack working-time list|set``, run in-process on fresh data directories.

``cli.main`` runs ``asyncio.run`` for its database work, which cannot start inside a test's
running loop, so every call goes through a worker thread (as in test_cli.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_api, cli_runner, one_line_error, point_cli_at
from conftest import scratch_postgres

from timetrack.working_time.fields import WEEKDAYS


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, not yet existing data directory the CLI is pointed at."""
    return point_cli_at(tmp_path, monkeypatch)


@pytest.fixture
def run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return cli_runner(capsys)


@pytest.fixture
async def acme(run: Cli) -> dict[str, Any]:
    return await make_acme(run)


async def make_acme(run: Cli) -> dict[str, Any]:
    """An account ``acme`` with a user ``alice`` (whose id is in ``userId``)."""
    created = await run("account", "create", "acme", "--country", "DE", "--region", "BY",
                        "--json")  # fmt: skip
    assert created.code == 0, created
    creds: dict[str, Any] = created.json()
    response = await cli_api(
        creds,
        "POST",
        "/users",
        {
            "username": "alice",
            "firstName": "Alice",
            "lastName": "Archer",
            "email": "alice@example.com",
            "password": "Correct-Horse-42",
        },
    )
    assert response.status_code == 201, response.text
    creds["userId"] = response.json()["id"]
    return creds


class TestList:
    async def test_no_models(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("working-time", "list", "acme", "alice", "--json")
        assert result.code == 0, result
        assert result.json() == []
        result = await run("working-time", "list", "acme", "ALICE")
        assert result.code == 0, result
        assert "default" in result.out and "20 days" in result.out

    async def test_table(self, run: Cli, acme: dict[str, Any]) -> None:
        await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                  "--week", "7.5,7.5,7.5,7.5,0,0,0", "--vacation-days", "22.5")  # fmt: skip
        await run("working-time", "set", "acme", "alice", "--valid-from", "2025-01-01")
        result = await run("working-time", "list", "acme", "alice")
        assert result.code == 0, result
        lines = result.out.splitlines()
        assert lines[0].split() == [
            "id", "valid", "from", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "leave",
            "days",
        ]  # fmt: skip
        assert lines[1].split() == ["2", "2025-01-01", "8", "8", "8", "8", "8", "0", "0", "20"]
        assert lines[2].split() == [
            "1", "2026-07-01", "7.5", "7.5", "7.5", "7.5", "0", "0", "0", "22.5",
        ]  # fmt: skip


class TestSet:
    async def test_defaults(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("working-time", "set", "acme", "alice", "--valid-from", "2026-01-01",
                           "--json")  # fmt: skip
        assert result.code == 0, result
        assert result.err == ""
        model = result.json()
        assert model["username"] == "alice"
        assert model["userId"] == acme["userId"]
        assert model["validFrom"] == "2026-01-01"
        assert [model[f"{d}Seconds"] for d in WEEKDAYS] == [28800] * 5 + [0, 0]
        assert model["vacationDaysPerYear"] == 20
        # The API sees the same model.
        response = await cli_api(acme, "GET", f"/users/{acme['userId']}/working_time_models")
        assert response.json() == [model]

    async def test_week_and_vacation_days(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run(
            "working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
            "--week", "8, 8, 8, 7.7, 4.25, 0, 0", "--vacation-days", "27.5", "--json",
        )  # fmt: skip
        assert result.code == 0, result
        model = result.json()
        assert [model[f"{d}Seconds"] for d in WEEKDAYS] == [
            28800, 28800, 28800, 27720, 15300, 0, 0,
        ]  # fmt: skip
        assert model["vacationDaysPerYear"] == 27.5

    async def test_plain_text(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                           "--week", "6,6,6,6,0,0,0")  # fmt: skip
        assert result.code == 0, result
        assert result.out.startswith("Created working-time model 1 of alice, valid from 2026-07-01")
        assert "Mon 6 Tue 6 Wed 6 Thu 6 Fri 0 Sat 0 Sun 0 h" in result.out
        assert "20 days of leave a year" in result.out
        again = await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                          "--vacation-days", "18")  # fmt: skip
        assert again.code == 0, again
        assert again.out.startswith("Updated working-time model 1 of alice")
        assert "Mon 6 " in again.out and "18 days" in again.out

    async def test_setting_what_is_set_says_it_is_unchanged(
        self, run: Cli, acme: dict[str, Any]
    ) -> None:
        argv = ("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01")
        assert (await run(*argv, "--vacation-days", "18")).code == 0
        for options in ((), ("--vacation-days", "18"), ("--week", "8,8,8,8,8,0,0")):
            again = await run(*argv, *options)
            assert again.code == 0, again
            assert again.out.startswith("The working-time model 1 of alice is unchanged: "), again
            assert "18 days of leave a year" in again.out
        entries = (await run("audit", "acme", "--resource", "working_time_models", "--json")).json()
        assert [e["action"] for e in entries] == ["create"]

    async def test_same_date_updates_only_what_is_given(
        self, run: Cli, acme: dict[str, Any]
    ) -> None:
        first = (await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                           "--week", "4,4,4,4,4,0,0", "--json")).json()  # fmt: skip
        second = (await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                            "--vacation-days", "12", "--json")).json()  # fmt: skip
        assert second["id"] == first["id"]
        assert second["mondaySeconds"] == 14400
        assert second["vacationDaysPerYear"] == 12
        listed = (await run("working-time", "list", "acme", "alice", "--json")).json()
        assert listed == [second]
        # The leave balance follows: the default 20 days to June, 12 from July.
        response = await cli_api(acme, "GET", f"/users/{acme['userId']}/leave_balance?year=2026")
        assert response.json()["entitlementDays"] == 16  # 20 x 181/365 + 12 x 184/365 = 15.97

    async def test_unknown_account(self, run: Cli) -> None:
        assert (await run("migrate")).code == 0
        result = await run("working-time", "set", "nobody", "alice", "--valid-from", "2026-01-01")
        assert "no account 'nobody'" in one_line_error(result)
        assert "nobody" in one_line_error(await run("working-time", "list", "nobody", "alice"))

    async def test_unknown_user(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("working-time", "set", "acme", "bob", "--valid-from", "2026-01-01")
        assert "no user named 'bob'" in one_line_error(result)
        assert "bob" in one_line_error(await run("working-time", "list", "acme", "bob"))

    @pytest.mark.parametrize(
        "options",
        [
            [],
            ["--valid-from", "2026-02-30"],
            ["--valid-from", "01.07.2026"],
            ["--valid-from", "1969-12-31"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,8,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,8,0,0,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,eight,0,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,25,0,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,-1,0,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,NaN,0,0"],
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,1e1,0,0"],  # one spelling per value
            ["--valid-from", "2026-01-01", "--week", "8,8,8,8,\uff18,0,0"],
            ["--valid-from", "2026-01-01", "--vacation-days", "018"],
            ["--valid-from", "2026-01-01\n"],
            ["--valid-from", "2026-01-01", "--vacation-days", "27.55"],
            ["--valid-from", "2026-01-01", "--vacation-days", "367"],
            ["--valid-from", "2026-01-01", "--vacation-days", "many"],
        ],
    )
    async def test_invalid_options_are_usage_errors(
        self, run: Cli, acme: dict[str, Any], options: list[str]
    ) -> None:
        with pytest.raises(SystemExit) as exited:
            await run("working-time", "set", "acme", "alice", *options)
        assert exited.value.code == 2
        assert (await run("working-time", "list", "acme", "alice", "--json")).json() == []


@pytest.fixture
async def pg_url(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """A scratch PostgreSQL database, named in TIMETRACK_DATABASE_URL."""
    async with scratch_postgres("timetrack_cli") as url:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", url)
        yield url


class TestPostgres:
    @pytest.fixture
    async def pg_acme(self, pg_url: str, run: Cli) -> dict[str, Any]:
        return await make_acme(run)

    async def test_set_and_list(self, run: Cli, pg_acme: dict[str, Any]) -> None:
        result = await run("working-time", "set", "acme", "alice", "--valid-from", "2026-07-01",
                           "--week", "8,8,8,8,0,0,0", "--vacation-days", "24")  # fmt: skip
        assert result.code == 0, result
        assert "Fri 0 Sat 0 Sun 0 h; 24 days of leave a year" in result.out
        table = await run("working-time", "list", "acme", "alice")
        assert table.out.splitlines()[1].split() == [
            "1", "2026-07-01", "8", "8", "8", "8", "0", "0", "0", "24",
        ]  # fmt: skip
        listed = (await run("working-time", "list", "acme", "alice", "--json")).json()
        assert listed[0]["vacationDaysPerYear"] == 24
        assert listed[0]["fridaySeconds"] == 0
