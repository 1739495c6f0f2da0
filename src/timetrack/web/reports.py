"""The reports page: the summary report (``GET /reports/summary``) with its filters as a GET
form, a bar chart of the worked time per day (per week past five weeks, per month past a year)
and a donut per project (or client), a table of the groups, and the report as CSV, XLSX or PDF.

Every figure comes from ``reports.service.summary`` under the reports' grant, the API's:
one aggregate statement for the table, one for the bars and, unless the table is grouped by
project or client already, one for the donut; never a statement per row. Amounts are shown
only to those the API shows them to (``grants.rates_shown``). The downloads are links to
``/exports/reports/summary`` with the same parameters: the session's cookie signs a GET, which
needs no CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_skeleton
from babel.numbers import format_currency
from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from timetrack import grants
from timetrack.auth.permissions import allowed
from timetrack.clients.service import list_clients
from timetrack.crud import Feed
from timetrack.db import Tx
from timetrack.errors import (
    PARAMETER_INVALID,
    REPORTS_GROUPING_REPEATED,
    REPORTS_GROUPING_UNKNOWN,
    REPORTS_RANGE_REVERSED,
    REPORTS_RANGE_TOO_LONG,
    REPORTS_ROUNDING_INVALID,
    USER_UNKNOWN,
    AppError,
    ErrorCode,
)
from timetrack.filters import NameFilter
from timetrack.handlers import read
from timetrack.paging import Page
from timetrack.policy import Action, Resource
from timetrack.projects.schemas import ProjectFilter
from timetrack.projects.service import list_projects
from timetrack.reports import service
from timetrack.reports.query import EntryQuery, Grouping
from timetrack.tasks.service import list_tasks
from timetrack.times import utc_to_local
from timetrack.users.schemas import UserFilter
from timetrack.users.service import list_users
from timetrack.web import render, report_charts
from timetrack.web.durations import format_minutes
from timetrack.web.guard import Visit, signed_in
from timetrack.web.i18n import Texts
from timetrack.web.problems import Shown
from timetrack.web.report_filters import FILTER_FIELDS, ReportForm, read_form

PATH = f"{render.PREFIX}/reports"
# The API's export (``app.API_PREFIX`` + the route; app.py imports this package, so it is
# written out here, and a test keeps the two equal).
EXPORT = "/api/v2/ext/exports/reports/summary"
FORMATS = ("csv", "xlsx", "pdf")
PICKER_LIMIT = 1000  # one page of the API's lists, as the timer's pickers

# What each error of the filters means to a person (msgids).
_WORDS: dict[ErrorCode, str] = {
    REPORTS_RANGE_REVERSED: "The end of the period is before its start.",
    REPORTS_RANGE_TOO_LONG: "A report covers at most five years.",
    REPORTS_GROUPING_UNKNOWN: "Choose a grouping from the list.",
    REPORTS_GROUPING_REPEATED: "Choose a sub-grouping other than the grouping, or none.",
    REPORTS_ROUNDING_INVALID: "Choose a rounding from the list.",
    USER_UNKNOWN: "There is nobody of this name whose time you may see.",
}
_DATE_WORDS = "Enter a date as YYYY-MM-DD, e.g. 2026-12-31."
_NO_NAME = {"task": "No task", "team": "No team", "tag": "No tag"}
# The form's choices (msgids).
PRESET_LABELS = {
    "this-week": "This week",
    "last-week": "Last week",
    "this-month": "This month",
    "last-month": "Last month",
    "this-year": "This year",
    "custom": "Custom",
}
GROUP_LABELS: dict[Grouping, str] = {
    "client": "Client",
    "project": "Project",
    "task": "Task",
    "user": "User",
    "team": "Team",
    "billable": "Billable",
    "tag": "Tag",
    "day": "Day",
    "week": "Week",
    "month": "Month",
    "year": "Year",
}
ROUNDING_LABELS = {
    "none": "No rounding",
    "up": "Up",
    "down": "Down",
    "nearest": "To the nearest",
}
BILLABLE_LABELS = {"true": "Billable only", "false": "Not billable only"}


@dataclass(frozen=True, slots=True)
class Choices:
    """What the filters offer: the records the person may see, each under its own list's
    read permission, and the people whose time the report reaches."""

    clients: list[tuple[int, str]]
    projects: list[tuple[int, str]]  # (id, client and project)
    tasks: list[tuple[int, str]]
    people: list[str]


@dataclass(frozen=True, slots=True)
class TableRow:
    level: int  # 0 a group, 1 a subgroup
    name: str
    parent: str | None  # a subgroup's group, for screen readers (the indent shows it)
    worked: str
    billable: str
    amount: str | None


def _by_name(pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return sorted(pairs, key=lambda pair: (pair[1].casefold(), pair[0]))


async def _choices(visit: Visit, tx: Tx) -> Choices:
    page, feed, account_id, caller = Page(0, PICKER_LIMIT), Feed(), visit.account.id, visit.caller
    await allowed(Resource.CLIENTS, Action.READ)(caller)
    clients, _ = await list_clients(tx, account_id, page, feed, NameFilter())
    await allowed(Resource.PROJECTS, Action.READ)(caller)
    projects, _ = await list_projects(tx, account_id, page, feed, ProjectFilter())
    await allowed(Resource.TASKS, Action.READ)(caller)
    tasks, _ = await list_tasks(tx, account_id, page, feed, NameFilter())
    # Under the reports' grant: the people listed are exactly those the report reaches.
    await allowed(Resource.REPORTS, Action.READ)(caller)
    people, _ = await list_users(tx, account_id, page, feed, UserFilter())
    return Choices(
        clients=_by_name([(row["id"], row["name"]) for row in clients]),
        projects=_by_name(
            [(row["id"], f"{row['client_name']} \u203a {row['name']}") for row in projects]
        ),
        tasks=_by_name([(row["id"], row["name"]) for row in tasks]),
        people=sorted((row["username"] for row in people), key=str.casefold),
    )


def _today(visit: Visit) -> date:
    """Today in the account's time zone: the presets' weeks and months are the account's."""
    return utc_to_local(datetime.now(UTC), visit.account.timezone).date()


