"""Time spans of the records that book working time: project time entries and attendances.

Both store a span the same way (SPEC §1 "Dates and times"): the true instants (``start_at``,
``end_at``, UTC), the zone they were booked in, and the wall-clock text in that zone
(``start_local``, ``end_local``), which the lists filter and order by. This module holds what
they share: completing and checking ``from``/``to``/``workedMinutes``/``breakMinutes``, the
columns a span is stored in, reading a time sent on update, and the ``from``/``to`` list
filters. Each resource passes its own error codes.

Whatever is stored here must be accepted back: a client that PUTs a record's own GET body (or
imports it again) sends the stored wall-clock times and minutes through the same input checks.
So the values as computed and stored are held to the input limits: the wall-clock years
1970-2199 in the record's zone (an offset or a zone can move an instant across a year) and at
most ``MINUTES_MAX`` worked minutes (a computed span can exceed it). ``stored_wall`` is that
rule for one time; every write of a span, an open attendance or a timer event goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from timetrack.db import Row
from timetrack.errors import FIELD_INVALID, FIELD_REQUIRED, PARAMETER_INVALID, AppError, ErrorCode
from timetrack.times import (
    LOCAL_FORMAT,
    MAX_YEAR,
    MIN_YEAR,
    TimeFormatError,
    WireTime,
    local_text,
    parse_date_or_timestamp,
    utc_to_local,
)
from timetrack.wire import MINUTES_MAX


@dataclass(frozen=True, slots=True)
class SpanCodes:
    """The codes one resource answers span errors with."""

    end_before_start: ErrorCode
    break_too_long: ErrorCode
    worked_inconsistent: ErrorCode


@dataclass(frozen=True, slots=True)
class Span:
    start: datetime
    end: datetime
    worked_minutes: int
    break_minutes: int
    # The field an end outside the limits is reported at: the one the end came from.
    end_field: str = "/to"


def stored_wall(instant: datetime, zone_name: str, pointer: str) -> str:
    """The wall-clock text an instant is stored (and answered) as in ``zone_name``, refused
    with 400 (10011, at ``pointer``) when its year is one a client could not send back."""
    wall = utc_to_local(instant, zone_name)
    if not MIN_YEAR <= wall.year <= MAX_YEAR:
        raise AppError.of(
            FIELD_INVALID,
            f"falls on {wall:%Y-%m-%d %H:%M:%S} in {zone_name}, outside the years "
            f"{MIN_YEAR}-{MAX_YEAR} that user times may take",
            pointer=pointer,
        )
    return local_text(wall)


def resolve_span(
    start: datetime,
    end: datetime | None,
    worked: int | None,
    brk: int,
    codes: SpanCodes,
    *,
    end_field: str = "/to",
) -> Span:
    """Complete and check ``from``/``to``/``workedMinutes``/``breakMinutes`` (true instants).

    ``to`` missing: ``from + worked + break``. ``workedMinutes`` missing: the span less the
    break, refused when it passes ``MINUTES_MAX``. Both given: they must agree to within a
    minute (the wire has minute resolution for durations but second resolution for times).
    ``end_field`` names the field ``to`` came in (``/date`` for a clock-out or a timer stop).
    """
    if end is None:
        if worked is None:
            raise AppError.of(FIELD_REQUIRED, "send `to` or `workedMinutes`", pointer="/to")
        end = start + timedelta(minutes=worked + brk)
        end_field = "/workedMinutes"
    span = (end - start).total_seconds()
    if span <= 0:
        raise AppError.of(codes.end_before_start, "`to` must be after `from`", pointer="/to")
    if brk * 60 >= span:
        raise AppError.of(
            codes.break_too_long,
            f"a break of {brk} min does not fit in {span / 60:g} min",
            pointer="/breakMinutes",
        )
    if worked is None:
        worked = int(span + 30) // 60 - brk  # whole minutes, halves up
        if worked > MINUTES_MAX:
            raise AppError.of(
                FIELD_INVALID,
                f"from..to less the break is {worked:,} min, over the limit of "
                f"{MINUTES_MAX:,} for workedMinutes",
                pointer=end_field,
            )
    elif abs((worked + brk) * 60 - span) >= 60:
        raise AppError.of(
            codes.worked_inconsistent,
            f"from..to spans {span / 60:g} min, but workedMinutes {worked} + "
            f"breakMinutes {brk} = {worked + brk}",
            pointer="/workedMinutes",
        )
    return Span(start, end, worked, brk, end_field)


def time_columns(span: Span, zone_name: str) -> dict[str, Any]:
    """The columns a span is stored in."""
    return {
        "start_at": span.start,
        "end_at": span.end,
        "start_local": stored_wall(span.start, zone_name, "/from"),
        "end_local": stored_wall(span.end, zone_name, span.end_field),
        "time_zone": zone_name,
        "worked_minutes": span.worked_minutes,
        "break_minutes": span.break_minutes,
    }


def wire_local_text(text: str) -> str:
    """Stored wall-clock text (``2025-03-04 09:00:00``) as the vendor writes it."""
    return f"{text[:10]}T{text[11:]}.000Z"


def sent_instant(sent: WireTime, zone_name: str, current: Row, side: str) -> datetime:
    """The instant a time sent on update names. A wall-clock time equal to the record's own (a
    read-modify-write client echoing what it read) keeps the record's instant: in the repeated
    fall-back hour the text alone names the first occurrence and would move the record.
    ``side`` is ``start`` or ``end``."""
    if (
        sent.offset is None
        and zone_name == current["time_zone"]
        and local_text(sent.wall) == current[f"{side}_local"]
    ):
        at: datetime = current[f"{side}_at"]
        return at
    return sent.instant(zone_name)


@dataclass(frozen=True, slots=True)
class StartBound:
    """One end of a ``from``/``to`` list filter on a record's start, parsed: the column it
    compares (``start_local``, the wall-clock text, or ``start_at``, the true instant), how,
    and with what."""

    column: str
    operator: str
    value: Any

    def condition(self, alias: str) -> tuple[str, Any]:
        """The filter condition; ``alias`` is the table alias with its dot (``e.``)."""
        return f"{alias}{self.column} {self.operator} {{}}", self.value


def start_bound(parameter: str, text: str, *, upper: bool) -> StartBound:
    """Parse one ``from``/``to`` list parameter; a malformed one is a 400 naming it.

    A date compares with the local start date (a date ``to`` includes its whole day); a
    timestamp without an offset with the local wall-clock start; one with an offset with the
    true instant.
    """
    op = "<=" if upper else ">="
    try:
        stamp = parse_date_or_timestamp(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"{parameter}: {exc}", parameter=parameter) from None
    if isinstance(stamp, date):
        if upper:  # a date `to` includes its whole day
            return StartBound(
                "start_local", "<", (stamp + timedelta(days=1)).strftime(LOCAL_FORMAT)
            )
        return StartBound("start_local", ">=", stamp.strftime(LOCAL_FORMAT))
    if stamp.offset is None:
        return StartBound("start_local", op, local_text(stamp.wall))
    return StartBound("start_at", op, stamp.instant("UTC"))
