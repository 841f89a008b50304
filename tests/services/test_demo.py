"""Demo data: three live challenges with real activity; seeding again changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.db import Base
from campaign.demo import seed_demo
from campaign.demo.challenges import PARTNERS
from campaign.models import (
    Campaign,
    CampaignCover,
    Partner,
    PartnerLogo,
    StoredImage,
)
from campaign.rules.images import ImageLimits
from campaign.storage import LocalStore
from tests.factories import NOW, make_partner


def everything(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    return {
        table.name: sorted((tuple(row) for row in session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }


def campaign(session: Session, slug: str) -> Campaign:
    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    assert found is not None, slug
    return found


def test_seeding_twice_changes_nothing(session: Session) -> None:
    lines = seed_demo(session, NOW)
    session.commit()
    before = everything(session)
    assert before["campaigns"] and before["actions"] and before["pledges"]
    again = seed_demo(session, NOW + timedelta(days=2))  # even on a later day
    session.commit()
    assert everything(session) == before
    assert again == lines
    assert any("/c/green-edoc" in line for line in lines)
    assert any("user@example.com" in line for line in lines)


def test_an_existing_partner_is_reused(session: Session) -> None:
    existing = make_partner(session, "사단법인 평화의숲")
    session.commit()
    seed_demo(session, NOW)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Partner)) == len(PARTNERS)
    assert campaign(session, "green-edoc").beneficiaries[0].partner_id == existing.id


def test_the_demo_draws_its_own_covers_and_logos_once(session: Session, tmp_path) -> None:
    store = LocalStore(tmp_path)
    limits = ImageLimits(max_bytes=5_000_000, max_pixels=25_000_000, max_edge=1600)
    lines = seed_demo(session, NOW, (store, limits))
    session.commit()
    assert any(line.startswith("demo pictures:") for line in lines)
    covers = session.scalars(select(CampaignCover)).all()
    assert {c.campaign_id for c in covers} == set(session.scalars(select(Campaign.id)))
    assert all(c.alt for c in covers)
    assert session.scalar(select(func.count()).select_from(PartnerLogo)) == len(PARTNERS)
    for image in session.scalars(select(StoredImage)):
        assert image.byte_size < 120_000, image  # small enough to ship with every page
        assert store.get(image.key)
    before = everything(session)
    again = seed_demo(session, NOW + timedelta(days=1), (store, limits))
    session.commit()
    assert everything(session) == before
    assert not any(line.startswith("demo pictures:") for line in again)
