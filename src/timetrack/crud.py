"""Steps every resource's service repeats: paging a scoped query, SET clauses, soft deletes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from timetrack import grants
from timetrack.db import Row, Tx
from timetrack.errors import AppError, ErrorCode
from timetrack.filters import Lookup, contains
from timetrack.paging import Page
from timetrack.times import wire_utc
from timetrack.wire import like_pattern

# Past this many ids, a lookup's ids are not bound one by one (SQLite builds before 3.32 take
# at most 999 values per statement) but left to the database as a subquery.
MAX_BOUND_IDS = 500


def now() -> datetime:
    return datetime.now(UTC)


def with_meta(item: dict[str, Any], row: Row) -> dict[str, Any]:
    """Add what every record carries on the wire: ``updatedAt``, and ``deleted`` once deleted."""
    item["updatedAt"] = wire_utc(row["updated_at"])
    if row["deleted_at"] is not None:
        item["deleted"] = True
    return item


def require_live(row: Row | None, not_found: ErrorCode, deleted: ErrorCode, label: str) -> Row:
    """The row, or the resource's 404: "not found", or "exists but is deleted" (SPEC §1)."""
    if row is None:
        raise AppError.of(not_found, f"{label} not found")
    if row["deleted_at"] is not None:
        raise AppError.of(deleted, f"{label} exists but is deleted")
    return row


class Filters:
    """``WHERE`` conditions with numbered placeholders; ``$1`` is always the account id."""

    def __init__(self, account_id: int) -> None:
        self.conditions: list[str] = []
        self.args: list[Any] = [account_id]

    def require(self, condition: str) -> None:
        self.conditions.append(condition)

    def add(self, condition: str, *values: Any) -> None:
        """``condition`` uses ``{}`` where each value's placeholder goes, in order."""
        marks = []
        for value in values:
            self.args.append(value)
            marks.append(f"${len(self.args)}")
        self.conditions.append(condition.format(*marks))

    def add_any(self, column: str, values: list[Any]) -> None:
        """``column`` equal to one of ``values`` (plain ``=`` for one, which every planner
        matches to an index with the columns after it)."""
        marks = []
        for value in values:
            self.args.append(value)
            marks.append(f"${len(self.args)}")
        self.conditions.append(
            f"{column} = {marks[0]}" if len(marks) == 1 else f"{column} IN ({', '.join(marks)})"
        )

    def owned_by(self, column: str) -> bool:
        """Keep the rows of the users the current request reaches (``grants.granted_owners``:
        a person's own, their team's); whether that narrowed anything."""
        condition = grants.owner_condition(column, grants.granted_owners())
        if condition is not None:
            self.require(condition)
        return condition is not None

    def contains(self, key_column: str, text: str) -> None:
        """A case-insensitive substring filter on a casefolded ``*name_key`` column."""
        self.add(contains(key_column), like_pattern(text))

    def sql(self) -> str:
        return "".join(f" AND {c}" for c in self.conditions)


@dataclass(frozen=True, slots=True)
class Feed:
    """The change-feed parameters every list takes (``routing.FeedDep``)."""

    updated_since: datetime | None = None
    include_deleted: bool = False

    @property
    def only_live(self) -> bool:
        """Whether the list is of every live record: no deleted ones, no ``updatedSince``."""
        return self.updated_since is None and not self.include_deleted


def apply_feed(filters: Filters, feed: Feed, alias: str = "") -> None:
    """Hide deleted records unless ``includeDeleted``; keep only changes since ``updatedSince``.

    ``updatedSince`` is inclusive: a sync client that passes the newest ``updatedAt`` it has
    seen never misses a change made in that same millisecond (it may see that record again).
    """
    if not feed.include_deleted:
        filters.require(f"{alias}deleted_at IS NULL")
    if feed.updated_since is not None:
        filters.add(f"{alias}updated_at >= {{}}", feed.updated_since)


