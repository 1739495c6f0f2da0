"""bench/RESULTS.md from one run's figures (bench/.data/results.json): ratios first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import exports, web

READS, WRITES = ("a", "b", "e", "r-summary"), ("c", "d")
TITLES = {
    "a": "(a) a user's month, 50/page",
    "b": "(b) one entry by id",
    "b-key": "(b) one entry by id, personal API key",
    "b-session": "(b) one entry by id, signed in",
    "c": "(c) create an entry",
    "d": "(d) update an entry",
    "e": "(e) work report, user-month",
    "f-first": "(f) first page, unfiltered",
    "f-last": "(f) last full page, unfiltered",
    "g": "(g) timer start/stop",
    "h": "(h) client-name fragment's month, 50/page",
    "r-summary": "(r) summary, project x user, a whole year",
    "w-week": "(w) the web app's week page, signed in",
}
RSS_LIMIT_MIB = 150


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _efficiency(results: dict[str, Any]) -> tuple[list[str], list[bool]]:
    runs = results["runs"]
    lines = [
        "| database | workers | scenario | timetrack req/s | floor req/s | efficiency | target |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    verdicts = []
    for key in sorted(k for k in runs if k.endswith("/timetrack")):
        dialect, workers, scenario, _ = key.split("/")
        floor = runs.get(f"{dialect}/{workers}/{scenario}/floor")
        if floor is None:
            continue
        ratio = runs[key]["req_s"] / floor["req_s"] if floor["req_s"] else 0.0
        goal = 0.7 if scenario in READS else 0.6
        target = "-"
        if workers == "2":
            verdicts.append(ratio >= goal)
            target = f"≥ {goal}: {_mark(ratio >= goal)}"
        lines.append(
            f"| {dialect} | {workers} | {TITLES[scenario]} | {runs[key]['req_s']:,.0f} | "
            f"{floor['req_s']:,.0f} | {ratio:.2f} | {target} |"
        )
    return lines, verdicts


def _scaling(results: dict[str, Any]) -> tuple[list[str], list[bool]]:
    runs = results["runs"]
    lines = [
        "| database | workers | scenario | p50 at 1M (ms) | p50 at 10k (ms) | ratio "
        "| target ≤ 1.5 |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    verdicts = []
    for key in sorted(k for k in runs if k.endswith("/timetrack-10k")):
        dialect, workers, scenario, _ = key.split("/")
        big = runs.get(f"{dialect}/{workers}/{scenario}/timetrack")
        if big is None:
            continue
        ratio = big["p50_ms"] / runs[key]["p50_ms"] if runs[key]["p50_ms"] else 0.0
        verdicts.append(ratio <= 1.5)
        lines.append(
            f"| {dialect} | {workers} | {TITLES[scenario]} | {big['p50_ms']:.2f} | "
            f"{runs[key]['p50_ms']:.2f} | {ratio:.2f} | {_mark(ratio <= 1.5)} |"
        )
    return lines, verdicts


def _peer(results: dict[str, Any]) -> tuple[list[str], list[bool]]:
    peer, ours_bulk = results.get("peer"), results.get("ours_bulk")
    runs = results["runs"]
    ours = runs.get("sqlite/1/a/timetrack")
    if not peer or not ours:
        return ["(not measured in this run)"], []
    read_ratio = ours["req_s"] / peer["range_read"]["req_s"]
    lines = [
        "| measurement | timetrack | TimeTagger "
        + str(peer.get("version", ""))
        + " | ratio | target |",
        "|---|---:|---:|---:|---|",
        f"| 50-record range read, 1 process, SQLite (req/s) | {ours['req_s']:,.0f} | "
        f"{peer['range_read']['req_s']:,.0f} | {read_ratio:.1f} times | "
        f"≥ 10 times: {_mark(read_ratio >= 10)} |",
    ]
    verdicts = [read_ratio >= 10]
    if ours_bulk:
        faster = ours_bulk["seconds"] < peer["bulk_load"]["seconds"]
        verdicts.append(faster)
        lines.append(
            f"| bulk load of 10,000 entries, batches of 1000 (s) | {ours_bulk['seconds']:.2f} | "
            f"{peer['bulk_load']['seconds']:.2f} | "
            f"{peer['bulk_load']['seconds'] / ours_bulk['seconds']:.1f} times faster | "
            f"faster: {_mark(faster)} |"
        )
    return lines, verdicts


def _all_runs(results: dict[str, Any]) -> tuple[list[str], list[bool], list[bool]]:
    lines = [
        "| database | workers | scenario | server | req/s | p50 ms | p99 ms | non-2xx "
        "| socket errors | peak RSS/worker MiB |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    clean, lean = [], []
    for key, run in results["runs"].items():
        dialect, workers, scenario, kind = key.split("/")
        rss = run.get("rss_mib", [])
        clean.append(run["non_2xx"] == 0 and run["socket_errors"] == 0)
        if kind.startswith("timetrack"):
            lean.append(all(r <= RSS_LIMIT_MIB for r in rss))
        lines.append(
            f"| {dialect} | {workers} | {TITLES[scenario]} | {kind} | {run['req_s']:,.0f} | "
            f"{run['p50_ms']:.2f} | {run['p99_ms']:.2f} | {run['non_2xx']} | "
            f"{run['socket_errors']} | {', '.join(f'{r:.0f}' for r in rss)} |"
        )
    return lines, clean, lean


def _data_line(dialect: str, data: dict[str, Any]) -> str:
    counts = data.get("entries", {})
    return (
        f"{dialect}: {counts.get('time_entries', 0):,} time entries, "
        f"{counts.get('attendances', 0):,} attendances, {counts.get('absences', 0):,} absences, "
        f"{counts.get('users', 0):,} users, {counts.get('projects', 0):,} projects, "
        f"{counts.get('accounts', 0)} accounts (loaded in {data.get('seconds')} s; the measured "
        f"account holds {data.get('account_live_entries', 0):,} live entries)"
    )


PEOPLE_CREDENTIALS = {"b-key": "personal key", "b-session": "session"}


def _people(results: dict[str, Any]) -> tuple[list[str], list[bool]]:
    """(b) with a person's credentials against (b) with the account key, in alternating rounds
    on one server (run.paired_with_account_key): the median round's ratio."""
    runs = results["runs"]
    lines = [
        "| database | workers | credentials | account key req/s (b, alone) "
        "| req/s (median round) | ratio, alternating rounds | target |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    verdicts = []
    for key in sorted(k for k in runs if k.split("/")[2] in PEOPLE_CREDENTIALS):
        dialect, workers, scenario, _ = key.split("/")
        account = runs.get(f"{dialect}/{workers}/b/timetrack")
        if account is None or not account["req_s"]:
            continue
        ratio = runs[key].get("paired_ratio") or runs[key]["req_s"] / account["req_s"]
        verdicts.append(ratio >= 0.9)
        lines.append(
            f"| {dialect} | {workers} | {PEOPLE_CREDENTIALS[scenario]} | "
            f"{account['req_s']:,.0f} | {runs[key]['req_s']:,.0f} | "
            f"{ratio:.2f} | ≥ 0.9: {_mark(ratio >= 0.9)} |"
        )
    return lines, verdicts


def render(results: dict[str, Any]) -> str:
    efficiency, eff_ok = _efficiency(results)
    personal, personal_ok = _people(results)
    scaling, scale_ok = _scaling(results)
    peer, peer_ok = _peer(results)
    runs, clean, lean = _all_runs(results)
    machine, settings = results["machine"], results["settings"]
    hello = results.get("hello", {})
    summary = [
        f"- Efficiency (2 workers; reads ≥ 0.7, writes ≥ 0.6): {sum(eff_ok)} of {len(eff_ok)} met",
        f"- Scaling (p50 at 1M within 1.5x of 10k): {sum(scale_ok)} of {len(scale_ok)} met",
        f"- Peer (≥ 10x TimeTagger's range read; faster bulk load): {sum(peer_ok)} of "
        f"{len(peer_ok)} met",
        f"- Personal key and session (b) within 10 % of the account key's: {sum(personal_ok)} of "
        f"{len(personal_ok)} met",
        f"- Peak RSS ≤ {RSS_LIMIT_MIB} MiB per worker: {_mark(all(lean))}",
        f"- No errors and no non-2xx responses: {_mark(all(clean))}",
    ]
    pages, pages_ok = web.lines(results["web"]) if results.get("web") else (["(not run)"], [])
    summary.insert(
        4,
        f"- Web app (each page ≤ 150 KB, no other origin; week page p50 ≤ 2x the API's month "
        f"read): {sum(pages_ok)} of {len(pages_ok)} met",
    )
    exported = results.get("exports") or {}
    export_lines = list(exports.lines(exported)) if exported else ["(not run)"]
    data = results.get("data", {})
    command = results["command"].replace("bench/run.py", "./scripts/bench")
    return "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `bench/run.py` (docs/performance.md says what each figure means and how",
            "to read it). Figures from one run on one machine; compare ratios, not absolute",
            "numbers across machines.",
            "",
            f"- Command: `{command}`, started {results['started']}, took "
            f"{results.get('seconds', 0) // 60} min",
            f"- Machine: {machine['cpus']} CPUs ({machine['cpu']}), Python {machine['python']}, "
            f"{machine['platform']}; wrk runs on the same cores",
            f"- Load: wrk `-t{settings['threads']} -c{settings['connections']}`, "
            f"{settings['warmup_s']} s warm-up then {settings['duration_s']} s per measurement "
            "(timer: 16 threads x 1 connection); every server started fresh per scenario",
            "- Data: " + "; ".join(_data_line(d, v) for d, v in data.items()),
            "",
            "## Targets",
            "",
            *summary,
            "",
            "## Efficiency: timetrack ÷ floor (same requests, auth and SQL on the raw driver)",
            "",
            *efficiency,
            "",
            "## Exports: CSV of an account's entries against the raw driver's (bench/exports.py)",
            "",
            *export_lines,
            "",
            "## Web app: each page's first load, and the week page against the API (bench/web.py)",
            "",
            *pages,
            "",
            "## People's credentials: (b) with a personal key or a session ÷ (b), account key",
            "",
            *personal,
            "",
            "## Scaling: 1M entries against 10k",
            "",
            *scaling,
            "",
            "## Peer: TimeTagger on the same machine, same run",
            "",
            *peer,
            "",
            "## Ceiling: bare ASGI hello-world",
            "",
            "| workers | req/s | p50 ms | p99 ms |",
            "|---:|---:|---:|---:|",
            *(
                f"| {w} | {h['req_s']:,.0f} | {h['p50_ms']:.2f} | {h['p99_ms']:.2f} |"
                for w, h in hello.items()
            ),
            "",
            "## Every measurement",
            "",
            *runs,
            "",
        ]
    )
