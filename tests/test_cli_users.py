"""``timetrack user set-password``, run in-process on a fresh data directory."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_api, cli_runner, one_line_error, point_cli_at
from test_cli_working_time import make_acme


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    point_cli_at(tmp_path, monkeypatch)
    return cli_runner(capsys)


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
