"""Forgotten passwords: a signed, expiring, single-use link mailed to the account's address.

The link carries the user's id and a fingerprint of the password hash they have when it is
made, signed with the app's secret key under a salt of its own. It stops working when it is
older than ``LINK_MAX_AGE``, when the account is deactivated, and as soon as the password
changes — by this link or any other way — so it works once and there is nothing to store.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session

from campaign.errors import PasswordResetLinkInvalid
from campaign.models import LoginFailures, User
from campaign.rules.accounts import EMAIL_MAX, canonical_email, check_password, storable
from campaign.services import accounts, verification

LINK_MAX_AGE = timedelta(hours=1)
_SALT = "aesseuji.password-reset"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def reset_token(secret_key: str, user: User) -> str:
    """The token of the link to mail to ``user.email``."""
    return _serializer(secret_key).dumps({"user": user.id, "pw": _fingerprint(user.password_hash)})


def account_to_mail(session: Session, email: str) -> User | None:
    """The active account a reset link for ``email`` may be mailed to, or None (the caller
    answers the same either way)."""
    email = email or ""
    user = accounts.find_user_by_email(session, email) if storable(email) else None
    return user if user is not None and user.active else None


def user_for_token(session: Session, secret_key: str, token: str, now: datetime) -> User:
    """The user a still-valid link is for; raises PasswordResetLinkInvalid otherwise."""
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature:  # also a malformed token
        raise PasswordResetLinkInvalid() from None
    if not isinstance(payload, dict) or not timedelta(0) <= now - signed_at <= LINK_MAX_AGE:
        raise PasswordResetLinkInvalid()
    user_id, fingerprint = payload.get("user"), payload.get("pw")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.active
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(fingerprint, _fingerprint(user.password_hash))
    ):
        raise PasswordResetLinkInvalid()
    return user


def reset_password(
    session: Session,
    secret_key: str,
    token: str,
    new: str,
    *,
    crew_domains: tuple[str, ...],
    now: datetime,
) -> User:
    """Set the new password of the link's user, end their log-in sessions, revoke their API
    tokens, forget the failed log-ins of their address and mark it verified (the link proves
    the mailbox). Raises PasswordResetLinkInvalid or Invalid (``new_password``)."""
    user = user_for_token(session, secret_key, token, now)
    check_password(new, user.email)
    user.password_hash = accounts.hash_password(new)
    accounts.sign_out_everywhere(session, user, now)
    key = canonical_email(user.email)[:EMAIL_MAX]
    session.execute(delete(LoginFailures).where(LoginFailures.email == key))
    verification.mark_verified(session, user, crew_domains=crew_domains, now=now)
    session.flush()
    return user
