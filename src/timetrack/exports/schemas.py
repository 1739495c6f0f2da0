"""The query parameters every export shares (``format``, ``lang``) and the timesheet's
(``username``, ``month``, ``months``), read and checked before anything is read or sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query

from timetrack.canonical import QUERY_INTEGER
from timetrack.errors import (
    EXPORT_FORMAT_UNKNOWN,
    EXPORT_LANGUAGE_UNKNOWN,
    EXPORT_MONTH_INVALID,
    AppError,
)
from timetrack.exports.language import LANGUAGES, Lang
from timetrack.wire import NAME_MAX


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]


_MEDIA_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}
TABLES = (Format.CSV, Format.XLSX)
MAX_MONTHS = 12


def parse_format(text: str, allowed: tuple[Format, ...]) -> Format:
    wanted = text.strip().lower()
    for choice in allowed:
        if wanted == choice.value:
            return choice
    names = ", ".join(choice.value for choice in allowed)
    raise AppError.of(
        EXPORT_FORMAT_UNKNOWN,
        f"format: {text[:20]!r} is not one of {names}",
        parameter="format",
    )


def _format_query(default: Format, allowed: tuple[Format, ...]) -> object:
    names = ", ".join(f"`{choice.value}`" for choice in allowed)
    return Query(max_length=20, description=f"{names} (default `{default.value}`)")


async def table_format(
    format: Annotated[str, _format_query(Format.CSV, TABLES)] = Format.CSV.value,
) -> Format:
    return parse_format(format, TABLES)


async def timesheet_format(
    format: Annotated[str, _format_query(Format.PDF, tuple(Format))] = Format.PDF.value,
) -> Format:
    return parse_format(format, tuple(Format))


async def summary_format(
    format: Annotated[str, _format_query(Format.CSV, tuple(Format))] = Format.CSV.value,
) -> Format:
    return parse_format(format, tuple(Format))


async def language(
    lang: Annotated[
        str | None,
        Query(
            max_length=10,
            description="`de` or `en`: headings, numbers and dates (default: the caller's "
            "user's language, German for any `de-*`, else English; English for the account key)",
        ),
    ] = None,
) -> Lang | None:
    if lang is None or not lang.strip():
        return None
    wanted = lang.strip().lower()
    for choice in LANGUAGES:
        if wanted == choice:
            return choice
    raise AppError.of(
        EXPORT_LANGUAGE_UNKNOWN, f"lang: {lang[:10]!r} is not de or en", parameter="lang"
    )


TableFormatDep = Annotated[Format, Depends(table_format)]
TimesheetFormatDep = Annotated[Format, Depends(timesheet_format)]
SummaryFormatDep = Annotated[Format, Depends(summary_format)]
LanguageDep = Annotated[Lang | None, Depends(language)]

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, slots=True)
class TimesheetQuery:
    username: str
    first_month: date  # its first day
    months: int


async def timesheet_query(
    username: Annotated[
        str, Query(max_length=NAME_MAX, description="the user (whole username, any case)")
    ],
    month: Annotated[str, Query(max_length=7, description="the first month, YYYY-MM")],
    months: Annotated[
        int,
        Query(ge=1, le=MAX_MONTHS, description="how many months from `month`, 1-12 (default 1)"),
        QUERY_INTEGER,
    ] = 1,
) -> TimesheetQuery:
    found = _MONTH.fullmatch(month.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        raise AppError.of(
            EXPORT_MONTH_INVALID, f"month: {month!r} is not a month YYYY-MM", parameter="month"
        )
    first = date(int(found[1]), int(found[2]), 1)
    if (first.year, first.month + months - 1) > (9999, 12):
        raise AppError.of(EXPORT_MONTH_INVALID, "month: past 9999-12", parameter="month")
    return TimesheetQuery(username.strip(), first, months)


TimesheetQueryDep = Annotated[TimesheetQuery, Depends(timesheet_query)]
