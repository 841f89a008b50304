"""Deeply nested JSON is refused with 400 before any parser recurses into it (issue 12, 3)."""

from __future__ import annotations

import json
import logging

import pytest
from flask.testing import FlaskClient

from campaign.http.security import MAX_JSON_DEPTH
from campaign.rules.json_depth import nests_deeper_than

DEEP_ARRAYS = "[" * 1000 + "]" * 1000
DEEP_OBJECTS = '{"a":' * 1000 + "1" + "}" * 1000
UNCLOSED = "[" * 1000
ENDPOINTS = (
    "/api/v1/tokens",
    "/api/v1/users",
    "/api/v1/campaigns/any/participants",
    "/api/v1/campaigns/any/actions",
    "/api/v1/hooks/some-integration-key",
)


@pytest.mark.parametrize(
    ("body", "limit", "deeper"),
    [
        (b"{}", 1, False),
        (b"[[1], [2, [3]]]", 3, False),
        (b"[[1], [2, [3]]]", 2, True),
        (b'{"a": {"b": {"c": 1}}}', 3, False),
        (b'{"a": {"b": {"c": 1}}}', 2, True),
        (b'["[[[[[[", "\\"[[[[[", "{{{{"]', 1, False),  # brackets in strings are text
        (b'["\\\\", [[]]]', 2, True),  # an escaped backslash ends nothing: the string closes
        (b"[[[" + b"[]" * 20, 5, True),  # opened and never closed
        (b"[[[", 5, False),  # too few brackets to hurt: the parser refuses it
        (b"]]]]", 1, False),
        (DEEP_ARRAYS.encode(), MAX_JSON_DEPTH, True),
        (DEEP_OBJECTS.encode(), MAX_JSON_DEPTH, True),
        (b"[]" * 100_000, MAX_JSON_DEPTH, False),
    ],
)
def test_nesting_is_measured_on_the_bytes(body: bytes, limit: int, deeper: bool) -> None:
    assert nests_deeper_than(body, limit) is deeper


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("body", [DEEP_ARRAYS, DEEP_OBJECTS, UNCLOSED])
def test_deep_json_is_a_400_for_a_stranger(
    client: FlaskClient, endpoint: str, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    response = client.post(endpoint, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_webhook_is_guarded_whatever_the_content_type(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/hooks/some-integration-key", data=DEEP_ARRAYS, content_type="text/plain"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"


def test_brackets_inside_strings_pass_the_guard(client: FlaskClient) -> None:
    body = json.dumps({"email": "[" * 1000, "password": "{" * 1000})
    response = client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert response.status_code != 400
    assert response.get_json()["error"]["code"] != "json_too_deep"


def test_the_json_provider_turns_recursion_into_a_bad_request(client: FlaskClient) -> None:
    app = client.application
    with pytest.raises(ValueError, match="nested too deeply"):
        app.json.loads("[" * 100_000 + "]" * 100_000)
