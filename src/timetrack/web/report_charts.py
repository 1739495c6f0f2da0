"""The reports page's charts (``web/reports.py``): the worked time per day, week or month as
bars, every bar of the period drawn (empty ones too) so the gaps show, and each project's (or
client's) share as a donut of the largest few and "Others"; SVG from ``web/charts.py``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel.dates import format_skeleton

from timetrack.reports.query import Grouping
from timetrack.web import charts
from timetrack.web.i18n import Texts
from timetrack.web.report_filters import ReportForm

DAYS_PER_DAY_BARS = 35  # five weeks of bars per day; longer periods by week
DAYS_PER_WEEK_BARS = 371  # 53 weeks; longer periods by month
DONUT_SLICES = 7  # the largest; the rest as one slice "Others"
_TITLES = {
    "day": "Worked time per day",
    "week": "Worked time per week",
    "month": "Worked time per month",
}


def bar_unit(first: date, last: date) -> Grouping:
    days = (last - first).days + 1
    if days <= DAYS_PER_DAY_BARS:
        return "day"
    return "week" if days <= DAYS_PER_WEEK_BARS else "month"


def bar_keys(unit: Grouping, first: date, last: date) -> list[tuple[str, date]]:
    """Every bar of the period, empty ones too: (the summary's key, its first day)."""
    keys: list[tuple[str, date]] = []
    day = first
    while day <= last:
        if unit == "day":
            keys.append((day.isoformat(), day))
            day += timedelta(days=1)
        elif unit == "week":
            year, week, weekday = day.isocalendar()
            keys.append((f"{year}-W{week:02d}", day - timedelta(days=weekday - 1)))
            day += timedelta(days=8 - weekday)
        else:
            keys.append((day.strftime("%Y-%m"), day.replace(day=1)))
            day = (day.replace(day=1) + timedelta(days=31)).replace(day=1)
    return keys


def bars(texts: Texts, unit: Grouping, form: ReportForm, minutes: dict[Any, int]) -> str:
    assert form.first is not None and form.last is not None
    skeleton = "yMMM" if unit == "month" else "MMMd"
    bars = [
        charts.Datum(format_skeleton(skeleton, start, locale=texts.locale), minutes.get(key, 0))
        for key, start in bar_keys(unit, form.first, form.last)
    ]
    span = f"{texts.date(form.first)} \u2013 {texts.date(form.last)}"
    return charts.bar_chart(
        bars,
        chart_id="report-bars",
        title=texts.gettext(_TITLES[unit]),
        description=f"{texts.gettext(_TITLES[unit])}, {span}",
        empty=texts.gettext("No time in this period"),
    )


def donut(texts: Texts, by: Grouping, groups: list[dict[str, Any]]) -> str:
    ranked = sorted(groups, key=lambda g: (-g["workedMinutes"], str(g["name"]).casefold()))
    slices = [
        charts.Datum(str(g["name"] or texts.gettext("(unknown)")), g["workedMinutes"])
        for g in ranked[:DONUT_SLICES]
    ]
    if rest := sum(g["workedMinutes"] for g in ranked[DONUT_SLICES:]):
        slices.append(charts.Datum(texts.gettext("Others"), rest))
    title = (
        texts.gettext("Share per client") if by == "client" else texts.gettext("Share per project")
    )
    return charts.donut_chart(
        slices,
        chart_id="report-donut",
        title=title,
        description=texts.gettext("Each one's share of the worked time; the table has the sums."),
        empty=texts.gettext("No time in this period"),
        percent_text=lambda share: texts.number(share * 100, 0) + "\u00a0%",
    )


def minutes_by_key(groups: list[dict[str, Any]]) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for group in groups:
        found[group["key"]] = found.get(group["key"], 0) + group["workedMinutes"]
    return found
