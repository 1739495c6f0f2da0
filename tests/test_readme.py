"""The README's curl walk-through, run as printed against a real ``timetrack serve``.

Each ``sh`` block of the walk-through runs in bash with the key and secret the server printed;
its output must equal the ``text`` block printed after it, up to what differs from run to run
(timestamps of changes, the Date header, the port).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from itertools import pairwise
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"```(sh|text)\n(.*?)```", re.S)
_VOLATILE = [
    (re.compile(r'"updatedAt":"[^"]+"'), '"updatedAt":"<t>"'),
    (re.compile(r"^date: .*$", re.M), "date: <date>"),
    (re.compile(r"^x-request-id: .*$", re.M), "x-request-id: <id>"),
    (re.compile(r"^ratelimit-(remaining|reset): .*$", re.M), r"ratelimit-\1: <n>"),
]


def _walkthrough() -> list[tuple[str, str]]:
    """(commands, expected output) pairs of the walk-through section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Walk-through with curl", 1)[1].split("\n## PostgreSQL", 1)[0]
    blocks = _BLOCK.findall(section)
    pairs = []
    for (kind, body), (next_kind, expected) in pairwise(blocks):
        if kind == "sh" and next_kind == "text":
            pairs.append((body, expected))
    return pairs


def _normalise(output: str, port: int) -> str:
    output = output.replace(f"127.0.0.1:{port}", "127.0.0.1:8080")
    for pattern, replacement in _VOLATILE:
        output = pattern.sub(replacement, output)
    return output.replace("\r\n", "\n").strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_walkthrough_works_as_printed(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "TIMETRACK_DATA_DIR": str(tmp_path),
        "TIMETRACK_PORT": str(port),
        "TIMETRACK_DATABASE_URL": "",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "timetrack", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        printed: list[str] = []
        while not printed or " serving " not in printed[-1]:
            printed.append(server.stdout.readline())
            assert printed[-1], f"the server exited before serving: {printed}"
        key = next(line.split()[-1] for line in printed if "API key" in line)
        secret = next(line.split()[-1] for line in printed if "API secret" in line)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
        pairs = _walkthrough()
        assert len(pairs) >= 10, "the walk-through section was not found"
        shell_env = {
            **os.environ,
            "KEY": key,
            "SECRET": secret,
            "TT": f"http://127.0.0.1:{port}/api/v2/ext",
        }
        for commands, expected in pairs:
            script = "\n".join(
                line.replace("127.0.0.1:8080", f"127.0.0.1:{port}")
                for line in commands.splitlines()
                if not line.startswith("export ")
            )
            run = subprocess.run(
                ["bash", "-c", script], env=shell_env, capture_output=True, text=True, timeout=60
            )
            assert run.returncode == 0, run.stderr
            assert _normalise(run.stdout, port) == _normalise(expected, port), commands
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if server.stdout is not None:
            server.stdout.close()
