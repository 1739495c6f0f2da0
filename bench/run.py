"""The benchmark suite: one command, bounded in time, loopback only.

    ./scripts/bench            # sets up what it needs, then: the full run (~12 min on 2 cores)
    ./scripts/bench --quick    # 10k entries, 2 s per load, no peer, no granian (~6 min)

(``scripts/bench`` checks for wrk, installs the bench extras into .venv, then runs this module.)

Per database (SQLite, PostgreSQL) and worker count (1, 2) it starts timetrack (``timetrack
serve``) and the floor (bench/floor.py: the same requests, auth and SQL on the raw driver, no
framework) afresh for every scenario, loads each with wrk, and records req/s, p50, p99, non-2xx
responses and each worker's peak RSS. The bare ASGI app (bench/hello.py) gives the machine's
ceiling, a 10k-entry data set the scaling reference, and TimeTagger the peer (bench/
peer_timetagger.py). Every process it starts is stopped by its process group, however it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as a script, bench/ is sys.path[0]; the checkout root lets the suite's modules be imported
# by the one name the tests and uvicorn (bench.floor:app) use too, and mypy checks them under.
sys.path.insert(0, str(ROOT))

from bench import report, seed, web, wrk  # noqa: E402
from timetrack.cli_serve import APP_FACTORY  # noqa: E402

PY = sys.executable
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SCENARIOS = {
    "a": ("list a user's month (50/page)", "list_month.lua", None),
    "b": ("get one entry by id", "get_entry.lua", None),
    # (b) again, authenticated by an admin's personal API key instead of the account key: what
    # a person's key costs beyond the account key's (issue 12: within 10 % of it).
    "b-key": ("get one entry by id, with a personal API key", "get_entry.lua", None),
    "b-session": ("get one entry by id, signed in (session cookie)", "get_entry.lua", None),
    "c": ("create an entry", "create_entry.lua", None),
    "d": ("update an entry", "update_entry.lua", None),
    "e": ("work report, one user, one month", "work_report.lua", None),
    "f-first": ("first page, unfiltered list", None, "first"),
    "f-last": ("last page, unfiltered list", None, "last"),
    "g": ("timer start/stop cycle", "timer.lua", None),
    "h": ("a month of a client-name fragment's entries (50/page)", "list_client_month.lua", None),
    "r-summary": (
        "summary by project x user, the measured account's whole year",
        "report_summary.lua",
        None,
    ),
    # Measured in its own phase (web_phase), paired with (a) for the same user and month.
    "w-week": ("the week page of the web app, the busiest user, signed in", "web_week.lua", None),
}
FLOOR_SCENARIOS = ("a", "b", "c", "d", "e", "r-summary")
TIMER_THREADS = 16
REPORT_CONNECTIONS = 2


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- servers ------------------------------------------------------------------------------


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (the floor says 401 without credentials)
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None and not wrk.process_tree(process.pid):
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
            break
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # stray workers of a dead supervisor
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextlib.contextmanager
def server(
    kind: str, url: str, workers: int, workdir: Path, server_kind: str = "uvicorn"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``timetrack``, ``floor`` or ``hello`` on a free port; stop its group afterwards."""
    port = wrk.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIMETRACK_", "FLOOR_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        TIMETRACK_DATABASE_URL=url,
        FLOOR_DATABASE_URL=url,
        TIMETRACK_DATA_DIR=str(workdir / "data"),
        TIMETRACK_LOG_LEVEL="warning",
        # The limiter stays on (its cost is part of every request) but never refuses.
        TIMETRACK_RATE_LIMIT_PER_SECOND="1000000",
        TIMETRACK_RATE_LIMIT_BURST="1000000",
        TIMETRACK_HOST="127.0.0.1",
        TIMETRACK_PORT=str(port),
        TIMETRACK_WORKERS=str(workers),
    )
    uvicorn = [
        PY,
        "-m",
        "uvicorn",
        *f"--host 127.0.0.1 --port {port} --workers {workers} "
        "--loop uvloop --http httptools --no-access-log --log-level warning".split(),
    ]
    if kind == "timetrack" and server_kind == "granian":
        cmd = [
            PY,
            "-m",
            "granian",
            *f"--interface asgi --factory --host 127.0.0.1 --port {port} "
            f"--workers {workers} --loop uvloop --log-level warning --no-ws".split(),
            APP_FACTORY,
        ]
        health = "/healthz"
    elif kind == "timetrack":
        cmd, health = [PY, "-m", "timetrack", "serve"], "/healthz"
    elif kind == "floor":
        cmd, health = [*uvicorn, "bench.floor:app"], "/"
    elif kind == "export-floor":
        cmd, health = [*uvicorn, "bench.exports:floor_app"], "/"
    else:
        cmd, health = [*uvicorn, "bench.hello:app"], "/"
    logfile = (workdir / f"{kind}.log").open("ab")
    process = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=logfile, stderr=logfile, start_new_session=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + health, process)
        if workers > 1:
            time.sleep(1.0)  # let every worker finish its start-up
        yield base, process
    finally:
        _stop(process)
        logfile.close()


