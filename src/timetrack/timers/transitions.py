"""A timer's start, pause, resume or stop as one write: the service's step with its audit
entries. The API's routes (``timers/router.py``) and the web app's timer page run it alike,
inside the request's one transaction, once the route's permission has set the grant."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from timetrack.audit import service as audit
from timetrack.db import Tx
from timetrack.timers import service
from timetrack.timers.schemas import TimerEvent
from timetrack.users.service import user_by_name

Transition = Callable[[Tx, int, Any], Awaitable[dict[str, Any]]]

STEPS: dict[str, Transition] = {
    "start": service.start,
    "pause": service.pause,
    "resume": service.resume,
    "stop": service.stop,
}


async def run(
    request: Request, tx: Tx, account_id: int, name: str, body: TimerEvent
) -> dict[str, Any]:
    """The step ``name`` for ``body``'s user, recorded in the audit log: the timer keyed by its
    user's id with its state before and after, and the entry a stop books as a create."""
    user = await user_by_name(tx, account_id, body.username, field="username")
    before = await service.state(tx, account_id, user["username"], None)
    result = await STEPS[name](tx, account_id, body)
    after = {k: v for k, v in result.items() if k != "projectTimeEntry"}
    await audit.record_request(
        tx, request, account_id, name, "project_timer", user["id"], before=before, after=after
    )
    if "projectTimeEntry" in result:
        entry = result["projectTimeEntry"]
        await audit.record_request(
            tx, request, account_id, "create", "project_time_entries", entry["id"], after=entry
        )
    return result
