"""Request bodies as JSON, refused when an object repeats a key.

orjson keeps the last of two values for one key, silently, and cannot report the repeat; JSON
leaves the meaning of such a document to the parser (RFC 8259, section 4). So a body is
refused (10004, with the repeated key's pointer) rather than read as one of its meanings.

A document whose keys, as counted in its text, all arrived in the parsed objects repeats
none. Counting is cheap (two byte scans, and no walk for the usual bodies: one object, or a
bulk create's array of objects); only a document where the two counts differ (a repeated key,
or a string holding an escaped quote before a colon) is parsed again, with the standard
library keeping every pair, to find the key. docs/reliability.md gives the measured cost.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from timetrack.errors import MALFORMED_JSON, AppError

# A key's closing quote and its colon. Inside a string a quote is escaped, so these match
# every key of a document once, plus any escaped quote followed by a colon inside a string.
_KEY_END = re.compile(rb'"[ \t\r\n]*:')
_SPACED_KEY_END = re.compile(rb'"[ \t\r\n]+:')


def _keys_in_text(raw: bytes) -> int:
    if _SPACED_KEY_END.search(raw) is None:
        return raw.count(b'":')  # a third of the cost of counting the general pattern
    return len(_KEY_END.findall(raw))


def _keys_parsed(raw: bytes, document: Any) -> int:
    # As many objects as braces in the text: no object holds another, so the usual bodies
    # (an object, or a bulk create's array of them) are counted at once, without a walk.
    braces = raw.count(b"{")
    if isinstance(document, dict) and braces == 1:
        return len(document)
    if (
        isinstance(document, list)
        and braces == len(document)
        and all(isinstance(item, dict) for item in document)
    ):
        return sum(map(len, document))
    return _key_count(document)


def _key_count(document: Any) -> int:
    """How many keys the objects of a parsed document hold, all depths together. (Walked
    without recursion: orjson accepts documents nested 1024 deep.)"""
    count, stack = 0, [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            count += len(value)
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))
    return count


class _Pairs(list[tuple[str, Any]]):
    """An object of the document as its key-value pairs, every repeated key kept."""


def _pointer_step(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _repeated_key(raw: bytes) -> str | None:
    """The JSON pointer of the first key an object of ``raw`` repeats, in document order."""
    try:
        document = json.loads(raw, object_pairs_hook=_Pairs)
    except RecursionError:  # orjson goes 1024 levels deep, the stdlib parser not quite
        raise AppError.of(
            MALFORMED_JSON, "the body is nested too deeply to check its keys"
        ) from None
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Pairs):
            seen = set()
            for key, _ in value:
                if key in seen:
                    return path + _pointer_step(key)
                seen.add(key)
            stack.extend((path + _pointer_step(k), v) for k, v in reversed(value))
        elif isinstance(value, list):
            stack.extend((f"{path}/{i}", v) for i, v in reversed(list(enumerate(value))))
    return None


def load_json(raw: bytes) -> Any:
    """A request body's JSON; 10004 when it is not valid JSON or an object repeats a key."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise AppError.of(MALFORMED_JSON, f"the body is not valid JSON: {exc}") from None
    if _keys_in_text(raw) != _keys_parsed(raw, data):
        pointer = _repeated_key(raw)
        if pointer is not None:
            detail = f"the key at {pointer} appears more than once in its object"
            raise AppError.of(MALFORMED_JSON, detail, pointer=pointer)
    return data
