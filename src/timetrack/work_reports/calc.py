"""The timesheet arithmetic, free of I/O: one record per user and day, and period totals.

Per day:

- **target**: from the working-time model valid that day (the one with the latest
  ``valid_from`` on or before it; without one, Monday-Friday 8 h);
- **worked** and **breaks**: from the day's closed attendances, each attributed to the local
  date it starts on. Worked is each attendance's span less its break; the break is the
  attendances' breaks plus the gaps between consecutive attendances of the day (listed in
  ``break_times`` as ``HH:MM-HH:MM``). Spans and gaps are measured between true instants when
  they are known, so a day with a daylight-saving change counts its real length;
- **credits**: a public holiday on a day with a target credits the whole target
  (``holiday_seconds``), and then no absence is counted that day; otherwise approved absences
  fill the slots 1..3 in order: a full day credits the target, a half day (a ``half_day`` type,
  or ``day_segment`` 1 or 2) half of it, a type that does not credit the target (home office,
  time off) 0 seconds. The credits of a day never exceed its target. Absences are not listed on
  days without a target (weekends of a vacation);
- **surcharge**: the worked time of Sundays and public holidays;
- ``difference = worked + credits - target`` (``workTargetDifference``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

FULL_DAY, FIRST_HALF, SECOND_HALF = 0, 1, 2
MAX_ABSENCES_PER_DAY = 3
SUNDAY = 7
HOLIDAY_WEEKDAY = 8

GroupBy = Literal["week", "month", "year"]
GROUP_BYS: tuple[GroupBy, ...] = ("week", "month", "year")

Week = tuple[int, int, int, int, int, int, int]
DEFAULT_WEEK: Week = (28800, 28800, 28800, 28800, 28800, 0, 0)  # Monday-Friday 8 h


@dataclass(frozen=True, slots=True)
class Model:
    """Target seconds Monday..Sunday, valid from a date until the next model starts."""

    valid_from: date
    week: Week


@dataclass(frozen=True, slots=True)
class Shift:
    """One closed attendance: wall-clock start and end in the user's zone (naive), its break,
    and, when known, the true instants (aware), which measure the span and the gaps."""

    start: datetime
    end: datetime
    break_seconds: int = 0
    start_at: datetime | None = None
    end_at: datetime | None = None

    def span(self) -> int:
        if self.start_at is not None and self.end_at is not None:
            return int((self.end_at - self.start_at).total_seconds())
        return int((self.end - self.start).total_seconds())


def _gap(before: Shift, after: Shift) -> int:
    """Seconds between the end of ``before`` and the start of ``after``."""
    if before.end_at is not None and after.start_at is not None:
        return int((after.start_at - before.end_at).total_seconds())
    return int((after.start - before.end).total_seconds())


@dataclass(frozen=True, slots=True)
class Absence:
    """An approved absence, dates both inclusive, with the flags of its type."""

    first: date
    last: date
    short_name: str
    day_segment: int = FULL_DAY
    half_day: bool = False
    credits_target: bool = True

    def share(self, target: int) -> int:
        if not self.credits_target:
            return 0
        if self.half_day or self.day_segment in (FIRST_HALF, SECOND_HALF):
            return target // 2
        return target


@dataclass
class Day:
    work_date: date
    target: int = 0
    worked: int = 0
    breaks: int = 0
    break_times: list[str] = field(default_factory=list)
    surcharge: int = 0
    holiday_seconds: int = 0
    holiday: str | None = None
    absences: list[tuple[str, int]] = field(default_factory=list)
    work_start: datetime | None = None
    work_end: datetime | None = None

    @property
    def absence_seconds(self) -> int:
        return sum(seconds for _, seconds in self.absences)

    @property
    def credits(self) -> int:
        return self.holiday_seconds + self.absence_seconds

    @property
    def difference(self) -> int:
        return self.worked + self.credits - self.target

    @property
    def weekday(self) -> int:
        """1 Monday ... 7 Sunday, 8 on a public holiday (the vendor's convention)."""
        return HOLIDAY_WEEKDAY if self.holiday else self.work_date.isoweekday()


def dates(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def target_for(models: Sequence[Model], day: date) -> int:
    """The target of ``day`` by the model valid then (``models`` sorted by ``valid_from``)."""
    week = DEFAULT_WEEK
    for model in models:
        if model.valid_from > day:
            break
        week = model.week
    return week[day.weekday()]


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def build_days(
    first: date,
    last: date,
    models: Sequence[Model],
    shifts: Iterable[Shift],
    absences: Sequence[Absence],
    holidays: dict[date, str],
) -> list[Day]:
    """Every day from ``first`` to ``last`` (inclusive) for one user.

    ``models`` sorted by ``valid_from``; ``absences`` in the order they fill the slots.
    """
    models = sorted(models, key=lambda m: m.valid_from)
    by_day: dict[date, list[Shift]] = {}
    for shift in shifts:
        by_day.setdefault(shift.start.date(), []).append(shift)
    days = []
    for current in dates(first, last):
        day = Day(current, target=target_for(models, current), holiday=holidays.get(current))
        if day.holiday is not None:
            day.holiday_seconds = day.target
        elif day.target:
            _add_absences(day, [a for a in absences if a.first <= current <= a.last])
        _add_shifts(day, sorted(by_day.get(current, []), key=lambda s: (s.start, s.end)))
        if day.holiday is not None or current.isoweekday() == SUNDAY:
            day.surcharge = day.worked
        days.append(day)
    return days


def _add_absences(day: Day, absences: list[Absence]) -> None:
    for absence in absences[:MAX_ABSENCES_PER_DAY]:
        share = min(absence.share(day.target), day.target - day.absence_seconds)
        day.absences.append((absence.short_name, share))


def _add_shifts(day: Day, shifts: list[Shift]) -> None:
    if not shifts:
        return
    day.work_start = shifts[0].start
    latest = shifts[0]
    for index, shift in enumerate(shifts):
        day.worked += max(shift.span() - shift.break_seconds, 0)
        day.breaks += shift.break_seconds
        if index and shift.start > latest.end:
            # The gap between two attendances of a day is a break too.
            day.breaks += max(_gap(latest, shift), 0)
            day.break_times.append(f"{_clock(latest.end)}-{_clock(shift.start)}")
        if shift.end >= latest.end:
            latest = shift
    day.work_end = latest.end


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A week, month or year, clipped to the report's range."""

    label: str
    first: date
    last: date


def _period_of(day: date, by: GroupBy) -> tuple[str, date, date]:
    if by == "week":
        iso = day.isocalendar()
        monday = day - timedelta(days=day.weekday())
        return f"{iso.year}-W{iso.week:02d}", monday, monday + timedelta(days=6)
    if by == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return f"{day:%Y-%m}", start, following - timedelta(days=1)
    return f"{day.year:04d}", date(day.year, 1, 1), date(day.year, 12, 31)


def periods(first: date, last: date, by: GroupBy) -> list[Period]:
    """The periods that meet the range ``first``..``last``, each clipped to it, in order."""
    found = []
    current = first
    while current <= last:
        label, _, end = _period_of(current, by)
        end = min(end, last)
        found.append(Period(label, current, end))
        current = end + timedelta(days=1)
    return found


def summarise(days: Sequence[Day]) -> dict[str, Any]:
    """Totals of a run of days, as the grouped report shows them."""
    by_name: dict[str, int] = {}
    for day in days:
        for name, seconds in day.absences:
            by_name[name] = by_name.get(name, 0) + seconds
    return {
        "targetSeconds": sum(d.target for d in days),
        "workedSeconds": sum(d.worked for d in days),
        "workTargetDifference": sum(d.difference for d in days),
        "breakSeconds": sum(d.breaks for d in days),
        "surchargeSeconds": sum(d.surcharge for d in days),
        "holidaySeconds": sum(d.holiday_seconds for d in days),
        "absenceSeconds": sum(d.absence_seconds for d in days),
        "absences": by_name,
    }


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    period: Period
    days: list[Day]
    totals: dict[str, Any]
    balance: int  # the running workTargetDifference from the range's first day to period end


def group(days: Sequence[Day], by: GroupBy) -> list[PeriodTotals]:
    """``days`` (one user, consecutive, in order) summed per period, with the running balance."""
    if not days:
        return []
    result = []
    balance = 0
    index = 0
    for period in periods(days[0].work_date, days[-1].work_date, by):
        count = (period.last - period.first).days + 1
        chunk = list(days[index : index + count])
        index += count
        totals = summarise(chunk)
        balance += totals["workTargetDifference"]
        result.append(PeriodTotals(period, chunk, totals, balance))
    return result
