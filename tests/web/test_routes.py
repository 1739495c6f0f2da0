"""Every page of the app declares the permission it serves, as every API route does, so the
permission matrix can walk the pages as it walks the API (``guard.signed_in``)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Mount, Route

from timetrack.policy import Action, Resource
from timetrack.web import PREFIX

# Open to anybody: signing in and out (each checks its own token), the start page's redirect,
# the static files and the not-found page.
PUBLIC = {"/", "/signin", "/signout", "/static/{digest}/{name}", "/{path:path}"}


def _pages(app: FastAPI) -> list[Route]:
    (mount,) = [r for r in app.router.routes if isinstance(r, Mount) and r.path == PREFIX]
    return [route for route in mount.routes if isinstance(route, Route)]


def test_every_page_but_the_public_ones_declares_its_permission(
    app_without_database: FastAPI,
) -> None:
    declared = {}
    for route in _pages(app_without_database):
        permission = getattr(route.endpoint, "permission", None)
        if route.path in PUBLIC:
            assert permission is None, route.path
            continue
        assert permission is not None, f"{route.path} declares no permission"
        resource, action = permission
        assert isinstance(resource, Resource) and isinstance(action, Action)
        declared[(route.path, *sorted(route.methods or ()))] = permission
    assert declared[("/timer", "GET", "HEAD")] == (Resource.TIMER, Action.READ)
    assert declared[("/timer/stop", "POST")] == (Resource.TIMER, Action.WRITE)
    assert declared[("/reports", "GET", "HEAD")] == (Resource.REPORTS, Action.READ)
