"""``/auth``: people sign in with a password, and out; ``/auth/me`` says who any credential
acts as; ``/auth/password`` changes one's own password.

The checks of signing in and out are ``auth/signin.py``'s, shared with the web app's pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from timetrack import preconditions
from timetrack.accounts.auth import (
    CSRF_HEADER,
    SESSION_COOKIE,
    Caller,
    CallerDep,
)
from timetrack.audit import service as audit
from timetrack.auth import sessions, signin
from timetrack.auth.schemas import Login, Me, PasswordChange
from timetrack.crud import now
from timetrack.errors import (
    ACCOUNT_DISABLED,
    AUTH_THROTTLED,
    CSRF_FAILED,
    FIELD_INVALID,
    LOGIN_FAILED,
    ROLE_FORBIDS,
    USER_DISABLED,
    AppError,
)
from timetrack.handlers import object_response, write
from timetrack.policy import CredentialKind
from timetrack.route_docs import route
from timetrack.wire import parse_body, read_object

router = APIRouter(tags=["sign-in"])


def me(caller: Caller) -> dict[str, object]:
    principal = caller.principal
    return {
        "account": caller.account.slug,
        "accountName": caller.account.name,
        "credential": principal.kind.value,
        "role": principal.role.value,
        "userId": principal.user_id,
        "username": principal.username,
        "scopes": None if principal.scopes is None else sorted(principal.scopes),
        "csrfToken": caller.csrf_token,
    }


@route(
    router,
    "POST",
    "/auth/login",
    body=Login,
    example={"account": "acme", "username": "alice", "password": "correct horse"},
    errors=(LOGIN_FAILED, USER_DISABLED, ACCOUNT_DISABLED, AUTH_THROTTLED),
    responses={200: {"model": Me, "description": "Signed in; the cookie is set"}},
    writes=False,  # a retried login signs in again
    name="login",
    description="Sign in: starts a session (cookie `timetrack_session`: HttpOnly, SameSite=Lax, "
    "Secure over https) and answers who you are with the CSRF token writes must send in "
    f"`{CSRF_HEADER}`. Each login makes a new session id.",
)
async def login(request: Request) -> Response:
    body, ignored = parse_body(Login, await read_object(request))
    token, caller = await signin.sign_in(request, body)
    response = object_response(me(caller), ignored=ignored)
    signin.set_session_cookie(request, response, token)
    return response


@route(
    router,
    "POST",
    "/auth/logout",
    status_code=204,
    errors=(CSRF_FAILED,),
    responses={204: {"description": "Signed out; the cookie is cleared"}},
    name="logout",
    description="End the session of the cookie sent (with its CSRF token) and clear the "
    "cookie. Idempotent: without a live session it only clears the cookie.",
)
async def logout(request: Request) -> Response:
    await signin.sign_out(request)
    response = Response(status_code=204)
    signin.clear_session_cookie(response)
    return response


@route(
    router,
    "GET",
    "/auth/me",
    responses={200: {"model": Me, "description": "Who the credentials act as"}},
    name="get_me",
    description="Who the request's credentials act as: the account key, a personal key (with "
    "its scopes) or a signed-in person (with the session's CSRF token).",
)
async def get_me(request: Request, caller: CallerDep) -> Response:
    return preconditions.not_modified(request, object_response(me(caller)))


@route(
    router,
    "POST",
    "/auth/password",
    status_code=204,
    body=PasswordChange,
    example={"current": "correct horse", "new": "battery staple"},
    errors=(FIELD_INVALID, AUTH_THROTTLED),
    responses={204: {"description": "Changed; the user's other sessions have ended"}},
    # Not replayed by an Idempotency-Key: a retry must prove the password again (the new one
    # by then), and checking it inside the write's transaction would hold the lock for the hash.
    writes=False,
    name="change_password",
    description="Change one's own password (a signed-in person, or a personal key's user). "
    "Every other session of the user ends; the one that made the change stays.",
)
async def change_password(request: Request, caller: CallerDep) -> Response:
    principal = caller.principal
    if principal.user_id is None:
        raise AppError.of(
            ROLE_FORBIDS, "the account key has no password; set a user's with PUT /users/{id}"
        )
    body, _ = parse_body(PasswordChange, await read_object(request))
    # Wrong current passwords spend the user's budget, as wrong logins do: a stolen session
    # must not become a way to guess the password.
    row = await sessions.find_login(
        request.app.state.db, caller.account.slug, principal.username or ""
    )
    if row is None or not await signin.password_matches(request, row, body.current):
        raise AppError.of(FIELD_INVALID, "is not your current password", pointer="/current")
    passwords = request.app.state.passwords
    hashed = await passwords.hash(body.new)
    keep = None
    if principal.kind is CredentialKind.SESSION:
        keep = sessions.token_hash(request.cookies.get(SESSION_COOKIE, ""))
    async with write(request) as tx:
        await tx.execute(
            "UPDATE users SET password_hash = $3, updated_at = $4 "
            "WHERE account_id = $1 AND id = $2",
            caller.account.id,
            principal.user_id,
            hashed,
            now(),
        )
        await sessions.end_others(tx, caller.account.id, principal.user_id, keep)
        await audit.record_request(
            tx, request, caller.account.id, "password", "users", principal.user_id
        )
    return Response(status_code=204)
