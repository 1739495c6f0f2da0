"""Creating a task: fields, hour rates, unique names, refused bodies."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors

from .common import TASK_KEYS, UPDATED_AT, create, fetch, names


class TestCreateTask:
    async def test_minimal(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/tasks", json={"name": "Design"})
        assert response.status_code == 201
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == TASK_KEYS
        assert isinstance(body["id"], int) and body["id"] >= 1
        assert body["name"] == "Design"
        assert body["notes"] is None
        assert body["hourRate"] is None
        assert UPDATED_AT.match(body["updatedAt"])
        assert response.headers["Location"] == f"/api/v2/ext/tasks/{body['id']}"
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, body["id"]) == body

    async def test_all_fields_round_trip(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/tasks", json={"name": "Design", "notes": "UI & UX ✓\nsecond line", "hourRate": 85.5}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["name"] == "Design"
        assert body["notes"] == "UI & UX ✓\nsecond line"
        assert body["hourRate"] == 85.5
        assert await fetch(api, body["id"]) == body

    async def test_location_resolves(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/tasks", json={"name": "Design"})
        again = await api.get(response.headers["Location"].removeprefix("/api/v2/ext"))
        assert again.json() == response.json()

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/tasks/", json={"name": "Design"})
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"/api/v2/ext/tasks/{response.json()['id']}"
        assert await names(api) == ["Design"]

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            (50, 50.0),
            ("50", 50.0),
            ("50.25", 50.25),
            (12.1, 12.1),
            ("12.10", 12.1),
            (0, 0.0),
            ("0.00", 0.0),
            ("0.5", 0.5),
            (9999999999.99, 9999999999.99),
            ("9999999999.99", 9999999999.99),
            (1e3, 1000.0),
            (None, None),
        ],
    )
    async def test_hour_rate_spellings(
        self, api: httpx.AsyncClient, sent: Any, stored: float | None
    ) -> None:
        body = await create(api, hourRate=sent)
        assert body["hourRate"] == stored
        assert (await fetch(api, body["id"]))["hourRate"] == stored

    async def test_name_is_trimmed(self, api: httpx.AsyncClient) -> None:
        assert (await create(api, "\t Design \n"))["name"] == "Design"

    async def test_longest_values(self, api: httpx.AsyncClient) -> None:
        body = await create(api, "N" * 255, notes="n" * 10_000)
        assert body["name"] == "N" * 255
        assert body["notes"] == "n" * 10_000

    async def test_unicode_round_trip(self, api: httpx.AsyncClient) -> None:
        name = "Übersetzung 翻訳 🚀"
        body = await create(api, name, notes="😀")
        assert body["name"] == name
        assert (await fetch(api, body["id"]))["notes"] == "😀"

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/tasks",
            json={"name": "Design", "projectName": "Web", "hour_rate": 5, "id": 77},
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "projectName, hour_rate, id"
        body = response.json()
        assert body["hourRate"] is None
        assert body["id"] != 77
        assert set(body) == TASK_KEYS

    async def test_ignored_keys_beyond_ascii_are_encoded(self, api: httpx.AsyncClient) -> None:
        body = {"name": "Design", "Stundensatz€": 5, "x\ny": 1}
        response = await api.post("/tasks", json=body)
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "Stundensatz%E2%82%AC, x%0Ay"
        assert await names(api) == ["Design"]

    async def test_curl_form_content_type(self, api: httpx.AsyncClient) -> None:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        created = await api.post("/tasks", content=b'{"name": "Design"}', headers=form)
        assert created.status_code == 201, created.text
        listed = await api.post("/tasks", content=b"{}", headers=form)
        assert listed.json() == [created.json()]

    async def test_concurrent_duplicates(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(api.post("/tasks", json={"name": "Review" if i % 2 else "REVIEW"}) for i in range(8))
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 7
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 13030, pointer="/name")
        assert len(await names(api)) == 1

    async def test_concurrent_distinct_names_get_distinct_ids(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(api.post("/tasks", json={"name": f"T{i}"}) for i in range(8))
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        ids = [r.json()["id"] for r in responses]
        assert len(set(ids)) == 8
        listed = await api.get("/tasks")
        assert [t["id"] for t in listed.json()] == sorted(ids)

    # --- POST with an empty body is a list -----------------------------------------------------

    async def test_empty_body_list_honours_filters(self, api: httpx.AsyncClient) -> None:
        for name in ("Design", "Meeting", "Web design"):
            await create(api, name)
        response = await api.post("/tasks", params={"name": "DESIGN"}, json={})
        assert response.status_code == 200
        assert [t["name"] for t in response.json()] == ["Design", "Web design"]
        assert response.headers["X-Total-Count"] == "2"
        assert_error(await api.post("/tasks?limit=5000", json={}), 400, 10013, parameter="limit")
        assert_error(
            await api.post("/tasks?page_number=-1", json={}), 400, 10013, parameter="page_number"
        )

    # --- conflicts -----------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("Design", "Design"),
            ("Design", "design"),
            ("Design", " DESIGN "),
            ("Prüfung", "PRÜFUNG"),
            ("Müller", "MÜLLER"),
            ("Maße", "MASSE"),
        ],
    )
    async def test_duplicate_name(self, api: httpx.AsyncClient, first: str, second: str) -> None:
        original = await create(api, first)
        response = await api.post("/tasks", json={"name": second, "hourRate": 5})
        assert_error(response, 409, 13030, pointer="/name")
        assert (await api.get("/tasks")).json() == [original]

    async def test_deleted_name_can_be_reused(self, api: httpx.AsyncClient) -> None:
        old = await create(api, "Design", hourRate=10)
        assert (await api.delete(f"/tasks/{old['id']}")).status_code == 200
        new = await create(api, "design", hourRate=20)
        assert new["id"] != old["id"]
        assert (await api.get("/tasks")).json() == [new]
        assert_error(await api.post("/tasks", json={"name": "DESIGN"}), 409, 13030, pointer="/name")

    async def test_same_name_in_two_accounts(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        mine = await create(api, "Design", hourRate=10)
        theirs = await create(other_api, "Design", hourRate=99)
        assert (await fetch(api, mine["id"]))["hourRate"] == 10.0
        assert (await fetch(other_api, theirs["id"]))["hourRate"] == 99.0

    async def test_task_and_client_names_are_independent(self, api: httpx.AsyncClient) -> None:
        assert (await api.post("/clients", json={"name": "Acme"})).status_code == 201
        assert (await create(api, "Acme"))["name"] == "Acme"

    # --- bad input -----------------------------------------------------------------------------

    async def test_missing_name(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/tasks", json={"hourRate": 10, "notes": "no name"})
        assert_error(response, 400, 10010, pointer="/name")
        assert await names(api) == []

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"name": 5}, "/name"),
            ({"name": True}, "/name"),
            ({"name": None}, "/name"),
            ({"name": ""}, "/name"),
            ({"name": "  "}, "/name"),
            ({"name": "N" * 256}, "/name"),
            ({"name": "ß" * 128}, "/name"),
            ({"name": "De\x00sign"}, "/name"),
            ({"name": "Design", "notes": "n" * 10_001}, "/notes"),
            ({"name": "Design", "notes": "\x00"}, "/notes"),
            ({"name": "Design", "notes": ["a"]}, "/notes"),
            ({"name": "Design", "hourRate": "abc"}, "/hourRate"),
            ({"name": "Design", "hourRate": ""}, "/hourRate"),
            ({"name": "Design", "hourRate": "50 EUR"}, "/hourRate"),
            ({"name": "Design", "hourRate": "5,50"}, "/hourRate"),
            ({"name": "Design", "hourRate": -1}, "/hourRate"),
            ({"name": "Design", "hourRate": "-0.01"}, "/hourRate"),
            ({"name": "Design", "hourRate": 1.005}, "/hourRate"),
            ({"name": "Design", "hourRate": "12.345"}, "/hourRate"),
            ({"name": "Design", "hourRate": 10_000_000_000}, "/hourRate"),
            ({"name": "Design", "hourRate": 1e300}, "/hourRate"),
            ({"name": "Design", "hourRate": True}, "/hourRate"),
            ({"name": "Design", "hourRate": [50]}, "/hourRate"),
            ({"name": "Design", "hourRate": {"amount": 50}}, "/hourRate"),
            ({"name": "Design", "hourRate": "NaN"}, "/hourRate"),
            ({"name": "Design", "hourRate": "Infinity"}, "/hourRate"),
            ({"name": "Design", "hourRate": " 50 "}, "/hourRate"),  # one spelling per value
            ({"name": "Design", "hourRate": ".5"}, "/hourRate"),
        ],
    )
    async def test_invalid_field(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        response = await api.post("/tasks", json=body)
        assert_error(response, 400, 10011, pointer=pointer)
        assert await names(api) == []

    async def test_every_problem_is_listed(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/tasks", json={"name": 5, "hourRate": "abc", "notes": 1})
        errors = assert_errors(response, 400)
        assert {e["code"] for e in errors} == {10011}
        assert sorted(e["source"]["pointer"] for e in errors) == ["/hourRate", "/name", "/notes"]
        assert await names(api) == []

    async def test_missing_name_and_bad_rate(self, api: httpx.AsyncClient) -> None:
        errors = assert_errors(await api.post("/tasks", json={"hourRate": -5}), 400)
        assert {e["source"]["pointer"]: e["code"] for e in errors} == {
            "/name": 10010,
            "/hourRate": 10011,
        }
        assert await names(api) == []
