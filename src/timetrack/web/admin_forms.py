"""A resource's form, made from the JSON schema of its create or update body (the one the API
documents), and the form's fields read back into such a body.

A field's kind follows its schema: a boolean is a checkbox, an array of names a comma-separated
text, a write-only string a password; everything else is text the service's own validation reads
(money, minutes, zones and codes are sent as typed, so the refusals are the API's). A create
leaves out what was left empty (the service's default applies); an edit sends every field it
shows, an emptied one as null where the schema allows null, so clearing a field clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from timetrack.web.admin_table import HINTS, LABELS, LIST_HINT, PASSWORD_EDIT_HINT, Section
from timetrack.wire import WireModel

Kind = Literal["text", "bool", "list", "password"]


@dataclass(frozen=True, slots=True)
class FormField:
    name: str  # the body's (wire) name, also the input's
    label: str  # msgid
    kind: Kind
    required: bool
    nullable: bool
    hint: str | None = None  # msgid
    default: str = ""  # a new record's initial value ("on": a checkbox ticked)


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]


def _kind(schema: dict[str, Any]) -> Kind:
    types = {variant.get("type") for variant in _variants(schema)}
    if "array" in types:
        return "list"
    if "boolean" in types:
        return "bool"
    if any(variant.get("writeOnly") for variant in _variants(schema)):
        return "password"
    return "text"


_MADE: dict[tuple[str, bool], tuple[FormField, ...]] = {}


def form_fields(model: type[WireModel], editing: bool) -> tuple[FormField, ...]:
    """The model's fields, required ones first, each in the schema's order (made once)."""
    key = (f"{model.__module__}.{model.__qualname__}", editing)
    if key not in _MADE:
        _MADE[key] = _make(model, editing)
    return _MADE[key]


def _make(model: type[WireModel], editing: bool) -> tuple[FormField, ...]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    found = []
    for name, prop in schema["properties"].items():
        kind = _kind(prop)
        hint = HINTS.get(name) or (LIST_HINT if kind == "list" else None)
        if kind == "password" and editing:
            hint = PASSWORD_EDIT_HINT
        nullable = any(variant.get("type") == "null" for variant in _variants(prop))
        default = "on" if prop.get("default") is True else ""
        found.append(FormField(name, LABELS[name], kind, name in required, nullable, hint, default))
    return tuple(sorted(found, key=lambda field: not field.required))


def fields_of(section: Section, editing: bool) -> tuple[FormField, ...]:
    """The inputs of the create form, or of the edit form (without the read-only fields)."""
    if not editing:
        return form_fields(section.api.create_model, False)
    shown = form_fields(section.api.update_model, True)
    return tuple(field for field in shown if field.name not in section.read_only)


def body_of(fields: tuple[FormField, ...], form: dict[str, str], editing: bool) -> dict[str, Any]:
    """The API body the form's fields say."""
    body: dict[str, Any] = {}
    for field in fields:
        if field.kind == "bool":
            body[field.name] = field.name in form
            continue
        text = form.get(field.name, "").strip()
        if field.kind == "list" and (text or not field.nullable):
            body[field.name] = [part.strip() for part in text.split(",") if part.strip()]
        elif text:
            body[field.name] = text
        elif editing and field.kind != "password":
            # Emptied: cleared where the field may be null (a list too: "any address", not
            # "none"); else sent empty, for the service to refuse in its own words.
            body[field.name] = None if field.nullable else ""
    return body


def text_of(value: Any) -> str:
    """A wire value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def values_of(item: dict[str, Any]) -> dict[str, str]:
    """A record's wire form as the edit form's initial values (checkboxes: "on" or absent)."""
    values = {}
    for name, value in item.items():
        if value is True:
            values[name] = "on"
        elif value is not False:
            values[name] = text_of(value)
    return values


def pointers(fields: tuple[FormField, ...], body: dict[str, Any]) -> dict[str, str]:
    """The body's JSON pointers a problem may name (a list's items too) → the input's name."""
    found = {f"/{field.name}": field.name for field in fields}
    for field in fields:
        items = body.get(field.name)
        if isinstance(items, list):
            found |= {f"/{field.name}/{index}": field.name for index in range(len(items))}
    return found
