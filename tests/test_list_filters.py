"""The typed list filters (``filters.ListFilter``) and the change feed (``crud.Feed``): when a
list is of every live record, whose total ``crud.fetch_page`` then takes from ``id_counters``
instead of counting rows. A filter set to ``false`` or ``0`` filters, like any other value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from timetrack.absences.schemas import AbsenceFilter
from timetrack.attendances.schemas import AttendanceFilter
from timetrack.audit.schemas import AuditFilter
from timetrack.crud import Feed
from timetrack.filters import ListFilter, NameFilter
from timetrack.projects.schemas import ProjectFilter
from timetrack.time_entries.schemas import EntryFilter
from timetrack.users.schemas import UserFilter

FILTERS: list[type[ListFilter]] = [
    AbsenceFilter,
    AttendanceFilter,
    AuditFilter,
    EntryFilter,
    NameFilter,
    ProjectFilter,
    UserFilter,
]


@pytest.mark.parametrize("filter_type", FILTERS, ids=lambda t: t.__name__)
def test_a_filter_with_no_field_set_is_unfiltered(filter_type: type[ListFilter]) -> None:
    assert filter_type().unfiltered


@pytest.mark.parametrize(
    "query",
    [
        EntryFilter(billable=False),
        EntryFilter(user_id=1),
        AbsenceFilter(status=0),
        AttendanceFilter(username="kim"),
        NameFilter(name="a"),
    ],
    ids=repr,
)
def test_any_field_set_filters_even_to_false_or_zero(query: ListFilter) -> None:
    assert not query.unfiltered


def test_the_feed_is_of_live_records_only_without_deleted_ones_or_a_since() -> None:
    assert Feed().only_live
    assert not Feed(include_deleted=True).only_live
    assert not Feed(updated_since=datetime(2026, 1, 1, tzinfo=UTC)).only_live
