"""``/tasks`` over HTTP (SPEC §2 "Tasks", with the wire conventions of §1)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error, assert_errors

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TASK_KEYS = {"id", "name", "notes", "hourRate", "updatedAt"}


# --- helpers ----------------------------------------------------------------------------------


async def create(api: httpx.AsyncClient, name: str = "Design", **fields: Any) -> dict[str, Any]:
    response = await api.post("/tasks", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, task_id: int) -> dict[str, Any]:
    response = await api.get(f"/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/tasks", params=params)
    assert response.status_code == 200, response.text
    return [t["name"] for t in response.json()]


# --- list -------------------------------------------------------------------------------------


class TestListTasks:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/tasks")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_bare_array_ordered_by_id(self, api: httpx.AsyncClient) -> None:
        created = [
            await create(api, "Zeta", hourRate=10),
            await create(api, "Alpha", notes="a"),
            await create(api, "Mu"),
        ]
        response = await api.get("/tasks")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert isinstance(body, list)
        assert body == created
        assert [t["id"] for t in body] == sorted(t["id"] for t in created)
        assert response.headers["X-Total-Count"] == "3"

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        for i in range(5):
            await create(api, f"T{i}")
        response = await api.get("/tasks", params={"limit": 2, "page_number": 1})
        assert [t["name"] for t in response.json()] == ["T2", "T3"]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]
        first = await api.get("/tasks", params={"limit": 1000, "page": 1})
        assert [t["name"] for t in first.json()] == [f"T{i}" for i in range(5)]
        assert "Link" not in first.headers

    async def test_name_filter_is_case_insensitive_substring(self, api: httpx.AsyncClient) -> None:
        for name in ("Design", "Web design", "DESIGNER review", "Meeting"):
            await create(api, name)
        assert await names(api, name="design") == ["Design", "Web design", "DESIGNER review"]
        assert await names(api, name="EET") == ["Meeting"]
        assert await names(api, name="gner r") == ["DESIGNER review"]
        assert await names(api, name="nothing") == []
        response = await api.get("/tasks", params={"name": "Design"})
        assert response.headers["X-Total-Count"] == "3"

    async def test_name_filter_non_ascii(self, api: httpx.AsyncClient) -> None:
        await create(api, "Überprüfung")
        await create(api, "Uberprufung")
        await create(api, "Straßenbau")
        assert await names(api, name="ÜBERPRÜF") == ["Überprüfung"]
        assert await names(api, name="STRASSE") == ["Straßenbau"]

    async def test_name_filter_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        for name in ("50% off", "500 off", "snake_case", "snakeXcase", "a\\b", "ab"):
            await create(api, name)
        assert await names(api, name="%") == ["50% off"]
        assert await names(api, name="0%") == ["50% off"]
        assert await names(api, name="e_c") == ["snake_case"]
        assert await names(api, name="_") == ["snake_case"]
        assert await names(api, name="\\") == ["a\\b"]

    @pytest.mark.parametrize("value", ["De\x00sign", "\x00"])
    async def test_name_filter_with_nul(self, api: httpx.AsyncClient, value: str) -> None:
        await create(api)
        assert_error(await api.get("/tasks", params={"name": value}), 400, 10013, parameter="name")

    async def test_name_filter_too_long(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/tasks", params={"name": "x" * 256}), 400, 10013, parameter="name"
        )


# --- create (and the list-by-POST) ------------------------------------------------------------


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


# --- get --------------------------------------------------------------------------------------


class TestGetTask:
    async def test_get(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate="42.42")
        response = await api.get(f"/tasks/{task['id']}")
        assert response.status_code == 200
        assert response.json() == task
        assert response.json()["hourRate"] == 42.42

    async def test_picks_the_right_one(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A")
        b = await create(api, "B")
        assert (await fetch(api, a["id"]))["name"] == "A"
        assert (await fetch(api, b["id"]))["name"] == "B"


# --- update -----------------------------------------------------------------------------------


class TestUpdateTask:
    async def test_update(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="old", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "new", "hourRate": "75"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == task["id"]
        assert body["name"] == "Design"
        assert body["notes"] == "new"
        assert body["hourRate"] == 75.0
        assert UPDATED_AT.match(body["updatedAt"])
        assert body["updatedAt"] >= task["updatedAt"]
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, task["id"]) == body

    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="kept", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"hourRate": 11.5})
        assert response.status_code == 200
        body = await fetch(api, task["id"])
        assert body["notes"] == "kept"
        assert body["hourRate"] == 11.5
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "changed"})
        body = await fetch(api, task["id"])
        assert body["notes"] == "changed"
        assert body["hourRate"] == 11.5

    async def test_null_clears(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": None, "hourRate": None})
        assert response.status_code == 200
        body = await fetch(api, task["id"])
        assert body["notes"] is None
        assert body["hourRate"] is None

    async def test_only_the_addressed_task_changes(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A", hourRate=1)
        b = await create(api, "B", hourRate=2)
        await api.put(f"/tasks/{a['id']}", json={"hourRate": 3})
        assert await fetch(api, b["id"]) == b

    # --- read-only name ------------------------------------------------------------------------

    @pytest.mark.parametrize("same", ["Design", " Design  "])
    async def test_name_with_current_value(self, api: httpx.AsyncClient, same: str) -> None:
        task = await create(api, "Design")
        response = await api.put(f"/tasks/{task['id']}", json={"name": same, "notes": "ok"})
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Design"
        assert response.json()["notes"] == "ok"

    async def test_read_modify_write(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=42.5)
        response = await api.put(f"/tasks/{task['id']}", json={**task, "hourRate": 43})
        assert response.status_code == 200, response.text
        assert response.json()["hourRate"] == 43.0
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {"id", "updatedAt"}
        assert (await api.get("/tasks")).json() == [response.json()]

    @pytest.mark.parametrize("name", ["Other", "design", "DESIGN", None, "Design 2"])
    async def test_changing_name(self, api: httpx.AsyncClient, name: str | None) -> None:
        task = await create(api, "Design", notes="kept", hourRate=10)
        response = await api.put(
            f"/tasks/{task['id']}", json={"name": name, "notes": "lost", "hourRate": 99}
        )
        # An explicit null is refused as invalid (10011) before any read-only comparison.
        assert_error(response, 400, 10011 if name is None else 10012, pointer="/name")
        assert await fetch(api, task["id"]) == task
        assert await names(api) == ["Design"]

    # --- missing records ------------------------------------------------------------------------

    # --- bad input ------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"hourRate": "abc"}, "/hourRate"),
            ({"hourRate": -10}, "/hourRate"),
            ({"hourRate": 10.001}, "/hourRate"),
            ({"hourRate": 1e11}, "/hourRate"),
            ({"hourRate": False}, "/hourRate"),
            ({"notes": "n" * 10_001}, "/notes"),
            ({"notes": "bad\x00"}, "/notes"),
            ({"notes": 3}, "/notes"),
            ({"name": 5}, "/name"),
            ({"name": "N" * 256}, "/name"),
            ({"name": ""}, "/name"),
        ],
    )
    async def test_invalid_field_changes_nothing(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        task = await create(api, notes="kept", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "new", **body})
        assert_error(response, 400, 10011, pointer=pointer)
        assert await fetch(api, task["id"]) == task

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        task = await create(api)
        response = await api.put(
            f"/tasks/{task['id']}", json={"hourRate": 5, "rate": 6, "deleted": True}
        )
        assert response.status_code == 200
        assert response.headers["X-Ignored-Fields"] == "rate, deleted"
        assert response.json()["hourRate"] == 5.0
        assert "deleted" not in response.json()
        assert await names(api) == ["Design"]


# --- delete -----------------------------------------------------------------------------------


class TestDeleteTask:
    async def test_delete(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=10)
        keep = await create(api, "Keep")
        response = await api.delete(f"/tasks/{task['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert {k: v for k, v in body.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in task.items() if k != "updatedAt"
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert_error(await api.get(f"/tasks/{task['id']}"), 404, 13020)
        listed = await api.get("/tasks")
        assert listed.json() == [keep]
        assert listed.headers["X-Total-Count"] == "1"
        assert await names(api, name="design") == []
        assert (await api.post("/tasks", json={})).json() == [keep]


# --- tenant isolation -------------------------------------------------------------------------


class TestTenantIsolation:
    async def test_read_only_change_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        task = await create(api)
        response = await other_api.put(f"/tasks/{task['id']}", json={"name": "Mine"})
        never = await other_api.put(f"/tasks/{NEVER}", json={"name": "Mine"})
        assert response.status_code == never.status_code == 404
        assert response.json()["errors"][0]["code"] == never.json()["errors"][0]["code"]
        assert await fetch(api, task["id"]) == task

    async def test_names_do_not_collide(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Design")
        await create(other_api, "DESIGN")
        assert await names(api) == ["Design"]
        assert await names(other_api) == ["DESIGN"]
        assert_error(await api.post("/tasks", json={"name": "design"}), 409, 13030, pointer="/name")
        assert_error(
            await other_api.post("/tasks", json={"name": "design"}), 409, 13030, pointer="/name"
        )
