"""The admin page of working-time models (``/app/admin/working_time_models``): pick a person,
see their models, create, edit and delete one.

Models live under their user (``/users/{id}/working_time_models``) with no list across users,
so the page is not a row of ``admin_table.SECTIONS`` but follows its habits: every page asks
for the models' ``write`` permission (as the API's ``PUT``/``DELETE`` do), the person search is
the users' list with its username filter read under that grant (so ``grants.py`` decides whose
models one may manage: everybody's for an admin), and writes are the API routes' own
(``working_time.service`` with ``router.audited`` and ``router.require_version``). An edit or
delete form carries the ETag of the version it showed; a change since then answers 412, shown
as a conflict, and writes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack import paging
from timetrack.canonical import integer
from timetrack.crud import Feed
from timetrack.errors import (
    USER_NOT_FOUND,
    WORKING_TIME_MODEL_DATE_TAKEN,
    WORKING_TIME_MODEL_NOT_FOUND,
    AppError,
    ErrorCode,
)
from timetrack.handlers import parse_record_id, read, write
from timetrack.policy import Action, Resource
from timetrack.times import TimeFormatError, parse_date
from timetrack.users.schemas import UserFilter
from timetrack.users.service import get_user, list_users
from timetrack.web import admin_table, render
from timetrack.web import working_time_form as form
from timetrack.web.admin import VERSION_FIELD, version_of
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import reworded
from timetrack.wire import NAME_MAX, parse_body
from timetrack.working_time import router as api
from timetrack.working_time import service
from timetrack.working_time.schemas import WorkingTimeModelCreate, WorkingTimeModelUpdate

PERMISSION = (Resource.WORKING_TIME_MODELS, Action.WRITE)
(PAGE,) = [p for p in admin_table.OWN_PAGES if p.resource is Resource.WORKING_TIME_MODELS]
PATH = f"{render.PREFIX}/admin/{PAGE.slug}"
ONE_DAY = timedelta(days=1)


def _(message: str) -> str:
    """Marks a message for the catalogs (test_i18n extracts ``_(...)``); translated when shown."""
    return message


# What the refusals mean to the person filling in the form (msgids), the admin pages' first.
_WORDS: dict[ErrorCode, str] = {
    **admin_table.WORDS,
    WORKING_TIME_MODEL_DATE_TAKEN: _("This person has a model valid from this day already."),
}
# A value the API (or, for hours, the page) could not read, by field (msgids).
_DAY_WORDS = _("Enter hours from 0 to 24, such as 8, 7:30 or 7.5.")
_UNREADABLE = {
    form.VALID_FROM: _("Enter a date such as 2026-07-01."),
    **dict.fromkeys(form.DAY_FIELDS, _DAY_WORDS),
    form.VACATION: _("Enter days from 0 to 366, such as 28 or 27.5."),
}
_DONE = {
    "created": _("The model valid from %(date)s was created."),
    "saved": _("The model valid from %(date)s was saved."),
    "deleted": _("The model valid from %(date)s was deleted."),
}


def _common(visit: Visit) -> dict[str, Any]:
    """What every page of this one shows besides its own: the admin sub-navigation."""
    principal = visit.caller.principal
    return {
        "section": PAGE,
        "sections": admin_table.pages_for(principal),
        "account_settings": admin_table.may_manage_account(principal),
        "hours": form.hours_text,
        "days": lambda value: form.days_text(visit.texts, value),
        "day_fields": form.DAY_FIELDS,
        "problems": [],
    }


def _weekdays(visit: Visit) -> list[tuple[str, str, str]]:
    """(field, abbreviated name, full name) of each weekday, Monday first, in the person's
    language (Babel's CLDR names: the catalogs need no weekdays)."""
    names = visit.texts.locale.days["format"]
    return [
        (field, names["abbreviated"][i], names["wide"][i])
        for i, field in enumerate(form.DAY_FIELDS)
    ]


def _number(text: str | None, low: int, high: int, default: int) -> int:
    value = integer(text or "", low, high)
    return default if value is None else value


@signed_in(*PERMISSION)
async def people(visit: Visit) -> Response:
    """The people whose models the caller may manage, searched by username and paged as the
    users' list is."""
    params = visit.request.query_params
    query = params.get("q", "").strip()[:NAME_MAX]
    limit = _number(params.get("limit"), 1, paging.MAX_LIMIT, paging.DEFAULT_LIMIT)
    number = _number(params.get("page"), 1, paging.MAX_PAGE_NUMBER + 1, 1)
    async with read(visit.request) as tx:
        page = paging.Page(number - 1, limit)
        rows, total = await list_users(
            tx, visit.account.id, page, Feed(), UserFilter(query or None, None)
        )
    pages = max(1, -(-total // limit))

    def url(to: int) -> str:
        extra = {"limit": str(limit)} if limit != paging.DEFAULT_LIMIT else {}
        return f"{PATH}?{urlencode({'q': query, 'page': str(to), **extra})}"

    return visit.page(
        "admin_wtm_people.html",
        **_common(visit),
        people=rows,
        total=total,
        query=query,
        number=number,
        pages=pages,
        previous=url(number - 1) if number > 1 else None,
        following=url(number + 1) if number < pages else None,
    )


def _user_id(visit: Visit) -> int:
    return parse_record_id(visit.request.path_params["user"], USER_NOT_FOUND, "user")


def _model_id(visit: Visit) -> int:
    text = visit.request.path_params["model"]
    return parse_record_id(text, WORKING_TIME_MODEL_NOT_FOUND, "working-time model")


def _person(row: Any) -> dict[str, Any]:
    """The person whose models these are, as the pages name them."""
    full = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    return {"id": row["id"], "username": row["username"], "name": full or row["username"]}


def _done_text(visit: Visit) -> str | None:
    params = visit.request.query_params
    done = _DONE.get(params.get("done", ""))
    try:
        day = parse_date(params.get("from", ""))
    except TimeFormatError:
        return None
    return visit.texts.gettext(done) % {"date": visit.texts.date(day)} if done else None


@signed_in(*PERMISSION)
async def models(visit: Visit) -> Response:
    """One person's models, ordered by the day each starts (the API's order)."""
    user_id = _user_id(visit)
    async with read(visit.request) as tx:
        user = await get_user(tx, visit.account.id, user_id)
        page = paging.Page(0, paging.MAX_LIMIT)
        rows, _total = await service.list_models(tx, visit.account.id, user_id, page, Feed())
    items = [service.to_wire(row) for row in rows]
    starts = [parse_date(item[form.VALID_FROM]) for item in items]
    listed = [
        {
            "item": item,
            "from": visit.texts.date(start),
            # Each model applies until the day before the next one starts.
            "until": visit.texts.date(starts[i + 1] - ONE_DAY) if i + 1 < len(starts) else None,
            "week": form.hours_text(form.week_seconds(item)),
        }
        for i, (item, start) in enumerate(zip(items, starts, strict=True))
    ]
    return visit.page(
        "admin_wtm_list.html",
        **_common(visit),
        owner=_person(user),
        models=listed,
        done=_done_text(visit),
        weekdays=_weekdays(visit),
    )


def _done(user_id: int, done: str, item: dict[str, Any]) -> Response:
    query = urlencode({"done": done, "from": item[form.VALID_FROM]})
    return RedirectResponse(f"{PATH}/{user_id}?{query}", status_code=303)


def _form(
    visit: Visit,
    user: Any,
    item: dict[str, Any] | None,
    values: dict[str, str],
    version: str = "",
    error: AppError | None = None,
) -> Response:
    """The create form (``item`` None) or the edit form of ``item``."""
    problems = []
    if error is not None:
        problems = reworded(error, visit.texts, form.pointers(), _WORDS, _UNREADABLE)
    return visit.page(
        "admin_wtm_form.html",
        error.status if error else 200,
        **(_common(visit) | {"problems": problems}),
        owner=_person(user),
        item=item,
        values=values,
        version=version,
        conflict=error is not None and error.status == 412,
        weekdays=_weekdays(visit),
        valid_from=visit.texts.date(parse_date(item[form.VALID_FROM])) if item else None,
    )


@signed_in(*PERMISSION)
async def new(visit: Visit) -> Response:
    user_id = _user_id(visit)
    async with read(visit.request) as tx:
        user = await get_user(tx, visit.account.id, user_id)
    if visit.request.method == "GET":
        return _form(visit, user, None, form.new_values(visit.texts))
    try:
        body, _ignored = parse_body(WorkingTimeModelCreate, form.body_of(visit.form, None))
        async with write(visit.request) as tx:
            row = await service.create_model(tx, visit.account.id, user_id, body)
            item = await api.audited(visit.request, tx, visit.account.id, "create", row)
    except AppError as exc:
        return _form(visit, user, None, visit.form, error=exc)
    return _done(user_id, "created", item)


async def _record(visit: Visit) -> tuple[Any, int, dict[str, Any]]:
    """The person, and the model the URL names (404 pages when either is missing)."""
    user_id, model_id = _user_id(visit), _model_id(visit)
    async with read(visit.request) as tx:
        user = await get_user(tx, visit.account.id, user_id)
        row = await service.get_model(tx, visit.account.id, user_id, model_id)
    return user, model_id, service.to_wire(row)


@signed_in(*PERMISSION)
async def edit(visit: Visit) -> Response:
    user, model_id, item = await _record(visit)
    if visit.request.method == "GET":
        return _form(visit, user, item, form.values_of(visit.texts, item), version_of(item))
    sent_version = visit.form.get(VERSION_FIELD, "")
    account_id, user_id = visit.account.id, user["id"]
    try:
        patch, _ignored = parse_body(WorkingTimeModelUpdate, form.body_of(visit.form, item))
        async with write(visit.request) as tx:
            await api.require_version(
                tx, account_id, user_id, model_id, sent_version, deleting=False
            )
            before = await api.current(tx, account_id, user_id, model_id)
            row = await service.update_model(tx, account_id, user_id, model_id, patch)
            saved = await api.audited(visit.request, tx, account_id, "update", row, before)
    except AppError as exc:
        return _form(visit, user, item, visit.form, sent_version, exc)
    return _done(user_id, "saved", saved)


@signed_in(*PERMISSION)
async def delete(visit: Visit) -> Response:
    user, model_id, item = await _record(visit)
    version, problems, status = version_of(item), [], 200
    if visit.request.method == "POST":
        version = visit.form.get(VERSION_FIELD, "")
        account_id, user_id = visit.account.id, user["id"]
        try:
            async with write(visit.request) as tx:
                await api.require_version(tx, account_id, user_id, model_id, version, deleting=True)
                before = await api.current(tx, account_id, user_id, model_id)
                row = await service.delete_model(tx, account_id, user_id, model_id)
                gone = await api.audited(visit.request, tx, account_id, "delete", row, before)
        except AppError as exc:
            problems, status = reworded(exc, visit.texts, {}, _WORDS), exc.status
        else:
            return _done(user_id, "deleted", gone)
    return visit.page(
        "admin_wtm_delete.html",
        status,
        **(_common(visit) | {"problems": problems}),
        owner=_person(user),
        item=item,
        version=version,
        valid_from=visit.texts.date(parse_date(item[form.VALID_FROM])),
    )


_BASE = f"/admin/{PAGE.slug}"
ROUTES = [
    Route(_BASE, people, methods=["GET"]),
    Route(_BASE + "/{user}", models, methods=["GET"]),
    Route(_BASE + "/{user}/new", new, methods=["GET", "POST"]),
    Route(_BASE + "/{user}/{model}", edit, methods=["GET", "POST"]),
    Route(_BASE + "/{user}/{model}/delete", delete, methods=["GET", "POST"]),
]
