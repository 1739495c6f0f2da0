"""Teams: groups of users, each with its leads and its members (issue 12). What a lead may do
with the members' records is the policy's (``timetrack.policy``); this is the data.

A user is a lead or a member of one team, not both (one ``team_members`` row says which); a
lead need not be a member. A lead must have the ``teamLead`` or ``admin`` role, since the
policy gives lead rights by role: a plain user listed as a lead would silently lead nobody.
Deleted users drop out of the answers (their rows stay, for a deleted user's history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timetrack import grants
from timetrack.columns import Column, WireColumns
from timetrack.crud import (
    Feed,
    Filters,
    apply_feed,
    fetch_page,
    now,
    require_live,
    soft_delete,
    update_columns,
)
from timetrack.db import IntegrityViolation, Row, Tx, next_id
from timetrack.errors import (
    FIELD_INVALID,
    TEAM_DELETED,
    TEAM_LEAD_WITHOUT_ROLE,
    TEAM_NAME_TAKEN,
    TEAM_NOT_FOUND,
    AppError,
    Problem,
)
from timetrack.paging import Page
from timetrack.teams.schemas import TeamCreate, TeamFilter, TeamUpdate
from timetrack.users.lists import (
    refuse,
    repeated,
    sorted_names,
    usernames_by_record,
    users_named,
)
from timetrack.wire import name_key

COLUMNS = WireColumns(
    Column("id", "id"),
    Column("name", "name"),
    # Read from team_members (``_with_people``, ``_ONE``).
    Column("leads", "leads", selected=False),
    Column("members", "members", selected=False),
)
# The account scope, written once: every read of teams starts here.
_OWNED = f"SELECT {COLUMNS.select_list} FROM teams WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM teams WHERE account_id = $1"
_PEOPLE = (
    "SELECT tm.team_id, tm.lead, u.username FROM team_members tm "
    "JOIN users u ON u.account_id = tm.account_id AND u.id = tm.user_id "
    "WHERE tm.account_id = $1 AND u.deleted_at IS NULL AND tm.team_id IN ({})"
)
# One team with its people, a row each, in one statement: a read of one record runs outside a
# transaction (``handlers.read_one``), and two statements could see two versions.
_ONE = (
    "SELECT t.id, t.name, t.updated_at, t.deleted_at, tm.lead, u.username FROM teams t "
    "LEFT JOIN team_members tm ON tm.account_id = t.account_id AND tm.team_id = t.id "
    "LEFT JOIN users u ON u.account_id = tm.account_id AND u.id = tm.user_id "
    "AND u.deleted_at IS NULL WHERE t.account_id = $1 AND t.id = $2"
)
# The teams a live user (by username_key) leads or belongs to.
_OF_USER = (
    "id IN (SELECT tm.team_id FROM team_members tm JOIN users u ON u.account_id = tm.account_id "
    "AND u.id = tm.user_id WHERE tm.account_id = $1 AND u.username_key = {} "
    "AND u.deleted_at IS NULL)"
)


to_wire = COLUMNS.to_wire


def _reach_sql(column: str) -> str:
    """`` AND`` the teams the current request may see: a person (whose reach of teams is their
    own) sees those they lead or belong to; "" for the account key and admins."""
    condition = grants.owner_condition("r.user_id", grants.granted_owners())
    if condition is None:
        return ""
    return (
        f" AND {column} IN (SELECT r.team_id FROM team_members r "
        f"WHERE r.account_id = $1 AND {condition})"
    )


async def _with_people(tx: Tx, account_id: int, rows: Sequence[Row]) -> list[Row]:
    """The rows with their live leads and members (sorted usernames), read in one query."""
    people = await usernames_by_record(tx, _PEOPLE, account_id, [r["id"] for r in rows])
    leads: dict[int, list[str]] = {}
    members: dict[int, list[str]] = {}
    for person in people:
        (leads if person["lead"] else members).setdefault(person["team_id"], []).append(
            person["username"]
        )
    return [
        {
            **{key: row[key] for key in row.keys()},  # noqa: SIM118 (a row iterates its values)
            "leads": sorted_names(leads.get(row["id"], [])),
            "members": sorted_names(members.get(row["id"], [])),
        }
        for row in rows
    ]


async def list_teams(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: TeamFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed)
    if query.name is not None:
        filters.contains("name_key", query.name)
    if query.username is not None:
        filters.add(_OF_USER, name_key(query.username))
    if reach := _reach_sql("id"):
        filters.require(reach.removeprefix(" AND "))
    rows, total = await fetch_page(tx, _OWNED, _COUNT, filters, page, "id")
    return await _with_people(tx, account_id, rows), total


async def _row(tx: Tx, account_id: int, team_id: int) -> Row | None:
    rows = await tx.fetch(_ONE + _reach_sql("t.id"), account_id, team_id)
    if not rows:
        return None
    people = [r for r in rows if r["username"] is not None]
    return {
        **{key: rows[0][key] for key in ("id", "name", "updated_at", "deleted_at")},
        "leads": sorted_names(r["username"] for r in people if r["lead"]),
        "members": sorted_names(r["username"] for r in people if not r["lead"]),
    }


async def get_team(tx: Tx, account_id: int, team_id: int) -> Row:
    row = await _row(tx, account_id, team_id)
    return require_live(row, TEAM_NOT_FOUND, TEAM_DELETED, f"team {team_id}")


def _name_taken(name: str) -> AppError:
    return AppError.of(TEAM_NAME_TAKEN, f"a team named {name!r} exists", pointer="/name")


async def _refuse_taken_name(
    tx: Tx, account_id: int, name: str, *, except_id: int | None = None
) -> None:
    taken = await tx.fetchval(
        "SELECT id FROM teams WHERE account_id = $1 AND name_key = $2 AND deleted_at IS NULL",
        account_id,
        name_key(name),
    )
    if taken is not None and taken != except_id:
        raise _name_taken(name)


@dataclass(frozen=True, slots=True)
class _People:
    """The users a team's lists name, resolved."""

    leads: list[Row]
    members: list[Row]

    def names(self) -> tuple[list[str], list[str]]:
        """The lists as the team's answer will show them."""
        return (
            sorted_names(u["username"] for u in self.leads),
            sorted_names(u["username"] for u in self.members),
        )


