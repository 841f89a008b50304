"""Random secrets handed to a client once and stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import ApiToken, User


def new_secret(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def live_token_with_owner(session: Session, secret: str) -> tuple[ApiToken, User | None] | None:
    """The live (unrevoked) token for a bearer secret and its user (None for a partner's token),
    read in one statement, or None. Read from the database every time, so a revoke takes effect
    on the next request."""
    row = session.execute(
        select(ApiToken, User)
        .outerjoin(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row is not None else None
