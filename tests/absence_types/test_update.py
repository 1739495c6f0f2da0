"""Updating an absence type, and what its absences show."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_documented, assert_error

from timetrack.absence_types.schemas import AbsenceTypeRead

from .common import absence, fetch, make_user


class TestUpdate:
    async def test_every_field(self, api: httpx.AsyncClient, doc: dict[str, Any]) -> None:
        before = await fetch(api, 1)
        await asyncio.sleep(0.01)
        body = {
            "name": "Annual leave",
            "shortName": "AL",
            "color": "#000",
            "countsAgainstEntitlement": "false",
            "plannable": 0,
            "creditsTarget": False,
            "halfDay": "true",
        }
        response = await api.put("/absence_types/1", json=body)
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated == {
            "id": 1,
            "name": "Annual leave",
            "shortName": "AL",
            "color": "#000",
            "countsAgainstEntitlement": False,
            "plannable": False,
            "creditsTarget": False,
            "halfDay": True,
            "updatedAt": updated["updatedAt"],
        }
        assert updated["updatedAt"] > before["updatedAt"]
        assert await fetch(api, 1) == updated
        assert_documented(doc, AbsenceTypeRead, updated)

    async def test_partial(self, api: httpx.AsyncClient) -> None:
        response = await api.put("/absence_types/5", json={"plannable": True})
        assert response.status_code == 200
        after = await fetch(api, 5)
        assert after["plannable"] is True
        assert (after["name"], after["shortName"], after["color"]) == (
            "Sick leave",
            "SICK",
            "#f44336",
        )

    async def test_null_color_clears(self, api: httpx.AsyncClient) -> None:
        response = await api.put("/absence_types/2", json={"color": None})
        assert response.status_code == 200
        assert (await fetch(api, 2))["color"] is None

    async def test_read_modify_write(self, api: httpx.AsyncClient) -> None:
        current = await fetch(api, 4)
        response = await api.put("/absence_types/4", json={**current, "color": "#111111"})
        assert response.status_code == 200, response.text
        assert response.json()["color"] == "#111111"
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {"id", "updatedAt"}

    async def test_renaming_to_own_name_in_another_case(self, api: httpx.AsyncClient) -> None:
        response = await api.put("/absence_types/1", json={"name": "VACATION"})
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "VACATION"

    @pytest.mark.parametrize("name", ["Sick leave", "sick LEAVE"])
    async def test_renaming_to_a_taken_name(self, api: httpx.AsyncClient, name: str) -> None:
        before = await fetch(api, 1)
        response = await api.put("/absence_types/1", json={"name": name, "shortName": "CHG"})
        assert_error(response, 409, 17130, pointer="/name")
        assert await fetch(api, 1) == before

    async def test_renaming_to_a_deleted_name(self, api: httpx.AsyncClient) -> None:
        assert (await api.delete("/absence_types/5")).status_code == 200
        response = await api.put("/absence_types/1", json={"name": "Sick leave"})
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"name": None}, "/name"),
            ({"name": ""}, "/name"),
            ({"shortName": None}, "/shortName"),
            ({"shortName": "x" * 17}, "/shortName"),
            ({"plannable": None}, "/plannable"),
            ({"halfDay": "maybe"}, "/halfDay"),
            ({"color": "#ggg"}, "/color"),
        ],
    )
    async def test_invalid(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        before = await fetch(api, 1)
        assert_error(await api.put("/absence_types/1", json=body), 400, 10011, pointer=pointer)
        assert await fetch(api, 1) == before

    async def test_other_id_in_body(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.put("/absence_types/1", json={"id": 2}), 400, 10012, pointer="/id")

    async def test_absences_show_the_change(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        record = await absence(api, 1)
        assert (record["absenceTypeName"], record["color"], record["is_plannable"]) == (
            "VAC",
            "#4caf50",
            True,
        )
        changed = await api.put(
            "/absence_types/1", json={"shortName": "URL", "color": "#fff", "plannable": False}
        )
        assert changed.status_code == 200
        after = (await api.get(f"/absences/{record['id']}")).json()
        assert (after["absenceTypeName"], after["color"], after["is_plannable"]) == (
            "URL",
            "#fff",
            False,
        )
