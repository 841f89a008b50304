"""Partner charities: details are checked, names are unique, tokens are hashed, all audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound, PartnerNameTaken
from campaign.models import ApiToken, AuditEntry, Partner, Role, User
from campaign.services import accounts, partners
from campaign.services.partners import PartnerDetails
from campaign.services.tokens import digest
from tests.factories import NOW, make_user


def admin(session: Session) -> User:
    return make_user(session, role=Role.ADMIN)


def audit_entries(session: Session, action: str | None = None) -> list[AuditEntry]:
    statement = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        statement = statement.where(AuditEntry.action == action)
    return list(session.scalars(statement))


def test_create_partner_cleans_the_details_and_audits(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(
        session,
        actor,
        PartnerDetails(
            name="  평화의숲   재단 ",
            registration_number=" 123-82-00001 ",
            contact_name="",
            contact_email=" Forest@Example.ORG ",
            contact_phone="02-123-4567",
            issues_receipts=True,
        ),
        NOW,
    )
    session.commit()
    stored = session.get(Partner, partner.id)
    assert stored.name == "평화의숲 재단"
    assert stored.registration_number == "123-82-00001"
    assert stored.contact_name is None
    assert stored.contact_email == "forest@example.org"
    assert stored.contact_phone == "02-123-4567"
    assert stored.issues_receipts is True
    [entry] = audit_entries(session)
    assert entry.action == "partner.create"
    assert entry.actor_id == actor.id and entry.actor_label == actor.email
    assert entry.before is None
    assert entry.after["partner_id"] == partner.id
    assert entry.after["name"] == "평화의숲 재단"
    assert entry.after["issues_receipts"] is True
    assert entry.created_at == NOW


@pytest.mark.parametrize(
    ("details", "field", "reason"),
    [
        (PartnerDetails(name="   "), "name", "required"),
        (PartnerDetails(name="가" * 101), "name", "too_long"),
        (PartnerDetails(name="nul\x00name"), "name", "bad_characters"),
        (
            PartnerDetails(name="ok", registration_number="1" * 41),
            "registration_number",
            "too_long",
        ),
        (PartnerDetails(name="ok", contact_name="x" * 61), "contact_name", "too_long"),
        (PartnerDetails(name="ok", contact_email="not-an-email"), "contact_email", "email_format"),
        (PartnerDetails(name="ok", contact_phone="call me"), "contact_phone", "phone_format"),
        (PartnerDetails(name="ok", contact_phone="1" * 41), "contact_phone", "too_long"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(
    session: Session, details: PartnerDetails, field: str, reason: str
) -> None:
    actor = admin(session)
    with pytest.raises(Invalid) as caught:
        partners.create_partner(session, actor, details, NOW)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert session.scalar(select(func.count()).select_from(Partner)) == 0
    assert audit_entries(session) == []


def test_a_name_exactly_at_the_limit_is_accepted(session: Session) -> None:
    partner = partners.create_partner(session, admin(session), PartnerDetails("가" * 100), NOW)
    assert len(partner.name) == 100


def test_names_are_unique_in_any_case(session: Session) -> None:
    actor = admin(session)
    partners.create_partner(session, actor, PartnerDetails(name="Green Trees"), NOW)
    with pytest.raises(PartnerNameTaken):
        partners.create_partner(session, actor, PartnerDetails(name="green   TREES"), NOW)
    assert [p.name for p in partners.list_partners(session)] == ["Green Trees"]
    assert len(audit_entries(session, "partner.create")) == 1


def test_a_name_taken_in_a_race_is_still_a_domain_error(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two admins saving one name at once both pass the check; the constraint decides."""
    actor = admin(session)
    partners.create_partner(session, actor, PartnerDetails(name="사랑의열매"), NOW)
    monkeypatch.setattr(partners, "_check_name_free", lambda *args: None)
    with pytest.raises(PartnerNameTaken):
        partners.create_partner(session, actor, PartnerDetails(name="사랑의열매"), NOW)
    # The session survives (the failed insert was in a savepoint) and can carry on.
    session.commit()
    assert [p.name for p in partners.list_partners(session)] == ["사랑의열매"]


