"""PDF: a report of one or more sections (a timesheet: one page per month), each a table of
the sheet's columns with a totals row, under a heading naming the account, the person and the
period, with a signature block where the sheet asks for one, and "page N of M" in the footer.

Durations show as ``h:mm`` only (the decimal-hours columns are left out: a page has room for
one of the two). The text uses the PDF's built-in Helvetica, whose character set is Latin-1:
German and the other Western European languages print as they are, any other character as
``?`` (embedding a Unicode font would need a font file the project does not ship).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fpdf import FPDF

from timetrack.exports.language import Style
from timetrack.exports.sheet import Column, Kind, Totals, Values

_FIXED_WIDTHS = {
    Kind.DATE: 21.0,
    Kind.DATETIME: 30.0,
    Kind.TIME: 13.0,
    Kind.HMM: 17.0,
    Kind.INTEGER: 14.0,
    Kind.MONEY: 20.0,
    Kind.BOOLEAN: 12.0,
}
_RIGHT = {Kind.HMM, Kind.INTEGER, Kind.MONEY}
_ROW_MM = 5.2


def latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True, slots=True)
class Section:
    title: str  # "January 2025"
    rows: Sequence[Values]


@dataclass(frozen=True, slots=True)
class Report:
    title: str  # "Timesheet"
    account: str
    subject: str  # whom it is about: "Anna Example (anna)"
    period: str
    created: datetime
    sections: Sequence[Section]
    signatures: bool = True
    lines: Sequence[tuple[str, str]] = field(default_factory=tuple)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, self.footer_text.format(page=self.page_no(), pages="{nb}"), align="C")


def _shown(columns: Sequence[Column]) -> list[int]:
    return [i for i, c in enumerate(columns) if c.kind is not Kind.HOURS]


def _widths(pdf: FPDF, columns: Sequence[Column], shown: list[int]) -> dict[int, float]:
    fixed = {i: _FIXED_WIDTHS[columns[i].kind] for i in shown if columns[i].kind in _FIXED_WIDTHS}
    free = [i for i in shown if i not in fixed]
    rest = pdf.epw - sum(fixed.values())
    return fixed | dict.fromkeys(free, rest / max(len(free), 1))


def _fit(pdf: FPDF, text: str, width: float) -> str:
    text = latin1(text)
    while text and pdf.get_string_width(text) > width - 1.5:
        text = text[:-1]
    return text


def render(report: Report, columns: Sequence[Column], style: Style) -> bytes:
    """The PDF of ``report`` as bytes (a report is small: a year of days is 366 rows)."""
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.footer_text = style.word("page")
    pdf.set_title(latin1(f"{report.title} {report.subject} {report.period}"))
    pdf.set_author(latin1(report.account))
    pdf.set_creator("timetrack")
    pdf.set_creation_date(report.created)
    pdf.set_auto_page_break(auto=True, margin=15)
    shown = _shown(columns)
    cell_text = {i: style.cell(columns[i].kind.value) for i in shown}
    for section in report.sections:
        pdf.add_page()
        widths = _widths(pdf, columns, shown)
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.cell(0, 8, latin1(f"{report.title}: {section.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        meta = [
            (style.word("account"), report.account),
            (style.word("employee"), report.subject),
            (style.word("period"), report.period),
            (
                style.word("created"),
                f"{style.day(report.created.date())} {report.created:%H:%M} UTC",
            ),
            *report.lines,
        ]
        for label, value in meta:
            pdf.cell(0, 4.5, latin1(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("Helvetica", style="B", size=8)
        for i in shown:
            pdf.cell(
                widths[i],
                _ROW_MM,
                _fit(pdf, columns[i].heading(style.lang), widths[i]),
                border="B",
                align="R" if columns[i].kind in _RIGHT else "L",
            )
        pdf.ln()
        pdf.set_font("Helvetica", size=8)
        for values in section.rows:
            for i in shown:
                pdf.cell(
                    widths[i],
                    _ROW_MM,
                    _fit(pdf, cell_text[i](values[i]), widths[i]),
                    align="R" if columns[i].kind in _RIGHT else "L",
                )
            pdf.ln()
        _totals_row(pdf, columns, shown, widths, section.rows, style)
        if report.signatures:
            _signatures(pdf, style)
    return bytes(pdf.output())


def _totals_row(
    pdf: FPDF,
    columns: Sequence[Column],
    shown: list[int],
    widths: dict[int, float],
    rows: Sequence[Values],
    style: Style,
) -> None:
    totals = Totals(columns)
    totals.add(rows)
    pdf.set_font("Helvetica", style="B", size=8)
    for position, i in enumerate(shown):
        if i in totals.sums:
            text = style.cell(columns[i].kind.value)(totals.sums[i])
        else:
            text = style.word("total") if position == 0 else ""
        pdf.cell(
            widths[i],
            _ROW_MM,
            _fit(pdf, text, widths[i]),
            border="T",
            align="R" if columns[i].kind in _RIGHT else "L",
        )
    pdf.ln()


def _signatures(pdf: FPDF, style: Style) -> None:
    """Two signature lines side by side: the employee's and the manager's."""
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(14)
    half = (pdf.epw - 20) / 2
    y = pdf.get_y()
    for n, who in enumerate(("employee", "manager")):
        x = pdf.l_margin + n * (half + 20)
        pdf.line(x, y, x + half, y)
        pdf.set_xy(x, y + 1)
        pdf.set_font("Helvetica", size=8)
        pdf.cell(half, 4, latin1(f"{style.word('date_signature')} ({style.word(who)})"))
    pdf.set_xy(pdf.l_margin, y + 6)
