"""Wall-clock time on the wire, true instants in the database (SPEC §1, "Dates and times").

The vendor's clients send and read the user's local wall-clock time written with a ``Z``
suffix. So a timestamp ending in ``Z`` (or with no offset) is read as wall-clock time in the
user's zone; one with an explicit numeric offset names an instant, which is converted into the
user's zone. Responses write wall-clock time as ``YYYY-MM-DDTHH:MM:SS.000Z``.

Wall-clock times that do not map to exactly one instant follow RFC 5545 §3.3.5, the rule
calendar software shares: a time inside a spring-forward gap (02:30 on the day Berlin skips
from 02:00 to 03:00) is read with the offset in force before the gap, so it lands an hour
later (03:30); an ambiguous time in the fall-back hour is its first occurrence (the earlier
instant, still on summer time). An explicit offset always selects the exact instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

MIN_YEAR = 1970
MAX_YEAR = 2199

# Matched whole (fullmatch) and in ASCII digits: "$" matches before a trailing newline, and
# "\d" matches every Unicode digit (full-width ones too); each made a second spelling.
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

# The same formats as the OpenAPI document states them (JSON-Schema regex), with the year range
# and the field ranges the parsers check; the parsers stay the rule (e.g. for February 30th).
_DAY = r"(19[7-9][0-9]|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
_TIME += r"(Z|[+-](0[0-9]|1[0-8]):[0-5][0-9])?"
DATE_PATTERN = f"^{_DAY}$"
TIMESTAMP_PATTERN = f"^{_DAY}{_TIME}$"
DATE_OR_TIMESTAMP_PATTERN = f"^{_DAY}({_TIME})?$"


def _iana_zones() -> frozenset[str]:
    """The zone names of the IANA time zone database, as the tzdata package lists them.

    Not ``zoneinfo.available_timezones()``: it also walks the host's zoneinfo directory, which
    holds files that are no zone names ("localtime", the host's own setting, "posixrules") and
    differs from host to host. ``ZoneInfo`` loads whatever file a name leads to, so on a
    case-insensitive disk "europe/berlin" loaded too. "Factory" is in the database but names no
    place (its abbreviation "-00" means "local time unknown").
    """
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return frozenset(listed.split()) - {"Factory"}


_ZONES = _iana_zones()

# The wall-clock text stored beside each instant: fixed width, so it sorts as it compares.
LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"


class TimeFormatError(ValueError):
    """The text is not a date or timestamp in an accepted format and range."""


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone name, exactly as the database spells it."""
    return name in _ZONES


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class WireTime:
    """A parsed wire timestamp: wall-clock fields, and the offset if one was written."""

    wall: datetime  # naive
    offset: timedelta | None

    def instant(self, zone_name: str) -> datetime:
        """The true UTC instant this names for a user in ``zone_name``."""
        if self.offset is not None:
            return (self.wall - self.offset).replace(tzinfo=UTC)
        return local_to_utc(self.wall, zone_name)


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TimeFormatError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")


def parse_timestamp(text: str) -> WireTime:
    match = _TIMESTAMP.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise TimeFormatError(
            "must be a timestamp YYYY-MM-DDTHH:MM:SS[.fff] followed by Z or an offset like +02:00"
        )
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    _check_year(year)
    try:
        wall = datetime(year, month, day, hour, minute, second)  # fractions are dropped
    except ValueError as exc:
        raise TimeFormatError(f"not a real date and time: {exc}") from None
    suffix = match.group(8)
    if suffix is None or suffix == "Z":
        return WireTime(wall, None)
    sign = 1 if suffix[0] == "+" else -1
    hours, minutes = int(suffix[1:3]), int(suffix[4:6])
    if hours > 18 or minutes > 59:
        raise TimeFormatError("the offset must be between -18:00 and +18:00")
    return WireTime(wall, sign * timedelta(hours=hours, minutes=minutes))


def parse_date(text: str) -> date:
    match = _DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise TimeFormatError("must be a date YYYY-MM-DD")
    year, month, day = (int(g) for g in match.groups())
    _check_year(year)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise TimeFormatError(f"not a real date: {exc}") from None


def _plus_restored(text: str) -> str:
    if len(text) > 6 and text[-6] == " ":
        return f"{text[:-6]}+{text[-5:]}"
    return text


def parse_date_or_timestamp(text: str) -> date | WireTime:
    """A query-parameter bound: a date, or a timestamp; each with its own checks.

    ``?from=2025-10-01T00:00:00+02:00`` typed into curl unencoded arrives with a space for the
    ``+``; that space can mean nothing else, so it is read as the ``+`` it was.
    """
    text = _plus_restored(text)
    if _DATE.fullmatch(text):
        return parse_date(text)
    if _TIMESTAMP.fullmatch(text):
        return parse_timestamp(text)
    raise TimeFormatError(
        "must be a date YYYY-MM-DD or a timestamp YYYY-MM-DDTHH:MM:SS[.fff] followed by Z "
        "or an offset like +02:00"
    )


def parse_instant(text: str) -> datetime:
    """A true instant for system timestamps (``updatedSince``): ``Z`` means UTC here."""
    value = parse_date_or_timestamp(text)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    # parse_timestamp drops fractions (wall-clock times count whole seconds); an instant keeps
    # them, or an updatedSince of "...:05.900Z" would also match changes made at :05.000-.899.
    match = _TIMESTAMP.fullmatch(_plus_restored(text))
    fraction = match.group(7) if match else None
    micros = int(fraction.ljust(6, "0")) if fraction else 0
    return value.instant("UTC").replace(microsecond=micros)


def local_to_utc(wall: datetime, zone_name: str) -> datetime:
    """The instant of a naive wall-clock time in a zone, by the RFC 5545 rule above."""
    tz = zone(zone_name)
    first = wall.replace(tzinfo=tz, fold=0)
    # fold=0 gives the pre-transition offset both for the gap (RFC 5545) and for the
    # ambiguous hour (its first occurrence).
    return first.astimezone(UTC)


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time of an instant in a zone."""
    return instant.astimezone(zone(zone_name)).replace(tzinfo=None)


def local_text(wall: datetime) -> str:
    return wall.strftime(LOCAL_FORMAT)


def wire_local(instant: datetime, zone_name: str) -> str:
    """An instant as the vendor writes it: wall-clock time in the zone, ``.000Z`` suffix."""
    return utc_to_local(instant, zone_name).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wire_utc(instant: datetime) -> str:
    """A true UTC instant, ``YYYY-MM-DDTHH:MM:SS.fffZ`` (system timestamps like updatedAt)."""
    # isoformat is C code; strftime through an f-string cost ~3 µs, three times per entry.
    moment = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
