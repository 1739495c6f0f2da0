"""Creating an absence: users, absence types, days and half days, refused bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_documented, assert_error, assert_errors

from timetrack.absences.schemas import AbsenceRead

from .common import HDL, HO, SICK, UPDATED_AT, VAC, body_of, create, fetch, ids, listed, make_user


class TestCreate:
    async def test_all_fields(
        self, api: httpx.AsyncClient, ann: dict[str, Any], doc: dict[str, Any]
    ) -> None:
        body = body_of("2026-07-01", "2026-07-10", notes="Summer")
        response = await api.post("/absences", json=body)
        assert response.status_code == 201, response.text
        created = response.json()
        assert created == {
            "id": 1,
            "user": "ann",
            "user_id": ann["id"],
            "from": "2026-07-01",
            "to": "2026-07-10",
            "status": 0,
            "absenceType": VAC,
            "absenceTypeName": "VAC",
            "color": "#4caf50",
            "is_plannable": True,
            "day_segment": 0,
            "notes": "Summer",
            "updatedAt": created["updatedAt"],
        }
        assert UPDATED_AT.match(created["updatedAt"])
        assert response.headers["Location"] == "/api/v2/ext/absences/1"
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, 1) == created
        assert await listed(api) == [created]
        assert_documented(doc, AbsenceRead, created)

    async def test_raw_json(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        await create(api, "2026-02-03", "2026-02-04", SICK)
        text = (await api.get("/absences/1")).text
        for fragment in (
            '"from":"2026-02-03"',
            '"to":"2026-02-04"',
            '"status":0',
            '"absenceType":5',
            '"absenceTypeName":"SICK"',
            '"is_plannable":false',
            '"day_segment":0',
            f'"user_id":{ann["id"]}',
            '"notes":null',
        ):
            assert fragment in text, (fragment, text)
        listed_text = (await api.get("/absences")).text
        assert listed_text.startswith("[{") and '"from":"2026-02-03"' in listed_text

    async def test_user_instead_of_username(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        body = body_of()
        body["user"] = body.pop("username")
        response = await api.post("/absences", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["user"] == "ann"

    async def test_username_wins_over_user(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await make_user(api, "bob")
        response = await api.post("/absences", json=body_of(user="bob"))
        assert response.status_code == 201, response.text
        assert response.json()["user"] == "ann"

    async def test_username_any_case(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        assert (await create(api, username=" ANN "))["user"] == "ann"

    @pytest.mark.parametrize("sent", [SICK, str(SICK), float(SICK)])
    async def test_absence_type_forms(
        self, api: httpx.AsyncClient, ann: dict[str, Any], sent: Any
    ) -> None:
        created = await create(api, absence_type=sent)
        assert (created["absenceType"], created["absenceTypeName"]) == (SICK, "SICK")
        assert (created["color"], created["is_plannable"]) == ("#f44336", False)

    async def test_own_absence_type(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        made = await api.post(
            "/absence_types", json={"name": "Training", "shortName": "TRN", "plannable": False}
        )
        created = await create(api, absence_type=made.json()["id"])
        assert created["absenceType"] == 7
        assert (created["absenceTypeName"], created["color"], created["is_plannable"]) == (
            "TRN",
            None,
            False,
        )

    @pytest.mark.parametrize("status", [1, 2, "1", 99, "approved"])
    async def test_status_is_ignored_on_create(
        self, api: httpx.AsyncClient, ann: dict[str, Any], status: Any
    ) -> None:
        response = await api.post("/absences", json=body_of(status=status))
        assert response.status_code == 201, response.text
        assert response.json()["status"] == 0
        assert response.headers["X-Ignored-Fields"] == "status"

    async def test_server_fields_are_ignored(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        extra: dict[str, Any] = {
            "id": 50,
            "user_id": 99,
            "absenceTypeName": "SICK",
            "color": "#000",
            "is_plannable": False,
            "updatedAt": "x",
        }
        response = await api.post("/absences", json=body_of(**extra))
        assert response.status_code == 201, response.text
        created = response.json()
        assert (created["id"], created["user_id"], created["absenceTypeName"]) == (
            1,
            ann["id"],
            "VAC",
        )
        assert (created["color"], created["is_plannable"]) == ("#4caf50", True)
        assert response.headers["X-Ignored-Fields"] == (
            "id, user_id, absenceTypeName, color, is_plannable, updatedAt"
        )

    async def test_single_day(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api, "2026-12-24", "2026-12-24")
        assert (created["from"], created["to"]) == ("2026-12-24", "2026-12-24")

    async def test_timestamps_stand_for_their_date(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        created = await create(api, "2026-07-01T00:00:00.000Z", "2026-07-02T23:30:00+05:00")
        assert (created["from"], created["to"]) == ("2026-07-01", "2026-07-02")

    @pytest.mark.parametrize(
        ("fields", "segment"),
        [
            ({"day_segment": 1}, 1),
            ({"day_segment": "2"}, 2),
            ({"day_segment": 0}, 0),
            ({"daySegment": 2}, 2),
            ({"day_segment": 1, "daySegment": 2}, 1),
            ({}, 0),
        ],
    )
    async def test_day_segment(
        self, api: httpx.AsyncClient, ann: dict[str, Any], fields: dict[str, Any], segment: int
    ) -> None:
        response = await api.post("/absences", json=body_of(absence_type=HDL, **fields))
        assert response.status_code == 201, response.text
        assert response.json()["day_segment"] == segment
        assert "X-Ignored-Fields" not in response.headers

    async def test_full_day_segment_may_span_days(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        created = await create(api, "2026-07-01", "2026-07-03", day_segment=0)
        assert created["day_segment"] == 0

    # --- refused ------------------------------------------------------------------------------

    async def test_to_before_from(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        response = await api.post("/absences", json=body_of("2026-07-02", "2026-07-01"))
        assert_error(response, 400, 17030, pointer="/to")
        assert await listed(api) == []

    @pytest.mark.parametrize(
        ("fields", "pointer"),
        [({"day_segment": 1}, "/day_segment"), ({"daySegment": "2"}, "/daySegment")],
    )
    async def test_half_day_over_several_days(
        self, api: httpx.AsyncClient, ann: dict[str, Any], fields: dict[str, Any], pointer: str
    ) -> None:
        response = await api.post(
            "/absences", json=body_of("2026-07-01", "2026-07-02", HDL, **fields)
        )
        assert_error(response, 400, 17031, pointer=pointer)
        assert await listed(api) == []

    @pytest.mark.parametrize("type_id", [99, NEVER, 0, -1, "0", str(2**63), 2**70])
    async def test_unknown_absence_type(
        self, api: httpx.AsyncClient, ann: dict[str, Any], type_id: Any
    ) -> None:
        response = await api.post("/absences", json=body_of(absence_type=type_id))
        assert_error(response, 400, 17140, pointer="/absenceType")
        assert await listed(api) == []

    @pytest.mark.parametrize(
        "type_id", ["VAC", "Vacation", "1.5", 1.5, True, None, "", [1], f" {SICK} ", f"0{SICK}"]
    )
    async def test_absence_type_not_an_id(
        self, api: httpx.AsyncClient, ann: dict[str, Any], type_id: Any
    ) -> None:
        response = await api.post("/absences", json=body_of(absence_type=type_id))
        assert_error(response, 400, 10011, pointer="/absenceType")

    async def test_deleted_absence_type(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        assert (await api.delete(f"/absence_types/{HO}")).status_code == 200
        response = await api.post("/absences", json=body_of(absence_type=HO))
        never = await api.post("/absences", json=body_of(absence_type=NEVER - 1))
        assert_error(response, 400, 17140, pointer="/absenceType")
        assert_error(never, 400, 17140, pointer="/absenceType")

    async def test_another_accounts_absence_type(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        theirs = await other_api.post("/absence_types", json={"name": "Theirs", "shortName": "T"})
        assert theirs.json()["id"] == 7
        response = await api.post("/absences", json=body_of(absence_type=7))
        never = await api.post("/absences", json=body_of(absence_type=8))
        err = assert_error(response, 400, 17140, pointer="/absenceType")
        assert err["detail"] == assert_error(never, 400, 17140, pointer="/absenceType")[
            "detail"
        ].replace("8", "7")
        assert "Theirs" not in response.text
        assert await listed(api) == []

    @pytest.mark.parametrize("field", ["username", "user"])
    async def test_unknown_user(
        self, api: httpx.AsyncClient, ann: dict[str, Any], field: str
    ) -> None:
        body = body_of()
        del body["username"]
        body[field] = "nobody"
        assert_error(await api.post("/absences", json=body), 400, 14040, pointer=f"/{field}")
        assert_error(
            await api.post("/absences", json=body_of(username="an")),
            400,
            14040,
            pointer="/username",
        )
        assert await listed(api) == []

    async def test_deleted_user(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        assert (await api.delete(f"/users/{ann['id']}")).status_code == 200
        assert_error(await api.post("/absences", json=body_of()), 400, 14040, pointer="/username")

    async def test_another_accounts_user(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await make_user(other_api, "ann")
        assert_error(await api.post("/absences", json=body_of()), 400, 14040, pointer="/username")
        assert await listed(other_api) == []

    async def test_no_user(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        body = body_of()
        del body["username"]
        assert_error(await api.post("/absences", json=body), 400, 10010, pointer="/username")

    @pytest.mark.parametrize(
        ("fields", "code", "pointer"),
        [
            ({"from": None}, 10011, "/from"),
            ({"to": None}, 10011, "/to"),
            ({"from": "2026-02-30"}, 10011, "/from"),
            ({"from": "01.07.2026"}, 10011, "/from"),
            ({"from": 20260701}, 10011, "/from"),
            ({"to": "2026-7-1"}, 10011, "/to"),
            ({"from": "1969-12-31"}, 10011, "/from"),
            ({"to": "2200-01-01"}, 10011, "/to"),
            ({"day_segment": 3}, 10011, "/day_segment"),
            ({"day_segment": -1}, 10011, "/day_segment"),
            ({"day_segment": "half"}, 10011, "/day_segment"),
            ({"daySegment": True}, 10011, "/daySegment"),
            ({"notes": 5}, 10011, "/notes"),
            ({"notes": "x" * 10_001}, 10011, "/notes"),
            ({"username": ""}, 10011, "/username"),
        ],
    )
    async def test_invalid_fields(
        self,
        api: httpx.AsyncClient,
        ann: dict[str, Any],
        fields: dict[str, Any],
        code: int,
        pointer: str,
    ) -> None:
        response = await api.post("/absences", json={**body_of(), **fields})
        assert_error(response, 400, code, pointer=pointer)
        assert await listed(api) == []

    async def test_missing_fields_all_at_once(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        errors = assert_errors(await api.post("/absences", json={"username": "ann"}), 400)
        assert {(e["code"], e["source"]["pointer"]) for e in errors} == {
            (10010, "/from"),
            (10010, "/to"),
            (10010, "/absenceType"),
        }

    async def test_failed_creates_leave_nothing(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api, "2026-07-01")
        for body in (
            body_of("2026-07-05", "2026-07-04"),
            body_of(absence_type=NEVER),
            body_of(username="nobody"),
            body_of("2026-07-01"),  # overlaps
            body_of("2026-07-08", "2026-07-09", day_segment=1),
        ):
            assert (await api.post("/absences", json=body)).status_code in (400, 409)
        assert await ids(api) == [1]
        assert (await create(api, "2026-08-01"))["id"] == 2
