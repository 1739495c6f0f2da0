"""PDF: a report of one or more sections (a timesheet: one page per month), each a table of
the sheet's columns with a totals row, under a heading naming the account, the person and the
period, with a signature block where the sheet asks for one, and "page N of M" in the footer.

Durations show as ``h:mm`` only (the decimal-hours columns are left out: a page has room for
one of the two). The text is set in Noto Sans (``fonts``), embedded with only the glyphs the
PDF uses: names in Latin, Greek or Cyrillic script print as they are written, a character the
font lacks (Chinese, emoji, ...) as U+FFFD.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from timetrack.exports import fonts
from timetrack.exports.fonts import FAMILY, printable
from timetrack.exports.language import Style
from timetrack.exports.sheet import Column, Kind, Report, Totals

# Relative widths by kind; text columns share what is left.
_FIXED_WIDTHS = {
    Kind.DATE: 16.0,
    Kind.DATETIME: 26.0,
    Kind.TIME: 10.0,
    Kind.HMM: 12.5,
    Kind.INTEGER: 12.0,
    Kind.MONEY: 17.0,
    Kind.BOOLEAN: 11.0,
}
_RIGHT = {Kind.HMM, Kind.INTEGER, Kind.MONEY, Kind.TIME}
_LINE_MM = 3.6


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, self.footer_text.format(page=self.page_no(), pages="{nb}"), align="C")


def _shown(columns: Sequence[Column]) -> list[int]:
    return [i for i, c in enumerate(columns) if c.kind is not Kind.HOURS]


def _widths(pdf: FPDF, columns: Sequence[Column], shown: list[int]) -> list[float]:
    fixed = {i: _FIXED_WIDTHS[columns[i].kind] for i in shown if columns[i].kind in _FIXED_WIDTHS}
    free = [i for i in shown if i not in fixed]
    rest = max(pdf.epw - sum(fixed.values()), 20.0 * len(free)) / max(len(free), 1)
    return [fixed.get(i, rest) for i in shown]


# Where the long German words of headings may break in a narrow column (a soft hyphen).
_BREAKS = {"Feiertagsgutschrift": "Feiertags\xadgut\xadschrift", "Abwesenheit": "Abwesen\xadheit"}


def _heading(column: Column, lang: str) -> str:
    """Durations show as h:mm only, so their headings need not say which."""
    text = column.heading(lang).removesuffix(" (h:mm)")
    return _BREAKS.get(text, text)


def render(report: Report, columns: Sequence[Column], style: Style) -> bytes:
    """The PDF of ``report`` as bytes (a report is small: a year of days is 366 rows)."""
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    fonts.use(pdf)
    pdf.footer_text = style.word("page")
    about = f"{report.title} {report.subject or report.account} {report.period}"
    pdf.set_title(about)  # the document's properties are Unicode text, never a glyph
    pdf.set_author(report.account)
    pdf.set_creator("timetrack")
    pdf.set_creation_date(report.created)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=15)
    shown = _shown(columns)
    cell_text = {i: style.cell(columns[i].kind.value) for i in shown}
    aligns = ["RIGHT" if columns[i].kind in _RIGHT else "LEFT" for i in shown]
    for section in report.sections:
        pdf.add_page()
        pdf.set_font(FAMILY, style="B", size=14)
        pdf.cell(0, 8, printable(f"{report.title}: {section.title}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=9)
        created = f"{style.day(report.created.date())} {report.created:%H:%M} UTC"
        subject = [] if report.subject is None else [(style.word("employee"), report.subject)]
        meta = [
            (style.word("account"), report.account),
            *subject,
            (style.word("period"), report.period),
            (style.word("created"), created),
            *report.lines,
        ]
        for label, value in meta:
            pdf.cell(0, 4.5, printable(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(FAMILY, size=7)
        totals = Totals(columns, section.totals)
        totals.add(section.rows)
        with pdf.table(
            col_widths=_widths(pdf, columns, shown),
            text_align=aligns,
            line_height=_LINE_MM,
            borders_layout="SINGLE_TOP_LINE",
            width=pdf.epw,
            padding=(0.6, 0.8),
        ) as table:
            heading = table.row()
            for i in shown:
                heading.cell(printable(_heading(columns[i], style.lang)))
            for values in section.rows:
                row = table.row()
                for i in shown:
                    row.cell(printable(cell_text[i](values[i])))
            last = table.row(style=FontFace(emphasis="BOLD"))
            for position, i in enumerate(shown):
                if i in totals.sums:
                    last.cell(cell_text[i](totals.sums[i]))
                else:
                    last.cell(style.word("total") if position == 0 else "")
        if report.signatures:
            _signatures(pdf, style)
    return bytes(pdf.output())


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
        pdf.set_font(FAMILY, size=8)
        pdf.cell(half, 4, printable(f"{style.word('date_signature')} ({style.word(who)})"))
    pdf.set_xy(pdf.l_margin, y + 6)
