"""The timesheet export: a user's days (``service.timesheet``) as PDF, XLSX or CSV.

A timesheet is at most a year of days, so it is built whole; the CSV and XLSX come from the
same writers as the other exports, the PDF from ``pdf_writer`` with a page per month.
"""

from __future__ import annotations

import asyncio

from timetrack.accounts.service import Account
from timetrack.exports.csv_writer import csv_bytes
from timetrack.exports.language import Style
from timetrack.exports.schemas import Format
from timetrack.exports.service import TIMESHEET_COLUMNS, Timesheet
from timetrack.exports.sheet import Report, Section
from timetrack.exports.stream import Export, in_one, nothing, now, whole


def period(sheet: Timesheet, style: Style) -> str:
    first, last = style.month(sheet.first), style.month(sheet.last)
    return first if first == last else f"{first} - {last}"


def file_stem(account: Account, sheet: Timesheet, made: str) -> str:
    months = f"{sheet.first:%Y-%m}"
    if (sheet.first.year, sheet.first.month) != (sheet.last.year, sheet.last.month):
        months += f"_{sheet.last:%Y-%m}"
    return "_".join([account.slug, "timesheet", sheet.username, months, made])


def pdf(account: Account, sheet: Timesheet, style: Style) -> bytes:
    subject = f"{sheet.full_name} ({sheet.username})" if sheet.full_name else sheet.username
    report = Report(
        title=style.word("timesheet"),
        account=account.name,
        subject=subject,
        period=period(sheet, style),
        created=now(),
        sections=[Section(style.month(first), rows) for first, rows in sheet.months],
    )
    from timetrack.exports.pdf_writer import render  # loads fpdf: see sheet.Report

    return render(report, TIMESHEET_COLUMNS, style)


async def export(
    account: Account, sheet: Timesheet, format: Format, style: Style, made: str
) -> Export:
    stem = file_stem(account, sheet, made)
    if format is Format.PDF:
        body = in_one(await asyncio.to_thread(pdf, account, sheet, style))
    elif format is Format.XLSX:
        from timetrack.exports.xlsx_writer import xlsx_bytes

        body = xlsx_bytes(TIMESHEET_COLUMNS, style, sheet.username, whole(sheet.rows))
    else:
        body = csv_bytes(TIMESHEET_COLUMNS, style, whole(sheet.rows))
    return Export(f"{stem}.{format.value}", format.media_type, body, nothing)
