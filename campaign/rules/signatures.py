"""Signed webhooks: how a partner signs a request body and how we check it (HMAC-SHA256).

The header, Stripe-style::

    X-Aesseuji-Signature: t=1764039600,v1=5257a869e7ec…(64 hex digits)

``v1`` is the hex HMAC-SHA256, keyed with the integration's secret, of ``b"<t>." + raw body``.
While a secret is being rotated the sender may put two ``v1`` entries (old and new secret); the
request passes when any of them matches any secret we accept at that moment. Signing the
timestamp with the body lets us refuse a captured request replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from campaign.errors import BadSignature, StaleSignature

SIGNATURE_HEADER = "X-Aesseuji-Signature"
TOLERANCE = timedelta(minutes=5)
MAX_SIGNATURES = 8  # bounds the work one request can ask for
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class SignatureHeader:
    timestamp: int
    signatures: tuple[str, ...]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex ``v1`` signature of ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets: str | Iterable[str], timestamp: int, body: bytes) -> str:
    """The header value a sender puts on a request: one ``v1`` per secret it signs with."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    return ",".join([f"t={timestamp}", *(f"v1={sign(key, timestamp, body)}" for key in keys)])


def parse_header(value: str | None) -> SignatureHeader:
    """Split the header into its timestamp and ``v1`` signatures; BadSignature when it is
    missing or not of that form. Unknown keys (a future ``v2``) are ignored."""
    if not value or not value.strip():
        raise BadSignature(reason="missing")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        name, sep, item = part.strip().partition("=")
        if not sep:
            raise BadSignature(reason="malformed")
        if name == "t":
            if timestamp is not None or not item.isascii() or not item.isdigit() or len(item) > 12:
                raise BadSignature(reason="malformed")
            timestamp = int(item)
        elif name == "v1":
            item = item.lower()
            if len(item) != 64 or not set(item) <= _HEX:
                raise BadSignature(reason="malformed")
            signatures.append(item)
    if timestamp is None or not signatures or len(signatures) > MAX_SIGNATURES:
        raise BadSignature(reason="malformed")
    return SignatureHeader(timestamp, tuple(signatures))


def accepted_secrets(
    current: str, previous: str | None, previous_valid_until: datetime | None, now: datetime
) -> tuple[str, ...]:
    """The secrets a signature may use at ``now``: the current one, and the previous one until
    its grace period after a rotation ends."""
    if previous and previous_valid_until is not None and now < previous_valid_until:
        return (current, previous)
    return (current,)


def verify(
    header: str | None,
    body: bytes,
    secrets: Sequence[str],
    now: datetime,
    tolerance: timedelta = TOLERANCE,
) -> int:
    """Check a request's signature header against its raw body; returns the signed timestamp.

    Raises BadSignature unless some ``v1`` matches some secret, then StaleSignature when the
    signed timestamp is more than ``tolerance`` before or after ``now``. The signature is
    checked first, so only a holder of the secret learns anything about our clock. Every
    comparison is constant-time (``hmac.compare_digest``) and all of them run, so the time taken
    says nothing about how close a guess was.
    """
    parsed = parse_header(header)
    matched = False
    for secret in secrets:
        expected = sign(secret, parsed.timestamp, body)
        for given in parsed.signatures:
            matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise BadSignature(reason="mismatch")
    if abs(now.timestamp() - parsed.timestamp) > tolerance.total_seconds():
        raise StaleSignature(timestamp=parsed.timestamp)
    return parsed.timestamp
