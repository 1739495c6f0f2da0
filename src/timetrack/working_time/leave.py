"""The leave arithmetic, free of I/O: entitlement per year and leave days taken or planned.

- **Entitlement**: each working-time model's ``vacationDaysPerYear``, prorated by the days of
  the year it is valid, summed, and rounded to the nearest half day (halves round up). Before a
  user's first model the default model applies (Monday-Friday 8 h, ``DEFAULT_VACATION_DAYS``),
  exactly as timesheets apply it (``work_reports.calc.target_for``).
- **Leave days**: each day of an absence inside the year counts when it is a working day for
  the user (the model valid that day has a target above zero) and not a public holiday: a whole
  day, or half a day for a half-day absence (``day_segment`` 1 or 2, or a half-day type). A day
  never counts more than one day in all: two half days make one, overlapping absences do not
  count twice. Approved leave counts first, then leave waiting for approval.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from timetrack.work_reports.calc import Model, target_for
from timetrack.working_time.fields import DEFAULT_VACATION_DAYS

WAITING, APPROVED = 0, 1
HALF = Decimal("0.5")
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class LeaveModel:
    """A working-time model as leave sees it (``models`` lists are sorted by ``valid_from``)."""

    valid_from: date
    week: tuple[int, int, int, int, int, int, int]
    vacation_days: Decimal

    @property
    def target_model(self) -> Model:
        return Model(self.valid_from, self.week)


@dataclass(frozen=True, slots=True)
class LeaveAbsence:
    """An absence of a type that counts against the entitlement."""

    start: date
    end: date  # inclusive
    status: int  # 0 waiting, 1 approved (others are ignored)
    half_day: bool  # day_segment 1/2, or a half-day type


@dataclass(frozen=True, slots=True)
class LeaveDays:
    taken: Decimal
    planned: Decimal


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def round_half_day(days: Fraction) -> Decimal:
    """To the nearest half day; exactly between two halves rounds up."""
    halves = math.floor(days * 2 + Fraction(1, 2))
    return Decimal(halves) / 2


def entitlement(models: Sequence[LeaveModel], year: int) -> Decimal:
    """The year's leave entitlement in days, prorated over the models valid in it."""
    first, last = year_bounds(year)
    days_in_year = (last - first).days + 1
    # (start of a validity period, its vacation days); the default applies before any model.
    periods: list[tuple[date, Decimal]] = [(date.min, DEFAULT_VACATION_DAYS)]
    periods += [(m.valid_from, m.vacation_days) for m in models]
    total = Fraction(0)
    for i, (start, days) in enumerate(periods):
        end = periods[i + 1][0] - timedelta(days=1) if i + 1 < len(periods) else date.max
        overlap = (min(end, last) - max(start, first)).days + 1
        if overlap > 0:
            total += Fraction(days) * overlap / days_in_year
    return round_half_day(total)


def leave_days(
    absences: Sequence[LeaveAbsence],
    models: Sequence[LeaveModel],
    holidays: Collection[date],
    year: int,
) -> LeaveDays:
    """Leave days taken (approved) and planned (waiting) within ``year``."""
    first, last = year_bounds(year)
    targets = [m.target_model for m in models]
    used: dict[date, Decimal] = {}  # leave already counted on each day (at most one)
    totals = {APPROVED: Decimal(0), WAITING: Decimal(0)}
    for absence in sorted(absences, key=lambda a: (a.status != APPROVED, a.start)):
        if absence.status not in totals:
            continue
        share = HALF if absence.half_day else ONE
        day = max(absence.start, first)
        while day <= min(absence.end, last):
            if day not in holidays and target_for(targets, day) > 0:
                counted = min(share, ONE - used.get(day, Decimal(0)))
                if counted > 0:
                    used[day] = used.get(day, Decimal(0)) + counted
                    totals[absence.status] += counted
            day += timedelta(days=1)
    return LeaveDays(taken=totals[APPROVED], planned=totals[WAITING])
