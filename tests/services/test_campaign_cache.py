"""The in-process copy of a campaign's rules: one statement per load, never stale after an edit."""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from campaign.models import ActionType, Campaign, Milestone
from campaign.services.campaigns import campaign_at
from tests.factories import action, make_campaign


class Statements:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's own BEGIN IMMEDIATE
            self.count += 1


def _fresh(engine: Engine, slug: str):
    with Session(engine, expire_on_commit=False) as session:
        with Statements(engine) as seen:
            campaign = campaign_at(session, slug)
            assert campaign is not None
            labels = [t.label for t in campaign.action_types]
            thresholds = [m.threshold for m in campaign.milestones]
            teams = [t.code for t in campaign.teams]
            partners = [b.partner_id for b in campaign.beneficiaries]
        return labels, thresholds, teams, partners, seen.count


def test_a_second_load_is_one_statement_and_matches_the_first(session, engine) -> None:
    campaign = make_campaign(session, actions=(action("go", label="가자"), action("cheer")))
    session.commit()
    first = _fresh(engine, campaign.slug)
    second = _fresh(engine, campaign.slug)
    assert (
        first[:4]
        == second[:4]
        == (["가자", "cheer"], [], [], [campaign.beneficiaries[0].partner_id])
    )
    assert second[4] == 1


def test_an_edit_bumps_the_revision_and_the_next_load_sees_it(session, engine) -> None:
    campaign = make_campaign(session, actions=(action("go", label="before"),))
    slug, campaign_id, type_id = campaign.slug, campaign.id, campaign.action_types[0].id
    session.commit()
    session.close()
    _fresh(engine, slug)  # cached now
    with Session(engine) as editing:
        before = editing.get(Campaign, campaign_id).revision
        editing.get(ActionType, type_id).label = "after"
        editing.add(Milestone(campaign_id=campaign_id, threshold=10, amount_won=1_000))
        editing.commit()
        assert editing.get(Campaign, campaign_id).revision == before + 1
    labels, thresholds, *_ = _fresh(engine, slug)
    assert labels == ["after"]
    assert thresholds == [10]


def test_a_rolled_back_edit_leaves_nothing_behind(session, engine) -> None:
    campaign = make_campaign(session, actions=(action("go", label="kept"),))
    slug, type_id = campaign.slug, campaign.action_types[0].id
    session.commit()
    session.close()
    with Session(engine) as editing:
        editing.get(ActionType, type_id).label = "dropped"
        editing.flush()
        editing.expunge_all()
        seen = campaign_at(editing, slug)
        assert seen is not None and seen.action_types[0].label == "dropped"
        editing.rollback()
    labels, *_ = _fresh(engine, slug)
    assert labels == ["kept"]