def worker_peaks(process: subprocess.Popen[bytes]) -> list[float]:
    """Peak RSS (MiB) of each process that serves requests: the workers of a supervisor, or
    the single process when it serves itself."""
    tree = wrk.process_tree(process.pid)
    peaks = wrk.peak_rss_mib(tree)
    children = [pid for pid in tree[1:] if peaks.get(pid, 0) > 20]  # not resource trackers
    serving = children or tree[:1]
    return [round(peaks[pid], 1) for pid in serving if pid in peaks]


# --- one load ------------------------------------------------------------------------------


def load(
    base: str, scenario: str, target: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    _title, script, page = SCENARIOS[scenario]
    env = {
        "BENCH_LUA_DIR": str(BENCH / "lua"),
        "BENCH_EPOCH": str(int(time.time())),
        **target["env"],
        **target.get("people_env", {}).get(scenario, {}),
    }
    threads, connections = args.threads, args.connections
    url = base
    if page is not None:
        number = 0 if page == "first" else target["last_page"]
        url = f"{base}/api/v2/ext/project_time_entries?limit=50&page_number={number}"
    if scenario == "g":
        threads = connections = TIMER_THREADS
    if scenario == "r-summary":
        # A year's summary reads ~100,000 entries (hundreds of ms): with 16 requests at once
        # in one process every one of them would finish only after the measurement ends.
        threads = connections = REPORT_CONNECTIONS
    result = wrk.run_wrk(
        url,
        duration=args.duration,
        connections=connections,
        threads=threads,
        headers=None if script else target["headers"],
        script=BENCH / "lua" / script if script else None,
        warmup=args.warmup,
        env=env,
    )
    result.pop("raw", None)
    return result


# --- data -------------------------------------------------------------------------------------


def months_of(first_local: str, last_local: str) -> list[str]:
    """Every whole month between two entry starts, as ``from:to`` dates."""
    first = date.fromisoformat(first_local[:10]).replace(day=1)
    last = date.fromisoformat(last_local[:10]).replace(day=1)
    out, month = [], first
    while month < last:
        after = (month + timedelta(days=32)).replace(day=1)
        out.append(f"{month}:{after - timedelta(days=1)}")
        month = after
    return out


async def _targets(url: str, manifest: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """What the scripts need: account 1's credentials, users, months, id range, last page; and
    fresh timer users (a new user has no timer, so every run's cycles start from stopped)."""
    from timetrack.db import create_database

    account = manifest["accounts"][0]
    db = create_database(url)
    await db.open()
    try:
        async with db.transaction(write=False) as tx:
            span = await tx.fetchrow(
                "SELECT min(start_local) AS first, max(start_local) AS last, min(id) AS low, "
                "max(id) AS high, count(*) AS live FROM time_entries WHERE account_id = $1 "
                "AND deleted_at IS NULL",
                account["id"],
            )
            # Reads and updates go to live entries only (a deleted one answers 404).
            ids = [
                row["id"]
                for row in await tx.fetch(
                    "SELECT id FROM time_entries WHERE account_id = $1 AND deleted_at IS NULL "
                    "ORDER BY id",
                    account["id"],
                )
            ]
    finally:
        await db.close()
    assert span is not None
    sample = random.Random(1).sample(ids, min(len(ids), 2000))
    headers = {
        "X-TimeTrack-Api-Key": account["apiKey"],
        "X-TimeTrack-Api-Secret": account["apiSecret"],
    }
    usernames = [u if isinstance(u, str) else u["username"] for u in account["usernames"]]
    env = {
        "BENCH_API_KEY": account["apiKey"],
        "BENCH_API_SECRET": account["apiSecret"],
        "BENCH_USERS": ",".join(usernames),
        "BENCH_MONTHS": ",".join(months_of(span["first"], span["last"])),
        "BENCH_IDS": ",".join(map(str, sample)),
        "BENCH_CLIENT": account["clientName"],
        "BENCH_PROJECT": account["projectName"],
        "BENCH_YEAR": str(whole_year(span["first"], span["last"])),
    }
    return {
        "last_page": last_full_page(span["live"]),
        "headers": headers,
        "env": env,
        "live": span["live"],
        "account": account,
    }


def whole_year(first_local: str, last_local: str) -> int:
    """The latest calendar year the data covers whole (r-summary's period); the year of the
    last entry when none is whole."""
    first, last = date.fromisoformat(first_local[:10]), date.fromisoformat(last_local[:10])
    year = last.year if last >= date(last.year, 12, 31) else last.year - 1
    return year if date(year, 1, 1) >= first else last.year


def last_full_page(live: int) -> int:
    """The last page that holds a full 50 entries: the deepest page with the same work as the
    first (the very last page may hold a single entry, which would flatter it)."""
    return max(live // 50 - 1, 0)


async def _live_entries(url: str, account_id: int) -> int:
    from timetrack.db import create_database

    db = create_database(url)
    await db.open()
    try:
        async with db.transaction(write=False) as tx:
            live: int = await tx.fetchval(
                "SELECT count(*) FROM time_entries WHERE account_id = $1 AND deleted_at IS NULL",
                account_id,
            )
            return live
    finally:
        await db.close()


def timer_users(base: str, target: dict[str, Any]) -> None:
    """Create this run's timer users through the API (one per wrk thread)."""
    import httpx

    stamp = f"{time.time_ns():x}"
    names = [f"timer-{stamp}-{i}" for i in range(TIMER_THREADS)]
    with httpx.Client(
        base_url=base + "/api/v2/ext", headers=target["headers"], trust_env=False
    ) as c:
        for name in names:
            r = c.post(
                "/users",
                json={
                    "username": name,
                    "email": f"{name}@bench.test",
                    "password": "bench-password-1",
                    "firstName": "T",
                    "lastName": "B",
                },
            )
            r.raise_for_status()
    target["env"]["BENCH_TIMER_USERS"] = ",".join(names)


def people(base: str, target: dict[str, Any]) -> None:
    """An admin user of this run (the same reach as the account key), with a personal key
    (scope admin; b-key sends it) and a session (b-session sends its cookie), each instead of
    the account key's credentials."""
    import httpx

    name = f"key-{time.time_ns():x}"
    password = "bench-password-1"
    with httpx.Client(
        base_url=base + "/api/v2/ext", headers=target["headers"], trust_env=False
    ) as c:
        user = {
            "username": name,
            "email": f"{name}@bench.test",
            "password": password,
            "firstName": "K",
            "lastName": "B",
            "admin": True,
        }
        c.post("/users", json=user).raise_for_status()
        made = c.post("/api_keys", json={"name": "bench", "scopes": ["admin"], "username": name})
        made.raise_for_status()
    with httpx.Client(base_url=base + "/api/v2/ext", trust_env=False) as c:
        login = {"account": target["account"]["slug"], "username": name, "password": password}
        signed_in = c.post("/auth/login", json=login)
        signed_in.raise_for_status()
    key = made.json()
    target["people_env"] = {
        "b-key": {"BENCH_API_KEY": key["key"], "BENCH_API_SECRET": key["secret"]},
        "b-session": {
            "BENCH_COOKIE": f"timetrack_session={signed_in.cookies['timetrack_session']}"
        },
    }


def prepare(
    dialect: str, entries: int, small: bool, args: argparse.Namespace
) -> tuple[str, dict[str, Any]]:
    """Seed (or reuse) the data set of one database and size; return its URL and manifest."""
    name = f"{entries // 1000}k"
    data = args.data_dir
    data.mkdir(parents=True, exist_ok=True)
    if dialect == "sqlite":
        url = f"sqlite:///{data / f'bench-{name}.db'}"
    else:
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/timetrack_bench_{name}"
    shape = (
        # ~10 entries a working day per user, as the full set has (10k: 2 users, 100k: 20).
        {"accounts": 1, "users": max(2, entries // 5000), "projects": 20}
        if small
        else {"accounts": args.accounts, "users": args.users, "projects": args.projects}
    )
    started = time.monotonic()
    manifest = seed.seed(
        url, data / f"bench-{name}-{dialect}.json", entries=entries, reuse=not args.reseed, **shape
    )
    log(f"{dialect} {name}: data ready in {time.monotonic() - started:.1f} s")
    return url, manifest


# --- the run ------------------------------------------------------------------------------


def run_matrix(args: argparse.Namespace, results: dict[str, Any]) -> None:
    work = args.data_dir
    for workers in args.workers:
        with server("hello", "", workers, work) as (base, process):
            figures = wrk.run_wrk(
                base + "/",
                duration=args.duration,
                connections=args.connections,
                threads=args.threads,
                warmup=args.warmup,
            )
            figures.pop("raw", None)
            figures["rss_mib"] = worker_peaks(process)
            results["hello"][str(workers)] = figures
            log(f"hello, {workers} worker(s): {figures['req_s']:.0f} req/s")
    for dialect in args.databases:
        url, manifest = prepare(dialect, args.entries, False, args)
        target = asyncio.run(_targets(url, manifest, work))
        results["data"][dialect] = {
            "entries": manifest.get("counts", {}),
            "seconds": manifest.get("seconds"),
            "account_live_entries": target["live"],
        }
        for workers in args.workers:
            for scenario in args.scenarios:
                if scenario == "w-week":
                    continue
                kinds = ["timetrack"] + (["floor"] if scenario in FLOOR_SCENARIOS else [])
                for kind in kinds:
                    key = f"{dialect}/{workers}/{scenario}/{kind}"
                    results["runs"][key] = measure(kind, url, workers, scenario, target, args)
            if args.granian:
                for scenario in ("a", "b"):
                    key = f"{dialect}/{workers}/{scenario}/timetrack-granian"
                    results["runs"][key] = measure(
                        "timetrack", url, workers, scenario, target, args, "granian"
                    )
        if "w-week" in args.scenarios:
            results["web"][dialect] = web_phase(url, manifest, target, args)
        if dialect == "postgresql" and args.scale_out:
            for scenario in ("a", "c"):
                key = f"postgresql/2x1/{scenario}/timetrack-2-servers"
                results["runs"][key] = two_servers(url, scenario, target, args)
        if args.small:
            small_url, small_manifest = prepare(dialect, 10_000, True, args)
            small_target = asyncio.run(_targets(small_url, small_manifest, work))
            workers = max(args.workers)
            for scenario in ("a", "b", "f-last"):
                key = f"{dialect}/{workers}/{scenario}/timetrack-10k"
                results["runs"][key] = measure(
                    "timetrack", small_url, workers, scenario, small_target, args
                )


def _report(label: str, figures: dict[str, Any]) -> None:
    log(
        f"{label}: {figures['req_s']:.0f} req/s, p50 {figures['p50_ms']:.2f} ms, "
        f"p99 {figures['p99_ms']:.2f} ms, non-2xx {figures['non_2xx']}, "
        f"RSS {figures['rss_mib']}"
    )


def measure(
    kind: str,
    url: str,
    workers: int,
    scenario: str,
    target: dict[str, Any],
    args: argparse.Namespace,
    server_kind: str = "uvicorn",
) -> dict[str, Any]:
    """One scenario against a freshly started server."""
    if scenario == "f-last":  # the write scenarios before it added entries
        target["last_page"] = last_full_page(
            asyncio.run(_live_entries(url, target["account"]["id"]))
        )
    if scenario == "g":
        # Set up through a server of its own: hashing the users' passwords (Argon2id, 64 MiB)
        # would otherwise count in the measured workers' peak memory.
        with server("timetrack", url, 1, args.data_dir) as (base, _process):
            timer_users(base, target)
    if scenario in ("b-key", "b-session"):
        return paired_with_account_key(url, workers, scenario, target, args)
    with server(kind, url, workers, args.data_dir, server_kind) as (base, process):
        figures = load(base, scenario, target, args)
        figures["rss_mib"] = worker_peaks(process)
    _report(f"{url.rsplit('/', 1)[-1]} {kind}/{server_kind} x{workers} ({scenario})", figures)
    return figures


# Rounds of (b, b-key) on one server: a key's cost is a few percent of a request, less than
# what separately started servers differ by on a shared machine, so the two credentials are
# compared alternately on the same warm server and the median round's ratio is reported.
PAIR_ROUNDS = 5


def paired_with_account_key(
    url: str, workers: int, scenario: str, target: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    """b-key or b-session: (b) with a person's credentials, alternating with (b) with the
    account key."""
    if "people_env" not in target:
        with server("timetrack", url, 1, args.data_dir) as (base, _process):
            people(base, target)
    pairs = []
    with server("timetrack", url, workers, args.data_dir) as (base, process):
        for _ in range(PAIR_ROUNDS):
            account = load(base, "b", target, args)
            person = load(base, scenario, target, args)
            ratio = person["req_s"] / account["req_s"] if account["req_s"] else 0.0
            pairs.append((ratio, person))
        rss = worker_peaks(process)
    pairs.sort(key=lambda pair: pair[0])
    ratio, figures = pairs[len(pairs) // 2]
    figures = {**figures, "rss_mib": rss, "paired_ratio": ratio}
    figures["paired_ratios"] = [round(r, 3) for r, _ in pairs]
    _report(f"{url.rsplit('/', 1)[-1]} timetrack x{workers} ({scenario}, paired)", figures)
    return figures


WEB_ROUNDS = 3


def web_phase(
    url: str, manifest: dict[str, Any], target: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    """The web app (bench/web.py): every page's first-load weight, seen by the busiest user and
    by an admin; and the busiest user's week page against the API's read of their month, in
    alternating rounds on one server per worker count."""
    account = target["account"]
    busy = account["busyUser"]
    with server("timetrack", url, 1, args.data_dir) as (base, _process):
        # Signing in hashes a password (Argon2id, 64 MiB): not in the measured server.
        if "people_env" not in target:
            people(base, target)
        cookie = web.sign_in(base, account["slug"], busy["username"], manifest["userPassword"])
    first = date.fromisoformat(f"{busy['month']}-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    month = {**target, "env": {**target["env"], "BENCH_USERS": busy["username"],
                               "BENCH_MONTHS": f"{first}:{last}"}}  # fmt: skip
    week = {
        **target,
        "env": {**target["env"], "BENCH_WEEKS": ",".join(web.week_starts(busy["month"]))},
        "people_env": {"w-week": {"BENCH_COOKIE": cookie}},
    }
    admin = target["people_env"]["b-session"]["BENCH_COOKIE"]
    measured: dict[str, Any] = {"weights": {}, "week": {}}
    for workers in args.workers:
        with server("timetrack", url, workers, args.data_dir) as (base, process):
            if not measured["weights"]:
                measured["weights"] = web.page_weights(base, [cookie, admin])
            rounds = []
            for _ in range(WEB_ROUNDS):
                api = load(base, "a", month, args)
                page = load(base, "w-week", week, args)
                rounds.append((page["p50_ms"] / api["p50_ms"], page, api))
            rss = worker_peaks(process)
        rounds.sort(key=lambda r: r[0])
        ratio, page, api = rounds[len(rounds) // 2]
        figures = {**page, "rss_mib": rss, "ratio": ratio, "month_p50_ms": api["p50_ms"]}
        figures["ratios"] = [round(r, 3) for r, _, _ in rounds]
        figures["month_non_2xx"] = api["non_2xx"]
        _report(f"{url.rsplit('/', 1)[-1]} timetrack x{workers} (w-week, paired)", figures)
        measured["week"][str(workers)] = figures
    return measured


def two_servers(
    url: str, scenario: str, target: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    """The scale-out path on one machine: two separate servers (one worker each, as on two
    hosts) on one PostgreSQL database, each loaded by its own wrk with half the connections."""
    half = argparse.Namespace(**{**vars(args), "threads": 1, "connections": args.connections // 2})
    work = args.data_dir
    with (
        server("timetrack", url, 1, work) as (first, p1),
        server("timetrack", url, 1, work) as (second, p2),
        ThreadPoolExecutor(2) as pool,
    ):
        runs = [f.result() for f in [pool.submit(load, b, scenario, target, half)
                                     for b in (first, second)]]  # fmt: skip
        rss = worker_peaks(p1) + worker_peaks(p2)
    figures = {
        "req_s": sum(r["req_s"] for r in runs),
        "p50_ms": max(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "rss_mib": rss,
    }
    _report(f"two servers on postgresql ({scenario})", figures)
    return figures


def run_exports(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """The export scenario (bench/exports.py) on its own data set: one account's entries."""
    from bench import exports

    for dialect in args.databases:
        url, manifest = prepare(dialect, args.export_entries, True, args)
        results["exports"][dialect] = exports.run(url, manifest, args)


def run_peer(args: argparse.Namespace, results: dict[str, Any]) -> None:
    from bench import peer_timetagger

    log("TimeTagger: venv, bulk load, range read")
    results["peer"] = peer_timetagger.run(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        threads=args.threads,
        workdir=args.data_dir / "peer",
    )
    results["ours_bulk"] = bulk_load(args)


def bulk_load(args: argparse.Namespace) -> dict[str, Any]:
    """Our side of the peer's bulk load: 10,000 entries through the bulk endpoint in batches of
    1000, into a fresh SQLite database, over HTTP from one client as the peer's was."""
    import httpx

    work = args.data_dir / "bulk"
    if work.exists():
        import shutil

        shutil.rmtree(work)
    work.mkdir(parents=True)
    url = f"sqlite:///{work / 'bulk.db'}"
    manifest = seed.seed(url, work / "bulk.json", entries=0, accounts=1, users=2, projects=20)
    account = manifest["accounts"][0]
    user = account["usernames"][0]
    user = user if isinstance(user, str) else user["username"]
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    bodies = []
    for i in range(10_000):
        begin = start + timedelta(hours=2 * i)
        bodies.append(
            {
                "user": user,
                "clientName": account["clientName"],
                "projectName": account["projectName"],
                "from": begin.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "to": (begin + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "details": f"bulk item {i}",
            }
        )
    headers = {
        "X-TimeTrack-Api-Key": account["apiKey"],
        "X-TimeTrack-Api-Secret": account["apiSecret"],
    }
    with (
        server("timetrack", url, 1, work) as (base, _process),
        httpx.Client(
            base_url=base + "/api/v2/ext", headers=headers, trust_env=False, timeout=60
        ) as c,
    ):
        began = time.perf_counter()
        created = 0
        for i in range(0, len(bodies), 1000):
            r = c.post("/project_time_entries/bulk", json=bodies[i : i + 1000])
            r.raise_for_status()
            created += len(r.json())
        seconds = time.perf_counter() - began
    return {
        "records": created,
        "batch": 1000,
        "seconds": round(seconds, 2),
        "records_per_s": round(created / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10k entries, 2 s loads, no peer")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=5)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-peer", dest="peer", action="store_false")
    parser.add_argument("--no-small", dest="small", action="store_false")
    parser.add_argument("--no-granian", dest="granian", action="store_false")
    parser.add_argument("--no-scale-out", dest="scale_out", action="store_false")
    parser.add_argument("--no-exports", dest="exports", action="store_false")
    parser.add_argument(
        "--export-entries", type=int, default=100_000, help="entries of the export scenario"
    )
    parser.add_argument(
        "--export-rounds", type=int, default=3, help="CSV downloads of each side, alternated"
    )
    parser.add_argument(
        "--only-exports", action="store_true", help="the export scenario alone (no load matrix)"
    )
    parser.add_argument("--reseed", action="store_true", help="regenerate the data sets")
    parser.add_argument("--data-dir", type=Path, default=BENCH / ".data")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.entries, args.duration, args.peer, args.granian = 10_000, 2, False, False
        args.export_entries = 10_000
        args.accounts, args.users, args.projects = 1, 2, 20
        args.output = args.data_dir / "RESULTS-quick.md"
    args.databases = args.databases.split(",")
    args.workers = [int(w) for w in args.workers.split(",")]
    args.scenarios = args.scenarios.split(",")
    wrk.wrk_binary()
    # SIGTERM (or a closed terminal) unwinds like Ctrl-C, so every server started gets stopped.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: sys.exit(128 + number))
    args.data_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpu": report.cpu_model(),
        },
        "settings": {
            "entries": args.entries,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
        },
        "hello": {},
        "data": {},
        "runs": {},
        "exports": {},
        "web": {},
    }
    began = time.monotonic()
    try:
        if not args.only_exports:
            run_matrix(args, results)
        if args.exports:
            run_exports(args, results)
        if args.peer and not args.only_exports:
            run_peer(args, results)
    finally:
        results["seconds"] = round(time.monotonic() - began)
        args.data_dir.mkdir(parents=True, exist_ok=True)
        (args.data_dir / "results.json").write_text(json.dumps(results, indent=2))
    args.output.write_text(report.render(results))
    log(f"done in {results['seconds']} s: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
