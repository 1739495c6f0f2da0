"""``timetrack account update SLUG``: an account's name, time zone, country and region change
after creation (the account ``serve`` makes first is UTC with no country), validated as on
create; and commands that change nothing say so and leave no audit entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_runner, one_line_error, point_cli_at


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    point_cli_at(tmp_path, monkeypatch)
    return cli_runner(capsys)


@pytest.fixture
async def acme(run: Cli) -> dict[str, Any]:
    created = await run("account", "create", "acme", "--name", "Acme", "--json")
    assert created.code == 0, created
    account: dict[str, Any] = created.json()["account"]
    return account


async def listed(run: Cli) -> dict[str, Any]:
    accounts: list[dict[str, Any]] = (await run("account", "list", "--json")).json()
    assert len(accounts) == 1
    return accounts[0]


async def audit_actions(run: Cli) -> list[str]:
    return [entry["action"] for entry in (await run("audit", "acme", "--json")).json()]


class TestUpdate:
    async def test_sets_time_zone_country_and_region(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("account", "update", "acme", "--timezone", "Europe/Berlin",
                           "--country", "de", "--region", "by")  # fmt: skip
        assert (result.code, result.err) == (0, ""), result
        assert result.out == (
            "Updated account acme: time zone UTC -> Europe/Berlin; country none -> DE; "
            "region none -> BY.\n"
        )
        account = await listed(run)
        assert (account["timezone"], account["country"], account["region"]) == (
            "Europe/Berlin",
            "DE",
            "BY",
        )
        assert account["name"] == "Acme" and account["id"] == acme["id"]
        entries = (await run("audit", "acme", "--json")).json()
        assert [e["action"] for e in entries] == ["create", "update"]
        assert entries[1]["before"]["country"] is None
        assert entries[1]["after"]["country"] == "DE"

    async def test_json_names_what_changed(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("account", "update", "acme", "--name", "Acme Ltd", "--json")
        assert result.code == 0, result
        assert result.json()["changed"] == ["name"]
        assert result.json()["account"]["name"] == "Acme Ltd"

    async def test_a_new_country_drops_the_old_region(self, run: Cli, acme: dict[str, Any]) -> None:
        await run("account", "update", "acme", "--country", "DE", "--region", "BY")
        result = await run("account", "update", "acme", "--country", "AT")
        assert "region BY -> none" in result.out
        account = await listed(run)
        assert (account["country"], account["region"]) == ("AT", None)

    async def test_an_empty_value_removes_country_or_region(
        self, run: Cli, acme: dict[str, Any]
    ) -> None:
        await run("account", "update", "acme", "--country", "DE", "--region", "BY")
        await run("account", "update", "acme", "--region", "")
        assert (await listed(run))["region"] is None
        await run("account", "update", "acme", "--country", "")
        assert (await listed(run))["country"] is None

    async def test_rates_are_shown_to_everybody_only_when_asked(
        self, run: Cli, acme: dict[str, Any]
    ) -> None:
        assert acme["ratesVisible"] is False
        result = await run("account", "update", "acme", "--rates-visible", "yes")
        assert result.out == (
            "Updated account acme: rates shown to people other than admins no -> yes.\n"
        )
        assert (await listed(run))["ratesVisible"] is True
        await run("account", "update", "acme", "--rates-visible", "no")
        assert (await listed(run))["ratesVisible"] is False
        assert await audit_actions(run) == ["create", "update", "update"]
        with pytest.raises(SystemExit):
            await run("account", "update", "acme", "--rates-visible", "maybe")
        assert (await listed(run))["ratesVisible"] is False

    async def test_the_currency_is_eur_until_set_to_another_iso_code(
        self, run: Cli, acme: dict[str, Any]
    ) -> None:
        assert acme["currency"] == "EUR"
        result = await run("account", "update", "acme", "--currency", "usd")
        assert result.out == "Updated account acme: currency EUR -> USD.\n"
        assert (await listed(run))["currency"] == "USD"
        assert await audit_actions(run) == ["create", "update"]
        for wrong in ("US", "EURO", "12€", ""):
            assert "ISO 4217" in one_line_error(
                await run("account", "update", "acme", "--currency", wrong)
            )
        assert (await listed(run))["currency"] == "USD"

    @pytest.mark.parametrize(
        ("options", "says"),
        [
            (["--timezone", "Mars/Base"], "Mars/Base"),
            (["--country", "DEU"], "country"),
            (["--country", "DE", "--region", "XX"], "no region 'XX'"),
            (["--region", "BY"], "a region needs a country"),
            (["--name", "  "], "name"),
        ],
    )
    async def test_invalid_values_change_nothing(
        self, run: Cli, acme: dict[str, Any], options: list[str], says: str
    ) -> None:
        assert says in one_line_error(await run("account", "update", "acme", *options))
        assert await listed(run) == acme
        assert await audit_actions(run) == ["create"]

    async def test_unknown_account(self, run: Cli) -> None:
        await run("migrate")
        assert "no account 'nobody'" in one_line_error(
            await run("account", "update", "nobody", "--country", "DE")
        )


class TestNothingChanged:
    @pytest.mark.parametrize(
        "options", [[], ["--name", "Acme", "--timezone", "UTC"], ["--country", ""]]
    )
    async def test_update_says_so_and_records_nothing(
        self, run: Cli, acme: dict[str, Any], options: list[str]
    ) -> None:
        result = await run("account", "update", "acme", *options)
        assert result.code == 0, result
        assert result.out == "Account acme is unchanged: it already has these settings.\n"
        assert await listed(run) == acme
        assert await audit_actions(run) == ["create"]

    async def test_enabling_an_enabled_account(self, run: Cli, acme: dict[str, Any]) -> None:
        result = await run("account", "enable", "acme")
        assert result.code == 0, result
        assert result.out == "Account acme is already enabled; nothing changed.\n"
        assert await audit_actions(run) == ["create"]

    async def test_disabling_a_disabled_account(self, run: Cli, acme: dict[str, Any]) -> None:
        assert (await run("account", "disable", "acme")).code == 0
        result = await run("account", "disable", "acme")
        assert result.out == "Account acme is already disabled; nothing changed.\n"
        assert await audit_actions(run) == ["create", "disable"]
