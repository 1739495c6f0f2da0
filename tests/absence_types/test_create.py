"""Creating an absence type: every field, spellings, unique names, refused bodies."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_documented, assert_error, assert_errors

from timetrack.absence_types.schemas import AbsenceTypeRead

from .common import DEFAULT_NAMES, UPDATED_AT, create, fetch, names


class TestCreate:
    async def test_all_fields(self, api: httpx.AsyncClient, doc: dict[str, Any]) -> None:
        body = {
            "name": "  Parental leave ",
            "shortName": " PAR ",
            "color": "#AABBCC",
            "countsAgainstEntitlement": True,
            "plannable": False,
            "creditsTarget": False,
            "halfDay": True,
        }
        response = await api.post("/absence_types", json=body)
        assert response.status_code == 201, response.text
        created = response.json()
        assert created == {
            "id": 7,
            "name": "Parental leave",
            "shortName": "PAR",
            "color": "#AABBCC",
            "countsAgainstEntitlement": True,
            "plannable": False,
            "creditsTarget": False,
            "halfDay": True,
            "updatedAt": created["updatedAt"],
        }
        assert UPDATED_AT.match(created["updatedAt"])
        assert response.headers["Location"] == "/api/v2/ext/absence_types/7"
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, 7) == created
        assert_documented(doc, AbsenceTypeRead, created)

    async def test_defaults(self, api: httpx.AsyncClient) -> None:
        created = await create(api, "Training", shortName="T")
        assert created["color"] is None
        assert created["countsAgainstEntitlement"] is False
        assert created["plannable"] is True
        assert created["creditsTarget"] is True
        assert created["halfDay"] is False
        assert '"color":null' in (await api.get(f"/absence_types/{created['id']}")).text

    @pytest.mark.parametrize(
        ("sent", "stored"), [("true", True), ("0", False), (1, True), ("false", False)]
    )
    async def test_boolean_forms(self, api: httpx.AsyncClient, sent: Any, stored: bool) -> None:
        created = await create(api, halfDay=sent, plannable=sent)
        assert created["halfDay"] is stored
        assert created["plannable"] is stored

    @pytest.mark.parametrize("color", ["#abc", "#A1B2C3", "abc"])
    async def test_colors(self, api: httpx.AsyncClient, color: str) -> None:
        assert (await create(api, color=color))["color"] == color

    async def test_ignored_fields(self, api: httpx.AsyncClient) -> None:
        body = {"name": "T", "shortName": "T", "id": 99, "updatedAt": "x", "colour": "#fff"}
        response = await api.post("/absence_types", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["id"] == 7
        assert response.headers["X-Ignored-Fields"] == "id, updatedAt, colour"

    @pytest.mark.parametrize(
        ("body", "code", "pointer"),
        [
            ({"shortName": "T"}, 10010, "/name"),
            ({"name": "T"}, 10010, "/shortName"),
            ({"name": "", "shortName": "T"}, 10011, "/name"),
            ({"name": "   ", "shortName": "T"}, 10011, "/name"),
            ({"name": "x" * 256, "shortName": "T"}, 10011, "/name"),
            ({"name": "T", "shortName": ""}, 10011, "/shortName"),
            ({"name": "T", "shortName": "  "}, 10011, "/shortName"),
            ({"name": "T", "shortName": "x" * 17}, 10011, "/shortName"),
            ({"name": "T", "shortName": 5}, 10011, "/shortName"),
            ({"name": "T", "shortName": None}, 10011, "/shortName"),
            ({"name": "T", "shortName": "T\x00"}, 10011, "/shortName"),
            ({"name": "T", "shortName": "T", "color": "red"}, 10011, "/color"),
            ({"name": "T", "shortName": "T", "color": "#abcd"}, 10011, "/color"),
            ({"name": "T", "shortName": "T", "plannable": "yes"}, 10011, "/plannable"),
            ({"name": "T", "shortName": "T", "plannable": "FALSE"}, 10011, "/plannable"),
            ({"name": "T", "shortName": "T", "halfDay": 2}, 10011, "/halfDay"),
            ({"name": "T", "shortName": "T", "creditsTarget": None}, 10011, "/creditsTarget"),
        ],
    )
    async def test_invalid(
        self, api: httpx.AsyncClient, body: dict[str, Any], code: int, pointer: str
    ) -> None:
        assert_error(await api.post("/absence_types", json=body), 400, code, pointer=pointer)
        assert await names(api) == DEFAULT_NAMES

    async def test_short_name_of_sixteen(self, api: httpx.AsyncClient) -> None:
        assert (await create(api, shortName="x" * 16))["shortName"] == "x" * 16

    async def test_all_problems_at_once(self, api: httpx.AsyncClient) -> None:
        errors = assert_errors(await api.post("/absence_types", json={"color": "red"}), 400)
        assert {e["source"]["pointer"] for e in errors} == {"/name", "/shortName", "/color"}

    @pytest.mark.parametrize("name", ["Vacation", "vacation", " VACATION ", "Sick Leave"])
    async def test_name_taken(self, api: httpx.AsyncClient, name: str) -> None:
        response = await api.post("/absence_types", json={"name": name, "shortName": "X"})
        assert_error(response, 409, 17130, pointer="/name")
        assert await names(api) == DEFAULT_NAMES

    async def test_short_names_need_not_be_unique(self, api: httpx.AsyncClient) -> None:
        assert (await create(api, "Vacation 2", shortName="VAC"))["shortName"] == "VAC"

    async def test_deleted_name_is_free_again(self, api: httpx.AsyncClient) -> None:
        assert (await api.delete("/absence_types/4")).status_code == 200
        again = await create(api, "home office", shortName="HO")
        assert again["id"] == 7
        assert await names(api) == [*DEFAULT_NAMES[:3], *DEFAULT_NAMES[4:], "home office"]

    async def test_concurrent_duplicates(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(
                api.post("/absence_types", json={"name": "Training", "shortName": f"T{i}"})
                for i in range(6)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 5
        assert (await names(api))[-1] == "Training"
        assert len(await names(api)) == 7

    async def test_failed_creates_leave_nothing(self, api: httpx.AsyncClient) -> None:
        await api.post("/absence_types", json={"name": "Vacation", "shortName": "V"})
        await api.post("/absence_types", json={"name": "X", "shortName": "x" * 17})
        assert (await create(api))["id"] == 7
