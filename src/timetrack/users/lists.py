"""Lists of users named by username in a body (a team's ``leads`` and ``members``, a project's
``assignedUsers``): the field type, resolving such a list to users, and reading the lists of a
page of records back.

A list names live users only: each entry is a whole username, in any case, as every reference
to a user is (``users.service.user_by_name``). Deleted users drop out of the answers, so a list
always shows who can act on it now.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from annotated_types import MaxLen
from pydantic import WithJsonSchema

from timetrack.db import Row, Tx
from timetrack.errors import FIELD_INVALID, USER_UNKNOWN, AppError, Problem
from timetrack.fieldtypes import Name, not_null
from timetrack.wire import NAME_MAX, name_key

USERNAMES_MAX = 1000
# Values bound per statement: SQLite builds before 3.32 take at most 999 (crud.MAX_BOUND_IDS).
_CHUNK = 500

Usernames = Annotated[
    list[Name],
    MaxLen(USERNAMES_MAX),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": r"\S"},
            "maxItems": USERNAMES_MAX,
            "uniqueItems": True,
            "description": "usernames of live users (whole, any case; each at most once); "
            "answered sorted",
        }
    ),
]
# On an update: left out keeps the list, a list replaces it whole, null is refused.
UsernamesUpdate = not_null(Usernames)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(count: int, first: int) -> str:
    return ", ".join(f"${i}" for i in range(first, first + count))


def repeated(names: Sequence[str], field: str) -> list[Problem]:
    """A problem for each entry that repeats an earlier one (in any case)."""
    seen: set[str] = set()
    problems = []
    for index, name in enumerate(names):
        key = name_key(name)
        if key in seen:
            problems.append(
                Problem(FIELD_INVALID, f"{name!r} is listed twice", pointer=f"/{field}/{index}")
            )
        seen.add(key)
    return problems


async def users_named(
    tx: Tx, account_id: int, names: Sequence[str], field: str
) -> tuple[dict[int, Row], list[Problem]]:
    """The live users ``names`` name, by the index of their entry, and a problem for each name
    that matches none (pointer ``/field/index``)."""
    keys = [name_key(name) for name in names]
    found: dict[str, Row] = {}
    for chunk in _chunks(sorted(set(keys))):
        rows = await tx.fetch(
            "SELECT id, username, username_key, admin, team_lead FROM users "
            "WHERE account_id = $1 AND deleted_at IS NULL AND username_key IN "
            f"({_marks(len(chunk), 2)})",
            account_id,
            *chunk,
        )
        found |= {row["username_key"]: row for row in rows}
    users, problems = {}, []
    for index, (name, key) in enumerate(zip(names, keys, strict=True)):
        if key in found:
            users[index] = found[key]
        else:
            problems.append(
                Problem(USER_UNKNOWN, f"no user named {name!r}", pointer=f"/{field}/{index}")
            )
    return users, problems


def refuse(problems: Sequence[Problem]) -> None:
    if problems:
        raise AppError(*problems)


def sorted_names(names: Iterable[str]) -> list[str]:
    """Usernames in the order the answers list them: case-insensitively, then as written."""
    return sorted(names, key=lambda name: (name_key(name), name))


async def usernames_by_record(
    tx: Tx, sql: str, account_id: int, record_ids: Sequence[int]
) -> list[Row]:
    """Rows of ``sql`` for the records ``record_ids``, in chunks: ``$1`` is the account and
    ``{}`` where the ids' placeholders go (``record IN ({})``)."""
    rows: list[Row] = []
    for chunk in _chunks(sorted(set(record_ids))):
        rows += await tx.fetch(sql.format(_marks(len(chunk), 2)), account_id, *chunk)
    return rows
