"""Helpers of the ``/users`` tests (SPEC §2 "Users", with the wire conventions of §1). The
scenarios every resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from timetrack.accounts.service import Credentials
from timetrack.db import Database

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


USER_KEYS = {
    "id",
    "username",
    "firstName",
    "lastName",
    "email",
    "admin",
    "teamLead",
    "external",
    "language",
    "personalNumber",
    "enabled",
    "timeZone",
    "hourRate",
    "country",
    "region",
    "updatedAt",
}


PASSWORD = "Correct-Horse-42"


NEW_PASSWORD = "Battery-Staple-77"


FROM = "2025-03-04T09:00:00.000Z"


TO = "2025-03-04T10:30:00.000Z"


def no_password(response: httpx.Response, *secrets: str) -> None:
    """Neither the word "password" nor any of the given secrets is in the raw response."""
    text = response.text
    assert "password" not in text.lower(), text
    for secret in (PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in text, text


def secrets_absent(response: httpx.Response, *secrets: str) -> None:
    """The given secrets are not in the raw response (an error may name the field)."""
    for secret in secrets:
        assert secret not in response.text, response.text


def user_body(username: str = "alice", **fields: Any) -> dict[str, Any]:
    """A complete create body: the required fields, overridable, plus ``fields``."""
    return {
        "username": username,
        "firstName": "Alice",
        "lastName": "Archer",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }


async def create(api: httpx.AsyncClient, username: str = "alice", **fields: Any) -> dict[str, Any]:
    response = await api.post("/users", json=user_body(username, **fields))
    assert response.status_code == 201, response.text
    no_password(response)
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    response = await api.get(f"/users/{user_id}")
    assert response.status_code == 200, response.text
    no_password(response)
    body: dict[str, Any] = response.json()
    return body


async def usernames(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/users", params=params)
    assert response.status_code == 200, response.text
    no_password(response)
    return [u["username"] for u in response.json()]


async def stored_hash(database: Database, account: Credentials, user_id: int) -> str:
    async with database.transaction(write=False) as tx:
        value = await tx.fetchval(
            "SELECT password_hash FROM users WHERE account_id = $1 AND id = $2",
            account.account.id,
            user_id,
        )
    assert isinstance(value, str)
    return value


def verifies(stored: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(stored, password)
    except VerifyMismatchError:
        return False


async def project(api: httpx.AsyncClient, client: str = "Acme", name: str = "Web") -> None:
    response = await api.post("/clients", json={"name": client})
    assert response.status_code == 201, response.text
    response = await api.post("/projects", json={"clientName": client, "projectName": name})
    assert response.status_code == 201, response.text


def entry_body(user: str, *, field: str = "user") -> dict[str, Any]:
    return {field: user, "clientName": "Acme", "projectName": "Web", "from": FROM, "to": TO}
