"""Changing the address: the password first, then a link that proves the new mailbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from campaign.errors import EmailChangeLinkInvalid, Invalid
from campaign.models import Role
from campaign.models.types import utcnow
from campaign.services.email_change import (
    LINK_MAX_AGE,
    change_token,
    confirm_change,
    request_change,
)
from tests.factories import PASSWORD, make_user

SECRET = "test-secret-key"
CREW = ("aesseuji.example",)


def confirm(session: Session, token: str, now=None):
    """Links are signed with the real clock, so they are checked against it."""
    return confirm_change(session, SECRET, token, crew_domains=CREW, now=now or utcnow())


def test_the_link_moves_the_account_once(session: Session) -> None:
    user = make_user(session, email="me@example.com")
    asked = request_change(session, user, password=PASSWORD, new_email=" Me@Crew.AESSEUJI.example ")
    assert asked.available and asked.new_email == "me@crew.aesseuji.example"
    assert user.email == "me@example.com"  # nothing changes before the link
    token = change_token(SECRET, user, asked.new_email)
    changed = confirm(session, token)
    assert (changed.user.email, changed.old_email) == ("me@crew.aesseuji.example", "me@example.com")
    assert changed.user.is_verified
    with pytest.raises(EmailChangeLinkInvalid):
        confirm(session, token)  # used: the account no longer has the old address


def test_a_company_address_makes_crew(session: Session) -> None:
    user = make_user(session, email="me@example.com")
    confirm(session, change_token(SECRET, user, "me@aesseuji.example"))
    assert user.role == Role.CREW


@pytest.mark.parametrize(
    ("password", "new_email", "field", "reason"),
    [
        ("wrong password", "new@example.com", "password", "wrong_password"),
        (PASSWORD, "not an address", "new_email", "email_format"),
        (PASSWORD, "ME@example.com", "new_email", "email_same"),
        (PASSWORD, "pаypal@example.com", "new_email", "email_confusable"),  # Cyrillic а
    ],
)
def test_bad_requests_are_refused(
    session: Session, password: str, new_email: str, field: str, reason: str
) -> None:
    user = make_user(session, email="me@example.com")
    with pytest.raises(Invalid) as info:
        request_change(session, user, password=password, new_email=new_email)
    assert (info.value.field, info.value.reason) == (field, reason)
    assert user.email == "me@example.com"


def test_a_taken_address_is_answered_like_a_free_one_and_never_linked(session: Session) -> None:
    user = make_user(session, email="me@example.com")
    make_user(session, email="taken@example.com")
    asked = request_change(session, user, password=PASSWORD, new_email="taken@example.com")
    assert asked.available is False and asked.new_email == "taken@example.com"
    # A link made anyway (or the address taken after it was sent) does not work.
    with pytest.raises(EmailChangeLinkInvalid):
        confirm(session, change_token(SECRET, user, "taken@example.com"))
    assert user.email == "me@example.com"


def test_expired_forged_and_deleted(session: Session) -> None:
    user = make_user(session, email="me@example.com")
    token = change_token(SECRET, user, "new@example.com")
    with pytest.raises(EmailChangeLinkInvalid):
        confirm(session, token, now=utcnow() + LINK_MAX_AGE + timedelta(minutes=1))
    with pytest.raises(EmailChangeLinkInvalid):
        confirm(session, token[:-2] + "xx")
    with pytest.raises(EmailChangeLinkInvalid):
        confirm_change(session, "another-secret", token, crew_domains=CREW, now=utcnow())
    user.active = False
    with pytest.raises(EmailChangeLinkInvalid):
        confirm(session, token)
    assert user.email == "me@example.com"
