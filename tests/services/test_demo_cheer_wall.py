"""The demo cheer wall (campaign/demo/cheer_wall.py), on both databases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.demo import seed_demo
from campaign.models import Campaign, MessageRule
from campaign.services import counters
from campaign.services.cheers import cheer_wall
from campaign.services.reconcile import reconcile
from tests.factories import NOW


def test_the_cheer_wall_demo_has_messages_paid_like_any_cheer(session: Session) -> None:
    seed_demo(session, NOW)
    session.commit()
    wall = session.scalar(select(Campaign).where(Campaign.slug == "cheer-wall"))
    [comment] = wall.action_types
    assert (comment.code, comment.message, comment.worth_won, comment.daily_cap) == (
        "comment",
        MessageRule.REQUIRED,
        100,
        3,
    )
    page = cheer_wall(session, wall, None)
    assert [e.text for e in page.entries][:2] == [
        "내일 또 올게요 🙂",
        "댓글 하나로 기부가 된다니 멋져요!",
    ]
    assert len(page.entries) == 6 and page.entries[0].masked_name == "김*지"
    assert counters.totals(session, wall.id).sponsor_won == 600
    assert reconcile(session) == []
    # Seeding again adds nothing.
    seed_demo(session, NOW)
    session.commit()
    assert len(cheer_wall(session, wall, None).entries) == 6
    assert counters.totals(session, wall.id).sponsor_won == 600
