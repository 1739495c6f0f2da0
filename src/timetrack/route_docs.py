"""How routes are declared: both spellings of each path, and what the OpenAPI document says of
the five CRUD operations every resource has (``routing.Resource.router``).

Every route answers with and without a trailing slash (SPEC §1) without a redirect, because the
vendor's clients POST to both spellings and a 307 would drop their body on some HTTP stacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import GenericAlias
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import APIRouter, Path
from pydantic import BaseModel
from starlette.responses import Response

from timetrack import opdocs
from timetrack.errors import METHOD_NOT_ALLOWED, ErrorCode

if TYPE_CHECKING:
    from timetrack.routing import Resource

F = TypeVar("F", bound=Callable[..., Any])

RecordId = Annotated[str, Path(description="the record's id", examples=["1"])]


def route(
    router: APIRouter,
    method: str,
    path: str,
    *,
    status_code: int = 200,
    responses: dict[int | str, dict[str, Any]] | None = None,
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    example: Any = None,
    errors: Iterable[ErrorCode] = (),
    name: str | None = None,
    description: str | None = None,
    include_in_schema: bool = True,
    writes: bool | None = None,
) -> Callable[[F], F]:
    """Register ``path`` and ``path + '/'`` (the latter hidden from the OpenAPI document).
    ``errors`` are the specific codes the route can answer, beyond those every route of its
    kind can (``opdocs``); ``responses`` may describe their statuses in words."""
    all_responses, extra = opdocs.operation_docs(
        method,
        body=body,
        body_required=body_required,
        example=example,
        errors=errors,
        responses=responses,
        writes=writes,
    )

    def decorator(endpoint: F) -> F:
        for spelled, visible in ((path, include_in_schema), (path + "/", False)):
            router.add_api_route(
                spelled,
                endpoint,
                methods=[method],
                status_code=status_code,
                response_class=Response,
                responses=all_responses,
                openapi_extra=extra,
                include_in_schema=visible,
                name=name if visible else None,
                operation_id=name if visible else None,
                description=description,
            )
        return endpoint

    return decorator


@dataclass(frozen=True, slots=True)
class Operation:
    """One CRUD route as declared: what ``route`` takes besides the router and the endpoint."""

    method: str
    path: str
    name: str
    summary: str
    options: dict[str, Any]

    def register(self, router: APIRouter, endpoint: Callable[..., Any]) -> None:
        route(
            router, self.method, self.path, name=self.name, description=self.summary, **self.options
        )(endpoint)


def crud_operations(res: Resource[Any, Any, Any]) -> dict[str, Operation]:
    """The list, create, get, get-by-POST, update and delete routes of ``res``, by kind."""
    base = f"/{res.plural}"
    one = f"{base}/{{id}}"
    label = res.singular.replace("_", " ")
    a_label = f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    missing_codes = (res.not_found, res.deleted)
    one_doc = {200: {"model": res.read_model, "description": f"The {label}"}}
    many_doc = {
        200: {
            "model": GenericAlias(list, (res.read_model,)),
            "description": f"A page of {res.plural} (bare array)",
        }
    }
    missing = {404: {"description": f"No such {label}, or it is deleted"}}

    def conflict(op: str) -> dict[int | str, dict[str, Any]]:
        return {409: {"description": res.conflicts[op]}} if op in res.conflicts else {}

    name, plural = res.singular, res.plural  # names of operations; `label` is for people
    return {
        "list": Operation(
            "GET",
            base,
            f"list_{plural}",
            f"List {plural}, {res.ordering}.",
            {"responses": many_doc},
        ),
        "create": Operation(
            "POST",
            base,
            f"create_{name}",
            f"Create {a_label}. An empty body (`{{}}`) lists {plural} instead, as the vendor's "
            "curl examples do; the query parameters then filter.",
            {
                "status_code": 201,
                "body": res.create_model,
                "body_required": False,
                "example": res.examples["create"],
                "errors": res.errors.get("create", ()),
                "responses": {
                    201: {
                        "model": res.created_model or res.read_model,
                        "description": f"The created {label}",
                    },
                    **many_doc,
                    **conflict("create"),
                },
            },
        ),
        "get": Operation(
            "GET",
            one,
            f"get_{name}",
            f"Get one {label}.",
            {"responses": {**one_doc, **missing}, "errors": missing_codes},
        ),
        "get_by_post": Operation(
            "POST",
            one,
            f"get_{name}_by_post",
            f"Get one {label}: the vendor's curl examples read with POST and an empty body.",
            {
                "responses": {
                    **one_doc,
                    **missing,
                    405: {"description": "A body was sent: update with PUT"},
                },
                "errors": (*missing_codes, METHOD_NOT_ALLOWED),
            },
        ),
        "update": Operation(
            "PUT",
            one,
            f"update_{name}",
            f"Update {a_label}.",
            {
                "body": res.update_model,
                "example": res.examples["update"],
                "responses": {**one_doc, **missing, **conflict("update")},
                "errors": (*missing_codes, *res.errors.get("update", ())),
            },
        ),
        "delete": Operation(
            "DELETE",
            one,
            f"delete_{name}",
            f"Delete {a_label}. Deletes are soft: the record leaves lists and answers 404 with "
            'its "exists but is deleted" code.',
            {
                "responses": {**one_doc, **missing, **conflict("delete")},
                "errors": (*missing_codes, *res.errors.get("delete", ())),
            },
        ),
    }
