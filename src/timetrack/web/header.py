"""The running timer in the header of every page (WEB.md, "One timer, always in reach"): what
the timer page shows, read for the header by the same service (``timers.service.state_of``) under
the timer's own read permission, so a person whose role has no timer sees none.

Read once per page in ``guard.signed_in``, after the page's permission check and with the
page's grant restored afterwards, so the page's services see the grant they were given.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request

from timetrack.accounts.auth import Caller
from timetrack.auth.permissions import allowed
from timetrack.grants import GRANT
from timetrack.handlers import read_one
from timetrack.policy import Action, Reach, Resource
from timetrack.timers import service
from timetrack.times import WireTime
from timetrack.web.i18n import clock


async def running_timer(request: Request, caller: Caller) -> dict[str, Any] | None:
    """The person's timer as ``GET /timers`` answers it, with its clock (``h:mm:ss``) and
    the seconds since it started; None when their role reaches no timer."""
    principal = caller.principal
    user_id, username = principal.user_id, principal.username
    if principal.reach(Resource.TIMER, Action.READ) is Reach.NONE or not username or not user_id:
        return None
    page_grant = GRANT.get()
    now = WireTime(datetime.now(UTC).replace(tzinfo=None, microsecond=0), timedelta(0))
    try:
        account = await allowed(Resource.TIMER, Action.READ)(caller)
        # The session named the person: one statement, outside a transaction.
        async with read_one(request) as tx:
            state = await service.state_of(tx, account.id, user_id, username, now)
    finally:
        GRANT.set(page_grant)
    warn_after = int(request.app.state.settings.timer_warning_hours * 3600)
    elapsed = int(state["workedSeconds"]) + int(state["breakSeconds"])
    return {
        **state,
        "clock": clock(int(state["workedSeconds"])),
        "overdue": not state["stopped"] and elapsed >= warn_after,
    }
