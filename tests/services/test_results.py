"""Results reach people: notices at close, one mail per participant with their own part, "you
won" with a contact form for draw winners, masked publication, and a draw that re-runs to the
same winners from the stored seed."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign import scheduler
from campaign.db import database
from campaign.errors import Invalid, NotFound
from campaign.http.result_mail import send_cancelled, send_pending, send_results
from campaign.models import Action, CampaignKind, DrawWinner, Notification, Role, WinnerContact
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.corrections import void_action
from campaign.services.participation import join
from campaign.services.results import (
    claim_results,
    public_winners,
    rerun_draw,
    save_contact,
    winner_rows,
)
from campaign.services.settlement import settlement_for
from tests.factories import DAY, NOW, action, make_campaign, make_user
from tests.mailbox import Mailbox


def _team_fight(session: Session, draw_winners: int, voters: int = 8):
    campaign = make_campaign(
        session,
        kind=CampaignKind.TEAM,
        draw_winners=draw_winners,
        actions=(action("vote", worth_won=10),),
    )
    people = [make_user(session, name=f"참가자{n}번") for n in range(voters)]
    for n, person in enumerate(people):
        join(session, person, campaign, "dog" if n < voters - 2 else "cat", NOW)
        record_action(session, person, campaign, "vote", None, None, NOW)
    return campaign, people


def test_closing_notifies_everyone_and_the_draw_re_runs_to_the_same_winners(
    session: Session,
) -> None:
    campaign, people = _team_fight(session, draw_winners=3)
    lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
    settlement = settlement_for(session, campaign)
    assert settlement is not None
    stored = list(
        session.scalars(
            select(DrawWinner.user_id)
            .where(DrawWinner.settlement_id == settlement.id)
            .order_by(DrawWinner.rank)
        )
    )
    assert len(stored) == 3
    assert set(stored) <= {p.id for p in people[:-2]}  # drawn from the winning team (dog)
    assert rerun_draw(session, campaign) == stored

    kinds = {(n.user_id, n.kind) for n in session.scalars(select(Notification))}
    assert {(winner, "draw_won") for winner in stored} <= kinds
    assert not [k for k in kinds if k[1] == "campaign_result"]  # they come with the mail
    assert claim_results(session, campaign, settlement, NOW + DAY)
    assert not claim_results(session, campaign, settlement, NOW + DAY)  # exactly once
    results = [
        n.user_id for n in session.scalars(select(Notification)) if n.kind == "campaign_result"
    ]
    assert sorted(results) == sorted(p.id for p in people)
    kinds = {(n.user_id, n.kind) for n in session.scalars(select(Notification))}
    assert len([k for k in kinds if k[1] == "draw_won"]) == 3
    shown = public_winners(session, campaign)
    assert [w.rank for w in shown] == [1, 2, 3]
    assert all("*" in w.masked_name and "번" in w.masked_name for w in shown)
    assert all(w.masked_name != p.display_name for w in shown for p in people)


def test_the_draw_re_run_ignores_a_void_made_after_close(session: Session) -> None:
    campaign, _people = _team_fight(session, draw_winners=2)
    lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
    before = rerun_draw(session, campaign)
    first = session.scalars(select(Action).where(Action.user_id == before[0])).one()
    admin = make_user(session, role=Role.ADMIN)
    void_action(session, campaign, first.id, reason="사후", actor=admin, now=NOW + 2 * DAY)
    assert rerun_draw(session, campaign) == before


def test_a_winner_gives_contact_details_with_consent(session: Session) -> None:
    campaign, people = _team_fight(session, draw_winners=1)
    lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
    [winner_id] = rerun_draw(session, campaign)
    winner = next(p for p in people if p.id == winner_id)
    loser = next(p for p in people if p.id != winner_id)

    with pytest.raises(Invalid) as refused:
        save_contact(
            session, campaign, winner, legal_name="홍길동", phone="010-1234-5678",
            address=None, consent=False, now=NOW + DAY,
        )  # fmt: skip
    assert refused.value.reason == "consent_required"
    with pytest.raises(Invalid) as refused:
        save_contact(
            session, campaign, winner, legal_name="홍길동", phone="전화번호",
            address=None, consent=True, now=NOW + DAY,
        )  # fmt: skip
    assert refused.value.field == "phone"
    assert session.scalar(select(WinnerContact)) is None
    with pytest.raises(NotFound):
        save_contact(
            session, campaign, loser, legal_name="김철수", phone="010-1111-2222",
            address=None, consent=True, now=NOW + DAY,
        )  # fmt: skip

    save_contact(
        session, campaign, winner, legal_name=" 홍길동 ", phone="010-1234-5678",
        address="서울시 중구", consent=True, now=NOW + 2 * DAY,
    )  # fmt: skip
    [row] = winner_rows(session, campaign)
    assert (row.legal_name, row.phone, row.address) == ("홍길동", "010-1234-5678", "서울시 중구")
    assert row.consented_at == NOW + 2 * DAY


def test_result_mails_go_once_with_each_persons_part(mail_app: Flask, mailbox: Mailbox) -> None:
    db = database(mail_app)
    with db.transaction() as session:
        campaign = make_campaign(
            session,
            kind=CampaignKind.STAMP,
            stamps_per_unit=40,
            won_per_unit=5_000,
            purse_won=10_000,
            actions=(action("switch", worth_stamps=20),),
        )
        heavy, light = (
            make_user(session, email="heavy@example.com"),
            make_user(session, email="light@example.com"),
        )
        unverified = make_user(session, email="unproved@example.com", verified=False)
        for person in (heavy, light, unverified):
            join(session, person, campaign, None, NOW)
        for _ in range(6):  # 120 stamps of heavy's
            record_action(session, heavy, campaign, "switch", None, None, NOW)
        for _ in range(2):  # 40 of light's: 160 stamps = 4 trees counted, 2 paid for
            record_action(session, light, campaign, "switch", None, None, NOW)
        lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
        campaign_id = campaign.id

    with mail_app.app_context():
        assert send_results(campaign_id) == 2
        assert send_results(campaign_id) == 0  # claimed: nobody is mailed twice
        assert send_pending() == 0
    assert mailbox.to("unproved@example.com") == []
    [mail] = mailbox.to("heavy@example.com")
    body = mail.get_content()
    assert campaign.title in mail["Subject"]
    assert "120" in body and "1.5" in body  # 3/4 of the 2 trees paid for
    [mail] = mailbox.to("light@example.com")
    assert "0.5" in mail.get_content()


def test_cancelling_tells_participants(mail_app: Flask, mailbox: Mailbox) -> None:
    db = database(mail_app)
    with db.transaction() as session:
        campaign = make_campaign(session)
        person = make_user(session, email="joined@example.com")
        join(session, person, campaign, None, NOW)
        admin = make_user(session, role=Role.ADMIN)
        lifecycle.cancel(session, campaign, actor=admin, reason="후원사 사정", now=NOW)
        notice = session.scalar(select(Notification).where(Notification.user_id == person.id))
        assert notice is not None and notice.kind == "campaign_cancelled"
        assert notice.params["reason"] == "후원사 사정"
        campaign_id = campaign.id
    with mail_app.app_context():
        assert send_cancelled(campaign_id, "후원사 사정") == 1
    [mail] = mailbox.to("joined@example.com")
    assert "후원사 사정" in mail.get_content()


class _HeldLock:
    def __init__(self, held: bool) -> None:
        self._held = held

    def held(self) -> bool:
        return self._held


def test_the_scheduler_mails_the_results_of_the_closes_it_made(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    with database(mail_app).transaction() as session:
        campaign = make_campaign(session)
        person = make_user(session, email="swept@example.com")
        join(session, person, campaign, None, NOW)
        lifecycle.close(session, campaign, actor=None, now=NOW + DAY)  # as the close sweep does
    scheduler.mail_results(mail_app, _HeldLock(False))()  # not the leader: nothing
    assert mailbox.to("swept@example.com") == []
    scheduler.mail_results(mail_app, _HeldLock(True))()
    scheduler.mail_results(mail_app, _HeldLock(True))()  # once
    [mail] = mailbox.to("swept@example.com")
    assert campaign.title in mail["Subject"]