def _shown_problems(form: ReportForm, texts: Texts) -> list[Shown]:
    shown = []
    for problem in form.problems:
        words = _WORDS.get(problem.code, "Check this field.")
        if problem.code is PARAMETER_INVALID and problem.parameter in ("from", "to"):
            words = _DATE_WORDS
        shown.append(Shown(problem.parameter, texts.gettext(words), problem.detail))
    return shown


def group_name(texts: Texts, grouping: Grouping, group: dict[str, Any]) -> str:
    key, name = group["key"], group["name"]
    if grouping == "billable":
        return texts.gettext("Billable") if key else texts.gettext("Not billable")
    if key is None:
        return texts.gettext(_NO_NAME.get(grouping, "(unknown)"))
    if grouping == "day":
        return texts.date(date.fromisoformat(key))
    if grouping == "week":
        year, week = key.split("-W")
        return texts.gettext("Week %(week)s, %(year)s") % {"week": int(week), "year": year}
    if grouping == "month":
        return format_skeleton("yMMMM", date.fromisoformat(f"{key}-01"), locale=texts.locale)
    return str(name if name is not None else texts.gettext("(unknown)"))


def _money(texts: Texts, amount: Decimal | None, currency: str) -> str | None:
    return None if amount is None else format_currency(amount, currency, locale=texts.locale)


def table_rows(
    texts: Texts, groupings: tuple[Grouping, ...], report: dict[str, Any]
) -> list[TableRow]:
    currency = report["totals"]["currency"]

    def row(
        level: int, grouping: Grouping, group: dict[str, Any], parent: str | None = None
    ) -> TableRow:
        return TableRow(
            level,
            group_name(texts, grouping, group),
            parent,
            format_minutes(group["workedMinutes"]),
            format_minutes(group["billableMinutes"]),
            _money(texts, group.get("amount"), currency),
        )

    rows = []
    for group in report["groups"]:
        first = row(0, groupings[0], group)
        rows.append(first)
        rows += [row(1, groupings[1], sub, first.name) for sub in group.get("groups", [])]
    return rows


def _links(form: ReportForm) -> dict[str, str]:
    return {kind: f"{EXPORT}?{urlencode({**form.params, 'format': kind})}" for kind in FORMATS}


