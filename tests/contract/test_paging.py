"""Paging of every list that starts empty (SPEC §1 "Paging"): ``limit`` and the zero-based
``page_number`` (or the one-based ``page``) select a slice of the list, ``X-Total-Count`` counts
the whole list, and ``Link`` names the next and the previous page where there is one (past the
end, the last page); the POST with an empty body pages alike. tests/test_paging.py checks every
page of long lists.
"""

from __future__ import annotations

import httpx
import pytest
from lists import LISTS, Context, Listing


@pytest.mark.parametrize("listing", LISTS, ids=str)
async def test_pages_are_slices_of_the_list(api: httpx.AsyncClient, listing: Listing) -> None:
    ctx = Context(api)
    for _ in range(5):
        await listing.make(ctx, "alpha")
    everything = [r["id"] for r in (await api.get(listing.path)).json()]
    assert len(everything) == 5
    for query, slice_, links in [
        ({"limit": 2, "page_number": 0}, everything[:2], ['rel="next"']),
        ({"limit": 2, "page_number": 1}, everything[2:4], ['rel="next"', 'rel="prev"']),
        ({"limit": 2, "page_number": 2}, everything[4:], ['rel="prev"']),
        ({"limit": 2, "page": 2}, everything[2:4], ['rel="next"', 'rel="prev"']),
        ({"limit": 1000, "page": 1}, everything, []),
        # Past the end: nothing, and the way back to the last page.
        ({"limit": 2, "page_number": 9}, [], ['rel="prev"']),
    ]:
        for response in (
            await api.get(listing.path, params=query),
            await api.post(listing.path, params=query, json={}),
        ):
            assert response.status_code == 200, response.text
            assert [r["id"] for r in response.json()] == slice_, query
            assert response.headers["X-Total-Count"] == "5"
            link = response.headers.get("Link", "")
            for rel in ('rel="next"', 'rel="prev"'):
                assert (rel in link) == (rel in links), (query, link)
            if not links:
                assert "Link" not in response.headers
            if query.get("page_number") == 9:
                assert "page_number=2&" in link, link
