"""The project timer: one per user, driven only by the dates clients send (SPEC §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timetrack.clients.service import client_id_by_name
from timetrack.crud import now
from timetrack.db import Row, Tx
from timetrack.errors import (
    ENTRY_END_BEFORE_START,
    TIMER_ALREADY_RUNNING,
    TIMER_CONCURRENT_CHANGE,
    TIMER_DATE_BEFORE_LAST_EVENT,
    TIMER_WRONG_STATE,
    AppError,
)
from timetrack.projects.service import project_by_name
from timetrack.spans import stored_wall
from timetrack.tasks.service import task_by_name
from timetrack.time_entries import service as entries
from timetrack.timers.schemas import TimerEvent, TimerStart
from timetrack.times import WireTime, wire_local
from timetrack.users.service import user_by_name

PLAYING, PAUSED, STOPPED = "playing", "paused", "stopped"

_SELECT = (
    "SELECT tm.state, tm.user_id, tm.project_id, p.name AS project_name, c.name AS client_name, "
    "tm.task_id, t.name AS task_name, tm.note, tm.time_zone, tm.started_at, tm.last_event_at, "
    "tm.worked_seconds, tm.break_seconds, p.hour_rate AS project_rate, "
    "t.hour_rate AS task_rate, u.hour_rate AS user_rate"
    " FROM project_timers tm"
    " JOIN users u ON u.account_id = tm.account_id AND u.id = tm.user_id"
    " JOIN projects p ON p.account_id = tm.account_id AND p.id = tm.project_id"
    " JOIN clients c ON c.account_id = p.account_id AND c.id = p.client_id"
    " LEFT JOIN tasks t ON t.account_id = tm.account_id AND t.id = tm.task_id"
    # The account scope, written once: every read of timers goes through here.
    " WHERE tm.account_id = $1 AND tm.user_id = $2"
)


def _seconds(later: datetime, earlier: datetime) -> int:
    return int((later - earlier).total_seconds())


def to_wire(username: str, timer: Row | None, at: datetime | None = None) -> dict[str, Any]:
    """The timer as the vendor shows it; running durations are extended up to ``at``."""
    if timer is None:
        return {
            "username": username,
            "startedAt": None,
            "workedSeconds": 0,
            "breakSeconds": 0,
            "playing": False,
            "paused": False,
            "stopped": True,
            "clientName": None,
            "projectName": None,
            "taskName": None,
            "note": None,
            "timeZone": None,
            "lastEventAt": None,
        }
    worked, on_break = timer["worked_seconds"], timer["break_seconds"]
    last = timer["last_event_at"]
    if at is not None and at > last:
        if timer["state"] == PLAYING:
            worked += _seconds(at, last)
        elif timer["state"] == PAUSED:
            on_break += _seconds(at, last)
    zone_name = timer["time_zone"]
    return {
        "username": username,
        "startedAt": wire_local(timer["started_at"], zone_name),
        "workedSeconds": worked,
        "breakSeconds": on_break,
        "playing": timer["state"] == PLAYING,
        "paused": timer["state"] == PAUSED,
        "stopped": timer["state"] == STOPPED,
        "clientName": timer["client_name"],
        "projectName": timer["project_name"],
        "taskName": timer["task_name"],
        "note": timer["note"],
        "timeZone": zone_name,
        "lastEventAt": wire_local(last, zone_name),
    }


async def _timer(tx: Tx, account_id: int, user_id: int) -> Row | None:
    return await tx.fetchrow(_SELECT, account_id, user_id)


async def state(tx: Tx, account_id: int, username: str, date: WireTime | None) -> dict[str, Any]:
    user = await user_by_name(tx, account_id, username, field="username")
    return await state_of(tx, account_id, user["id"], user["username"], date)


async def state_of(
    tx: Tx, account_id: int, user_id: int, username: str, date: WireTime | None
) -> dict[str, Any]:
    """:func:`state` of a user known already (a signed-in person: one statement)."""
    timer = await _timer(tx, account_id, user_id)
    at = date.instant(timer["time_zone"]) if date is not None and timer is not None else None
    return to_wire(username, timer, at)


async def start(tx: Tx, account_id: int, body: TimerStart) -> dict[str, Any]:
    user = await user_by_name(tx, account_id, body.username, field="username")
    client_id = await client_id_by_name(tx, account_id, body.client_name, field="clientName")
    project = await project_by_name(
        tx, account_id, client_id, body.project_name, field="projectName"
    )
    task = (
        await task_by_name(tx, account_id, body.task_name, field="taskName")
        if body.task_name
        else None
    )
    zone_name = user["time_zone"]
    at = body.date.instant(zone_name)
    stored_wall(at, zone_name, "/date")  # the stop books an entry from here
    # One statement decides: it inserts, or revives a stopped timer, or changes nothing when
    # the timer runs; of two concurrent starts the second sees the first's row and loses.
    won = await tx.fetchval(
        "INSERT INTO project_timers (account_id, user_id, state, project_id, task_id, note, "
        "time_zone, started_at, last_event_at, worked_seconds, break_seconds, entry_id, "
        "updated_at) VALUES ($1, $2, 'playing', $3, $4, $5, $6, $7, $7, 0, 0, NULL, $8) "
        "ON CONFLICT (account_id, user_id) DO UPDATE SET state = 'playing', "
        "project_id = excluded.project_id, task_id = excluded.task_id, note = excluded.note, "
        "time_zone = excluded.time_zone, started_at = excluded.started_at, "
        "last_event_at = excluded.last_event_at, worked_seconds = 0, break_seconds = 0, "
        "entry_id = NULL, updated_at = excluded.updated_at "
        "WHERE project_timers.state = 'stopped' RETURNING user_id",
        account_id,
        user["id"],
        project["id"],
        task["id"] if task is not None else None,
        body.note,
        zone_name,
        at,
        now(),
    )
    if won is None:
        raise AppError.of(TIMER_ALREADY_RUNNING, f"the timer of {user['username']!r} runs")
    return to_wire(user["username"], await _timer(tx, account_id, user["id"]))


async def _advance(
    tx: Tx, account_id: int, body: TimerEvent, allowed: tuple[str, ...], action: str
) -> tuple[Row, Row, datetime, int, int]:
    """Check a pause/resume/stop against the current state; return the new durations."""
    user = await user_by_name(tx, account_id, body.username, field="username")
    timer = await _timer(tx, account_id, user["id"])
    current = timer["state"] if timer is not None else STOPPED
    if timer is None or current not in allowed:
        raise AppError.of(TIMER_WRONG_STATE, f"cannot {action} a {current} timer")
    at = body.date.instant(timer["time_zone"])
    stored_wall(at, timer["time_zone"], "/date")  # lastEventAt is answered as wall-clock time
    if at < timer["last_event_at"]:
        last = wire_local(timer["last_event_at"], timer["time_zone"])
        raise AppError.of(
            TIMER_DATE_BEFORE_LAST_EVENT, f"date is before the last event ({last})", pointer="/date"
        )
    elapsed = _seconds(at, timer["last_event_at"])
    worked = timer["worked_seconds"] + (elapsed if current == PLAYING else 0)
    on_break = timer["break_seconds"] + (elapsed if current == PAUSED else 0)
    return user, timer, at, worked, on_break


async def _store(
    tx: Tx,
    account_id: int,
    user: Row,
    timer: Row,
    new_state: str,
    at: datetime,
    worked: int,
    on_break: int,
    entry_id: int | None = None,
) -> None:
    # Guarded by the state and event time read above: a concurrent change makes this a no-op.
    changed = await tx.fetchval(
        "UPDATE project_timers SET state = $3, last_event_at = $4, worked_seconds = $5, "
        "break_seconds = $6, entry_id = $7, updated_at = $8 "
        "WHERE account_id = $1 AND user_id = $2 AND state = $9 AND last_event_at = $10 "
        "RETURNING user_id",
        account_id,
        user["id"],
        new_state,
        at,
        worked,
        on_break,
        entry_id,
        now(),
        timer["state"],
        timer["last_event_at"],
    )
    if changed is None:
        raise AppError.of(TIMER_CONCURRENT_CHANGE, "the timer changed meanwhile; read it again")


async def pause(tx: Tx, account_id: int, body: TimerEvent) -> dict[str, Any]:
    user, timer, at, worked, on_break = await _advance(tx, account_id, body, (PLAYING,), "pause")
    await _store(tx, account_id, user, timer, PAUSED, at, worked, on_break)
    return to_wire(user["username"], await _timer(tx, account_id, user["id"]))


async def resume(tx: Tx, account_id: int, body: TimerEvent) -> dict[str, Any]:
    user, timer, at, worked, on_break = await _advance(tx, account_id, body, (PAUSED,), "resume")
    await _store(tx, account_id, user, timer, PLAYING, at, worked, on_break)
    return to_wire(user["username"], await _timer(tx, account_id, user["id"]))


async def stop(tx: Tx, account_id: int, body: TimerEvent) -> dict[str, Any]:
    """Stop and book the time as a project time entry (``from`` = start, ``to`` = date)."""
    user, timer, at, worked, on_break = await _advance(
        tx, account_id, body, (PLAYING, PAUSED), "stop"
    )
    span_seconds = _seconds(at, timer["started_at"])
    if span_seconds <= 0:
        raise AppError.of(
            ENTRY_END_BEFORE_START, "a timer cannot stop when it started", pointer="/date"
        )
    break_minutes = on_break // 60
    if break_minutes * 60 >= span_seconds:  # a timer paused throughout still books its span
        break_minutes = max(0, (span_seconds - 1) // 60)
    span = entries.resolve_span(timer["started_at"], at, None, break_minutes, "/date")
    refs = entries.References(
        user={"id": user["id"], "hour_rate": timer["user_rate"]},
        project={"id": timer["project_id"], "hour_rate": timer["project_rate"]},
        task=(
            {"id": timer["task_id"], "hour_rate": timer["task_rate"]}
            if timer["task_id"] is not None
            else None
        ),
    )
    entry = await entries.insert_entry(
        tx, account_id, refs, timer["time_zone"], span, None, {"details": timer["note"]}
    )
    await _store(tx, account_id, user, timer, STOPPED, at, worked, on_break, entry["id"])
    result = to_wire(user["username"], await _timer(tx, account_id, user["id"]))
    result["projectTimeEntryId"] = entry["id"]
    result["projectTimeEntry"] = entries.to_wire(entry)
    return result
