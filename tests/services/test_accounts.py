"""Accounts: verification links, the per-address log-in lock, and what ends sessions and tokens."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import BadCredentials, Invalid, LoginLocked, VerificationLinkInvalid
from campaign.models import ApiToken, LoginFailures, LoginSession, Role
from campaign.rules.accounts import FREE_FAILURES
from campaign.services import accounts
from campaign.services.verification import LINK_MAX_AGE, verification_token, verify_email
from tests.factories import NOW, PASSWORD, make_user

SECRET = "test-secret-key"
CREW = ("aesseuji.example",)


def new_account(session: Session, email: str = "kim@aesseuji.example"):
    return accounts.sign_up(
        session, email=email, password=PASSWORD, display_name="김", now=NOW
    ).user


def test_sign_up_gives_no_crew_before_verification(session: Session) -> None:
    user = new_account(session)
    assert (user.role, user.is_verified) == (Role.USER, False)
    verify_email(session, SECRET, verification_token(SECRET, user), crew_domains=CREW, now=NOW)
    assert (user.role, user.email_verified_at) == (Role.CREW, NOW)


def test_a_taken_address_returns_the_existing_account_unchanged(session: Session) -> None:
    owner = make_user(session, email="taken@example.com", name="주인")
    again = accounts.sign_up(
        session, email="ＴＡＫＥＮ@example.com", password=PASSWORD, display_name="남", now=NOW
    )
    assert (again.user.id, again.created, again.user.display_name) == (owner.id, False, "주인")


@pytest.mark.parametrize("case", ["forged", "other salt", "expired", "used", "email changed"])
def test_a_link_works_once_for_its_address_within_its_age(session: Session, case: str) -> None:
    user = new_account(session, "lee@example.com")
    token = verification_token(SECRET, user)
    now = NOW
    if case == "forged":
        token = verification_token("another-key", user)
    elif case == "other salt":  # a value the app signed for another purpose
        token = URLSafeTimedSerializer(SECRET).dumps({"user": user.id, "email": user.email})
    elif case == "expired":
        now = NOW + LINK_MAX_AGE + timedelta(days=400)  # the link was signed at the real clock
    elif case == "used":
        verify_email(session, SECRET, token, crew_domains=CREW, now=NOW)
    elif case == "email changed":
        user.email = "lee2@example.com"
    with pytest.raises(VerificationLinkInvalid):
        verify_email(session, SECRET, token, crew_domains=CREW, now=now)


def test_a_garbled_link_is_refused(session: Session) -> None:
    for token in ["", "x", "a.b.c", "%00", "." * 300]:
        with pytest.raises(VerificationLinkInvalid):
            verify_email(session, SECRET, token, crew_domains=CREW, now=NOW)


def test_an_admin_demoted_or_promoted_keeps_their_verified_address(session: Session) -> None:
    admin, created = accounts.create_or_promote_admin(
        session, email="root@example.com", password=PASSWORD, now=NOW
    )
    assert created and admin.is_verified and admin.role == Role.ADMIN


# -- the per-address log-in lock ------------------------------------------------------------


def fail(session: Session, email: str, now=NOW) -> None:
    with pytest.raises(BadCredentials):
        accounts.authenticate(session, email, "wrong password 1", now)


def test_failures_lock_the_address_then_the_right_password_works_again(
    session: Session,
) -> None:
    user = make_user(session, email="lock@example.com")
    for _ in range(FREE_FAILURES - 1):
        fail(session, "lock@example.com")
    # Below the limit the right password works, and forgets the failures.
    assert accounts.authenticate(session, "LOCK@example.com", PASSWORD, NOW) == user
    assert session.scalar(select(func.count()).select_from(LoginFailures)) == 0
    for _ in range(FREE_FAILURES):
        fail(session, "lock@example.com")
    # Locked: even the right password is refused, before it is looked at …
    with pytest.raises(LoginLocked) as info:
        accounts.authenticate(session, "lock@example.com", PASSWORD, NOW + timedelta(seconds=1))
    assert info.value.params["retry_after"] == 59
    # … and the refusals do not lengthen the lock.
    with pytest.raises(LoginLocked):
        accounts.authenticate(session, "lock@example.com", "guess again 1", NOW)
    later = NOW + timedelta(minutes=1)
    assert accounts.authenticate(session, "lock@example.com", PASSWORD, later) == user


def test_the_lock_grows_with_each_failure_after_it(session: Session) -> None:
    make_user(session, email="grow@example.com")
    now = NOW
    for _ in range(FREE_FAILURES):
        fail(session, "grow@example.com", now)
    now += timedelta(minutes=1)
    fail(session, "grow@example.com", now)  # the sixth: locked for 2 minutes
    with pytest.raises(LoginLocked) as info:
        accounts.authenticate(session, "grow@example.com", PASSWORD, now)
    assert info.value.params["retry_after"] == 120


def test_unknown_addresses_are_locked_the_same(session: Session) -> None:
    """The lock says nothing about which addresses have accounts."""
    for _ in range(FREE_FAILURES):
        fail(session, "nobody@example.com")
    with pytest.raises(LoginLocked):
        accounts.authenticate(session, "nobody@example.com", PASSWORD, NOW)


def test_failures_are_forgotten_after_a_day(session: Session) -> None:
    make_user(session, email="old@example.com")
    for _ in range(FREE_FAILURES - 1):
        fail(session, "old@example.com")
    fail(session, "old@example.com", NOW + timedelta(days=2))  # counts as the first again
    assert session.scalar(select(LoginFailures.failures)) == 1


def test_a_lock_does_not_end_the_owners_sessions_or_tokens(session: Session) -> None:
    user = make_user(session, email="owner@example.com")
    login = accounts.start_login_session(session, user, NOW)
    issued = accounts.issue_api_token(session, user, "bot", NOW)
    for _ in range(FREE_FAILURES + 3):
        with contextlib.suppress(BadCredentials, LoginLocked):
            accounts.authenticate(session, "owner@example.com", "guess guess 1", NOW)
    assert accounts.user_for_login_token(session, login) == user
    assert accounts.token_owner(session, issued.secret) is not None


# -- what ends sessions and tokens ----------------------------------------------------------


def live_tokens(session: Session, user) -> int:
    return session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )


def test_changing_the_password_revokes_every_api_token(session: Session) -> None:
    user = make_user(session, password=PASSWORD)
    for name in ("a", "b"):
        accounts.issue_api_token(session, user, name, NOW)
    accounts.change_password(session, user, current=PASSWORD, new="a new secret 1", now=NOW)
    assert live_tokens(session, user) == 0


def test_deactivating_ends_sessions_and_tokens_and_is_audited(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    user = make_user(session)
    accounts.start_login_session(session, user, NOW)
    issued = accounts.issue_api_token(session, user, "bot", NOW)
    accounts.set_active(session, admin, user, False, NOW)
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert accounts.token_owner(session, issued.secret) is None
    # Reactivating does not bring the old token back.
    accounts.set_active(session, admin, user, True, NOW)
    assert user.active and accounts.token_owner(session, issued.secret) is None
    with pytest.raises(Invalid) as info:
        accounts.set_active(session, admin, admin, False, NOW)
    assert info.value.reason == "own_account"