async def _people(
    tx: Tx, account_id: int, leads: list[str], members: list[str], *, new_leads: bool = True
) -> _People:
    """The users ``leads`` and ``members`` name; 400 with every problem of both lists at once.
    The leads' roles are checked when ``leads`` is sent (``new_leads``): a lead whose role was
    taken away since does not stop an update of the members."""
    problems = repeated(leads, "leads") + repeated(members, "members")
    lead_keys = {name_key(name) for name in leads}
    problems += [
        Problem(
            FIELD_INVALID,
            f"{name!r} is listed under leads too; a user leads a team or is a member of it, "
            "not both (a lead need not be a member)",
            pointer=f"/members/{index}",
        )
        for index, name in enumerate(members)
        if name_key(name) in lead_keys
    ]
    lead_users, unknown_leads = await users_named(tx, account_id, leads, "leads")
    member_users, unknown_members = await users_named(tx, account_id, members, "members")
    problems += unknown_leads + unknown_members
    problems += [
        Problem(
            TEAM_LEAD_WITHOUT_ROLE,
            f"{user['username']!r} has neither teamLead nor admin, so would lead nobody; "
            "set the user's teamLead first, or list them under members",
            pointer=f"/leads/{index}",
        )
        for index, user in lead_users.items()
        if new_leads and not (user["admin"] or user["team_lead"])
    ]
    refuse(problems)
    return _People(list(lead_users.values()), list(member_users.values()))


async def _store_people(tx: Tx, account_id: int, team_id: int, people: _People) -> None:
    """Replace the team's rows: its lists are always written whole."""
    await tx.execute(
        "DELETE FROM team_members WHERE account_id = $1 AND team_id = $2", account_id, team_id
    )
    rows = [(u["id"], True) for u in people.leads] + [(u["id"], False) for u in people.members]
    for user_id, lead in rows:
        await tx.execute(
            "INSERT INTO team_members (account_id, team_id, user_id, lead) VALUES ($1, $2, $3, $4)",
            account_id,
            team_id,
            user_id,
            lead,
        )


async def create_team(tx: Tx, account_id: int, body: TeamCreate) -> Row:
    people = await _people(tx, account_id, body.leads, body.members)
    await _refuse_taken_name(tx, account_id, body.name)
    team_id = await next_id(tx, account_id, "teams")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO teams (account_id, id, name, name_key, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $5)",
            account_id,
            team_id,
            body.name,
            name_key(body.name),
            stamp,
        )
    except IntegrityViolation:
        # A concurrent create took the name between our check and the insert.
        raise _name_taken(body.name) from None
    await _store_people(tx, account_id, team_id, people)
    return await get_team(tx, account_id, team_id)


async def update_team(tx: Tx, account_id: int, team_id: int, body: TeamUpdate) -> Row:
    current = await get_team(tx, account_id, team_id)
    changes: dict[str, Any] = {}
    leads = current["leads"] if body.leads is None else body.leads
    members = current["members"] if body.members is None else body.members
    people = None
    if body.leads is not None or body.members is not None:
        people = await _people(tx, account_id, leads, members, new_leads=body.leads is not None)
        if people.names() == (current["leads"], current["members"]):
            people = None  # the same people: nothing to store
    if body.name is not None and body.name != current["name"]:
        await _refuse_taken_name(tx, account_id, body.name, except_id=team_id)
        changes |= {"name": body.name, "name_key": name_key(body.name)}
    if not changes and people is None:
        return current
    try:
        await update_columns(tx, "teams", account_id, team_id, changes)
    except IntegrityViolation:
        raise _name_taken(body.name or current["name"]) from None
    if people is not None:
        await _store_people(tx, account_id, team_id, people)
    return await get_team(tx, account_id, team_id)


async def delete_team(tx: Tx, account_id: int, team_id: int) -> Row:
    """Soft delete: the team leads nobody from now on; its name is free again."""
    await get_team(tx, account_id, team_id)
    await soft_delete(tx, "teams", account_id, team_id, TEAM_DELETED, f"team {team_id}")
    row = await _row(tx, account_id, team_id)
    assert row is not None
    return row
