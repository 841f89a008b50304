"""Sign-up, log-in, password changes, log-in sessions and API tokens."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from campaign.errors import BadCredentials, Invalid, LoginLocked, NotFound
from campaign.models import ApiToken, LoginFailures, LoginSession, Role, User
from campaign.rules.accounts import (
    EMAIL_MAX,
    FORGET_FAILURES_AFTER,
    canonical_email,
    check_password,
    clean_display_name,
    lock_after,
    normalize_email,
    storable,
)
from campaign.services import audit, sql
from campaign.services.paging import Page, page_of, search
from campaign.services.tokens import digest, new_secret

# Checked against when the email is unknown, so a wrong email costs as much time as a wrong
# password and the two cannot be told apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == canonical_email(email)))


@dataclass(frozen=True)
class SignUp:
    """``user`` is the new account, or — when ``created`` is False — the account that already
    has the address (its owner is told by mail; the person signing up is told nothing more)."""

    user: User
    created: bool


def sign_up_problems(*, email: str, password: str, display_name: str) -> list[Invalid]:
    """Every rule the sign-up input breaks, one per field, so a form can show them all at
    once; sign_up checks the same rules and raises the first."""
    problems: list[Invalid] = []
    normalized = email
    try:
        normalized = normalize_email(email)
    except Invalid as exc:
        problems.append(exc)
    for check in (
        lambda: check_password(password, normalized),
        lambda: clean_display_name(display_name),
    ):
        try:
            check()
        except Invalid as exc:
            problems.append(exc)
    return problems


def sign_up(
    session: Session, *, email: str, password: str, display_name: str, now: datetime
) -> SignUp:
    """Create an unverified user with the role ``user``; crew status from the address's domain
    comes with verification (services.verification).

    Raises Invalid for bad input. An address already in use (in any case or width) is not an
    error: the caller answers the same as for a new account, so sign-up cannot be used to
    find out who has one. The password is hashed either way, so the time taken tells nothing.
    """
    email = normalize_email(email)
    check_password(password, email)
    name = clean_display_name(display_name)
    password_hash = hash_password(password)
    existing = find_user_by_email(session, email)
    if existing is not None:
        return SignUp(existing, created=False)
    user = User(
        email=email, display_name=name, password_hash=password_hash, role=Role.USER, created_at=now
    )
    try:
        # Inside a savepoint, so a sign-up racing for the same address fails alone and the
        # caller's transaction stays usable.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        existing = find_user_by_email(session, email)
        if existing is None:
            raise
        return SignUp(existing, created=False)
    return SignUp(user, created=True)


def authenticate(session: Session, email: str, password: str, now: datetime) -> User:
    """The active user with this email and password; BadCredentials otherwise (one error).

    Failures are counted per address, known or not (``rules.accounts.lock_after``): while an
    address is locked every attempt with it is refused with LoginLocked, before the password
    is looked at, and does not lengthen the lock. A success forgets the failures. A failure is
    flushed before BadCredentials is raised: the caller commits it.
    """
    email, password = email or "", password or ""
    if not (storable(email) and storable(password)):
        # Text no account can have (NUL, lone surrogates): the same answer, and the same work.
        email, password = "", ""
    key = canonical_email(email)[:EMAIL_MAX]
    _refuse_while_locked(session, key, now)
    user = find_user_by_email(session, email) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        _count_failure(session, key, now)
        raise BadCredentials()
    if not check_password_hash(user.password_hash, password) or not user.active:
        _count_failure(session, key, now)
        raise BadCredentials()
    session.execute(delete(LoginFailures).where(LoginFailures.email == key))
    return user


def _refuse_while_locked(session: Session, key: str, now: datetime) -> None:
    locked_until = session.scalar(
        select(LoginFailures.locked_until).where(LoginFailures.email == key)
    )
    if locked_until is not None and locked_until > now:
        raise LoginLocked(retry_after=math.ceil((locked_until - now).total_seconds()))


def _count_failure(session: Session, key: str, now: datetime) -> None:
    """One more failure in a row for ``key`` (one statement, so concurrent guesses all count);
    failures older than FORGET_FAILURES_AFTER start the count again."""
    if not key:
        return
    table = LoginFailures.__table__
    failures = session.execute(
        sql.insert(session, table)
        .values(email=key, failures=1, last_failed_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.email],
            set_={
                "failures": case(
                    (table.c.last_failed_at < now - FORGET_FAILURES_AFTER, 1),
                    else_=table.c.failures + 1,
                ),
                "last_failed_at": now,
            },
        )
        .returning(table.c.failures)
    ).scalar_one()
    lock = lock_after(failures)
    if lock:
        session.execute(
            update(LoginFailures).where(LoginFailures.email == key).values(locked_until=now + lock)
        )


def start_login_session(session: Session, user: User, now: datetime) -> str:
    """Open a log-in session; returns the token for the cookie (only its hash is kept)."""
    token = new_secret("ls")
    session.add(LoginSession(user_id=user.id, token_hash=digest(token), created_at=now))
    session.flush()
    user.login_token = token
    return token


def user_for_login_token(session: Session, token: str) -> User | None:
    user = session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == digest(token), User.active.is_(True))
    )
    if user is not None:
        user.login_token = token
    return user


def end_login_session(session: Session, token: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))


def change_password(session: Session, user: User, *, current: str, new: str, now: datetime) -> str:
    """Set a new password, end every log-in session and revoke every API token of the user
    (whoever knew the old password may have made one), and open a fresh session.

    Returns the new session's token.
    """
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid("current_password", "wrong_password")
    check_password(new, user.email)
    user.password_hash = hash_password(new)
    sign_out_everywhere(session, user, now)
    return start_login_session(session, user, now)


def sign_out_everywhere(session: Session, user: User, now: datetime) -> None:
    """End every log-in session of ``user`` and revoke every API token they hold."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def set_role(session: Session, actor: User, user: User, role: Role, now: datetime) -> None:
    """An admin grants or removes crew (or admin) status; audited. Admins cannot demote
    themselves, so a site never loses its last admin by accident."""
    if user.id == actor.id and role != Role.ADMIN:
        raise Invalid("role", "own_role")
    if user.role == role:
        return
    audit.record(
        session,
        actor=actor,
        action="user.role",
        now=now,
        before={"user": user.email, "role": user.role.value},
        after={"user": user.email, "role": role.value},
    )
    user.role = role
    session.flush()


