"""People signed in with a password (``POST /auth/login``): server-side sessions.

The cookie carries a random token; the table keeps only its SHA-256, so a copy of the database
opens no session. A session ends when it has been idle too long, at its absolute expiry, at
logout, when its user changes their password (their other sessions), or when the user or the
account is disabled or deleted (checked on every request, so on every worker at once).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from timetrack import canonical
from timetrack.accounts.guesses import now_us_sql
from timetrack.accounts.service import QUALIFIED, Account
from timetrack.config import Settings
from timetrack.crud import now
from timetrack.db import Database, Row, Tx
from timetrack.policy import Role, role_of
from timetrack.users.passwords import Passwords
from timetrack.wire import MAX_ID, name_key

# ``seen_at`` moves at most this often: idle expiry needs minutes, not every request's write.
SEEN_RESOLUTION = timedelta(minutes=1)

_USER = (
    "u.id AS user_id, u.username, u.admin, u.team_lead, u.external, u.enabled AS user_enabled, "
    "u.deleted_at AS user_deleted_at, u.password_hash, a.id AS account_id, "
    "a.enabled AS account_enabled"
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session's person, as each request sees it."""

    account_id: int
    user_id: int
    username: str
    role: Role
    csrf_token: str
    id_hash: str
    # When ``seen_at`` was last written (idle expiry counts from there).
    seen_at: datetime
    # False once the user is disabled or deleted: the session then opens nothing.
    user_live: bool = True
    # The user's ``language`` as read with the session (the web pages' language, without
    # another read); None where the session was not read (just signed in).
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta


def lifetimes(settings: Settings) -> Lifetimes:
    """The session lifetimes the settings name (``TIMETRACK_SESSION_*``)."""
    return Lifetimes(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_hours),
    )


def account_of(token: str) -> int | None:
    """The account a cookie's token names (``<account id>.<random>``), or None."""
    account, dot, _ = token.partition(".")
    return canonical.integer(account, 1, MAX_ID) if dot else None


def token_hash(token: str) -> str:
    # A session token is 256 random bits: a plain SHA-256 is safe to store and cheap to check.
    return hashlib.sha256(token.encode()).hexdigest()


def _role(row: Row) -> Role:
    return role_of(admin=row["admin"], team_lead=row["team_lead"], external=row["external"])


async def find_login(db: Database, account_slug: str, username: str) -> Row | None:
    """The account's live user of that name, with what a login needs to decide (the user's
    bucket of wrong passwords too, ``accounts.guesses``) and the account itself, or None."""
    return await db.fetchrow(
        f"SELECT {_USER}, {QUALIFIED}, f.full_at AS failures_full_at, "
        f"{now_us_sql(db.dialect)} AS now_us "
        "FROM accounts a JOIN users u ON u.account_id = a.id "
        "LEFT JOIN auth_failures f ON f.account_id = a.id AND f.subject = 'user:' || u.id "
        "WHERE a.slug = $1 AND u.username_key = $2 AND u.deleted_at IS NULL",
        account_slug,
        name_key(username),
    )


class PasswordCheck:
    """Compares a password with a user's stored hash, or, for a name that has no user, with a
    hash of the same cost, so an unknown user takes as long as a wrong password."""

    def __init__(self, passwords: Passwords) -> None:
        self._passwords = passwords
        self._dummy: str | None = None

    async def matches(self, row: Row | None, password: str) -> bool:
        if row is None:
            if self._dummy is None:
                self._dummy = await self._passwords.hash(secrets.token_urlsafe(16))
            await self._passwords.verify(self._dummy, password)
            return False
        return await self._passwords.verify(row["password_hash"], password)


async def start(tx: Tx, row: Row, lifetimes: Lifetimes) -> tuple[str, SignedIn]:
    """A new session for the user of ``row`` (from :func:`find_login`): its token, for the
    cookie, and what requests will see. A new token each time: a login never continues a
    session somebody else may have planted (session fixation)."""
    token = f"{row['account_id']}.{secrets.token_urlsafe(32)}"
    csrf = secrets.token_urlsafe(32)
    at = now()
    id_hash = token_hash(token)
    await tx.execute(
        "INSERT INTO sessions (account_id, id_hash, user_id, csrf_token, created_at, seen_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
        row["account_id"],
        id_hash,
        row["user_id"],
        csrf,
        at,
        at + lifetimes.absolute,
    )
    person = SignedIn(
        row["account_id"], row["user_id"], row["username"], _role(row), csrf, id_hash, at
    )
    return token, person


async def resume(db: Database, token: str, lifetimes: Lifetimes) -> tuple[SignedIn, Account] | None:
    """The session of a cookie's token and its account, while the session is live (None once
    it has ended). Whether its user is still enabled is the caller's to check
    (``SignedIn.user_live``), as the account's is."""
    account_id = account_of(token)
    if account_id is None:
        return None
    row = await db.fetchrow(
        f"SELECT s.csrf_token, s.seen_at, s.expires_at, s.id_hash, u.language AS user_language, "
        f"{_USER}, {QUALIFIED} "
        "FROM sessions s JOIN users u ON u.account_id = s.account_id AND u.id = s.user_id "
        "JOIN accounts a ON a.id = s.account_id WHERE s.account_id = $1 AND s.id_hash = $2",
        account_id,
        token_hash(token),
    )
    if row is None:
        return None
    at = now()
    if at >= row["expires_at"] or at - row["seen_at"] >= lifetimes.idle:
        return None
    person = SignedIn(
        row["account_id"],
        row["user_id"],
        row["username"],
        _role(row),
        row["csrf_token"],
        row["id_hash"],
        row["seen_at"],
        user_live=row["user_enabled"] and row["user_deleted_at"] is None,
        language=row["user_language"],
    )
    return person, Account.from_row(row)


async def touch(tx: Tx, person: SignedIn) -> None:
    """Move the idle expiry on, at most once per :data:`SEEN_RESOLUTION`."""
    at = now()
    if at - person.seen_at >= SEEN_RESOLUTION:
        await tx.execute("UPDATE sessions SET seen_at = $2 WHERE id_hash = $1", person.id_hash, at)


async def end(tx: Tx, account_id: int, id_hash: str) -> None:
    await tx.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND id_hash = $2", account_id, id_hash
    )


async def end_others(tx: Tx, account_id: int, user_id: int, keep_hash: str | None) -> None:
    """End every session of a user but ``keep_hash`` (a password change keeps the one that
    made it; an admin setting the password keeps none)."""
    await tx.execute(
        "DELETE FROM sessions WHERE account_id = $1 AND user_id = $2 AND id_hash <> $3",
        account_id,
        user_id,
        keep_hash or "",
    )


async def purge_expired(tx: Tx) -> int:
    """Delete sessions past their absolute expiry (idle ones are refused on use already)."""
    return len(
        await tx.fetch("DELETE FROM sessions WHERE expires_at <= $1 RETURNING id_hash", now())
    )
