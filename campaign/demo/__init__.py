"""Demo data for a new installation. Idempotent: running it again changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.demo.challenges import seed_demo_challenges
from campaign.demo.cheer_wall import seed_cheer_wall
from campaign.demo.crew import seed_crew_demo
from campaign.demo.history import FOREST, YONGIN, seed_dangnyang_2023, seed_green_2022
from campaign.demo.pictures import seed_demo_pictures
from campaign.demo.quiet_days import record_quiet_days
from campaign.models import Campaign, Partner, Role, User
from campaign.rules.images import ImageLimits
from campaign.services.accounts import find_user_by_email, hash_password
from campaign.services.campaign_management import link_seasons
from campaign.storage import ImageStore

DEMO_PASSWORD = "aesseuji-demo"  # noqa: S105  (published demo log-in, see README)
DEMO_ACCOUNTS = (
    ("admin@aesseuji.example", "관리자", Role.ADMIN),
    ("crew@aesseuji.example", "김크루", Role.CREW),
    ("crew2@aesseuji.example", "이크루", Role.CREW),
    ("user@example.com", "홍길동", Role.USER),
)


def ensure_demo_users(session: Session, now: datetime) -> dict[str, User]:
    users = {}
    password_hash = None
    for email, name, role in DEMO_ACCOUNTS:
        user = find_user_by_email(session, email)
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                role=role,
                created_at=now,
                email_verified_at=now,  # demo accounts count as verified
            )
            session.add(user)
        users[email] = user
    session.flush()
    return users


def seed_demo(
    session: Session,
    now: datetime,
    pictures: tuple[ImageStore, ImageLimits] | None = None,
) -> list[str]:
    """Create what a first look at the site needs; returns lines describing the log-ins.
    With ``pictures`` (the image store and its limits) the campaigns get covers and the
    partners logos, drawn on the spot."""
    users = ensure_demo_users(session, now)
    challenges = seed_demo_challenges(
        session, now, actor=users["admin@aesseuji.example"], password=DEMO_PASSWORD
    )
    cheers = seed_cheer_wall(session, now, actor=users["admin@aesseuji.example"])
    crew = seed_crew_demo(session, now, users)
    history = [
        seed_green_2022(session, _partner(session, FOREST), now),
        seed_dangnyang_2023(session, _partner(session, YONGIN)),
    ]
    # Each finished season is the one before a live one.
    for earlier, later in zip(history, ("green-edoc", "dangnyang-fight"), strict=True):
        live = session.scalar(select(Campaign).where(Campaign.slug == later))
        if live is not None and live.predecessor_id is None:
            link_seasons(session, earlier, live)
    record_quiet_days(session, now)  # after every live campaign has its actions
    return [
        f"demo log-ins (password: {DEMO_PASSWORD}):",
        *(f"  {role.value:<6} {email}" for email, _name, role in DEMO_ACCOUNTS),
        *challenges,
        *cheers,
        *crew,
        *(line for campaign in history for line in _history_lines(campaign)),
        *(
            seed_demo_pictures(session, *pictures, users["admin@aesseuji.example"], now)
            if pictures is not None
            else []
        ),
    ]


def _partner(session: Session, name: str) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.name == name))
    assert partner is not None, f"the demo partner {name} is created above"
    return partner


def _history_lines(campaign: Campaign) -> list[str]:
    return [f"  /c/{campaign.slug} (closed and settled: try the exports at /admin/campaigns)"]
