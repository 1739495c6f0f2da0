"""The pure leave arithmetic (``timetrack.working_time.leave``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from timetrack.working_time.leave import (
    APPROVED,
    WAITING,
    LeaveAbsence,
    LeaveModel,
    entitlement,
    leave_days,
    round_half_day,
)

FULL = (28800,) * 5 + (0, 0)
FOUR_DAYS = (28800,) * 4 + (0, 0, 0)
NONE = (0,) * 7


def model(valid_from: str, days: str, week: tuple[int, ...] = FULL) -> LeaveModel:
    assert len(week) == 7
    return LeaveModel(date.fromisoformat(valid_from), week, Decimal(days))


def absence(start: str, end: str, status: int = APPROVED, *, half: bool = False) -> LeaveAbsence:
    return LeaveAbsence(date.fromisoformat(start), date.fromisoformat(end), status, half)


class TestRoundHalfDay:
    @pytest.mark.parametrize(
        ("days", "expected"),
        [
            (Fraction(0), "0"),
            (Fraction(9110, 365), "25"),
            (Fraction(99, 4), "25"),  # 24.75: exactly between 24.5 and 25 -> up
            (Fraction(97, 4), "24.5"),  # 24.25 -> up
            (Fraction(2424, 100), "24"),
            (Fraction(2426, 100), "24.5"),
            (Fraction(55, 2), "27.5"),
        ],
    )
    def test_rounding(self, days: Fraction, expected: str) -> None:
        assert round_half_day(days) == Decimal(expected)


class TestEntitlement:
    def test_no_model_is_the_default(self) -> None:
        assert entitlement([], 2026) == 20

    def test_one_model_all_year(self) -> None:
        assert entitlement([model("2020-01-01", "27.5")], 2026) == Decimal("27.5")

    def test_change_on_1_july(self) -> None:
        # 30 x 181/365 + 20 x 184/365 = 24.96
        models = [model("2026-01-01", "30"), model("2026-07-01", "20")]
        assert entitlement(models, 2026) == 25

    def test_leap_year(self) -> None:
        # 2028: 182 days to 30 June. 30 x 182/366 + 20 x 184/366 = 24.97
        models = [model("2028-01-01", "30"), model("2028-07-01", "20")]
        assert entitlement(models, 2028) == 25

    def test_before_the_first_model_the_default_applies(self) -> None:
        # 20 x 90/365 + 30 x 275/365 = 27.53
        assert entitlement([model("2026-04-01", "30")], 2026) == Decimal("27.5")

    def test_models_outside_the_year(self) -> None:
        models = [model("2024-05-01", "24"), model("2027-01-01", "10")]
        assert entitlement(models, 2026) == 24
        assert entitlement(models, 2027) == 10
        # 2024: 20 x 121/366 + 24 x 245/366 = 22.68
        assert entitlement(models, 2024) == Decimal("22.5")

    def test_a_model_from_the_last_day(self) -> None:
        # 0 x 364/365 + 365 x 1/365 = 1
        models = [model("2026-01-01", "0"), model("2026-12-31", "365")]
        assert entitlement(models, 2026) == 1

    def test_zero(self) -> None:
        assert entitlement([model("2000-01-01", "0", NONE)], 2026) == 0


class TestLeaveDays:
    def test_working_days_only(self) -> None:
        # Mon 11 May - Mon 18 May 2026 with Ascension Day on Thursday 14 May.
        days = leave_days([absence("2026-05-11", "2026-05-18")], [], {date(2026, 5, 14)}, 2026)
        assert (days.taken, days.planned) == (Decimal(5), Decimal(0))

    def test_half_days(self) -> None:
        days = leave_days(
            [
                absence("2026-03-02", "2026-03-02", half=True),
                absence("2026-03-03", "2026-03-05", WAITING, half=True),
            ],
            [],
            set(),
            2026,
        )
        assert (days.taken, days.planned) == (Decimal("0.5"), Decimal("1.5"))

    def test_half_day_on_a_day_off_counts_nothing(self) -> None:
        days = leave_days([absence("2026-03-07", "2026-03-07", half=True)], [], set(), 2026)
        assert days.taken == 0

    def test_the_model_of_each_day(self) -> None:
        models = [model("2026-01-01", "30"), model("2026-07-01", "20", FOUR_DAYS)]
        days = leave_days([absence("2026-06-29", "2026-07-03")], models, set(), 2026)
        assert days.taken == 4  # Mon, Tue full time; Wed, Thu four-day week; Fri off

    def test_a_model_working_on_sundays(self) -> None:
        week = (0, 0, 0, 0, 0, 3600, 3600)
        days = leave_days(
            [absence("2026-03-02", "2026-03-08")], [model("2026-01-01", "5", week)], set(), 2026
        )
        assert days.taken == 2

    def test_only_the_part_inside_the_year(self) -> None:
        absences = [absence("2025-12-29", "2026-01-09"), absence("2026-12-28", "2027-01-08")]
        holidays = {date(2026, 1, 1), date(2026, 1, 6)}
        days = leave_days(absences, [], holidays, 2026)
        # 2 Jan (Fri), 5, 7, 8, 9 Jan; 28-31 Dec
        assert days.taken == 5 + 4

    def test_other_statuses_are_ignored(self) -> None:
        days = leave_days([absence("2026-03-02", "2026-03-06", 2)], [], set(), 2026)
        assert (days.taken, days.planned) == (Decimal(0), Decimal(0))

    def test_a_day_counts_at_most_once(self) -> None:
        absences = [
            absence("2026-03-02", "2026-03-03"),
            absence("2026-03-03", "2026-03-04"),  # overlaps 3 March
            absence("2026-03-05", "2026-03-05", half=True),
            absence("2026-03-05", "2026-03-05", half=True),  # morning and afternoon
            absence("2026-03-05", "2026-03-05", half=True),  # a third half: nothing left
            absence("2026-03-02", "2026-03-02", WAITING),  # already taken
            absence("2026-03-06", "2026-03-06", WAITING),
        ]
        days = leave_days(absences, [], set(), 2026)
        assert (days.taken, days.planned) == (Decimal(4), Decimal(1))

    def test_approved_counts_before_waiting(self) -> None:
        absences = [
            absence("2026-03-02", "2026-03-02", WAITING),
            absence("2026-03-02", "2026-03-02", half=True),
        ]
        days = leave_days(absences, [], set(), 2026)
        assert (days.taken, days.planned) == (Decimal("0.5"), Decimal("0.5"))
