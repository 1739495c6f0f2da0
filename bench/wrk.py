"""Generic load-generation and process helpers for the benchmark suite.

``run_wrk`` drives the ``wrk`` HTTP benchmark tool (4.x) and parses its ``--latency`` report;
``free_port``, ``process_tree`` and ``peak_rss_mib`` help a benchmark start a server on a
free loopback port and read its memory high-water mark from procfs (Linux only).

Every wait is bounded: a wrk run gets a hard deadline of its duration plus its request timeout
plus a margin, after which the wrk process (and only it) is killed.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "WrkError",
    "free_port",
    "parse_wrk_output",
    "peak_rss_mib",
    "process_tree",
    "run_wrk",
    "wrk_binary",
]

# Slack on top of duration + request timeout before a wrk run counts as hung: wrk needs a
# moment to start its threads and to print the report.
_DEADLINE_MARGIN_S = 15.0

_TIME_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


class WrkError(RuntimeError):
    """wrk is missing, failed, hung, or printed a report that could not be parsed."""


def wrk_binary() -> str:
    """Path of the wrk executable, or a WrkError that says how to get it."""
    path = shutil.which("wrk")
    if path is None:
        raise WrkError("wrk not found on PATH; install it, e.g. `sudo apt-get install wrk`")
    return path


def _whole_seconds(value: float, what: str, minimum: int) -> int:
    # wrk parses -d and --timeout as integers ("1.5s" makes it print its usage and exit 0),
    # so fractions are rounded up rather than silently truncated by wrk.
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0, got {value!r}")
    return max(minimum, math.ceil(value))


def _to_ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if m is None:
        raise WrkError(f"unparseable wrk time value {text!r}")
    return float(m.group(1)) * _TIME_UNITS_MS[m.group(2)]


def parse_wrk_output(raw: str) -> dict[str, Any]:
    """Parse the report of ``wrk --latency``.

    Only the first match of each line counts, starting at wrk's own "Thread Stats" header:
    a Lua script's ``init``/``setup`` output comes before that header and its ``done`` output
    comes after wrk's own summary, so neither can shadow wrk's figures.
    """
    start = raw.find("Thread Stats")
    if start < 0:
        raise WrkError(f"no wrk report in output:\n{raw[-2000:]}")
    text = raw[start:]

    def first(pattern: str) -> re.Match[str] | None:
        return re.search(pattern, text, re.MULTILINE)

    rps = first(r"^Requests/sec:\s+([\d.]+)\s*$")
    count = first(r"^\s*(\d+) requests in ")
    if rps is None or count is None:
        raise WrkError(f"wrk report lacks Requests/sec or the request count:\n{raw[-2000:]}")

    # The percentile lines are only read inside the distribution block, which is contiguous.
    dist = first(r"^\s*Latency Distribution\s*\n((?:[ \t]+[\d.]+%[ \t]+\S+[ \t]*\n?)+)")
    if dist is None:
        raise WrkError(f"wrk report lacks the latency distribution (--latency):\n{raw[-2000:]}")
    percentiles = dict(re.findall(r"([\d.]+)%\s+(\S+)", dist.group(1)))
    if "50" not in percentiles or "99" not in percentiles:
        raise WrkError(f"wrk latency distribution lacks 50% or 99%:\n{dist.group(0)}")

    non_2xx = first(r"^\s*Non-2xx or 3xx responses:\s+(\d+)")
    sock = first(r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    detail = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    if sock is not None:
        detail = dict(zip(detail, (int(g) for g in sock.groups()), strict=True))
    return {
        "req_s": float(rps.group(1)),
        "p50_ms": _to_ms(percentiles["50"]),
        "p99_ms": _to_ms(percentiles["99"]),
        "requests": int(count.group(1)),
        # wrk omits both lines when the count is zero.
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(detail.values()),
        "socket_error_detail": detail,
    }


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"benchmarks only target loopback addresses, not {host!r} ({url})")


def _wrk_once(cmd: list[str], deadline_s: float, env: dict[str, str] | None) -> str:
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=None if env is None else {**os.environ, **env},
    )
    try:
        out, _ = proc.communicate(timeout=deadline_s)
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish within {deadline_s:.0f} s: {' '.join(cmd)}") from exc
    finally:
        # Also covers KeyboardInterrupt: never leave a load generator running behind us.
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
    if proc.returncode != 0:
        raise WrkError(f"wrk exited with {proc.returncode}: {' '.join(cmd)}\n{out[-2000:]}")
    return out


def run_wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    warmup: float = 0.0,
    timeout_s: float = 5.0,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``wrk --latency`` against a loopback URL and return its parsed figures.

    Returns ``req_s``, ``p50_ms``, ``p99_ms``, ``requests``, ``non_2xx``, ``socket_errors``
    (the sum of connect/read/write/timeout; the split is in ``socket_error_detail``),
    ``duration_s`` (the whole seconds wrk really ran) and ``raw`` (wrk's output).

    ``duration``, ``warmup`` and ``timeout_s`` are rounded up to whole seconds, which is all
    wrk accepts. A positive ``warmup`` first runs wrk with the same options for that long and
    discards its figures (a script with side effects, e.g. POSTs, runs during it too).
    ``env`` is added to the inherited environment, e.g. to pass settings to a Lua script.
    """
    _require_loopback(url)
    if threads < 1 or connections < threads:
        raise ValueError(f"need 1 <= threads <= connections, got {threads=} {connections=}")
    if script is not None and not script.is_file():
        raise FileNotFoundError(f"wrk script not found: {script}")
    exe = wrk_binary()
    run_s = _whole_seconds(duration, "duration", 1)
    warm_s = _whole_seconds(warmup, "warmup", 0)
    timeout = _whole_seconds(timeout_s, "timeout_s", 1)

    def command(seconds: int) -> list[str]:
        cmd = [exe, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        cmd += ["--timeout", f"{timeout}s"]
        for name, value in (headers or {}).items():
            cmd += ["-H", f"{name}: {value}"]
        if script is not None:
            cmd += ["-s", str(script)]
        return [*cmd, url]

    if warm_s > 0:
        _wrk_once(command(warm_s), warm_s + timeout + _DEADLINE_MARGIN_S, env)
        # wrk stops with requests in flight; let the server finish them, so the measured run
        # starts from a settled state (the timer scenario reads its timers' state first).
        time.sleep(0.5)
    raw = _wrk_once(command(run_s), run_s + timeout + _DEADLINE_MARGIN_S, env)
    return {**parse_wrk_output(raw), "duration_s": run_s, "raw": raw}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago.

    The port is released before returning, so another process could grab it first; a server
    that then fails to bind shows up as a start-up failure, not as wrong figures.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _parent_pids() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # exited while we were scanning
            continue
        # The command name in parentheses may itself contain spaces or ")".
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
    return parents


def process_tree(pid: int) -> list[int]:
    """``pid`` followed by all its live descendants (empty if ``pid`` is gone)."""
    parents = _parent_pids()
    if pid not in parents:
        return []
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    tree, queue = [], [pid]
    while queue:
        current = queue.pop(0)
        tree.append(current)
        queue.extend(sorted(children.get(current, [])))
    return tree


def peak_rss_mib(pids: list[int]) -> dict[int, float]:
    """VmHWM (peak resident set size) in MiB per pid; pids that are gone or zombies are left out."""
    peaks: dict[int, float] = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if m is not None:
            peaks[pid] = int(m.group(1)) / 1024
    return peaks
