"""Errors in words a person understands, next to the field they concern, with the API's own
message underneath for support (WEB.md, "Say what happened")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from timetrack.errors import (
    ACCOUNT_DISABLED,
    AUTH_THROTTLED,
    CLIENT_UNKNOWN,
    CSRF_FAILED,
    FIELD_INVALID,
    LOGIN_FAILED,
    PROJECT_UNKNOWN,
    ROLE_FORBIDS,
    TASK_UNKNOWN,
    TIMER_ALREADY_RUNNING,
    TIMER_CONCURRENT_CHANGE,
    TIMER_WRONG_STATE,
    USER_DISABLED,
    AppError,
    ErrorCode,
)
from timetrack.web.i18n import Texts

# What each error a page expects means to a person (msgids; others get the generic words).
_WORDS: dict[ErrorCode, str] = {
    LOGIN_FAILED: "The account, username or password is wrong.",
    AUTH_THROTTLED: "Too many attempts. Wait a minute, then try again.",
    ACCOUNT_DISABLED: "This account is disabled.",
    USER_DISABLED: "This user is disabled.",
    CSRF_FAILED: "This form has expired. Reload the page and send it again.",
    ROLE_FORBIDS: "Your role does not allow this.",
    CLIENT_UNKNOWN: "There is no client of this name.",
    PROJECT_UNKNOWN: "This client has no project of this name.",
    TASK_UNKNOWN: "There is no task of this name.",
    TIMER_ALREADY_RUNNING: "Your timer runs already.",
    TIMER_WRONG_STATE: "The timer is not in a state that allows this. Reload the page.",
    TIMER_CONCURRENT_CHANGE: "The timer changed meanwhile. Reload the page.",
}
_GENERIC = "This did not work."
_FIELD_INVALID = "Check this field."


@dataclass(frozen=True, slots=True)
class Shown:
    """One problem as a page shows it: the field it belongs to (None: the page), the words,
    and the API's message."""

    field: str | None
    message: str
    detail: str


def shown(
    error: AppError,
    texts: Texts,
    fields: dict[str, str],
    words: Mapping[ErrorCode, str] | None = None,
) -> list[Shown]:
    """``fields`` maps a body's JSON pointer (``/clientName``) to the form field's name; a
    page's own ``words`` (msgids) come before the common ones."""
    result = []
    for problem in error.problems:
        field = fields.get(problem.pointer or "")
        said = (words or {}).get(problem.code) or _WORDS.get(problem.code)
        words_for = said or (_FIELD_INVALID if field else _GENERIC)
        result.append(Shown(field, texts.gettext(words_for), problem.detail))
    return result


def reworded(
    error: AppError,
    texts: Texts,
    fields: dict[str, str],
    words: dict[ErrorCode, str],
    unreadable: dict[str, str] | None = None,
) -> list[Shown]:
    """:func:`shown` with a page's own words: ``words`` by code, and ``unreadable`` by form
    field for a value the API could not read (``FIELD_INVALID``: "enter a date such as ...")."""
    result = []
    for problem, base in zip(error.problems, shown(error, texts, fields), strict=True):
        if problem.code == FIELD_INVALID:
            message = (unreadable or {}).get(base.field or "")
        else:
            message = words.get(problem.code)
        result.append(
            base if message is None else Shown(base.field, texts.gettext(message), base.detail)
        )
    return result
