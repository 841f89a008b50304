"""Migration 5e1d7c0a9b42 recomputes the evidence keys of live campaigns (issue 12, 8)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign import migrate
from campaign.db import make_engine
from campaign.errors import DuplicateEvidence
from campaign.models import Action
from campaign.rules.states import Evidence
from campaign.services.actions import record_action
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.factories import NOW, action, make_campaign, make_user
from tests.test_migrations import empty_url  # noqa: F401  (the fixture, on both databases)

BEFORE = "891c3cc363f1"


def _keys(session: Session) -> list[str | None]:
    return list(session.scalars(select(Action.evidence_key).order_by(Action.id)))


@pytest.mark.usefixtures("empty_url")
def test_keys_are_recomputed_and_old_look_alikes_kept_apart(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            campaign = make_campaign(
                session,
                actions=(action("switch", evidence=Evidence.REQUIRED, evidence_unique=True),),
            )
            users = [make_user(session) for _ in range(3)]
            for user in users:
                join(session, user, campaign, None, NOW)
            record_action(session, users[0], campaign, "switch", "BILL-2026-77", None, NOW)
            record_action(session, users[1], campaign, "switch", "BILL-2026-78", None, NOW)
            session.commit()

        migrate.downgrade(engine, BEFORE)
        with Session(engine) as session:
            assert _keys(session) == ["bill-2026-77", "bill-2026-78"]
            # What the old rule let through: a look-alike of a bill already counted.
            record_action(session, users[2], campaign, "switch", "BILL 2026 77", None, NOW)
            session.commit()

        migrate.upgrade(engine)
        with Session(engine) as session:
            first, second, look_alike = _keys(session)
            assert (first, second) == ("blll2o2677", "blll2o2678")
            assert look_alike is not None and look_alike.startswith("\tduplicate ")
            with pytest.raises(DuplicateEvidence):
                record_action(session, users[2], campaign, "switch", "ВILL-2026-77", None, NOW)
            session.rollback()
            assert reconcile(session) == []
    finally:
        engine.dispose()
