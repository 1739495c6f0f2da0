"""Every page of a list is the matching slice of the whole list, from either end.

Pages past the middle are read backwards from the far end and turned round (crud.fetch_page);
these tests compare every page, for several page sizes, with a slice of the complete list, on a
list ordered by id (clients) and on one ordered by start time with ties broken by id (entries).
"""

from __future__ import annotations

import httpx


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
    await api.post(
        "/users",
        json={
            "username": "pat",
            "email": "pat@example.com",
            "password": "long enough",
            "firstName": "P",
            "lastName": "Q",
        },
    )
    await api.post("/clients", json={"name": "C"})
    await api.post("/projects", json={"projectName": "P", "clientName": "C"})
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
