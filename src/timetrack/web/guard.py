"""What every page of the app does before its own work: the person signed in (the API's
session cookie and checks, ``accounts.auth.session_caller``), the CSRF token of a form post or
fetch, the page's permission (``auth.permissions.allowed``: the same policy and grant as the
API's routes), the person's language, and the navigation their role may see.

A page without a live session redirects to the sign-in page. A post whose CSRF token is missing
or wrong answers 403: a page that says so, or the API's envelope to a fetch (``Accept:
application/json``). Every page declares the resource and action it serves (``permission`` on
its endpoint), so the permission matrix can later walk the pages as it walks the API's routes.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from timetrack.accounts.auth import SESSION_COOKIE, Caller, session_caller
from timetrack.accounts.service import Account
from timetrack.auth.permissions import allowed
from timetrack.errors import (
    ACCOUNT_DISABLED,
    SESSION_INVALID,
    USER_DISABLED,
    AppError,
    error_response,
)
from timetrack.exports.language import language_of
from timetrack.policy import Action, Principal, Reach, Resource
from timetrack.web import render
from timetrack.web.header import running_timer
from timetrack.web.i18n import Texts, from_accept_language
from timetrack.web.problems import shown

CSRF_FIELD = "csrf"
_MAX_FIELDS = 64
_SIGNED_OUT = frozenset({SESSION_INVALID, USER_DISABLED, ACCOUNT_DISABLED})


@dataclass(frozen=True, slots=True)
class NavItem:
    """A page in the header's navigation, shown to those its permission lets in."""

    path: str
    label: str  # a msgid
    resource: Resource
    action: Action

    def open_to(self, principal: Principal) -> bool:
        return principal.reach(self.resource, self.action) is not Reach.NONE


@dataclass(frozen=True, slots=True)
class NavAny(NavItem):
    """A page of several resources' pages (Admin), shown to those who reach ``action`` on
    ``resource`` or on any of ``others``."""

    others: tuple[Resource, ...] = ()

    def open_to(self, principal: Principal) -> bool:
        return any(
            principal.reach(resource, self.action) is not Reach.NONE
            for resource in (self.resource, *self.others)
        )


# What the admin pages manage besides clients (web/admin_table.py's sections and own pages; a
# test keeps it so).
ADMINISTERED = (
    Resource.PROJECTS,
    Resource.TASKS,
    Resource.USERS,
    Resource.TEAMS,
    Resource.API_KEYS,
    Resource.WORKING_TIME_MODELS,
)

# The pages of issue 14 as they are built (Week, Attendance, Absences, Reports, Admin join here).
NAV = (
    NavItem(f"{render.PREFIX}/timer", "Timer", Resource.TIMER, Action.WRITE),
    NavItem(f"{render.PREFIX}/week", "Week", Resource.TIME_ENTRIES, Action.READ),
    NavItem(f"{render.PREFIX}/attendance", "Attendance", Resource.ATTENDANCES, Action.READ),
    NavItem(f"{render.PREFIX}/absences", "Absences", Resource.ABSENCES, Action.READ),
    NavItem(f"{render.PREFIX}/reports", "Reports", Resource.REPORTS, Action.READ),
    NavAny(f"{render.PREFIX}/admin", "Admin", Resource.CLIENTS, Action.WRITE, ADMINISTERED),
)


@dataclass(frozen=True, slots=True)
class Visit:
    """A signed-in person's request to a page, after the checks."""

    request: Request
    caller: Caller
    texts: Texts
    form: dict[str, str]
    timer: dict[str, Any] | None = None  # the header's (``header.running_timer``)

    @property
    def account(self) -> Account:
        return self.caller.account

    @property
    def username(self) -> str:
        return self.caller.principal.username or ""

    def page(self, template: str, status_code: int = 200, **values: object) -> Response:
        principal = self.caller.principal
        return render.page(
            self.request,
            template,
            self.texts,
            status_code,
            nav=[item for item in NAV if item.open_to(principal)],
            person=principal.username,
            account=self.account,
            csrf=self.caller.csrf_token,
            header_timer=self.timer,
            **values,
        )


Page = Callable[[Visit], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


async def read_form(request: Request, fields: int = _MAX_FIELDS) -> dict[str, str]:
    """A urlencoded form's fields (the last of a repeated name); {} for any other body or one
    of more than ``fields`` fields. The body's size is capped before any route
    (``app.RequestLimits``)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    text = (await request.body()).decode("utf-8", "replace")
    try:
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=fields))
    except ValueError:
        return {}


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def to_sign_in(request: Request) -> Response:
    """303 to the sign-in page, which brings the person back here afterwards (a GET's own
    path; after a post, the page the form was on cannot be known, so the start page)."""
    back = request.url.path if request.method == "GET" else f"{render.PREFIX}/"
    response = RedirectResponse(f"{render.PREFIX}/signin?next={quote(back)}", status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def refusal(request: Request, error: AppError, texts: Texts | None = None) -> Response:
    """An error a page cannot show within itself: the envelope to a fetch, else a page."""
    if wants_json(request):
        return error_response(error.problems)
    texts = texts or Texts(from_accept_language(request.headers.get("accept-language", "")))
    failures = shown(error, texts, {})
    return render.page(
        request,
        "error.html",
        texts,
        error.status,
        failures=failures,
        problems=[],
        nav=[],
        person=None,
    )


def signed_in(
    resource: Resource, action: Action, *, fields: int = _MAX_FIELDS
) -> Callable[[Page], Endpoint]:
    """A page for signed-in people whose role reaches ``action`` on ``resource``; a post of
    more than ``fields`` form fields reads as an empty form (a week grid posts one a cell)."""

    def decorate(handler: Page) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            form = await read_form(request, fields) if request.method == "POST" else {}
            token = request.cookies.get(SESSION_COOKIE)
            if not token:
                return to_sign_in(request)
            try:
                # A form sends its token as a field, a fetch in X-CSRF-Token (None: the header).
                caller = await session_caller(request, token, form.get(CSRF_FIELD))
                await allowed(resource, action)(caller)
            except AppError as exc:
                if exc.problems[0].code in _SIGNED_OUT:
                    return to_sign_in(request)
                return refusal(request, exc)
            # The person's language came with their session (no read of its own).
            lang = language_of(caller.language)
            # A fetch gets JSON, not a page: no header to fill.
            timer = None if wants_json(request) else await running_timer(request, caller)
            visit = Visit(request, caller, Texts(lang), form, timer)
            try:
                return await handler(visit)
            except AppError as exc:
                return refusal(request, exc, visit.texts)

        endpoint.permission = (resource, action)  # type: ignore[attr-defined]
        return endpoint

    return decorate
