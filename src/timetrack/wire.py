"""The vendor's JSON conventions, written once for every resource.

Request bodies are read here rather than by FastAPI's body machinery because the vendor's
dialect needs the raw object: an empty ``POST`` is a read, unknown keys are reported back in
``X-Ignored-Fields``, and read-only fields may be echoed unchanged. Responses are encoded with
orjson straight to bytes (FastAPI's ``jsonable_encoder`` path measured 5-11x slower).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import orjson
from fastapi import Request
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
)
from pydantic.alias_generators import to_camel
from starlette.responses import Response

from timetrack.db import Row
from timetrack.errors import (
    BODY_NOT_OBJECT,
    FIELD_READ_ONLY,
    AppError,
    Problem,
    problems_from_validation,
)
from timetrack.jsonbody import load_json

# Documented limits (docs/api.md, "Limits").
NAME_MAX = 255
SHORT_TEXT_MAX = 255
NOTES_MAX = 10_000
MONEY_MAX = Decimal("9999999999.99")
MINUTES_MAX = 100_000_000
MAX_ID = 2**63 - 1

JSON_MEDIA = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(content), status_code=status_code, media_type=JSON_MEDIA, headers=headers)


# --- request bodies ---------------------------------------------------------------------------


async def read_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; an empty body reads as ``{}``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    data = load_json(raw)
    if not isinstance(data, dict):
        raise AppError.of(BODY_NOT_OBJECT, f"expected a JSON object, got {type(data).__name__}")
    return data


class WireModel(BaseModel):
    """Base of request-body schemas: camelCase on the wire, unknown keys ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="ignore", frozen=True
    )

    @classmethod
    def wire_names(cls) -> frozenset[str]:
        return frozenset(f.alias or name for name, f in cls.model_fields.items())


M = TypeVar("M", bound=WireModel)


def parse_body(model: type[M], data: dict[str, Any]) -> tuple[M, list[str]]:
    """Validate ``data`` against ``model``; also return the keys it ignored, in body order."""
    known = model.wire_names()
    ignored = [key for key in data if key not in known]
    try:
        return model.model_validate(data), ignored
    except ValidationError as exc:
        raise AppError(*problems_from_validation(list(exc.errors()), in_body=True)) from None


def sent(model: WireModel) -> set[str]:
    """Python names of the fields the client actually sent."""
    return set(model.model_fields_set)


# Printable ASCII but space, the separator and the escape character itself.
_HEADER_SAFE = "".join(c for c in string.punctuation if c not in "%,")
IGNORED_HEADER_MAX = 2000


def ignored_headers(ignored: list[str]) -> dict[str, str]:
    """``X-Ignored-Fields``, naming the keys a write ignored.

    The keys are the client's own text, so each is %-encoded outside printable ASCII: a key
    beyond Latin-1 made the response fail with a 500 after the write had committed, and CR/LF
    would have injected headers. Past about 2000 characters the list ends with ``...``, since
    many HTTP clients refuse large headers.
    """
    names: list[str] = []
    length = 0
    for key in ignored:
        name = quote(key, safe=_HEADER_SAFE)
        length += len(name) + 2
        if length > IGNORED_HEADER_MAX:
            names.append("...")
            break
        names.append(name)
    return {"X-Ignored-Fields": ", ".join(names)} if names else {}


def refuse_read_only_changes(model: WireModel, current: Row, fields: Iterable[str]) -> None:
    """Allow a read-only field only when it repeats the stored value."""
    problems = []
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) != current[name]:
            alias = type(model).model_fields[name].alias or name
            problems.append(
                Problem(FIELD_READ_ONLY, f"{alias} cannot be changed", pointer=f"/{alias}")
            )
    if problems:
        raise AppError(*problems)


# --- names -----------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The form names are compared in, the same on both databases: Unicode canonical caseless
    matching (NFD, casefold; stored as NFC), so "Café" typed precomposed or with a combining
    accent, and "STRASSE"/"straße", are one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` as a case-insensitive substring."""
    escaped = name_key(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
