"""Peer comparison: bulk load and 50-record range read on TimeTagger.

    .venv/bin/python bench/peer_timetagger.py [--duration 5] [--records 10000] [--batch 1000]
        [--warmup 1] [--connections 64] [--threads 2] [--workdir DIR] [--venv DIR]

TimeTagger (https://timetagger.app, PyPI ``timetagger``) is installed into its own venv,
``bench/.venv-timetagger`` by default, never into the project's. The procedure follows
``/work/shared/research/perf-baselines.md`` (sections 4.4, 5 and the ``tt_bench.py`` /
``tt_get.sh`` scripts) so the figures are comparable with the ones recorded there:

* stock ``python -m timetagger`` (one process, uvicorn + h11), bound to 127.0.0.1 on a free
  port, a fresh data dir, log level warning, in its own process group;
* a long-lived API token from the "localhost" bootstrap login (which only works on loopback);
* ``records`` records of ``{key, mt, t1, t2, ds}``, one every 2 h and 90 min long, PUT
  sequentially over one keep-alive connection in batches of ``batch``;
* ``wrk --latency`` on ``GET records?timerange=...`` whose range holds exactly 50 records
  (the same range as the baseline when 10,000 records are loaded).

The JSON result goes to stdout, progress to stderr. The server is always stopped (SIGTERM to
its group, SIGKILL after a grace period). Every wait has a timeout.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import logging
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Run as ``python bench/peer_timetagger.py``, bench/ is sys.path[0]; the checkout root makes
# ``bench.wrk`` importable, the one name the orchestrator (bench/run.py) and mypy use too.
if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import wrk

log = logging.getLogger("peer_timetagger")

# The version measured in perf-baselines.md; a different one would not be comparable.
PINNED_VERSION = "26.1.3"
REQUIREMENT = f"timetagger=={PINNED_VERSION}"
DEFAULT_VENV = Path(__file__).resolve().parent / ".venv-timetagger"

API = "/timetagger/api/v2"
STATUS_PATH = "/timetagger/status"

# Record layout of the baseline's tt_bench.py: record i starts at T0 + i * STEP_S.
T0 = 1_700_000_000
STEP_S = 7200
LENGTH_S = 5400
TAGS = ("#client1", "#client2", "#meeting", "#dev", "#review", "#admin")
RANGE_RECORDS = 50
# The baseline's range (1707200000-1707559999) starts at record 1000; the records query scans
# every row with t1 below the range end, so the start position affects the cost.
RANGE_START_INDEX = 1000

PIP_TIMEOUT_S = 1200.0
START_TIMEOUT_S = 60.0
HTTP_TIMEOUT_S = 60.0
STOP_GRACE_S = 5.0
REAP_TIMEOUT_S = 10.0


class BenchError(RuntimeError):
    """The peer benchmark could not produce trustworthy figures."""


# --- venv -------------------------------------------------------------------------------


def _venv_python(path: Path) -> Path:
    return path / "bin" / "python"


def _installed_version(python: Path) -> str | None:
    probe = "import importlib.metadata as m, timetagger; print(m.version('timetagger'))"
    try:
        done = subprocess.run(
            [str(python), "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def ensure_venv(path: Path = DEFAULT_VENV) -> Path:
    """Create ``path`` as a venv with the pinned TimeTagger unless it already has it.

    Returns the venv's python. A half-finished venv (e.g. an interrupted pip run) is repaired
    by re-running pip, which is idempotent.
    """
    path = path.absolute()
    if path.resolve() in {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}:
        raise ValueError(f"refusing to install TimeTagger into the running interpreter's {path}")
    python = _venv_python(path)
    if python.exists() and _installed_version(python) == PINNED_VERSION:
        return python
    started = time.monotonic()
    if not python.exists():
        log.info("creating venv %s", path)
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=300)
    log.info("installing %s into %s", REQUIREMENT, path)
    # No extras: TimeTagger's plain requirements already include its server (uvicorn,
    # asgineer, itemdb, pyjwt, bcrypt, ...).
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", REQUIREMENT],
        check=True,
        timeout=PIP_TIMEOUT_S,
    )
    version = _installed_version(python)
    if version != PINNED_VERSION:
        raise BenchError(f"{path} has timetagger {version!r} after install, not {PINNED_VERSION}")
    log.info("venv ready in %.1f s", time.monotonic() - started)
    return python


# --- server -------------------------------------------------------------------------------


def _log_tail(path: Path, limit: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return ""


def _start_server(
    python: Path, datadir: Path, port: int, log_path: Path
) -> subprocess.Popen[bytes]:
    # Drop inherited settings (TIMETAGGER_CREDENTIALS, PYTHONPATH of the project, ...) so the
    # peer runs in its stock configuration with only what we set.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TIMETAGGER_") and k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    }
    env.update(
        TIMETAGGER_DATADIR=str(datadir),
        TIMETAGGER_BIND=f"127.0.0.1:{port}",
        TIMETAGGER_LOG_LEVEL="warning",
    )
    with log_path.open("ab") as log_file:
        return subprocess.Popen(
            [str(python), "-m", "timetagger"],
            cwd=datadir.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group, so stopping it cannot hit anything else
        )


def _wait_ready(proc: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(
                f"timetagger exited with {proc.returncode} during start-up:\n{_log_tail(log_path)}"
            )
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", STATUS_PATH)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise BenchError(
        f"timetagger not ready on port {port} after {START_TIMEOUT_S:.0f} s:\n{_log_tail(log_path)}"
    )


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    # The group id is the leader's pid (start_new_session); it stays ours while the group has
    # members, so signalling it cannot reach unrelated processes.
    pgid = proc.pid
    _signal_group(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        log.warning("timetagger ignored SIGTERM for %.0f s; sending SIGKILL", STOP_GRACE_S)
        _signal_group(pgid, signal.SIGKILL)
        proc.wait(timeout=REAP_TIMEOUT_S)
    # Children that outlived the leader would still be in its group.
    _signal_group(pgid, signal.SIGKILL)


@contextlib.contextmanager
def _server(python: Path, datadir: Path, log_path: Path) -> Iterator[tuple[int, int]]:
    """Run TimeTagger for the duration of the block; yields (pid, port)."""
    port = wrk.free_port()
    proc = _start_server(python, datadir, port, log_path)
    try:
        _wait_ready(proc, port, log_path)
        yield proc.pid, port
    finally:
        _stop_server(proc)


# --- client -------------------------------------------------------------------------------


def _call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    token: str | None = None,
) -> tuple[Any, int]:
    """One API request; returns (decoded JSON, body size) or raises on a non-200."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["authtoken"] = token
    conn.request(method, API + path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise BenchError(f"{method} {path}: HTTP {resp.status} {data[:300]!r}")
    return json.loads(data), len(data)


def _api_token(conn: http.client.HTTPConnection) -> str:
    # The web app's "localhost" login: base64 of a JSON object. TimeTagger only honours it
    # when bound to 127.0.0.1 and addressed as localhost/127.0.0.1. The webtoken it returns
    # expires in 14 days; the API token derived from it is long-lived, as in the baseline.
    boot = base64.b64encode(json.dumps({"method": "localhost"}).encode())
    web, _ = _call(conn, "POST", "/bootstrap_authentication", boot)
    api, _ = _call(conn, "GET", "/apitoken", token=web["token"])
    token: str = api["token"]
    return token


def _make_records(count: int) -> list[dict[str, Any]]:
    rnd = random.Random(42)  # same keys and descriptions on every run
    mt = int(time.time())
    records = []
    for i in range(count):
        t1 = T0 + i * STEP_S
        records.append(
            {
                "key": f"k{i:06d}{rnd.randrange(16**6):06x}",
                "mt": mt,
                "t1": t1,
                "t2": t1 + LENGTH_S,
                "ds": f"{rnd.choice(TAGS)} {rnd.choice(TAGS)} work item {i}",
            }
        )
    return records


def _bulk_load(
    conn: http.client.HTTPConnection, token: str, records: int, batch: int
) -> dict[str, Any]:
    data = _make_records(records)
    # Encoded up front so the timer covers the server's work and the transfer, not the client's
    # JSON encoding (a few ms in total).
    bodies = [json.dumps(data[i : i + batch]).encode() for i in range(0, records, batch)]
    accepted = 0
    problems: list[Any] = []
    started = time.perf_counter()
    for body in bodies:
        result, _ = _call(conn, "PUT", "/records", body, token)
        accepted += len(result["accepted"])
        problems += result.get("failed", []) + result.get("errors", [])
    seconds = time.perf_counter() - started
    if accepted != records or problems:
        raise BenchError(
            f"bulk load: {accepted} of {records} records accepted; problems: {problems[:5]!r}"
        )
    return {
        "records": records,
        "batch": batch,
        "requests": len(bodies),
        "seconds": round(seconds, 3),
        "records_per_s": round(records / seconds, 1),
    }


def _range_query(records: int) -> str:
    start = min(RANGE_START_INDEX, records - RANGE_RECORDS)
    t1 = T0 + start * STEP_S
    # Ends just before record start+50 begins; record start-1 ends (LENGTH_S < STEP_S) before t1.
    t2 = T0 + (start + RANGE_RECORDS) * STEP_S - 1
    return f"/records?timerange={t1}-{t2}"


# --- benchmark ----------------------------------------------------------------------------


def run(
    *,
    duration: float = 5.0,
    warmup: float = 1.0,
    connections: int = 64,
    threads: int = 2,
    records: int = 10_000,
    batch: int = 1000,
    workdir: Path,
    venv: Path = DEFAULT_VENV,
) -> dict[str, Any]:
    """Bulk-load ``records`` records into a fresh TimeTagger, then wrk a 50-record range read.

    Data and the server log go to a new ``timetagger-*`` directory under ``workdir``, which is
    left in place for inspection. ``duration``/``warmup`` are rounded up to whole seconds
    (wrk's resolution).
    """
    if records < RANGE_RECORDS:
        raise ValueError(f"records must be >= {RANGE_RECORDS} for the range read, got {records}")
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    wrk.wrk_binary()  # fail before the slow part if wrk is missing
    python = ensure_venv(venv)
    version = _installed_version(python)

    workdir.mkdir(parents=True, exist_ok=True)
    rundir = Path(tempfile.mkdtemp(prefix="timetagger-", dir=workdir))
    datadir = rundir / "data"
    datadir.mkdir()
    log_path = rundir / "server.log"
    log.info("timetagger %s, data in %s", version, datadir)

    with _server(python, datadir, log_path) as (pid, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
        try:
            token = _api_token(conn)
            log.info("loading %d records in batches of %d", records, batch)
            bulk = _bulk_load(conn, token, records, batch)
            query = _range_query(records)
            body, response_bytes = _call(conn, "GET", query, token=token)
        finally:
            conn.close()
        found = len(body["records"])
        if found != RANGE_RECORDS:
            raise BenchError(f"GET {query} returned {found} records, expected {RANGE_RECORDS}")

        log.info("wrk on GET %s (%g s warm-up, %g s)", query, warmup, duration)
        load = wrk.run_wrk(
            f"http://127.0.0.1:{port}{API}{query}",
            duration=duration,
            connections=connections,
            threads=threads,
            headers={"authtoken": token},
            warmup=warmup,
        )
        if load["non_2xx"] or load["socket_errors"]:
            log.warning(
                "range read had %d non-2xx responses and %d socket errors",
                load["non_2xx"],
                load["socket_errors"],
            )
        # VmHWM is a high-water mark, so reading it once at the end captures the peak.
        peaks = wrk.peak_rss_mib(wrk.process_tree(pid))

    return {
        "name": "timetagger",
        "version": version,
        "bulk_load": bulk,
        "range_read": {
            "req_s": round(load["req_s"], 1),
            "p50_ms": round(load["p50_ms"], 2),
            "p99_ms": round(load["p99_ms"], 2),
            "requests": load["requests"],
            "non_2xx": load["non_2xx"],
            "socket_errors": load["socket_errors"],
            "response_bytes": response_bytes,
            "records": found,
        },
        # Sum over the server's process tree; stock TimeTagger is a single process.
        "peak_rss_mib": round(sum(peaks.values()), 1),
        "server_processes": len(peaks),
        "wrk": {
            "threads": threads,
            "connections": connections,
            "duration_s": load["duration_s"],
            "warmup_s": math.ceil(warmup),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=5.0, help="wrk seconds (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (default 1)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--workdir", type=Path, help="keep data and log here (default: a temporary directory)"
    )
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    args = parser.parse_args(argv)
    # Turn SIGTERM (e.g. a CI timeout) into SystemExit so the finally blocks stop the server
    # and wrk instead of leaving them behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    started = time.monotonic()
    ensure_venv(args.venv)
    log.info("venv check/setup took %.1f s", time.monotonic() - started)

    def bench(workdir: Path) -> dict[str, Any]:
        return run(
            duration=args.duration,
            warmup=args.warmup,
            connections=args.connections,
            threads=args.threads,
            records=args.records,
            batch=args.batch,
            workdir=workdir,
            venv=args.venv,
        )

    if args.workdir is not None:
        result = bench(args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="peer-timetagger-") as tmp:
            result = bench(Path(tmp))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
