"""Every page of a list is the matching slice of the whole list, from either end.

Pages past the middle are read backwards from the far end and turned round (crud.fetch_page);
these tests compare every page, for several page sizes, with a slice of the complete list, on a
list ordered by id (clients) and on one ordered by start time with ties broken by id (entries).
"""

from __future__ import annotations

import httpx


async def _user_with_project(api: httpx.AsyncClient, username: str) -> None:
    """A user, and the client "C" with its project "P" to book on."""
    user = {
        "username": username,
        "email": f"{username}@example.com",
        "password": "long enough",
        "firstName": "F",
        "lastName": "L",
    }
    assert (await api.post("/users", json=user)).status_code == 201
    assert (await api.post("/clients", json={"name": "C"})).status_code == 201
    r = await api.post("/projects", json={"projectName": "P", "clientName": "C"})
    assert r.status_code == 201


async def _all(api: httpx.AsyncClient, path: str) -> list[int]:
    r = await api.get(path, params={"limit": 1000})
    assert r.status_code == 200
    return [item["id"] for item in r.json()]


async def _check_every_page(api: httpx.AsyncClient, path: str, expected: list[int]) -> None:
    for limit in (1, 2, 3, 4, 7, 10):
        for number in range(len(expected) // limit + 2):
            r = await api.get(path, params={"limit": limit, "page_number": number})
            assert r.status_code == 200
            got = [item["id"] for item in r.json()]
            want = expected[number * limit : (number + 1) * limit]
            assert got == want, (limit, number)
            assert r.headers["X-Total-Count"] == str(len(expected))


async def test_clients_every_page(api: httpx.AsyncClient) -> None:
    for i in range(11):
        assert (await api.post("/clients", json={"name": f"Client {i:02d}"})).status_code == 201
    expected = await _all(api, "/clients")
    assert len(expected) == 11
    await _check_every_page(api, "/clients", expected)


async def test_entries_every_page_with_ties(api: httpx.AsyncClient) -> None:
    """Entries order by local start, then id: same-start entries must keep their id order
    whichever end a page is read from."""
    await _user_with_project(api, "pat")
    starts = ["09", "08", "09", "10", "08", "09", "07", "10", "09"]
    for hour in starts:
        r = await api.post(
            "/project_time_entries",
            json={
                "user": "pat",
                "clientName": "C",
                "projectName": "P",
                "from": f"2026-03-02T{hour}:00:00.000Z",
                "to": f"2026-03-02T{hour}:30:00.000Z",
            },
        )
        assert r.status_code == 201, r.text
    expected = await _all(api, "/project_time_entries")
    by_start = sorted(range(1, len(starts) + 1), key=lambda i: (starts[i - 1], i))
    assert expected == by_start
    await _check_every_page(api, "/project_time_entries", expected)
    # Filters narrow the list the pages are cut from.
    nine = [i for i in by_start if starts[i - 1] == "09"]
    r = await api.get(
        "/project_time_entries",
        params={
            "from": "2026-03-02T09:00:00",
            "to": "2026-03-02T09:59:59",
            "limit": 1,
            "page_number": 3,
        },
    )
    assert [e["id"] for e in r.json()] == nine[3:4]


async def _unfiltered_total(api: httpx.AsyncClient, path: str) -> int:
    """X-Total-Count of the unfiltered list, on a page that needs the count."""
    r = await api.get(path, params={"limit": 1, "page_number": 1})
    assert r.status_code == 200
    return int(r.headers["X-Total-Count"])


async def _filtered_total(api: httpx.AsyncClient, path: str) -> int:
    """The same total, counted over the rows (a filter that matches everything)."""
    r = await api.get(path, params={"limit": 1, "page_number": 1, "from": "2000-01-01"})
    assert r.status_code == 200, r.text
    return int(r.headers["X-Total-Count"])


async def test_unfiltered_totals_follow_every_write(api: httpx.AsyncClient) -> None:
    """The unfiltered lists of entries and attendances take their total from the live count
    kept in id_counters; every way of adding and deleting records keeps it exact."""
    await _user_with_project(api, "kim")
    ref = {"user": "kim", "clientName": "C", "projectName": "P"}
    for day in (2, 3, 4):
        r = await api.post(
            "/project_time_entries",
            json={
                **ref,
                "from": f"2026-03-0{day}T09:00:00.000Z",
                "to": f"2026-03-0{day}T10:00:00.000Z",
            },
        )
        assert r.status_code == 201
    r = await api.post(
        "/project_time_entries/bulk",
        json=[
            {
                **ref,
                "from": f"2026-04-{d:02d}T09:00:00.000Z",
                "to": f"2026-04-{d:02d}T11:00:00.000Z",
            }
            for d in range(1, 6)
        ],
    )
    assert r.status_code == 201, r.text
    timer = {"username": "kim", "clientName": "C", "projectName": "P"}
    await api.post("/timers/project_timer/start", json={**timer, "date": "2026-05-01T08:00:00Z"})
    r = await api.post(
        "/timers/project_timer/stop", json={"username": "kim", "date": "2026-05-01T09:00:00Z"}
    )
    assert r.status_code == 200, r.text
    # A failed write changes nothing.
    r = await api.post(
        "/project_time_entries",
        json={
            **ref,
            "projectName": "nope",
            "from": "2026-03-09T09:00:00.000Z",
            "to": "2026-03-09T10:00:00.000Z",
        },
    )
    assert r.status_code == 400
    assert await _unfiltered_total(api, "/project_time_entries") == 9
    assert (await api.delete("/project_time_entries/2")).status_code == 200
    assert (await api.delete("/project_time_entries/2")).status_code == 404  # already deleted
    assert await _unfiltered_total(api, "/project_time_entries") == 8
    assert await _filtered_total(api, "/project_time_entries") == 8
    r = await api.get(
        "/project_time_entries", params={"includeDeleted": "true", "limit": 1, "page_number": 1}
    )
    assert r.headers["X-Total-Count"] == "9"

    for day in (2, 3):
        r = await api.post(
            "/attendances",
            json={
                "user": "kim",
                "from": f"2026-03-0{day}T08:00:00.000Z",
                "to": f"2026-03-0{day}T16:00:00.000Z",
            },
        )
        assert r.status_code == 201, r.text
    r = await api.post(
        "/attendances/clock_in", json={"username": "kim", "date": "2026-03-05T08:00:00.000Z"}
    )
    assert r.status_code in (200, 201), r.text
    assert await _unfiltered_total(api, "/attendances") == 3
    assert (await api.delete("/attendances/1")).status_code == 200
    assert await _unfiltered_total(api, "/attendances") == 2
    assert await _filtered_total(api, "/attendances") == 2


async def test_unfiltered_totals_are_per_account(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    await _user_with_project(api, "kim")
    for day in (2, 3):
        await api.post(
            "/attendances",
            json={
                "user": "kim",
                "from": f"2026-03-0{day}T08:00:00.000Z",
                "to": f"2026-03-0{day}T16:00:00.000Z",
            },
        )
    r = await other_api.get("/attendances", params={"limit": 1, "page_number": 1})
    assert r.json() == []
    assert r.headers["X-Total-Count"] == "0"
