"""The ``timetrack`` command line, run in-process on fresh data directories.

``cli.main`` runs ``asyncio.run`` for its database work, which cannot start inside a test's
running loop, so every call goes through a worker thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cli_support import Cli, cli_runner, one_line_error, point_cli_at
from conftest import scratch_postgres

from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import create_database


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, not yet existing data directory the CLI is pointed at."""
    return point_cli_at(tmp_path, monkeypatch)


@pytest.fixture
def run(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return cli_runner(capsys)


def settings_from_env() -> Settings:
    return Settings()


async def auth_status(key: str, secret: str, settings: Settings | None = None) -> int:
    """The status a GET /clients with this pair gets from a server on the CLI's database."""
    settings = settings or settings_from_env()
    database = create_database(settings.effective_database_url)
    await database.open()
    try:
        app = create_app(settings, database)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver/api/v2/ext"
        ) as client:
            response = await client.get(
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

    async def test_missing_slug_is_a_usage_error(self, run: Cli) -> None:
        with pytest.raises(SystemExit) as exited:
            await run("account", "create")
        assert exited.value.code == 2


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
    async def test_fresh_directory(self, run: Cli, data_dir: Path) -> None:
        assert not data_dir.exists()
        result = await run("migrate")
        assert result.code == 0, result
        assert "up to date" in result.out
        assert (data_dir / "timetrack.db").is_file()
        again = await run("migrate")
        assert again.code == 0, again


class TestFreshDataDirectory:
    @pytest.mark.parametrize(
        "argv",
        [
            ["migrate"],
            ["account", "list"],
            ["account", "list", "--json"],
            ["account", "create", "first"],
            ["account", "create", "first", "--json"],
        ],
    )
    async def test_succeeds(self, run: Cli, data_dir: Path, argv: list[str]) -> None:
        assert not data_dir.exists()
        result = await run(*argv)
        assert result.code == 0, result
        assert result.err == ""

    @pytest.mark.parametrize(
        "argv",
        [
            ["account", "rotate-secret", "nobody"],
            ["account", "disable", "nobody"],
            ["account", "enable", "nobody"],
        ],
    )
    async def test_missing_account_is_a_clean_error(
        self, run: Cli, data_dir: Path, argv: list[str]
    ) -> None:
        # A fresh directory gets its schema first: the error names the account, not a table.
        assert "no account 'nobody'" in one_line_error(await run(*argv))


class TestConfiguration:
    async def test_invalid_database_url(self, run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", "mysql://localhost/db")
        result = await run("account", "list")
        assert result.code == 2
        assert result.err.startswith("timetrack: invalid configuration")

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
    async def test_create_and_list(self, run: Cli, pg_url: str, data_dir: Path) -> None:
        result = await run("migrate")
        assert result.code == 0, result
        assert "PostgreSQL" in result.out
        result = await run("account", "create", "acme", "--timezone", "Europe/Berlin",
                           "--country", "DE", "--region", "BY", "--json")  # fmt: skip
        assert result.code == 0, result
        payload = result.json()
        assert payload["account"]["slug"] == "acme"
        listed = await run("account", "list", "--json")
        assert [a["slug"] for a in listed.json()] == ["acme"]
        table = await run("account", "list")
        assert "acme" in table.out
        assert await auth_status(payload["apiKey"], payload["apiSecret"]) == 200
        assert not (data_dir / "timetrack.db").exists()

    async def test_rotate_and_disable(self, run: Cli, pg_url: str) -> None:
        created = (await run("account", "create", "acme", "--json")).json()
        rotated = (await run("account", "rotate-secret", "acme", "--json")).json()
        assert await auth_status(created["apiKey"], created["apiSecret"]) == 401
        assert (await run("account", "disable", "acme")).code == 0
        assert await auth_status(rotated["apiKey"], rotated["apiSecret"]) == 403

    async def test_duplicate_slug(self, run: Cli, pg_url: str) -> None:
        assert (await run("account", "create", "acme")).code == 0
        one_line_error(await run("account", "create", "acme"))
