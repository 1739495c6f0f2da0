"""The ``timetrack`` command line, run in-process on fresh data directories.

``cli.main`` runs ``asyncio.run`` for its database work, which cannot start inside a test's
running loop, so every call goes through a worker thread.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cli_support import Cli, cli_runner, one_line_error, point_cli_at
from conftest import client, scratch_postgres

from timetrack import cli
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import create_database


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, not yet existing data directory the CLI is pointed at."""
    return point_cli_at(tmp_path, monkeypatch)


@pytest.fixture
def fresh(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The CLI on a data directory that does not exist yet."""
    return cli_runner(capsys)


@pytest.fixture
def run(fresh: Cli) -> Cli:
    """The CLI on an empty database of the current schema (made quietly first: the note that a
    command created the database is tested on its own)."""
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["migrate"]) == 0
    return fresh


def settings_from_env() -> Settings:
    return Settings()


async def auth_status(key: str, secret: str, settings: Settings | None = None) -> int:
    """The status a GET /clients with this pair gets from a server on the CLI's database."""
    settings = settings or settings_from_env()
    database = create_database(settings.effective_database_url)
    await database.open()
    try:
        app = create_app(settings, database)
        async with client(app) as caller:
            response = await caller.get(
                "/clients",
                headers={"X-TimeTrack-Api-Key": key, "X-TimeTrack-Api-Secret": secret},
            )
        return response.status_code
    finally:
        await database.close()


class TestAccountCreate:
    async def test_json(self, run: Cli) -> None:
        result = await run(
            "account", "create", "acme", "--timezone", "Europe/Berlin", "--country", "DE",
            "--region", "BY", "--json",
        )  # fmt: skip
        assert result.code == 0, result
        assert result.err == ""
        payload = result.json()
        assert set(payload) == {"account", "apiKey", "apiSecret"}
        account = payload["account"]
        assert account["slug"] == "acme"
        assert account["name"] == "acme"
        assert account["timezone"] == "Europe/Berlin"
        assert account["country"] == "DE"
        assert account["region"] == "BY"
        assert account["enabled"] is True
        assert isinstance(account["id"], int)
        assert account["createdAt"].endswith("Z")
        assert payload["apiKey"] != payload["apiSecret"]
        assert await auth_status(payload["apiKey"], payload["apiSecret"]) == 200

    async def test_plain_text_shows_the_pair(self, run: Cli) -> None:
        result = await run("account", "create", "acme", "--name", "Acme GmbH")
        assert result.code == 0, result
        key = next(line.split()[-1] for line in result.out.splitlines() if "API key:" in line)
        secret = next(line.split()[-1] for line in result.out.splitlines() if "API secret:" in line)
        assert "acme" in result.out
        assert await auth_status(key, secret) == 200

    async def test_lowercase_country_and_region_are_normalised(self, run: Cli) -> None:
        result = await run("account", "create", "acme", "--country", "de", "--region", "by",
                           "--json")  # fmt: skip
        assert result.code == 0, result
        assert result.json()["account"]["country"] == "DE"
        assert result.json()["account"]["region"] == "BY"

    @pytest.mark.parametrize("slug", ["Acme", "acme!", "", "a" * 64, "acme corp", "ä"])
    async def test_invalid_slug(self, run: Cli, slug: str) -> None:
        assert "slug" in one_line_error(await run("account", "create", slug))

    async def test_invalid_time_zone(self, run: Cli) -> None:
        message = one_line_error(await run("account", "create", "acme", "--timezone", "Mars/Base"))
        assert "Mars/Base" in message

    @pytest.mark.parametrize(("option", "value"), [("--country", "DEU"), ("--region", "B-Y")])
    async def test_invalid_place(self, run: Cli, option: str, value: str) -> None:
        one_line_error(await run("account", "create", "acme", option, value))

    async def test_duplicate_slug(self, run: Cli) -> None:
        assert (await run("account", "create", "acme")).code == 0
        message = one_line_error(await run("account", "create", "acme", "--json"))
        assert "acme" in message and "exists" in message
        listed = (await run("account", "list", "--json")).json()
        assert [a["slug"] for a in listed] == ["acme"]

    async def test_missing_slug_is_a_usage_error(
        self, run: Cli, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit) as exited:
            await run("account", "create")
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("timetrack account create: "), err
        assert "SLUG" in err and "--help" in err


class TestAccountList:
    async def test_json(self, run: Cli) -> None:
        await run("account", "create", "acme", "--country", "DE", "--region", "BY")
        await run("account", "create", "beta", "--timezone", "America/New_York")
        result = await run("account", "list", "--json")
        assert result.code == 0, result
        listed = result.json()
        assert [a["slug"] for a in listed] == ["acme", "beta"]
        assert listed[1]["timezone"] == "America/New_York"
        assert all("apiSecret" not in a and "secret_hash" not in a for a in listed)

    async def test_table(self, run: Cli) -> None:
        created = (await run("account", "create", "acme", "--country", "DE", "--region", "BY",
                             "--json")).json()  # fmt: skip
        result = await run("account", "list")
        assert result.code == 0, result
        lines = result.out.splitlines()
        assert lines[0].split()[0] == "slug"
        assert len(lines) == 2
        assert lines[1].split()[0] == "acme"
        assert "DE/BY" in lines[1]
        assert created["apiSecret"] not in result.out

    async def test_empty(self, run: Cli) -> None:
        assert (await run("account", "list", "--json")).json() == []
        result = await run("account", "list")
        assert result.code == 0
        assert len(result.out.splitlines()) == 1


class TestRotateSecret:
    async def test_old_secret_fails_new_one_works(self, run: Cli) -> None:
        created = (await run("account", "create", "acme", "--json")).json()
        result = await run("account", "rotate-secret", "acme", "--json")
        assert result.code == 0, result
        rotated = result.json()
        assert rotated["apiKey"] == created["apiKey"]
        assert rotated["apiSecret"] != created["apiSecret"]
        assert await auth_status(created["apiKey"], created["apiSecret"]) == 401
        assert await auth_status(rotated["apiKey"], rotated["apiSecret"]) == 200

    async def test_plain_text(self, run: Cli) -> None:
        await run("account", "create", "acme")
        result = await run("account", "rotate-secret", "acme")
        assert result.code == 0, result
        assert "API secret:" in result.out

    async def test_unknown_account(self, run: Cli) -> None:
        assert "nobody" in one_line_error(await run("account", "rotate-secret", "nobody"))


class TestDisableEnable:
    async def test_disable_then_enable(self, run: Cli) -> None:
        created = (await run("account", "create", "acme", "--json")).json()
        pair = created["apiKey"], created["apiSecret"]
        result = await run("account", "disable", "acme")
        assert result.code == 0, result
        assert "disabled" in result.out
        assert await auth_status(*pair) == 403
        assert (await run("account", "list", "--json")).json()[0]["enabled"] is False
        result = await run("account", "enable", "acme")
        assert result.code == 0, result
        assert "enabled" in result.out
        assert await auth_status(*pair) == 200

    @pytest.mark.parametrize("verb", ["disable", "enable"])
    async def test_unknown_account(self, run: Cli, verb: str) -> None:
        assert "nobody" in one_line_error(await run("account", verb, "nobody"))


class TestMigrate:
    async def test_fresh_directory(self, fresh: Cli, data_dir: Path) -> None:
        assert not data_dir.exists()
        result = await fresh("migrate")
        assert result.code == 0, result
        assert result.out.startswith("Created a new database, schema version ")
        assert str(data_dir / "timetrack.db") in result.out
        assert (data_dir / "timetrack.db").is_file()
        again = await fresh("migrate")
        assert again.code == 0, again
        assert again.out.startswith("The database is already up to date")


class TestFreshDataDirectory:
    @pytest.mark.parametrize(
        "argv",
        [
            ["account", "list"],
            ["account", "list", "--json"],
            ["account", "create", "first"],
            ["account", "create", "first", "--json"],
            ["audit", "first"],
        ],
    )
    async def test_says_which_database_it_created(
        self, fresh: Cli, data_dir: Path, argv: list[str]
    ) -> None:
        assert not data_dir.exists()
        result = await fresh(*argv)
        # On standard error, so that --json output stays one JSON document.
        note = result.err.splitlines()[0]
        assert note.startswith("timetrack: created a new database: SQLite "), result
        assert str(data_dir / "timetrack.db") in note
        assert "TIMETRACK_DATA_DIR" in note
        if "--json" in argv:
            result.json()
        again = await fresh(*argv[:2], *(["second"] if argv[1] == "create" else argv[2:]))
        assert "created a new database" not in again.err, again

    @pytest.mark.parametrize(
        "argv",
        [
            ["account", "rotate-secret", "nobody"],
            ["account", "disable", "nobody"],
            ["account", "enable", "nobody"],
            ["account", "update", "nobody", "--name", "N"],
        ],
    )
    async def test_missing_account_is_a_clean_error(
        self, fresh: Cli, data_dir: Path, argv: list[str]
    ) -> None:
        # A fresh directory gets its schema first: the error names the account, not a table.
        result = await fresh(*argv)
        assert result.code == 1, result
        created, error = result.err.splitlines()
        assert created.startswith("timetrack: created a new database")
        assert error == "timetrack: no account 'nobody'"


PORT = "a whole number from 1 to 65535"


class TestConfiguration:
    async def test_invalid_database_url(self, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", "mysql://localhost/db")
        result = await run("account", "list")
        assert result.code == 2
        assert result.err.startswith("timetrack: invalid configuration")

    @pytest.mark.parametrize(
        ("argv", "env", "message"),
        [
            (["serve", "--port", "70000"], {}, f"--port must be {PORT}, got '70000'"),
            (["serve", "--port", "abc"], {}, f"--port must be {PORT}, got 'abc'"),
            (["serve", "--workers", "0"], {},
             "--workers must be a whole number from 1 to 64, got '0'"),
            (["account", "list"], {"TIMETRACK_PORT": "abc"},
             f"TIMETRACK_PORT must be {PORT}, got 'abc'"),
            (["serve"], {"TIMETRACK_PORT": "0"}, f"TIMETRACK_PORT must be {PORT}, got '0'"),
            (["migrate"], {"TIMETRACK_LOG_LEVEL": "loud"},
             "TIMETRACK_LOG_LEVEL must be one of critical, error, warning, info, debug, "
             "got 'loud'"),
            (["migrate"], {"TIMETRACK_ACCESS_LOG": "maybe"},
             "TIMETRACK_ACCESS_LOG must be true or false (or 1/0, yes/no, on/off), "
             "got 'maybe'"),
            (["migrate"], {"TIMETRACK_RATE_LIMIT_PER_SECOND": "0"},
             "TIMETRACK_RATE_LIMIT_PER_SECOND must be a number above 0 and at most 1000000, "
             "got '0'"),
        ],
    )  # fmt: skip
    async def test_an_invalid_setting_is_one_plain_line(
        self,
        fresh: Cli,
        data_dir: Path,
        monkeypatch: pytest.MonkeyPatch,
        argv: list[str],
        env: dict[str, str],
        message: str,
    ) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = await fresh(*argv)
        assert (result.code, result.out) == (2, ""), result
        assert result.err == f"timetrack: invalid configuration: {message}\n"
        assert not data_dir.exists()  # refused before anything was touched

    async def test_a_flag_overrides_its_variable(
        self, fresh: Cli, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TIMETRACK_PORT", "8080")
        result = await fresh("serve", "--port", "0")
        assert result.code == 2
        assert "--port must be" in result.err and "TIMETRACK_PORT" not in result.err

    async def test_help_has_no_markup_and_every_positional_argument_is_explained(
        self,
    ) -> None:
        def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
            yield parser
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    for sub in action.choices.values():
                        yield from parsers(sub)

        seen = 0
        for parser in parsers(cli.build_parser()):
            seen += 1
            text = parser.format_help()
            assert not re.search(r"`|\*\*|\[/?[a-z ]+\]|\x1b", text), text
            for action in parser._actions:
                if not action.option_strings:
                    assert action.help, f"{parser.prog}: {action.dest} has no help"
        assert seen >= 15

    async def test_version(self, run: Cli, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exited:
            await run("--version")
        assert exited.value.code == 0
        assert capsys.readouterr().out.startswith("timetrack ")


@pytest.fixture
async def pg_url(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """A scratch PostgreSQL database, named in TIMETRACK_DATABASE_URL."""
    async with scratch_postgres("timetrack_cli") as url:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", url)
        yield url


class TestPostgres:
    async def test_create_and_list(self, fresh: Cli, pg_url: str, data_dir: Path) -> None:
        result = await fresh("migrate")
        assert result.code == 0, result
        assert "PostgreSQL" in result.out
        result = await fresh("account", "create", "acme", "--timezone", "Europe/Berlin",
                           "--country", "DE", "--region", "BY", "--json")  # fmt: skip
        assert result.code == 0, result
        payload = result.json()
        assert payload["account"]["slug"] == "acme"
        listed = await fresh("account", "list", "--json")
        assert [a["slug"] for a in listed.json()] == ["acme"]
        table = await fresh("account", "list")
        assert "acme" in table.out
        assert await auth_status(payload["apiKey"], payload["apiSecret"]) == 200
        assert not (data_dir / "timetrack.db").exists()

    async def test_rotate_and_disable(self, fresh: Cli, pg_url: str) -> None:
        made = await fresh("account", "create", "acme", "--json")
        # An empty PostgreSQL database gets its schema: said, with the server and database.
        assert made.err.startswith("timetrack: created a new database: PostgreSQL "), made
        assert pg_url.split("@")[-1] in made.err
        created = made.json()
        rotated = (await fresh("account", "rotate-secret", "acme", "--json")).json()
        assert await auth_status(created["apiKey"], created["apiSecret"]) == 401
        assert (await fresh("account", "disable", "acme")).code == 0
        assert await auth_status(rotated["apiKey"], rotated["apiSecret"]) == 403

    async def test_duplicate_slug(self, fresh: Cli, pg_url: str) -> None:
        assert (await fresh("account", "create", "acme")).code == 0
        one_line_error(await fresh("account", "create", "acme"))
