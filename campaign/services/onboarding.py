"""Use cases that bring a person in, whole, so every channel (site, API, CLI) runs the same:
joining a campaign and becoming an admin each credit what partner systems reported for the
person's address before (``webhooks.credit_pending``). Signing up credits nothing: an address
is credited when it is verified (``verification.verify_email``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from campaign.models import Campaign, User
from campaign.services import accounts, webhooks
from campaign.services.participation import Joined, join


def join_and_credit(
    session: Session, user: User, campaign: Campaign, team_code: str | None, now: datetime
) -> Joined:
    """Make ``user`` a participant of ``campaign`` (``participation.join``), then count the
    actions a partner system reported for them in it before they joined."""
    joined = join(session, user, campaign, team_code, now)
    webhooks.credit_pending(session, user, now, campaign)
    return joined


def make_admin(
    session: Session, *, email: str, password: str | None, now: datetime
) -> tuple[User, bool]:
    """Create or promote ``email`` as an admin (``accounts.create_or_promote_admin``); the
    operator vouches for the address, so what partners reported for it is credited now."""
    user, created = accounts.create_or_promote_admin(
        session, email=email, password=password, now=now
    )
    webhooks.credit_pending(session, user, now)
    return user, created
