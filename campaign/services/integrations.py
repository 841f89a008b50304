"""Partner systems allowed to report actions through signed webhooks: registering one, rotating
its secret, switching it off, and what it has sent. Every change is audited; secrets never are.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.errors import Invalid, NotFound
from campaign.models import (
    ActionType,
    Campaign,
    Integration,
    User,
    WebhookDelivery,
    WebhookEvent,
)
from campaign.rules.lifecycle import FINISHED
from campaign.rules.text import clean_text
from campaign.rules.webhook_events import clean_event_type
from campaign.services import audit
from campaign.services.paging import Page, page_of, search
from campaign.services.tokens import new_secret

NAME_MAX = 80
DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=30)
SECRET_PREFIX = "whsec"  # noqa: S105  (a prefix that says what a string is, not a secret)


@dataclass(frozen=True)
class IssuedSecret:
    integration: Integration
    secret: str  # shown to the admin once, to hand to the partner


@dataclass(frozen=True)
class ActionChoice:
    """An action an integration may record: one action type of a campaign not yet finished."""

    campaign_id: int
    campaign_title: str
    action_code: str
    action_label: str

    @property
    def value(self) -> str:
        return f"{self.campaign_id}:{self.action_code}"


def action_choices(session: Session) -> list[ActionChoice]:
    statement = (
        select(Campaign, ActionType)
        .join(ActionType, ActionType.campaign_id == Campaign.id)
        .where(Campaign.status.not_in(FINISHED))
        .order_by(Campaign.starts_at, Campaign.id, ActionType.position)
    )
    return [
        ActionChoice(campaign.id, campaign.title, action_type.code, action_type.label)
        for campaign, action_type in session.execute(statement)
    ]


def _clean_name(raw: str) -> str:
    return clean_text(raw, "name", NAME_MAX, required=True)


def _new_key(event_type: str) -> str:
    """The public name in the hook URL: readable, unguessable enough not to collide."""
    stem = re.sub(r"[^a-z0-9]+", "-", event_type).strip("-")[:40] or "hook"
    return f"{stem}-{secrets.token_hex(4)}"


def create_integration(
    session: Session,
    actor: User,
    *,
    campaign_id: int,
    action_code: str,
    name: str,
    event_type: str,
    now: datetime,
) -> IssuedSecret:
    """Register a partner system that may record ``action_code`` in the campaign, from events
    of ``event_type``. Returns the secret once; only the partner should keep it.

    Raises Invalid for a bad name or event type, an unknown campaign or action, or a campaign
    already finished.
    """
    name = _clean_name(name)
    event_type = clean_event_type(event_type, "event_type")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.status in FINISHED:
        raise Invalid("action", "choice")
    action_type = campaign.action_type(action_code)
    if action_type is None:
        raise Invalid("action", "unknown_action")
    secret = new_secret(SECRET_PREFIX)
    integration = Integration(
        key=_new_key(event_type),
        name=name,
        event_type=event_type,
        campaign_id=campaign.id,
        action_type_id=action_type.id,
        secret=secret,
        active=True,
        created_at=now,
    )
    session.add(integration)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="integration.create",
        now=now,
        campaign_id=campaign.id,
        after={
            "key": integration.key,
            "name": name,
            "event_type": event_type,
            "action": action_type.code,
        },
    )
    return IssuedSecret(integration, secret)


def rotate_secret(
    session: Session,
    actor: User,
    integration: Integration,
    now: datetime,
    grace: timedelta = DEFAULT_GRACE,
) -> IssuedSecret:
    """Issue a new secret. The old one keeps working for ``grace`` (0 ends it at once), so the
    partner can switch without a refused request; a secret older than that stops at once."""
    if grace < timedelta(0) or grace > MAX_GRACE:
        raise Invalid("grace_hours", "out_of_range", min=0, max=MAX_GRACE.days * 24)
    secret = new_secret(SECRET_PREFIX)
    integration.previous_secret = integration.secret if grace > timedelta(0) else None
    integration.previous_valid_until = now + grace if grace > timedelta(0) else None
    integration.secret = secret
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="integration.rotate",
        now=now,
        campaign_id=integration.campaign_id,
        after={"key": integration.key, "previous_valid_until": _iso(integration)},
    )
    return IssuedSecret(integration, secret)


def _iso(integration: Integration) -> str | None:
    until = integration.previous_valid_until
    return until.isoformat() if until else None


def deactivate(session: Session, actor: User, integration: Integration, now: datetime) -> bool:
    """Stop accepting events (its hook answers 404 from now on). Returns False when it was
    already off. Events already recorded stay recorded."""
    if not integration.active:
        return False
    integration.active = False
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="integration.deactivate",
        now=now,
        campaign_id=integration.campaign_id,
        before={"key": integration.key, "active": True},
        after={"key": integration.key, "active": False},
    )
    return True


def get_integration(session: Session, integration_id: int) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFound()
    return integration


@dataclass(frozen=True)
class IntegrationRow:
    integration: Integration
    campaign: Campaign
    action_type: ActionType


def list_integrations(session: Session) -> list[IntegrationRow]:
    statement = (
        select(Integration, Campaign, ActionType)
        .join(Campaign, Campaign.id == Integration.campaign_id)
        .join(ActionType, ActionType.id == Integration.action_type_id)
        .order_by(Integration.active.desc(), Integration.id.desc())
    )
    return [IntegrationRow(*row) for row in session.execute(statement)]


def describe(session: Session, integration: Integration) -> IntegrationRow:
    campaign = session.get(Campaign, integration.campaign_id)
    action_type = session.get(ActionType, integration.action_type_id)
    assert campaign is not None and action_type is not None
    return IntegrationRow(integration, campaign, action_type)


def deliveries_page(
    session: Session, integration: Integration, query: str = "", number: int = 1
) -> Page[WebhookDelivery]:
    """Delivery attempts, newest first (accepted, replayed, pending, refused and why), whose
    event id, outcome or reason contains ``query``; one page of them."""
    statement = search(
        select(WebhookDelivery)
        .where(WebhookDelivery.integration_id == integration.id)
        .order_by(WebhookDelivery.id.desc()),
        query,
        (WebhookDelivery.event_id, WebhookDelivery.outcome, WebhookDelivery.reason),
    )
    return page_of(session, statement, number)


def pending_events(
    session: Session, integration: Integration, limit: int = 100
) -> list[WebhookEvent]:
    """Events waiting for their person to sign up or join, oldest first."""
    return list(
        session.scalars(
            select(WebhookEvent)
            .where(
                WebhookEvent.integration_id == integration.id,
                WebhookEvent.outcome == "pending",
            )
            .order_by(WebhookEvent.id)
            .limit(limit)
        )
    )
