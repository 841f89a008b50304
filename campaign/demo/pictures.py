"""The demo's pictures, drawn here with Pillow (no photo of anyone's, no licence to track): a
cover per demo campaign and a logo per demo partner. They go through the same upload service as
an admin's file, so they are checked, re-encoded and stored like any other image."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.demo.crew import FUNDRAISER_SLUG
from campaign.models import Campaign, Partner, User
from campaign.rules.images import ImageLimits
from campaign.services import images
from campaign.storage import ImageStore

W, H = 960, 540  # 16:9, the shape link previews use

Colour = tuple[int, int, int]


def _sky(top: Colour, bottom: Colour) -> Image.Image:
    image = Image.new("RGB", (W, H), top)
    draw = ImageDraw.Draw(image)
    for y in range(H):
        t = y / (H - 1)
        draw.line(
            [(0, y), (W, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    return image


def _tree(draw: ImageDraw.ImageDraw, x: int, base: int, size: int, colour: Colour) -> None:
    draw.rectangle([x - size // 10, base - size // 3, x + size // 10, base], fill=(110, 80, 50))
    for tier in range(3):
        top = base - size - tier * size // 4
        draw.polygon(
            [
                (x, top),
                (x - size // 2 + tier * 6, base - size // 3 - tier * size // 4),
                (x + size // 2 - tier * 6, base - size // 3 - tier * size // 4),
            ],
            fill=colour,
        )


def forest() -> bytes:
    """전자문서 그린 챌린지: young pines on the hills of 양구."""
    image = _sky((196, 228, 245), (238, 246, 236))
    draw = ImageDraw.Draw(image)
    draw.ellipse([700, 60, 800, 160], fill=(255, 214, 102))
    draw.ellipse([-200, 330, 620, 760], fill=(120, 176, 108))
    draw.ellipse([380, 360, 1200, 800], fill=(92, 150, 88))
    for i, x in enumerate(range(60, W, 95)):
        _tree(draw, x, 470 + (i % 3) * 18, 120 + (i % 4) * 22, (34, 110 - i % 3 * 12, 62))
    return _png(image)


def dog_and_cat() -> bytes:
    """댕냥파이트: two teams, two colours, paw prints meeting in the middle."""
    image = Image.new("RGB", (W, H), (255, 236, 210))
    draw = ImageDraw.Draw(image)
    draw.polygon([(W // 2 + 60, 0), (W, 0), (W, H), (W // 2 - 60, H)], fill=(216, 230, 255))
    for cx, cy, colour in ((250, 270, (196, 120, 60)), (710, 270, (90, 110, 180))):
        draw.ellipse([cx - 90, cy - 40, cx + 90, cy + 110], fill=colour)
        for dx, dy in ((-95, -90), (-35, -130), (35, -130), (95, -90)):
            draw.ellipse([cx + dx - 32, cy + dy - 32, cx + dx + 32, cy + dy + 32], fill=colour)
    draw.polygon(
        [(480, 170), (440, 290), (490, 280), (465, 380), (540, 240), (490, 250)],
        fill=(240, 180, 40),
    )
    return _png(image)


def hearts() -> bytes:
    """응원 기부: cheers as hearts rising."""
    image = _sky((255, 240, 243), (255, 250, 240))
    draw = ImageDraw.Draw(image)
    for i, (x, y, r) in enumerate(
        (
            (180, 330, 90),
            (470, 230, 130),
            (760, 350, 80),
            (330, 120, 40),
            (640, 100, 50),
            (860, 170, 30),
        )
    ):
        colour = (220 - i * 8, 70 + i * 10, 100 + i * 6)
        draw.ellipse([x - r, y - r, x, y], fill=colour)
        draw.ellipse([x, y - r, x + r, y], fill=colour)
        draw.polygon([(x - r + 4, y - r // 3), (x + r - 4, y - r // 3), (x, y + r)], fill=colour)
    return _png(image)


def briquettes() -> bytes:
    """Crew fundraiser: a stack of 연탄, the warmth of a winter drive."""
    image = _sky((250, 232, 214), (255, 246, 236))
    draw = ImageDraw.Draw(image)
    for row in range(3):
        for col in range(5 - row):
            cx = 250 + col * 115 + row * 57
            cy = 440 - row * 105
            draw.ellipse([cx - 55, cy - 55, cx + 55, cy + 55], fill=(52, 52, 58))
            for dx, dy in ((0, 0), (-22, -18), (22, -18), (-22, 18), (22, 18)):
                draw.ellipse(
                    [cx + dx - 7, cy + dy - 7, cx + dx + 7, cy + dy + 7], fill=(230, 120, 60)
                )
    return _png(image)


def logo(colour: Colour, shape: str) -> bytes:
    """A partner's mark on a transparent ground (kept as PNG)."""
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 230, 230], fill=(*colour, 255))
    white = (255, 255, 255, 255)
    if shape == "leaf":
        draw.polygon([(120, 40), (60, 150), (120, 200), (180, 150)], fill=white)
    elif shape == "paw":
        draw.ellipse([80, 110, 160, 180], fill=white)
        for dx in (-45, -15, 15, 45):
            draw.ellipse(
                [120 + dx - 15, 70 - abs(dx) // 3, 120 + dx + 15, 100 - abs(dx) // 3], fill=white
            )
    elif shape == "fruit":
        for dx, dy in ((-30, 20), (30, 20), (0, -30)):
            draw.ellipse([120 + dx - 32, 120 + dy - 32, 120 + dx + 32, 120 + dy + 32], fill=white)
    else:
        draw.rounded_rectangle([70, 70, 170, 170], radius=22, fill=white)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# slug → (draw, the words that describe it)
COVERS: dict[str, tuple[Callable[[], bytes], str]] = {
    "green-edoc": (forest, "햇살 아래 언덕에 줄지어 선 어린 소나무들"),
    "dangnyang-fight": (
        dog_and_cat,
        "주황색 강아지 발바닥과 파란색 고양이 발바닥이 번개를 사이에 두고 마주 본 그림",
    ),
    "cheer": (hearts, "크고 작은 분홍빛 하트가 떠오르는 그림"),
    "green-edoc-2022": (forest, "햇살 아래 언덕에 줄지어 선 어린 소나무들"),
    "dangnyang-fight-2023": (
        dog_and_cat,
        "주황색 강아지 발바닥과 파란색 고양이 발바닥이 번개를 사이에 두고 마주 본 그림",
    ),
    "cheer-wall": (hearts, "크고 작은 분홍빛 하트가 떠오르는 그림"),
}
LOGOS: dict[str, tuple[Colour, str]] = {
    "사단법인 평화의숲": ((34, 110, 62), "leaf"),
    "용인시동물보호협회": ((176, 96, 40), "paw"),
    "한국고양이보호협회": ((70, 90, 160), "paw"),
    "사랑의열매 사회복지공동모금회": ((196, 40, 52), "fruit"),
    "같이가치": ((232, 168, 24), "square"),
}
FUNDRAISER_COVER = (briquettes, "따뜻한 불씨가 보이는 연탄이 층층이 쌓인 그림")


def seed_demo_pictures(
    session: Session, store: ImageStore, limits: ImageLimits, actor: User, now: datetime
) -> list[str]:
    """Covers and logos for the demo's campaigns and partners that have none yet."""
    added = 0
    covers = {**COVERS, FUNDRAISER_SLUG: FUNDRAISER_COVER}
    for slug, (draw, alt) in covers.items():
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        if campaign is not None and images.campaign_cover(session, campaign.id) is None:
            images.set_campaign_cover(session, store, limits, campaign, draw(), alt, actor, now)
            added += 1
    for name, (colour, shape) in LOGOS.items():
        partner = session.scalar(select(Partner).where(Partner.name == name))
        if partner is not None and images.partner_logo(session, partner.id) is None:
            words = f"{name} 로고"
            images.set_partner_logo(
                session, store, limits, partner, logo(colour, shape), words, actor, now
            )
            added += 1
    return [f"demo pictures: {added} drawn and stored"] if added else []
