"""``timetrack user create|set-password ACCOUNT USERNAME``: the people who sign in to the web
app, for an operator who has no admin session yet (the first person of a new account) or lost
one. The password comes from a prompt, asked twice (or, when standard input is not a terminal,
from its first line). A user is created through the same checks and service as ``POST /users``;
a new password ends the user's sessions. The audit log records both (actor ``cli``)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from timetrack.accounts import service as accounts
from timetrack.audit import service as audit
from timetrack.auth import sessions
from timetrack.cli_accounts import SLUG_HELP
from timetrack.config import Settings
from timetrack.console import in_transaction, out
from timetrack.crud import now
from timetrack.db import Row, Tx
from timetrack.errors import AppError
from timetrack.users import service as users
from timetrack.users.fields import check_password
from timetrack.users.passwords import Passwords
from timetrack.users.schemas import UserCreate
from timetrack.wire import name_key, parse_body

# The domain of the e-mail address a user created without --email gets: ".invalid" is reserved
# (RFC 2606), so no mail can ever go to it by mistake, and the account's slug keeps it unique.
NO_MAIL_DOMAIN = "invalid"
# Where a refused field of the body came from, to name it as the operator typed it.
_ARGUMENTS = {
    "/username": "USERNAME",
    "/email": "--email",
    "/firstName": "--first-name",
    "/lastName": "--last-name",
    "/language": "--language",
}
_NOT_CREATED = "no user created"


def add_parsers(commands: Any) -> None:
    user = commands.add_parser("user", help="manage users", description="Manage users.")
    actions = user.add_subparsers(
        dest="user_command", required=True, metavar="ACTION", help="what to do"
    )
    create = actions.add_parser(
        "create",
        help="create a user who signs in with a password read from a prompt (or the first "
        "line of standard input)",
        description="Create a user, as POST /users does, with a password read from a prompt "
        "(or the first line of standard input).",
    )
    set_password = actions.add_parser(
        "set-password",
        help="set a user's password, read from a prompt (or the first line of standard input)",
    )
    for action in (create, set_password):
        action.add_argument("slug", metavar="ACCOUNT_SLUG", help=SLUG_HELP)
        action.add_argument("username", metavar="USERNAME", help="the user's username")
    create.add_argument("--admin", action="store_true", help="an admin of the account")
    create.add_argument(
        "--team-lead", action="store_true", help="a team lead (approves their teams' absences)"
    )
    create.add_argument(
        "--external", action="store_true", help="sees and books only their assigned projects"
    )
    create.add_argument(
        "--email", metavar="E", help=f"e-mail address (default USERNAME@SLUG.{NO_MAIL_DOMAIN})"
    )
    create.add_argument("--first-name", metavar="F", help="first name (default USERNAME)")
    create.add_argument("--last-name", metavar="L", help='last name (default "-")')
    create.add_argument(
        "--language", choices=("de", "en"), default="en", help="the web app's language"
    )


def _read_password(prompt: str, unchanged: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError(f"the two passwords differ; {unchanged}")
    return first


def _checked_password(prompt: str, unchanged: str) -> str:
    """The password read, if it meets the API's rules; the rule it breaks otherwise."""
    password = _read_password(prompt, unchanged)
    try:
        return check_password(password)
    except ValueError as exc:
        raise accounts.AccountError(f"the password {exc}; {unchanged}") from None


def _hash(settings: Settings, password: str) -> str:
    hasher = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    return asyncio.run(hasher.hash(password))


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.user_command == "create":
        return _create(args, settings)
    return _set_password(args, settings)


def _refused(exc: AppError, body: dict[str, Any], args: argparse.Namespace) -> str:
    """One line naming each refused field as the operator gave it (or as it was made up)."""
    parts = []
    for problem in exc.problems:
        pointer = problem.pointer or ""
        label = _ARGUMENTS.get(pointer)
        if pointer == "/email" and args.email is None:
            label = "the e-mail address made from USERNAME (give one with --email)"
        value = body.get(pointer.removeprefix("/"))
        named = label is not None and isinstance(value, str)
        parts.append(f"{label} {value!r}: {problem.detail}" if named else problem.detail)
    return "; ".join(parts) + f"; {_NOT_CREATED}"


def _create(args: argparse.Namespace, settings: Settings) -> int:
    password = _checked_password("Password: ", _NOT_CREATED)
    # The body POST /users would receive; the API's defaults for everything not asked here.
    body = {
        "username": args.username,
        "firstName": args.username if args.first_name is None else args.first_name,
        "lastName": "-" if args.last_name is None else args.last_name,
        "email": args.email or f"{args.username}@{args.slug}.{NO_MAIL_DOMAIN}",
        "admin": args.admin,
        "teamLead": args.team_lead,
        "external": args.external,
        "language": args.language,
    }
    try:
        # Checked before the slow hash; the password is checked again with the body, as the
        # API checks it, but it already meets the rules.
        checked, _ = parse_body(UserCreate, body | {"password": password})
    except AppError as exc:
        raise accounts.AccountError(_refused(exc, body, args)) from None
    checked = checked.with_password_hash(_hash(settings, password))

    async def work(tx: Tx) -> Row:
        account = await accounts.get_account(tx, args.slug)
        row = await users.create_user(tx, account.id, checked)
        await audit.record_cli(
            tx, account.id, "create", "users", row["id"], after=users.to_wire(row)
        )
        return row

    try:
        row = in_transaction(settings, work)
    except AppError as exc:
        raise accounts.AccountError(_refused(exc, body, args)) from None
    roles = [r for r, on in (("admin", args.admin), ("team lead", args.team_lead)) if on]
    role = f", {' and '.join(roles)}," if roles else ""
    out(
        f"Created the user {row['username']} (id {row['id']}){role} in {args.slug}; they sign in "
        "to the web app (/app/) with this account, their username and the password."
    )
    return 0


def _set_password(args: argparse.Namespace, settings: Settings) -> int:
    hashed = _hash(settings, _checked_password("New password: ", "nothing changed"))

    async def work(tx: Tx) -> None:
        account = await accounts.get_account(tx, args.slug)
        user_id = await tx.fetchval(
            "SELECT id FROM users WHERE account_id = $1 AND username_key = $2 "
            "AND deleted_at IS NULL",
            account.id,
            name_key(args.username),
        )
        if user_id is None:
            raise accounts.AccountError(f"{args.slug} has no user {args.username!r}")
        await tx.execute(
            "UPDATE users SET password_hash = $3, updated_at = $4 "
            "WHERE account_id = $1 AND id = $2",
            account.id,
            user_id,
            hashed,
            now(),
        )
        await sessions.end_others(tx, account.id, user_id, None)
        await audit.record_cli(tx, account.id, "password", "users", user_id)

    in_transaction(settings, work)
    out(f"Password of {args.username} in {args.slug} set; their sessions have ended.")
    return 0
