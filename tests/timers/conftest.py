"""Fixtures of the tests in tests/timers/ (their helpers are in common.py)."""

from __future__ import annotations

import httpx
import pytest

from .common import CANONICAL, Paths, Timer, make_world


@pytest.fixture
def paths() -> Paths:
    """The canonical spelling: the scenarios run once, ``TestSpellings`` covers the others."""
    return CANONICAL


@pytest.fixture
async def timer(api: httpx.AsyncClient, paths: Paths) -> Timer:
    """alice's timer in an account with Acme / Website / Design (rates 40 and 50; alice 30)."""
    await make_world(api)
    return Timer(api, paths)
