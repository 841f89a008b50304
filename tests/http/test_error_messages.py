"""Every domain error answers with its own status and a message in Korean and English, and every
/api error has one shape."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.errors import UNKNOWN_REASON, CapReached, DomainError, Invalid, NotFound, Reason
from campaign.http.error_messages import error_classes, message_for
from campaign.translations.catalog import load

CAMPAIGN = Path(__file__).resolve().parents[2] / "campaign"


def raised_reasons() -> dict[str, str]:
    """Each reason written as a literal in an ``Invalid(field, reason)`` under campaign/,
    with one place it is raised."""
    found: dict[str, str] = {}
    for path in CAMPAIGN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            reason = node.args[1]
            if name == "Invalid" and isinstance(reason, ast.Constant):
                found.setdefault(reason.value, f"{path.relative_to(CAMPAIGN)}:{node.lineno}")
    return found


def test_the_scan_finds_the_reasons_it_should() -> None:
    reasons = raised_reasons()
    assert {"required", "too_long", "extend_later", "run_too_long"} <= set(reasons)


def test_every_raised_reason_has_a_message() -> None:
    missing = {r: where for r, where in raised_reasons().items() if r not in set(Reason)}
    assert missing == {}, "add these to campaign.errors.Reason"


def test_every_reason_and_error_message_has_korean() -> None:
    catalogue = load()
    english = [reason.message for reason in Reason]
    english += [cls.message for cls in error_classes()]
    english += [CapReached.daily, UNKNOWN_REASON]
    untranslated = [m for m in english if not (catalogue.get(m) and catalogue.get(m).string)]
    assert untranslated == []


def test_every_error_class_has_a_status_and_a_code() -> None:
    for cls in error_classes():
        assert 400 <= cls.status < 500, cls
        assert cls.code and cls.message, cls


@pytest.mark.parametrize(("lang", "expected"), [("en", "after the current end"), ("ko", "종료일")])
def test_an_extension_that_is_not_later_says_so(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        message = message_for(Invalid("ends_at", "extend_later"))
    assert expected in message
    assert message != message_for(Invalid("ends_at", "no_such_reason"))


def test_parameters_fill_the_message(app: Flask) -> None:
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert message_for(Invalid("name", "too_long", max=60)) == "Use at most 60 characters."
        assert "(3)" in message_for(CapReached(cap="daily", limit=3))
        assert "today" in message_for(CapReached(cap="daily", limit=3))
        assert "today" not in message_for(CapReached(cap="total", limit=3))
        assert message_for(NotFound()) == "We could not find that."


def test_an_error_class_without_a_status_answers_400() -> None:
    class Unforeseen(DomainError):
        code = "unforeseen"

    assert Unforeseen().status == 400 and Unforeseen().template()


def test_an_invalid_from_any_api_names_its_field_and_reason(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/users", json={"email": "x", "password": "a long enough pw 1", "display_name": "a"}
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid" and error["message"]
    assert (error["field"], error["reason"]) == ("email", "email_format")
