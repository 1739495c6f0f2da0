"""The columns of a resource, written once: what its reads select, and the field each becomes in
its answers (issue 11.4: ``_OWNED``, ``to_wire`` and the Read schema repeated them by hand).

A service declares one ``WireColumns`` table: per column, its expression in the ``SELECT`` list
(``e.start_at``, ``c.name AS client_name``), its field on the wire, and the conversion on the
way (none for most). The ``SELECT`` list and ``to_wire`` derive from it; ``routing.Resource``
refuses a Read schema whose fields differ from the table's, so the OpenAPI document cannot drift
from the answers. The SQL stays text, built once at import: SQLAlchemy Core statements compiled
once per dialect cost the same per request (a dict lookup, ~0.03 µs against ~0.06 µs for the
string), but would add a second way of writing SQL to the one the services use; compiled per
request they cost ~630 µs (``bench/columns.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from timetrack.crud import with_meta
from timetrack.db import Row

# What every record carries besides its own columns (``crud.with_meta``).
META_FIELDS = ("updatedAt", "deleted")


@dataclass(frozen=True, slots=True)
class Column:
    sql: str  # as selected: `e.start_at`, `c.name AS client_name`
    wire: str  # the field of the answer
    convert: Callable[[Any], Any] | None = None  # stored value -> wire value; None: as stored
    # False: not read by the statement but filled in by the service from another table (a team's
    # usernames); ``sql`` is then only the row key.
    selected: bool = True

    @property
    def key(self) -> str:
        """The name a row holds the column under."""
        expression, _, alias = self.sql.partition(" AS ")
        return alias or expression.rpartition(".")[2]


def optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` for a column that may be null (null stays null)."""

    def converted(value: Any) -> Any:
        return None if value is None else convert(value)

    return converted


class WireColumns:
    """One resource's columns; ``alias`` is its table's alias with the dot (``e.``), or ""."""

    def __init__(self, *columns: Column, alias: str = "") -> None:
        self.columns = columns
        meta = (f"{alias}updated_at", f"{alias}deleted_at")
        self.select_list = ", ".join([*(c.sql for c in columns if c.selected), *meta])
        self.wire_names = frozenset([*(c.wire for c in columns), *META_FIELDS])
        self._plan = tuple((c.key, c.wire, c.convert) for c in columns)

    @property
    def keys(self) -> tuple[str, ...]:
        """The row keys of the columns, in the table's order."""
        return tuple(key for key, _, _ in self._plan)

    def to_wire(self, row: Row) -> dict[str, Any]:
        """The record as answered, fields in the table's order."""
        item = {wire: row[key] if f is None else f(row[key]) for key, wire, f in self._plan}
        return with_meta(item, row)

    def mismatch(self, read_model: type[BaseModel]) -> str | None:
        """What differs between the table's fields and the Read schema's, if anything."""
        documented = {f.alias or name for name, f in read_model.model_fields.items()}
        missing, extra = self.wire_names - documented, documented - self.wire_names
        if not missing and not extra:
            return None
        return (
            f"{read_model.__name__} lacks {sorted(missing)} and has {sorted(extra)} "
            "beyond what the columns answer"
        )
