"""Fixtures of the tests in tests/time_entries/ (their helpers are in semantics.py)."""

from __future__ import annotations

import httpx
import pytest

from .semantics import BERLIN, NEW_YORK, TOKYO, basics, book


@pytest.fixture
async def october(api: httpx.AsyncClient) -> dict[str, int]:
    """Entries of three users in three zones around October 2025, by name."""
    await basics(api, alice=BERLIN, bob=NEW_YORK, kenji=TOKYO)
    plan = {
        # alice, Berlin (CEST +02:00, CET +01:00 from 26 October)
        "a_sep_last": ("alice", "2025-09-30T23:30:00Z"),  # 21:30 UTC
        "a_oct_first": ("alice", "2025-10-01T00:30:00Z"),  # 30 Sep 22:30 UTC
        "a_oct_last": ("alice", "2025-10-31T23:30:00Z"),  # 22:30 UTC
        "a_nov_first": ("alice", "2025-11-01T00:00:00Z"),  # 31 Oct 23:00 UTC
        # bob, New York (EDT -04:00)
        "b_sep_last": ("bob", "2025-09-30T21:00:00Z"),  # 1 Oct 01:00 UTC
        "b_oct_last": ("bob", "2025-10-31T22:00:00Z"),  # 1 Nov 02:00 UTC
        # kenji, Tokyo (+09:00)
        "k_oct_first": ("kenji", "2025-10-01T08:00:00Z"),  # 30 Sep 23:00 UTC
        "k_nov_first": ("kenji", "2025-11-01T05:00:00Z"),  # 31 Oct 20:00 UTC
    }
    ids = {}
    for name, (user, start) in plan.items():
        ids[name] = (await book(api, start, workedMinutes=15, user=user))["id"]
    return ids
