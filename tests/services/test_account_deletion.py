"""Deleting an account erases the person, never a won: every campaign's totals, the reconcile,
the settlements and their exports are the same before and after (on both databases)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from campaign.errors import Invalid
from campaign.models import (
    Action,
    ApiToken,
    Campaign,
    CampaignKind,
    LoginSession,
    Notification,
    Participant,
    Pledge,
    ReceiptRequest,
    Role,
    Settlement,
    SettlementAllocation,
    SettlementDay,
    SettlementTeam,
    User,
)
from campaign.rules.receipts import ReceiptStatus
from campaign.services import lifecycle, notifications
from campaign.services.account_deletion import delete_account, pseudonym
from campaign.services.accounts import (
    authenticate,
    issue_api_token,
    set_active,
    start_login_session,
    user_for_login_token,
)
from campaign.services.actions import record_action
from campaign.services.exports import export_settlement
from campaign.services.fundraising import pledge_gift
from campaign.services.participation import join
from campaign.services.progress import progress
from campaign.services.receipt_cipher import ReceiptCipher, development_key
from campaign.services.receipts import request_receipt
from campaign.services.reconcile import reconcile
from campaign.services.tokens import live_token_with_owner
from tests.factories import (
    NOW,
    PASSWORD,
    action,
    make_campaign,
    make_fundraiser,
    make_partner,
    make_user,
)
from tests.ledger_facts import snapshot

CIPHER = ReceiptCipher((development_key("test-secret-key"),))
RRN = "9001011234568"
LATER = NOW + timedelta(days=20)


def _world(session: Session) -> dict[str, Any]:
    """A giver who voted for a team, cheered, gifted to two fundraisers (matched by the
    company), asked for a receipt on both — one already sent to the charity — holds a
    session, a token and a notification. Everyone else does the same things beside them."""
    charity = make_partner(session, "사랑의열매", issues_receipts=True)
    forest = make_partner(session, "숲", issues_receipts=False)
    giver = make_user(session, email="giver@aesseuji.example", name="홍길동", role=Role.CREW)
    other = make_user(session, email="other@aesseuji.example", name="김철수", role=Role.CREW)
    fight = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        partner=forest,
        actions=(action("vote", worth_won=10),),
    )
    cheer = make_campaign(
        session, partner=forest, actions=(action("cheer", worth_won=100, evidence="optional"),)
    )
    sent = make_fundraiser(session, partner=charity)
    unsent = make_fundraiser(session, partner=charity)
    for person, team in ((giver, "dog"), (other, "cat")):
        join(session, person, fight, team, NOW)
        for n in range(3):
            record_action(session, person, fight, "vote", None, f"v{n}", NOW)
        join(session, person, cheer, None, NOW)
        record_action(session, person, cheer, "cheer", f"메모-{person.id}", None, NOW)
        for drive in (sent, unsent):
            pledge_gift(session, person, drive, 30_000, False, "힘내세요", None, NOW)
    for drive in (sent, unsent):
        request_receipt(
            session,
            giver,
            drive,
            legal_name="홍길동",
            share_email=True,
            phone="010-1234-5678",
            now=NOW,
            id_number=RRN,
            share_id_number=True,
            address="서울시 중구 세종대로 110",
            share_address=True,
            cipher=CIPHER,
        )
    start_login_session(session, giver, NOW)
    token = issue_api_token(session, giver, "내 스크립트", NOW)
    notifications.notify(session, [giver.id], "proposal.approved", NOW, params={"title": "x"})
    for campaign in (fight, cheer, sent, unsent):
        lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(hours=1))
    # The charity's export of `sent` carries the giver's request: it is now the charity's.
    export_settlement(
        session,
        sent,
        partner_id=charity.id,
        format_name="json",
        actor=None,
        actor_label="test",
        now=LATER,
        cipher=CIPHER,
    )
    session.flush()
    return {
        "giver": giver,
        "token": token.secret,
        "campaigns": (fight, cheer, sent, unsent),
        "sent": sent,
        "unsent": unsent,
        "fight": fight,
        "partners": (charity, forest),
    }


def _exports(session: Session, campaign: Campaign, partners, cipher) -> dict[str, Any]:
    """Every export of the campaign's settlement (whole and per partner), parsed. Without
    ``cipher`` a charity's export is the masked one, which sends nothing."""
    out = {}
    for partner_id in [None, *(p.id for p in partners)]:
        if partner_id is not None and not any(
            b.partner_id == partner_id for b in campaign.beneficiaries
        ):
            continue
        for fmt in ("json", "csv"):
            exported = export_settlement(
                session,
                campaign,
                partner_id=partner_id,
                format_name=fmt,
                actor=None,
                actor_label="test",
                now=LATER,
                cipher=cipher,
            )
            key = f"{partner_id}:{fmt}"
            out[key] = json.loads(exported.data) if fmt == "json" else exported.data
            out[key + ":record"] = (exported.record.row_count, exported.record.total_won)
    return out


