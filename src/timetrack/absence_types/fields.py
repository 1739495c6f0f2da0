"""Field types of absence-type bodies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from timetrack.fieldtypes import not_null

SHORT_NAME_MAX = 16


def _short_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    if len(text) > SHORT_NAME_MAX:
        raise ValueError(f"must be at most {SHORT_NAME_MAX} characters")
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


ShortName = Annotated[
    str,
    PlainValidator(_short_name),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": SHORT_NAME_MAX, "example": "VAC"}
    ),
]
ShortNameUpdate = not_null(ShortName)
