"""SPEC §1 wire conventions, exercised through /clients and /tasks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors, client
from fastapi import FastAPI

from timetrack import jsonbody
from timetrack.accounts.service import Credentials
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database

SMALL_CAP = 2048


async def make_client(api: httpx.AsyncClient, name: str = "Acme", **fields: Any) -> dict[str, Any]:
    response = await api.post("/clients", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def make_task(api: httpx.AsyncClient, name: str = "Design", **fields: Any) -> dict[str, Any]:
    response = await api.post("/tasks", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


class TestTrailingSlash:
    @pytest.mark.parametrize("resource", ["clients", "tasks"])
    async def test_every_route_shape(self, api: httpx.AsyncClient, resource: str) -> None:
        created = await api.post(f"/{resource}/", json={"name": "Slashed"})
        assert created.status_code == 201, created.text
        record_id = created.json()["id"]
        assert created.headers["location"] == f"/api/v2/ext/{resource}/{record_id}"

        for path in (f"/{resource}", f"/{resource}/"):
            listed = await api.get(path)
            assert listed.status_code == 200, listed.text
            assert [r["id"] for r in listed.json()] == [record_id]
            by_post = await api.post(path, json={})
            assert by_post.status_code == 200, by_post.text
            assert [r["id"] for r in by_post.json()] == [record_id]

        for path in (f"/{resource}/{record_id}", f"/{resource}/{record_id}/"):
            got = await api.get(path)
            assert got.status_code == 200, got.text
            assert got.json()["id"] == record_id
            got = await api.post(path)
            assert got.status_code == 200, got.text
            assert got.json()["id"] == record_id
            updated = await api.put(path, json={"notes": path})
            assert updated.status_code == 200, updated.text
            assert updated.json()["notes"] == path

        deleted = await api.delete(f"/{resource}/{record_id}/")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["id"] == record_id

    async def test_no_redirect(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients/")
        assert response.status_code == 200
        assert not response.history


class TestReadsWithABody:
    @pytest.mark.parametrize(
        "body", [b"{}", b"", b" ", b"\n", b"\t \r\n ", b" {} ", b"{ }", b"{\n}"]
    )
    async def test_post_collection_with_empty_body_lists(
        self, api: httpx.AsyncClient, body: bytes
    ) -> None:
        await make_client(api, "Alpha")
        await make_client(api, "Beta")
        response = await api.post(
            "/clients", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200, response.text
        assert [c["name"] for c in response.json()] == ["Alpha", "Beta"]
        assert response.headers["x-total-count"] == "2"
        assert "location" not in response.headers

    async def test_post_collection_read_applies_filters_and_paging(
        self, api: httpx.AsyncClient
    ) -> None:
        for name in ("Alpha", "Beta", "Alphabet"):
            await make_task(api, name)
        response = await api.post("/tasks?name=alpha", json={})
        assert [t["name"] for t in response.json()] == ["Alpha", "Alphabet"]
        response = await api.post("/tasks?limit=1&page_number=1", json={})
        assert response.status_code == 200
        assert [t["name"] for t in response.json()] == ["Beta"]
        assert response.headers["x-total-count"] == "3"

    async def test_post_collection_read_creates_nothing(self, api: httpx.AsyncClient) -> None:
        for _ in range(3):
            assert (await api.post("/tasks", json={})).status_code == 200
        assert (await api.get("/tasks")).json() == []

    @pytest.mark.parametrize("body", [b"", b"{}", b"  ", b" {} "])
    async def test_post_record_with_empty_body_reads(
        self, api: httpx.AsyncClient, body: bytes
    ) -> None:
        client = await make_client(api)
        response = await api.post(f"/clients/{client['id']}", content=body)
        assert response.status_code == 200, response.text
        assert response.json() == client

    async def test_post_record_with_a_body_is_405(self, api: httpx.AsyncClient) -> None:
        task = await make_task(api, notes="before")
        response = await api.post(f"/tasks/{task['id']}", json={"notes": "after"})
        assert_error(response, 405, 10008)
        assert (await api.get(f"/tasks/{task['id']}")).json()["notes"] == "before"

    async def test_post_missing_record_is_404(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.post("/tasks/999", json={}), 404, 13010)

    async def test_get_ignores_a_body(self, api: httpx.AsyncClient) -> None:
        client = await make_client(api)
        for body in (b'{"name": "x"}', b"{not json", b"[1, 2]"):
            listed = await api.request("GET", "/clients", content=body)
            assert listed.status_code == 200, listed.text
            assert [c["id"] for c in listed.json()] == [client["id"]]
            got = await api.request("GET", f"/clients/{client['id']}", content=body)
            assert got.status_code == 200, got.text
            assert got.json() == client

    @pytest.mark.parametrize("body", [b"{}", b'{"notes": "x"}', b"{not json", b'"text"'])
    async def test_delete_ignores_a_body(self, api: httpx.AsyncClient, body: bytes) -> None:
        task = await make_task(api)
        response = await api.request("DELETE", f"/tasks/{task['id']}", content=body)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == task["id"]
        assert response.json()["notes"] is None
        assert_error(await api.get(f"/tasks/{task['id']}"), 404, 13020)


class TestMalformedBodies:
    @pytest.mark.parametrize("body", [b"{", b'{"name": }', b"{'name': 'x'}", b"nul", b"\xff\xfe"])
    async def test_malformed_json_on_create(self, api: httpx.AsyncClient, body: bytes) -> None:
        assert_error(await api.post("/clients", content=body), 400, 10004)

    async def test_malformed_json_on_update(self, api: httpx.AsyncClient) -> None:
        client = await make_client(api)
        assert_error(await api.put(f"/clients/{client['id']}", content=b"{notes"), 400, 10004)

    @pytest.mark.parametrize("body", [b"[]", b'[{"name": "x"}]', b'"Acme"', b"5", b"1.5", b"null"])
    async def test_top_level_not_an_object(self, api: httpx.AsyncClient, body: bytes) -> None:
        assert_error(await api.post("/clients", content=body), 400, 10005)
        task = await make_task(api, f"T{body!r}")
        assert_error(await api.put(f"/tasks/{task['id']}", content=body), 400, 10005)

    async def test_post_record_with_non_object_body(self, api: httpx.AsyncClient) -> None:
        task = await make_task(api)
        assert_error(await api.post(f"/tasks/{task['id']}", content=b"[]"), 400, 10005)


class TestRepeatedKeys:
    """An object that repeats a key has no one meaning (RFC 8259 leaves it to the parser), so
    it is refused with 10004 and the key's pointer; before, the last value silently won."""

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            (b'{"name": "A", "name": "B"}', "/name"),
            (b'{"name" : "A", "name":"B"}', "/name"),  # spaces before the colon count too
            (b'{"name": "A", "extra": {"x": 1, "y": [{"z": 1, "z": 2}]}}', "/extra/y/0/z"),
            (b'{"name": "A", "a/~b": 1, "a/~b": 2}', "/a~1~0b"),
        ],
    )
    async def test_refused_on_create_with_the_key_named(
        self, api: httpx.AsyncClient, body: bytes, pointer: str
    ) -> None:
        error = assert_error(await api.post("/clients", content=body), 400, 10004, pointer=pointer)
        assert pointer in error["detail"]
        assert (await api.get("/clients")).json() == []

    async def test_refused_on_update(self, api: httpx.AsyncClient) -> None:
        client = await make_client(api, notes="kept")
        body = b'{"notes": "one", "notes": "two"}'
        changed = await api.put(f"/clients/{client['id']}", content=body)
        assert_error(changed, 400, 10004, pointer="/notes")
        assert (await api.get(f"/clients/{client['id']}")).json()["notes"] == "kept"

    async def test_a_string_that_looks_like_a_key_is_no_repeat(
        self, api: httpx.AsyncClient
    ) -> None:
        """An escaped quote before a colon inside a string takes the exact check's path."""
        body = b'{"name": "say \\": hi", "notes": "\\"name\\": 1"}'
        response = await api.post("/clients", content=body)
        assert response.status_code == 201, response.text
        assert response.json()["notes"] == '"name": 1'

    async def test_a_body_without_repeats_is_parsed_once(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The usual body is checked by counting, without the second, slower parse."""

        def second_parse(raw: bytes) -> None:
            raise AssertionError(f"parsed twice: {raw!r}")

        monkeypatch.setattr(jsonbody, "_repeated_key", second_parse)
        body = b'{"name": "Acme", "notes": "at 09:00: kick-off", "hourRate": "12.50"}'
        assert (await api.post("/clients", content=body)).status_code == 201


class TestBooleans:
    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            (True, True),
            (False, False),
            (1, True),
            (0, False),
            ("true", True),
            ("false", False),
            ("1", True),
            ("0", False),
        ],
    )
    async def test_accepted_forms(self, api: httpx.AsyncClient, sent: Any, stored: bool) -> None:
        response = await api.post("/clients", json={"name": "Bool", "enabled": sent})
        assert response.status_code == 201, response.text
        assert response.json()["enabled"] is stored
        got = await api.get(f"/clients/{response.json()['id']}")
        assert got.json()["enabled"] is stored

    @pytest.mark.parametrize("sent", ["yes", "no", 2, -1, "2", "", None, [], {}, 1.5])
    async def test_refused_forms(self, api: httpx.AsyncClient, sent: Any) -> None:
        response = await api.post("/clients", json={"name": "Bool", "enabled": sent})
        assert_error(response, 400, 10011, pointer="/enabled")
        assert (await api.get("/clients")).json() == []


class TestNumbers:
    @pytest.mark.parametrize(
        ("sent", "stored"), [("50", 50.0), ("12.5", 12.5), (7, 7.0), (0.25, 0.25), ("0", 0.0)]
    )
    async def test_numeric_strings_and_numbers(
        self, api: httpx.AsyncClient, sent: Any, stored: float
    ) -> None:
        task = await make_task(api, hourRate=sent)
        assert task["hourRate"] == stored
        updated = await api.put(f"/tasks/{task['id']}", json={"hourRate": sent})
        assert updated.status_code == 200, updated.text
        assert updated.json()["hourRate"] == stored

    @pytest.mark.parametrize(
        "sent", ["abc", "", "1e3x", "NaN", " 12.5 ", ".5", "050", True, [1], {"v": 1}]
    )
    async def test_non_numbers_refused(self, api: httpx.AsyncClient, sent: Any) -> None:
        response = await api.post("/tasks", json={"name": "N", "hourRate": sent})
        assert_error(response, 400, 10011, pointer="/hourRate")


class TestIgnoredFields:
    async def test_create_names_unknown_keys(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/clients", json={"name": "Acme", "langauge": "de", "foo": 1, "enabled": True}
        )
        assert response.status_code == 201, response.text
        assert response.headers["x-ignored-fields"] == "langauge, foo"
        assert "langauge" not in response.json()

    async def test_update_names_unknown_keys(self, api: httpx.AsyncClient) -> None:
        task = await make_task(api)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "n", "colour": "red"})
        assert response.status_code == 200, response.text
        assert response.headers["x-ignored-fields"] == "colour"
        assert response.json()["notes"] == "n"

    async def test_snake_case_is_unknown(self, api: httpx.AsyncClient) -> None:
        task = await make_task(api)
        response = await api.put(f"/tasks/{task['id']}", json={"hour_rate": 5})
        assert response.status_code == 200, response.text
        assert response.headers["x-ignored-fields"] == "hour_rate"
        assert response.json()["hourRate"] is None

    @pytest.mark.parametrize(
        "key", ["sprache_\u00e4", "\u540d\u524d", "a\r\nSet-Cookie: y=1", "k" * 5000]
    )
    async def test_any_key_makes_a_safe_header(self, api: httpx.AsyncClient, key: str) -> None:
        # Keys are the client's text: they must neither break the response nor inject headers.
        response = await api.post("/tasks", json={"name": "T", key: 1})
        assert response.status_code == 201, response.text
        header = response.headers["x-ignored-fields"]
        assert header.isascii() and header.isprintable()
        assert len(header) < 4096
        assert "set-cookie" not in response.headers

    async def test_absent_when_nothing_ignored(self, api: httpx.AsyncClient) -> None:
        created = await api.post("/clients", json={"name": "Acme", "notes": "x"})
        assert "x-ignored-fields" not in created.headers
        updated = await api.put(f"/clients/{created.json()['id']}", json={"phone": "123"})
        assert updated.status_code == 200, updated.text
        assert "x-ignored-fields" not in updated.headers
        for response in (
            await api.get("/clients"),
            await api.post("/clients", json={}),
            await api.get(f"/clients/{created.json()['id']}"),
        ):
            assert "x-ignored-fields" not in response.headers


@pytest.fixture
async def small_api(
    backend: Any, database: Database, account: Credentials
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose body cap is SMALL_CAP bytes."""
    settings = Settings(
        data_dir=backend.settings.data_dir, database_url=backend.url, max_body_bytes=SMALL_CAP
    )
    app = create_app(settings, database)
    headers = {
        "X-TimeTrack-Api-Key": account.api_key,
        "X-TimeTrack-Api-Secret": account.api_secret,
    }
    async with client(app, headers) as caller:
        yield caller


def _body_of_size(size: int) -> bytes:
    prefix, suffix = b'{"name": "Big", "notes": "', b'"}'
    return prefix + b"x" * (size - len(prefix) - len(suffix)) + suffix


class TestBodyLimit:
    async def test_at_the_cap_is_accepted(self, small_api: httpx.AsyncClient) -> None:
        body = _body_of_size(SMALL_CAP)
        assert len(body) == SMALL_CAP
        response = await small_api.post("/clients", content=body)
        assert response.status_code == 201, response.text

    async def test_over_the_cap_with_content_length(self, small_api: httpx.AsyncClient) -> None:
        body = _body_of_size(SMALL_CAP + 1)
        response = await small_api.post("/clients", content=body)
        assert response.request.headers["content-length"] == str(SMALL_CAP + 1)
        assert_error(response, 413, 10006)
        assert (await small_api.get("/clients")).json() == []

    async def test_over_the_cap_chunked(self, small_api: httpx.AsyncClient) -> None:
        body = _body_of_size(SMALL_CAP * 3)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 500):
                yield body[start : start + 500]

        response = await small_api.post("/clients", content=chunks())
        assert "content-length" not in response.request.headers
        assert response.request.headers["transfer-encoding"] == "chunked"
        assert_error(response, 413, 10006)
        assert (await small_api.get("/clients")).json() == []

    async def test_chunked_under_the_cap_is_accepted(self, small_api: httpx.AsyncClient) -> None:
        body = _body_of_size(SMALL_CAP - 100)

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 300):
                yield body[start : start + 300]

        response = await small_api.post("/clients", content=chunks())
        assert response.status_code == 201, response.text

    async def test_over_the_cap_on_update(self, small_api: httpx.AsyncClient) -> None:
        created = await small_api.post("/tasks", json={"name": "T"})
        body = _body_of_size(SMALL_CAP + 10)
        response = await small_api.put(f"/tasks/{created.json()['id']}", content=body)
        assert_error(response, 413, 10006)

    async def test_default_cap_is_a_megabyte(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", content=_body_of_size(1_048_576 + 1))
        assert_error(response, 413, 10006)


class TestUnknownRoutesAndMethods:
    @pytest.mark.parametrize(
        "path", ["/nothing", "/clients/1/projects", "/client", "/clients/abc/def"]
    )
    async def test_unknown_route(self, api: httpx.AsyncClient, path: str) -> None:
        assert_error(await api.get(path), 404, 10007)

    async def test_unknown_route_outside_the_api(self, app_without_database: FastAPI) -> None:
        async with client(app_without_database, base_url="http://testserver") as caller:
            assert_error(await caller.get("/no/such/page"), 404, 10007)
            assert_error(await caller.get("/api/v2/ext"), 404, 10007)

    async def test_unknown_route_without_auth_is_404(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.get("/nothing"), 404, 10007)

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("PATCH", "/clients/1"),
            ("PUT", "/clients"),
            ("DELETE", "/clients"),
            ("PATCH", "/tasks"),
            ("DELETE", "/tasks/"),
            ("PUT", "/tasks/"),
        ],
    )
    async def test_wrong_method(self, api: httpx.AsyncClient, method: str, path: str) -> None:
        assert_error(await api.request(method, path, json={"name": "x"}), 405, 10008)

    async def test_wrong_method_names_the_allowed_ones(self, api: httpx.AsyncClient) -> None:
        for path, allowed in [
            ("/clients/1", {"GET", "POST", "PUT", "DELETE"}),
            ("/tasks/1/", {"GET", "POST", "PUT", "DELETE"}),
            ("/clients", {"GET", "POST"}),
        ]:
            response = await api.patch(path)
            assert_error(response, 405, 10008)
            assert set(response.headers["allow"].split(", ")) == allowed, path

    async def test_non_integer_id_is_an_error_envelope(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients/abc")
        assert response.status_code in (400, 404), response.text
        assert_errors(response, response.status_code)

    @pytest.mark.parametrize("record_id", ["0", "-1", "99999999999999999999999"])
    async def test_out_of_range_id(self, api: httpx.AsyncClient, record_id: str) -> None:
        response = await api.get(f"/clients/{record_id}")
        assert response.status_code in (400, 404), response.text
        assert_errors(response, response.status_code)


class TestPagingValidation:
    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("limit=5000", "limit"),
            ("limit=1001", "limit"),
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("limit=1.5", "limit"),
            ("page=0", "page"),
            ("page=-3", "page"),
            ("page=x", "page"),
            ("page_number=-1", "page_number"),
            ("page_number=abc", "page_number"),
        ],
    )
    async def test_invalid(self, api: httpx.AsyncClient, query: str, parameter: str) -> None:
        for response in (
            await api.get(f"/clients?{query}"),
            await api.post(f"/tasks?{query}", json={}),
        ):
            error = assert_error(response, 400, 10013, parameter=parameter)
            assert parameter in error["detail"]

    @pytest.mark.parametrize("query", ["limit=0", "limit=1000", "page=1", "page_number=0"])
    async def test_valid_bounds(self, api: httpx.AsyncClient, query: str) -> None:
        response = await api.get(f"/clients?{query}")
        assert response.status_code == 200, response.text

    async def test_credentials_are_checked_before_parameters(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.get("/clients?limit=abc"), 401, 10001)
        assert_error(await anon.get("/clients/abc"), 401, 10001)


