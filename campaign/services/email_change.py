"""Changing one's e-mail address: the new address must prove its mailbox before it counts.

The owner asks with their password; a signed, expiring link goes to the new address. The
address changes only when that link is followed, and the old address is told afterwards. The
link carries the user's id, the address it changes from and the one it changes to, signed with
the app's secret key under a salt of its own. It stops working when it is older than
``LINK_MAX_AGE``, once it has been used (the account no longer has the "from" address), and
when another account has taken the new address meanwhile: there is nothing to store.

Asking answers the same whether or not the new address belongs to another account (the link
is then simply not sent), so the form cannot be used to find out who has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from campaign.errors import EmailChangeLinkInvalid, Invalid
from campaign.models import User
from campaign.rules.accounts import normalize_email
from campaign.services import accounts, verification

LINK_MAX_AGE = timedelta(hours=24)
_SALT = "aesseuji.email-change"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


@dataclass(frozen=True)
class ChangeRequest:
    """``new_email`` is free when ``available``; only then is a link mailed to it."""

    user: User
    new_email: str
    available: bool


def change_token(secret_key: str, user: User, new_email: str) -> str:
    """The token of the link to mail to ``new_email``."""
    return _serializer(secret_key).dumps({"user": user.id, "from": user.email, "to": new_email})


def request_change(session: Session, user: User, *, password: str, new_email: str) -> ChangeRequest:
    """Check the password and the new address. Raises Invalid (``password``: wrong_password;
    ``new_email``: the address rules, or email_same). Changes nothing."""
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid("password", "wrong_password")
    try:
        email = normalize_email(new_email)
    except Invalid as exc:
        raise Invalid("new_email", exc.reason) from None
    if email == user.email:
        raise Invalid("new_email", "email_same")
    available = accounts.find_user_by_email(session, email) is None
    return ChangeRequest(user, email, available)


@dataclass(frozen=True)
class Changed:
    user: User
    old_email: str


def confirm_change(
    session: Session,
    secret_key: str,
    token: str,
    *,
    crew_domains: tuple[str, ...],
    now: datetime,
) -> Changed:
    """Move the account to the link's new address, which the link has just proved: it counts
    as verified (a company address makes the user crew; pending partner events for it are
    credited). Raises EmailChangeLinkInvalid for a forged, expired or used link, a deleted or
    deactivated account, or an address another account has taken since."""
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature:  # also a malformed token
        raise EmailChangeLinkInvalid() from None
    if not isinstance(payload, dict) or not timedelta(0) <= now - signed_at <= LINK_MAX_AGE:
        raise EmailChangeLinkInvalid()
    user_id, old, new = payload.get("user"), payload.get("from"), payload.get("to")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.deleted_at is not None or user.email != old:
        raise EmailChangeLinkInvalid()
    if not isinstance(new, str) or accounts.find_user_by_email(session, new) is not None:
        raise EmailChangeLinkInvalid()
    try:
        with session.begin_nested():  # a sign-up racing for the address fails this alone
            user.email = new
            user.email_verified_at = None
            session.flush()
    except IntegrityError:
        raise EmailChangeLinkInvalid() from None
    verification.mark_verified(session, user, crew_domains=crew_domains, now=now)
    return Changed(user, old)
