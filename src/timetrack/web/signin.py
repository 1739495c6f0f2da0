"""The sign-in page, signing out, and the app's start page.

Signing in and out runs the API's own checks (``auth/signin.py``: the same password check,
budget of wrong passwords, session and cookie). Before a session exists, the sign-in form is
protected from cross-site posts by a token of its own, sent both in a cookie and as a field
(a "double submit": another site can make a browser post, but cannot read or set the cookie).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack.accounts.auth import SESSION_COOKIE
from timetrack.auth import signin
from timetrack.auth.schemas import Login
from timetrack.errors import CSRF_FAILED, AppError
from timetrack.web import render
from timetrack.web.guard import CSRF_FIELD, NAV, read_form, refusal
from timetrack.web.i18n import Texts, from_accept_language
from timetrack.web.problems import shown
from timetrack.wire import parse_body

SIGNIN_COOKIE = "timetrack_signin"
SIGNIN_PATH = f"{render.PREFIX}/signin"
_FIELDS = {"/account": "account", "/username": "username", "/password": "password"}


def _texts(request: Request) -> Texts:
    return Texts(from_accept_language(request.headers.get("accept-language", "")))


def _next(target: str) -> str:
    """Where to go after signing in: a page of the app, never another site (``//host``)."""
    if target.startswith(f"{render.PREFIX}/") and not target.startswith("//"):
        return target
    return f"{render.PREFIX}/"


def _form(
    request: Request,
    values: dict[str, str],
    status_code: int = 200,
    error: AppError | None = None,
) -> Response:
    texts = _texts(request)
    token = request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(32)
    response = render.page(
        request,
        "signin.html",
        texts,
        status_code,
        nav=[],
        person=None,
        csrf=token,
        values=values,
        problems=shown(error, texts, _FIELDS) if error else [],
    )
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        path=SIGNIN_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


async def signin_page(request: Request) -> Response:
    return _form(request, {"next": _next(request.query_params.get("next", ""))})


async def signin_post(request: Request) -> Response:
    form = await read_form(request)
    values = {k: form.get(k, "") for k in ("account", "username", "next")}
    values["next"] = _next(values["next"])
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, form.get(CSRF_FIELD, "")):
        error = AppError.of(CSRF_FAILED, "the sign-in form's token is missing or wrong")
        return refusal(request, error, _texts(request))
    try:
        body, _ = parse_body(
            Login,
            {
                "account": values["account"].strip().lower(),
                "username": values["username"].strip(),
                "password": form.get("password", ""),
            },
        )
        token, _caller = await signin.sign_in(request, body)
    except AppError as exc:
        return _form(request, values, exc.status, exc)
    response = RedirectResponse(values["next"], status_code=303)
    signin.set_session_cookie(request, response, token)
    response.delete_cookie(SIGNIN_COOKIE, path=SIGNIN_PATH)
    return response


async def signout(request: Request) -> Response:
    form = await read_form(request)
    try:
        await signin.sign_out(request, form.get(CSRF_FIELD))
    except AppError as exc:
        return refusal(request, exc, _texts(request))
    response = RedirectResponse(SIGNIN_PATH, status_code=303)
    signin.clear_session_cookie(response)
    return response


async def start(request: Request) -> Response:
    """The app's first page (which sends a person not signed in to the sign-in page)."""
    if not request.cookies.get(SESSION_COOKIE):
        return RedirectResponse(SIGNIN_PATH, status_code=303)
    return RedirectResponse(NAV[0].path, status_code=303)


ROUTES = [
    Route("/", start, methods=["GET"]),
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin_post, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
]
