"""Ids in paths, one rule for every resource (docs/api.md, "Ids"): a path id that cannot exist
(not an integer from 1 to 2^63-1: ``0``, ``-1``, ``2^63``, ``abc``, ``1.5``, ...) answers
exactly as a well-formed id that does not exist does: ``404`` with the resource's own "not
found" code, never a validation error about the URL and never another record. So does another
spelling of a real record's id (``019``, ``19%0A``, full-width digits): ``GET /tasks/019`` was
task 19, and ``DELETE /tasks/19%0A`` deleted it.

The operations come from the OpenAPI document: every method of every path with an id in it,
each of its ids in turn, so a route added later is covered without touching this file. The
other ids of a nested path name real records, so the answer is about the id under test.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
import pytest
from records import KINDS, create
from without_database import openapi_document

from timetrack.errors import ALL_CODES

API = "/api/v2/ext"
NEVER = str(2**63 - 1)  # well-formed, and no account ever gets there
# Out of range, then not an integer as written (each was a case of some resource's own tests).
BAD_IDS = ["0", "-1", "-5", str(2**63), str(2**64 + 1), str(2**100), "9" * 40]
BAD_IDS += ["abc", "1.5", "1.0", "1e2", "0x1", "+1", " 1", "%20", "1;DROP"]
_PARAM = re.compile(r"\{(\w+)\}")
_FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))


def other_spellings(real: str) -> list[str]:
    """Other spellings of the id ``real`` (issue 10): each names no record, that one neither."""
    spelled = ["0" + real, "00" + real, real + "\n", "\n" + real, real + " ", "\t" + real]
    return [*spelled, "+" + real, real + ".0", real.translate(_FULL_WIDTH), real + "\x00"]


def _operations() -> list[tuple[str, str, str]]:
    """(method, path template, id parameter) for every id of every path operation."""
    document = openapi_document()
    found = []
    for path, operations in document["paths"].items():
        for method in operations:
            if method in ("get", "put", "post", "delete", "patch"):
                for name in _PARAM.findall(path):
                    found.append((method.upper(), path.removeprefix(API), name))
    return found


def _collection(template: str, name: str) -> str:
    """The collection an id parameter belongs to: the path segment before it."""
    segments = template.split("/")
    return segments[segments.index("{" + name + "}") - 1]


async def _real_ids(api: httpx.AsyncClient, template: str) -> dict[str, str]:
    """Ids of real records for every parameter of ``template``: one record of the collection
    of its last id, made with what it needs (a nested record's parent comes with it)."""
    names = _PARAM.findall(template)
    kinds = {kind.name: kind for kind in KINDS}
    last = _collection(template, names[-1])
    assert last in kinds, f"tests/records.py has no way to make a record of {last!r}"
    collection, made = await create(api, kinds[last])
    # The prefix up to the last id, with the parents' ids read from the collection it used.
    prefix = template[: template.index("{" + names[-1] + "}")].rstrip("/")
    pattern = _PARAM.sub(
        r"(?P<\1>[0-9]+)", re.escape(prefix).replace(r"\{", "{").replace(r"\}", "}")
    )
    matched = re.fullmatch(pattern, collection)
    assert matched, (template, collection)
    return {**matched.groupdict(), names[-1]: str(made.json()["id"])}


def _fill(template: str, ids: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: ids[m.group(1)], template)


async def _answer(api: httpx.AsyncClient, method: str, path: str) -> tuple[int, int, str]:
    """Status, code and title of the one error; PUT sends a change, POST no body (a read, or a
    create under a parent that the id names)."""
    body = {"notes": "x"} if method == "PUT" else None
    response = await api.request(method, path, json=body)
    errors = response.json()["errors"] if response.status_code >= 400 else [{}]
    assert len(errors) == 1, response.text
    return response.status_code, errors[0].get("code", 0), errors[0].get("title", "")


@pytest.mark.parametrize(("method", "template", "name"), _operations())
async def test_an_id_that_cannot_exist_is_not_found(
    api: httpx.AsyncClient, method: str, template: str, name: str
) -> None:
    ids = await _real_ids(api, template)
    missing = await _answer(api, method, _fill(template, {**ids, name: NEVER}))
    status, code, _title = missing
    assert status == 404 and code != 10007, missing
    assert ALL_CODES[code].title.lower().endswith("not found"), missing
    for raw in BAD_IDS:
        path = _fill(template, {**ids, name: raw.replace(" ", "%20")})
        assert await _answer(api, method, path) == missing, (method, path)
    for raw in other_spellings(ids[name]):
        path = _fill(template, {**ids, name: quote(raw, safe="")})
        assert await _answer(api, method, path) == missing, (method, path)
    # The real record is still there: nothing above reached it.
    assert (await api.get(_fill(template, ids))).status_code in (200, 405), template


def test_every_resource_is_covered() -> None:
    """The walk reaches every resource with record URLs (a guard against an empty walk)."""
    operations = _operations()
    assert {kind.name for kind in KINDS} <= {_collection(t, n) for _, t, n in operations}
    assert len(operations) >= 4 * len(KINDS)
