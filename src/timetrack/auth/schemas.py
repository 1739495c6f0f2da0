from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.users.fields import PASSWORD_MAX, Password
from timetrack.wire import NAME_MAX, WireModel


class Login(WireModel):
    account: str = Field(max_length=63, description="the account's slug")
    username: str = Field(max_length=NAME_MAX)
    # Any length up to the limit: a login checks, it does not set, a password.
    password: str = Field(max_length=PASSWORD_MAX, json_schema_extra={"writeOnly": True})


class PasswordChange(WireModel):
    current: str = Field(max_length=PASSWORD_MAX, json_schema_extra={"writeOnly": True})
    new: Password


class Me(BaseModel):
    """Who the request's credentials act as."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    account: str = Field(description="the account's slug")
    account_name: str
    credential: str = Field(description="accountKey, personalKey or session")
    role: str = Field(description="admin, teamLead, user or external")
    user_id: int | None = Field(description="null for the account key")
    username: str | None
    scopes: list[str] | None = Field(description="a personal key's scopes; null: the role's")
    csrf_token: str | None = Field(
        description="a session's token for X-CSRF-Token on writes; null without a session"
    )
