"""Every spelling of every timer route (``/timers/project_timer`` and ``/project_timer``, with
and without a trailing slash) answers exactly as the canonical one does: tested once here, so
the other modules drive the canonical spelling only.
"""

from __future__ import annotations

import httpx
import pytest

from .common import CANONICAL, OTHER_SPELLINGS, SCRIPT, Paths, _play, _timer_operations


class TestSpellings:
    """``/timers/project_timer`` and ``/project_timer``, each with and without a trailing slash,
    reach the same handlers: checked once per route shape here, not once per scenario."""

    def test_the_script_covers_every_timer_operation(self) -> None:
        assert {(method, suffix) for method, suffix, *_ in SCRIPT} == _timer_operations()

    @pytest.mark.parametrize(
        "spelling",
        OTHER_SPELLINGS,
        ids=lambda p: p.prefix.strip("/") + ("+slash" if p.slash else ""),
    )
    async def test_every_spelling_answers_as_the_canonical_path(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, spelling: Paths
    ) -> None:
        canonical = await _play(api, CANONICAL)
        assert [status for status, _ in canonical] == [step[-1] for step in SCRIPT], canonical
        assert await _play(other_api, spelling) == canonical
