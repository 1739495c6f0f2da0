"""Listing time entries: order, filters, paging, change feed, lenient queries."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    PARAMETER_INVALID,
    assert_error,
)

from timetrack import crud

from .common import (
    add_client,
    add_project,
    add_user,
    basics,
    create,
    listed,
    listed_ids,
    three_entries,
)


class TestList:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/project_time_entries")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_ordered_by_start_then_id(self, api: httpx.AsyncClient) -> None:
        first, second, third = await three_entries(api)
        same_start = await create(
            api, **{"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T09:30:00Z"}
        )
        assert await listed_ids(api) == [first["id"], same_start["id"], second["id"], third["id"]]
        response = await api.get("/project_time_entries")
        assert response.headers["X-Total-Count"] == "4"
        assert response.json()[0] == first

    @pytest.mark.parametrize(
        ("params", "which"),
        [
            ({"user": "alice"}, [0, 2]),
            ({"user": "ALICE"}, [0, 2]),
            ({"username": "Bob"}, [1]),
            ({"user": " bob "}, [1]),
            ({"user": "ali"}, []),  # a user is picked whole, never by a substring
            ({"user": "nobody"}, []),
            ({"clientName": "acme"}, [0, 1]),
            ({"clientName": "GLOBEX"}, [2]),
            ({"clientName": "Acm"}, [0, 1]),  # names match substrings, as on /projects
            ({"clientName": "OBE"}, [2]),
            ({"clientName": "zz"}, []),
            ({"clientName": ""}, [0, 1, 2]),
            ({"projectName": "website"}, [0, 2]),
            ({"projectName": "Docs"}, [1]),
            ({"projectName": "Web"}, [0, 2]),
            ({"projectName": "o"}, [1]),
            ({"task": "design"}, [0, 1]),
            ({"task": "DESIGN REVIEW"}, [1]),
            ({"task": "review"}, [1]),
            ({"task": "n r"}, [1]),
            ({"billable": "true"}, [0, 1]),
            ({"billable": "false"}, [2]),
            ({"billable": "1"}, [0, 1]),
            ({"billable": "0"}, [2]),
            ({"user": "alice", "clientName": "Acme"}, [0]),
            ({"user": "alice", "projectName": "Website", "billable": "false"}, [2]),
            ({"clientName": "Acme", "projectName": "Website"}, [0]),
            ({"clientName": "Globex", "projectName": "Docs"}, []),
            ({"clientName": "a", "projectName": "doc"}, [1]),  # Acme's and Docs' ids intersect
            ({"user": "bob", "task": "design"}, [1]),
            ({"user": "alice", "task": "review"}, []),
            ({"from": "2025-03-05", "to": "2025-03-05"}, [1]),
            ({"from": "2025-03-05"}, [1, 2]),
            ({"to": "2025-03-05"}, [0, 1]),
            ({"from": "2025-03-05", "user": "alice"}, [2]),
            (
                {"from": "2025-03-04", "to": "2025-03-06", "clientName": "acme", "billable": 1},
                [0, 1],
            ),
        ],
    )
    async def test_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], which: list[int]
    ) -> None:
        entries = await three_entries(api)
        response = await api.get("/project_time_entries", params=params)
        assert response.status_code == 200, response.text
        assert [e["id"] for e in response.json()] == [entries[i]["id"] for i in which]
        assert response.headers["X-Total-Count"] == str(len(which))
        by_post = await api.post("/project_time_entries", params=params, json={})
        assert by_post.json() == response.json()

    async def test_filters_non_ascii_names(self, api: httpx.AsyncClient) -> None:
        await add_client(api, "Straße AG")
        await add_project(api, "Überprüfung", "Straße AG")
        await add_user(api, "jürgen")
        entry = await create(api, user="jürgen", clientName="Straße AG", projectName="Überprüfung")
        assert await listed_ids(api, clientName="STRASSE AG") == [entry["id"]]
        assert await listed_ids(api, projectName="überprüfung") == [entry["id"]]
        assert await listed_ids(api, user="JÜRGEN") == [entry["id"]]

    @pytest.mark.parametrize(
        ("params", "which"),
        [
            ({"userId": (0, "userId")}, [0, 2]),
            ({"userId": (1, "userId")}, [1]),
            ({"projectId": (0, "projectId")}, [0]),
            ({"projectId": (2, "projectId")}, [2]),
            ({"clientId": (0, "clientId")}, [0, 1]),
            ({"clientId": (2, "clientId")}, [2]),
            ({"taskId": (1, "taskId")}, [1]),
            ({"userId": (0, "userId"), "clientId": (0, "clientId")}, [0]),
            ({"userId": (0, "userId"), "user": "bob"}, []),
            ({"clientId": (2, "clientId"), "clientName": "acme"}, []),
            ({"projectId": (0, "projectId"), "projectName": "site"}, [0]),
            ({"userId": "999"}, []),
            ({"clientId": "999"}, []),
        ],
    )
    async def test_id_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], which: list[int]
    ) -> None:
        """``(i, field)`` stands for that field of the i-th entry."""
        entries = await three_entries(api)
        query = {
            name: entries[value[0]][value[1]] if isinstance(value, tuple) else value
            for name, value in params.items()
        }
        assert await listed_ids(api, **query) == [entries[i]["id"] for i in which]
        by_post = await api.post("/project_time_entries", params=query, json={})
        assert [e["id"] for e in by_post.json()] == [entries[i]["id"] for i in which]

    async def test_id_filters_see_only_the_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        theirs = await three_entries(other_api)
        await basics(api)
        for name in ("userId", "projectId", "clientId", "taskId"):
            assert await listed(api, **{name: theirs[1][name]}) == []

    async def test_many_matching_names_filter_in_the_database(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Past ``MAX_BOUND_IDS`` matches the ids are not bound one by one; same answers."""
        entries = await three_entries(api)
        monkeypatch.setattr(crud, "MAX_BOUND_IDS", 1)
        cases = [
            ({"clientName": "acme"}, [0, 1]),
            ({"clientName": "a", "projectName": "doc"}, [1]),
            ({"clientName": "e", "user": "alice"}, [0, 2]),
            ({"task": "design", "clientId": entries[0]["clientId"]}, [0, 1]),
        ]
        for params, which in cases:
            assert await listed_ids(api, **params) == [entries[i]["id"] for i in which], params

    async def test_filters_with_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        await three_entries(api)
        for params in ({"user": "%"}, {"clientName": "_cme"}, {"projectName": "%"}):
            assert await listed(api, **params) == []

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"billable": "maybe"}, "billable"),
            ({"from": "2024-02-30"}, "from"),
            ({"from": "2024-02-30T10:00:00Z"}, "from"),
            ({"to": "2024-03-01 10:00"}, "to"),
            ({"to": "01.03.2024"}, "to"),
            ({"from": "1709287200"}, "from"),
            ({"from": "1969-12-31"}, "from"),
            ({"to": "2200-01-01"}, "to"),
            ({"to": "2200-01-01T00:00:00Z"}, "to"),
            ({"from": "yesterday"}, "from"),
            ({"to": "2025-03-04T09:00:00+25:00"}, "to"),
            ({"from": "2025-03-04T09:00:00" + "0" * 40}, "from"),
            ({"updatedSince": "2024-02-30"}, "updatedSince"),
            ({"updatedSince": "01.03.2024"}, "updatedSince"),
            ({"includeDeleted": "perhaps"}, "includeDeleted"),
            ({"user": "x" * 256}, "user"),
            ({"clientName": "x" * 256}, "clientName"),
            ({"userId": "abc"}, "userId"),
            ({"userId": "1.5"}, "userId"),
            ({"projectId": 0}, "projectId"),
            ({"clientId": -1}, "clientId"),
            ({"taskId": str(2**63)}, "taskId"),
        ],
    )
    async def test_bad_parameters(
        self, api: httpx.AsyncClient, params: dict[str, Any], parameter: str
    ) -> None:
        await basics(api)
        keep = await create(api)
        assert_error(
            await api.get("/project_time_entries", params=params),
            400,
            PARAMETER_INVALID,
            parameter=parameter,
        )
        assert_error(
            await api.post("/project_time_entries", params=params, json={}),
            400,
            PARAMETER_INVALID,
            parameter=parameter,
        )
        assert await listed(api) == [keep]

    async def test_paging_with_filters(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        for day in range(1, 7):
            await create(
                api,
                user="alice" if day % 2 else "bob",
                **{"from": f"2025-03-{day:02d}T09:00:00Z", "to": f"2025-03-{day:02d}T10:00:00Z"},
            )
        response = await api.get(
            "/project_time_entries", params={"user": "alice", "limit": 2, "page_number": 1}
        )
        assert [e["from"][:10] for e in response.json()] == ["2025-03-05"]
        assert response.headers["X-Total-Count"] == "3"
        link = response.headers["Link"]
        assert "user=alice" in link and 'rel="prev"' in link and 'rel="next"' not in link


class TestLenientQueries:
    async def test_empty_filters_mean_no_filter(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api)
        for name in ("user", "username", "clientName", "projectName", "task", "from", "to"):
            response = await api.get("/project_time_entries", params={name: ""})
            assert [e["id"] for e in response.json()] == [entry["id"]], name

    async def test_unencoded_plus_of_an_offset(self, api: httpx.AsyncClient) -> None:
        """curl users type ``+02:00`` unencoded; it arrives as a space and still works."""
        await basics(api)
        entry = await create(api)  # starts 2025-03-04T09:00:00 UTC
        url = "/project_time_entries?from=2025-03-04T10:00:00+02:00&to=2025-03-04T11:00:00+02:00"
        assert [e["id"] for e in (await api.get(url)).json()] == [entry["id"]]
        url = "/project_time_entries?from=2025-03-04T12:00:00+02:00"
        assert (await api.get(url)).json() == []
