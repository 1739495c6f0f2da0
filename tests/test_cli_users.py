"""``timetrack user create`` and ``set-password``, run in-process on a fresh data directory
and on a scratch PostgreSQL database."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_api, cli_runner, one_line_error, point_cli_at
from conftest import BACKENDS, scratch_postgres
from test_cli_working_time import make_acme


@pytest.fixture(params=BACKENDS)
async def run(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> AsyncIterator[Cli]:
    point_cli_at(tmp_path, monkeypatch)
    if request.param == "sqlite":
        yield cli_runner(capsys)
        return
    async with scratch_postgres("timetrack_cli") as url:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", url)
        yield cli_runner(capsys)


def login(creds: dict[str, Any], password: str) -> dict[str, Any]:
    return {"account": creds["account"]["slug"], "username": "alice", "password": password}


async def test_a_password_set_from_standard_input_signs_the_user_in(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\n"))
    done = await run("user", "set-password", "acme", "ALICE")
    assert done.code == 0, done
    assert "sessions have ended" in done.out
    old = await cli_api(acme, "POST", "/auth/login", login(acme, "Correct-Horse-42"))
    new = await cli_api(acme, "POST", "/auth/login", login(acme, "battery staple 9"))
    assert (old.status_code, new.status_code) == (401, 200)
    log = await cli_api(acme, "GET", "/audit_log?action=password")
    assert [(e["actor"], e["recordId"]) for e in log.json()] == [("cli", acme["userId"])]


@pytest.mark.parametrize(
    ("user", "password", "said"),
    [
        ("nobody", "battery staple 9", "acme has no user 'nobody'"),
        ("alice", "short", "the password must be at least 8 characters; nothing changed"),
    ],
)
async def test_a_refused_password_changes_nothing(
    run: Cli, monkeypatch: pytest.MonkeyPatch, user: str, password: str, said: str
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    refused = await run("user", "set-password", "acme", user)
    assert one_line_error(refused) == f"timetrack: {said}"
    still = await cli_api(acme, "POST", "/auth/login", login(acme, "Correct-Horse-42"))
    assert still.status_code == 200


def sign_in(creds: dict[str, Any], username: str, password: str) -> dict[str, Any]:
    return {"account": creds["account"]["slug"], "username": username, "password": password}


async def usernames(creds: dict[str, Any]) -> list[str]:
    listed = await cli_api(creds, "GET", "/users")
    assert listed.status_code == 200, listed.text
    return [u["username"] for u in listed.json()]


async def test_a_created_user_signs_in_with_the_password_from_standard_input(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\nignored\n"))
    done = await run("user", "create", "acme", "bob")
    assert done.code == 0, done
    assert done.out.startswith("Created the user bob (id 2) in acme;"), done.out
    wrong = await cli_api(acme, "POST", "/auth/login", sign_in(acme, "bob", "ignored"))
    signed = await cli_api(acme, "POST", "/auth/login", sign_in(acme, "BOB", "battery staple 9"))
    assert (wrong.status_code, signed.status_code) == (401, 200), signed.text
    assert (signed.json()["username"], signed.json()["role"]) == ("bob", "user")
    # The defaults where POST /users requires a field.
    user = (await cli_api(acme, "GET", "/users/2")).json()
    assert (user["firstName"], user["lastName"], user["email"]) == ("bob", "-", "bob@acme.invalid")
    assert (user["admin"], user["teamLead"], user["external"], user["language"]) == (
        False,
        False,
        False,
        "en",
    )


async def test_the_options_set_the_role_and_the_fields_the_api_would(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\n"))
    done = await run("user", "create", "acme", "boss", "--admin", "--team-lead", "--email",
                     " Boss@Example.com ", "--first-name", "Bea", "--last-name", "Oss",
                     "--language", "de")  # fmt: skip
    assert done.code == 0, done
    assert "(id 2), admin and team lead, in acme" in done.out
    signed = await cli_api(acme, "POST", "/auth/login", sign_in(acme, "boss", "battery staple 9"))
    assert signed.json()["role"] == "admin", signed.text
    user = (await cli_api(acme, "GET", "/users/2")).json()
    assert {k: user[k] for k in ("firstName", "lastName", "email", "language", "teamLead")} == {
        "firstName": "Bea",
        "lastName": "Oss",
        "email": "Boss@Example.com",
        "language": "de",
        "teamLead": True,
    }


async def test_an_external_user_is_created_external(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\n"))
    assert (await run("user", "create", "acme", "ext", "--external")).code == 0
    assert (await cli_api(acme, "GET", "/users/2")).json()["external"] is True


async def test_the_creation_is_in_the_audit_log_as_the_clis(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\n"))
    assert (await run("user", "create", "acme", "bob", "--admin")).code == 0
    log = (await cli_api(acme, "GET", "/audit_log?resource=users&action=create")).json()
    by_cli = [e for e in log if e["actor"] == "cli"]
    assert [(e["recordId"], e["before"]) for e in by_cli] == [(2, None)]
    after = by_cli[0]["after"]
    assert (after["username"], after["admin"]) == ("bob", True)
    assert not any("password" in key.lower() for key in after)
    # The same record as the API answers for it.
    assert after == (await cli_api(acme, "GET", "/users/2")).json()


@pytest.mark.parametrize(
    ("argv", "password", "said"),
    [
        (
            ("acme", "Alice"),
            "battery staple 9",
            "USERNAME 'Alice': a user with this username exists; no user created",
        ),
        (
            ("acme", "bob", "--email", "ALICE@example.com"),
            "battery staple 9",
            "--email 'ALICE@example.com': another user has this e-mail; no user created",
        ),
        (("nowhere", "bob"), "battery staple 9", "no account 'nowhere'"),
        (
            ("acme", "bob"),
            "aaaaaaaaaa",
            "the password is too weak: use at least three different characters; no user created",
        ),
        (
            ("acme", "bob"),
            "short",
            "the password must be at least 8 characters; no user created",
        ),
        (
            ("acme", "bob", "--email", "bob-at-example"),
            "battery staple 9",
            "--email 'bob-at-example': must be an e-mail address; no user created",
        ),
        (
            ("acme", "bob smith"),
            "battery staple 9",
            "the e-mail address made from USERNAME (give one with --email) "
            "'bob smith@acme.invalid': must be an e-mail address; no user created",
        ),
        (
            ("acme", "bob", "--first-name", "  "),
            "battery staple 9",
            "--first-name '  ': must not be empty; no user created",
        ),
    ],
)
async def test_a_refused_user_is_one_line_and_writes_nothing(
    run: Cli, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], password: str, said: str
) -> None:
    acme = await make_acme(run)
    log_before = (await cli_api(acme, "GET", "/audit_log")).json()
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    refused = await run("user", "create", *argv)
    assert one_line_error(refused) == f"timetrack: {said}"
    assert await usernames(acme) == ["alice"]
    assert (await cli_api(acme, "GET", "/audit_log")).json() == log_before


async def test_a_language_other_than_de_or_en_is_a_usage_error(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple 9\n"))
    with pytest.raises(SystemExit) as exited:
        await run("user", "create", "acme", "bob", "--language", "fr")
    assert exited.value.code == 2
    assert await usernames(acme) == ["alice"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("typed", "code"),
    [(["battery staple 9", "battery staple 9"], 0), (["battery staple 9", "battery stable 9"], 1)],
)
async def test_on_a_terminal_the_password_is_asked_twice(
    run: Cli, monkeypatch: pytest.MonkeyPatch, typed: list[str], code: int
) -> None:
    acme = await make_acme(run)
    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter(typed)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    done = await run("user", "create", "acme", "bob")
    assert done.code == code, done
    if code:
        said = "timetrack: the two passwords differ; no user created"
        assert one_line_error(done) == said
        assert await usernames(acme) == ["alice"]
    else:
        assert await usernames(acme) == ["alice", "bob"]
