"""The admin pages (``/app/admin/<resource>``): a list with search and paging, a create and an
edit form, and a delete with a confirmation, for every row of ``admin_table.SECTIONS``.

Every page asks for the resource's ``write`` permission (who may not change a resource has no
page to manage it), and reads and writes through the row's ``routing.Resource``: the API's
services, body models, audit record and If-Match check. The search box is the API's name
filter, the paging the API's (``page`` 1-based, ``limit`` up to ``paging.MAX_LIMIT``). An edit
or delete form carries the ETag of the version it showed; a change since then answers 412,
shown as a conflict (nothing is written, the form keeps what was typed).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack import canonical, grants, paging
from timetrack.auth.permissions import allowed
from timetrack.crud import Feed
from timetrack.errors import ROLE_FORBIDS, AppError
from timetrack.handlers import parse_record_id, read, write
from timetrack.policy import Action, Resource
from timetrack.preconditions import etag_of
from timetrack.web import admin_account, admin_forms, admin_table, render
from timetrack.web.admin_table import (
    DONE,
    LABELS,
    SECRET_ONCE,
    SECTIONS,
    WORDS,
    OwnPage,
    Section,
)
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import shown
from timetrack.wire import NAME_MAX, dumps, parse_body

PATH = f"{render.PREFIX}/admin"
VERSION_FIELD = "version"


def sections_for(visit: Visit) -> list[Section | OwnPage]:
    """The sub-navigation's entries: the sections and the own pages the role may manage."""
    return admin_table.pages_for(visit.caller.principal)


def _common(visit: Visit, section: Section) -> dict[str, Any]:
    """What every section page shows besides its own: the sub-navigation and the words."""
    return {
        "section": section,
        "sections": sections_for(visit),
        "account_settings": admin_table.may_manage_account(visit.caller.principal),
        "labels": LABELS,
        "text_of": admin_forms.text_of,
    }


def _number(text: str | None, low: int, high: int, default: int) -> int:
    value = canonical.integer(text or "", low, high)
    return default if value is None else value


def version_of(item: dict[str, Any]) -> str:
    """The ETag the API answers for the record (as its GET would), for ``If-Match``."""
    return etag_of(dumps(grants.shown(item)))


def _page_url(section: Section, query: str, number: int, limit: int) -> str:
    params = {"q": query, "page": str(number)} if query else {"page": str(number)}
    if limit != paging.DEFAULT_LIMIT:
        params["limit"] = str(limit)
    return f"{PATH}/{section.slug}?{urlencode(params)}"


