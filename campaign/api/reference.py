"""The API's own description: the OpenAPI document and a readable reference page built from it."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, current_app, render_template
from markupsafe import Markup, escape

from campaign.api.openapi import build_document, operation
from campaign.api.schemas import ref

bp = Blueprint("api_reference", __name__)

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
}


def _document() -> dict[str, Any]:
    # Built once per app: the routes cannot change while it runs.
    cache = current_app.extensions.setdefault("campaign.openapi", {})
    if "document" not in cache:
        cache["document"] = build_document(current_app)
    return cache["document"]


@bp.get("/api/v1/openapi.json")
@operation(
    "This OpenAPI document",
    tag="reference",
    responses={
        200: ("The OpenAPI 3.1 description of every /api/v1 operation.", ref("OpenApiDocument"))
    },
)
def openapi_document() -> Response:
    body = json.dumps(_document(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json")


_CODE_SPAN = re.compile(r"`([^`]+)`")


def inline_code(text: str | None) -> Markup:
    """The document's descriptions mark code with backticks (as Markdown does)."""
    escaped = str(escape(text or ""))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))  # noqa: S704  (escaped above)


def _schema_name(schema: dict[str, Any] | None) -> str | None:
    if schema and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


@bp.get("/api/docs")
def api_docs() -> str:
    """A server-rendered reference page: no script, no asset from elsewhere."""
    document = _document()
    operations = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "anchor": spec["operationId"].replace(".", "-"),
                    "method": method.upper(),
                    "path": path,
                    "spec": spec,
                    "request_schema": body.get("schema"),
                    "request_name": _schema_name(body.get("schema")),
                }
            )
    return render_template(
        "api/docs.html",
        document=document,
        operations=operations,
        schemas=document["components"]["schemas"],
        security_schemes=document["components"]["securitySchemes"],
        status_text=STATUS_TEXT,
        schema_name=_schema_name,
        md=inline_code,
        pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2),
    )
