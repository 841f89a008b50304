"""Sign-up, log-in, password changes, log-in sessions and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from campaign.errors import BadCredentials, EmailTaken, Invalid, NotFound
from campaign.models import ApiToken, LoginSession, Role, User
from campaign.rules.accounts import (
    check_password,
    clean_display_name,
    email_domain,
    normalize_email,
    storable,
)
from campaign.services import audit
from campaign.services.tokens import digest, new_secret

# Checked against when the email is unknown, so a wrong email costs as much time as a wrong
# password and the two cannot be told apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def sign_up(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    crew_domains: tuple[str, ...] = (),
    now: datetime,
) -> User:
    """Create a user. Addresses from a company domain in ``crew_domains`` start as crew.

    Raises Invalid for bad input and EmailTaken when the address is in use (in any case).
    """
    email = normalize_email(email)
    check_password(password, email)
    name = clean_display_name(display_name)
    if find_user_by_email(session, email):
        raise EmailTaken()
    role = Role.CREW if email_domain(email) in crew_domains else Role.USER
    user = User(
        email=email,
        display_name=name,
        password_hash=hash_password(password),
        role=role,
        created_at=now,
    )
    try:
        # Inside a savepoint, so a sign-up racing for the same address fails alone and the
        # caller's transaction stays usable.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise EmailTaken() from exc
    return user


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this email and password; BadCredentials otherwise (one error)."""
    email, password = email or "", password or ""
    if not (storable(email) and storable(password)):
        # Text no account can have (NUL, lone surrogates): the same answer, and the same work.
        email, password = "", ""
    user = find_user_by_email(session, email) if email else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise BadCredentials()
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise BadCredentials()
    return user


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
    """Set a new password, end every log-in session of the user, and open a fresh one.

    Returns the new session's token.
    """
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid("current_password", "wrong_password")
    check_password(new, user.email)
    user.password_hash = hash_password(new)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    return start_login_session(session, user, now)


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


def list_users(session: Session, query: str = "", limit: int = 100) -> list[User]:
    statement = select(User).order_by(User.id.desc()).limit(limit)
    if query.strip():
        term = query.strip().lower()
        for special in ("\\", "%", "_"):
            term = term.replace(special, "\\" + special)
        like = f"%{term}%"
        statement = statement.where(
            User.email.like(like, escape="\\") | User.display_name.like(like, escape="\\")
        )
    return list(session.scalars(statement))


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
    """
    email = normalize_email(email)
    user = find_user_by_email(session, email)
    if user is None:
        if password is None:
            raise Invalid("password", "required")
        user = sign_up(
            session, email=email, password=password, display_name=email.split("@")[0], now=now
        )
        user.role = Role.ADMIN
        session.flush()
        return user, True
    user.role = Role.ADMIN
    if password:
        check_password(password, email)
        user.password_hash = hash_password(password)
        session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    session.flush()
    return user, False
