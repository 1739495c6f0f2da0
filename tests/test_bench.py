"""The benchmark's own parts: the seeded data is what the API serves, and the floor answers
exactly what timetrack answers (an efficiency ratio against a floor that did less, or answered
differently, would mean nothing)."""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import scratch_postgres

from bench import exports, floor, report, seed, web
from timetrack.app import create_app
from timetrack.config import Settings

API = "/api/v2/ext"


@pytest.fixture(params=["sqlite", "postgresql"])
async def seeded(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """A small benchmark data set (one account, two users, the full per-user density)."""
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'bench.db'}"
        else:
            url = await stack.enter_async_context(scratch_postgres("timetrack_bench"))
        # seed() runs its own event loop (asyncio.run) for PostgreSQL: give it a thread.
        manifest = await asyncio.to_thread(
            seed.seed,
            url,
            tmp_path / "manifest.json",
            entries=3000,
            accounts=1,
            users=2,
            projects=20,
        )
        yield url, manifest


def _requests(manifest: dict[str, Any]) -> list[str]:
    account = manifest["accounts"][0]
    busy = account["busyUser"]
    year, month = map(int, busy["month"].split("-"))
    last = calendar.monthrange(year, month)[1]
    span = f"from={busy['month']}-01&to={busy['month']}-{last:02d}"
    middle = (account["minEntryId"] + account["maxEntryId"]) // 2
    return [
        f"/project_time_entries?username={busy['username']}&{span}&limit=50",
        f"/project_time_entries?username={busy['username']}&{span}&limit=50&page_number=2",
        f"/project_time_entries/{middle}",
        f"/project_time_entries/{account['minEntryId']}",
        f"/work_reports?username={busy['username']}&{span}",
        f"/reports/summary?from={year}-01-01&to={year}-12-31&groupBy=project&subGroupBy=user",
    ]


async def test_floor_answers_like_timetrack(
    seeded: tuple[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, manifest = seeded
    account = manifest["accounts"][0]
    headers = {
        "X-TimeTrack-Api-Key": account["apiKey"],
        "X-TimeTrack-Api-Secret": account["apiSecret"],
    }
    assert account["busyUser"]["entries"] >= 50  # the list really is a page of 50
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    store = floor.Store(url)
    monkeypatch.setattr(floor, "store", store)
    await store.open()
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t" + API, headers=headers
            ) as ours,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=floor.app),
                base_url="http://t" + API,
                headers=headers,
            ) as bare,
        ):
            for path in _requests(manifest):
                mine, theirs = await ours.get(path), await bare.get(path)
                assert mine.status_code == theirs.status_code == 200, (path, mine.text)
                assert mine.content == theirs.content, path
                if "limit=50" in path:
                    assert mine.headers["X-Total-Count"] == theirs.headers["X-Total-Count"]
    finally:
        await store.close()


async def test_the_export_floor_writes_timetracks_csv_byte_for_byte(
    seeded: tuple[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export scenario's floor (bench/exports.py) writes what timetrack's CSV export of the
    account's entries answers, so its rows/s are a floor for the same work."""
    url, manifest = seeded
    account = manifest["accounts"][0]
    headers = {
        "X-TimeTrack-Api-Key": account["apiKey"],
        "X-TimeTrack-Api-Secret": account["apiSecret"],
    }
    monkeypatch.setattr(exports, "URL", url)
    app = create_app(Settings(data_dir=tmp_path, database_url=url))
    path = exports.EXPORT + "?lang=en"
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
        ) as ours,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=exports.floor_app),
            base_url="http://t",
            headers=headers,
        ) as bare,
    ):
        mine, theirs = await ours.get(path), await bare.get(path)
    assert mine.status_code == theirs.status_code == 200, mine.text
    assert mine.content.count(b"\r\n") == account["liveEntries"] + 1
    assert mine.content == theirs.content


