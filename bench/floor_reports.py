"""The floor of scenario r-summary (``bench/floor.py`` routes to it): a year's summary of one
account by project, then user, on the raw driver.

It runs the very aggregate statement timetrack runs (``reports.service.summary_sql``, imported,
so the two can never drift apart), reads the names of the projects and users it found as
timetrack does (one statement each), and nests, sorts and writes the same answer byte for byte.
What it leaves out is what the efficiency ratio charges timetrack for: parameter checks, the
reach and filter plumbing, and the general grouping code.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson

from timetrack.reports.service import summary_sql
from timetrack.wire import name_key

_LOCAL = "%Y-%m-%d %H:%M:%S"
# The filters timetrack's summary writes for a period and nothing else, in its order.
_WHERE = " AND e.deleted_at IS NULL AND e.start_local >= $2 AND e.start_local < $3"
_SUMMARY = summary_sql(("project", "user"), "e.worked_minutes", _WHERE)
_SUMS = ("entries", "worked", "breaks", "billable", "cents")


def _names(rows: list[Any]) -> dict[int, str]:
    return {row["id"]: row["name"] for row in rows}


def _listed(keys: set[int]) -> str:
    return ", ".join(str(k) for k in sorted(keys))


def _group(key: int, name: str | None, sums: list[int]) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "entries": sums[0],
        "workedMinutes": sums[1],
        "billableMinutes": sums[3],
        "amount": sums[4] / 100,
    }


def _order(item: tuple[int, str | None]) -> tuple[bool, str, str]:
    key, name = item
    return name is None, name_key(name or ""), str(key)


async def summary(c: Any, account: Any, query: dict[str, str]) -> tuple[int, bytes, list[Any]]:
    """The body of one summary request; the caller runs it in a read transaction."""
    aid = account["id"]
    first, last = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
    after = last + timedelta(days=1)
    rows = await c.rows(_SUMMARY, aid, first.strftime(_LOCAL), after.strftime(_LOCAL))
    projects: dict[int, dict[int, list[int]]] = {}
    totals = [0] * 5
    for row in rows:
        sums = [int(row[name] or 0) for name in _SUMS]
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
        projects.setdefault(int(row["k0"]), {})[int(row["k1"])] = sums
    user_ids = {user for users in projects.values() for user in users}
    project_names = user_names = {}
    if rows:
        project_names = _names(
            await c.rows(
                "SELECT id, name AS name FROM projects WHERE account_id = $1 "
                f"AND id IN ({_listed(set(projects))})",
                aid,
            )
        )
        user_names = _names(
            await c.rows(
                "SELECT id, username AS name FROM users WHERE account_id = $1 "
                f"AND id IN ({_listed(user_ids)})",
                aid,
            )
        )
    groups = []
    for project, name in sorted(((p, project_names.get(p)) for p in projects), key=_order):
        users = projects[project]
        project_sums = [sum(column) for column in zip(*users.values(), strict=True)]
        group = _group(project, name, project_sums)
        group["groups"] = [
            _group(user, username, users[user])
            for user, username in sorted(((u, user_names.get(u)) for u in users), key=_order)
        ]
        groups.append(group)
    answer = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "rounding": {"mode": "none", "minutes": None},
        "totals": {
            "entries": totals[0],
            "workedMinutes": totals[1],
            "breakMinutes": totals[2],
            "billableMinutes": totals[3],
            "amount": totals[4] / 100,
            "currency": account["currency"],
        },
        "groups": groups,
    }
    return 200, orjson.dumps(answer), []