def _facts(session: Session, world: dict[str, Any]) -> dict[str, Any]:
    session.expire_all()
    facts: dict[str, Any] = {"ledger": snapshot(session), "reconcile": reconcile(session)}
    for campaign in world["campaigns"]:
        settlement = session.scalar(select(Settlement).where(Settlement.campaign_id == campaign.id))
        facts[campaign.slug] = {
            "progress": progress(session, campaign, LATER),
            "settlement": (
                settlement.total_won,
                settlement.action_won,
                settlement.milestone_won,
                settlement.crew_won,
                settlement.match_won,
                settlement.topup_won,
                settlement.actions,
                settlement.participants,
                settlement.ledger_digest,
            ),
            "allocations": session.execute(
                select(SettlementAllocation.partner_id, SettlementAllocation.amount_won)
                .where(SettlementAllocation.settlement_id == settlement.id)
                .order_by(SettlementAllocation.partner_id)
            ).all(),
            "teams": session.execute(
                select(SettlementTeam.team_id, SettlementTeam.actions, SettlementTeam.won)
                .where(SettlementTeam.settlement_id == settlement.id)
                .order_by(SettlementTeam.team_id)
            ).all(),
            "days": session.execute(
                select(SettlementDay.kst_day, SettlementDay.actions, SettlementDay.won)
                .where(SettlementDay.settlement_id == settlement.id)
                .order_by(SettlementDay.kst_day)
            ).all(),
            "exports": _exports(
                session,
                campaign,
                world["partners"],
                None if campaign is world["unsent"] else CIPHER,
            ),
        }
    return facts


def _without_receipts(exports: dict[str, Any]) -> dict[str, Any]:
    """The exports with the receipt donors' sheet left out (JSON) — the ₩ and the ledger."""
    return {
        key: {
            **value,
            "sheets": {k: v for k, v in value["sheets"].items() if k != "receipt_donors"},
        }
        for key, value in exports.items()
        if key.endswith(":json")
    }


