"""Reading, approving and deleting an absence: only the status may change."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_documented, assert_error, assert_errors

from timetrack.absences.schemas import AbsenceRead

from .common import HDL, SICK, create, fetch, listed, make_user, set_status


class TestGet:
    async def test_of_a_deleted_user(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api)
        assert (await api.delete(f"/users/{ann['id']}")).status_code == 200
        assert await fetch(api, created["id"]) == created


class TestUpdate:
    @pytest.mark.parametrize(("sent", "stored"), [(1, 1), ("2", 2), (1.0, 1)])
    async def test_status(
        self,
        api: httpx.AsyncClient,
        ann: dict[str, Any],
        doc: dict[str, Any],
        sent: Any,
        stored: int,
    ) -> None:
        created = await create(api)
        await asyncio.sleep(0.01)
        response = await api.put(f"/absences/{created['id']}", json={"status": sent})
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated == {**created, "status": stored, "updatedAt": updated["updatedAt"]}
        assert updated["updatedAt"] > created["updatedAt"]
        assert f'"status":{stored}' in response.text
        assert await fetch(api, created["id"]) == updated
        assert_documented(doc, AbsenceRead, updated)

    async def test_every_transition(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api)
        for status in (1, 0, 2, 1, 2, 0):
            assert (await set_status(api, created["id"], status))["status"] == status

    async def test_same_status_changes_nothing(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        created = await create(api)
        assert await set_status(api, created["id"], 0) == created

    @pytest.mark.parametrize(
        "status", [3, -1, 10, "3", "approved", "", True, None, 1.5, [1], " 1 ", "01", "+1"]
    )
    async def test_invalid_status(
        self, api: httpx.AsyncClient, ann: dict[str, Any], status: Any
    ) -> None:
        created = await create(api)
        response = await api.put(f"/absences/{created['id']}", json={"status": status})
        assert_error(response, 400, 10011, pointer="/status")
        assert await fetch(api, created["id"]) == created

    async def test_read_modify_write(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api, "2026-07-01", absence_type=HDL, day_segment=2, notes="n")
        response = await api.put(
            f"/absences/{created['id']}",
            json={**created, "status": 1, "username": "ANN", "daySegment": 2},
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == 1
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {
            "id",
            "user_id",
            "absenceTypeName",
            "color",
            "is_plannable",
            "updatedAt",
        }

    async def test_echo_in_other_forms(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api, "2026-07-01", "2026-07-02", absence_type=SICK)
        echo = {
            "user": " Ann ",
            "from": "2026-07-01T00:00:00.000Z",
            "to": "2026-07-02",
            "absenceType": str(SICK),
            "day_segment": "0",
            "notes": None,
            "status": "1",
        }
        response = await api.put(f"/absences/{created['id']}", json=echo)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == 1

    @pytest.mark.parametrize(
        ("change", "pointer"),
        [
            ({"username": "bob"}, "/username"),
            ({"user": "bob"}, "/user"),
            ({"from": "2026-06-30"}, "/from"),
            ({"to": "2026-07-05"}, "/to"),
            ({"absenceType": SICK}, "/absenceType"),
            ({"absenceType": NEVER}, "/absenceType"),
            ({"day_segment": 1}, "/day_segment"),
            ({"daySegment": 2}, "/daySegment"),
            ({"notes": "changed"}, "/notes"),
        ],
    )
    async def test_only_status_may_change(
        self, api: httpx.AsyncClient, ann: dict[str, Any], change: dict[str, Any], pointer: str
    ) -> None:
        await make_user(api, "bob")
        created = await create(api, notes=None)
        response = await api.put(f"/absences/{created['id']}", json={"status": 1, **change})
        assert_error(response, 400, 10012, pointer=pointer)
        assert await fetch(api, created["id"]) == created

    async def test_every_refused_field_is_named(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        created = await create(api)
        change = {"from": "2026-01-01", "to": "2026-01-02", "notes": "x", "status": 2}
        errors = assert_errors(await api.put(f"/absences/{created['id']}", json=change), 400)
        assert {(e["code"], e["source"]["pointer"]) for e in errors} == {
            (10012, "/from"),
            (10012, "/to"),
            (10012, "/notes"),
        }
        assert await fetch(api, created["id"]) == created

    @pytest.mark.parametrize(
        "field", ["username", "user", "from", "to", "absenceType", "day_segment", "daySegment"]
    )
    async def test_null_for_a_field_it_always_has(
        self, api: httpx.AsyncClient, ann: dict[str, Any], field: str
    ) -> None:
        created = await create(api)
        response = await api.put(f"/absences/{created['id']}", json={field: None})
        assert_error(response, 400, 10011, pointer=f"/{field}")

    async def test_other_id_in_body(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api)
        response = await api.put(f"/absences/{created['id']}", json={"id": 2, "status": 1})
        assert_error(response, 400, 10012, pointer="/id")
        assert await fetch(api, created["id"]) == created

    async def test_reviving_a_disapproved_absence_checks_overlaps(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api, "2026-07-01", "2026-07-05")
        await set_status(api, first["id"], 2)
        await create(api, "2026-07-05", absence_type=SICK)
        for status in (0, 1):
            response = await api.put(f"/absences/{first['id']}", json={"status": status})
            assert_error(response, 409, 17040)
        assert (await fetch(api, first["id"]))["status"] == 2
        # Approving or disapproving a live one never conflicts with itself.
        other = await create(api, "2026-08-01", day_segment=1)
        await set_status(api, other["id"], 1)
        await set_status(api, other["id"], 0)
        # Once the blocker is disapproved, the first one may come back.
        await set_status(api, 2, 2)
        assert (await set_status(api, first["id"], 1))["status"] == 1

    async def test_approving_an_absence_of_a_deleted_user(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        created = await create(api)
        await set_status(api, created["id"], 2)
        assert (await api.delete(f"/users/{ann['id']}")).status_code == 200
        assert (await set_status(api, created["id"], 1))["status"] == 1


class TestDelete:
    async def test_delete(
        self, api: httpx.AsyncClient, ann: dict[str, Any], doc: dict[str, Any]
    ) -> None:
        created = await create(api, notes="n")
        response = await api.delete(f"/absences/{created['id']}")
        assert response.status_code == 200, response.text
        deleted = response.json()
        assert deleted["deleted"] is True
        assert deleted == {**created, "deleted": True, "updatedAt": deleted["updatedAt"]}
        assert '"deleted":true' in response.text
        assert_documented(doc, AbsenceRead, deleted)
        assert await listed(api) == []
        assert_error(await api.delete(f"/absences/{created['id']}"), 404, 17020)

    @pytest.mark.parametrize("status", [1, 2])
    async def test_any_status(
        self, api: httpx.AsyncClient, ann: dict[str, Any], status: int
    ) -> None:
        created = await create(api)
        await set_status(api, created["id"], status)
        response = await api.delete(f"/absences/{created['id']}")
        assert response.status_code == 200
        assert response.json()["status"] == status

    async def test_frees_the_days(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api, "2026-07-01", "2026-07-10")
        assert (await api.delete(f"/absences/{created['id']}")).status_code == 200
        again = await create(api, "2026-07-05")
        assert again["id"] == created["id"] + 1
