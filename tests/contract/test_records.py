"""One record of every resource, over every route that names it (SPEC §1): read by GET and by
POST with an empty body, with or without a trailing slash; an id the account never had and a
deleted record are 404s with the resource's own codes; a delete answers the record, marked.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import BODY_NOT_OBJECT, MALFORMED_JSON, METHOD_NOT_ALLOWED, NEVER, assert_error
from records import KINDS, Kind, as_stored, create

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


async def _one(api: httpx.AsyncClient, kind: Kind) -> tuple[str, str, dict[str, Any]]:
    """A new record of ``kind``: its collection, its path and its body."""
    collection, created = await create(api, kind)
    record = as_stored(kind, created)
    return collection, f"{collection}/{record['id']}", record


@by_kind
async def test_get_and_post_with_an_empty_body_read_the_record(
    api: httpx.AsyncClient, kind: Kind
) -> None:
    _, path, record = await _one(api, kind)
    json = {"Content-Type": "application/json"}
    for response in [
        await api.get(path),
        await api.get(f"{path}/"),
        await api.request("GET", path, content=b"[broken"),
        *[await api.post(path, content=raw, headers=json) for raw in (b"{}", b"", b" {  } \n")],
        await api.post(f"{path}/", json={}),
    ]:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json() == record
        assert "Location" not in response.headers


@by_kind
async def test_a_post_with_fields_is_no_update(api: httpx.AsyncClient, kind: Kind) -> None:
    _, path, record = await _one(api, kind)
    assert_error(await api.post(path, json=kind.update), 405, METHOD_NOT_ALLOWED)
    assert_error(await api.post(path, content=b"{"), 400, MALFORMED_JSON)
    assert_error(await api.post(path, content=b"[]"), 400, BODY_NOT_OBJECT)
    assert (await api.get(path)).json() == record


@by_kind
async def test_an_id_the_account_never_had_is_not_found(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, _, _ = await _one(api, kind)
    for record_id in (NEVER, 2**63 - 1):
        path = f"{collection}/{record_id}"
        for method, body in [("GET", None), ("POST", {}), ("PUT", kind.update), ("DELETE", None)]:
            response = await api.request(method, path, json=body)
            error = assert_error(response, 404, kind.not_found)
            assert str(record_id) in error["detail"]


@by_kind
async def test_a_deleted_record_is_not_found_as_deleted(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, path, record = await _one(api, kind)
    total = int((await api.get(collection)).headers["X-Total-Count"])
    deleted = await api.request("DELETE", f"{path}/", content=b"{broken")
    assert deleted.status_code == 200, deleted.text
    body = deleted.json()
    assert body.pop("deleted") is True
    assert body.pop("updatedAt") >= record.pop("updatedAt")
    assert body == record
    for method, url, json in [
        ("GET", path, None),
        ("GET", f"{path}/", None),
        ("POST", path, {}),
        ("PUT", path, kind.update),
        ("DELETE", path, None),
    ]:
        assert_error(await api.request(method, url, json=json), 404, kind.deleted)
    listed = await api.get(collection)
    assert record["id"] not in [item["id"] for item in listed.json()]
    assert listed.headers["X-Total-Count"] == str(total - 1)


@by_kind
async def test_an_update_with_a_trailing_slash(api: httpx.AsyncClient, kind: Kind) -> None:
    _, path, record = await _one(api, kind)
    response = await api.put(f"{path}/", json=kind.update)
    assert response.status_code == 200, response.text
    assert response.json() != record
    assert (await api.get(path)).json() == response.json()


@by_kind
async def test_other_methods_are_not_allowed(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, path, record = await _one(api, kind)
    assert_error(await api.patch(path, json=kind.update), 405, METHOD_NOT_ALLOWED)
    assert_error(await api.delete(collection), 405, METHOD_NOT_ALLOWED)
    assert_error(await api.delete(f"{collection}/"), 405, METHOD_NOT_ALLOWED)
    assert_error(await api.put(collection, json=kind.update), 405, METHOD_NOT_ALLOWED)
    assert (await api.get(path)).json() == record
