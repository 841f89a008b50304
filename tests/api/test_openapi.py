"""The OpenAPI document: valid OpenAPI 3.1, built from the routes so it cannot drift from them,
and the readable reference page made from it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask, jsonify
from flask.testing import FlaskClient
from markupsafe import escape
from schemathesis.specs.openapi.definitions import OPENAPI_31

import campaign.api
from campaign import create_app
from campaign.api.openapi import (
    API_PREFIX,
    ATTRIBUTE,
    build_document,
    known_code,
    operation,
    status_of_code,
    undocumented_routes,
)
from campaign.api.reference import inline_code
from campaign.http.error_messages import domain_statuses
from campaign.http.errors import HTTP_CODES


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app's routes and document need no database: an unused in-memory URL will do."""
    return create_app(
        {"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "test-secret-key"}
    )


@pytest.fixture(scope="module")
def document(api_app: Flask) -> dict[str, Any]:
    return build_document(api_app)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            yield path, method, spec


def schemas_in(value: Any) -> Iterator[dict[str, Any]]:
    """Every Schema Object in the document: components, parameters, bodies, responses."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "schema" and isinstance(item, dict):
                yield item
            elif name == "schemas" and isinstance(item, dict):
                yield from (s for s in item.values() if isinstance(s, dict))
            else:
                yield from schemas_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from schemas_in(item)


def refs_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name == "$ref" and isinstance(item, str):
                yield item
            else:
                yield from refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs_in(item)


# -- a valid OpenAPI 3.1 document -----------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    validator = jsonschema_rs.validator_for(OPENAPI_31)
    errors = [str(error).splitlines()[0] for error in validator.iter_errors(document)]
    assert errors == []


def test_the_meta_schema_check_can_fail(document: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(OPENAPI_31)
    broken = {**document, "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    assert not validator.is_valid(broken)  # a response without a description


def test_every_schema_is_a_valid_json_schema(document: dict[str, Any]) -> None:
    found = list(schemas_in(document))
    assert len(found) > 10
    invalid = [schema for schema in found if not jsonschema_rs.meta.is_valid(schema)]
    assert invalid == []


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    names = set(document["components"]["schemas"])
    refs = set(refs_in(document))
    assert refs
    assert {ref for ref in refs if ref.removeprefix("#/components/schemas/") not in names} == set()


def test_operations_are_complete(document: dict[str, Any]) -> None:
    ids = []
    schemes = set(document["components"]["securitySchemes"])
    assert schemes == {"bearerAuth", "partnerToken", "webhookSignature"}
    for path, method, spec in operations(document):
        ids.append(spec["operationId"])
        assert spec["summary"], (method, path)
        assert any(status.startswith("2") for status in spec["responses"]), (method, path)
        for requirement in spec["security"]:
            assert set(requirement) <= schemes
        declared = {p["name"] for p in spec.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
    assert len(ids) == len(set(ids))


def test_error_responses_list_their_codes_under_the_right_status(document: dict) -> None:
    http_status = {code: status for status, (code, _message) in HTTP_CODES.items()}
    for _path, _method, spec in operations(document):
        for status, response in spec["responses"].items():
            if int(status) < 400:
                continue
            schema = response["content"]["application/json"]["schema"]
            codes = schema["properties"]["error"]["properties"]["code"]["enum"]
            assert codes
            for code in codes:
                assert http_status.get(code, domain_statuses().get(code)) == int(status), code


def test_the_hook_documents_every_refusal(document: dict[str, Any]) -> None:
    hook = document["paths"]["/api/v1/hooks/{key}"]["post"]
    codes = {
        int(status): set(
            r["content"]["application/json"]["schema"]["properties"]["error"]["properties"]["code"][
                "enum"
            ]
        )
        for status, r in hook["responses"].items()
        if int(status) >= 400
    }
    assert codes[400] == {"malformed_json", "json_too_deep"}
    assert codes[401] == {"bad_signature", "stale_signature"}
    assert codes[404] == {"unknown_integration"}
    assert {"cap_reached", "duplicate_evidence", "campaign_closed"} <= codes[409]
    assert codes[422] == {"invalid", "unknown_event_type", "event_id_reused"}
    assert 413 in codes and 429 in codes
    assert hook["security"] == [{"webhookSignature": []}]
    assert hook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PartnerEvent"
    }


def test_every_documented_error_code_is_known(document: dict[str, Any]) -> None:
    """A code the error handlers do not know would be answered 400 with a generic message."""
    unknown = set()
    for path, method, spec in operations(document):
        for status, response in spec["responses"].items():
            if int(status) >= 400:
                error = response["content"]["application/json"]["schema"]["properties"]["error"]
                for code in error["properties"]["code"]["enum"]:
                    if not known_code(code):
                        unknown.add(f"{method.upper()} {path}: {code}")
    assert unknown == set(), "give these codes an error class in campaign/errors.py"
    assert not known_code("no_such_code")
    assert status_of_code("no_such_code") == 400  # as status_for answers it
    assert status_of_code("cap_reached") == 409
    assert status_of_code("unsupported_media_type") == 415


# -- no drift between the routes and the document --------------------------------------------


def test_every_api_route_is_documented(api_app: Flask) -> None:
    missing = undocumented_routes(api_app)
    assert missing == [], (
        "These API routes have no @operation (campaign/api/openapi.py); add one directly "
        "under each route decorator:\n  " + "\n  ".join(missing)
    )


def test_every_documented_operation_is_a_route(api_app: Flask, document: dict) -> None:
    adapter = api_app.url_map.bind("localhost")
    for path, method, spec in operations(document):
        concrete = re.sub(r"{\w+}", "1", path)
        endpoint, _args = adapter.match(concrete, method=method.upper())
        assert spec["operationId"].startswith(endpoint), (method, path)


def _unit_of_work_inner(view: Any) -> Any:
    """The decorated function the request boundary (db.unit_of_work) wraps."""
    return view.__wrapped__ if getattr(view, "in_unit_of_work", False) else view


def test_every_annotated_function_is_served(api_app: Flask) -> None:
    """An @operation on a function that no /api/v1 route serves documents nothing: fail."""
    served = {
        id(_unit_of_work_inner(api_app.view_functions[rule.endpoint]))
        for rule in api_app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/")
    }
    stray = []
    for module_info in pkgutil.iter_modules(campaign.api.__path__, "campaign.api."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and getattr(value, ATTRIBUTE, None)
                and id(value) not in served
            ):
                stray.append(f"{module_info.name}.{name}")
    assert stray == []


def test_the_drift_check_names_an_undocumented_route() -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40})

    @app.get(f"{API_PREFIX}/secret-feature/<int:item>")
    def secret_feature(item: int):  # pragma: no cover - never called
        return jsonify(item=item)

    @app.get("/not-api")
    def not_api():  # pragma: no cover - never called
        return ""

    missing = undocumented_routes(app)
    assert "GET /api/v1/secret-feature/<int:item> (secret_feature)" in missing
    assert not any("/not-api" in line for line in missing)
    assert "/api/v1/secret-feature/{item}" not in build_document(app)["paths"]


def test_path_parameters_come_from_the_route() -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40})

    @app.post(f"{API_PREFIX}/things/<int:thing_id>/parts/<name>")
    @operation("A part", tag="test", responses={200: ("ok", None)}, errors=("not_found",))
    def part(thing_id: int, name: str):  # pragma: no cover - never called
        return ""

    spec = build_document(app)["paths"]["/api/v1/things/{thing_id}/parts/{name}"]["post"]
    parameters = {p["name"]: p["schema"] for p in spec["parameters"]}
    assert parameters["thing_id"]["type"] == "integer"
    assert parameters["thing_id"]["maximum"] == 2**63 - 1
    assert parameters["name"]["type"] == "string"
    assert spec["responses"]["404"]["content"]["application/json"]["schema"]["properties"]["error"][
        "properties"
    ]["code"]["enum"] == ["not_found"]


# -- served -----------------------------------------------------------------------------------


def test_the_document_is_served(api_app: Flask, document: dict[str, Any]) -> None:
    response = api_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == document


EXTERNAL = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def test_the_reference_page_lists_every_operation_and_fetches_nothing_from_outside(
    api_app: Flask, document: dict[str, Any]
) -> None:
    client: FlaskClient = api_app.test_client()
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for path, method, spec in operations(document):
        assert f'id="{spec["operationId"].replace(".", "-")}"' in page, (method, path)
        assert path in page and str(escape(spec["summary"])) in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "bad_signature" in page and "X-Aesseuji-Signature" in page
    assert EXTERNAL.search(page) is None
    assert "<script" not in page
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        with client.get(asset) as served:
            assert served.status_code == 200


def test_the_external_check_can_fail() -> None:
    for sample in (
        '<link href="https://cdn.example/x.css">',
        "<script src='//unpkg.com/x.js'>",
        "@import 'x.css'",
        "background: url(http://x/y.png)",
    ):
        assert EXTERNAL.search(sample), sample
    assert EXTERNAL.search('<a href="/api/v1/openapi.json">') is None


def test_descriptions_show_code_and_stay_escaped() -> None:
    assert str(inline_code("Send `t=<unix>` <b>now</b>")) == (
        "Send <code>t=&lt;unix&gt;</code> &lt;b&gt;now&lt;/b&gt;"
    )