async def _figures(
    tx: Tx, visit: Visit, query: EntryQuery, groupings: tuple[Grouping, ...], unit: Grouping
) -> tuple[dict[str, Any], dict[Any, int], list[dict[str, Any]]]:
    """The table's summary, the bars' minutes by key and the donut's groups, in as few
    aggregates as the figures allow: a table of one level is asked for with the bars' unit as
    its second (the groups' sums are the same, and the bars are the sums of their
    subgroups); not for tags, whose groups may count an entry twice. The donut shows the
    table's first level when that is by project or client."""
    account = visit.account
    first = groupings[0]
    if first == unit and len(groupings) == 1:
        table = await service.summary(tx, account, query, groupings)
        bars = report_charts.minutes_by_key(table["groups"])
    elif len(groupings) == 1 and first != "tag":
        table = await service.summary(tx, account, query, (first, unit))
        bars = report_charts.minutes_by_key(
            [sub for g in table["groups"] for sub in g.pop("groups")]
        )
    else:
        table = await service.summary(tx, account, query, groupings)
        bars = report_charts.minutes_by_key(
            (await service.summary(tx, account, query, (unit,)))["groups"]
        )
    table = grants.shown(table)
    if first in ("project", "client"):
        return table, bars, table["groups"]
    return table, bars, (await service.summary(tx, account, query, ("project",)))["groups"]


@dataclass(frozen=True, slots=True)
class ShownReport:
    """The report as the page shows it."""

    entries: int
    worked: str
    billable: str
    amount: str | None
    rows: list[TableRow]
    bars: Markup
    donut: Markup
    downloads: dict[str, str]


async def _report(tx: Tx, visit: Visit, form: ReportForm) -> ShownReport:
    assert form.query is not None
    texts, unit = visit.texts, report_charts.bar_unit(*_period(form))
    table, bars, donut = await _figures(tx, visit, form.query, form.groupings, unit)
    totals = table["totals"]
    by: Grouping = "client" if form.groupings[0] == "client" else "project"
    return ShownReport(
        entries=totals["entries"],
        worked=format_minutes(totals["workedMinutes"]),
        billable=format_minutes(totals["billableMinutes"]),
        amount=_money(texts, totals.get("amount"), totals["currency"]),
        rows=table_rows(texts, form.groupings, table),
        # The charts escape every text they draw (charts.py).
        bars=Markup(report_charts.bars(texts, unit, form, bars)),
        donut=Markup(report_charts.donut(texts, by, donut)),
        downloads=_links(form),
    )


@signed_in(Resource.REPORTS, Action.READ)
async def reports_page(visit: Visit) -> Response:
    texts = visit.texts
    form = await read_form(dict(visit.request.query_params), _today(visit), texts.first_week_day)
    report = None
    async with read(visit.request) as tx:
        choices = await _choices(visit, tx)  # ends under the reports' grant
        if form.query is not None:
            try:
                report = await _report(tx, visit, form)
            except AppError as exc:  # a username nobody reaches: that field's error
                form = ReportForm(form.values, form.first, form.last, problems=list(exc.problems))
    problems = _shown_problems(form, texts)
    return visit.page(
        "reports.html",
        400 if problems else 200,
        form=form.values,
        problems=problems,
        choices=choices,
        presets=_options(texts, PRESET_LABELS),
        groupings=_options(texts, GROUP_LABELS),
        roundings=_options(texts, ROUNDING_LABELS),
        billables=_options(texts, BILLABLE_LABELS),
        people=[(name, name) for name in choices.people],
        grouping_label=texts.gettext(GROUP_LABELS.get(form.groupings[0], "Group"))
        if form.groupings
        else "",
        report=report,
        more_open=any(form.values.get(name) for name in FILTER_FIELDS)
        or any(p.field in FILTER_FIELDS for p in problems),
        span=_span(texts, form),
    )


def _options(texts: Texts, labels: Mapping[Any, str]) -> list[tuple[str, str]]:
    return [(value, texts.gettext(label)) for value, label in labels.items()]


def _period(form: ReportForm) -> tuple[date, date]:
    assert form.first is not None and form.last is not None
    return form.first, form.last


def _span(texts: Texts, form: ReportForm) -> str | None:
    if form.first is None or form.last is None:
        return None
    return f"{texts.date(form.first)} \u2013 {texts.date(form.last)}"


ROUTES = [Route("/reports", reports_page, methods=["GET"])]
