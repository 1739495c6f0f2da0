"""Creating a user's working-time model (``/users/{id}/working_time_models``): defaults, every
field, limits, refused bodies; credentials on every route.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import KEY, NEVER, SECRET, assert_error, client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials

from .common import DAYS, MODEL_KEYS, UPDATED_AT, create_model, create_user, models_path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/users/1/working_time_models"),
        ("POST", "/users/1/working_time_models"),
        ("GET", "/users/1/working_time_models/1"),
        ("POST", "/users/1/working_time_models/1"),
        ("PUT", "/users/1/working_time_models/1"),
        ("DELETE", "/users/1/working_time_models/1"),
        ("GET", "/users/1/leave_balance"),
        ("POST", "/users/1/leave_balance"),
        ("GET", "/users/1/working_time_models/"),
        ("GET", "/users/1/leave_balance/"),
    ],
)
async def test_requires_credentials(anon: httpx.AsyncClient, method: str, path: str) -> None:
    response = await anon.request(method, path, json={"validFrom": "2026-01-01"})
    assert_error(response, 401, 10001)


async def test_wrong_secret(app: FastAPI, account: Credentials) -> None:
    async with client(app, {KEY: account.api_key, SECRET: "tts_wrong"}) as caller:
        assert_error(await caller.get("/users/1/working_time_models"), 401, 10002)
        assert_error(await caller.get("/users/1/leave_balance"), 401, 10002)


class TestCreate:
    async def test_defaults(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.post(models_path(user["id"]), json={"validFrom": "2026-07-01"})
        assert response.status_code == 201, response.text
        model = response.json()
        assert set(model) == MODEL_KEYS
        assert response.headers["location"] == (
            f"/api/v2/ext/users/{user['id']}/working_time_models/{model['id']}"
        )
        assert model["userId"] == user["id"]
        assert model["username"] == "alice"
        assert model["validFrom"] == "2026-07-01"
        assert [model[f"{d}Seconds"] for d in DAYS] == [28800] * 5 + [0, 0]
        assert model["vacationDaysPerYear"] == 20
        assert UPDATED_AT.match(model["updatedAt"])
        assert "x-ignored-fields" not in response.headers

    async def test_all_fields_and_string_numbers(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        body = {
            "validFrom": "2026-03-01",
            "mondaySeconds": "14400",
            "tuesdaySeconds": 14400.0,
            "wednesdaySeconds": 0,
            "thursdaySeconds": "21600",
            "fridaySeconds": 86400,
            "saturdaySeconds": "0",
            "sundaySeconds": 3600,
            "vacationDaysPerYear": "27.5",
        }
        model = await create_model(api, user["id"], **body)
        assert [model[f"{d}Seconds"] for d in DAYS] == [14400, 14400, 0, 21600, 86400, 0, 3600]
        assert model["vacationDaysPerYear"] == 27.5
        assert model["validFrom"] == "2026-03-01"
        fetched = (await api.get(f"{models_path(user['id'])}/{model['id']}")).json()
        assert fetched == model

    async def test_null_means_default(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        model = await create_model(api, user["id"], mondaySeconds=None, vacationDaysPerYear=None)
        assert model["mondaySeconds"] == 28800
        assert model["vacationDaysPerYear"] == 20

    async def test_ignored_and_server_written_fields(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        response = await api.post(
            models_path(user["id"]),
            json={"validFrom": "2026-01-01", "id": 99, "userId": 42, "mondaySecs": 1},
        )
        assert response.status_code == 201, response.text
        assert response.headers["x-ignored-fields"] == "id, userId, mondaySecs"
        assert response.json()["userId"] == user["id"]
        assert response.json()["mondaySeconds"] == 28800

    async def test_trailing_slash(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.post(models_path(user["id"]) + "/", json={"validFrom": "2026-01-01"})
        assert response.status_code == 201, response.text
        listed = await api.get(models_path(user["id"]) + "/")
        assert listed.status_code == 200
        assert [m["id"] for m in listed.json()] == [response.json()["id"]]

    async def test_ids_count_per_account(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        first = await create_model(api, user["id"], validFrom="2026-01-01")
        bob = await create_user(api, "bob")
        second = await create_model(api, bob["id"], validFrom="2026-01-01")
        assert (first["id"], second["id"]) == (1, 2)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("mondaySeconds", -1),
            ("mondaySeconds", 86401),
            ("tuesdaySeconds", 1.5),
            ("wednesdaySeconds", "abc"),
            ("thursdaySeconds", True),
            ("fridaySeconds", "1e3"),
            ("saturdaySeconds", [1]),
            ("sundaySeconds", "NaN"),
            ("thursdaySeconds", " 21600 "),  # one spelling per value
            ("validFrom", "2026-07-01\n"),
            ("vacationDaysPerYear", 27.55),
            ("vacationDaysPerYear", "0.05"),
            ("vacationDaysPerYear", 366.1),
            ("vacationDaysPerYear", -0.5),
            ("vacationDaysPerYear", "1,5"),
            ("vacationDaysPerYear", False),
            ("validFrom", "2026-13-01"),
            ("validFrom", "2026-02-29"),
            ("validFrom", "01.07.2026"),
            ("validFrom", "2026-07-01T00:00:00Z"),
            ("validFrom", "1969-12-31"),
            ("validFrom", "2200-01-01"),
            ("validFrom", 20260701),
            ("validFrom", ""),
        ],
    )
    async def test_invalid_value(
        self, api: httpx.AsyncClient, user: dict[str, Any], field: str, value: Any
    ) -> None:
        body = {"validFrom": "2026-01-01", field: value}
        response = await api.post(models_path(user["id"]), json=body)
        assert_error(response, 400, 10011, pointer=f"/{field}")
        assert (await api.get(models_path(user["id"]))).json() == []

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("mondaySeconds", 0),
            ("mondaySeconds", 86400),
            ("mondaySeconds", "86400.0"),
            ("vacationDaysPerYear", 0),
            ("vacationDaysPerYear", 366),
            ("vacationDaysPerYear", "0.5"),
            ("vacationDaysPerYear", 27.50),
            ("validFrom", "1970-01-01"),
            ("validFrom", "2199-12-31"),
            ("validFrom", "2028-02-29"),
        ],
    )
    async def test_limits_accepted(
        self, api: httpx.AsyncClient, user: dict[str, Any], field: str, value: Any
    ) -> None:
        await create_model(api, user["id"], **{field: value})

    async def test_valid_from_required(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.post(models_path(user["id"]), json={"mondaySeconds": 3600})
        assert_error(response, 400, 10010, pointer="/validFrom")

    async def test_all_problems_at_once(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.post(
            models_path(user["id"]),
            json={"mondaySeconds": -5, "vacationDaysPerYear": 1.25},
        )
        assert response.status_code == 400
        pointers = {e["source"]["pointer"]: e["code"] for e in response.json()["errors"]}
        assert pointers == {
            "/validFrom": 10010,
            "/mondaySeconds": 10011,
            "/vacationDaysPerYear": 10011,
        }

    @pytest.mark.parametrize("body", [b"[]", b"null", b'"x"'])
    async def test_body_not_an_object(
        self, api: httpx.AsyncClient, user: dict[str, Any], body: bytes
    ) -> None:
        response = await api.post(
            models_path(user["id"]), content=body, headers={"content-type": "application/json"}
        )
        assert_error(response, 400, 10005)

    async def test_malformed_json(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        response = await api.post(models_path(user["id"]), content=b"{validFrom")
        assert_error(response, 400, 10004)

    async def test_duplicate_valid_from(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        first = await create_model(api, user["id"], validFrom="2026-07-01")
        response = await api.post(models_path(user["id"]), json={"validFrom": "2026-07-01"})
        assert_error(response, 409, 14052, pointer="/validFrom")
        # Another user may have a model from the same date.
        bob = await create_user(api, "bob")
        await create_model(api, bob["id"], validFrom="2026-07-01")
        # Once the first is deleted, the date is free again; the new model gets a new id.
        deleted = await api.delete(f"{models_path(user['id'])}/{first['id']}")
        assert deleted.status_code == 200
        again = await create_model(api, user["id"], validFrom="2026-07-01")
        assert again["id"] != first["id"]

    @pytest.mark.parametrize("user_id", [str(NEVER), "abc", "0", "-1", "1.5", str(2**63)])
    async def test_unknown_user(self, api: httpx.AsyncClient, user_id: str) -> None:
        response = await api.post(models_path(user_id), json={"validFrom": "2026-01-01"})
        assert_error(response, 404, 14010)

    async def test_deleted_user(self, api: httpx.AsyncClient, user: dict[str, Any]) -> None:
        await create_model(api, user["id"])
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        path = models_path(user["id"])
        assert_error(await api.post(path, json={"validFrom": "2027-01-01"}), 404, 14020)
        assert_error(await api.get(path), 404, 14020)
        assert_error(await api.get(f"{path}/1"), 404, 14020)
        assert_error(await api.put(f"{path}/1", json={"mondaySeconds": 1}), 404, 14020)
        assert_error(await api.delete(f"{path}/1"), 404, 14020)
        assert_error(await api.get(f"/users/{user['id']}/leave_balance"), 404, 14020)
