"""``timetrack working-time list|set ACCOUNT USERNAME``: a user's working-time models, through
the same service as ``/users/{id}/working_time_models``, recorded in the audit log."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from timetrack import canonical, cli_accounts
from timetrack.accounts import service as accounts
from timetrack.audit import service as audit
from timetrack.config import Settings
from timetrack.console import in_transaction, out, subcommand
from timetrack.db import Tx
from timetrack.errors import AppError
from timetrack.working_time import service as working_time
from timetrack.working_time.fields import WEEKDAYS, parse_vacation_days, parse_valid_from


def add_parsers(commands: Any) -> None:
    """The ``working-time`` command and its actions, on the top-level subparsers."""
    models = subcommand(commands, "working-time", "manage users' working-time models")
    model_actions = models.add_subparsers(
        dest="working_time_command", required=True, metavar="ACTION", help="what to do"
    )
    model_list = model_actions.add_parser("list", help="list a user's working-time models")
    model_set = model_actions.add_parser(
        "set",
        help="create the user's model valid from a date, or change the one starting that day",
    )
    for action in (model_list, model_set):
        action.add_argument("slug", metavar="ACCOUNT_SLUG", help=cli_accounts.SLUG_HELP)
        action.add_argument("username", metavar="USERNAME", help="the user's username")
    model_set.add_argument(
        "--valid-from",
        required=True,
        type=_argument_type(parse_valid_from),
        metavar="YYYY-MM-DD",
        help="the first day the model applies",
    )
    model_set.add_argument(
        "--week",
        type=_week_hours,
        metavar="H,H,H,H,H,H,H",
        help="hours Monday to Sunday, decimals allowed (new models: 8,8,8,8,8,0,0)",
    )
    model_set.add_argument(
        "--vacation-days",
        type=_argument_type(parse_vacation_days),
        metavar="N",
        help="days of leave per year, at most one decimal (new models: 20)",
    )
    for action in (model_list, model_set):
        action.add_argument("--json", action="store_true", help="print JSON")


def _week_hours(text: str) -> dict[str, int]:
    """``--week 8,8,8,8,8,0,0``: hours Monday..Sunday (decimals allowed) -> wire seconds."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 7:
        raise argparse.ArgumentTypeError("give 7 comma-separated hours, Monday to Sunday")
    numbers = [canonical.decimal(part) for part in parts]
    hours = [h for h in numbers if h is not None]
    if len(hours) != 7:
        raise argparse.ArgumentTypeError(f"{text!r} is not 7 numbers of hours")
    if not all(0 <= h <= 24 for h in hours):
        raise argparse.ArgumentTypeError("each day must be 0 to 24 hours")
    seconds = [int((h * 3600).to_integral_value(ROUND_HALF_UP)) for h in hours]
    return {f"{day}Seconds": value for day, value in zip(WEEKDAYS, seconds, strict=True)}


def _argument_type(check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type that checks a value as the API would, and keeps the text."""

    def convert(text: str) -> str:
        try:
            check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return convert


def _hours(seconds: int) -> str:
    return format((Decimal(seconds) / 3600).quantize(Decimal("0.01")).normalize(), "f")


def _days(value: Any) -> str:
    """27.5 -> "27.5", Decimal("20.0") -> "20"."""
    return format(Decimal(str(value)).normalize(), "f")


def _describe_model(model: dict[str, Any]) -> str:
    week = " ".join(f"{day[:3].capitalize()} {_hours(model[f'{day}Seconds'])}" for day in WEEKDAYS)
    days = _days(model["vacationDaysPerYear"])
    return f"valid from {model['validFrom']}: {week} h; {days} days of leave a year"


def run(args: argparse.Namespace, settings: Settings) -> int:
    body: dict[str, Any] = {}
    if args.working_time_command == "set":
        body["validFrom"] = args.valid_from
        body.update(args.week or {})
        if args.vacation_days is not None:
            body["vacationDaysPerYear"] = args.vacation_days

    async def work(tx: Tx) -> Any:
        account = await accounts.get_account(tx, args.slug)
        listed = await working_time.list_for_username(tx, account.id, args.username)
        if args.working_time_command == "list":
            return listed
        starts = parse_valid_from(body["validFrom"])
        current = next((m for m in listed if parse_valid_from(m["validFrom"]) == starts), None)
        model, created = await working_time.set_for_username(
            tx, account.id, args.username, _what_changes(body, current)
        )
        before = None if created else next((m for m in listed if m["id"] == model["id"]), None)
        if model != before:  # setting what is already set changes nothing: no audit entry
            action = "create" if created else "update"
            await audit.record_cli(
                tx,
                account.id,
                action,
                audit.WORKING_TIME_MODELS,
                model["id"],
                before=before,
                after=model,
            )
        return model, created, model != before

    try:
        result = in_transaction(settings, work)
    except AppError as exc:
        sys.stderr.write(f"timetrack: {'; '.join(p.detail for p in exc.problems)}\n")
        return 1
    if args.working_time_command == "list":
        if args.json:
            out(json.dumps(result, default=float))
        elif not result:
            out(
                f"{args.username} has no working-time model: the default applies "
                "(Monday-Friday 8 h, 20 days of leave a year)."
            )
        else:
            days = " ".join(f"{d[:3].capitalize():>5}" for d in WEEKDAYS)
            out(f"{'id':<6} {'valid from':<10}  {days}  leave days")
            for m in result:
                hours = " ".join(f"{_hours(m[f'{d}Seconds']):>5}" for d in WEEKDAYS)
                out(
                    f"{m['id']:<6} {m['validFrom']:<10}  {hours}  {_days(m['vacationDaysPerYear'])}"
                )
        return 0
    model, created, changed = result
    if args.json:
        out(json.dumps(model, default=float))
        return 0
    described = _describe_model(model)
    which = f"working-time model {model['id']} of {model['username']}"
    if not changed:
        out(f"The {which} is unchanged: it already is {described}.")
    else:
        out(f"{'Created' if created else 'Updated'} {which}, {described}.")
    return 0


def _what_changes(body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The options that differ from the model starting that day: the same value again is no
    change, so nothing is written (not even ``updatedAt``) and nothing audited."""
    if current is None:
        return body
    return {
        key: value
        for key, value in body.items()
        if key == "validFrom" or Decimal(str(value)) != Decimal(str(current[key]))
    }
