"""The ledger's digest, kept a slice at a time: the same digest whether slices were stored or
not, and a row that lands late in a stored slice is never missed."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaign.models import Action, LedgerChunk, Pledge, PledgeSource
from campaign.rules.calendar import kst_day
from campaign.services import ledger_digest as slices
from campaign.services.actions import record_action
from campaign.services.ledger_digest import keep_up, ledger_digest
from campaign.services.participation import join
from tests.factories import NOW, make_campaign, make_user


def by_the_book(session: Session, campaign_id: int, chunk_ids: int) -> str:
    """The digest as the module's docstring defines it, from the ledger alone."""
    lines: dict[tuple[str, int], list[str]] = {}
    for ledger, model in (("a", Action), ("p", Pledge)):
        columns = slices.LINE_COLUMNS[ledger]
        for row in session.execute(
            select(*columns).where(model.campaign_id == campaign_id).order_by(model.id)
        ):
            text = ledger + "|" + "|".join(slices._text(v) for v in row) + "\n"
            lines.setdefault((ledger, row[0] // chunk_ids), []).append(text)
    digest = hashlib.sha256()
    for ledger in ("a", "p"):
        for (name, chunk), texts in sorted(lines.items()):
            if name != ledger:
                continue
            sha = hashlib.sha256("".join(texts).encode()).hexdigest()
            digest.update(f"{ledger}|{chunk}|{len(texts)}|{sha}\n".encode())
    return digest.hexdigest()


@pytest.fixture
def voted(session: Session, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(slices, "CHUNK_IDS", 2)  # several slices from a handful of rows
    campaign = make_campaign(session)
    people = [make_user(session) for _ in range(3)]
    for person in people:
        join(session, person, campaign, None, NOW)
        for minute in range(2):
            record_action(
                session, person, campaign, "cheer", None, None, NOW + timedelta(minutes=minute)
            )
    return campaign, people


def test_stored_slices_give_the_digest_computed_from_the_ledger(session: Session, voted) -> None:
    campaign, _people = voted
    expected = by_the_book(session, campaign.id, 2)
    assert ledger_digest(session, campaign.id) == expected  # nothing stored: all hashed now
    stored = keep_up(session, campaign.id)
    assert stored >= 6  # 6 actions and 6 pledges over slices of 2 ids
    assert keep_up(session, campaign.id) == 0  # nothing grew
    assert ledger_digest(session, campaign.id) == expected


def test_a_row_landing_late_in_a_stored_slice_is_hashed_again(
    session: Session, voted, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign, people = voted
    # One slice holds every id, so the gift below lands in a slice already stored, as a late
    # commit's row (a lower id committing after a higher one was hashed) would.
    monkeypatch.setattr(slices, "CHUNK_IDS", 10**12)
    assert keep_up(session, campaign.id) == 2  # one slice of actions, one of pledges
    before = ledger_digest(session, campaign.id)
    session.add(
        Pledge(
            campaign_id=campaign.id,
            source=PledgeSource.CREW,
            amount_won=5_000,
            user_id=people[0].id,
            created_at=NOW,
            kst_day=kst_day(NOW),
        )
    )
    session.flush()
    after = ledger_digest(session, campaign.id)
    assert after != before
    assert after == by_the_book(session, campaign.id, 10**12)
    assert keep_up(session, campaign.id) == 1  # only the pledges' slice moved
    session.execute(delete(LedgerChunk))  # derived data: without it, the same digest
    assert ledger_digest(session, campaign.id) == after
