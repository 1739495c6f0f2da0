"""A resource's columns are written once (``columns.WireColumns``): its reads' SELECT list and its
answers derive from one table, and a Read schema that documents other fields than the table
answers is refused when the resource is built."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from timetrack.absence_types import service as absence_types
from timetrack.absence_types.schemas import AbsenceTypeRead
from timetrack.absences import service as absences
from timetrack.absences.schemas import AbsenceRead
from timetrack.attendances import service as attendances
from timetrack.attendances.schemas import AttendanceRead
from timetrack.clients import service as clients
from timetrack.clients.schemas import ClientCreate, ClientRead, ClientUpdate
from timetrack.columns import Column, WireColumns, optional
from timetrack.errors import CLIENT_DELETED, CLIENT_NOT_FOUND
from timetrack.filters import name_filter
from timetrack.projects import service as projects
from timetrack.projects.schemas import ProjectRead
from timetrack.routing import Resource
from timetrack.tasks import service as tasks
from timetrack.tasks.schemas import TaskRead
from timetrack.teams import service as teams
from timetrack.teams.schemas import TeamRead
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryRead
from timetrack.users import service as users
from timetrack.users.schemas import UserRead

TABLES: list[tuple[WireColumns, type[BaseModel]]] = [
    (absence_types.COLUMNS, AbsenceTypeRead),
    (absences.COLUMNS, AbsenceRead),
    (attendances.COLUMNS, AttendanceRead),
    (clients.COLUMNS, ClientRead),
    (entries.COLUMNS, EntryRead),
    (projects.COLUMNS, ProjectRead),
    (tasks.COLUMNS, TaskRead),
    (teams.COLUMNS, TeamRead),
    (users.COLUMNS, UserRead),
]


@pytest.mark.parametrize("columns, read_model", TABLES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_read_schema_documents_exactly_what_its_columns_answer(
    columns: WireColumns, read_model: type[BaseModel]
) -> None:
    assert columns.mismatch(read_model) is None


def clients_resource(read_model: type[BaseModel]) -> Resource[Any, Any, Any]:
    return Resource(
        singular="client",
        plural="clients",
        read_model=read_model,
        create_model=ClientCreate,
        update_model=ClientUpdate,
        filters=name_filter,
        list=clients.list_clients,
        get=clients.get_client,
        create=clients.create_client,
        update=clients.update_client,
        delete=clients.delete_client,
        columns=clients.COLUMNS,
        not_found=CLIENT_NOT_FOUND,
        deleted=CLIENT_DELETED,
        errors={},
        examples={"create": {}, "update": {}},
    )


def test_a_resource_whose_read_schema_differs_from_its_columns_is_refused() -> None:
    assert clients_resource(ClientRead).plural == "clients"
    with pytest.raises(TypeError, match=r"TaskRead lacks .*'addressCity'.* has .*'hourRate'"):
        clients_resource(TaskRead)


def test_a_column_is_held_under_its_alias_or_else_its_name() -> None:
    assert Column("c.name AS client_name", "clientName").key == "client_name"
    assert Column("e.start_at", "fromUtc").key == "start_at"
    assert Column("id", "id").key == "id"


def test_a_column_filled_in_by_the_service_is_answered_but_not_selected() -> None:
    table = WireColumns(Column("id", "id"), Column("leads", "leads", selected=False))
    assert table.select_list == "id, updated_at, deleted_at"
    stamp = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    row = {"id": 1, "leads": ["ann"], "updated_at": stamp, "deleted_at": None}
    assert table.to_wire(row) == {
        "id": 1,
        "leads": ["ann"],
        "updatedAt": "2026-03-04T09:00:00.000Z",
    }


def test_the_select_list_and_the_answer_follow_the_table() -> None:
    table = WireColumns(
        Column("e.id", "id"),
        Column("c.name AS client_name", "clientName"),
        Column("e.end_local", "to", optional(str.upper)),
        alias="e.",
    )
    assert table.select_list == (
        "e.id, c.name AS client_name, e.end_local, e.updated_at, e.deleted_at"
    )
    stamp = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    row = {"id": 1, "client_name": "Acme", "end_local": None, "updated_at": stamp}
    assert table.to_wire({**row, "deleted_at": None}) == {
        "id": 1,
        "clientName": "Acme",
        "to": None,
        "updatedAt": "2026-03-04T09:00:00.000Z",
    }
    deleted = table.to_wire({**row, "end_local": "x", "deleted_at": stamp})
    assert list(deleted) == ["id", "clientName", "to", "updatedAt", "deleted"]
    assert deleted["to"] == "X"
    assert deleted["deleted"] is True
