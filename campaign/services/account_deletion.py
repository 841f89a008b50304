"""Deleting one's account (개인정보보호법: the right to have one's data erased).

The ledger cannot lose a row: every action and pledge keeps its ₩, its team and its day, so no
total, counter, settlement, export or ledger digest changes. So the ``users`` row stays, as an
anonymous participant: its address, name and password are replaced, it can never log in
again, and the address is free for a new account. What only describes the person goes:
log-in sessions and API tokens, notifications, failed log-ins of the address, the free text
they wrote on gifts and actions (a gift's message, an action's typed reference — the
reference's folded key stays, so the same bill still counts once), and receipt requests no
charity has received yet. Receipt requests already sent to a charity (or issued) are the
charity's record for the tax office and stay exactly as sent (README, "Receipts of a deleted
account").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from campaign.errors import Invalid
from campaign.models import (
    Action,
    ApiToken,
    CheerMessage,
    LoginFailures,
    LoginSession,
    Notification,
    Pledge,
    Role,
    User,
    WebhookEvent,
    WinnerContact,
)
from campaign.rules.accounts import EMAIL_MAX, canonical_email
from campaign.services import receipts

DELETED_NAME = "탈퇴한 회원"
ACCOUNT_DELETED_REASON = "account deleted"  # why a deleted account's cheer messages are hidden
# No password hash has this form, so no password ever matches it (werkzeug answers False).
UNUSABLE_PASSWORD = "!deleted"  # noqa: S105  (not a password: a hash nothing matches)


def pseudonym(user: User) -> str:
    """The address a deleted account keeps: unique, and in a domain that cannot receive mail
    (.invalid, RFC 2606)."""
    return f"deleted-{user.id}@deleted.invalid"


def delete_account(
    session: Session, user: User, *, password: str, confirmed: bool, now: datetime
) -> None:
    """Erase or pseudonymise everything about ``user`` that is not ledger (see the module).
    Raises Invalid (``password``: wrong_password; ``confirm``: confirm_required; an admin:
    own_role, so a site never loses its last admin this way). Changes nothing then."""
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid("password", "wrong_password")
    if not confirmed:
        raise Invalid("confirm", "confirm_required")
    if user.role == Role.ADMIN:
        raise Invalid("confirm", "own_role")
    old_key = canonical_email(user.email)[:EMAIL_MAX]
    old_email = user.email
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(Notification).where(Notification.user_id == user.id))
    session.execute(delete(LoginFailures).where(LoginFailures.email == old_key))
    receipts.erase_unsent(session, user)
    # Free text only: amounts, links and keys stay (the ledger digest does not read these).
    session.execute(
        update(Pledge)
        .where(Pledge.user_id == user.id, Pledge.message.is_not(None))
        .values(message=None)
    )
    session.execute(
        update(Action)
        .where(Action.user_id == user.id, Action.evidence.is_not(None))
        .values(evidence=None)
    )
    # A cheer message is the person's own words: the wall keeps its place (the action and its ₩
    # stay) but shows it as removed; a prize winner's contact details go.
    session.execute(
        update(CheerMessage)
        .where(CheerMessage.user_id == user.id)
        .values(text="", hidden_at=now, hidden_reason=ACCOUNT_DELETED_REASON)
    )
    session.execute(delete(WinnerContact).where(WinnerContact.user_id == user.id))
    session.execute(
        update(WebhookEvent).where(WebhookEvent.email == old_email).values(email=pseudonym(user))
    )
    user.email = pseudonym(user)
    user.display_name = DELETED_NAME
    user.password_hash = UNUSABLE_PASSWORD
    user.role = Role.USER
    user.active = False
    user.email_verified_at = None
    user.deleted_at = now
    session.flush()
