"""``/users/{id}/working_time_models`` and ``/users/{id}/leave_balance`` over HTTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from conftest import KEY, NEVER, SECRET, assert_error, client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
MODEL_KEYS = {
    "id",
    "userId",
    "username",
    "validFrom",
    "mondaySeconds",
    "tuesdaySeconds",
    "wednesdaySeconds",
    "thursdaySeconds",
    "fridaySeconds",
    "saturdaySeconds",
    "sundaySeconds",
    "vacationDaysPerYear",
    "updatedAt",
}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BALANCE_KEYS = {
    "userId",
    "username",
    "year",
    "entitlementDays",
    "takenDays",
    "plannedDays",
    "remainingDays",
}
# The default absence types of a new account (absence_types.service.DEFAULT_TYPES).
VACATION, HALF_DAY_LEAVE, SICK_LEAVE = 1, 2, 5
WAITING, APPROVED, DISAPPROVED = 0, 1, 2


# --- helpers ----------------------------------------------------------------------------------


async def create_user(api: httpx.AsyncClient, username: str = "alice") -> dict[str, Any]:
    response = await api.post(
        "/users",
        json={
            "username": username,
            "firstName": "Alice",
            "lastName": "Archer",
            "email": f"{username}@example.com",
            "password": "Correct-Horse-42",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def models_path(user_id: int | str) -> str:
    return f"/users/{user_id}/working_time_models"


async def create_model(api: httpx.AsyncClient, user_id: int, **fields: Any) -> dict[str, Any]:
    response = await api.post(models_path(user_id), json={"validFrom": "2026-01-01", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def user(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_user(api)


# --- authentication ---------------------------------------------------------------------------


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


# --- create -----------------------------------------------------------------------------------


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


# --- list -------------------------------------------------------------------------------------


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


# --- get, update, delete ----------------------------------------------------------------------


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


# --- tenant isolation -------------------------------------------------------------------------


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


# --- leave balance ----------------------------------------------------------------------------


@pytest.fixture
async def bavaria(database: Database) -> Credentials:
    """A fresh account in Bavaria (conftest's ``new_account`` is not importable)."""
    async with database.transaction(write=True) as tx:
        return await create_account(
            tx, f"t-{uuid.uuid4().hex[:12]}", timezone="Europe/Berlin", country="DE", region="BY"
        )


@pytest.fixture
async def by_api(app: FastAPI, bavaria: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app, bavaria) as caller:
        yield caller


class Absences:
    """Inserts absence rows directly (the absences API is another resource's business)."""

    def __init__(self, database: Database, account_id: int) -> None:
        self.database = database
        self.account_id = account_id
        self.next_id = 1000

    async def add(
        self,
        user_id: int,
        start: str,
        end: str,
        *,
        type_id: int = VACATION,
        status: int = APPROVED,
        segment: int = 0,
        deleted: bool = False,
    ) -> None:
        self.next_id += 1
        stamp = datetime.now(UTC)
        async with self.database.transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO absences (account_id, id, user_id, absence_type_id, start_date, "
                "end_date, status, day_segment, notes, created_at, updated_at, deleted_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
                self.account_id,
                self.next_id,
                user_id,
                type_id,
                date.fromisoformat(start),
                date.fromisoformat(end),
                status,
                segment,
                None,
                stamp,
                stamp if deleted else None,
            )


def balance_path(user_id: int | str, year: int | str | None = None) -> str:
    suffix = "" if year is None else f"?year={year}"
    return f"/users/{user_id}/leave_balance{suffix}"


class TestLeaveBalance:
    async def test_without_models_or_absences(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        response = await api.get(balance_path(user["id"], 2026))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "userId": user["id"],
            "username": "alice",
            "year": 2026,
            "entitlementDays": 20,
            "takenDays": 0,
            "plannedDays": 0,
            "remainingDays": 20,
        }

    async def test_year_defaults_to_the_current_one(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        response = await api.get(balance_path(user["id"]))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == BALANCE_KEYS
        # The account's zone is UTC; around New Year the year may just have turned.
        assert body["year"] in {datetime.now(UTC).year, datetime.now(UTC).year - 1}
        read_by_post = await api.post(balance_path(user["id"]) + "/", content=b"{}")
        assert read_by_post.status_code == 200
        assert read_by_post.json()["year"] == body["year"]
        assert_error(await api.post(balance_path(user["id"]), json={"year": 2026}), 405, 10008)

    @pytest.mark.parametrize("year", ["1969", "2200", "abc", "2026.5", "", "-2026"])
    async def test_invalid_year(
        self, api: httpx.AsyncClient, user: dict[str, Any], year: str
    ) -> None:
        assert_error(await api.get(balance_path(user["id"], year)), 400, 10013, parameter="year")

    @pytest.mark.parametrize("year", [1970, 2199])
    async def test_year_limits(
        self, api: httpx.AsyncClient, user: dict[str, Any], year: int
    ) -> None:
        response = await api.get(balance_path(user["id"], year))
        assert response.status_code == 200, response.text
        assert response.json()["year"] == year

    async def test_unknown_user(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.get(balance_path(NEVER, 2026)), 404, 14010)
        assert_error(await api.get(balance_path("abc")), 404, 14010)

    async def test_hand_computed_year_in_bavaria(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        """2026 for a user who goes from full time (30 days) to four days a week (20 days) on
        1 July, in Bavaria (DE/BY).

        Entitlement: 30 x 181/365 + 20 x 184/365 = 24.96, to the half day: 25.

        Taken (approved, types that count):
        - Mon 11 May - Mon 18 May, vacation: Thu 14 May is Ascension Day and 16/17 May a
          weekend: 11, 12, 13, 15, 18 = 5 days;
        - Mon 2 March, a half-day-leave type: 0.5;
        - Tue 3 March, vacation for the first half of the day: 0.5;
        - Mon 29 June - Fri 3 July, vacation across the model change: 29 and 30 June
          (full time), 1 and 2 July (Wednesday, Thursday), Friday 3 July is no working day in
          the new model: 4 days;
        - Fri 3 April (Good Friday) - Mon 6 April (Easter Monday): all holiday or weekend: 0.
        Total 10.

        Planned (waiting): Mon 1 - Fri 5 June with Corpus Christi on Thursday 4 June: 4; Mon 28
        December 2026 - Tue 5 January 2027, only Monday-Thursday 28-31 December inside 2026
        (1 January is a holiday and in 2027 anyway): 4. Total 8.

        Not counted: sick leave, a disapproved vacation, a deleted vacation, and another
        user's vacation.

        Remaining: 25 - 10 - 8 = 7.
        """
        alice = await create_user(by_api, "alice")
        bob = await create_user(by_api, "bob")
        full = await create_model(
            by_api, alice["id"], validFrom="2025-01-01", vacationDaysPerYear=30
        )
        part = await create_model(
            by_api,
            alice["id"],
            validFrom="2026-07-01",
            fridaySeconds=0,
            vacationDaysPerYear=20,
        )
        assert (full["fridaySeconds"], part["fridaySeconds"]) == (28800, 0)
        absences = Absences(database, bavaria.account.id)
        uid = alice["id"]
        await absences.add(uid, "2026-05-11", "2026-05-18")
        await absences.add(uid, "2026-03-02", "2026-03-02", type_id=HALF_DAY_LEAVE)
        await absences.add(uid, "2026-03-03", "2026-03-03", segment=1)
        await absences.add(uid, "2026-06-29", "2026-07-03")
        await absences.add(uid, "2026-04-03", "2026-04-06")
        await absences.add(uid, "2026-06-01", "2026-06-05", status=WAITING)
        await absences.add(uid, "2026-12-28", "2027-01-05", status=WAITING)
        await absences.add(uid, "2026-02-02", "2026-02-06", type_id=SICK_LEAVE)
        await absences.add(uid, "2026-09-07", "2026-09-11", status=DISAPPROVED)
        await absences.add(uid, "2026-10-05", "2026-10-09", deleted=True)
        await absences.add(bob["id"], "2026-10-12", "2026-10-16")

        response = await by_api.get(balance_path(uid, 2026))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "userId": uid,
            "username": "alice",
            "year": 2026,
            "entitlementDays": 25,
            "takenDays": 10,
            "plannedDays": 8,
            "remainingDays": 7,
        }
        # 2027: the part-time model all year (20 days). Of the year-end leave, 4 and 5 January
        # fall in 2027 as working days (1 January is a holiday, 2 and 3 January a weekend).
        response = await by_api.get(balance_path(uid, 2027))
        assert response.json()["entitlementDays"] == 20
        assert response.json()["plannedDays"] == 2
        assert response.json()["takenDays"] == 0
        assert response.json()["remainingDays"] == 18
        # 2025: the full-time model all year; nothing taken.
        response = await by_api.get(balance_path(uid, 2025))
        assert response.json()["entitlementDays"] == 30
        assert response.json()["remainingDays"] == 30
        # Bob has no model: the default 20 days, his one week of vacation taken.
        response = await by_api.get(balance_path(bob["id"], 2026))
        assert response.json()["entitlementDays"] == 20
        assert response.json()["takenDays"] == 5

    async def test_a_deleted_model_no_longer_applies(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        alice = await create_user(by_api, "alice")
        model = await create_model(
            by_api, alice["id"], validFrom="2026-01-01", vacationDaysPerYear=27.5
        )
        assert (await by_api.get(balance_path(alice["id"], 2026))).json()["entitlementDays"] == 27.5
        await by_api.delete(f"{models_path(alice['id'])}/{model['id']}")
        assert (await by_api.get(balance_path(alice["id"], 2026))).json()["entitlementDays"] == 20

    async def test_a_model_starting_mid_year_follows_the_default(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        # Before a user's first model the default applies (20 days, Monday-Friday 8 h):
        # 20 x 90/365 + 30 x 275/365 = 27.53 -> 27.5.
        alice = await create_user(by_api, "alice")
        await create_model(by_api, alice["id"], validFrom="2026-04-01", vacationDaysPerYear=30)
        absences = Absences(database, bavaria.account.id)
        await absences.add(alice["id"], "2026-03-30", "2026-04-01", status=WAITING)
        body = (await by_api.get(balance_path(alice["id"], 2026))).json()
        assert body["entitlementDays"] == 27.5
        assert body["plannedDays"] == 3
        assert body["remainingDays"] == 24.5
