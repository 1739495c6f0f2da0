"""Listing, reading, updating and deleting a user's working-time models; another account's
users.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error

from .common import create_model, create_user, models_path


class TestList:
    async def test_no_models(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.get(models_path(user["id"]))
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["x-total-count"] == "0"

    async def test_ordered_by_valid_from(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        later = await create_model(api, user["id"], validFrom="2026-07-01")
        earlier = await create_model(api, user["id"], validFrom="2025-01-01")
        middle = await create_model(api, user["id"], validFrom="2025-10-15")
        bob = await create_user(api, "bob")
        await create_model(api, bob["id"], validFrom="2024-01-01")
        response = await api.get(models_path(user["id"]))
        assert response.status_code == 200
        assert [m["id"] for m in response.json()] == [earlier["id"], middle["id"], later["id"]]
        assert response.headers["x-total-count"] == "3"
        assert all(m["username"] == "alice" for m in response.json())

    async def test_paging(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        for month in range(1, 4):
            await create_model(api, user["id"], validFrom=f"2026-0{month}-01")
        response = await api.get(models_path(user["id"]), params={"limit": 2, "page_number": 1})
        assert [m["validFrom"] for m in response.json()] == ["2026-03-01"]
        assert response.headers["x-total-count"] == "3"
        assert 'rel="prev"' in response.headers["link"]
        assert_error(
            await api.get(models_path(user["id"]), params={"limit": 1001}),
            400,
            10013,
            parameter="limit",
        )

    @pytest.mark.parametrize("body", [b"", b"{}", b" { } "])
    async def test_post_with_empty_body_lists(
        self, api: httpx.AsyncClient, user: dict[str, Any], body: bytes
    ) -> None:
        model = await create_model(api, user["id"])
        response = await api.post(models_path(user["id"]), content=body)
        assert response.status_code == 200, response.text
        assert [m["id"] for m in response.json()] == [model["id"]]

    async def test_deleted_left_out_unless_asked(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        kept = await create_model(api, user["id"], validFrom="2026-01-01")
        gone = await create_model(api, user["id"], validFrom="2026-02-01")
        await api.delete(f"{models_path(user['id'])}/{gone['id']}")
        listed = (await api.get(models_path(user["id"]))).json()
        assert [m["id"] for m in listed] == [kept["id"]]
        with_deleted = (
            await api.get(models_path(user["id"]), params={"includeDeleted": "true"})
        ).json()
        assert [(m["id"], m.get("deleted")) for m in with_deleted] == [
            (kept["id"], None),
            (gone["id"], True),
        ]


class TestOne:
    async def test_get_and_post_read(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        model = await create_model(api, user["id"])
        path = f"{models_path(user['id'])}/{model['id']}"
        for response in (
            await api.get(path),
            await api.get(path + "/"),
            await api.post(path),
            await api.post(path, json={}),
        ):
            assert response.status_code == 200, response.text
            assert response.json() == model
        assert_error(await api.post(path, json={"mondaySeconds": 1}), 405, 10008)

    @pytest.mark.parametrize("model_id", [str(NEVER), "abc", "0"])
    async def test_unknown_model(
        self, api: httpx.AsyncClient, user: dict[str, Any], model_id: str
    ) -> None:
        path = f"{models_path(user['id'])}/{model_id}"
        assert_error(await api.get(path), 404, 14050)
        assert_error(await api.put(path, json={"mondaySeconds": 1}), 404, 14050)
        assert_error(await api.delete(path), 404, 14050)

    async def test_model_of_another_user(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        model = await create_model(api, user["id"])
        bob = await create_user(api, "bob")
        path = f"{models_path(bob['id'])}/{model['id']}"
        assert_error(await api.get(path), 404, 14050)
        assert_error(await api.put(path, json={"mondaySeconds": 1}), 404, 14050)
        assert_error(await api.delete(path), 404, 14050)
        assert (await api.get(f"{models_path(user['id'])}/{model['id']}")).json() == model

    async def test_update_changes_only_what_is_sent(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        model = await create_model(api, user["id"], vacationDaysPerYear=30)
        path = f"{models_path(user['id'])}/{model['id']}"
        response = await api.put(
            path, json={"fridaySeconds": "14400", "vacationDaysPerYear": 27.5, "note": "x"}
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["fridaySeconds"] == 14400
        assert updated["vacationDaysPerYear"] == 27.5
        assert updated["mondaySeconds"] == 28800
        assert updated["validFrom"] == model["validFrom"]
        assert updated["updatedAt"] >= model["updatedAt"]
        assert response.headers["x-ignored-fields"] == "note"
        assert (await api.get(path)).json() == updated

    async def test_update_read_modify_write(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        model = await create_model(api, user["id"])
        path = f"{models_path(user['id'])}/{model['id']}"
        response = await api.put(path, json={**model, "saturdaySeconds": 7200})
        assert response.status_code == 200, response.text
        assert response.json()["saturdaySeconds"] == 7200
        assert_error(await api.put(path, json={"id": model["id"] + 1}), 400, 10012, pointer="/id")

    async def test_update_nothing(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        model = await create_model(api, user["id"])
        path = f"{models_path(user['id'])}/{model['id']}"
        for body in ({}, {"validFrom": model["validFrom"]}):
            response = await api.put(path, json=body)
            assert response.status_code == 200
            assert response.json() == model

    async def test_update_valid_from(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        first = await create_model(api, user["id"], validFrom="2026-01-01")
        second = await create_model(api, user["id"], validFrom="2026-07-01")
        path = f"{models_path(user['id'])}/{second['id']}"
        assert_error(
            await api.put(path, json={"validFrom": "2026-01-01"}), 409, 14052, pointer="/validFrom"
        )
        response = await api.put(path, json={"validFrom": "2025-12-01"})
        assert response.status_code == 200, response.text
        listed = (await api.get(models_path(user["id"]))).json()
        assert [m["id"] for m in listed] == [second["id"], first["id"]]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("validFrom", None),
            ("validFrom", "2026-02-30"),
            ("mondaySeconds", None),
            ("mondaySeconds", 86401),
            ("vacationDaysPerYear", None),
            ("vacationDaysPerYear", 20.25),
        ],
    )
    async def test_update_invalid(
        self, api: httpx.AsyncClient, user: dict[str, Any], field: str, value: Any
    ) -> None:
        model = await create_model(api, user["id"])
        path = f"{models_path(user['id'])}/{model['id']}"
        assert_error(await api.put(path, json={field: value}), 400, 10011, pointer=f"/{field}")
        assert (await api.get(path)).json() == model

    async def test_delete(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        model = await create_model(api, user["id"])
        path = f"{models_path(user['id'])}/{model['id']}"
        response = await api.delete(path)
        assert response.status_code == 200
        deleted = response.json()
        assert deleted["deleted"] is True
        assert {k: v for k, v in deleted.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in model.items() if k != "updatedAt"
        }
        assert_error(await api.get(path), 404, 14051)
        assert_error(await api.post(path), 404, 14051)
        assert_error(await api.put(path, json={"mondaySeconds": 1}), 404, 14051)
        assert_error(await api.delete(path), 404, 14051)

    async def test_other_methods(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        model = await create_model(api, user["id"])
        assert_error(await api.patch(models_path(user["id"]), json={}), 405, 10008)
        assert_error(
            await api.patch(f"{models_path(user['id'])}/{model['id']}", json={}), 405, 10008
        )
        assert_error(await api.put(f"/users/{user['id']}/leave_balance", json={}), 405, 10008)


class TestTenantIsolation:
    async def test_other_accounts_users_are_unknown(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        model = await create_model(api, user["id"])
        path = models_path(user["id"])
        one = f"{path}/{model['id']}"
        # The other account has no users: the id answers exactly like one that never existed.
        for response in (
            await other_api.get(path),
            await other_api.post(path, json={"validFrom": "2027-01-01"}),
            await other_api.get(one),
            await other_api.put(one, json={"mondaySeconds": 1}),
            await other_api.delete(one),
            await other_api.get(f"/users/{user['id']}/leave_balance"),
        ):
            assert_error(response, 404, 14010)
            assert "alice" not in response.text
        # ...and a user of its own with the same id sees none of the first account's models.
        theirs = await create_user(other_api, "alice")
        assert theirs["id"] == user["id"]
        assert (await other_api.get(path)).json() == []
        assert_error(await other_api.get(one), 404, 14050)
        assert (await api.get(one)).json() == model
