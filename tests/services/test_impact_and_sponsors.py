"""Impact that is true (units paid for apart from units only counted, clamped milestones at
what they paid), exports that carry stamps, units and the rate, and the sponsor statement."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from campaign.api.campaign_json import progress_json
from campaign.errors import Invalid, SponsorNameTaken
from campaign.exports import FORMATS
from campaign.exports.headings import HEADINGS
from campaign.models import CampaignKind, Role
from campaign.rules.campaign_spec import BeneficiarySpec, MilestoneSpec
from campaign.services import lifecycle
from campaign.services.actions import record_action
from campaign.services.exports import export_settlement
from campaign.services.participation import join
from campaign.services.progress import contribution, progress
from campaign.services.sponsors import (
    SponsorDetails,
    create_sponsor,
    list_sponsors,
    set_campaign_sponsor,
    statement,
    statement_document,
)
from tests.factories import DAY, NOW, action, make_campaign, make_partner, make_user


def _trees(session: Session, purse_won: int | None, stamps: int, people: int = 2):
    campaign = make_campaign(
        session,
        kind=CampaignKind.STAMP,
        stamps_per_unit=40,
        won_per_unit=5_000,
        purse_won=purse_won,
        unit_name="그루",
        actions=(action("one", worth_stamps=4),),
    )
    users = [make_user(session) for _ in range(people)]
    for user in users:
        join(session, user, campaign, None, NOW)
    for n in range(stamps // 4):
        record_action(session, users[n % people], campaign, "one", None, None, NOW)
    return campaign, users


def test_units_after_the_cap_are_counted_but_not_funded(session: Session) -> None:
    campaign, users = _trees(session, purse_won=50_000, stamps=480)  # 12 trees, 10 paid
    shown = progress(session, campaign, NOW)
    assert (shown.units, shown.units_counted, shown.units_unfunded) == (10, 12, 2)
    body = progress_json(campaign, shown)
    assert (body["units"], body["units_funded"], body["units_counted"]) == ("10.0", 10, "12.0")
    assert body["units_unfunded"] == 2
    mine = contribution(session, campaign, users[0])  # half of the stamps: half of each
    assert (mine.units, mine.units_unfunded) == (5, 1)


def test_a_started_unit_is_not_a_planted_one(session: Session) -> None:
    campaign, _users = _trees(session, purse_won=None, stamps=2068, people=1)  # 51.7 trees
    shown = progress(session, campaign, NOW)
    assert (shown.units, shown.units_unfunded) == (51, 0)
    assert str(shown.units_counted) == "517/10"


def test_a_clamped_milestone_shows_what_it_really_paid(session: Session) -> None:
    campaign = make_campaign(
        session,
        purse_won=1_500,
        actions=(action("cheer", worth_won=100),),
        milestones=(MilestoneSpec(3, 5_000),),
    )
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    for _ in range(3):
        record_action(session, user, campaign, "cheer", None, None, NOW)
    [milestone] = progress(session, campaign, NOW).milestones
    assert (milestone.amount_won, milestone.declared_won, milestone.paid_won) == (
        1_200,
        5_000,
        1_200,
    )
    assert milestone.clamped


def _summary(data: bytes) -> dict[str, str]:
    """The CSV's summary by its English keys (the file itself shows Korean headings)."""
    key_of = {korean: key for key, korean in HEADINGS.items()}
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    summary = {}
    for row in rows[1:]:
        if not row:
            break
        summary[key_of.get(row[0], row[0])] = row[1]
    return summary


def test_the_settlement_export_reads_back_stamps_units_and_the_rate(session: Session) -> None:
    campaign, _users = _trees(session, purse_won=50_000, stamps=480)
    lifecycle.close(session, campaign, actor=None, now=NOW + DAY)
    exported = export_settlement(
        session, campaign, partner_id=None, format_name="csv", actor=None,
        actor_label="test", now=NOW + 2 * DAY,
    )  # fmt: skip
    summary = _summary(exported.data)
    assert summary["stamps"] == "480"
    assert (summary["stamps_per_unit"], summary["won_per_unit"]) == ("40", "5000")
    assert (summary["units_counted"], summary["units_funded"], summary["units_unfunded"]) == (
        "12.0",
        "10",
        "2",
    )
    assert summary["unit_name"] == "그루"
    assert summary["corrections_after_close_won"] == "0"


def test_sponsors_are_checked_and_listed_in_pages(session: Session) -> None:
    admin = make_user(session, role=Role.ADMIN)
    for n in range(25):
        create_sponsor(session, admin, SponsorDetails(f"후원사 {n:02d}"), NOW)
    with pytest.raises(SponsorNameTaken):
        create_sponsor(session, admin, SponsorDetails("후원사 01"), NOW)
    with pytest.raises(Invalid) as refused:
        create_sponsor(session, admin, SponsorDetails("새 후원사", logo_url="javascript:x"), NOW)
    assert (refused.value.field, refused.value.reason) == ("logo_url", "static_path")
    with pytest.raises(Invalid):  # the CSP would never let it show
        create_sponsor(
            session, admin, SponsorDetails("새 후원사", logo_url="https://x.example/l"), NOW
        )
    first, second = list_sponsors(session), list_sponsors(session, page=2)
    assert (first.total, first.pages, len(first.sponsors), len(second.sponsors)) == (25, 2, 20, 5)
    assert [s.name for s in list_sponsors(session, query="후원사 2").sponsors] == [
        "후원사 20", "후원사 21", "후원사 22", "후원사 23", "후원사 24",
    ]  # fmt: skip


def test_the_sponsor_statement_says_what_the_purse_paid_for(session: Session) -> None:
    first, second = make_partner(session, name="용인시동물보호협회"), make_partner(session)
    campaign = make_campaign(
        session,
        purse_won=10_000,
        actions=(action("cheer", worth_won=100), action("share", worth_won=300)),
        milestones=(MilestoneSpec(3, 1_000),),
        beneficiaries=(BeneficiarySpec(first.id, 1), BeneficiarySpec(second.id, 2)),
    )
    admin = make_user(session, role=Role.ADMIN)
    sponsor = create_sponsor(session, admin, SponsorDetails("카카오페이"), NOW)
    assert set_campaign_sponsor(session, admin, campaign, "purse", sponsor.id, NOW)
    user = make_user(session)
    join(session, user, campaign, None, NOW)
    for code in ("cheer", "cheer", "share"):
        record_action(session, user, campaign, code, None, None, NOW)

    stmt = statement(session, campaign)
    assert [(t.code, t.actions, t.won) for t in stmt.by_type] == [
        ("cheer", 2, 200),
        ("share", 1, 300),
    ]
    assert [(m.threshold, m.paid_won) for m in stmt.milestones] == [(3, 1_000)]
    assert (stmt.spent_won, stmt.unspent_won, stmt.final) == (1_500, 8_500, False)
    assert [(o.partner, o.amount_won) for o in stmt.owed] == [
        ("용인시동물보호협회", 500),
        (second.name, 1_000),
    ]

    lifecycle.close(session, campaign, actor=None, now=NOW + timedelta(days=1))
    closed = statement(session, campaign)
    assert closed.final and sum(o.amount_won for o in closed.owed) == 1_500
    data = FORMATS["csv"].write(statement_document(closed))
    summary = _summary(data)
    assert (summary["purse_sponsor"], summary["unspent_won"]) == ("카카오페이", "8500")
