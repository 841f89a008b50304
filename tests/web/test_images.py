"""Uploading and serving images: a campaign's cover, a partner's logo, a proposal's cover.

Bad input gets a Korean message on the page and stores nothing (no row, no file); a stored
image is served under its content's address with a year-long, immutable cache."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from campaign.db import database
from campaign.models import (
    AuditEntry,
    CampaignCover,
    PartnerLogo,
    Role,
    SponsorLogo,
    StoredImage,
)
from campaign.services import proposals
from campaign.services.campaigns import campaign_at
from campaign.services.sponsors import SponsorDetails, create_sponsor, set_campaign_sponsor
from tests.factories import NOW, make_campaign, make_partner, make_proposal, make_user
from tests.images import MAKE, picture
from tests.web.helpers import AuthActions, text

FLASH_ERROR = re.compile(r'class="flash flash-error"[^>]*>\s*([^<]+?)\s*<')
MEDIA = re.compile(r'src="(/media/[0-9a-f]{64}\.(?:jpg|png))"')


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def app(make_app: Callable[..., Flask], store_dir: Path) -> Flask:
    return make_app(STORAGE_DIR=str(store_dir), IMAGE_MAX_BYTES=100_000, IMAGE_MAX_PIXELS=2_000_000)


def admin_on_campaign(app: Flask) -> tuple[FlaskClient, str]:
    with database(app).transaction() as session:
        make_user(session, email="boss@example.com", role=Role.ADMIN)
        slug = make_campaign(session, title="양구 숲 가꾸기").slug
    client = app.test_client()
    AuthActions(client).login("boss@example.com")
    return client, slug


def upload(client: FlaskClient, path: str, raw: bytes, alt: str | None, name: str = "photo.jpg"):
    data: dict[str, object] = {"image": (BytesIO(raw), name)}
    if alt is not None:
        data["alt"] = alt
    return client.post(path, data=data, content_type="multipart/form-data", follow_redirects=True)


def stored(app: Flask, store_dir: Path) -> tuple[int, list[Path]]:
    with database(app).transaction() as session:
        rows = session.scalar(select(func.count()).select_from(StoredImage)) or 0
    files = [p for p in store_dir.rglob("*") if p.is_file()] if store_dir.exists() else []
    return rows, files


def test_an_admin_uploads_a_cover_and_the_page_shows_it_with_its_words(
    app: Flask, store_dir: Path
) -> None:
    client, slug = admin_on_campaign(app)
    response = upload(
        client, f"/admin/campaigns/{slug}/cover", picture(exif=True), "양구의 어린 소나무 숲"
    )
    assert response.status_code == 200
    assert "표지 이미지를 저장했어요." in text(response)

    page = text(client.get(f"/c/{slug}"))
    [src] = MEDIA.findall(page)
    assert 'alt="양구의 어린 소나무 숲"' in page
    served = client.get(src)
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    kept = Image.open(BytesIO(served.data))
    assert MAKE not in kept.getexif() and b"SecretCam" not in served.data
    rows, files = stored(app, store_dir)
    assert rows == 1 and len(files) == 1
    with database(app).transaction() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "campaign.cover")
        ).one()
        assert entry.after["alt"] == "양구의 어린 소나무 숲"


def test_the_cover_is_served_forever_under_its_content_address(app: Flask) -> None:
    client, slug = admin_on_campaign(app)
    upload(client, f"/admin/campaigns/{slug}/cover", picture(), "숲")
    [src] = MEDIA.findall(text(client.get(f"/c/{slug}")))
    served = client.get(src)
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = served.headers["ETag"]
    assert etag.strip('"') == src.rsplit("/", 1)[1].split(".")[0]
    assert client.get(src, headers={"If-None-Match": etag}).status_code == 304
    # Anonymous readers get the same answer (no "no-store" for anyone).
    anonymous = app.test_client().get(src)
    assert anonymous.headers["Cache-Control"].startswith("public")
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("key", ["nothing", "0" * 64 + ".jpg", "../secret_key", "a" * 64 + ".svg"])
def test_unknown_or_malformed_image_names_are_404(client: FlaskClient, key: str) -> None:
    assert client.get(f"/media/{key}").status_code == 404


def test_og_image_is_the_covers_absolute_address(app: Flask) -> None:
    client, slug = admin_on_campaign(app)
    og_image = app.jinja_env.globals["og_image"]
    site = "https://aesseuji.example"
    with app.test_request_context("/", base_url=site), database(app).transaction() as session:
        assert og_image(campaign_at(session, slug)) is None
    upload(client, f"/admin/campaigns/{slug}/cover", picture(), "숲")
    with app.test_request_context("/", base_url=site), database(app).transaction() as session:
        url = og_image(campaign_at(session, slug))
    assert re.fullmatch(r"https://aesseuji\.example/media/[0-9a-f]{64}\.jpg", url)


@pytest.mark.parametrize(
    ("raw", "alt", "message"),
    [
        (picture(), None, "이미지를 보지 못하는 분을 위해 어떤 이미지인지 짧게 설명해 주세요."),
        (picture(), "   ", "이미지를 보지 못하는 분을 위해 어떤 이미지인지 짧게 설명해 주세요."),
        (
            b"MZ\x90\x00 not a picture at all",
            "숲",
            "쓸 수 없는 파일이에요. JPEG, PNG, WebP, GIF 이미지를 올려 주세요.",
        ),
        (b"", "숲", "올릴 이미지 파일을 골라 주세요."),
        (
            picture(size=(300, 300), format_name="PNG") + b"\0" * 100_001,
            "숲",
            "이미지가 너무 커요. 98KB 이하로 올려 주세요.",
        ),
        (
            picture(size=(2000, 2000), format_name="PNG"),
            "숲",
            "이미지의 화소가 너무 많아요. 2메가픽셀 이하로 올려 주세요.",
        ),
    ],
    ids=["missing-alt", "blank-alt", "renamed-exe", "no-file", "too-large", "too-many-pixels"],
)
def test_bad_uploads_get_a_korean_message_and_store_nothing(
    app: Flask, store_dir: Path, raw: bytes, alt: str | None, message: str
) -> None:
    client, slug = admin_on_campaign(app)
    response = upload(client, f"/admin/campaigns/{slug}/cover", raw, alt)
    assert response.status_code == 200
    assert FLASH_ERROR.findall(text(response)) == [message]
    assert stored(app, store_dir) == (0, [])
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(CampaignCover)) == 0
        assert (
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "campaign.cover")
            )
            == 0
        )


def test_upload_forms_may_exceed_max_content_length_up_to_the_image_limit(
    make_app: Callable[..., Flask], store_dir: Path
) -> None:
    app = make_app(STORAGE_DIR=str(store_dir), MAX_CONTENT_LENGTH=20_000, IMAGE_MAX_BYTES=200_000)
    client, slug = admin_on_campaign(app)
    raw = picture(size=(300, 300), format_name="PNG") + b"\0" * 50_000  # over 20 KB
    response = upload(client, f"/admin/campaigns/{slug}/cover", raw, "숲")
    assert "표지 이미지를 저장했어요." in text(response)
    # ... but nowhere else.
    assert client.post("/crew/proposals/new", data={"title": "x" * 30_000}).status_code == 413


def test_a_body_over_the_upload_limit_is_a_korean_413(
    make_app: Callable[..., Flask], store_dir: Path
) -> None:
    # Uploads may send IMAGE_MAX_BYTES and 64 KB of form around it; this body is larger.
    app = make_app(STORAGE_DIR=str(store_dir), MAX_CONTENT_LENGTH=20_000, IMAGE_MAX_BYTES=100_000)
    client, slug = admin_on_campaign(app)
    response = client.post(
        f"/admin/campaigns/{slug}/cover",
        data={"image": (BytesIO(b"\0" * 300_000), "big.jpg"), "alt": "숲"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "보낸 내용이 너무" in text(response)
    assert stored(app, store_dir) == (0, [])


def test_the_same_picture_twice_is_one_stored_image(app: Flask, store_dir: Path) -> None:
    client, slug = admin_on_campaign(app)
    upload(client, f"/admin/campaigns/{slug}/cover", picture(), "숲")
    upload(client, f"/admin/campaigns/{slug}/cover", picture(), "다른 설명")
    assert stored(app, store_dir)[0] == 1
    assert 'alt="다른 설명"' in text(client.get(f"/c/{slug}"))


def test_an_admin_gives_a_partner_its_logo(app: Flask, store_dir: Path) -> None:
    with database(app).transaction() as session:
        make_user(session, email="boss@example.com", role=Role.ADMIN)
        partner_id = make_partner(session, name="평화의숲").id
    client = app.test_client()
    AuthActions(client).login("boss@example.com")
    logo = picture(format_name="PNG", mode="RGBA", colour=(20, 120, 60, 0))
    response = upload(
        client, f"/admin/partners/{partner_id}/logo", logo, "평화의숲 로고", "logo.png"
    )
    assert "로고를 저장했어요." in text(response)
    [src] = MEDIA.findall(text(response))
    assert src.endswith(".png")  # transparency kept
    with database(app).transaction() as session:
        assert session.get(PartnerLogo, partner_id).alt == "평화의숲 로고"


def test_people_who_are_not_admins_cannot_upload(app: Flask, store_dir: Path) -> None:
    with database(app).transaction() as session:
        make_user(session, email="crew@aesseuji.example", role=Role.CREW)
        slug = make_campaign(session).slug
    client = app.test_client()
    AuthActions(client).login("crew@aesseuji.example")
    response = client.post(
        f"/admin/campaigns/{slug}/cover",
        data={"image": (BytesIO(picture()), "p.jpg"), "alt": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert stored(app, store_dir) == (0, [])


def test_a_proposals_cover_goes_with_it_to_the_approved_campaign(app: Flask) -> None:
    with database(app).transaction() as session:
        author = make_user(session, email="crew@aesseuji.example", role=Role.CREW)
        make_user(session, email="other@aesseuji.example", role=Role.CREW)
        boss = make_user(session, email="boss@example.com", role=Role.ADMIN)
        proposal_id = make_proposal(session, author, now=NOW).id
    client = app.test_client()
    AuthActions(client).login("other@aesseuji.example")
    refused = upload(client, f"/crew/proposals/{proposal_id}/cover", picture(), "연탄")
    assert refused.status_code == 404  # a draft is its author's alone

    AuthActions(client).logout()
    AuthActions(client).login("crew@aesseuji.example")
    response = upload(
        client, f"/crew/proposals/{proposal_id}/cover", picture(), "연탄을 나르는 봉사자들"
    )
    assert "표지 이미지를 저장했어요." in text(response)
    assert 'alt="연탄을 나르는 봉사자들"' in text(response)

    with database(app).transaction() as session:
        proposals.submit(session, session.merge(author), proposal_id, NOW)
        campaign = proposals.approve(session, session.merge(boss), proposal_id, NOW, slug="yeontan")
        cover = session.get(CampaignCover, campaign.id)
        assert cover is not None and cover.alt == "연탄을 나르는 봉사자들"

    # Once sent for review the author can no longer change it.
    again = upload(client, f"/crew/proposals/{proposal_id}/cover", picture(colour=(1, 1, 1)), "x")
    assert again.status_code == 409


def _sponsor_on_campaign(app: Flask, logo_url: str | None = None) -> tuple[FlaskClient, int, str]:
    with database(app).transaction() as session:
        admin = make_user(session, email="boss@example.com", role=Role.ADMIN)
        sponsor = create_sponsor(
            session, admin, SponsorDetails("카카오페이", logo_url=logo_url), NOW
        )
        campaign = make_campaign(session)
        set_campaign_sponsor(session, admin, campaign, "purse", sponsor.id, NOW)
        ids = sponsor.id, campaign.slug
    client = app.test_client()
    AuthActions(client).login("boss@example.com")
    return client, *ids


def test_an_admin_gives_a_sponsor_its_logo_shown_on_the_list_and_the_statement(
    app: Flask, store_dir: Path
) -> None:
    client, sponsor_id, slug = _sponsor_on_campaign(app, logo_url="/static/logos/kp.png")
    statement = f"/admin/campaigns/{slug}/sponsor-statement"
    assert 'src="/static/logos/kp.png"' in text(client.get(statement))  # the fallback, for now
    logo = picture(format_name="PNG", mode="RGBA", colour=(250, 220, 0, 0))
    response = upload(
        client, f"/admin/sponsors/{sponsor_id}/logo", logo, "카카오페이 로고", "kp.png"
    )
    assert "로고를 저장했어요." in text(response)
    [src] = MEDIA.findall(text(response))  # the form shows what is now up
    for page in (text(client.get("/admin/sponsors")), text(client.get(statement))):
        assert f'src="{src}"' in page and 'alt="카카오페이 로고"' in page
        assert "/static/logos/kp.png" not in page  # the upload wins over the typed path
    with database(app).transaction() as session:
        assert session.get(SponsorLogo, sponsor_id).alt == "카카오페이 로고"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sponsor.logo")).one()
        assert entry.after["sponsor_id"] == sponsor_id and entry.after["alt"] == "카카오페이 로고"


@pytest.mark.parametrize(
    ("raw", "alt", "korean"),
    [
        (b"not a picture", "로고", None),
        (None, "로고", "올릴 이미지 파일을 골라 주세요"),
        (picture(), "", None),
    ],
)
def test_a_bad_sponsor_logo_is_refused_and_stores_nothing(
    app: Flask, store_dir: Path, raw: bytes | None, alt: str, korean: str | None
) -> None:
    client, sponsor_id, _slug = _sponsor_on_campaign(app)
    data: dict[str, object] = {"alt": alt}
    if raw is not None:
        data["image"] = (BytesIO(raw), "kp.png")
    response = client.post(
        f"/admin/sponsors/{sponsor_id}/logo",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    [message] = FLASH_ERROR.findall(text(response))
    assert any("가" <= ch <= "힣" for ch in message) and (korean is None or korean in message)
    assert stored(app, store_dir) == (0, [])
    with database(app).transaction() as session:
        assert session.get(SponsorLogo, sponsor_id) is None


def test_only_admins_upload_a_sponsor_logo_and_only_to_a_sponsor(
    app: Flask, store_dir: Path
) -> None:
    client, sponsor_id, _slug = _sponsor_on_campaign(app)
    missing = client.post(
        "/admin/sponsors/999999/logo",
        data={"image": (BytesIO(picture()), "p.jpg"), "alt": "x"},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 404
    with database(app).transaction() as session:
        make_user(session, email="crew@aesseuji.example", role=Role.CREW)
    AuthActions(client).logout()
    AuthActions(client).login("crew@aesseuji.example")
    refused = client.post(
        f"/admin/sponsors/{sponsor_id}/logo",
        data={"image": (BytesIO(picture()), "p.jpg"), "alt": "x"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    assert stored(app, store_dir) == (0, [])
