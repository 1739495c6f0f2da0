"""``timetrack account ...``: create, list, update, rotate the secret, disable, enable.

Each change is recorded in the account's audit log with the actor ``cli``; a command that
changes nothing says so and records nothing.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from timetrack.accounts import service as accounts
from timetrack.audit import service as audit
from timetrack.config import Settings
from timetrack.console import in_transaction, out, subcommand
from timetrack.db import Tx

SLUG_HELP = "the account's slug, its short name (e.g. acme)"
_COUNTRY_HELP = "ISO-3166 alpha-2 country, for public holidays"
_REGION_HELP = "subdivision code, e.g. BY, for regional holidays"
_LABELS = {
    "name": "name",
    "timezone": "time zone",
    "country": "country",
    "region": "region",
    "rates_visible": "rates shown to people other than admins",
    "currency": "currency",
}


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value or "none")


def _yes_no(text: str) -> bool:
    if text.lower() in ("yes", "true", "on"):
        return True
    if text.lower() in ("no", "false", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected yes or no, got {text!r}")


def print_credentials(creds: accounts.Credentials, as_json: bool, *, heading: str) -> None:
    if as_json:
        payload = {
            "account": creds.account.as_dict(),
            "apiKey": creds.api_key,
            "apiSecret": creds.api_secret,
        }
        out(json.dumps(payload))
        return
    out(heading)
    out(f"  account:    {creds.account.slug} (time zone {creds.account.timezone})")
    out(f"  API key:    {creds.api_key}")
    out(f"  API secret: {creds.api_secret}")
    out("The secret is shown only now; `timetrack account rotate-secret` makes a new one.")


async def record(
    tx: Tx, action: str, account: accounts.Account, before: accounts.Account | None = None
) -> None:
    """The account's audit log records what the CLI does to it (never its key or secret)."""
    await audit.record_cli(
        tx,
        account.id,
        action,
        audit.ACCOUNTS,
        account.id,
        before=None if before is None else before.as_dict(),
        after=account.as_dict(),
    )


def add_parsers(commands: Any) -> None:
    """The ``account`` command and its actions, on the top-level subparsers."""
    account = commands.add_parser("account", help="manage accounts", description="Manage accounts.")
    actions = account.add_subparsers(
        dest="account_command", required=True, metavar="ACTION", help="what to do"
    )

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return subcommand(actions, name, text)

    create = action("create", "create an account; prints its key and secret")
    create.add_argument(
        "slug", metavar="SLUG", help=SLUG_HELP + ": 1-63 lowercase letters, digits or dashes"
    )
    create.add_argument("--name", help="display name (default: the slug)")
    create.add_argument("--timezone", default="UTC", help="IANA time zone (default UTC)")
    create.add_argument("--country", help=_COUNTRY_HELP)
    create.add_argument("--region", help=_REGION_HELP)
    update = action(
        "update",
        "change an account's name, time zone, country, region, currency or who sees rates",
    )
    update.add_argument("slug", metavar="SLUG", help=SLUG_HELP)
    update.add_argument("--name", help="display name")
    update.add_argument("--timezone", help="IANA time zone, e.g. Europe/Berlin")
    update.add_argument(
        "--country", help=_COUNTRY_HELP + "; empty removes it; a new one drops the region"
    )
    update.add_argument("--region", help=_REGION_HELP + "; empty removes it")
    update.add_argument(
        "--rates-visible",
        type=_yes_no,
        metavar="yes|no",
        help="whether people other than admins see hour rates and budgets (default no)",
    )
    update.add_argument(
        "--currency",
        metavar="CUR",
        help="ISO 4217 code of the account's amounts, e.g. USD (default EUR)",
    )
    listing = action("list", "list accounts")
    rotate = action("rotate-secret", "replace the API secret; prints the new one")
    rotate.add_argument("slug", metavar="SLUG", help=SLUG_HELP)
    for parser in (create, update, listing, rotate):
        parser.add_argument("--json", action="store_true", help="print JSON")
    for verb in ("disable", "enable"):
        action(verb, f"{verb} an account").add_argument("slug", metavar="SLUG", help=SLUG_HELP)


def run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.account_command
    if command == "create":
        return _create(args, settings)
    if command == "list":
        return _list(args, settings)
    if command == "update":
        return _update(args, settings)
    if command == "rotate-secret":
        return _rotate(args, settings)
    return _set_enabled(args, settings, command == "enable")


def _create(args: argparse.Namespace, settings: Settings) -> int:
    async def work(tx: Tx) -> accounts.Credentials:
        creds = await accounts.create_account(
            tx,
            args.slug,
            name=args.name,
            timezone=args.timezone,
            country=args.country,
            region=args.region,
        )
        await record(tx, "create", creds.account)
        return creds

    creds = in_transaction(settings, work)
    print_credentials(creds, args.json, heading=f"Created account {creds.account.slug}:")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    listed = in_transaction(settings, accounts.list_accounts, write=False)
    if args.json:
        out(json.dumps([a.as_dict() for a in listed]))
        return 0
    out(f"{'slug':<24} {'name':<28} {'time zone':<20} {'country':<8} enabled")
    for a in listed:
        place = "/".join(p for p in (a.country, a.region) if p) or "-"
        out(f"{a.slug:<24} {a.name[:28]:<28} {a.timezone:<20} {place:<8} {a.enabled}")
    return 0


def _update(args: argparse.Namespace, settings: Settings) -> int:
    async def work(tx: Tx) -> tuple[accounts.Account, accounts.Account]:
        before, after = await accounts.update_account(
            tx,
            args.slug,
            name=args.name,
            timezone=args.timezone,
            country=args.country,
            region=args.region,
            rates_visible=args.rates_visible,
            currency=args.currency,
        )
        if after != before:
            await record(tx, "update", after, before)
        return before, after

    before, after = in_transaction(settings, work)
    changed = [field for field in _LABELS if getattr(before, field) != getattr(after, field)]
    if args.json:
        out(json.dumps({"account": after.as_dict(), "changed": changed}))
    elif not changed:
        out(f"Account {after.slug} is unchanged: it already has these settings.")
    else:
        changes = "; ".join(
            f"{_LABELS[f]} {_shown(getattr(before, f))} -> {_shown(getattr(after, f))}"
            for f in changed
        )
        out(f"Updated account {after.slug}: {changes}.")
    return 0


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    async def work(tx: Tx) -> accounts.Credentials:
        creds = await accounts.rotate_secret(tx, args.slug)
        await record(tx, "rotate_secret", creds.account, creds.account)
        return creds

    creds = in_transaction(settings, work)
    heading = f"New secret for {args.slug} (the old one no longer works):"
    print_credentials(creds, args.json, heading=heading)
    return 0


def _set_enabled(args: argparse.Namespace, settings: Settings, enabled: bool) -> int:
    action = "enable" if enabled else "disable"

    async def work(tx: Tx) -> tuple[accounts.Account, accounts.Account]:
        before = await accounts.get_account(tx, args.slug)
        after = await accounts.set_enabled(tx, args.slug, enabled)
        if after != before:
            await record(tx, action, after, before)
        return before, after

    before, after = in_transaction(settings, work)
    state = "enabled" if enabled else "disabled"
    if after == before:
        out(f"Account {after.slug} is already {state}; nothing changed.")
    else:
        out(f"Account {after.slug} is now {state}.")
    return 0
