"""The web app in ``./scripts/bench`` (issue 14): what a page costs its reader.

- **Weight**: every page in the navigation, as a signed-in person first loads it: the HTML and
  every file it loads (style sheets, scripts and the modules they import, images), uncompressed,
  against the budget of 150 KB; and any address on another origin (there must be none).
- **The week page's server time** (scenario w-week): the busiest user's week pages, signed in,
  against the API's read of the same user's month (scenario (a) for that one user and month),
  in alternating rounds on one server (``run.paired``): the median round's p50 ratio, within 2x.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

PAGE_BUDGET = 150_000  # bytes, uncompressed, a page's first load
WEEK_LIMIT = 2.0  # the week page's p50 over the API month read's
_IMPORT = re.compile(r"""(?:import|from)\s*\(?\s*["']([^"']+\.js)["']""")


class _Files(HTMLParser):
    """The addresses a page makes the browser load, and the pages its navigation links to."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []
        self.links: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "nav":
            self._in_nav += 1
        elif tag == "a" and self._in_nav and found.get("href"):
            self.links.append(found["href"])
        elif tag == "script" and found.get("src"):
            self.files.append(found["src"])
        elif tag == "link" and found.get("href") and found.get("rel") != "canonical":
            self.files.append(found["href"])
        elif tag in ("img", "source", "iframe") and found.get("src"):
            self.files.append(found["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav -= 1


def sign_in(base: str, slug: str, username: str, password: str) -> str:
    """A session cookie of ``username`` (the API's sign-in, as the web app's form uses)."""
    with httpx.Client(base_url=base + "/api/v2/ext", trust_env=False) as c:
        body = {"account": slug, "username": username, "password": password}
        r = c.post("/auth/login", json=body)
        r.raise_for_status()
        return f"timetrack_session={r.cookies['timetrack_session']}"


def week_starts(month: str) -> list[str]:
    """The Mondays of the weeks that overlap ``month`` (YYYY-MM)."""
    first = date.fromisoformat(f"{month}-01")
    after = (first + timedelta(days=32)).replace(day=1)
    day = first - timedelta(days=first.weekday())
    starts = []
    while day < after:
        starts.append(day.isoformat())
        day += timedelta(days=7)
    return starts


def page_weights(base: str, cookies: list[str]) -> dict[str, dict[str, Any]]:
    """Every page the navigation shows each person (the start page's links), as first loaded:
    its bytes with every file it loads, the files' count, and the addresses on other origins."""
    origin = urlsplit(base).netloc
    weights: dict[str, dict[str, Any]] = {}
    for cookie in cookies:
        name, _, value = cookie.partition("=")
        # A jar, not a header: httpx drops a Cookie header when it follows a redirect.
        with httpx.Client(base_url=base, cookies={name: value}, trust_env=False) as c:
            start = c.get("/app/", follow_redirects=True)
            start.raise_for_status()
            nav = _Files()
            nav.feed(start.text)
            for link in dict.fromkeys(nav.links):
                path = urlsplit(urljoin(str(start.url), link)).path
                weighed = _weigh(c, path, origin)
                if weighed["bytes"] >= weights.get(path, {}).get("bytes", 0):
                    weights[path] = weighed
    return weights


def _weigh(c: httpx.Client, path: str, origin: str) -> dict[str, Any]:
    page = c.get(path)
    page.raise_for_status()
    files = _Files()
    files.feed(page.text)
    pending = [urljoin(str(page.url), f) for f in files.files]
    seen: set[str] = set()
    total, foreign = len(page.content), []
    while pending:
        address = pending.pop()
        if address in seen:
            continue
        seen.add(address)
        if urlsplit(address).netloc != origin:
            foreign.append(address)
            continue
        body = c.get(address)
        body.raise_for_status()
        total += len(body.content)
        if address.endswith(".js"):
            pending.extend(urljoin(address, m) for m in _IMPORT.findall(body.text))
    return {"bytes": total, "files": len(seen) + 1, "foreign": foreign}


def lines(results: dict[str, Any]) -> tuple[list[str], list[bool]]:
    """The report's tables and the verdicts of their targets."""
    out = [
        "| database | page | first load (KB, uncompressed) | files | other origins | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    verdicts = []
    for dialect, measured in sorted(results.items()):
        for path, w in sorted(measured["weights"].items()):
            ok = w["bytes"] <= PAGE_BUDGET and not w["foreign"]
            verdicts.append(ok)
            out.append(
                f"| {dialect} | `{path}` | {w['bytes'] / 1000:.1f} | {w['files']} | "
                f"{len(w['foreign'])} | ≤ 150 KB, none: {'met' if ok else '**missed**'} |"
            )
    out += [
        "",
        "| database | workers | week page p50 (ms) | API month p50 (ms) | ratio, median round "
        "| rounds | target |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for dialect, measured in sorted(results.items()):
        for workers, week in sorted(measured["week"].items()):
            ok = week["ratio"] <= WEEK_LIMIT
            verdicts.append(ok)
            out.append(
                f"| {dialect} | {workers} | {week['p50_ms']:.2f} | {week['month_p50_ms']:.2f} | "
                f"{week['ratio']:.2f} | {', '.join(f'{r:.2f}' for r in week['ratios'])} | "
                f"≤ {WEEK_LIMIT:.0f}x: {'met' if ok else '**missed**'} |"
            )
    return out, verdicts
