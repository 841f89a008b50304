"""Factories: build what a test needs in one call, with overridable defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from campaign.models import Role, User
from campaign.services.accounts import hash_password

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 12:00 KST
_numbers = itertools.count(1)
_HASH = hash_password(PASSWORD)


def make_user(
    session: Session,
    *,
    email: str | None = None,
    name: str | None = None,
    role: Role = Role.USER,
    password: str | None = None,
) -> User:
    n = next(_numbers)
    user = User(
        email=(email or f"user{n}@example.com").lower(),
        display_name=name or f"사용자{n}",
        password_hash=_HASH if password is None else hash_password(password),
        role=role,
        created_at=NOW,
    )
    session.add(user)
    session.flush()
    return user
