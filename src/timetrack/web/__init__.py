"""The web app, ``/app/``: server-rendered pages for people (issue 14), served by the same
process as the API and calling the same services under the same permission policy.

Pages are Jinja2 templates (``templates/``) in German or English (``i18n.py``), with our own CSS
and small ES modules (``static/``, served here by content hash). ``guard.py`` is what every
page does first (session, CSRF token, permission, language, navigation); each page module holds
its routes. The routes are a Starlette ``Mount``: not API operations, so they are neither in
the OpenAPI document nor compiled by the dispatcher (which hands them to the router).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from timetrack.errors import ROUTE_NOT_FOUND, AppError
from timetrack.web import (
    absences,
    admin,
    admin_working_time,
    attendance,
    catalogue,
    render,
    reports,
    signin,
    timer,
    week_page,
)
from timetrack.web.guard import refusal

PREFIX = render.PREFIX
CSP = render.CSP


async def _static(request: Request) -> Response:
    found = render.static_file(request.path_params["digest"], request.path_params["name"])
    if found is None:
        return refusal(request, AppError.of(ROUTE_NOT_FOUND, "no such file of the web app"))
    return found


async def _not_found(request: Request) -> Response:
    return refusal(request, AppError.of(ROUTE_NOT_FOUND, f"no page {request.url.path[:80]!r}"))


async def _to_app(request: Request) -> Response:
    return RedirectResponse(f"{PREFIX}/", status_code=303)


def install(app: FastAPI) -> None:
    """Serve the app under ``/app`` and send ``/`` there."""
    routes = [
        *signin.ROUTES,
        *timer.ROUTES,
        *catalogue.ROUTES,
        *week_page.ROUTES,
        *attendance.ROUTES,
        *absences.ROUTES,
        *reports.ROUTES,
        *admin.ROUTES,
        *admin_working_time.ROUTES,
        Route("/static/{digest}/{name}", _static, methods=["GET"]),
        Route("/{path:path}", _not_found, methods=["GET", "POST"]),
    ]
    # First: the router tries its routes in order, and the API's ~500 (behind the dispatcher,
    # which hands it every path it does not serve) would each be tried before the app's. No
    # other route starts with /app/, so going first changes which route answers nothing.
    app.router.routes.insert(0, Mount(PREFIX, routes=routes, name="web"))
    for path in ("/", PREFIX):
        app.router.routes.append(Route(path, _to_app, methods=["GET"], include_in_schema=False))
