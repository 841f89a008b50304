"""Reset links at the service level, where ``now`` is in the test's hands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from campaign.errors import Invalid, PasswordResetLinkInvalid
from campaign.models.types import utcnow
from campaign.services import password_reset
from campaign.services.verification import verification_token
from tests.factories import make_user

SECRET = "test-secret"


def test_a_link_expires_after_an_hour(session: Session) -> None:
    user = make_user(session)
    token = password_reset.reset_token(SECRET, user)
    now = utcnow()
    assert password_reset.user_for_token(session, SECRET, token, now) is user
    late = now + password_reset.LINK_MAX_AGE + timedelta(minutes=1)
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.user_for_token(session, SECRET, token, late)
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.reset_password(
            session, SECRET, token, "a brand new password", crew_domains=(), now=late
        )


def test_a_link_dies_with_any_password_change(session: Session) -> None:
    user = make_user(session)
    token = password_reset.reset_token(SECRET, user)
    user.password_hash = "scrypt:changed-elsewhere"
    session.flush()
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.user_for_token(session, SECRET, token, utcnow())


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "x" * 500],
)
def test_forged_links_are_refused(session: Session, token: str) -> None:
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.user_for_token(session, SECRET, token, utcnow())


def test_other_signed_values_and_other_keys_do_not_pass(session: Session) -> None:
    user = make_user(session)
    with pytest.raises(PasswordResetLinkInvalid):  # its own salt
        password_reset.user_for_token(session, SECRET, verification_token(SECRET, user), utcnow())
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.user_for_token(
            session, SECRET, password_reset.reset_token("other", user), utcnow()
        )


def test_a_deactivated_account_gets_no_mail_and_its_links_die(session: Session) -> None:
    user = make_user(session, email="gone@example.com")
    token = password_reset.reset_token(SECRET, user)
    assert password_reset.account_to_mail(session, "GONE@example.com") is user
    user.active = False
    session.flush()
    assert password_reset.account_to_mail(session, "gone@example.com") is None
    assert password_reset.account_to_mail(session, "nobody@example.com") is None
    assert password_reset.account_to_mail(session, "\x00") is None
    with pytest.raises(PasswordResetLinkInvalid):
        password_reset.user_for_token(session, SECRET, token, utcnow())


def test_the_new_password_follows_the_sign_up_rules(session: Session) -> None:
    user = make_user(session)
    token = password_reset.reset_token(SECRET, user)
    with pytest.raises(Invalid) as refused:
        password_reset.reset_password(
            session, SECRET, token, "short", crew_domains=(), now=utcnow()
        )
    assert refused.value.reason == "password_short"