# A filter condition with ``{}`` where each value's placeholder goes, followed by the values.
Condition = tuple[Any, ...]


async def list_scoped(
    tx: Tx,
    account_id: int,
    page: Page,
    feed: Feed,
    conditions: Sequence[Condition],
    lookups: Sequence[Lookup],
    *,
    select_sql: str,
    count_sql: str,
    order_by: str,
    alias: str,
    live_count: str | None = None,
    owner: str | None = None,
) -> tuple[list[Row], int]:
    """A page of a list filtered by ``scoped_filters``; an empty page when they match nothing."""
    filters = await scoped_filters(
        tx, account_id, feed, conditions, lookups, alias=alias, owner=owner
    )
    if filters is None:
        return [], 0
    if owner is not None and grants.granted_owners() is not None:
        live_count = None  # the resource's live count is everybody's
    return await fetch_page(
        tx, select_sql, count_sql, filters, page, order_by, live_count=live_count
    )


async def scoped_filters(
    tx: Tx,
    account_id: int,
    feed: Feed,
    conditions: Sequence[Condition],
    lookups: Sequence[Lookup],
    *,
    alias: str,
    owner: str | None = None,
) -> Filters | None:
    """The ``WHERE`` of a list filtered by ``conditions`` (from the resource's typed filter),
    the change feed and ``lookups`` (``filters.Lookup``: the user, project, client or task a
    filter names) and, for records that belong to a person, ``owner`` (their user column): the
    people the request reaches (``policy``), whose ids join the lookups'. None when it can
    match nothing.

    Each lookup's ids are read first and bound as values: a subquery in their place hid from
    SQLite's planner that the list is one user's, and it walked the whole account's range
    (0.58 ms against 0.12 ms for a month at a million entries). Lookups on one column
    intersect; one that finds nothing ends the search before the list is read."""
    filters = Filters(account_id)
    apply_feed(filters, feed, alias)
    for condition, *values in conditions:
        filters.add(condition, *values)
    found: dict[str, set[int]] = {}
    reach = grants.granted_owners() if owner is not None else None
    if owner is not None and reach is not None:
        if not reach:
            return None
        found[owner] = set(reach)
    for lookup in lookups:
        rows = await tx.fetch(lookup.sql.format("$2"), account_id, lookup.value)
        ids = {row["id"] for row in rows}
        found[lookup.column] = found[lookup.column] & ids if lookup.column in found else ids
        if not found[lookup.column]:
            return None
    for column, ids in found.items():
        if len(ids) <= MAX_BOUND_IDS:
            filters.add_any(f"{alias}{column}", sorted(ids))
            continue
        for lookup in lookups:
            if lookup.column == column:
                filters.add(f"{alias}{column} IN ({lookup.sql})", lookup.value)
        if column == owner:  # a team too large to bind one by one
            filters.owned_by(f"{alias}{column}")
    return filters


@dataclass(frozen=True, slots=True)
class ScopedList:
    """How the list of a person's records (entries, attendances) is read: a page of it, and
    all of it at once for an export, with the same filters and order."""

    select_sql: str
    count_sql: str
    order_by: str
    alias: str
    table: str  # whose live count ``id_counters`` keeps
    owner: str = "user_id"

    async def page(
        self,
        tx: Tx,
        account_id: int,
        page: Page,
        feed: Feed,
        conditions: Sequence[Condition],
        lookups: Sequence[Lookup],
        *,
        unfiltered: bool,
    ) -> tuple[list[Row], int]:
        return await list_scoped(
            tx,
            account_id,
            page,
            feed,
            conditions,
            lookups,
            select_sql=self.select_sql,
            count_sql=self.count_sql,
            order_by=self.order_by,
            alias=self.alias,
            owner=self.owner,
            live_count=self.table if feed.only_live and unfiltered else None,
        )

    async def select_all(
        self,
        tx: Tx,
        account_id: int,
        conditions: Sequence[Condition],
        lookups: Sequence[Lookup],
        *,
        select_sql: str | None = None,
    ) -> tuple[str, list[Any]] | None:
        """The statement and arguments reading every live record of the list (each page of
        it, in its order), for an export; None when the list is empty. ``select_sql`` is the
        list's select with more columns, when the export needs them."""
        filters = await scoped_filters(
            tx, account_id, Feed(), conditions, lookups, alias=self.alias, owner=self.owner
        )
        if filters is None:
            return None
        select = select_sql or self.select_sql
        return f"{select}{filters.sql()} ORDER BY {self.order_by}", filters.args