def test_a_rename_racing_another_is_refused_and_the_session_survives(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = admin(session)
    partners.create_partner(session, actor, PartnerDetails(name="Dog Shelter"), NOW)
    cats = partners.create_partner(session, actor, PartnerDetails(name="Cat Shelter"), NOW)
    monkeypatch.setattr(partners, "_check_name_free", lambda *args: None)
    with pytest.raises(PartnerNameTaken):
        partners.update_partner(session, actor, cats, PartnerDetails(name="Dog Shelter"), NOW)
    session.commit()
    session.expire_all()
    assert [p.name for p in partners.list_partners(session)] == ["Cat Shelter", "Dog Shelter"]
    assert audit_entries(session, "partner.update") == []


def test_update_audits_only_what_changed(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(
        session, actor, PartnerDetails(name="평화의숲", contact_phone="02-1"), NOW
    )
    later = NOW + timedelta(hours=1)
    changed = partners.update_partner(
        session,
        actor,
        partner,
        PartnerDetails(name="평화의숲", contact_email="a@example.org", issues_receipts=True),
        later,
    )
    assert changed is True
    assert partner.contact_email == "a@example.org"
    assert partner.contact_phone is None  # cleared
    assert partner.issues_receipts is True
    [entry] = audit_entries(session, "partner.update")
    assert entry.before == {
        "partner_id": partner.id,
        "contact_email": None,
        "contact_phone": "02-1",
        "issues_receipts": False,
    }
    assert entry.after == {
        "partner_id": partner.id,
        "contact_email": "a@example.org",
        "contact_phone": None,
        "issues_receipts": True,
    }
    assert entry.created_at == later


def test_saving_unchanged_details_writes_nothing(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(
        session, actor, PartnerDetails(name="평화의숲", contact_email="a@example.org"), NOW
    )
    same = PartnerDetails(name=" 평화의숲 ", contact_email="A@example.org")
    assert partners.update_partner(session, actor, partner, same, NOW) is False
    assert audit_entries(session, "partner.update") == []


def test_rename_to_a_taken_name_is_refused_but_own_name_in_new_case_is_fine(
    session: Session,
) -> None:
    actor = admin(session)
    partners.create_partner(session, actor, PartnerDetails(name="Dog Shelter"), NOW)
    cats = partners.create_partner(session, actor, PartnerDetails(name="Cat Shelter"), NOW)
    with pytest.raises(PartnerNameTaken):
        partners.update_partner(session, actor, cats, PartnerDetails(name="dog shelter"), NOW)
    assert cats.name == "Cat Shelter"
    assert partners.update_partner(session, actor, cats, PartnerDetails(name="CAT Shelter"), NOW)
    assert cats.name == "CAT Shelter"


def test_invalid_update_leaves_the_partner_alone(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(session, actor, PartnerDetails(name="평화의숲"), NOW)
    with pytest.raises(Invalid):
        partners.update_partner(
            session, actor, partner, PartnerDetails(name="새 이름", contact_email="x"), NOW
        )
    assert partner.name == "평화의숲"
    assert audit_entries(session, "partner.update") == []


def test_get_partner_raises_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        partners.get_partner(session, 424242)


def test_issued_token_is_stored_hashed_and_works_for_the_partner(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(session, actor, PartnerDetails(name="평화의숲"), NOW)
    issued = partners.issue_partner_token(session, actor, partner, "  정산   조회 ", NOW)
    session.commit()
    assert issued.secret.startswith("aesp_")
    token = session.get(ApiToken, issued.token.id)
    assert token.partner_id == partner.id and token.user_id is None
    assert token.token_hash == digest(issued.secret) != issued.secret
    assert token.prefix == issued.secret[:10]
    assert token.name == "정산 조회"
    owner = accounts.token_owner(session, issued.secret)
    assert owner is not None and owner.partner_id == partner.id
    [entry] = audit_entries(session, "partner.token.issue")
    assert entry.after["token_id"] == token.id and entry.after["partner_id"] == partner.id
    everything = json.dumps([(e.before, e.after, e.reason) for e in audit_entries(session)])
    assert issued.secret not in everything
    assert token.token_hash not in everything


def test_an_unnamed_token_gets_a_default_name(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(session, actor, PartnerDetails(name="평화의숲"), NOW)
    assert partners.issue_partner_token(session, actor, partner, "   ", NOW).token.name == "API"


def test_revoked_token_stops_working_and_is_audited(session: Session) -> None:
    actor = admin(session)
    partner = partners.create_partner(session, actor, PartnerDetails(name="평화의숲"), NOW)
    keep = partners.issue_partner_token(session, actor, partner, "keep", NOW)
    drop = partners.issue_partner_token(session, actor, partner, "drop", NOW)
    later = NOW + timedelta(days=1)
    partners.revoke_partner_token(session, actor, partner, drop.token.id, later)
    session.commit()
    assert accounts.token_owner(session, drop.secret) is None
    assert accounts.token_owner(session, keep.secret) is not None
    assert session.get(ApiToken, drop.token.id).revoked_at == later
    assert [t.id for t in partners.list_partner_tokens(session, partner)] == [keep.token.id]
    assert [t.id for t in partners.list_partner_tokens(session, partner, include_revoked=True)] == [
        drop.token.id,
        keep.token.id,
    ]
    [entry] = audit_entries(session, "partner.token.revoke")
    assert entry.before["revoked_at"] is None and entry.after["revoked_at"] == later.isoformat()
    assert entry.after["token_id"] == drop.token.id


def test_only_a_live_token_of_this_partner_can_be_revoked(session: Session) -> None:
    actor = admin(session)
    mine = partners.create_partner(session, actor, PartnerDetails(name="A"), NOW)
    theirs = partners.create_partner(session, actor, PartnerDetails(name="B"), NOW)
    their_token = partners.issue_partner_token(session, actor, theirs, "t", NOW)
    user_token = accounts.issue_api_token(session, actor, "mine", NOW)
    my_token = partners.issue_partner_token(session, actor, mine, "t", NOW)
    partners.revoke_partner_token(session, actor, mine, my_token.token.id, NOW)
    for token_id in (their_token.token.id, user_token.token.id, my_token.token.id, 999999):
        with pytest.raises(NotFound):
            partners.revoke_partner_token(session, actor, mine, token_id, NOW)
    assert accounts.token_owner(session, their_token.secret) is not None
    assert accounts.token_owner(session, user_token.secret) is not None
    assert len(audit_entries(session, "partner.token.revoke")) == 1


def test_list_partners_is_by_name(session: Session) -> None:
    actor = admin(session)
    for name in ("다", "가", "나"):
        partners.create_partner(session, actor, PartnerDetails(name=name), NOW)
    assert [p.name for p in partners.list_partners(session)] == ["가", "나", "다"]
