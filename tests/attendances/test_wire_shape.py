"""An attendance on the wire: raw JSON, daylight saving, the OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx
from conftest import (
    assert_error,
)
from pydantic import BaseModel, ConfigDict

from timetrack.attendances.schemas import AttendanceRead

from .common import (
    BERLIN,
    OVERLAP,
    add_user,
    body_of,
    clock_in,
    clock_out,
    create,
    listed,
    listed_ids,
)


class TestRawJson:
    """The bytes a vendor client parses: shapes asserted on ``response.text`` itself."""

    async def test_open_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await clock_in(api, "2025-03-04T09:00:00.999Z")
        attendance_id = response.json()["id"]
        for text in (
            response.text,
            (await api.get(f"/attendances/{attendance_id}")).text,
            (await api.get("/attendances")).text,
        ):
            assert '"from":"2025-03-04T09:00:00.000Z"' in text
            assert '"to":null' in text
            assert '"workedMinutes":null' in text
            assert '"toUtc":null' in text
            assert '"manual":false' in text
            assert '"breakMinutes":0' in text

    async def test_closed_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await clock_in(api, "2025-03-04T09:00:00Z")
        text = (await clock_out(api, "2025-03-04T17:00:00Z", latitude=48)).text
        assert '"to":"2025-03-04T17:00:00.000Z"' in text
        assert '"toUtc":"2025-03-04T17:00:00.000Z"' in text
        assert '"workedMinutes":480' in text
        assert '"latitudeEnd":"48"' in text
        listed_text = (await api.get("/attendances")).text
        assert listed_text.startswith("[{") and listed_text.endswith("}]")


class TestDaylightSaving:
    """Europe/Berlin 2025: 02:00 -> 03:00 on 30 March, 03:00 -> 02:00 on 26 October."""

    async def test_night_shifts_across_the_changes(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        spring = await create(api, **{"from": "2025-03-29T22:00:00Z", "to": "2025-03-30T06:00:00Z"})
        assert (spring["workedMinutes"], spring["timeZone"]) == (420, BERLIN)
        assert (spring["fromUtc"], spring["toUtc"]) == (
            "2025-03-29T21:00:00.000Z",
            "2025-03-30T04:00:00.000Z",
        )
        autumn = await create(api, **{"from": "2025-10-25T22:00:00Z", "to": "2025-10-26T06:00:00Z"})
        assert autumn["workedMinutes"] == 540
        # Worked minutes alone give the true end.
        body = await create(api, drop=["to"], workedMinutes=480, **{"from": "2025-10-26T22:00:00Z"})
        assert body["to"] == "2025-10-27T06:00:00.000Z"

    async def test_clock_in_and_out_across_spring_forward(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        running = (await clock_in(api, "2025-03-30T01:30:00Z")).json()
        assert running["fromUtc"] == "2025-03-30T00:30:00.000Z"
        body = (await clock_out(api, "2025-03-30T03:30:00Z")).json()
        assert (body["from"], body["to"], body["workedMinutes"]) == (
            "2025-03-30T01:30:00.000Z",
            "2025-03-30T03:30:00.000Z",
            60,
        )
        # Gap times read an hour later (RFC 5545): 02:29 is 03:29, before the clock-out, and
        # 02:30 is 03:30, just when the first attendance ended.
        assert_error(await clock_in(api, "2025-03-30T02:29:00Z"), 409, OVERLAP)
        response = await clock_in(api, "2025-03-30T02:30:00Z")
        assert response.status_code == 201, response.text
        assert response.json()["from"] == "2025-03-30T03:30:00.000Z"

    async def test_repeated_hour(self, api: httpx.AsyncClient) -> None:
        """02:30 on 26 October happens twice; the text is the first one, an offset the second."""
        await add_user(api, timeZone=BERLIN)
        first = await create(api, **{"from": "2025-10-26T02:10:00Z", "to": "2025-10-26T02:50:00Z"})
        assert first["fromUtc"] == "2025-10-26T00:10:00.000Z"
        second = await create(
            api, **{"from": "2025-10-26T02:10:00+01:00", "to": "2025-10-26T02:50:00+01:00"}
        )
        assert (second["from"], second["fromUtc"]) == (
            "2025-10-26T02:10:00.000Z",
            "2025-10-26T01:10:00.000Z",
        )
        # An echo of the second keeps its instants, so it does not collide with the first.
        response = await api.put(f"/attendances/{second['id']}", json=second)
        assert response.status_code == 200, response.text
        assert response.json()["fromUtc"] == second["fromUtc"]
        # The same wall-clock text without an offset is the first occurrence: taken.
        assert_error(
            await api.post(
                "/attendances",
                json=body_of(**{"from": "2025-10-26T02:20:00Z", "to": "2025-10-26T02:30:00Z"}),
            ),
            409,
            OVERLAP,
        )

    async def test_date_filters_use_the_users_wall_clock(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        night = await create(api, **{"from": "2025-03-30T00:30:00Z", "to": "2025-03-30T05:00:00Z"})
        assert night["fromUtc"] == "2025-03-29T23:30:00.000Z"
        assert await listed_ids(api, **{"from": "2025-03-30", "to": "2025-03-30"}) == [night["id"]]
        assert await listed_ids(api, to="2025-03-29") == []


class TestOpenApi:
    async def test_routes_are_documented(self, api: httpx.AsyncClient) -> None:
        response = await api.get("http://testserver/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        base = "/api/v2/ext/attendances"
        assert set(paths[base]) == {"get", "post"}
        assert set(paths[f"{base}/{{id}}"]) == {"get", "post", "put", "delete"}
        for action, status in (("clock_in", "201"), ("clock_out", "200")):
            operation = paths[f"{base}/{action}"]["post"]
            assert operation["operationId"] == f"{action}_attendance"
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/AttendanceRead"}
            assert "409" in operation["responses"]
        schemas = response.json()["components"]["schemas"]
        assert {"AttendanceCreate", "AttendanceUpdate", "ClockIn", "ClockOut"} <= set(schemas)

    async def test_responses_match_the_read_model(self, api: httpx.AsyncClient) -> None:
        strict = type(
            "StrictAttendanceRead",
            (AttendanceRead,),
            {"model_config": ConfigDict(**{**AttendanceRead.model_config, "extra": "forbid"})},
        )

        def check(item: dict[str, Any]) -> None:
            model: type[BaseModel] = strict
            model.model_validate(item, strict=True, by_alias=True, by_name=False)

        await add_user(api)
        check(await create(api, notes="n", latitudeStart=1))
        check((await clock_in(api, "2025-03-05T09:00:00Z")).json())
        closed = (await clock_out(api, "2025-03-05T17:00:00Z")).json()
        check(closed)
        check((await api.delete(f"/attendances/{closed['id']}")).json())
        for item in await listed(api, includeDeleted="true"):
            check(item)