async def fetch_page(
    tx: Tx,
    select_sql: str,
    count_sql: str,
    filters: Filters,
    page: Page,
    order_by: str,
    *,
    live_count: str | None = None,
) -> tuple[list[Row], int]:
    """One page of ``select_sql`` and the total of ``count_sql`` under the same filters.

    ``live_count`` names the resource (its table) when the list is of all its live records (no
    filter, no change feed: ``Feed.only_live`` and ``ListFilter.unfiltered``): the total is then
    the resource's live count in ``id_counters`` (one row) instead of a count of every record.

    ``order_by`` must be a total order (every list's ends with the id). A page past the middle
    of the list is read from the far end, in reverse order, and turned round: OFFSET costs as
    many rows as it skips, so the last page of a million-row list then costs what the first
    does, and no page skips more than half the list.
    """
    where = filters.sql()
    n = len(filters.args)

    def select(order: str) -> str:
        return f"{select_sql}{where} ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}"

    async def count() -> int:
        if live_count is not None:
            live = await tx.fetchval(
                "SELECT live FROM id_counters WHERE account_id = $1 AND resource = $2",
                filters.args[0],
                live_count,
            )
            return int(live or 0)
        return int(await tx.fetchval(f"{count_sql}{where}", *filters.args))

    if page.offset == 0:
        rows = await tx.fetch(select(order_by), *filters.args, page.limit, 0)
        if len(rows) < page.limit:
            return rows, len(rows)  # the whole result fits on the first page: no count needed
        return rows, await count()
    total = await count()
    if page.offset >= total:
        return [], total
    from_end = total - page.offset - page.limit  # rows after this page
    if from_end >= page.offset:
        rows = await tx.fetch(select(order_by), *filters.args, page.limit, page.offset)
        return rows, total
    backwards = ", ".join(f"{column.strip()} DESC" for column in order_by.split(","))
    size = min(page.limit, total - page.offset)
    rows = await tx.fetch(select(backwards), *filters.args, size, max(from_end, 0))
    return rows[::-1], total


async def update_columns(
    tx: Tx, table: str, account_id: int, record_id: int, values: Mapping[str, Any]
) -> None:
    """Set ``values`` (column -> value) and ``updated_at`` on one record of one account."""
    assignments = {**values, "updated_at": now()}
    sets = ", ".join(f"{column} = ${i}" for i, column in enumerate(assignments, start=3))
    await tx.execute(
        f"UPDATE {table} SET {sets} WHERE account_id = $1 AND id = $2",
        account_id,
        record_id,
        *assignments.values(),
    )


async def soft_delete(
    tx: Tx, table: str, account_id: int, record_id: int, deleted: ErrorCode, label: str
) -> None:
    """Mark a live record deleted. Of two concurrent deletes one wins; the other answers like a
    delete of a deleted record (the row lock makes it wait, then it finds nothing live)."""
    done = await tx.fetchval(
        f"UPDATE {table} SET deleted_at = $3, updated_at = $3 "
        "WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id",
        account_id,
        record_id,
        now(),
    )
    if done is None:
        raise AppError.of(deleted, f"{label} exists but is deleted")
    await tx.execute(
        "UPDATE id_counters SET live = live - 1 WHERE account_id = $1 AND resource = $2",
        account_id,
        table,
    )
