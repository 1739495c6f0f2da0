from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import Name
from timetrack.users.fields import PASSWORD_MAX, Password
from timetrack.wire import WireModel


class Login(WireModel):
    account: str = Field(
        max_length=63, pattern=r"^[a-z0-9][a-z0-9-]*$", description="the account's slug"
    )
    username: Name
    # Any length up to the limit: a login checks, it does not set, a password. (No NUL: the
    # hash check would accept one, but it is no character of any password we store.)
    password: str = Field(
        max_length=PASSWORD_MAX, pattern=r"^[^\x00]*$", json_schema_extra={"writeOnly": True}
    )


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