class TestPagingHeaders:
    async def test_total_and_links(self, api: httpx.AsyncClient) -> None:
        ids = [(await make_task(api, f"Task {i}"))["id"] for i in range(5)]

        first = await api.get("/tasks?limit=2")
        assert first.status_code == 200
        assert [t["id"] for t in first.json()] == ids[:2]
        assert first.headers["x-total-count"] == "5"
        links = _links(first)
        assert set(links) == {"next"}
        assert "page_number=1" in links["next"] and "limit=2" in links["next"]

        middle = await api.get(links["next"])
        assert [t["id"] for t in middle.json()] == ids[2:4]
        assert set(_links(middle)) == {"next", "prev"}
        assert "page_number=0" in _links(middle)["prev"]

        last = await api.get(_links(middle)["next"])
        assert [t["id"] for t in last.json()] == ids[4:]
        assert last.headers["x-total-count"] == "5"
        assert set(_links(last)) == {"prev"}

    async def test_links_keep_filters(self, api: httpx.AsyncClient) -> None:
        for i in range(3):
            await make_task(api, f"Match {i}")
        await make_task(api, "Other")
        response = await api.get("/tasks?name=match&limit=1&page_number=1")
        assert response.headers["x-total-count"] == "3"
        links = _links(response)
        assert "name=match" in links["next"] and "name=match" in links["prev"]

    async def test_single_page_has_total_and_no_link(self, api: httpx.AsyncClient) -> None:
        await make_client(api)
        response = await api.get("/clients")
        assert response.headers["x-total-count"] == "1"
        assert "link" not in response.headers

    async def test_empty_list(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients")
        assert response.json() == []
        assert response.headers["x-total-count"] == "0"
        assert "link" not in response.headers

    async def test_page_is_a_one_based_alias(self, api: httpx.AsyncClient) -> None:
        ids = [(await make_task(api, f"Task {i}"))["id"] for i in range(3)]
        assert [t["id"] for t in (await api.get("/tasks?limit=2&page=1")).json()] == ids[:2]
        assert [t["id"] for t in (await api.get("/tasks?limit=2&page=2")).json()] == ids[2:]
        both = await api.get("/tasks?limit=2&page=1&page_number=1")
        assert [t["id"] for t in both.json()] == ids[2:]

    async def test_beyond_the_last_page(self, api: httpx.AsyncClient) -> None:
        for i in range(3):
            await make_task(api, f"Task {i}")
        response = await api.get("/tasks?limit=2&page_number=7")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["x-total-count"] == "3"
        links = _links(response)
        assert set(links) == {"prev"}
        assert "page_number=1" in links["prev"]

    async def test_limit_zero(self, api: httpx.AsyncClient) -> None:
        await make_task(api)
        response = await api.get("/tasks?limit=0")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["x-total-count"] == "1"

    async def test_default_limit_is_50(self, api: httpx.AsyncClient) -> None:
        for i in range(51):
            await make_task(api, f"Task {i:02d}")
        response = await api.get("/tasks")
        assert len(response.json()) == 50
        assert response.headers["x-total-count"] == "51"
        assert "page_number=1" in _links(response)["next"]


def _links(response: httpx.Response) -> dict[str, str]:
    header = response.headers.get("link", "")
    return {rel: url for url, rel in re.findall(r'<([^>]*)>;\s*rel="(\w+)"', header)}


class TestErrorEnvelope:
    async def test_not_found_record(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.get("/clients/42"), 404, 11010)
        assert_error(await api.get("/tasks/42"), 404, 13010)

    async def test_validation_lists_each_problem_with_a_pointer(
        self, api: httpx.AsyncClient
    ) -> None:
        response = await api.post(
            "/clients", json={"enabled": "yes", "email": "nope", "addressCountry": "DEU"}
        )
        errors = assert_errors(response, 400)
        assert 10010 in {e["code"] for e in errors}
        pointers = {e["source"]["pointer"] for e in errors}
        assert pointers == {"/name", "/enabled", "/email", "/addressCountry"}

    async def test_conflict(self, api: httpx.AsyncClient) -> None:
        await make_client(api, "Acme")
        assert_error(await api.post("/clients", json={"name": "ACME"}), 409, 11030, pointer="/name")

    async def test_read_only_field(self, api: httpx.AsyncClient) -> None:
        client = await make_client(api, "Acme")
        same = await api.put(f"/clients/{client['id']}", json={"name": "Acme", "notes": "n"})
        assert same.status_code == 200, same.text
        changed = await api.put(f"/clients/{client['id']}", json={"name": "Other"})
        assert_error(changed, 400, 10012, pointer="/name")


class TestHealth:
    async def test_healthz_without_auth(self, app: FastAPI) -> None:
        async with client(app, base_url="http://testserver") as caller:
            response = await caller.get("/healthz")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["status"] == "ok"


class TestRecordIdInBody:
    """A PUT may repeat the record's id (read-modify-write clients send the object back)."""

    async def test_same_id_is_accepted(self, api: httpx.AsyncClient) -> None:
        created = (await api.post("/tasks", json={"name": "Review"})).json()
        r = await api.put(f"/tasks/{created['id']}", json={**created, "notes": "n"})
        assert r.status_code == 200, r.text
        assert r.json()["notes"] == "n"

    async def test_other_id_is_refused_and_nothing_changes(self, api: httpx.AsyncClient) -> None:
        created = (await api.post("/tasks", json={"name": "Review"})).json()
        r = await api.put(f"/tasks/{created['id']}", json={"id": created["id"] + 1, "notes": "n"})
        assert r.status_code == 400
        error = r.json()["errors"][0]
        assert (error["code"], error["source"]) == (10012, {"pointer": "/id"})
        assert (await api.get(f"/tasks/{created['id']}")).json()["notes"] is None
