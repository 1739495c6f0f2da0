"""Fixtures of the tests in tests/users/ (their helpers are in common.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import KEY, SECRET, client
from fastapi import FastAPI

from timetrack.accounts.service import create_account
from timetrack.db import Database


@pytest.fixture
async def berlin_api(app: FastAPI, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh account whose time zone is Europe/Berlin (as conftest's
    ``new_account`` makes them; conftest is not importable as a module)."""
    async with database.transaction(write=True) as tx:
        creds = await create_account(tx, f"t-{uuid.uuid4().hex[:12]}", timezone="Europe/Berlin")
    async with client(app, {KEY: creds.api_key, SECRET: creds.api_secret}) as caller:
        yield caller
