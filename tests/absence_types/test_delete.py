"""Deleting an absence type, refused while absences use it; types of two accounts."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_documented, assert_error

from timetrack.absence_types.schemas import AbsenceTypeRead

from .common import DEFAULT_NAMES, absence, create, fetch, make_user, names


class TestDelete:
    async def test_delete(self, api: httpx.AsyncClient, doc: dict[str, Any]) -> None:
        created = await create(api)
        response = await api.delete(f"/absence_types/{created['id']}")
        assert response.status_code == 200, response.text
        deleted = response.json()
        assert deleted["deleted"] is True
        assert {k: v for k, v in deleted.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in created.items() if k != "updatedAt"
        }
        assert_documented(doc, AbsenceTypeRead, deleted)
        assert_error(await api.get(f"/absence_types/{created['id']}"), 404, 17120)
        assert_error(await api.delete(f"/absence_types/{created['id']}"), 404, 17120)
        assert await names(api) == DEFAULT_NAMES

    @pytest.mark.parametrize("status", [0, 1, 2])
    async def test_in_use(self, api: httpx.AsyncClient, status: int) -> None:
        await make_user(api)
        record = await absence(api, 3)
        if status:
            changed = await api.put(f"/absences/{record['id']}", json={"status": status})
            assert changed.status_code == 200
        before = await fetch(api, 3)
        assert_error(await api.delete("/absence_types/3"), 409, 17150)
        assert await fetch(api, 3) == before
        # Once its absences are deleted, the type may go.
        assert (await api.delete(f"/absences/{record['id']}")).status_code == 200
        assert (await api.delete("/absence_types/3")).status_code == 200

    async def test_deleted_type_cannot_be_used(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        assert (await api.delete("/absence_types/2")).status_code == 200
        body = {"username": "ann", "from": "2026-07-01", "to": "2026-07-01", "absenceType": 2}
        assert_error(await api.post("/absences", json=body), 400, 17140, pointer="/absenceType")

    async def test_deleted_absences_keep_their_type(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        record = await absence(api, 6)
        assert (await api.delete(f"/absences/{record['id']}")).status_code == 200
        assert (await api.delete("/absence_types/6")).status_code == 200
        feed = await api.get("/absences", params={"includeDeleted": "true"})
        (gone,) = feed.json()
        assert (gone["absenceType"], gone["absenceTypeName"], gone["deleted"]) == (6, "TO", True)

    async def test_concurrent_delete_and_use(self, api: httpx.AsyncClient) -> None:
        """Either the absence is booked first and the delete is refused, or the type goes
        first and the booking is refused; never a live absence of a deleted type."""
        await make_user(api)
        for round_ in range(4):
            created = await create(api, f"Race {round_}", shortName="R")
            body = {
                "username": "ann",
                "from": f"2026-08-0{round_ + 1}",
                "to": f"2026-08-0{round_ + 1}",
                "absenceType": created["id"],
            }
            deleted, booked = await asyncio.gather(
                api.delete(f"/absence_types/{created['id']}"), api.post("/absences", json=body)
            )
            outcome = (deleted.status_code, booked.status_code)
            assert outcome in ((200, 400), (409, 201)), (deleted.text, booked.text)
            if booked.status_code == 400:
                assert_error(booked, 400, 17140, pointer="/absenceType")
            else:
                assert_error(deleted, 409, 17150)


class TestTenantIsolation:
    async def test_lists_and_names_stay_apart(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Training")
        assert await names(other_api, name="training") == []
        theirs = await create(other_api, "TRAINING")
        assert theirs["id"] == 7
        assert (await fetch(api, 7))["name"] == "Training"
        assert (await other_api.delete("/absence_types/7")).status_code == 200
        assert (await fetch(api, 7))["name"] == "Training"

    async def test_in_use_counts_only_own_absences(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await make_user(other_api)
        await absence(other_api, 1)
        assert (await api.delete("/absence_types/1")).status_code == 200
        assert_error(await other_api.delete("/absence_types/1"), 409, 17150)
