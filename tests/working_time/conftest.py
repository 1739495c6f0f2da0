"""Fixtures of the tests in tests/working_time/ (their helpers are in common.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database

from .common import create_user


@pytest.fixture
async def user(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_user(api)


@pytest.fixture
async def bavaria(database: Database) -> Credentials:
    """A fresh account in Bavaria (conftest's ``new_account`` is not importable)."""
    async with database.transaction(write=True) as tx:
        return await create_account(
            tx, f"t-{uuid.uuid4().hex[:12]}", timezone="Europe/Berlin", country="DE", region="BY"
        )


@pytest.fixture
async def by_api(app: FastAPI, bavaria: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app, bavaria) as caller:
        yield caller
