"""``timetrack serve`` as a real process: it says "serving" only once its port is bound and
listening, names a busy address instead of starting, and tells the operator how to give the
first account a time zone and a country."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability.server import free_port, server_env


@contextlib.contextmanager
def serving(tmp_path: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """``python -m timetrack serve --port PORT`` on a fresh data directory, in a process group
    of its own that is ended (SIGTERM, then SIGKILL) however the block ends."""
    env = server_env(f"sqlite:///{tmp_path / 'data' / 'timetrack.db'}", tmp_path / "data")
    process = subprocess.Popen(
        [sys.executable, "-m", "timetrack", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=wait)
        process.communicate()


def test_serving_is_said_once_the_port_listens(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, port) as process:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line, f"the server exited before serving: {lines} {process.stderr}"
            lines.append(line)
            if " serving " in line:
                break
        # At once, no retry: the line is a promise that the port takes connections.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        printed = "".join(lines)
        assert f"serving http://127.0.0.1:{port}/api/v2/ext/" in printed
        assert "timetrack account update default --timezone ZONE --country CC" in printed
        # Nobody can sign in to the web app yet: the account has no person. Started as
        # ``python -m timetrack``, the command it suggests is plain ``timetrack``.
        assert (
            f"To sign in at http://127.0.0.1:{port}/app/, create a person first: "
            "`timetrack user create default NAME --admin` (asks for the password).\n"
        ) in lines


@pytest.mark.parametrize(
    ("argv0", "cwd", "path", "said"),
    [
        # ./scripts/serve runs .venv/bin/timetrack from the repository's root.
        ("/repo/.venv/bin/timetrack", "/repo", "/repo/.venv/bin", ".venv/bin/timetrack"),
        ("/opt/tt/venv/bin/timetrack", "/srv", "/usr/bin:/opt/tt/venv/bin", "timetrack"),
        ("/opt/tt/venv/bin/timetrack", "/srv", "/usr/bin", "/opt/tt/venv/bin/timetrack"),
        ("/repo/src/timetrack/__main__.py", "/repo", "/usr/bin", "timetrack"),
    ],
)
def test_the_suggested_command_is_how_this_one_was_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv0: str, cwd: str, path: str, said: str
) -> None:
    from timetrack.console import invocation

    # The scripts exist under tmp_path, so shutil.which finds them as it would.
    def here(name: str) -> str:
        return str(tmp_path) + name if name.startswith("/") else name

    script = Path(here(argv0))
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    Path(here(cwd)).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(here(cwd))
    monkeypatch.setattr("sys.argv", [str(script)])
    monkeypatch.setenv("PATH", ":".join(here(p) for p in path.split(":")))
    assert invocation() == here(said)


def test_a_busy_address_is_named_and_nothing_starts(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with serving(tmp_path, port) as process:
            out, err = process.communicate(timeout=60)
    assert process.returncode == 1, (out, err)
    assert out == ""  # no "serving", and no first account made on the way
    assert err == (
        f"timetrack: cannot listen on 127.0.0.1:{port}: the address is already in use "
        "(another server, perhaps another timetrack, listens there; choose another with "
        "--port or TIMETRACK_PORT)\n"
    )
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("host", ["192.0.2.1"])  # TEST-NET-1: never this machine's address
def test_an_address_that_is_not_ours_is_named(tmp_path: Path, host: str) -> None:
    env = server_env(f"sqlite:///{tmp_path / 'data' / 'timetrack.db'}", tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "timetrack", "serve", "--host", host, "--port", "8080"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done
    assert done.stderr.startswith(f"timetrack: cannot listen on {host}:8080: "), done.stderr
    assert "not one of this machine's" in done.stderr


async def test_a_route_the_dispatcher_cannot_serve_stops_serve_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As after an upgrade that changed what the dispatcher reads: one line, exit status 1,
    nothing written, no worker started."""
    from cli_support import cli_runner, one_line_error, point_cli_at

    from timetrack import dispatch

    folder = point_cli_at(tmp_path, monkeypatch)
    monkeypatch.setattr(dispatch, "_is_async", lambda call: False)
    result = await cli_runner(capsys)("serve", "--port", str(free_port()))
    message = one_line_error(result)
    assert message.startswith("timetrack: cannot start: the dispatcher cannot serve "), message
    assert "is a plain def (declare it async def)" in message
    assert not folder.exists()
