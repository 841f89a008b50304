"""Proving a mailbox: a signed, expiring link, and what a verified address brings.

The link carries the user's id and the address it was sent to, signed with the app's secret
key under a salt of its own (so no other signed value of the app passes for one). It stops
working when it is older than ``LINK_MAX_AGE``, when the address has changed since, and once
it has been used (the account is verified already): there is nothing to store.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from campaign.errors import VerificationLinkInvalid
from campaign.models import Role, User
from campaign.rules.accounts import email_domain
from campaign.services import webhooks

LINK_MAX_AGE = timedelta(days=2)
_SALT = "aesseuji.email-verification"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def verification_token(secret_key: str, user: User) -> str:
    """The token of the link to mail to ``user.email``."""
    return _serializer(secret_key).dumps({"user": user.id, "email": user.email})


def verify_email(
    session: Session,
    secret_key: str,
    token: str,
    *,
    crew_domains: tuple[str, ...],
    now: datetime,
) -> User:
    """Mark the address of the link verified; returns the user.

    Then, and only then, an address at one of ``crew_domains`` makes a user crew, and the
    partner events kept pending for the address are credited. Raises VerificationLinkInvalid
    for a forged, expired or used link, or one sent to an address the user no longer has.
    """
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature:  # also a malformed token
        raise VerificationLinkInvalid() from None
    if not isinstance(payload, dict) or now - signed_at > LINK_MAX_AGE:
        raise VerificationLinkInvalid()
    user_id, email = payload.get("user"), payload.get("email")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.email != email or user.is_verified:
        raise VerificationLinkInvalid()
    mark_verified(session, user, crew_domains=crew_domains, now=now)
    return user


def mark_verified(
    session: Session, user: User, *, crew_domains: tuple[str, ...], now: datetime
) -> None:
    """``user`` has proven their mailbox: record it, make a company address crew and credit
    the partner events kept pending for the address. Does nothing for a verified user."""
    if user.is_verified:
        return
    user.email_verified_at = now
    if user.role == Role.USER and email_domain(user.email) in crew_domains:
        user.role = Role.CREW
    session.flush()
    webhooks.credit_pending(session, user, now)
