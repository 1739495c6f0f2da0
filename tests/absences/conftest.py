"""Fixtures of the tests in tests/absences/ (their helpers are in common.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .common import make_user


@pytest.fixture
async def ann(api: httpx.AsyncClient) -> dict[str, Any]:
    return await make_user(api, "ann")
