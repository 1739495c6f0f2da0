"""The project timer in the user's time zone: wall-clock times, offsets and daylight saving."""

from __future__ import annotations

import httpx
from conftest import assert_error

from .common import DAY, Paths, Timer, at, make_user, make_world


class TestTimeZones:
    async def test_spring_forward_in_berlin(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-03-30"  # 02:00 CET jumps to 03:00 CEST
        await timer.start(at(1, 30, day=day))
        assert (await timer.state(at(3, 15, day=day)))["workedSeconds"] == 45 * 60
        stopped = await timer.stop(at(3, 30, day=day))
        assert stopped["workedSeconds"] == 3600
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(1, 30, day=day), at(3, 30, day=day))
        assert entry["workedMinutes"] == 60
        assert (entry["fromUtc"], entry["toUtc"]) == (
            "2025-03-30T00:30:00.000Z",
            "2025-03-30T01:30:00.000Z",
        )

    async def test_fall_back_in_berlin(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-10-26"  # 03:00 CEST falls back to 02:00 CET
        await timer.start(at(1, 30, day=day))
        await timer.pause(at(3, 30, day=day))
        paused = await timer.state()
        assert paused["workedSeconds"] == 3 * 3600
        await timer.resume(at(3, 45, day=day))
        stopped = await timer.stop(at(4, day=day))
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (3 * 3600 + 900, 900)
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(1, 30, day=day), at(4, day=day))
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (3 * 60 + 15, 15)

    async def test_offsets_tell_the_repeated_hour_apart(
        self, api: httpx.AsyncClient, paths: Paths
    ) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-10-26"
        await timer.start(f"{day}T02:30:00+02:00")  # the first 02:30, still summer time
        paused = await timer.pause(f"{day}T02:15:00+01:00")  # the second 02:15, winter time
        assert paused["workedSeconds"] == 45 * 60
        stopped = await timer.stop(f"{day}T02:45:00+01:00")
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (45 * 60, 30 * 60)
        entry = stopped["projectTimeEntry"]
        assert (entry["fromUtc"], entry["toUtc"]) == (
            f"{day}T00:30:00.000Z",
            f"{day}T01:45:00.000Z",
        )
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (45, 30)

    async def test_overnight_across_midnight(self, timer: Timer) -> None:
        await timer.start(at(22, day="2025-06-02"))
        stopped = await timer.stop(at(1, 30, day="2025-06-03"))
        assert stopped["workedSeconds"] == 3.5 * 3600
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(22), at(1, 30, day="2025-06-03"))

    async def test_wall_clock_and_explicit_offsets(
        self, api: httpx.AsyncClient, paths: Paths
    ) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        started = await timer.start(f"{DAY}T07:00:00+00:00")  # 09:00 in Berlin (CEST)
        assert started["startedAt"] == at(9)
        paused = await timer.pause(at(10))  # Z: Berlin wall clock
        assert paused["workedSeconds"] == 3600
        state = await timer.state(f"{DAY}T04:30:00-05:00")  # 11:30 in Berlin
        assert state["breakSeconds"] == 5400
        await timer.resume(f"{DAY}T12:00:00+02:00")
        stopped = await timer.stop(f"{DAY}T11:00:00.000+00:00")  # 13:00 in Berlin
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (7200, 7200)
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(9), at(13))
        assert (entry["fromUtc"], entry["toUtc"]) == (
            f"{DAY}T07:00:00.000Z",
            f"{DAY}T11:00:00.000Z",
        )
        assert entry["timeZone"] == "Europe/Berlin"
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (120, 120)

    async def test_offset_before_the_last_event(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        await timer.start(at(9))
        # 08:30 UTC is 10:30 in Berlin: after the start, although "earlier" as written.
        assert (await timer.pause(f"{DAY}T08:30:00+00:00"))["workedSeconds"] == 5400
        # 10:00 +00:00 is 12:00 Berlin; 10:29 Z (Berlin wall clock) is before the pause.
        assert_error(await timer.post("resume", date=at(10, 29)), 400, 18020, pointer="/date")

    async def test_users_in_different_zones(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api)
        await make_user(api, "nora", timeZone="America/New_York")
        alice, nora = Timer(api, paths), Timer(api, paths, "nora")
        # One instant, 13:00 UTC, written as each user's wall clock.
        assert (await alice.start(f"{DAY}T13:00:00+00:00"))["startedAt"] == at(13)
        assert (await nora.start(f"{DAY}T13:00:00+00:00"))["startedAt"] == at(9)
        a, n = await alice.stop(at(14)), await nora.stop(at(10))
        assert a["workedSeconds"] == n["workedSeconds"] == 3600
        assert a["projectTimeEntry"]["fromUtc"] == n["projectTimeEntry"]["fromUtc"]
