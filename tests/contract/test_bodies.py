"""The bodies every resource's writes accept and refuse (SPEC §1 "Requests"): JSON that does
not parse (10004) or is not an object (10005) writes nothing; keys the resource does not know
are ignored and named in ``X-Ignored-Fields``; an empty update changes nothing; a POST to the
collection with an empty body is a list, not a create.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import BODY_NOT_OBJECT, MALFORMED_JSON, assert_error
from records import KINDS, Kind, as_stored, create

JSON = {"Content-Type": "application/json"}
MALFORMED = [b"{", b'{"a": 1,}', b"name=Acme", b"\xff\xfe", b"\x00"]
NOT_OBJECTS = [b"[]", b"[{}]", b'"x"', b"5", b"true", b"null"]

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


async def _state(api: httpx.AsyncClient, collection: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = (await api.get(collection)).json()
    return listed


@by_kind
async def test_bodies_that_are_no_json_object_write_nothing(
    api: httpx.AsyncClient, kind: Kind
) -> None:
    collection, created = await create(api, kind)
    path = f"{collection}/{created.json()['id']}"
    before = await _state(api, collection)
    # With or without a JSON content type: curl -d sends a form type, and the body is JSON.
    for url, method, headers in [
        (collection, "POST", JSON),
        (collection, "POST", {}),
        (path, "PUT", JSON),
        (path, "PUT", {}),
    ]:
        for raw in MALFORMED:
            response = await api.request(method, url, content=raw, headers=headers)
            assert_error(response, 400, MALFORMED_JSON)
        for raw in NOT_OBJECTS:
            response = await api.request(method, url, content=raw, headers=headers)
            assert_error(response, 400, BODY_NOT_OBJECT)
    assert await _state(api, collection) == before


@by_kind
async def test_unknown_keys_are_ignored_and_named(api: httpx.AsyncClient, kind: Kind) -> None:
    collection = await kind.prepare(api)
    created = await api.post(collection, json={**kind.create, "colour": "red", "ünknown": 1})
    assert created.status_code == 201, created.text
    assert created.headers["X-Ignored-Fields"] == "colour, %C3%BCnknown"
    assert "colour" not in created.json()
    path = f"{collection}/{created.json()['id']}"
    updated = await api.put(path, json={**kind.update, "deleted": True})
    assert updated.status_code == 200, updated.text
    assert updated.headers["X-Ignored-Fields"] == "deleted"
    assert "deleted" not in updated.json()
    plain = await api.put(path, json=kind.other_update)
    assert "X-Ignored-Fields" not in plain.headers


@by_kind
async def test_an_empty_update_changes_nothing(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, created = await create(api, kind)
    path = f"{collection}/{created.json()['id']}"
    for raw in (b"{}", b""):
        response = await api.put(path, content=raw, headers=JSON)
        assert response.status_code == 200, response.text
        assert response.json() == as_stored(kind, created)
    assert (await api.get(path)).json() == as_stored(kind, created)


@by_kind
async def test_a_post_to_the_collection_with_an_empty_body_lists(
    api: httpx.AsyncClient, kind: Kind
) -> None:
    collection, _ = await create(api, kind)
    listed = await api.get(collection)
    for url in (collection, f"{collection}/"):
        for raw in (b"", b"  \n", b"{}", b" { } "):
            response = await api.post(url, content=raw, headers=JSON)
            assert response.status_code == 200, response.text
            assert response.json() == listed.json()
            assert response.headers["X-Total-Count"] == listed.headers["X-Total-Count"]
            assert "Location" not in response.headers
    assert (await api.get(f"{collection}/")).json() == listed.json()
    assert await _state(api, collection) == listed.json()
