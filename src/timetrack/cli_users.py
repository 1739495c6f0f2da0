"""``timetrack user set-password ACCOUNT USERNAME``: set a user's password from a prompt (or,
when standard input is not a terminal, from its first line), for an operator who has no admin
session yet or lost one. The user's sessions end; the audit log records it (actor ``cli``)."""

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
from timetrack.db import Tx
from timetrack.users.fields import check_password
from timetrack.users.passwords import Passwords
from timetrack.wire import name_key


def add_parsers(commands: Any) -> None:
    user = commands.add_parser("user", help="manage users", description="Manage users.")
    actions = user.add_subparsers(
        dest="user_command", required=True, metavar="ACTION", help="what to do"
    )
    set_password = actions.add_parser(
        "set-password",
        help="set a user's password, read from a prompt (or the first line of standard input)",
    )
    set_password.add_argument("slug", metavar="ACCOUNT_SLUG", help=SLUG_HELP)
    set_password.add_argument("username", metavar="USERNAME", help="the user's username")


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError("the two passwords differ; nothing changed")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password()
    try:
        check_password(password)
    except ValueError as exc:
        raise accounts.AccountError(f"the password {exc}; nothing changed") from None
    hasher = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    hashed = asyncio.run(hasher.hash(password))

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
