"""The shape of an event a partner system posts to a webhook, checked before anything is written.

{"id": "evt_0001", "type": "edoc.switched", "occurred_at": "2026-11-25T12:00:00+09:00",
 "user": {"email": "someone@example.com"}, "evidence": "bill-2026-11-0001"}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from campaign.errors import Invalid, MalformedJson
from campaign.rules.accounts import normalize_email

EVENT_ID_MAX = 100
EVENT_TYPE_MAX = 60
# Event types are lower-case dotted names: "edoc.switched", "vote.cast".
EVENT_TYPE_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,59}$"
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)


@dataclass(frozen=True)
class PartnerEvent:
    id: str
    type: str
    occurred_at: datetime
    email: str
    evidence: str | None


def decode_body(body: bytes) -> Any:
    """The JSON value of a raw body; MalformedJson when it is not UTF-8 JSON."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedJson() from exc


def clean_event_id(raw: Any) -> str:
    """1–100 visible ASCII characters, as the sender wrote them (ids are compared exactly)."""
    if not isinstance(raw, str) or not raw:
        raise Invalid("id", "required")
    if len(raw) > EVENT_ID_MAX or not all(0x21 <= ord(ch) <= 0x7E for ch in raw):
        raise Invalid("id", "event_id_format", max=EVENT_ID_MAX)
    return raw


def clean_event_type(raw: Any, field: str = "type") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(field, "required")
    value = raw.strip()
    if not _EVENT_TYPE.match(value):
        raise Invalid(field, "event_type_format")
    return value


def parse_timestamp(raw: Any, field: str = "occurred_at") -> datetime:
    """An RFC 3339 date-time with an offset (``Z`` or ``+09:00``), returned in UTC."""
    if not isinstance(raw, str) or not raw:
        raise Invalid(field, "required")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(field, "datetime_format") from exc
    if value.tzinfo is None or "T" not in raw.upper():
        raise Invalid(field, "datetime_format")
    return value.astimezone(UTC)


def _storable(text: str) -> bool:
    """JSON can carry lone surrogates ("\\ud800") that no database column accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_event(data: Any) -> PartnerEvent:
    """Check a decoded event; Invalid names the first field that is wrong.

    The evidence is returned as sent (trimmed): the action type decides whether it is needed and
    unique (rules/evidence.py).
    """
    if not isinstance(data, dict):
        raise Invalid("body", "not_an_object")
    event_id = clean_event_id(data.get("id"))
    event_type = clean_event_type(data.get("type"))
    occurred_at = parse_timestamp(data.get("occurred_at"))
    user = data.get("user")
    if not isinstance(user, dict):
        raise Invalid("user", "required")
    email = user.get("email")
    if not isinstance(email, str):
        raise Invalid("email", "required")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in email) or not _storable(email):
        raise Invalid("email", "email_format")
    email = normalize_email(email)
    evidence = data.get("evidence")
    if evidence is not None and not isinstance(evidence, str):
        raise Invalid("evidence", "required")
    if evidence is not None and not _storable(evidence):
        raise Invalid("evidence", "bad_characters")
    return PartnerEvent(event_id, event_type, occurred_at, email, evidence)
