"""``/absence_types`` over HTTP (ours, beyond the vendor; SPEC §2 "Absences")."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from conftest import assert_documented, assert_error, assert_errors

from timetrack.absence_types.schemas import AbsenceTypeRead

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TYPE_KEYS = {
    "id",
    "name",
    "shortName",
    "color",
    "countsAgainstEntitlement",
    "plannable",
    "creditsTarget",
    "halfDay",
    "updatedAt",
}
# What every new account starts with: (id, name, shortName, color, countsAgainstEntitlement,
# plannable, creditsTarget, halfDay).
DEFAULTS = [
    (1, "Vacation", "VAC", "#4caf50", True, True, True, False),
    (2, "Half-day leave", "HDL", "#8bc34a", True, True, True, True),
    (3, "Special leave", "SPL", "#03a9f4", False, True, True, False),
    (4, "Home office", "HO", "#9c27b0", False, True, False, False),
    (5, "Sick leave", "SICK", "#f44336", False, False, True, False),
    (6, "Time off", "TO", "#ff9800", False, True, False, False),
]
DEFAULT_NAMES = [d[1] for d in DEFAULTS]
PASSWORD = "correct horse battery"


# --- helpers ----------------------------------------------------------------------------------


async def create(api: httpx.AsyncClient, name: str = "Training", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "shortName": "TRN", **fields}
    response = await api.post("/absence_types", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def fetch(api: httpx.AsyncClient, type_id: int) -> dict[str, Any]:
    response = await api.get(f"/absence_types/{type_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/absence_types", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    return [t["name"] for t in await listed(api, **params)]


async def make_user(api: httpx.AsyncClient, username: str = "ann") -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": "Ann",
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    response = await api.post("/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def absence(
    api: httpx.AsyncClient, type_id: int, day: str = "2026-07-01", username: str = "ann"
) -> dict[str, Any]:
    body = {"username": username, "from": day, "to": day, "absenceType": type_id}
    response = await api.post("/absences", json=body)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


# --- the six defaults -------------------------------------------------------------------------


class TestDefaults:
    async def test_a_fresh_account_has_the_six(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types")
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "6"
        body = response.json()
        assert [
            (
                t["id"],
                t["name"],
                t["shortName"],
                t["color"],
                t["countsAgainstEntitlement"],
                t["plannable"],
                t["creditsTarget"],
                t["halfDay"],
            )
            for t in body
        ] == DEFAULTS
        for item in body:
            assert set(item) == TYPE_KEYS
            assert UPDATED_AT.match(item["updatedAt"])

    async def test_each_account_has_its_own(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        assert await names(api) == DEFAULT_NAMES
        assert await names(other_api) == DEFAULT_NAMES
        changed = await api.put("/absence_types/1", json={"name": "Annual leave"})
        assert changed.status_code == 200, changed.text
        assert (await fetch(other_api, 1))["name"] == "Vacation"
        assert (await api.delete("/absence_types/6")).status_code == 200
        assert [t["id"] for t in await listed(other_api)] == [1, 2, 3, 4, 5, 6]

    async def test_new_types_count_on_from_seven(self, api: httpx.AsyncClient) -> None:
        created = await create(api)
        assert created["id"] == 7

    async def test_raw_json(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types/5")
        text = response.text
        assert '"shortName":"SICK"' in text
        assert '"countsAgainstEntitlement":false' in text
        assert '"plannable":false' in text
        assert '"creditsTarget":true' in text
        assert '"halfDay":false' in text
        assert '"id":5' in text


# --- list -------------------------------------------------------------------------------------


class TestList:
    async def test_ordered_by_id_bare_array(self, api: httpx.AsyncClient) -> None:
        b = await create(api, "Zeta", shortName="Z")
        a = await create(api, "Alpha", shortName="A")
        response = await api.get("/absence_types")
        body = response.json()
        assert isinstance(body, list)
        assert [t["id"] for t in body] == [1, 2, 3, 4, 5, 6, b["id"], a["id"]]
        assert body[-2:] == [b, a]
        assert response.headers["X-Total-Count"] == "8"

    async def test_name_filter(self, api: httpx.AsyncClient) -> None:
        assert await names(api, name="LEAVE") == ["Half-day leave", "Special leave", "Sick leave"]
        assert await names(api, name="off") == ["Home office", "Time off"]
        assert await names(api, name="nothing") == []
        await create(api, "Straßenbau-Urlaub", shortName="SB")
        assert await names(api, name="STRASSE") == ["Straßenbau-Urlaub"]
        assert await names(api, name="%") == []
        response = await api.post("/absence_types", params={"name": "leave"}, json={})
        assert response.headers["X-Total-Count"] == "3"

    async def test_bad_name_filter(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/absence_types", params={"name": "x" * 256}),
            400,
            10013,
            parameter="name",
        )

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types", params={"limit": 2, "page_number": 1})
        assert [t["id"] for t in response.json()] == [3, 4]
        assert response.headers["X-Total-Count"] == "6"
        assert 'rel="next"' in response.headers["Link"]
        assert_error(
            await api.get("/absence_types", params={"limit": 1001}), 400, 10013, parameter="limit"
        )

    async def test_change_feed(self, api: httpx.AsyncClient) -> None:
        created = await create(api)
        await asyncio.sleep(0.01)
        since = created["updatedAt"]
        changed = await api.put("/absence_types/2", json={"color": "#123"})
        assert changed.status_code == 200
        assert [t["id"] for t in await listed(api, updatedSince=since)] == [2, created["id"]]
        deleted = await api.delete("/absence_types/3")
        assert deleted.status_code == 200
        assert deleted.json()["deleted"] is True
        assert 3 not in [t["id"] for t in await listed(api)]
        feed = await listed(api, updatedSince=since, includeDeleted="true")
        assert [(t["id"], t.get("deleted")) for t in feed] == [
            (2, None),
            (3, True),
            (created["id"], None),
        ]
        assert_error(
            await api.get("/absence_types", params={"updatedSince": "yesterday"}),
            400,
            10013,
            parameter="updatedSince",
        )


# --- create -----------------------------------------------------------------------------------


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


# --- update -----------------------------------------------------------------------------------


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


# --- delete -----------------------------------------------------------------------------------


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


# --- tenant isolation -------------------------------------------------------------------------


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
