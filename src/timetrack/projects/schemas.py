from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from timetrack.wire import Minutes, Money, Name, Notes, WireBool, WireModel


class _ProjectFields(WireModel):
    notes: Notes | None = None
    hour_rate: Money | None = None
    time_estimated: Minutes | None = Field(default=None, description="minutes")
    budget_estimated: Money | None = None


class ProjectCreate(_ProjectFields):
    project_name: Name
    client_name: Name = Field(description="name of an existing client")
    project_enabled: WireBool = True


def _not_nullable(schema: dict[str, Any]) -> None:
    """Document a field whose ``None`` only means "not sent" without its null branch."""
    branches = [b for b in schema.pop("anyOf", []) if b.get("type") != "null"]
    schema.pop("default", None)
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


class ProjectUpdate(_ProjectFields):
    """Any field; a new ``clientName`` moves the project to that (existing) client."""

    project_name: Name | None = Field(default=None, json_schema_extra=_not_nullable)
    client_name: Name | None = Field(default=None, json_schema_extra=_not_nullable)
    project_enabled: WireBool | None = Field(default=None, json_schema_extra=_not_nullable)

    @field_validator("project_name", "client_name", "project_enabled")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # None is only the "not sent" default: a project always has a name, a client and a
        # state, so an explicit null is refused rather than silently ignored.
        if value is None:
            raise ValueError("must not be null (leave the field out to keep its value)")
        return value


class ProjectRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    project_name: str
    client_name: str
    client_id: int
    project_enabled: bool
    notes: str | None
    hour_rate: float | None
    time_estimated: int | None = Field(description="minutes")
    budget_estimated: float | None
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")
