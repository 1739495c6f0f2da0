"""The OpenAPI document: complete, free of never-sent 422s, and true to the real responses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from timetrack.clients.schemas import ClientRead
from timetrack.errors import ALL_CODES
from timetrack.projects.schemas import ProjectRead
from timetrack.tasks.schemas import TaskRead

API = "/api/v2/ext"
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@pytest.fixture
async def root(app_without_database: FastAPI) -> Any:
    """A client at the server root, without credentials, on an app without a database: the
    document and the docs pages are the same whatever the database, so these run once."""
    async with client(app_without_database, base_url="http://testserver") as caller:
        yield caller


@pytest.fixture
async def doc(root: httpx.AsyncClient) -> dict[str, Any]:
    response = await root.get("/openapi.json")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def api_operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    return ((m, p, o) for m, p, o in operations(doc) if p.startswith(API))


def walk_refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from walk_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_refs(value)


class TestDocument:
    async def test_served_without_auth(self, root: httpx.AsyncClient) -> None:
        response = await root.get("/openapi.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")

    async def test_is_openapi_3(self, doc: dict[str, Any]) -> None:
        assert doc["openapi"].startswith("3.")
        assert doc["info"]["title"]
        assert doc["info"]["version"]

    async def test_documents_the_core_resources(self, doc: dict[str, Any]) -> None:
        for resource in ("clients", "projects", "tasks"):
            assert set(doc["paths"][f"{API}/{resource}"]) >= {"get", "post"}
            assert set(doc["paths"][f"{API}/{resource}/{{id}}"]) >= {
                "get",
                "post",
                "put",
                "delete",
            }

    async def test_trailing_slash_twins_are_hidden(self, doc: dict[str, Any]) -> None:
        assert not [path for path in doc["paths"] if path.endswith("/")]

    async def test_no_422_anywhere(self, doc: dict[str, Any]) -> None:
        for method, path, operation in operations(doc):
            assert "422" not in operation["responses"], (method, path)
        schemas = doc["components"]["schemas"]
        assert "HTTPValidationError" not in schemas
        assert "ValidationError" not in schemas

    async def test_every_ref_resolves(self, doc: dict[str, Any]) -> None:
        for ref in set(walk_refs(doc)):
            kind, _, name = ref.removeprefix("#/components/").partition("/")
            assert ref.startswith("#/components/") and kind in ("schemas", "headers"), ref
            assert name in doc["components"][kind], ref

    async def test_error_codes_are_listed(self, doc: dict[str, Any]) -> None:
        codes = {c["code"]: c for c in doc["info"]["x-error-codes"]}
        for code, status in [(10001, 401), (10002, 401), (10003, 403), (10013, 400)]:
            assert codes[code]["status"] == status
            assert codes[code]["title"]


class TestOperations:
    async def test_error_envelope_on_every_operation(self, doc: dict[str, Any]) -> None:
        for method, path, operation in api_operations(doc):
            for status in ("400", "401", "500"):
                response = operation["responses"].get(status)
                assert response is not None, (method, path, status)
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ENVELOPE_REF}, (method, path, status)

    async def test_every_documented_error_is_the_envelope(self, doc: dict[str, Any]) -> None:
        for method, path, operation in operations(doc):
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": ENVELOPE_REF}, (method, path, status)

    async def test_envelope_schema(self, doc: dict[str, Any]) -> None:
        schemas = doc["components"]["schemas"]
        envelope = schemas["ErrorEnvelope"]
        assert envelope["required"] == ["errors"]
        item = schemas["ErrorItem"]
        assert set(item["required"]) == {"title", "status", "code", "detail"}

    async def test_request_bodies_resolve(self, doc: dict[str, Any]) -> None:
        schemas = doc["components"]["schemas"]
        bodies = 0
        for method, path, operation in operations(doc):
            if "requestBody" not in operation:
                continue
            bodies += 1
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            name = schema["$ref"].removeprefix("#/components/schemas/")
            assert name in schemas, (method, path, name)
            if schemas[name].get("type") == "array":  # a bulk create: an array of one body
                assert schemas[name]["minItems"] >= 1 and schemas[name]["maxItems"], name
                name = schemas[name]["items"]["$ref"].removeprefix("#/components/schemas/")
            assert schemas[name].get("properties"), (method, path, name)
        assert bodies >= 6  # create and update of clients, projects and tasks at least

    async def test_write_bodies_are_camel_case(self, doc: dict[str, Any]) -> None:
        schemas = doc["components"]["schemas"]
        assert {"projectName", "clientName", "hourRate"} <= set(
            schemas["ProjectCreate"]["properties"]
        )
        assert set(schemas["ProjectCreate"]["required"]) == {"projectName", "clientName"}
        assert "addressZipCode" in schemas["ClientCreate"]["properties"]

    async def test_operation_ids_are_present_and_unique(self, doc: dict[str, Any]) -> None:
        ids = [operation.get("operationId") for _, _, operation in operations(doc)]
        assert all(ids), ids
        assert len(ids) == len(set(ids))
        for resource, one in (("clients", "client"), ("projects", "project"), ("tasks", "task")):
            assert f"list_{resource}" in ids
            for verb in ("create", "get", "update", "delete"):
                assert f"{verb}_{one}" in ids

    async def test_security_schemes(self, doc: dict[str, Any]) -> None:
        schemes = doc["components"]["securitySchemes"]
        assert schemes["ApiKey"] == {
            "type": "apiKey",
            "in": "header",
            "name": "X-TimeTrack-Api-Key",
            "description": schemes["ApiKey"]["description"],
        }
        assert schemes["ApiSecret"]["type"] == "apiKey"
        assert schemes["ApiSecret"]["in"] == "header"
        assert schemes["ApiSecret"]["name"] == "X-TimeTrack-Api-Secret"
        assert (schemes["Session"]["in"], schemes["Session"]["name"]) == (
            "cookie",
            "timetrack_session",
        )

    async def test_every_api_operation_needs_key_and_secret_or_a_session(
        self, doc: dict[str, Any]
    ) -> None:
        # Security requirement objects in a list are alternatives; both headers are needed
        # together, so they are one alternative, and a session cookie the other.
        public = {("post", f"{API}/auth/login"), ("post", f"{API}/auth/logout")}
        for method, path, operation in api_operations(doc):
            security = operation.get("security")
            if (method, path) in public:
                assert security == [], (method, path)
            else:
                expected: list[dict[str, list[str]]] = [
                    {"ApiKey": [], "ApiSecret": []},
                    {"Session": []},
                ]
                assert security == expected, (method, path)

    async def test_healthz_is_public(self, doc: dict[str, Any]) -> None:
        operation = doc["paths"]["/healthz"]["get"]
        assert not operation.get("security")


class TestCompleteness:
    """Issue 9, point 8: every operation says what it can answer, and shows what to send."""

    async def test_every_error_answer_names_its_codes(self, doc: dict[str, Any]) -> None:
        for method, path, operation in operations(doc):
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                codes = response.get("x-error-codes")
                assert codes, (method, path, status)
                for code in codes:
                    assert code in ALL_CODES, (method, path, code)
                    assert ALL_CODES[code].status == int(status), (method, path, status, code)
                    assert f"`{code}` {ALL_CODES[code].title}" in response["description"]

    async def test_operations_name_their_specific_codes(self, doc: dict[str, Any]) -> None:
        def codes(path: str, method: str, status: str) -> list[int]:
            found: list[int] = doc["paths"][API + path][method]["responses"][status][
                "x-error-codes"
            ]
            return found

        assert {11040, 10010, 10011} <= set(codes("/projects", "post", "400"))
        assert 12030 in codes("/projects", "post", "409")
        assert 10031 in codes("/projects", "post", "409")  # a reused Idempotency-Key
        assert codes("/projects/{id}", "get", "404") == [12010, 12020]
        assert 10030 in codes("/projects/{id}", "put", "412")
        assert 11050 in codes("/clients/{id}", "delete", "409")
        assert {14040, 15040, 15041, 15042} <= set(
            codes("/project_time_entries/bulk", "post", "400")
        )
        assert {19010, 19011, 14040} <= set(codes("/work_reports", "get", "400"))
        assert 18010 in codes("/timers/project_timer/start", "post", "409")

    async def test_every_request_body_has_an_example(self, doc: dict[str, Any]) -> None:
        for method, path, operation in operations(doc):
            if "requestBody" in operation:
                media = operation["requestBody"]["content"]["application/json"]
                assert media.get("example") or media.get("examples"), (method, path)

    async def test_vendor_examples_are_the_documented_ones(self, doc: dict[str, Any]) -> None:
        def example(path: str, method: str) -> Any:
            body = doc["paths"][API + path][method]["requestBody"]
            return body["content"]["application/json"]["example"]

        assert example("/projects", "post") == {
            "projectName": "Test project 001",
            "clientName": "Test company",
        }
        assert example("/absences/{id}", "put") == {"status": "1"}
        assert example("/timers/project_timer/start", "post")["projectName"] == "Project 006_1"

    async def test_user_or_username_is_required_on_creates(self, doc: dict[str, Any]) -> None:
        schemas = doc["components"]["schemas"]
        for name in ("EntryCreate", "AttendanceCreate", "AbsenceCreate"):
            alternatives = {tuple(a["required"]) for a in schemas[name]["anyOf"]}
            assert alternatives == {("user",), ("username",)}, name

    async def test_response_headers_are_declared(self, doc: dict[str, Any]) -> None:
        def headers(path: str, method: str, status: str) -> set[str]:
            return set(doc["paths"][API + path][method]["responses"][status]["headers"])

        rate = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
        listing = {"X-Total-Count", "Link", "X-Ignored-Fields", "X-Request-ID"}
        assert listing | rate <= headers("/clients", "get", "200")
        created = {"Location", "ETag", "Idempotent-Replayed", "X-Ignored-Fields"}
        assert created | rate <= headers("/clients", "post", "201")
        assert {"ETag", "X-Ignored-Fields"} <= headers("/clients/{id}", "put", "200")
        assert {"Retry-After", "X-Request-ID"} <= headers("/clients", "get", "429")
        assert "Retry-After" in headers("/clients", "get", "503")
        assert "X-Request-ID" in headers("/clients", "get", "401")
        for method, path, operation in operations(doc):
            for status, response in operation["responses"].items():
                assert "X-Request-ID" in response.get("headers", {}), (method, path, status)

    async def test_answered_codes_are_declared(
        self, api: httpx.AsyncClient, doc: dict[str, Any]
    ) -> None:
        """Representative failures, the ones random fuzzing rarely reaches (tests/fuzz checks
        every answer it provokes the same way): each code is declared for its operation."""
        undeclared, seen = [], set()

        async def send(method: str, template: str, path: str, **kwargs: Any) -> httpx.Response:
            response = await api.request(method, path, **kwargs)
            if response.status_code >= 400:
                spec = doc["paths"][API + template][method.lower()]["responses"]
                declared = spec.get(str(response.status_code), {}).get("x-error-codes", [])
                for item in response.json()["errors"]:
                    seen.add(item["code"])
                    if item["code"] not in declared:
                        undeclared.append((method, template, response.status_code, item["code"]))
            return response

        user = {"firstName": "F", "lastName": "L", "password": "correct horse battery"}
        span = {"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T10:00:00Z"}
        client = await send("POST", "/clients", "/clients", json={"name": "Acme"})
        await send("POST", "/clients", "/clients", json={"name": "Acme"})  # 11030
        await send("POST", "/projects", "/projects", json={"projectName": "P", "clientName": "X"})
        project = await send(
            "POST", "/projects", "/projects", json={"projectName": "P", "clientName": "Acme"}
        )
        await send(
            "POST", "/projects", "/projects", json={"projectName": "P", "clientName": "Acme"}
        )
        await send("DELETE", "/clients/{id}", f"/clients/{client.json()['id']}")  # 11050
        await send(
            "PUT",
            "/projects/{id}",
            f"/projects/{project.json()['id']}",
            json={"notes": "n"},
            headers={"If-Match": '"0123456789abcdef"'},
        )
        await send("GET", "/clients/{id}", "/clients/99999")
        await send("POST", "/tasks", "/tasks", json={"name": "T"})
        await send("POST", "/tasks", "/tasks", json={"name": "T"})  # 13030
        body = {**user, "username": "ann", "email": "ann@example.com"}
        ann = await send("POST", "/users", "/users", json=body)
        await send("POST", "/users", "/users", json=body)  # 14030
        nowhere = {**user, "username": "bo", "email": "bo@example.com", "region": "BY"}
        await send("POST", "/users", "/users", json=nowhere)  # 14060: the account has no country
        await send("PUT", "/users/{id}", f"/users/{ann.json()['id']}", json={"region": "BY"})
        entry = {"clientName": "Acme", "projectName": "P", **span}
        await send(
            "POST", "/project_time_entries", "/project_time_entries", json={**entry, "user": "x"}
        )
        backwards = {**entry, "user": "ann", "from": span["to"], "to": span["from"]}
        await send("POST", "/project_time_entries", "/project_time_entries", json=backwards)
        await send("POST", "/project_time_entries/bulk", "/project_time_entries/bulk", json=[])
        clock = {"username": "ann", "date": "2025-03-05T08:00:00Z"}
        await send("POST", "/attendances/clock_out", "/attendances/clock_out", json=clock)
        await send("POST", "/attendances/clock_in", "/attendances/clock_in", json=clock)
        await send("POST", "/attendances/clock_in", "/attendances/clock_in", json=clock)
        pause = {"username": "ann", "date": "2025-03-05T09:00:00Z"}
        timer = "/timers/project_timer"
        await send("POST", f"{timer}/pause", f"{timer}/pause", json=pause)  # 18011
        await send("GET", "/work_reports", "/work_reports?from=2025-03-02&to=2025-03-01")
        await send("GET", "/work_reports", "/work_reports?from=2024-01-01&to=2025-03-01")
        absence = {"username": "ann", "from": "2025-04-01", "to": "2025-04-01"}
        await send("POST", "/absences", "/absences", json={**absence, "absenceType": 999})
        models = "/users/{id}/working_time_models"
        own = f"/users/{ann.json()['id']}/working_time_models"
        await send("POST", models, own, json={"validFrom": "2025-01-01"})
        await send("POST", models, own, json={"validFrom": "2025-01-01"})  # 14052
        assert not undeclared, undeclared
        provoked = {10030, 11010, 11030, 11040, 11050, 12030, 13030, 14030, 14040}
        provoked |= {14052, 14060, 15030, 15041, 16041, 16042, 17140, 18011, 19010, 19011}
        assert provoked <= seen, sorted(provoked - seen)

    async def test_summaries_use_the_right_article(self, doc: dict[str, Any]) -> None:
        assert doc["paths"][f"{API}/absences/{{id}}"]["put"]["description"].startswith(
            "Update an absence."
        )


class TestDocsPage:
    async def test_swagger_ui(self, root: httpx.AsyncClient) -> None:
        response = await root.get("/docs")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "/openapi.json" in response.text


def _strict(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` refusing undocumented keys: every key sent must be documented."""
    return type(
        f"Strict{model.__name__}",
        (model,),
        {"model_config": ConfigDict(**{**model.model_config, "extra": "forbid"})},
    )


