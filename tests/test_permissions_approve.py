"""The permission matrix for deciding leave (issue 12): every viewer sets the status of every
person's absence request. ``approve`` is its own row of the policy, asked within the absence's
update once the status changes, so no route declares it and the route-level matrix cannot see
it: a user who may approve anybody's leave, their own included, must fail here."""

from __future__ import annotations

import pytest
from test_permissions_matrix import PEOPLE, REACH, ROLE_OF, World, _as, _visible, world

__all__ = ["world"]  # the fixture, found by pytest among this module's names

APPROVED = 1


def _may_decide(viewer: str, owner: str, reach: int) -> bool:
    """Whether ``viewer`` decides ``owner``'s request: all, or a lead their members (never a
    lead their own)."""
    if reach == 3:
        return True
    return reach == 2 and viewer == "lee" and owner == "mia"


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_each_viewer_decides_exactly_the_requests_in_reach(world: World, viewer: str) -> None:
    role = ROLE_OF[viewer].value
    writes, approves = REACH[("absences", "write")][role], REACH[("absences", "approve")][role]
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for owner in PEOPLE:
            absence_id = world.records[owner]["absences"]
            response = await caller.put(f"/absences/{absence_id}", json={"status": APPROVED})
            context = (viewer, owner, response.text)
            if not _visible(viewer, owner, writes, world):
                assert response.status_code == (403 if writes == 0 else 404), context
            elif _may_decide(viewer, owner, approves):
                assert response.status_code == 200, context
                assert response.json()["status"] == APPROVED, context
            else:
                assert response.status_code == 403, context
                assert response.json()["errors"][0]["code"] == 10050, context
