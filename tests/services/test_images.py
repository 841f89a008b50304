"""One function places every image (cover, partner logo, sponsor logo, proposal cover): the
first picture and a new one, the audit entry each placement writes, and a refusal that
writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import Invalid
from campaign.models import AuditEntry, Role, SponsorLogo, StoredImage
from campaign.rules.images import ImageLimits
from campaign.services import images
from campaign.services.sponsors import SponsorDetails, create_sponsor
from campaign.storage import LocalStore
from tests.factories import NOW, make_campaign, make_partner, make_user
from tests.images import picture

LIMITS = ImageLimits(max_bytes=100_000, max_pixels=1_000_000, max_edge=400)


def _audits(session: Session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_a_sponsor_logo_is_placed_then_replaced_and_each_change_audited(
    session: Session, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path)
    admin = make_user(session, role=Role.ADMIN)
    sponsor = create_sponsor(session, admin, SponsorDetails("카카오페이"), NOW)
    first = images.set_sponsor_logo(session, store, LIMITS, sponsor, picture(), "로고", admin, NOW)
    first_key = first.image.key
    again = images.set_sponsor_logo(
        session, store, LIMITS, sponsor, picture(colour=(1, 2, 3)), "새 로고", admin, NOW
    )
    assert again is first and again.alt == "새 로고"
    assert images.sponsor_logo(session, sponsor.id) is again
    assert images.sponsor_logos(session, [sponsor.id, sponsor.id, 999]) == {sponsor.id: again}
    assert images.sponsor_logos(session, []) == {}
    assert session.scalar(select(func.count()).select_from(SponsorLogo)) == 1
    assert session.scalar(select(func.count()).select_from(StoredImage)) == 2
    made, changed = _audits(session, "sponsor.logo")
    assert made.before is None and made.after["sponsor_id"] == sponsor.id
    assert changed.before == {"sponsor_id": sponsor.id, "image": first_key, "alt": "로고"}
    assert changed.after["image"] == again.image.key != first_key


@pytest.mark.parametrize(
    ("raw", "alt", "field"),
    [(b"GIF89a nonsense", "로고", "image"), (picture(), "  ", "alt")],
)
def test_a_refused_sponsor_logo_writes_nothing(
    session: Session, tmp_path: Path, raw: bytes, alt: str, field: str
) -> None:
    admin = make_user(session, role=Role.ADMIN)
    sponsor = create_sponsor(session, admin, SponsorDetails("카카오페이"), NOW)
    with pytest.raises(Invalid) as refused:
        images.set_sponsor_logo(
            session, LocalStore(tmp_path), LIMITS, sponsor, raw, alt, admin, NOW
        )
    assert refused.value.field == field
    assert session.scalar(select(func.count()).select_from(StoredImage)) == 0
    assert not _audits(session, "sponsor.logo")
    assert not list(tmp_path.rglob("*.*"))


def test_every_placing_names_its_owner_in_its_audit_entry(session: Session, tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    admin = make_user(session, role=Role.ADMIN)
    campaign, partner = make_campaign(session), make_partner(session)
    images.set_campaign_cover(session, store, LIMITS, campaign, picture(), "숲", admin, NOW)
    images.set_partner_logo(session, store, LIMITS, partner, picture(), "로고", admin, NOW)
    [cover] = _audits(session, "campaign.cover")
    assert cover.campaign_id == campaign.id and cover.after["campaign_id"] == campaign.id
    [logo] = _audits(session, "partner.logo")
    assert logo.campaign_id is None and logo.after["partner_id"] == partner.id
    assert session.scalar(select(func.count()).select_from(StoredImage)) == 1  # same picture
