"""Webhook signatures and event shapes: pure rules, no database."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from campaign.errors import BadSignature, Invalid, MalformedJson, StaleSignature
from campaign.rules import signatures
from campaign.rules.signatures import (
    accepted_secrets,
    parse_header,
    sign,
    signature_header,
    verify,
)
from campaign.rules.webhook_events import decode_body, read_event

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
T = int(NOW.timestamp())
SECRET = "whsec_current"
OLD = "whsec_previous"
BODY = b'{"id":"evt_1","type":"edoc.switched"}'


def test_sign_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, T, BODY) == expected
    assert signature_header(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_a_correct_signature_passes_and_returns_its_timestamp() -> None:
    assert verify(signature_header(SECRET, T, BODY), BODY, [SECRET], NOW) == T


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("   ", "missing"),
        ("garbage", "malformed"),
        (f"t={T}", "malformed"),  # no v1
        ("v1=" + "a" * 64, "malformed"),  # no t
        (f"t=abc,v1={'a' * 64}", "malformed"),
        (f"t={T},t={T},v1={'a' * 64}", "malformed"),
        (f"t={T},v1=xyz", "malformed"),
        (f"t={T},v1={'g' * 64}", "malformed"),
        (f"t=-{T},v1={'a' * 64}", "malformed"),
        (f"t=１２３,v1={'a' * 64}", "malformed"),  # full-width digits are not ASCII digits
        (f"t={T}," + ",".join(["v1=" + "a" * 64] * 9), "malformed"),
        (f"t={T},v1={'a' * 64}", "mismatch"),
    ],
)
def test_bad_headers_are_refused_with_a_reason(header: str | None, reason: str) -> None:
    with pytest.raises(BadSignature) as raised:
        verify(header, BODY, [SECRET], NOW)
    assert raised.value.params["reason"] == reason


def test_a_changed_body_or_timestamp_breaks_the_signature() -> None:
    header = signature_header(SECRET, T, BODY)
    with pytest.raises(BadSignature):
        verify(header, BODY + b" ", [SECRET], NOW)
    forged = header.replace(f"t={T}", f"t={T + 1}")
    with pytest.raises(BadSignature):
        verify(forged, BODY, [SECRET], NOW)


def test_a_signature_with_another_secret_is_refused() -> None:
    with pytest.raises(BadSignature):
        verify(signature_header("whsec_someone_else", T, BODY), BODY, [SECRET], NOW)


@pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
def test_a_timestamp_outside_five_minutes_is_stale(offset: int) -> None:
    header = signature_header(SECRET, T + offset, BODY)
    with pytest.raises(StaleSignature):
        verify(header, BODY, [SECRET], NOW)


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_a_timestamp_within_five_minutes_passes(offset: int) -> None:
    assert verify(signature_header(SECRET, T + offset, BODY), BODY, [SECRET], NOW) == T + offset


def test_a_stale_request_with_a_wrong_signature_says_bad_signature() -> None:
    # Without the secret nobody learns whether the timestamp was the problem.
    header = f"t={T - 3600},v1={'a' * 64}"
    with pytest.raises(BadSignature):
        verify(header, BODY, [SECRET], NOW)


def test_any_v1_may_match_any_accepted_secret() -> None:
    header = signature_header([OLD, SECRET], T, BODY)
    assert verify(header, BODY, [SECRET], NOW) == T
    assert verify(signature_header(OLD, T, BODY), BODY, [SECRET, OLD], NOW) == T
    upper = signature_header(SECRET, T, BODY).upper().replace("T=", "t=").replace("V1=", "v1=")
    assert verify(upper, BODY, [SECRET], NOW) == T


def test_unknown_keys_in_the_header_are_ignored() -> None:
    header = signature_header(SECRET, T, BODY) + ",v0=whatever"
    assert parse_header(header).signatures == (sign(SECRET, T, BODY),)
    assert verify(header, BODY, [SECRET], NOW) == T


def test_previous_secret_is_accepted_only_during_its_grace_period() -> None:
    until = NOW + timedelta(hours=24)
    assert accepted_secrets(SECRET, OLD, until, NOW) == (SECRET, OLD)
    assert accepted_secrets(SECRET, OLD, until, until) == (SECRET,)
    assert accepted_secrets(SECRET, OLD, None, NOW) == (SECRET,)
    assert accepted_secrets(SECRET, None, until, NOW) == (SECRET,)


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every candidate is compared with hmac.compare_digest, and all of them are compared even
    after a match (no early exit whose timing tells how many secrets were tried)."""
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signatures.hmac, "compare_digest", spy)
    header = signature_header([SECRET, "whsec_other"], T, BODY)
    verify(header, BODY, [SECRET, OLD], NOW)
    assert len(calls) == 4  # 2 secrets x 2 signatures
    assert (sign(SECRET, T, BODY), sign(SECRET, T, BODY)) in calls


EVENT = {
    "id": "evt_0001",
    "type": "edoc.switched",
    "occurred_at": "2026-11-25T12:00:00+09:00",
    "user": {"email": " Someone@Example.com "},
    "evidence": "bill-0001",
}


def test_a_well_formed_event_is_read() -> None:
    event = read_event(decode_body(json.dumps(EVENT).encode()))
    assert event.id == "evt_0001"
    assert event.type == "edoc.switched"
    assert event.occurred_at == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    assert event.email == "someone@example.com"
    assert event.evidence == "bill-0001"
    no_evidence = read_event({**EVENT, "evidence": None, "occurred_at": "2026-11-25T03:00:00Z"})
    assert no_evidence.evidence is None
    assert no_evidence.occurred_at == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b'{"a": 1'])
def test_a_body_that_is_not_json_is_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedJson):
        decode_body(raw)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"id": None}, "id", "required"),
        ({"id": ""}, "id", "required"),
        ({"id": 5}, "id", "required"),
        ({"id": "has space"}, "id", "event_id_format"),
        ({"id": "x" * 101}, "id", "event_id_format"),
        ({"id": "évt"}, "id", "event_id_format"),
        ({"type": None}, "type", "required"),
        ({"type": "Edoc Switched"}, "type", "event_type_format"),
        ({"occurred_at": None}, "occurred_at", "required"),
        ({"occurred_at": "yesterday"}, "occurred_at", "datetime_format"),
        ({"occurred_at": "2026-11-25T12:00:00"}, "occurred_at", "datetime_format"),
        ({"occurred_at": "2026-11-25"}, "occurred_at", "datetime_format"),
        ({"user": None}, "user", "required"),
        ({"user": "a@example.com"}, "user", "required"),
        ({"user": {}}, "email", "required"),
        ({"user": {"email": "not-an-email"}}, "email", "email_format"),
        ({"user": {"email": "a\x00b@example.com"}}, "email", "email_format"),
        ({"user": {"email": "a\ud800@example.com"}}, "email", "email_format"),
        ({"evidence": 7}, "evidence", "required"),
        ({"evidence": "bill\ud800"}, "evidence", "bad_characters"),
    ],
)
def test_a_wrong_shape_names_the_field(changes: dict, field: str, reason: str) -> None:
    with pytest.raises(Invalid) as raised:
        read_event({**EVENT, **changes})
    assert (raised.value.field, raised.value.reason) == (field, reason)


@pytest.mark.parametrize("value", [[], "text", 3, None])
def test_an_event_must_be_an_object(value: object) -> None:
    with pytest.raises(Invalid) as raised:
        read_event(value)
    assert raised.value.field == "body"
