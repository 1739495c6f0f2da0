"""Reports over project time entries: the summary (sums by one or two groupings), the detailed
list (each entry with its rounded minutes and amount) and the project budgets.

Every sum is made by the database (``GROUP BY``) from the entries the caller reaches
(``sql.entry_filters``); the answers are plain dicts that the router passes through
``grants.shown``, which drops the amounts for people who may not see rates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from timetrack import grants
from timetrack.accounts.service import Account
from timetrack.crud import fetch_page
from timetrack.db import Row, Tx
from timetrack.paging import Page
from timetrack.reports import sql
from timetrack.reports.grouping import DIMENSIONS, Group, labeller, sort_key
from timetrack.reports.query import EntryQuery, Grouping
from timetrack.time_entries import service as entries
from timetrack.wire import name_key


def _sums(minutes: str) -> str:
    """The sums every report takes of its entries, named as ``Group.add`` reads them."""
    return (
        f"count(*) AS entries, SUM({minutes}) AS worked, SUM(e.break_minutes) AS breaks, "
        f"SUM({sql.billable_minutes(minutes)}) AS billable, "
        f"SUM({sql.amount_cents(minutes)}) AS cents"
    )


def summary_sql(groupings: tuple[Grouping, ...], minutes: str, where: str) -> str:
    """The one aggregate statement of a summary (the benchmark's floor runs the same)."""
    dimensions = [DIMENSIONS[g] for g in groupings]
    keys = [f"{d.key_sql} AS k{i}" for i, d in enumerate(dimensions)]
    joins = "".join(dict.fromkeys(d.join for d in dimensions))
    group_by = ", ".join(f"k{i}" for i in range(len(dimensions)))
    return (
        f"SELECT {', '.join(keys)}, {_sums(minutes)} FROM time_entries e{joins}"
        f" WHERE e.account_id = $1{where} GROUP BY {group_by}"
    )


def _as_ints(row: Row) -> dict[str, int]:
    return {k: int(row[k] or 0) for k in ("entries", "worked", "breaks", "billable", "cents")}


def _wire(group: Group, levels: tuple[Grouping, ...]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "key": group.key,
        "name": group.name,
        "entries": group.entries,
        "workedMinutes": group.worked,
        "billableMinutes": group.billable,
        "amount": sql.money(group.cents),
    }
    if levels:
        item["groups"] = _wire_groups(group, levels)
    return item


def _wire_groups(parent: Group, levels: tuple[Grouping, ...]) -> list[dict[str, Any]]:
    ordered = sorted(parent.children.values(), key=sort_key(DIMENSIONS[levels[0]].dated))
    return [_wire(child, levels[1:]) for child in ordered]


def _totals(total: Group, account: Account) -> dict[str, Any]:
    return {
        "entries": total.entries,
        "workedMinutes": total.worked,
        "breakMinutes": total.breaks,
        "billableMinutes": total.billable,
        "amount": sql.money(total.cents),
        "currency": account.currency,
    }


async def summary(
    tx: Tx, account: Account, query: EntryQuery, groupings: tuple[Grouping, ...]
) -> dict[str, Any]:
    """The sums of the entries ``query`` picks, by ``groupings`` (one or two levels)."""
    total = Group()
    where = await sql.entry_filters(tx, account.id, query)
    if where is not None:
        minutes = sql.rounded_minutes(query.rounding)
        rows = await tx.fetch(summary_sql(groupings, minutes, where.sql()), *where.args)
        labels = [
            await labeller(tx, account.id, g, (row[f"k{i}"] for row in rows))
            for i, g in enumerate(groupings)
        ]
        for row in rows:
            sums = _as_ints(row)
            total.add(sums)
            for first in labels[0](row["k0"]):
                group = total.child(first)
                group.add(sums)
                for second in labels[1](row["k1"]) if len(labels) > 1 else ():
                    group.child(second).add(sums)
    return {
        **query.period.as_dict(),
        "rounding": query.rounding.as_dict(),
        "totals": _totals(total, account),
        "groups": _wire_groups(total, groupings),
    }


async def detailed(
    tx: Tx, account: Account, query: EntryQuery, page: Page
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A page of the entries ``query`` picks, in the entry list's order, each with its
    ``roundedMinutes`` and ``amount``; and the totals of all of them (``_totals``)."""
    total = Group()
    where = await sql.entry_filters(tx, account.id, query)
    if where is None:
        return [], _totals(total, account)
    minutes = sql.rounded_minutes(query.rounding)
    extra = f"{minutes} AS rounded_minutes, {sql.amount_cents(minutes)} AS amount_cents"
    sums = await tx.fetchrow(
        f"SELECT {_sums(minutes)} FROM time_entries e WHERE e.account_id = $1{where.sql()}",
        *where.args,
    )
    assert sums is not None  # an aggregate without GROUP BY answers one row
    total.add(_as_ints(sums))
    if total.entries == 0:
        return [], _totals(total, account)
    rows, _ = await fetch_page(
        tx,
        entries.select_with(extra),
        "SELECT count(*) FROM time_entries e WHERE e.account_id = $1",
        where,
        page,
        "e.start_local, e.id",
    )
    items = []
    for row in rows:
        item = entries.to_wire(row)
        item["roundedMinutes"] = int(row["rounded_minutes"])
        item["amount"] = sql.money(row["amount_cents"])
        items.append(item)
    return items, _totals(total, account)


def _percent(used: Decimal | int, planned: Decimal | int | None) -> float | None:
    """``used`` as a percentage of ``planned``, to one decimal; None without a plan."""
    if not planned:
        return None
    return float(round(Decimal(used) * 100 / Decimal(planned), 1))


async def projects(
    tx: Tx, account: Account, query: EntryQuery, page: Page
) -> tuple[list[dict[str, Any]], int]:
    """A page of the live projects the caller sees (``query``'s client and project filters),
    each with the minutes and the amount of its entries in the period against its estimates.
    Projects without entries are listed with zeros."""
    where = await sql.entry_filters(tx, account.id, query)
    used: dict[int, dict[str, int]] = {}
    if where is not None:
        minutes = sql.rounded_minutes(query.rounding)
        rows = await tx.fetch(
            f"SELECT e.project_id AS k0, {_sums(minutes)} FROM time_entries e"
            f" WHERE e.account_id = $1{where.sql()} GROUP BY e.project_id",
            *where.args,
        )
        used = {int(row["k0"]): _as_ints(row) for row in rows}
    catalogue = await tx.fetch(
        "SELECT p.id, p.name, p.name_key, p.client_id, c.name AS client_name,"
        " c.name_key AS client_key, p.time_estimated, p.budget_estimated FROM projects p"
        " JOIN clients c ON c.account_id = p.account_id AND c.id = p.client_id"
        f" WHERE p.account_id = $1 AND p.deleted_at IS NULL{grants.assigned_sql('p.id')}",
        account.id,
    )
    listed = [
        p
        for p in catalogue
        if (query.project_id is None or p["id"] == query.project_id)
        and (query.client_id is None or p["client_id"] == query.client_id)
        and (query.project_name is None or name_key(query.project_name) in p["name_key"])
        and (query.client_name is None or name_key(query.client_name) in p["client_key"])
    ]
    listed.sort(key=lambda p: (p["client_key"], p["name_key"], p["id"]))
    items = []
    for project in listed[page.offset : page.offset + page.limit]:
        sums = used.get(project["id"], {"entries": 0, "worked": 0, "cents": 0})
        amount = sql.money(sums["cents"])
        budget = project["budget_estimated"]
        items.append(
            {
                "projectId": project["id"],
                "projectName": project["name"],
                "clientId": project["client_id"],
                "clientName": project["client_name"],
                "entries": sums["entries"],
                "timeEstimated": project["time_estimated"],
                "workedMinutes": sums["worked"],
                "timeUsedPercent": _percent(sums["worked"], project["time_estimated"]),
                "budgetEstimated": None if budget is None else Decimal(budget),
                "amount": amount,
                "budgetUsedPercent": _percent(amount, None if budget is None else Decimal(budget)),
                "currency": account.currency,
            }
        )
    return items, len(listed)
