"""The account's settings (``/app/admin/account``): its time zone, and the country and region
whose public holidays it keeps, changed through ``accounts.service.update_account`` (the
CLI's ``timetrack account update``, with the same checks) and recorded in the audit log.

Accounts have no language: the language is each person's (their user's ``language``, set on
the user's page), and the pages and exports follow it; an account-wide language would only be
a default for new users, which the user form already offers.

Like the other admin forms, the form carries the version it showed; a change since then is a
conflict and writes nothing.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack.accounts.service import (
    Account,
    AccountError,
    get_account,
    update_account,
    validate_timezone,
)
from timetrack.audit import service as audit
from timetrack.errors import FIELD_INVALID, PRECONDITION_FAILED, AppError, Problem
from timetrack.handlers import read, write
from timetrack.preconditions import etag_of
from timetrack.web import admin_table, render
from timetrack.web.admin_table import ACCOUNT_PERMISSION, WORDS
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import shown
from timetrack.wire import dumps

PATH = f"{render.PREFIX}/admin/account"
FIELDS = ("timezone", "country", "region")
LABELS = {
    "timezone": "Time zone (e.g. Europe/Berlin)",
    "country": "Country for public holidays (e.g. DE)",
    "region": "Region for public holidays (e.g. BY)",
}
SAVED = "The account's settings were saved."


def _version(account: Account) -> str:
    return etag_of(dumps(account.as_dict()))


def _values(account: Account) -> dict[str, str]:
    return {name: getattr(account, name) or "" for name in FIELDS}


def _show(
    visit: Visit, account: Account, values: dict[str, str], version: str, error: AppError | None
) -> Response:
    fields = {f"/{name}": name for name in FIELDS}
    done = visit.request.query_params.get("done") == "saved"
    return visit.page(
        "admin_account.html",
        error.status if error else 200,
        sections=admin_table.pages_for(visit.caller.principal),
        settings=account,
        labels=LABELS,
        values=values,
        version=version,
        conflict=error is not None and error.status == 412,
        done=visit.texts.gettext(SAVED) if done and error is None else None,
        problems=shown(error, visit.texts, fields, WORDS) if error else [],
    )


@signed_in(*ACCOUNT_PERMISSION)
async def account_page(visit: Visit) -> Response:
    async with read(visit.request) as tx:
        account = await get_account(tx, visit.account.slug)
    return _show(visit, account, _values(account), _version(account), None)


def _refusal(exc: AccountError) -> AppError:
    """The service's refusal as the field it concerns (its message says which)."""
    message = str(exc)
    field = "region" if "region" in message else "country"
    return AppError(Problem(FIELD_INVALID, message, pointer=f"/{field}"))


async def _save(visit: Visit, values: dict[str, str], version: str) -> None:
    try:
        timezone = validate_timezone(values["timezone"])
    except AccountError as exc:
        raise AppError(Problem(FIELD_INVALID, str(exc), pointer="/timezone")) from None
    slug = visit.account.slug
    async with write(visit.request) as tx:
        if tx.dialect == "postgresql":  # the version checked is the one changed
            await tx.execute("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", visit.account.id)
        current = _version(await get_account(tx, slug))
        if version != current:
            detail = f"the account has changed: its current ETag is {current}"
            raise AppError(Problem(PRECONDITION_FAILED, detail))
        try:
            before, after = await update_account(
                tx, slug, timezone=timezone, country=values["country"], region=values["region"]
            )
        except AccountError as exc:
            raise _refusal(exc) from None
        if after != before:
            await audit.record_request(
                tx,
                visit.request,
                after.id,
                "update",
                audit.ACCOUNTS,
                after.id,
                before=before.as_dict(),
                after=after.as_dict(),
            )


@signed_in(*ACCOUNT_PERMISSION)
async def account_save(visit: Visit) -> Response:
    values = {name: visit.form.get(name, "").strip() for name in FIELDS}
    version = visit.form.get("version", "")
    try:
        await _save(visit, values, version)
    except AppError as exc:
        async with read(visit.request) as tx:
            account = await get_account(tx, visit.account.slug)
        return _show(visit, account, values, version, exc)
    return RedirectResponse(f"{PATH}?done=saved", status_code=303)


ROUTES = [
    Route("/admin/account", account_page, methods=["GET"]),
    Route("/admin/account", account_save, methods=["POST"]),
]