def check_against(model: type[BaseModel], doc: dict[str, Any], item: dict[str, Any]) -> None:
    """``item`` validates strictly against ``model`` and against its documented schema."""
    _strict(model).model_validate(item, strict=True, by_alias=True, by_name=False)
    schema = doc["components"]["schemas"][model.__name__]
    assert set(schema.get("required", [])) <= set(item), (model.__name__, item)
    assert set(item) <= set(schema["properties"]), (model.__name__, item)


def documented_model(doc: dict[str, Any], path: str, method: str, status: str) -> str:
    schema = doc["paths"][path][method]["responses"][status]["content"]["application/json"]
    schema = schema["schema"]
    if schema.get("type") == "array":
        schema = schema["items"]
    name: str = schema["$ref"].removeprefix("#/components/schemas/")
    return name


class TestResponseModels:
    async def test_real_responses_match_the_documented_models(
        self, api: httpx.AsyncClient, doc: dict[str, Any]
    ) -> None:
        client = await api.post("/clients", json={"name": "Acme GmbH", "color": "#aabbcc"})
        assert client.status_code == 201, client.text
        project = await api.post(
            "/projects",
            json={"projectName": "Website", "clientName": "Acme GmbH", "hourRate": "80"},
        )
        assert project.status_code == 201, project.text
        task = await api.post("/tasks", json={"name": "Design", "hourRate": 12.5})
        assert task.status_code == 201, task.text

        cases: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
            ("clients", ClientRead, client.json()),
            ("projects", ProjectRead, project.json()),
            ("tasks", TaskRead, task.json()),
        ]
        for resource, model, created in cases:
            one, many = f"{API}/{resource}/{{id}}", f"{API}/{resource}"
            assert documented_model(doc, one, "get", "200") == model.__name__
            assert documented_model(doc, many, "get", "200") == model.__name__
            assert documented_model(doc, many, "post", "201") == model.__name__
            check_against(model, doc, created)

            got = await api.get(f"/{resource}/{created['id']}")
            assert got.status_code == 200, got.text
            check_against(model, doc, got.json())

            listed = await api.get(f"/{resource}")
            assert listed.status_code == 200, listed.text
            assert isinstance(listed.json(), list) and listed.json()
            for item in listed.json():
                check_against(model, doc, item)

            updated = await api.put(f"/{resource}/{created['id']}", json={"notes": "n"})
            assert updated.status_code == 200, updated.text
            check_against(model, doc, updated.json())

    async def test_deleted_record_matches_its_model(
        self, api: httpx.AsyncClient, doc: dict[str, Any]
    ) -> None:
        task = await api.post("/tasks", json={"name": "Gone"})
        deleted = await api.delete(f"/tasks/{task.json()['id']}")
        assert deleted.status_code == 200, deleted.text
        check_against(TaskRead, doc, deleted.json())
        assert deleted.json()["deleted"] is True

    async def test_errors_match_the_envelope_model(self, anon: httpx.AsyncClient) -> None:
        from timetrack.opdocs import ErrorEnvelope

        response = await anon.get("/clients")
        assert response.status_code == 401
        _strict(ErrorEnvelope).model_validate(response.json(), strict=True)
