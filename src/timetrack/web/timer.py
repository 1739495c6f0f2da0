"""The timer page: start a timer on a client's project (and a task), pause, resume, stop.

Each action is a form post to the same rules as the API's (``timers.transitions.run`` under the
timer's permission, in one write transaction), answered by a redirect back to the page with a
short confirmation (post/redirect/get: reloading never repeats an action). The clock ticks in
``timer.js``; the page is complete without it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack.errors import AppError
from timetrack.handlers import read, write
from timetrack.policy import Action, Resource
from timetrack.timers import transitions
from timetrack.timers.schemas import TimerEvent, TimerStart
from timetrack.web import catalogue, render
from timetrack.web.guard import Visit, signed_in
from timetrack.web.header import running_timer
from timetrack.web.problems import shown
from timetrack.wire import parse_body

PATH = f"{render.PREFIX}/timer"
_FIELDS = {"/clientName": "client", "/projectName": "project", "/taskName": "task", "/note": "note"}
_DONE = {
    "start": "Timer started.",
    "pause": "Timer paused.",
    "resume": "Timer resumed.",
    "stop": "Timer stopped; the time is booked.",
}


def _now_text() -> str:
    """Now, as an instant (an offset of zero): the server's clock decides a web action's time."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


async def _show(visit: Visit, status_code: int = 200, error: AppError | None = None) -> Response:
    # The header's read (guard.signed_in) is this page's timer: its state, clock and warning.
    timer = visit.timer or await running_timer(visit.request, visit.caller)
    assert timer is not None  # the page's own permission is the timer's read
    has_projects = False
    if timer["stopped"]:
        async with read(visit.request) as tx:
            has_projects = await catalogue.any_project(visit, tx)
    warn_after = int(visit.request.app.state.settings.timer_warning_hours * 3600)
    done = _DONE.get(visit.request.query_params.get("done", ""))
    return visit.page(
        "timer.html",
        status_code,
        timer=timer,
        clock=timer["clock"],
        elapsed=timer["workedSeconds"] + timer["breakSeconds"],  # since the start
        warn_after=warn_after,
        warn_hours=visit.texts.number(warn_after / 3600, 0),
        overdue=timer["overdue"],
        has_projects=has_projects,
        values=visit.form,
        problems=shown(error, visit.texts, _FIELDS) if error else [],
        done=visit.texts.gettext(done) if done else None,
    )


@signed_in(Resource.TIMER, Action.READ)
async def timer_page(visit: Visit) -> Response:
    return await _show(visit)


def _body(visit: Visit, action: str) -> dict[str, Any]:
    body: dict[str, Any] = {"username": visit.username, "date": _now_text()}
    if action == "start":
        form = visit.form
        body["clientName"] = form.get("client", "").strip()
        body["projectName"] = form.get("project", "").strip()
        if task := form.get("task", "").strip():
            body["taskName"] = task
        if note := form.get("note", "").strip():
            body["note"] = note
    return body


def _action(action: str) -> Route:
    model: type[TimerEvent] = TimerStart if action == "start" else TimerEvent

    @signed_in(Resource.TIMER, Action.WRITE)
    async def endpoint(visit: Visit) -> Response:
        try:
            body, _ = parse_body(model, _body(visit, action))
            async with write(visit.request) as tx:
                await transitions.run(visit.request, tx, visit.account.id, action, body)
        except AppError as exc:
            return await _show(visit, exc.status, exc)
        return RedirectResponse(f"{PATH}?done={action}", status_code=303)

    endpoint.__name__ = f"timer_{action}"
    return Route(f"/timer/{action}", endpoint, methods=["POST"])


ROUTES = [
    Route("/timer", timer_page, methods=["GET"]),
    *(_action(action) for action in transitions.STEPS),
]
