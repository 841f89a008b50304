"""Every error answers in the reader's language, as a page or as JSON, never as a bare 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from tests.web.helpers import text

STATUSES = [400, 403, 404, 405, 409, 413, 429, 500]
CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
}
KOREAN = {
    400: "요청을 이해할 수 없어요",
    403: "권한이 없어요",
    404: "페이지가 없어요",
    405: "그 방식의 요청을 받지 않아요",
    409: "충돌하는",
    413: "너무 커요",
    429: "요청이 너무 많아요",
    500: "문제가 생겼어요",
}
ENGLISH = {
    400: "could not be understood",
    403: "not allowed",
    404: "no page at this address",
    405: "does not accept that method",
    409: "conflicts",
    413: "too large",
    429: "Too many requests",
    500: "went wrong on our side",
}


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with a route that fails with the status it is given."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail(status: int) -> str:
        if status == 500:
            raise RuntimeError("boom")
        abort(status)

    app.add_url_rule("/test-fail/<int:status>", view_func=fail, methods=["GET"])
    return app


@pytest.mark.parametrize("status", STATUSES)
def test_error_page_in_korean_by_default(failing_app: Flask, status: int) -> None:
    client = failing_app.test_client()
    response = client.post("/test-fail/1") if status == 405 else client.get(f"/test-fail/{status}")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert KOREAN[status] in text(response)


@pytest.mark.parametrize("status", STATUSES)
def test_error_page_in_english_when_chosen(failing_app: Flask, status: int) -> None:
    client = failing_app.test_client()
    client.get("/lang/en")
    response = client.post("/test-fail/1") if status == 405 else client.get(f"/test-fail/{status}")
    assert response.status_code == status
    assert ENGLISH[status] in text(response)
    assert '<html lang="en">' in text(response)


@pytest.mark.parametrize("status", STATUSES)
def test_error_as_json_when_asked(failing_app: Flask, status: int) -> None:
    client = failing_app.test_client()
    headers = {"Accept": "application/json"}
    response = (
        client.post("/test-fail/1", headers=headers)
        if status == 405
        else client.get(f"/test-fail/{status}", headers=headers)
    )
    assert response.status_code == status
    assert response.is_json
    assert response.json["error"]["code"] == CODES[status]
    assert KOREAN[status] in response.json["error"]["message"]


def test_api_paths_always_answer_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json == {
        "error": {"code": "not_found", "message": "이 주소에는 페이지가 없어요."}
    }


def test_too_large_body_is_413(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = app.test_client().post(
        "/api/v1/users", data="x" * 5000, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_rate_limit_answers_429(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    # A different address each time: this is the per-network-address limit, not the
    # per-account lock (tests/web/test_account_security.py).
    statuses = [
        client.post("/api/v1/tokens", json={"email": f"a{n}@example.com", "password": "x"})
        for n in range(12)
    ]
    assert [s.status_code for s in statuses[:10]] == [401] * 10
    assert statuses[-1].status_code == 429
    last = client.post("/api/v1/tokens", json={"email": "z@example.com", "password": "x"})
    assert last.json["error"]["code"] == "rate_limited"
