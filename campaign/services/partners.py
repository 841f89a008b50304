"""Partner charities: their details and their read-only API tokens, every change audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, PartnerNameTaken
from campaign.models import ApiToken, Partner, User
from campaign.rules.accounts import normalize_email
from campaign.rules.text import clean_phone, clean_text
from campaign.services import audit
from campaign.services.accounts import IssuedToken
from campaign.services.tokens import digest, new_secret

NAME_MAX = 100
REGISTRATION_NUMBER_MAX = 40
CONTACT_NAME_MAX = 60
PHONE_MAX = 40
TOKEN_NAME_MAX = 60

# Korean numbers are written 02-123-4567, 010 1234 5678, +82 (0)2 123 4567 …


@dataclass(frozen=True)
class PartnerDetails:
    """What an admin may set on a partner. Empty optional values mean "not given"."""

    name: str
    registration_number: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    issues_receipts: bool = False


def clean_details(details: PartnerDetails) -> PartnerDetails:
    """The details trimmed and checked; raises Invalid naming the first bad field."""
    name = clean_text(details.name, "name", NAME_MAX)
    if not name:
        raise Invalid("name", "required")
    email = clean_text(details.contact_email, "contact_email", 254)
    if email:
        try:
            email = normalize_email(email)
        except Invalid as exc:
            raise Invalid("contact_email", exc.reason) from exc
    phone = clean_phone(details.contact_phone, "contact_phone", PHONE_MAX)
    registration_number = clean_text(
        details.registration_number, "registration_number", REGISTRATION_NUMBER_MAX
    )
    return PartnerDetails(
        name=name,
        registration_number=registration_number or None,
        contact_name=clean_text(details.contact_name, "contact_name", CONTACT_NAME_MAX) or None,
        contact_email=email or None,
        contact_phone=phone or None,
        issues_receipts=bool(details.issues_receipts),
    )


def _snapshot(partner: Partner) -> dict[str, Any]:
    return {field.name: getattr(partner, field.name) for field in fields(PartnerDetails)}


def _check_name_free(session: Session, name: str, partner_id: int | None) -> None:
    # Case-insensitive here, although the database's constraint is exact: "Green Trees" and
    # "green trees" are one charity to a person reading an export.
    statement = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if partner_id is not None:
        statement = statement.where(Partner.id != partner_id)
    if session.scalar(statement.limit(1)) is not None:
        raise PartnerNameTaken(name=name)


@contextmanager
def _saving_name(session: Session, name: str) -> Iterator[None]:
    """Make the changes in the block inside a savepoint and flush them; a unique violation
    (two admins saving one name at once) becomes PartnerNameTaken and leaves the session usable.

    The changes must happen inside the block: ``begin_nested`` first flushes whatever is
    pending, outside the savepoint, where a failure would doom the whole transaction.
    """
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        raise PartnerNameTaken(name=name) from exc


def get_partner(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound()
    return partner


def list_partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.name, Partner.id)))


def create_partner(
    session: Session, actor: User, details: PartnerDetails, now: datetime
) -> Partner:
    """Add a partner charity; audited as "partner.create".

    Raises Invalid for a bad field and PartnerNameTaken when the name (in any case) is in use.
    """
    clean = clean_details(details)
    _check_name_free(session, clean.name, None)
    partner = Partner(
        name=clean.name,
        registration_number=clean.registration_number,
        contact_name=clean.contact_name,
        contact_email=clean.contact_email,
        contact_phone=clean.contact_phone,
        issues_receipts=clean.issues_receipts,
        created_at=now,
    )
    with _saving_name(session, clean.name):
        session.add(partner)
    audit.record(
        session,
        actor=actor,
        action="partner.create",
        now=now,
        after={"partner_id": partner.id, **_snapshot(partner)},
    )
    session.flush()
    return partner


def update_partner(
    session: Session, actor: User, partner: Partner, details: PartnerDetails, now: datetime
) -> bool:
    """Change a partner's details; audited as "partner.update" with only the changed fields.

    Returns whether anything changed (saving an unchanged form writes nothing). Raises like
    ``create_partner``.
    """
    clean = clean_details(details)
    before = _snapshot(partner)
    after = {field.name: getattr(clean, field.name) for field in fields(PartnerDetails)}
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return False
    if "name" in changed:
        _check_name_free(session, clean.name, partner.id)
    with _saving_name(session, clean.name):
        for key in changed:
            setattr(partner, key, after[key])
    audit.record(
        session,
        actor=actor,
        action="partner.update",
        now=now,
        before={"partner_id": partner.id, **{key: before[key] for key in changed}},
        after={"partner_id": partner.id, **{key: after[key] for key in changed}},
    )
    session.flush()
    return True


def issue_partner_token(
    session: Session, actor: User, partner: Partner, name: str, now: datetime
) -> IssuedToken:
    """A new read-only API token for the partner. Only its hash is stored; the secret in the
    result is the one chance to see it. Audited as "partner.token.issue" (without the secret)."""
    label = " ".join((name or "").split())[:TOKEN_NAME_MAX] or "API"
    secret = new_secret("aesp")
    token = ApiToken(
        partner_id=partner.id,
        name=label,
        token_hash=digest(secret),
        prefix=secret[:10],
        created_at=now,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="partner.token.issue",
        now=now,
        after={
            "partner_id": partner.id,
            "token_id": token.id,
            "name": token.name,
            "prefix": token.prefix,
        },
    )
    session.flush()
    return IssuedToken(token, secret)


def list_partner_tokens(
    session: Session, partner: Partner, *, include_revoked: bool = False
) -> list[ApiToken]:
    """The partner's tokens, newest first; live ones only unless ``include_revoked``."""
    statement = select(ApiToken).where(ApiToken.partner_id == partner.id)
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(statement.order_by(ApiToken.id.desc())))


def revoke_partner_token(
    session: Session, actor: User, partner: Partner, token_id: int, now: datetime
) -> ApiToken:
    """Stop a partner token working at once; audited as "partner.token.revoke".

    NotFound unless ``token_id`` is a live token of this partner.
    """
    token = session.get(ApiToken, token_id)
    if token is None or token.partner_id != partner.id or token.revoked_at is not None:
        raise NotFound()
    token.revoked_at = now
    audit.record(
        session,
        actor=actor,
        action="partner.token.revoke",
        now=now,
        before={"partner_id": partner.id, "token_id": token.id, "revoked_at": None},
        after={"partner_id": partner.id, "token_id": token.id, "revoked_at": now.isoformat()},
    )
    session.flush()
    return token
