"""``/absences`` over HTTP (SPEC §2 "Absences", with the wire conventions of §1)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_documented, assert_error, assert_errors

from timetrack.absences.schemas import AbsenceRead

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ABSENCE_KEYS = {
    "id",
    "user",
    "user_id",
    "from",
    "to",
    "status",
    "absenceType",
    "absenceTypeName",
    "color",
    "is_plannable",
    "day_segment",
    "notes",
    "updatedAt",
}
PASSWORD = "correct horse battery"
VAC, HDL, SPL, HO, SICK, TO = 1, 2, 3, 4, 5, 6  # the ids of every account's default types


# --- helpers ----------------------------------------------------------------------------------


async def make_user(api: httpx.AsyncClient, username: str = "ann") -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": "First",
        "lastName": "Last",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    response = await api.post("/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def body_of(
    start: str = "2026-07-01",
    end: str | None = None,
    absence_type: Any = VAC,
    username: str = "ann",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "username": username,
        "from": start,
        "to": end or start,
        "absenceType": absence_type,
        **fields,
    }


async def create(
    api: httpx.AsyncClient,
    start: str = "2026-07-01",
    end: str | None = None,
    absence_type: Any = VAC,
    username: str = "ann",
    **fields: Any,
) -> dict[str, Any]:
    response = await api.post(
        "/absences", json=body_of(start, end, absence_type, username, **fields)
    )
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


async def fetch(api: httpx.AsyncClient, absence_id: int) -> dict[str, Any]:
    response = await api.get(f"/absences/{absence_id}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/absences", params=params)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()
    return records


async def ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [a["id"] for a in await listed(api, **params)]


async def set_status(api: httpx.AsyncClient, absence_id: int, status: Any) -> dict[str, Any]:
    response = await api.put(f"/absences/{absence_id}", json={"status": status})
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


@pytest.fixture
async def ann(api: httpx.AsyncClient) -> dict[str, Any]:
    return await make_user(api, "ann")


# --- create -----------------------------------------------------------------------------------


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


# --- overlaps ---------------------------------------------------------------------------------


class TestOverlap:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2026-07-06", "2026-07-10"),  # the same
            ("2026-07-07", "2026-07-08"),  # inside
            ("2026-07-01", "2026-07-31"),  # around
            ("2026-07-01", "2026-07-06"),  # ends on its first day
            ("2026-07-10", "2026-07-12"),  # starts on its last day
            ("2026-07-08", "2026-07-08"),  # one day inside
        ],
    )
    async def test_overlapping(
        self, api: httpx.AsyncClient, ann: dict[str, Any], start: str, end: str
    ) -> None:
        first = await create(api, "2026-07-06", "2026-07-10")
        response = await api.post("/absences", json=body_of(start, end, SICK))
        err = assert_error(response, 409, 17040)
        assert str(first["id"]) in err["detail"]
        assert await listed(api) == [first]

    async def test_adjacent_days_do_not_overlap(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api, "2026-07-06", "2026-07-10")
        await create(api, "2026-07-01", "2026-07-05")
        await create(api, "2026-07-11", "2026-07-11")
        assert len(await listed(api)) == 3

    async def test_other_users_do_not_overlap(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await make_user(api, "bob")
        await create(api, "2026-07-06", "2026-07-10")
        await create(api, "2026-07-06", "2026-07-10", username="bob")
        assert [a["user"] for a in await listed(api)] == ["ann", "bob"]

    @pytest.mark.parametrize("status", [0, 1])
    async def test_waiting_and_approved_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any], status: int
    ) -> None:
        first = await create(api)
        await set_status(api, first["id"], status)
        assert_error(await api.post("/absences", json=body_of()), 409, 17040)

    async def test_disapproved_does_not_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api)
        await set_status(api, first["id"], 2)
        second = await create(api)
        assert second["id"] == 2

    async def test_deleted_does_not_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api)
        assert (await api.delete(f"/absences/{first['id']}")).status_code == 200
        await create(api)

    async def test_two_halves_of_one_day(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        await create(api, absence_type=HDL, day_segment=1)
        await create(api, absence_type=HO, day_segment=2)
        assert [a["day_segment"] for a in await listed(api)] == [1, 2]
        # Both halves taken: neither half nor the whole day is free any more.
        segments: list[dict[str, Any]] = [{"day_segment": n} for n in (1, 2, 0)] + [{}]
        for fields in segments:
            response = await api.post("/absences", json=body_of(absence_type=VAC, **fields))
            assert_error(response, 409, 17040)

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ({"day_segment": 1}, {"day_segment": 1}),
            ({"day_segment": 2}, {"daySegment": 2}),
            ({"day_segment": 1}, {}),
            ({}, {"day_segment": 2}),
        ],
    )
    async def test_half_days_that_overlap(
        self,
        api: httpx.AsyncClient,
        ann: dict[str, Any],
        first: dict[str, Any],
        second: dict[str, Any],
    ) -> None:
        await create(api, absence_type=HDL, **first)
        assert_error(
            await api.post("/absences", json=body_of(absence_type=HDL, **second)), 409, 17040
        )

    async def test_half_day_inside_a_longer_absence(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api, "2026-07-01", "2026-07-05")
        response = await api.post("/absences", json=body_of("2026-07-03", day_segment=2))
        assert_error(response, 409, 17040)
        await create(api, "2026-07-06", day_segment=2)

    async def test_half_day_of_a_disapproved_day(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api, day_segment=1)
        await set_status(api, first["id"], 2)
        await create(api, day_segment=1)

    async def test_concurrent_creates(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        """Overlapping creates for one user at the same moment: exactly one wins."""
        responses = await asyncio.gather(
            *(
                api.post("/absences", json=body_of(f"2026-07-{1 + i:02d}", "2026-07-20"))
                for i in range(8)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 7, [
            r.text for r in responses
        ]
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 17040)
        assert len(await listed(api)) == 1

    async def test_concurrent_halves_and_other_users(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await make_user(api, "bob")
        bodies = [
            body_of(absence_type=HDL, day_segment=1),
            body_of(absence_type=HDL, day_segment=2),
            body_of(username="bob"),
            body_of("2026-07-02"),
        ]
        responses = await asyncio.gather(*(api.post("/absences", json=b) for b in bodies))
        assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 4

    async def test_concurrent_reapprovals(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        """Disapproved absences on the same days, set back to approved at once: one wins."""
        records = []
        for _ in range(6):
            record = await create(api)
            await set_status(api, record["id"], 2)
            records.append(record)
        responses = await asyncio.gather(
            *(api.put(f"/absences/{r['id']}", json={"status": 1}) for r in records)
        )
        assert sorted(r.status_code for r in responses) == [200] + [409] * 5
        assert len(await listed(api, status=1)) == 1


# --- list -------------------------------------------------------------------------------------


class TestList:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absences")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_ordered_by_id(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = [
            await create(api, "2026-09-01"),
            await create(api, "2026-01-01"),
            await create(api, "2026-05-01"),
        ]
        response = await api.get("/absences")
        assert response.json() == created
        assert response.headers["X-Total-Count"] == "3"
        assert (await api.get("/absences/")).json() == created
        by_post = await api.post("/absences", json={})
        assert by_post.status_code == 200 and by_post.json() == created

    async def test_paging(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        for day in range(1, 6):
            await create(api, f"2026-03-{day:02d}")
        response = await api.get("/absences", params={"limit": 2, "page_number": 1})
        assert [a["id"] for a in response.json()] == [3, 4]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]

    async def test_user_filter(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        await make_user(api, "bob")
        await make_user(api, "annette")
        a = await create(api)
        b = await create(api, username="bob")
        c = await create(api, username="annette")
        assert await ids(api, user="ann") == [a["id"]]
        assert await ids(api, username="ANN") == [a["id"]]
        assert await ids(api, username="bob") == [b["id"]]
        assert await ids(api, user="annette", username="bob") == [c["id"]]
        assert await ids(api, username="an") == []
        assert await ids(api, username="nobody") == []

    async def test_user_id_filter(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        bob = await make_user(api, "bob")
        a = await create(api)
        b = await create(api, username="bob")
        assert await ids(api, userId=ann["id"]) == [a["id"]]
        assert await ids(api, userId=str(bob["id"])) == [b["id"]]
        assert await ids(api, userId=bob["id"], username="BOB") == [b["id"]]
        assert await ids(api, userId=bob["id"], user="ann") == []
        assert await ids(api, userId=999) == []

    async def test_range_filters_match_overlaps(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        june = await create(api, "2026-06-25", "2026-07-02")
        july = await create(api, "2026-07-10", "2026-07-12")
        august = await create(api, "2026-07-30", "2026-08-03")
        later = await create(api, "2026-09-01")
        assert await ids(api, **{"from": "2026-07-01", "to": "2026-07-31"}) == [
            june["id"],
            july["id"],
            august["id"],
        ]
        assert await ids(api, startDate="2026-07-01", endDate="2026-07-31") == [
            june["id"],
            july["id"],
            august["id"],
        ]
        assert await ids(api, **{"from": "2026-07-03", "to": "2026-07-09"}) == []
        assert await ids(api, **{"from": "2026-07-12", "to": "2026-07-12"}) == [july["id"]]
        assert await ids(api, **{"from": "2026-08-03"}) == [august["id"], later["id"]]
        assert await ids(api, to="2026-06-25") == [june["id"]]
        assert await ids(api, startDate="2026-08-04") == [later["id"]]
        assert await ids(api, endDate="2026-06-24") == []
        # `from`/`to` win over their aliases; a timestamp stands for its date.
        assert await ids(api, **{"from": "2026-09-01", "startDate": "2026-01-01"}) == [later["id"]]
        assert await ids(api, **{"from": "2026-09-01T12:00:00.000Z"}) == [later["id"]]

    async def test_type_and_status_filters(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        a = await create(api, "2026-01-01", absence_type=VAC)
        b = await create(api, "2026-01-02", absence_type=SICK)
        c = await create(api, "2026-01-03", absence_type=VAC)
        await set_status(api, a["id"], 1)
        await set_status(api, b["id"], 2)
        assert await ids(api, absenceType=VAC) == [a["id"], c["id"]]
        assert await ids(api, absenceType=str(SICK)) == [b["id"]]
        assert await ids(api, absenceType=TO) == []
        assert await ids(api, absenceType=NEVER) == []
        assert await ids(api, status=0) == [c["id"]]
        assert await ids(api, status="1") == [a["id"]]
        assert await ids(api, status=2) == [b["id"]]
        assert await ids(api, status=1, absenceType=SICK) == []
        response = await api.post("/absences", params={"absenceType": VAC, "status": 0}, json={})
        assert [r["id"] for r in response.json()] == [c["id"]]
        assert response.headers["X-Total-Count"] == "1"

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"from": "yesterday"}, "from"),
            ({"to": "2026-02-30"}, "to"),
            ({"startDate": "2026/01/01"}, "startDate"),
            ({"endDate": "x"}, "endDate"),
            ({"status": 3}, "status"),
            ({"status": "approved"}, "status"),
            ({"status": -1}, "status"),
            ({"absenceType": "VAC"}, "absenceType"),
            ({"absenceType": -1}, "absenceType"),
            ({"absenceType": 0}, "absenceType"),
            ({"absenceType": str(2**63)}, "absenceType"),
            ({"absenceType": ""}, "absenceType"),  # empty: no id, like userId=
            ({"status": ""}, "status"),
            ({"status": "01"}, "status"),
            ({"username": "x" * 256}, "username"),
            ({"userId": "ann"}, "userId"),
            ({"userId": -1}, "userId"),
            ({"from": "x" * 41}, "from"),
        ],
    )
    async def test_bad_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], parameter: str
    ) -> None:
        assert_error(await api.get("/absences", params=params), 400, 10013, parameter=parameter)

    async def test_change_feed(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        a = await create(api, "2026-01-01")
        b = await create(api, "2026-01-02")
        c = await create(api, "2026-01-03")
        await asyncio.sleep(0.01)
        since = (await set_status(api, b["id"], 1))["updatedAt"]
        await asyncio.sleep(0.01)
        assert (await api.delete(f"/absences/{c['id']}")).status_code == 200
        assert await ids(api) == [a["id"], b["id"]]
        assert await ids(api, updatedSince=since) == [b["id"]]
        feed = await listed(api, updatedSince=since, includeDeleted="true")
        assert [(r["id"], r.get("deleted")) for r in feed] == [(b["id"], None), (c["id"], True)]
        assert await ids(api, includeDeleted="true") == [a["id"], b["id"], c["id"]]
        assert await ids(api, includeDeleted="true", status=0) == [a["id"], c["id"]]


# --- get --------------------------------------------------------------------------------------


class TestGet:
    async def test_of_a_deleted_user(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = await create(api)
        assert (await api.delete(f"/users/{ann['id']}")).status_code == 200
        assert await fetch(api, created["id"]) == created


# --- update -----------------------------------------------------------------------------------


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


# --- delete -----------------------------------------------------------------------------------


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


# --- tenant isolation -------------------------------------------------------------------------


class TestTenantIsolation:
    async def test_lists(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api)
        for params in ({}, {"username": "ann"}, {"absenceType": VAC}, {"status": 0}):
            response = await other_api.get("/absences", params=params)
            assert response.json() == []
            assert response.headers["X-Total-Count"] == "0"
