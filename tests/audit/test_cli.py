"""The audit log from the command line."""

from __future__ import annotations

import pytest
from cli_support import Cli, cli_api

from .common import user_body


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
