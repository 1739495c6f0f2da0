"""Another account's records, resource by resource (SPEC §1 "Accounts"): their ids answer
exactly like ids that never existed (deleted ones too, so not even a deletion shows), lists do
not change when another account writes, and nothing of the owner's changes.
tests/test_tenant_walk.py walks every operation of the OpenAPI document the same way; this names
each resource's codes.
"""

from __future__ import annotations

import httpx
import pytest
from conftest import NEVER, assert_error
from records import KINDS, Kind

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


async def _send(caller: httpx.AsyncClient, kind: Kind, method: str, url: str) -> httpx.Response:
    return await caller.request(method, url, json=kind.update if method == "PUT" else {})


async def _created(api: httpx.AsyncClient, collection: str, kind: Kind) -> int:
    response = await api.post(collection, json=kind.create)
    assert response.status_code == 201, response.text
    record_id: int = response.json()["id"]
    return record_id


@by_kind
async def test_another_accounts_ids_answer_like_missing_ones(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient, kind: Kind
) -> None:
    collection = await kind.prepare(api)
    gone = await _created(api, collection, kind)
    assert (await api.delete(f"{collection}/{gone}")).status_code == 200
    live = await _created(api, collection, kind)
    record = (await api.get(f"{collection}/{live}")).json()
    theirs = await kind.prepare(other_api)
    for method in ("GET", "POST", "PUT", "DELETE"):
        never = await _send(other_api, kind, method, f"{theirs}/{NEVER}")
        assert_error(never, 404, kind.not_found)
        for record_id in (live, gone):
            response = await _send(other_api, kind, method, f"{theirs}/{record_id}")
            # The very answer a missing id gets: nothing of the record, not even its deletion.
            assert response.text == never.text.replace(str(NEVER), str(record_id))
    assert (await api.get(f"{collection}/{live}")).json() == record


@by_kind
async def test_another_accounts_writes_do_not_show_in_lists(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient, kind: Kind
) -> None:
    theirs = await kind.prepare(other_api)
    before = await other_api.get(theirs)
    collection = await kind.prepare(api)
    await _created(api, collection, kind)
    for response in (await other_api.get(theirs), await other_api.post(theirs, json={})):
        assert response.status_code == 200, response.text
        assert response.json() == before.json()
        assert response.headers["X-Total-Count"] == before.headers["X-Total-Count"]


@by_kind
async def test_the_same_id_in_two_accounts_names_two_records(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient, kind: Kind
) -> None:
    collection = await kind.prepare(api)
    mine = await _created(api, collection, kind)
    record = (await api.get(f"{collection}/{mine}")).json()
    theirs = await kind.prepare(other_api)
    assert await _created(other_api, theirs, kind) == mine  # ids count per account
    changed = await other_api.put(f"{theirs}/{mine}", json=kind.update)
    assert changed.status_code == 200, changed.text
    assert (await other_api.delete(f"{theirs}/{mine}")).status_code == 200
    assert (await api.get(f"{collection}/{mine}")).json() == record
    assert [r["id"] for r in (await api.get(collection)).json()].count(mine) == 1