def test_deleting_keeps_every_total_settlement_and_export(session: Session) -> None:
    world = _world(session)
    giver: User = world["giver"]
    before = _facts(session, world)
    assert before["reconcile"] == []
    assert before["ledger"].pledged_won > 0
    charity = world["partners"][0]
    [sent_row] = before[world["sent"].slug]["exports"][f"{charity.id}:json"]["sheets"][
        "receipt_donors"
    ]
    assert (sent_row["legal_name"], sent_row["id_number"], sent_row["status"]) == (
        "홍길동",
        "900101-1234568",
        "sent",
    )
    assert before[world["fight"].slug]["settlement"][0] > 0

    delete_account(session, giver, password=PASSWORD, confirmed=True, now=LATER)
    session.flush()
    after = _facts(session, world)

    assert after["ledger"] == before["ledger"]
    assert after["reconcile"] == []
    unsent = world["unsent"].slug
    for campaign in world["campaigns"]:
        slug = campaign.slug
        for part in ("progress", "settlement", "allocations", "teams", "days"):
            assert after[slug][part] == before[slug][part], (slug, part)
        if slug != unsent:
            # Byte for byte, receipt donors included: what the charity received stays.
            assert after[slug]["exports"] == before[slug]["exports"], slug
    # The unsent request is gone; everything else of that campaign's exports is the same.
    assert _without_receipts(after[unsent]["exports"]) == _without_receipts(
        before[unsent]["exports"]
    )
    for key in ("None:json", f"{world['partners'][0].id}:json"):
        assert before[unsent]["exports"][key]["sheets"]["receipt_donors"]
        assert after[unsent]["exports"][key]["sheets"]["receipt_donors"] == []
    kept = session.scalars(select(ReceiptRequest).where(ReceiptRequest.user_id == giver.id)).all()
    assert [(r.campaign_id, r.status) for r in kept] == [(world["sent"].id, ReceiptStatus.SENT)]


def test_deleted_account_is_anonymous_and_locked_out(session: Session) -> None:
    world = _world(session)
    giver: User = world["giver"]
    delete_account(session, giver, password=PASSWORD, confirmed=True, now=LATER)
    session.flush()
    session.expire_all()
    user = session.get(User, giver.id)
    assert user.email == pseudonym(user) and user.display_name == "탈퇴한 회원"
    assert user.deleted_at is not None and not user.active and user.role == Role.USER
    assert not user.is_verified
    for model in (LoginSession, ApiToken, Notification):
        assert (
            session.scalar(select(func.count()).select_from(model).where(model.user_id == giver.id))
            == 0
        )
    assert live_token_with_owner(session, world["token"]) is None
    with pytest.raises(Exception):  # noqa: B017  (BadCredentials; the address is free)
        authenticate(session, "giver@aesseuji.example", PASSWORD, LATER)
    # The ledger rows stay under the anonymous participant, their free text erased.
    assert (
        session.scalar(
            select(func.count()).select_from(Participant).where(Participant.user_id == giver.id)
        )
        == 4
    )
    assert session.scalars(select(Pledge.message).where(Pledge.user_id == giver.id)).all()
    assert set(session.scalars(select(Pledge.message).where(Pledge.user_id == giver.id))) == {None}
    assert set(session.scalars(select(Action.evidence).where(Action.user_id == giver.id))) == {None}
    # The old name and address are nowhere in the users table.
    raw = session.execute(
        text("SELECT email, display_name FROM users WHERE id = :id"), {"id": giver.id}
    )
    assert "홍길동" not in str(raw.all()) and user_for_login_token(session, "x") is None


@pytest.mark.parametrize(
    ("password", "confirmed", "field", "reason"),
    [
        ("wrong password!", True, "password", "wrong_password"),
        ("", True, "password", "wrong_password"),
        (PASSWORD, False, "confirm", "confirm_required"),
    ],
)
def test_refusals_change_nothing(
    session: Session, password: str, confirmed: bool, field: str, reason: str
) -> None:
    giver = make_user(session, email="me@example.com")
    start_login_session(session, giver, NOW)
    with pytest.raises(Invalid) as info:
        delete_account(session, giver, password=password, confirmed=confirmed, now=NOW)
    assert (info.value.field, info.value.reason) == (field, reason)
    session.expire_all()
    assert session.get(User, giver.id).email == "me@example.com"
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_an_admin_cannot_delete_their_own_account(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    with pytest.raises(Invalid) as info:
        delete_account(session, admin, password=PASSWORD, confirmed=True, now=NOW)
    assert info.value.reason == "own_role"


def test_an_admin_cannot_bring_a_deleted_account_back(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    gone = make_user(session)
    delete_account(session, gone, password=PASSWORD, confirmed=True, now=NOW)
    with pytest.raises(Invalid) as info:
        set_active(session, admin, gone, True, NOW)
    assert info.value.reason == "account_deleted" and not gone.active