def set_active(session: Session, actor: User, user: User, active: bool, now: datetime) -> None:
    """An admin deactivates or reactivates an account; audited. Deactivating ends the user's
    log-in sessions and revokes their API tokens at once, so reactivating does not bring old
    ones back. Admins cannot deactivate themselves."""
    if user.id == actor.id and not active:
        raise Invalid("active", "own_account")
    if user.deleted_at is not None and active:
        raise Invalid("active", "account_deleted")
    if user.active == active:
        return
    audit.record(
        session,
        actor=actor,
        action="user.active",
        now=now,
        before={"user": user.email, "active": user.active},
        after={"user": user.email, "active": active},
    )
    user.active = active
    if not active:
        sign_out_everywhere(session, user, now)
    session.flush()


def users_page(session: Session, query: str = "", number: int = 1) -> Page[User]:
    """People, newest first, whose e-mail or name contains ``query``; one page of them."""
    statement = search(
        select(User).order_by(User.id.desc()), query, (User.email, User.display_name)
    )
    return page_of(session, statement, number)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the owner once


def issue_api_token(session: Session, user: User, name: str, now: datetime) -> IssuedToken:
    name = " ".join((name or "").split())[:60] or "API"
    secret = new_secret("aes")
    token = ApiToken(
        user_id=user.id, name=name, token_hash=digest(secret), prefix=secret[:10], created_at=now
    )
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(session: Session, user: User, token_id: int, now: datetime) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound()
    token.revoked_at = now
    session.flush()


def token_owner(session: Session, secret: str) -> ApiToken | None:
    """The live token for a bearer secret (its user or partner loaded), or None."""
    return session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )


def create_or_promote_admin(
    session: Session, *, email: str, password: str | None, now: datetime
) -> tuple[User, bool]:
    """Make ``email`` an admin, creating the account when it does not exist.

    Returns the user and whether it was created. A new account needs a password.
    The operator vouches for the address, so the admin counts as verified.
    """
    email = normalize_email(email)
    user = find_user_by_email(session, email)
    created = user is None
    if user is None:
        if password is None:
            raise Invalid("password", "required")
        user = sign_up(
            session, email=email, password=password, display_name=email.split("@")[0], now=now
        ).user
    elif password:
        check_password(password, email)
        user.password_hash = hash_password(password)
        sign_out_everywhere(session, user, now)
    user.role = Role.ADMIN
    user.email_verified_at = user.email_verified_at or now
    session.flush()
    return user, created
