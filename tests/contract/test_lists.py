"""Every resource's list (SPEC §1 "Paging"): paging parameters out of range or not integers are
refused, naming the parameter, by the GET and by the POST with an empty body alike; the bounds
``limit=0`` and ``limit=1000`` are accepted; a body sent with the GET is ignored.
"""

from __future__ import annotations

import httpx
import pytest
from conftest import PARAMETER_INVALID, assert_error
from records import KINDS, Kind, create

REFUSED = [
    ("limit=5000", "limit"),
    ("limit=1001", "limit"),
    ("limit=-1", "limit"),
    ("limit=abc", "limit"),
    ("limit=1.5", "limit"),
    ("limit=", "limit"),
    ("page_number=-1", "page_number"),
    ("page_number=x", "page_number"),
    ("page_number=99999999999999999999", "page_number"),
    ("page=0", "page"),
    ("page=-3", "page"),
    ("page=first", "page"),
]

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


@by_kind
async def test_bad_paging_is_refused(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, _ = await create(api, kind)
    before = (await api.get(collection)).json()
    for query, parameter in REFUSED:
        for response in (
            await api.get(f"{collection}?{query}"),
            await api.post(f"{collection}?{query}", json={}),
        ):
            assert_error(response, 400, PARAMETER_INVALID, parameter=parameter)
    assert (await api.get(collection)).json() == before


@by_kind
async def test_the_limits_bounds_are_accepted(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, _ = await create(api, kind)
    everything = await api.get(collection)
    assert (await api.get(collection, params={"limit": 1000})).json() == everything.json()
    none = await api.get(collection, params={"limit": 0})
    assert none.status_code == 200, none.text
    assert none.json() == []
    assert none.headers["X-Total-Count"] == everything.headers["X-Total-Count"]


@by_kind
async def test_a_body_on_a_list_get_is_ignored(api: httpx.AsyncClient, kind: Kind) -> None:
    collection, _ = await create(api, kind)
    plain = (await api.get(collection)).json()
    for body in (b"not json at all", b"{{{", b'{"name": "Ignored", "limit": 0}'):
        response = await api.request("GET", collection, content=body)
        assert response.status_code == 200, response.text
        assert response.json() == plain
