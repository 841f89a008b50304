"""Deleting an account takes the person's own words off the cheer wall (on both databases):
the cheer's action and its ₩ stay, its text is erased and the wall shows it as removed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.models import CheerMessage, MessageRule
from campaign.services.account_deletion import delete_account
from campaign.services.cheers import cheer_wall, record_with_message
from campaign.services.my_data import my_data
from campaign.services.participation import join
from campaign.services.progress import progress
from tests.factories import DAY, NOW, PASSWORD, action, make_campaign, make_user

CHEER = action("cheer", label="응원 댓글", worth_won=100, message=MessageRule.REQUIRED)


def test_a_deleted_account_leaves_its_cheers_counted_but_wordless(session: Session) -> None:
    campaign = make_campaign(session, actions=(CHEER,))
    writer = make_user(session, email="writer@example.com", name="홍길동")
    other = make_user(session, email="other@example.com", name="김철수")
    for person, words in ((writer, "나무야 잘 자라라"), (other, "저도 응원해요")):
        join(session, person, campaign, None, NOW)
        record_with_message(session, person, campaign, "cheer", None, words, None, NOW)
    raised = progress(session, campaign, NOW).raised
    # Before: the person's download carries their words, and only theirs.
    words = [m["text"] for m in my_data(session, writer, NOW)["cheer_messages"]]
    assert words == ["나무야 잘 자라라"]
    assert my_data(session, writer, NOW)["prize_contacts"] == []

    delete_account(session, writer, password=PASSWORD, confirmed=True, now=NOW + DAY)
    session.flush()
    session.expire_all()

    texts = dict(session.execute(select(CheerMessage.user_id, CheerMessage.text)).all())
    assert texts == {writer.id: "", other.id: "저도 응원해요"}
    assert progress(session, campaign, NOW + DAY).raised == raised == 200
    wall = cheer_wall(session, campaign, None)
    assert "나무야 잘 자라라" not in repr(wall)
    assert "저도 응원해요" in repr(wall)