def test_report_renders_the_targets() -> None:
    run = {"req_s": 100.0, "p50_ms": 1.0, "p99_ms": 2.0, "non_2xx": 0, "socket_errors": 0}
    results = {
        "started": "2026-01-01T00:00:00+00:00",
        "command": "bench/run.py",
        "seconds": 60,
        "machine": {"cpus": 2, "cpu": "x", "python": "3.11", "platform": "linux"},
        "settings": {
            "entries": 10,
            "duration_s": 5,
            "warmup_s": 1,
            "connections": 16,
            "threads": 2,
        },
        "hello": {"1": run},
        "data": {},
        "runs": {
            "sqlite/2/b/timetrack": {**run, "rss_mib": [90.0, 91.0]},
            "sqlite/2/b/floor": {**run, "req_s": 200.0, "rss_mib": [50.0]},
            "sqlite/2/c/timetrack": {**run, "rss_mib": [160.0]},
            "sqlite/2/c/floor": {**run, "rss_mib": [50.0]},
        },
    }
    text = report.render(results)
    assert "| sqlite | 2 | (b) one entry by id | 100 | 200 | 0.50 | ≥ 0.7: **missed** |" in text
    assert "| sqlite | 2 | (c) create an entry | 100 | 100 | 1.00 | ≥ 0.6: met |" in text
    assert "Peak RSS ≤ 150 MiB per worker: **missed**" in text
    assert "`./scripts/bench`" in text
    csv_run = {"seconds": 2.0, "peak_growth_mib": 12.5, "bytes": 1, "sha256": "a"}
    results["exports"] = {
        "sqlite": {
            "rows": 1000,
            "csv": csv_run,
            "floor": {**csv_run, "seconds": 1.0},
            "xlsx": {**csv_run, "seconds": 5.0},
            "pdf": {**csv_run, "seconds": 0.5},
            "same_bytes": True,
            "summary": {
                "json": {**csv_run, "seconds": 0.2},
                "csv": {**csv_run, "seconds": 0.25},
                "xlsx": {**csv_run, "seconds": 0.4},
                "pdf": {**csv_run, "seconds": 0.8},
            },
        }
    }
    text = report.render(results)
    assert (
        "| sqlite | 1,000 | 500 | 1,000 | 0.50 (≥ 0.6: **missed**) | - | 12.5 MiB (≤ 30: met) |"
        in text
    )
    assert (
        "| sqlite | 0.200 s | 0.250 s (ratio 0.80) | 0.400 s (ratio 0.50) "
        "| 0.800 s (ratio 0.25) |" in text
    )
    week = {**run, "p50_ms": 30.0, "month_p50_ms": 10.0, "ratio": 3.0, "ratios": [2.5, 3.0]}
    results["web"] = {
        "sqlite": {
            "weights": {
                "/app/week": {"bytes": 40_000, "files": 3, "foreign": []},
                "/app/reports": {"bytes": 90_000, "files": 3, "foreign": ["https://cdn.x/a.js"]},
            },
            "week": {"2": week},
        }
    }
    text = report.render(results)
    assert "| sqlite | `/app/week` | 40.0 | 3 | 0 | ≤ 150 KB, none: met |" in text
    assert "| sqlite | `/app/reports` | 90.0 | 3 | 1 | ≤ 150 KB, none: **missed** |" in text
    assert "| sqlite | 2 | 30.00 | 10.00 | 3.00 | 2.50, 3.00 | ≤ 2x: **missed** |" in text
    assert "no other origin; week page p50 ≤ 2x the API's month read): 1 of 3 met" in text


def test_the_web_bench_weighs_each_page_with_every_file_it_loads() -> None:
    files = web._Files()
    files.feed(
        '<link rel="stylesheet" href="/app/static/1/app.css"><script type="module" '
        'src="/app/static/2/week.js"></script><nav><a href="/app/week">W</a></nav>'
        '<a href="/app/elsewhere">not in the navigation</a><img src="https://cdn.example/x.png">'
    )
    assert files.files == [
        "/app/static/1/app.css",
        "/app/static/2/week.js",
        "https://cdn.example/x.png",
    ]
    assert files.links == ["/app/week"]
    assert web.week_starts("2026-03") == [
        "2026-02-23",
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
    ]


def test_bench_script_never_installs_system_packages(tmp_path: Path) -> None:
    """Even as root with apt-get at hand, a missing wrk stops the run with the command to
    install it; the package manager is never called."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "bench"
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "dirname", "cksum", "cut", "python3"):
        found = shutil.which(tool)
        assert found, tool
        (tools / tool).symlink_to(found)
    called = tmp_path / "called"
    for name, text in (
        ("id", "echo 0"),  # root
        ("apt-get", f'echo "$0 $*" >> {called}'),
        ("sudo", f'echo "$0 $*" >> {called}'),
    ):
        (tools / name).write_text(f"#!{shutil.which('bash')}\n{text}\n")
        (tools / name).chmod(0o755)
    env = {"PATH": str(tools), "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(tools / "bash"), str(script), "--quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, done
    assert "sudo apt-get install wrk" in done.stderr, done.stderr
    assert not called.exists(), called.read_text()
