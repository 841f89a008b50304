"""Crew gifts and the company's match: the caps to the won, cancellation, the top-up at close,
and counters that always equal the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.demo import ensure_demo_users
from campaign.demo.crew import seed_crew_demo
from campaign.errors import (
    CampaignClosed,
    CampaignNotOpen,
    Forbidden,
    IdempotencyKeyReused,
    Invalid,
    NotFound,
)
from campaign.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    Endorsement,
    Participant,
    Pledge,
    Proposal,
    ProposalStatus,
    Role,
    User,
)
from campaign.services import counters, fundraising
from campaign.services.reconcile import reconcile
from tests.factories import DAY, NOW, make_campaign, make_fundraiser, make_user


def crew(session: Session, name: str | None = None) -> User:
    return make_user(session, role=Role.CREW, name=name)


def give(session: Session, user: User, campaign: Campaign, amount: int, **kw: object):
    return fundraising.pledge_gift(
        session,
        user,
        campaign,
        amount,
        bool(kw.get("anonymous", False)),
        kw.get("message"),  # type: ignore[arg-type]
        kw.get("key"),  # type: ignore[arg-type]
        kw.get("now", NOW),  # type: ignore[arg-type]
    )


def participant(session: Session, campaign: Campaign, user: User) -> Participant:
    session.expire_all()
    return session.scalar(
        select(Participant).where(
            Participant.campaign_id == campaign.id, Participant.user_id == user.id
        )
    )


def ledger(session: Session, campaign: Campaign) -> list[tuple[str, int, int | None]]:
    return [
        (p.source.value, p.amount_won, p.user_id)
        for p in session.scalars(
            select(Pledge).where(Pledge.campaign_id == campaign.id).order_by(Pledge.id)
        )
    ]


def test_a_gift_is_matched_one_to_one_in_the_same_transaction(session: Session) -> None:
    campaign = make_fundraiser(session)
    giver = crew(session)
    result = give(session, giver, campaign, 30_000, message=" 힘내세요 ", anonymous=True)
    assert result.matched == 30_000 and result.match_due == 30_000 and not result.budget_short
    assert result.gift.message == "힘내세요" and result.gift.anonymous is True
    assert result.match.matches_id == result.gift.id and result.match.user_id == giver.id
    assert ledger(session, campaign) == [("crew", 30_000, giver.id), ("match", 30_000, giver.id)]
    totals = counters.totals(session, campaign.id)
    assert (totals.crew_won, totals.sponsor_won, totals.participants) == (30_000, 30_000, 1)
    assert totals.purse_left == 50_000_000 - 30_000
    mine = participant(session, campaign, giver)
    assert (mine.gifted_won, mine.matched_won) == (30_000, 30_000)
    assert reconcile(session, campaign.id) == []


def test_the_match_stops_exactly_at_the_per_person_cap(session: Session) -> None:
    campaign = make_fundraiser(session)  # 1:1 up to 100,000원 a person
    giver = crew(session)
    assert give(session, giver, campaign, 60_000).matched == 60_000
    assert give(session, giver, campaign, 40_000).matched == 40_000  # exactly at the cap
    over = give(session, giver, campaign, 50_000)
    assert over.matched == 0 and over.match is None and over.match_due == 0
    assert not over.budget_short  # the person's cap, not the company's budget
    mine = participant(session, campaign, giver)
    assert (mine.gifted_won, mine.matched_won) == (150_000, 100_000)
    # Another person has their own cap.
    assert give(session, crew(session), campaign, 100_000).matched == 100_000
    assert reconcile(session, campaign.id) == []


def test_one_gift_over_the_per_person_cap_is_matched_up_to_it(session: Session) -> None:
    campaign = make_fundraiser(session)
    assert give(session, crew(session), campaign, 250_000).matched == 100_000


def test_the_company_cap_is_never_overrun(session: Session) -> None:
    campaign = make_fundraiser(session, purse_won=150_000)
    first, second, third = crew(session), crew(session), crew(session)
    assert give(session, first, campaign, 100_000).matched == 100_000
    short = give(session, second, campaign, 80_000)
    assert (short.matched, short.match_due, short.budget_short) == (50_000, 80_000, True)
    assert counters.totals(session, campaign.id).purse_left == 0  # exactly at the company cap
    empty = give(session, third, campaign, 10_000)
    assert (empty.matched, empty.match, empty.budget_short) == (0, None, True)
    totals = counters.totals(session, campaign.id)
    assert (totals.sponsor_won, totals.crew_won) == (150_000, 190_000)
    assert reconcile(session, campaign.id) == []


def test_ratio_rounds_down_and_no_company_cap_means_no_limit(session: Session) -> None:
    campaign = make_fundraiser(session, match_percent=50, match_per_person_won=None, purse_won=None)
    assert give(session, crew(session), campaign, 10_001).matched == 5_000
    assert give(session, crew(session), campaign, 10_000_000).matched == 5_000_000
    assert counters.totals(session, campaign.id).purse_left is None


def test_a_fundraiser_without_matching_writes_no_match(session: Session) -> None:
    campaign = make_fundraiser(session, match_percent=0, purse_won=0)
    result = give(session, crew(session), campaign, 10_000)
    assert result.match is None and result.match_due == 0
    assert [row[0] for row in ledger(session, campaign)] == ["crew"]


def test_cancelling_gives_the_match_back(session: Session) -> None:
    campaign = make_fundraiser(session, purse_won=120_000)
    giver, other = crew(session), crew(session)
    gift = give(session, giver, campaign, 100_000).gift
    assert give(session, other, campaign, 50_000).matched == 20_000  # budget nearly spent
    cancelled = fundraising.cancel_gift(session, giver, gift.id, NOW)
    assert cancelled.match_returned == 100_000 and not cancelled.already
    assert cancelled.reversal.reverses_id == gift.id and cancelled.reversal.amount_won == -100_000
    # The rows are still there: a correction is a reversing row, never a deletion.
    assert ledger(session, campaign) == [
        ("crew", 100_000, giver.id),
        ("match", 100_000, giver.id),
        ("crew", 50_000, other.id),
        ("match", 20_000, other.id),
        ("crew", -100_000, giver.id),
        ("match", -100_000, giver.id),
    ]
    totals = counters.totals(session, campaign.id)
    assert (totals.crew_won, totals.sponsor_won, totals.purse_left) == (50_000, 20_000, 100_000)
    mine = participant(session, campaign, giver)
    assert (mine.gifted_won, mine.matched_won) == (0, 0)
    # The per-person cap and the company budget both free up again.
    assert give(session, giver, campaign, 100_000).matched == 100_000
    assert reconcile(session, campaign.id) == []


def test_cancelling_twice_writes_once(session: Session) -> None:
    campaign = make_fundraiser(session)
    giver = crew(session)
    gift = give(session, giver, campaign, 10_000).gift
    fundraising.cancel_gift(session, giver, gift.id, NOW)
    again = fundraising.cancel_gift(session, giver, gift.id, NOW)
    assert again.already is True and again.match_returned == 0
    assert len(ledger(session, campaign)) == 4
    assert reconcile(session, campaign.id) == []


def test_only_the_giver_cancels_their_own_gift(session: Session) -> None:
    campaign = make_fundraiser(session)
    giver, other = crew(session), crew(session)
    result = give(session, giver, campaign, 10_000)
    for pledge_id in (result.match.id, result.gift.id + 1000):
        with pytest.raises(NotFound):
            fundraising.cancel_gift(session, giver, pledge_id, NOW)
    with pytest.raises(NotFound):
        fundraising.cancel_gift(session, other, result.gift.id, NOW)
    reversal = fundraising.cancel_gift(session, giver, result.gift.id, NOW).reversal
    with pytest.raises(NotFound):  # a reversal is not a gift
        fundraising.cancel_gift(session, giver, reversal.id, NOW)


def test_no_cancelling_once_the_campaign_has_ended(session: Session) -> None:
    campaign = make_fundraiser(session, ends_at=NOW + DAY)
    giver = crew(session)
    gift = give(session, giver, campaign, 10_000).gift
    with pytest.raises(CampaignClosed):
        fundraising.cancel_gift(session, giver, gift.id, NOW + 2 * DAY)
    campaign.status = CampaignStatus.PAUSED
    with pytest.raises(CampaignNotOpen):
        fundraising.cancel_gift(session, giver, gift.id, NOW)


@pytest.mark.parametrize(
    ("amount", "reason"), [(999, "amount_out_of_range"), (10_000_001, "amount_out_of_range")]
)
def test_amounts_outside_the_bounds_write_nothing(
    session: Session, amount: int, reason: str
) -> None:
    campaign = make_fundraiser(session)
    with pytest.raises(Invalid) as caught:
        give(session, crew(session), campaign, amount)
    assert (caught.value.field, caught.value.reason) == ("amount", reason)
    assert ledger(session, campaign) == []
    assert counters.totals(session, campaign.id).participants == 0


def test_a_bad_message_writes_nothing(session: Session) -> None:
    campaign = make_fundraiser(session)
    with pytest.raises(Invalid) as caught:
        give(session, crew(session), campaign, 10_000, message="가" * 201)
    assert caught.value.field == "message"
    assert ledger(session, campaign) == []


def test_the_same_key_returns_the_first_gift(session: Session) -> None:
    campaign = make_fundraiser(session)
    giver = crew(session)
    first = give(session, giver, campaign, 30_000, key="form-1", message="hi")
    again = give(session, giver, campaign, 30_000, key="form-1", message="hi")
    assert again.replayed and again.gift.id == first.gift.id and again.matched == 30_000
    assert len(ledger(session, campaign)) == 2
    with pytest.raises(IdempotencyKeyReused):
        give(session, giver, campaign, 50_000, key="form-1", message="hi")
    with pytest.raises(Invalid):
        give(session, giver, campaign, 30_000, key="bad key with spaces")
    # Another person's key is theirs alone.
    assert not give(session, crew(session), campaign, 30_000, key="form-1").replayed


def test_who_may_give(session: Session) -> None:
    internal = make_fundraiser(session)
    public = make_fundraiser(session, internal=False)
    cheer = make_campaign(session, internal=True)
    user = make_user(session)
    with pytest.raises(NotFound):  # an internal fundraiser does not exist for non-crew
        give(session, user, internal, 10_000)
    with pytest.raises(Forbidden):
        give(session, user, public, 10_000)
    with pytest.raises(NotFound):  # not a fundraiser
        give(session, crew(session), cheer, 10_000)
    admin = make_user(session, role=Role.ADMIN)
    assert give(session, admin, internal, 10_000).matched == 10_000


def test_gifts_only_while_the_campaign_is_open(session: Session) -> None:
    campaign = make_fundraiser(session, starts_at=NOW + DAY, status=CampaignStatus.SCHEDULED)
    with pytest.raises(CampaignNotOpen):
        give(session, crew(session), campaign, 10_000)
    ended = make_fundraiser(session, ends_at=NOW - timedelta(seconds=1), starts_at=NOW - 5 * DAY)
    with pytest.raises(CampaignClosed):
        give(session, crew(session), ended, 10_000)
    assert ledger(session, campaign) == [] and ledger(session, ended) == []


def test_the_topup_is_written_once(session: Session) -> None:
    campaign = make_fundraiser(session)
    give(session, crew(session), campaign, 10_000)
    topup = fundraising.write_topup(session, campaign, NOW + 10 * DAY)
    assert topup is not None and topup.amount_won == 100_000_000 and topup.user_id is None
    assert fundraising.write_topup(session, campaign, NOW + 10 * DAY) is None
    assert [row[0] for row in ledger(session, campaign)].count("topup") == 1
    assert counters.totals(session, campaign.id).topup_won == 100_000_000
    assert reconcile(session, campaign.id) == []
    none = make_fundraiser(session, topup_won=0)
    assert fundraising.write_topup(session, none, NOW) is None


def test_the_overview_shows_each_part_and_the_budget_left(session: Session) -> None:
    campaign = make_fundraiser(session, purse_won=150_000)
    kim, lee, park = crew(session, "김크루"), crew(session, "이크루"), crew(session, "박크루")
    give(session, kim, campaign, 50_000, message="빠른 복구를")
    lee_gift = give(session, lee, campaign, 100_000, anonymous=True).gift
    give(session, park, campaign, 30_000)
    fundraising.cancel_gift(session, park, give(session, park, campaign, 10_000).gift.id, NOW)
    view = fundraising.overview(session, campaign, lee, NOW)
    assert (view.crew_won, view.matched_won, view.topup_won, view.topup_pending) == (
        180_000,
        150_000,
        0,
        100_000_000,
    )
    assert view.total == 330_000 and view.total_with_topup == 100_330_000
    assert (view.company_cap, view.budget_left, view.givers) == (150_000, 0, 3)
    assert view.accepting is True
    assert [(g.name, g.amount_won, g.matched_won, g.message) for g in view.recent] == [
        ("박크루", 30_000, 0, None),
        (None, 100_000, 100_000, None),
        ("김크루", 50_000, 50_000, "빠른 복구를"),
    ]
    assert (view.my_gifted, view.my_matched, view.my_match_left) == (100_000, 100_000, 0)
    assert [g.id for g in view.my_gifts] == [lee_gift.id]
    park_view = fundraising.overview(session, campaign, park, NOW)
    assert [(g.amount_won, g.cancelled) for g in park_view.my_gifts] == [
        (30_000, False),
        (10_000, True),
    ]
    stranger = fundraising.overview(session, campaign, crew(session), NOW)
    assert stranger.my_gifts == () and stranger.my_match_left == 100_000
    with pytest.raises(NotFound):
        fundraising.overview(session, campaign, make_user(session), NOW)


def test_a_cheer_campaign_has_no_overview(session: Session) -> None:
    cheer = make_campaign(session, kind=CampaignKind.CHEER)
    with pytest.raises(NotFound):
        fundraising.overview(session, cheer, crew(session), NOW)


def test_the_crew_demo_is_seeded_once_and_reconciles(session: Session) -> None:
    users = ensure_demo_users(session, NOW)
    lines = seed_crew_demo(session, NOW, users)
    assert any("crew-flood-relief" in line for line in lines)
    campaign = session.scalar(select(Campaign).where(Campaign.slug == "crew-flood-relief"))
    assert campaign.internal and campaign.kind == CampaignKind.FUNDRAISER
    assert campaign.status == CampaignStatus.ACTIVE and campaign.starts_at <= NOW < campaign.ends_at
    assert (campaign.match_percent, campaign.match_per_person_won) == (100, 100_000)
    assert (campaign.purse_won, campaign.topup_won) == (50_000_000, 100_000_000)
    assert [b.partner.name for b in campaign.beneficiaries] == ["사랑의열매 사회복지공동모금회"]
    waiting = session.scalars(select(Proposal).where(Proposal.status == ProposalStatus.SUBMITTED))
    [proposal] = waiting.all()
    assert proposal.author_id == users["crew@aesseuji.example"].id
    endorsers = session.scalars(select(Endorsement.user_id)).all()
    assert endorsers == [users["crew2@aesseuji.example"].id]
    before = ledger(session, campaign)
    assert [row[0] for row in before].count("crew") == 3
    seed_crew_demo(session, NOW + DAY, users)  # again, a day later: nothing changes
    assert ledger(session, campaign) == before
    assert session.scalar(select(func.count()).select_from(Proposal)) == 1
    assert reconcile(session) == []
