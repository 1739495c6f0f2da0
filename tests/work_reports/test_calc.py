"""The timesheet arithmetic of ``timetrack.work_reports.calc``, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from timetrack.work_reports.calc import (
    DEFAULT_WEEK,
    Absence,
    Day,
    Model,
    Period,
    Shift,
    build_days,
    dates,
    group,
    periods,
    summarise,
    target_for,
)

H = 3600
PART_TIME = Model(date(2025, 1, 16), (6 * H, 6 * H, 6 * H, 6 * H, 4 * H, 0, 0))


def wall(day: str, hh: int, mm: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hh:02d}:{mm:02d}:00")


def shift(day: str, start: tuple[int, int], end: tuple[int, int], break_min: int = 0) -> Shift:
    return Shift(wall(day, *start), wall(day, *end), break_min * 60)


def one(
    day: str,
    *,
    models: list[Model] | None = None,
    shifts: list[Shift] | None = None,
    absences: list[Absence] | None = None,
    holidays: dict[date, str] | None = None,
) -> Day:
    when = date.fromisoformat(day)
    days = build_days(when, when, models or [], shifts or [], absences or [], holidays or {})
    assert len(days) == 1
    return days[0]


def absence(first: str, last: str | None = None, name: str = "VAC", **flags: Any) -> Absence:
    return Absence(
        date.fromisoformat(first),
        date.fromisoformat(last or first),
        name,
        **flags,
    )


class TestTarget:
    def test_default_week_is_monday_to_friday_8h(self) -> None:
        assert DEFAULT_WEEK == (8 * H, 8 * H, 8 * H, 8 * H, 8 * H, 0, 0)
        assert target_for([], date(2025, 1, 13)) == 8 * H  # Monday
        assert target_for([], date(2025, 1, 17)) == 8 * H  # Friday
        assert target_for([], date(2025, 1, 18)) == 0  # Saturday
        assert target_for([], date(2025, 1, 19)) == 0  # Sunday

    def test_latest_model_starting_on_or_before_the_day(self) -> None:
        early = Model(date(2024, 1, 1), (H, H, H, H, H, H, H))
        models = [early, PART_TIME]
        assert target_for(models, date(2023, 12, 29)) == 8 * H  # before any model: default
        assert target_for(models, date(2025, 1, 15)) == H  # Wednesday, early model
        assert target_for(models, date(2025, 1, 16)) == 6 * H  # Thursday, first day of the new
        assert target_for(models, date(2025, 1, 17)) == 4 * H  # Friday
        assert target_for(models, date(2025, 1, 18)) == 0

    def test_models_need_not_arrive_sorted(self) -> None:
        early = Model(date(2024, 1, 1), (H, H, H, H, H, H, H))
        days = build_days(date(2025, 1, 15), date(2025, 1, 16), [PART_TIME, early], [], [], {})
        assert [d.target for d in days] == [H, 6 * H]


class TestShifts:
    def test_one_attendance(self) -> None:
        day = one("2025-01-02", shifts=[shift("2025-01-02", (8, 0), (16, 30), 30)])
        assert (day.target, day.worked, day.breaks, day.difference) == (8 * H, 8 * H, 1800, 0)
        assert day.work_start == wall("2025-01-02", 8)
        assert day.work_end == wall("2025-01-02", 16, 30)
        assert day.break_times == []
        assert day.surcharge == 0

    def test_gap_between_attendances_is_a_break(self) -> None:
        day = one(
            "2025-01-03",
            shifts=[
                shift("2025-01-03", (12, 45), (17, 15), 15),  # arrives out of order
                shift("2025-01-03", (8, 0), (12, 0)),
            ],
        )
        # 4 h + (4.5 h - 15 min) worked; 15 min + 45 min gap of break
        assert day.worked == 4 * H + 4 * H + 15 * 60
        assert day.breaks == 15 * 60 + 45 * 60
        assert day.break_times == ["12:00-12:45"]
        assert day.work_start == wall("2025-01-03", 8)
        assert day.work_end == wall("2025-01-03", 17, 15)
        assert day.difference == 15 * 60

    def test_three_attendances_two_gaps(self) -> None:
        day = one(
            "2025-01-03",
            shifts=[
                shift("2025-01-03", (8, 0), (10, 0)),
                shift("2025-01-03", (10, 0), (12, 0)),  # back to back: no gap
                shift("2025-01-03", (13, 0), (14, 0)),
                shift("2025-01-03", (14, 30), (15, 0)),
            ],
        )
        assert day.worked == 5 * H + 30 * 60
        assert day.breaks == H + 30 * 60
        assert day.break_times == ["12:00-13:00", "14:00-14:30"]

    def test_overnight_attendance_belongs_to_the_day_it_starts(self) -> None:
        night = Shift(wall("2025-01-28", 22), wall("2025-01-29", 2), 0)
        days = build_days(date(2025, 1, 28), date(2025, 1, 29), [], [night], [], {})
        assert [d.worked for d in days] == [4 * H, 0]
        assert days[0].work_end == wall("2025-01-29", 2)
        assert days[1].work_start is None

    def test_true_instants_measure_a_dst_night(self) -> None:
        # Berlin, 2025-03-30: 00:00 CET (23:00 UTC) to 04:00 CEST (02:00 UTC) is 3 hours.
        night = Shift(
            wall("2025-03-30", 0),
            wall("2025-03-30", 4),
            0,
            start_at=datetime(2025, 3, 29, 23, 0, tzinfo=UTC),
            end_at=datetime(2025, 3, 30, 2, 0, tzinfo=UTC),
        )
        day = one("2025-03-30", shifts=[night])
        assert day.worked == 3 * H
        assert day.surcharge == 3 * H  # a Sunday

    def test_sunday_and_holiday_work_is_surcharged(self) -> None:
        sunday = one("2025-01-05", shifts=[shift("2025-01-05", (10, 0), (12, 0))])
        assert (sunday.target, sunday.worked, sunday.surcharge, sunday.difference) == (
            0,
            2 * H,
            2 * H,
            2 * H,
        )
        assert sunday.weekday == 7
        saturday = one("2025-01-04", shifts=[shift("2025-01-04", (10, 0), (12, 0))])
        assert (saturday.surcharge, saturday.weekday, saturday.difference) == (0, 6, 2 * H)
        holiday = one(
            "2025-01-06",
            shifts=[shift("2025-01-06", (9, 0), (11, 0))],
            holidays={date(2025, 1, 6): "Epiphany"},
        )
        assert holiday.surcharge == 2 * H
        assert holiday.difference == 2 * H  # the target is credited

    def test_break_longer_than_span_counts_no_negative_work(self) -> None:
        day = one("2025-01-02", shifts=[shift("2025-01-02", (8, 0), (8, 30), 45)])
        assert day.worked == 0
        assert day.breaks == 45 * 60

    def test_no_attendance(self) -> None:
        day = one("2025-01-14")
        assert (day.worked, day.breaks, day.difference) == (0, 0, -8 * H)
        assert day.work_start is None and day.work_end is None


class TestHolidays:
    def test_holiday_on_a_working_day_credits_the_target(self) -> None:
        day = one("2025-01-01", holidays={date(2025, 1, 1): "New Year's Day"})
        assert (day.holiday, day.weekday) == ("New Year's Day", 8)
        assert (day.target, day.holiday_seconds, day.difference) == (8 * H, 8 * H, 0)

    def test_holiday_on_a_day_off_credits_nothing_but_is_weekday_8(self) -> None:
        day = one("2025-12-28", holidays={date(2025, 12, 28): "Some Sunday holiday"})
        assert (day.target, day.holiday_seconds, day.weekday) == (0, 0, 8)

    def test_holiday_with_the_models_target(self) -> None:
        day = one("2025-01-17", models=[PART_TIME], holidays={date(2025, 1, 17): "X"})
        assert day.holiday_seconds == 4 * H

    def test_an_absence_on_a_holiday_is_not_counted(self) -> None:
        day = one("2025-01-06", absences=[absence("2025-01-06")], holidays={date(2025, 1, 6): "E"})
        assert day.absences == []
        assert day.credits == 8 * H


class TestAbsences:
    def test_full_day(self) -> None:
        day = one("2025-01-08", absences=[absence("2025-01-08", name="SICK")])
        assert day.absences == [("SICK", 8 * H)]
        assert day.difference == 0

    def test_half_day_type(self) -> None:
        day = one(
            "2025-01-07",
            shifts=[shift("2025-01-07", (8, 0), (12, 0))],
            absences=[absence("2025-01-07", name="HDL", half_day=True)],
        )
        assert day.absences == [("HDL", 4 * H)]
        assert day.difference == 0

    def test_half_day_segments(self) -> None:
        for segment in (1, 2):
            day = one("2025-01-09", absences=[absence("2025-01-09", day_segment=segment)])
            assert day.absences == [("VAC", 4 * H)]

    def test_two_halves_of_one_day(self) -> None:
        day = one(
            "2025-01-30",
            models=[PART_TIME],
            absences=[
                absence("2025-01-30", day_segment=1),
                absence("2025-01-30", name="SICK", day_segment=2),
            ],
        )
        assert day.absences == [("VAC", 3 * H), ("SICK", 3 * H)]
        assert day.difference == 0

    def test_half_of_an_odd_target_rounds_down(self) -> None:
        odd = Model(date(2025, 1, 1), (7 * H + 1,) * 5 + (0, 0))
        day = one("2025-01-09", models=[odd], absences=[absence("2025-01-09", day_segment=1)])
        assert day.absences == [("VAC", 12600)]

    def test_type_that_does_not_credit_shows_with_zero(self) -> None:
        day = one(
            "2025-01-13",
            shifts=[shift("2025-01-13", (8, 0), (16, 30), 30)],
            absences=[absence("2025-01-13", name="HO", credits_target=False)],
        )
        assert day.absences == [("HO", 0)]
        assert day.difference == 0

    def test_credits_never_exceed_the_target(self) -> None:
        day = one(
            "2025-01-08",
            absences=[
                absence("2025-01-08", day_segment=1),
                absence("2025-01-08", name="SICK"),
                absence("2025-01-08", name="SPL"),
            ],
        )
        assert day.absences == [("VAC", 4 * H), ("SICK", 4 * H), ("SPL", 0)]
        assert day.difference == 0

    def test_at_most_three_slots(self) -> None:
        names = ["A", "B", "C", "D"]
        day = one(
            "2025-01-08",
            absences=[absence("2025-01-08", name=n, credits_target=False) for n in names],
        )
        assert [name for name, _ in day.absences] == ["A", "B", "C"]

    def test_multi_day_absence_skips_days_without_target(self) -> None:
        days = build_days(
            date(2025, 1, 24),
            date(2025, 1, 27),
            [PART_TIME],
            [],
            [absence("2025-01-24", "2025-01-27")],
            {},
        )
        assert [d.absences for d in days] == [[("VAC", 4 * H)], [], [], [("VAC", 6 * H)]]
        assert [d.difference for d in days] == [0, 0, 0, 0]

    def test_absence_reaching_into_the_range(self) -> None:
        days = build_days(
            date(2025, 1, 27), date(2025, 1, 28), [], [], [absence("2025-01-20", "2025-01-27")], {}
        )
        assert [d.absences for d in days] == [[("VAC", 8 * H)], []]


class TestPeriods:
    def test_dates(self) -> None:
        assert dates(date(2024, 2, 28), date(2024, 3, 1)) == [
            date(2024, 2, 28),
            date(2024, 2, 29),
            date(2024, 3, 1),
        ]

    def test_iso_weeks_clipped_to_the_range(self) -> None:
        assert periods(date(2024, 12, 31), date(2025, 1, 14), "week") == [
            Period("2025-W01", date(2024, 12, 31), date(2025, 1, 5)),
            Period("2025-W02", date(2025, 1, 6), date(2025, 1, 12)),
            Period("2025-W03", date(2025, 1, 13), date(2025, 1, 14)),
        ]
        assert periods(date(2021, 1, 1), date(2021, 1, 4), "week") == [
            Period("2020-W53", date(2021, 1, 1), date(2021, 1, 3)),
            Period("2021-W01", date(2021, 1, 4), date(2021, 1, 4)),
        ]

    def test_months(self) -> None:
        assert periods(date(2024, 1, 15), date(2024, 3, 1), "month") == [
            Period("2024-01", date(2024, 1, 15), date(2024, 1, 31)),
            Period("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
            Period("2024-03", date(2024, 3, 1), date(2024, 3, 1)),
        ]
        assert periods(date(2024, 12, 1), date(2025, 1, 1), "month")[0].last == date(2024, 12, 31)

    def test_years(self) -> None:
        assert periods(date(2024, 7, 1), date(2025, 6, 30), "year") == [
            Period("2024", date(2024, 7, 1), date(2024, 12, 31)),
            Period("2025", date(2025, 1, 1), date(2025, 6, 30)),
        ]

    def test_group_sums_and_running_balance(self) -> None:
        days = build_days(
            date(2025, 1, 1),
            date(2025, 1, 12),
            [],
            [shift("2025-01-02", (8, 0), (17, 0), 30), shift("2025-01-09", (8, 0), (10, 0))],
            [absence("2025-01-07", name="HDL", half_day=True), absence("2025-01-08")],
            {date(2025, 1, 1): "New Year's Day"},
        )
        weeks = group(days, "week")
        assert [w.period.label for w in weeks] == ["2025-W01", "2025-W02"]
        first, second = weeks
        # W01 (Jan 1-5): holiday Wed, Thu 8.5 h worked, Fri nothing
        assert first.totals["targetSeconds"] == 3 * 8 * H
        assert first.totals["workedSeconds"] == 8 * H + 1800
        assert first.totals["holidaySeconds"] == 8 * H
        assert first.totals["workTargetDifference"] == 1800 - 8 * H
        assert first.balance == 1800 - 8 * H
        # W02 (Jan 6-12): HDL 4 h Tue, VAC 8 h Wed, 2 h Thu; 40 h target
        assert second.totals["absences"] == {"HDL": 4 * H, "VAC": 8 * H}
        assert second.totals["absenceSeconds"] == 12 * H
        assert second.totals["workTargetDifference"] == 14 * H - 40 * H
        assert second.balance == 1800 - 8 * H + 14 * H - 40 * H
        assert len(second.days) == 7
        month = group(days, "month")
        assert len(month) == 1 and month[0].balance == second.balance
        assert summarise(days)["workTargetDifference"] == second.balance

    def test_group_of_nothing(self) -> None:
        assert group([], "month") == []
