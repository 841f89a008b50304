"""The OpenAPI 3.1 document of ``/api/v1``, assembled from the code so it cannot drift.

Each API view carries its operation, written beside it with ``@operation(...)`` directly under
the route decorator::

    @bp.post("/users")
    @operation(
        "Sign up",
        tag="accounts",
        request=ref("SignUpRequest"),
        responses={202: ("Check your mail.", ref("SignUpAccepted"))},
        errors=(*JSON_BODY, *RATE_LIMITED),
    )
    def sign_up(): ...

``build_document`` walks the app's URL map: every rule under ``/api/v1`` becomes a path (its
path parameters come from the rule's converters), every method an operation. A route without
an annotation is listed by ``undocumented_routes`` (and a test fails); an annotation on a
function no route serves documents nothing. Error responses are built from the error codes an
operation can answer: their HTTP statuses come from where the error handlers take them (the
``status`` of each class in ``campaign/errors.py``, ``HTTP_CODES`` in ``campaign/http/errors.py``),
and each status lists its codes as an ``enum``, so a fuzzer checks our claims too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from werkzeug.routing import Rule

from campaign.api.schemas import COMPONENTS, Schema
from campaign.http.error_messages import domain_statuses
from campaign.http.errors import HTTP_CODES
from campaign.rules.signatures import SIGNATURE_HEADER

API_PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
ATTRIBUTE = "openapi_operation"

# Security requirements, by scheme name (see SECURITY_SCHEMES); any one of them suffices, and
# "" means "without credentials" (a public read that a token may personalise).
PUBLIC: tuple[str, ...] = ()
USER = ("bearerAuth",)
OPTIONAL_USER = ("", "bearerAuth")
PARTNER = ("partnerToken",)
SIGNED = ("webhookSignature",)

# Error codes most operations share.
JSON_BODY = (
    "bad_request",
    "json_too_deep",
    "payload_too_large",
    "unsupported_media_type",
    "invalid",
)
RATE_LIMITED = ("rate_limited",)
NEEDS_TOKEN = ("unauthorized",)

SECURITY_SCHEMES: dict[str, Schema] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "A user's API token: `POST /api/v1/tokens`, or the account page. "
            "Send `Authorization: Bearer <token>`."
        ),
    },
    "partnerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "A partner charity's token, issued by an admin; it reads only that partner's own "
            "totals and reports the status of the receipts it issues. "
            "Send `Authorization: Bearer <token>`."
        ),
    },
    "webhookSignature": {
        "type": "apiKey",
        "in": "header",
        "name": SIGNATURE_HEADER,
        "description": (
            '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + raw body, keyed with the '
            "integration's secret>`. Refused when no `v1` matches or `t` is more than 5 minutes "
            "from our clock. During a secret rotation the old secret keeps working for a grace "
            "period; a sender may put two `v1` entries."
        ),
    },
}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Body:
    """A response body in several media types (a file export): media type → schema."""

    media: Mapping[str, Schema]


Success = tuple[str, Schema | Body | None]


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    responses: Mapping[int, Success]
    errors: tuple[str, ...] = ()
    security: tuple[str, ...] = PUBLIC
    request: Schema | None = None
    request_required: bool = True
    parameters: tuple[Schema, ...] = ()
    description: str = ""
    methods: frozenset[str] | None = None  # None: every method of the route

    def error_statuses(self) -> dict[int, list[str]]:
        """The error codes grouped by the status they are answered with."""
        grouped: dict[int, list[str]] = {}
        for code in self.errors:
            grouped.setdefault(status_of_code(code), []).append(code)
        return grouped


def operation(
    summary: str,
    *,
    tag: str,
    responses: Mapping[int, Success],
    errors: Iterable[str] = (),
    security: tuple[str, ...] = PUBLIC,
    request: Schema | None = None,
    request_required: bool = True,
    parameters: Iterable[Schema] = (),
    description: str = "",
    methods: Iterable[str] | None = None,
) -> Callable[[F], F]:
    """Attach the OpenAPI operation to a view. Put it directly under the route decorator.

    ``responses``: success status → (description, JSON body schema, a ``Body`` of several
    media types, or None). ``errors``: every error code the view can answer (their statuses
    are looked up; the test suite refuses a code the error handlers do not know).
    ``request_required=False`` for a body that may be left out. ``methods`` restricts the
    annotation to some of the route's methods, for a view serving several.
    """
    unique_errors = tuple(dict.fromkeys(errors))
    spec = Operation(
        summary=summary,
        tag=tag,
        responses=dict(responses),
        errors=unique_errors,
        security=security,
        request=request,
        request_required=request_required,
        parameters=tuple(parameters),
        description=description,
        methods=frozenset(m.upper() for m in methods) if methods else None,
    )

    def attach(view: F) -> F:
        existing: list[Operation] = list(getattr(view, ATTRIBUTE, ()))
        existing.append(spec)
        setattr(view, ATTRIBUTE, tuple(existing))
        return view

    return attach


_HTTP_STATUS = {code: status for status, (code, _message) in HTTP_CODES.items()}


def status_of_code(code: str) -> int:
    """The status an error code is answered with, exactly as the error handlers decide it
    (a code no error class has is answered 400: ``known_code`` tells them apart)."""
    if code in _HTTP_STATUS:
        return _HTTP_STATUS[code]
    return domain_statuses().get(code, 400)


def known_code(code: str) -> bool:
    return code in _HTTP_STATUS or code in domain_statuses()


def header(name: str, description: str, *, required: bool = False, **schema: Any) -> Schema:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def query(name: str, description: str, *, required: bool = False, **schema: Any) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", **schema},
    }


_VARIABLE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>.*?)\))?:)?"
    r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)
_BIGINT_MAX = 2**63 - 1  # what both databases can store in an id column


def _path_schema(converter: str | None) -> Schema:
    if converter == "int":
        return {"type": "integer", "minimum": 0, "maximum": _BIGINT_MAX}
    if converter == "uuid":
        return {"type": "string", "format": "uuid"}
    if converter == "path":
        return {"type": "string", "minLength": 1}
    return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}


def openapi_path(rule: Rule) -> tuple[str, list[Schema]]:
    """``/api/v1/hooks/<key>`` → ``/api/v1/hooks/{key}`` and its path parameters."""
    parameters: list[Schema] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": _path_schema(match.group("converter")),
            }
        )
        return "{" + name + "}"

    return _VARIABLE.sub(replace, rule.rule), parameters


def _api_rules(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(API_PREFIX + "/")),
        key=lambda r: (r.rule, r.endpoint),
    )


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _spec_for(view: Callable[..., Any], method: str) -> Operation | None:
    for spec in getattr(view, ATTRIBUTE, ()):
        if spec.methods is None or method in spec.methods:
            return spec
    return None


def undocumented_routes(app: Flask) -> list[str]:
    """``"METHOD /path (endpoint)"`` for every API route without an ``@operation``."""
    missing = []
    for rule in _api_rules(app):
        view = app.view_functions[rule.endpoint]
        for method in _methods(rule):
            if _spec_for(view, method) is None:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    return missing


def _json(schema: Schema | Body | None) -> dict[str, Any]:
    if schema is None:
        return {}
    if isinstance(schema, Body):
        return {"content": {media: {"schema": item} for media, item in schema.media.items()}}
    return {"content": {"application/json": {"schema": schema}}}


def _error_response(status: int, codes: list[str]) -> dict[str, Any]:
    listed = ", ".join(f"`{code}`" for code in codes)
    return {
        "description": f"Error: {listed}.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string", "enum": codes},
                                "message": {"type": "string"},
                                "field": {"type": "string"},
                                "reason": {"type": "string"},
                            },
                        }
                    },
                }
            }
        },
    }


def render_operation(
    spec: Operation, rule: Rule, method: str, path_parameters: list[Schema]
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(status): {"description": description, **_json(schema)}
        for status, (description, schema) in sorted(spec.responses.items())
    }
    for status, codes in sorted(spec.error_statuses().items()):
        responses[str(status)] = _error_response(status, codes)
    rendered: dict[str, Any] = {
        "operationId": rule.endpoint if len(_methods(rule)) == 1 else f"{rule.endpoint}.{method}",
        "summary": spec.summary,
        "tags": [spec.tag],
        "security": [{name: []} if name else {} for name in spec.security],
        "responses": responses,
    }
    if spec.description:
        rendered["description"] = spec.description
    parameters = [*path_parameters, *spec.parameters]
    if parameters:
        rendered["parameters"] = parameters
    if spec.request is not None:
        rendered["requestBody"] = {"required": spec.request_required, **_json(spec.request)}
    return rendered


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented route under ``/api/v1``.

    An undocumented route is left out here (the document must still be served) and reported by
    ``undocumented_routes``, which the test suite requires to be empty.
    """
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, None] = {}
    for rule in _api_rules(app):
        view = app.view_functions[rule.endpoint]
        path, path_parameters = openapi_path(rule)
        for method in _methods(rule):
            spec = _spec_for(view, method)
            if spec is None:
                continue
            paths.setdefault(path, {})[method.lower()] = render_operation(
                spec, rule, method, path_parameters
            )
            tags[spec.tag] = None
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "aesseuji API",
            "version": "1",
            "description": (
                "Donation challenge campaigns. Errors answer "
                '`{"error": {"code": "…", "message": "…"}}`: `code` is stable for programs, '
                "`message` is for people (Korean; English with the cookie `lang=en`). "
                "Amounts are whole won (₩) as integers."
            ),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": COMPONENTS, "securitySchemes": SECURITY_SCHEMES},
    }
