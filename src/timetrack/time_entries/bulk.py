"""Bulk create of project time entries (ours): ``POST /project_time_entries/bulk``.

Importers and payroll migrations load thousands of entries; one request per entry costs a
round trip, a transaction and a commit each. A batch is one transaction instead, all or
nothing, and each item gets exactly what a single create does (the same schema, names, span
rules and rate), so the single create's rules are reused here, not restated.

What makes it cheap is doing per batch what a single create does per entry: each distinct name
is looked up once, the ids come from one counter bump (``db.next_ids``), the rows go in with
one ``executemany`` and come back with one query.

Problems name their item: the single create's pointer behind the item's index (``/3/from``).
Every invalid item is reported, not only the first: an importer then fixes its file in one
round. The body is checked first (every item's fields); only a batch whose fields are all
valid has its names and spans checked against the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from timetrack.clients.service import client_id_by_name
from timetrack.crud import now
from timetrack.db import Row, Tx, next_ids
from timetrack.errors import (
    BODY_NOT_OBJECT,
    BULK_EMPTY,
    BULK_NOT_ARRAY,
    BULK_TOO_MANY,
    AppError,
    Problem,
    problems_from_validation,
)
from timetrack.jsonbody import load_json
from timetrack.projects.service import project_by_name
from timetrack.tasks.service import task_by_name
from timetrack.time_entries import service
from timetrack.time_entries.schemas import BULK_MAX, EntryBatch, EntryCreate
from timetrack.users.service import user_by_name

T = TypeVar("T")


def _at(index: int, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` of one item, pointing into the array: ``/from`` becomes ``/3/from``."""
    return [replace(p, pointer=f"/{index}{p.pointer or ''}") for p in problems]


def parse_batch(raw: bytes) -> tuple[list[EntryCreate], list[str]]:
    """The entries of a bulk create's body, and the keys they ignored (each named once, in
    the order first met)."""
    if not raw.strip():
        raise AppError.of(BULK_NOT_ARRAY, "expected a JSON array of time entries, got no body")
    data = load_json(raw)
    if not isinstance(data, list):
        raise AppError.of(
            BULK_NOT_ARRAY, f"expected a JSON array of time entries, got {type(data).__name__}"
        )
    if not data:
        raise AppError.of(BULK_EMPTY, f"the array is empty: send 1 to {BULK_MAX} time entries")
    if len(data) > BULK_MAX:
        raise AppError.of(
            BULK_TOO_MANY, f"{len(data)} time entries: send at most {BULK_MAX} per request"
        )
    # One validation of the whole array (as ``wire.parse_body`` does for one object) costs half
    # of a thousand separate ones; its errors already point into the array (``/3/from``).
    try:
        bodies = EntryBatch.model_validate(data).root
    except ValidationError as exc:
        raise AppError(*_item_problems(exc.errors())) from None
    known = EntryCreate.wire_names()
    ignored = {key: None for item in data for key in item if key not in known}
    return bodies, list(ignored)


def _item_problems(errors: list[Any]) -> list[Problem]:
    problems = []
    for error in errors:
        if len(error["loc"]) == 1:  # the item itself: not an object
            index, kind = error["loc"][0], type(error["input"]).__name__
            detail = f"expected a JSON object, got {kind}"
            problems.append(Problem(BODY_NOT_OBJECT, detail, pointer=f"/{index}"))
        else:
            problems += problems_from_validation([error], in_body=True)
    return problems


@dataclass(frozen=True, slots=True)
class _Unknown:
    """A name not found: the problems its lookup answered."""

    problems: tuple[Problem, ...]


class _Names:
    """The names of one batch, each looked up once, with the single create's lookups: a name
    found is reused, a name not found answers each item that sends it like the first."""

    def __init__(self) -> None:
        self._found: dict[tuple[Any, ...], Any] = {}

    async def _once(self, key: tuple[Any, ...], lookup: Callable[[], Awaitable[T]]) -> T:
        if key not in self._found:
            try:
                self._found[key] = await lookup()
            except AppError as exc:
                self._found[key] = _Unknown(exc.problems)
        found = self._found[key]
        if isinstance(found, _Unknown):
            raise AppError(*found.problems)
        return cast(T, found)

    async def references(
        self,
        tx: Tx,
        account_id: int,
        user: tuple[str, str],
        client_name: str,
        project_name: str,
        task: str | None,
    ) -> service.References:
        """``service._references``, in the same order, so an item fails as it would alone.
        Keys are the names as sent: the detail of a failure repeats the item's own text."""
        username, field = user
        user_row: Row = await self._once(
            ("user", field, username),
            lambda: user_by_name(tx, account_id, username, field=field),
        )
        client_id: int = await self._once(
            ("client", client_name),
            lambda: client_id_by_name(tx, account_id, client_name, field="clientName"),
        )
        project: Row = await self._once(
            ("project", client_id, project_name),
            lambda: project_by_name(tx, account_id, client_id, project_name, field="projectName"),
        )
        task_row: Row | None = None
        if task:
            task_row = await self._once(
                ("task", task), lambda: task_by_name(tx, account_id, task, field="task")
            )
        return service.References(user_row, project, task_row)


async def create_entries(tx: Tx, account_id: int, bodies: list[EntryCreate]) -> list[Row]:
    """Book every entry of ``bodies``, or none (``AppError`` naming each item at fault); the
    rows come back in the order sent."""
    names = _Names()
    bookings: list[service.Booking] = []
    problems: list[Problem] = []
    for index, body in enumerate(bodies):
        try:
            bookings.append(await service.plan_entry(tx, account_id, body, names.references))
        except AppError as exc:
            problems += _at(index, exc.problems)
    if problems:
        raise AppError(*problems)
    first = await next_ids(tx, account_id, "time_entries", len(bookings))
    stamp = now()
    rows = [
        service.entry_values(account_id, first + i, booking, stamp)
        for i, booking in enumerate(bookings)
    ]
    columns = list(rows[0])
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    await tx.executemany(
        f"INSERT INTO time_entries ({', '.join(columns)}) VALUES ({placeholders})",
        [tuple(row[c] for c in columns) for row in rows],
    )
    return await service.get_entries(tx, account_id, first, first + len(rows) - 1)