async def _list(visit: Visit, section: Section) -> Response:
    params = visit.request.query_params
    query = params.get("q", "").strip()[:NAME_MAX]
    limit = _number(params.get("limit"), 1, paging.MAX_LIMIT, paging.DEFAULT_LIMIT)
    number = _number(params.get("page"), 1, paging.MAX_PAGE_NUMBER + 1, 1)
    filters = await section.api.filters(**{section.search: query or None})
    await allowed(section.resource, Action.READ)(visit.caller)
    async with read(visit.request) as tx:
        page = paging.Page(number - 1, limit)
        rows, total = await section.api.list(tx, visit.account.id, page, Feed(), filters)
    items = grants.shown([section.api.columns.to_wire(row) for row in rows])
    pages = max(1, -(-total // limit))
    done = DONE.get(params.get("done", ""))
    return visit.page(
        "admin_list.html",
        **_common(visit, section),
        items=items,
        total=total,
        query=query,
        number=number,
        pages=pages,
        previous=_page_url(section, query, number - 1, limit) if number > 1 else None,
        following=_page_url(section, query, number + 1, limit) if number < pages else None,
        done=visit.texts.gettext(done) % {"name": params.get("name", "")[:NAME_MAX]}
        if done
        else None,
        problems=[],
    )


def _form(
    visit: Visit,
    section: Section,
    item: dict[str, Any] | None,
    values: dict[str, str],
    version: str = "",
    error: AppError | None = None,
    body: dict[str, Any] | None = None,
) -> Response:
    """The create form (``item`` None) or the edit form of ``item``."""
    fields = admin_forms.fields_of(section, editing=item is not None)
    problems = []
    if error is not None:
        problems = shown(error, visit.texts, admin_forms.pointers(fields, body or {}), WORDS)
    return visit.page(
        "admin_form.html",
        error.status if error else 200,
        **_common(visit, section),
        item=item,
        fields=fields,
        read_only=[(name, admin_forms.text_of(item.get(name))) for name in section.read_only]
        if item
        else [],
        values=values,
        version=version,
        conflict=error is not None and error.status == 412,
        problems=problems,
    )


def _done(section: Section, done: str, item: dict[str, Any]) -> Response:
    name = admin_forms.text_of(item.get(section.name_field))
    query = urlencode({"done": done, "name": name})
    return RedirectResponse(f"{PATH}/{section.slug}?{query}", status_code=303)


async def _new(visit: Visit, section: Section) -> Response:
    fields = admin_forms.fields_of(section, editing=False)
    if visit.request.method == "GET":
        return _form(visit, section, None, {f.name: f.default for f in fields if f.default})
    body = admin_forms.body_of(fields, visit.form, editing=False)
    api = section.api
    try:
        parsed, _ = parse_body(api.create_model, body)
        if api.prepare_create is not None:
            parsed = await api.prepare_create(visit.request, parsed)
        async with write(visit.request) as tx:
            row = await api.create(tx, visit.account.id, parsed)
            item = await api.audited(visit.request, tx, visit.account.id, "create", row)
    except AppError as exc:
        return _form(visit, section, None, visit.form, error=exc, body=body)
    if api.shown_once is not None:
        # A new key's secret is answered once, on this page, and never stored or put in a
        # URL: no redirect here (the page is not cached either: render.page says no-store).
        once = api.shown_once(row)
        return visit.page(
            "admin_secret.html",
            **_common(visit, section),
            item=item,
            once=once,
            secret_once=SECRET_ONCE,
            problems=[],
        )
    return _done(section, "created", item)


async def _record(visit: Visit, section: Section) -> tuple[int, dict[str, Any]]:
    api = section.api
    record_id = parse_record_id(visit.request.path_params["id"], api.not_found, api.singular)
    async with read(visit.request) as tx:
        row = await api.get(tx, visit.account.id, record_id)
    return record_id, api.columns.to_wire(row)


async def _edit(visit: Visit, section: Section) -> Response:
    record_id, item = await _record(visit, section)
    if visit.request.method == "GET":
        return _form(visit, section, item, admin_forms.values_of(item), version_of(item))
    fields = admin_forms.fields_of(section, editing=True)
    body = admin_forms.body_of(fields, visit.form, editing=True)
    sent_version = visit.form.get(VERSION_FIELD, "")
    api, account_id = section.api, visit.account.id
    try:
        patch, _ = parse_body(api.update_model, body)
        if api.prepare_update is not None:
            patch = await api.prepare_update(visit.request, patch)
        async with write(visit.request) as tx:
            await api.require_version(tx, account_id, record_id, sent_version, deleting=False)
            before = await api.current(tx, account_id, record_id)
            row = await api.update(tx, account_id, record_id, patch)
            saved = await api.audited(visit.request, tx, account_id, "update", row, before)
    except AppError as exc:
        return _form(visit, section, item, visit.form, sent_version, exc, body)
    return _done(section, "saved", saved)


async def _delete(visit: Visit, section: Section) -> Response:
    record_id, item = await _record(visit, section)
    version = version_of(item)
    problems, status = [], 200
    if visit.request.method == "POST":
        version = visit.form.get(VERSION_FIELD, "")
        api, account_id = section.api, visit.account.id
        try:
            async with write(visit.request) as tx:
                await api.require_version(tx, account_id, record_id, version, deleting=True)
                before = await api.current(tx, account_id, record_id)
                row = await api.delete(tx, account_id, record_id)
                gone = await api.audited(visit.request, tx, account_id, "delete", row, before)
        except AppError as exc:
            problems, status = shown(exc, visit.texts, {}, WORDS), exc.status
        else:
            return _done(section, "deleted", gone)
    return visit.page(
        "admin_delete.html",
        status,
        **_common(visit, section),
        item=item,
        name=admin_forms.text_of(item.get(section.name_field)),
        version=version,
        problems=problems,
    )


def _routes(section: Section) -> list[Route]:
    """The section's pages, each under its resource's ``write`` permission."""
    base = f"/admin/{section.slug}"
    pages = {
        "list": (base, ("GET",), _list),
        "new": (f"{base}/new", ("GET", "POST"), _new),
        "edit": (base + "/{id}", ("GET", "POST"), _edit),
        "delete": (base + "/{id}/delete", ("GET", "POST"), _delete),
    }
    routes = []
    for kind, (path, methods, handler) in pages.items():

        async def page(visit: Visit, handler: Any = handler) -> Response:
            response: Response = await handler(visit, section)
            return response

        page.__name__ = f"admin_{section.slug}_{kind}"
        endpoint = signed_in(section.resource, Action.WRITE)(page)
        routes.append(Route(path, endpoint, methods=list(methods)))
    return routes


# The index is open to every signed-in person (everybody reads their own user) and lists
# what their role may manage; with nothing to manage it answers 403.
@signed_in(Resource.USERS, Action.READ)
async def admin_index(visit: Visit) -> Response:
    sections = sections_for(visit)
    account = admin_table.may_manage_account(visit.caller.principal)
    if not sections and not account:
        raise AppError.of(ROLE_FORBIDS, "your role manages none of the account's records")
    return visit.page("admin_index.html", sections=sections, account_settings=account, problems=[])


ROUTES = [
    Route("/admin", admin_index, methods=["GET"]),
    *admin_account.ROUTES,
    *(route for section in SECTIONS for route in _routes(section)),
]
