"""Partner webhooks on both databases: every refusal writes nothing but its log line, a replay
writes nothing at all, and an accepted event goes through record_action's rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import DomainError
from campaign.http.error_messages import status_for
from campaign.models import (
    Action,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Participant,
    Pledge,
    User,
    WebhookDelivery,
    WebhookEvent,
)
from campaign.rules.signatures import signature_header
from campaign.rules.states import Evidence
from campaign.services import accounts, integrations, onboarding
from campaign.services.participation import join
from campaign.services.verification import verification_token, verify_email
from campaign.services.webhooks import HookAnswer, credit_pending, receive_event
from tests.factories import DAY, NOW, action, make_campaign, make_integration, make_user

SECRET = "test-secret-key"

EDOC = action(
    "switch", label="전자문서 전환", worth_won=500, evidence=Evidence.REQUIRED, evidence_unique=True
)


@dataclass
class Hook:
    key: str
    secret: str
    campaign: Campaign


def hook(session: Session, **campaign_fields: Any) -> Hook:
    campaign_fields.setdefault("actions", (EDOC,))
    campaign = make_campaign(session, **campaign_fields)
    issued = make_integration(session, campaign)
    session.commit()
    return Hook(issued.integration.key, issued.secret, campaign)


def event(n: int = 1, email: str = "saver@example.com", **changes: Any) -> dict[str, Any]:
    return {
        "id": f"evt_{n:04d}",
        "type": "edoc.switched",
        "occurred_at": "2026-11-25T11:58:00+09:00",
        "user": {"email": email},
        "evidence": f"bill-{n:04d}",
        **changes,
    }


def deliver(
    session: Session,
    target: Hook,
    body: dict[str, Any] | bytes,
    *,
    now=NOW,
    secret: str | list[str] | None = None,
    signed_at=None,
    header: str | None = "sign",
    key: str | None = None,
) -> HookAnswer:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    if header == "sign":
        stamp = int((signed_at or now).timestamp())
        header = signature_header(secret or target.secret, stamp, raw)
    answer = receive_event(session, key or target.key, header, raw, now, status_of=status_for)
    session.commit()
    return answer


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def counts(session: Session) -> tuple[int, int, int, int]:
    return (
        count(session, Action),
        count(session, Pledge),
        count(session, WebhookEvent),
        count(session, Participant),
    )


def last_delivery(session: Session) -> WebhookDelivery:
    delivery = session.scalar(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()))
    assert delivery is not None
    return delivery


def refused(answer: HookAnswer, status: int, code: str) -> DomainError:
    assert answer.status == status
    assert answer.error is not None and answer.error.code == code
    assert answer.outcome in ("refused", "replayed")
    return answer.error


def participant(session: Session, campaign: Campaign) -> User:
    user = make_user(session, email="saver@example.com")
    join(session, user, campaign, None, NOW)
    session.commit()
    return user


# -- accepted ------------------------------------------------------------------------------


def test_an_event_for_a_participant_is_recorded_like_any_action(session: Session) -> None:
    target = hook(session)
    user = participant(session, target.campaign)
    answer = deliver(session, target, event(1))
    assert answer.status == 200 and answer.error is None
    assert answer.body["status"] == "recorded" and answer.body["event_id"] == "evt_0001"
    assert answer.body["won"] == answer.body["won_due"] == 500
    recorded = session.scalar(select(Action))
    assert recorded.user_id == user.id and recorded.source == "webhook"
    assert recorded.evidence == "bill-0001"
    assert recorded.idempotency_key == f"hook:{target.key}:evt_0001"
    assert answer.body["action_id"] == recorded.id
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.action_id, stored.email) == (
        "recorded",
        recorded.id,
        "saver@example.com",
    )
    delivery = last_delivery(session)
    assert (delivery.outcome, delivery.status_code, delivery.event_id) == (
        "accepted",
        200,
        "evt_0001",
    )


def test_a_user_who_has_not_joined_a_campaign_without_teams_is_joined(session: Session) -> None:
    target = hook(session)
    user = make_user(session, email="Saver@Example.com")
    session.commit()
    answer = deliver(session, target, event(1, email="SAVER@example.com"))
    assert answer.body["status"] == "recorded"
    joined = session.scalar(select(Participant).where(Participant.user_id == user.id))
    assert joined is not None and joined.actions == 1


def test_a_team_campaign_keeps_the_event_pending_until_the_user_joins(session: Session) -> None:
    target = hook(session, kind=CampaignKind.TEAM)
    user = make_user(session, email="saver@example.com")
    session.commit()
    answer = deliver(session, target, event(1))
    assert (answer.status, answer.body["status"], answer.body["reason"]) == (
        200,
        "pending",
        "not_participant",
    )
    assert count(session, Action) == 0 and count(session, Participant) == 0

    join(session, user, target.campaign, "cat", NOW)
    credited = credit_pending(session, user, NOW, target.campaign)
    session.commit()
    assert [e.event_id for e in credited] == ["evt_0001"]
    recorded = session.scalar(select(Action))
    assert recorded.team_id == target.campaign.team("cat").id
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.action_id, stored.credited_at) == ("credited", recorded.id, NOW)


# -- refusals: nothing written but the log line ---------------------------------------------


def test_a_missing_signature_is_refused(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    refused(deliver(session, target, event(1), header=None), 401, "bad_signature")
    assert counts(session) == before
    delivery = last_delivery(session)
    assert (delivery.outcome, delivery.reason, delivery.status_code) == (
        "refused",
        "bad_signature",
        401,
    )


@pytest.mark.parametrize(
    "header", ["t=1,v1=zz", "v1=" + "0" * 64, "nonsense", "t=1764039600,v1=" + "0" * 64]
)
def test_a_malformed_or_wrong_signature_is_refused(session: Session, header: str) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    refused(deliver(session, target, event(1), header=header), 401, "bad_signature")
    assert counts(session) == before


def test_a_signature_made_with_another_secret_is_refused(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    refused(deliver(session, target, event(1), secret="whsec_guess"), 401, "bad_signature")
    assert counts(session) == before


def test_a_body_changed_after_signing_is_refused(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    raw = json.dumps(event(1)).encode()
    header = signature_header(target.secret, int(NOW.timestamp()), raw)
    tampered = raw.replace(b"bill-0001", b"bill-9999")
    answer = receive_event(session, target.key, header, tampered, NOW, status_of=status_for)
    refused(answer, 401, "bad_signature")
    assert count(session, Action) == 0


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_timestamp_outside_five_minutes_is_refused(session: Session, offset) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    answer = deliver(session, target, event(1), signed_at=NOW + offset)
    refused(answer, 401, "stale_signature")
    assert counts(session) == before
    assert last_delivery(session).reason == "stale_signature"


def test_an_unknown_integration_is_404_and_writes_nothing(session: Session) -> None:
    target = hook(session)
    refused(deliver(session, target, event(1), key="no-such-hook"), 404, "unknown_integration")
    assert count(session, WebhookDelivery) == 0 and count(session, WebhookEvent) == 0


def test_a_switched_off_integration_refuses_everything(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    found = session.scalar(select(integrations.Integration))
    integrations.deactivate(session, make_user(session), found, NOW)
    session.commit()
    before = counts(session)
    refused(deliver(session, target, event(1)), 404, "unknown_integration")
    assert counts(session) == before
    assert last_delivery(session).reason == "unknown_integration"


@pytest.mark.parametrize("raw", [b"{not json", b"", '{"id": "\xe9"}'.encode("latin-1")])
def test_malformed_json_is_400(session: Session, raw: bytes) -> None:
    target = hook(session)
    before = counts(session)
    refused(deliver(session, target, raw), 400, "malformed_json")
    assert counts(session) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([1, 2, 3], "body"),
        (event(1, id=None), "id"),
        (event(1, user={"mail": "x"}), "email"),
        (event(1, occurred_at="tomorrow"), "occurred_at"),
        (event(1, evidence=None), "evidence"),  # this action needs a reference
        (event(1, evidence="x" * 201), "evidence"),
    ],
)
def test_a_wrong_shape_is_422_and_stores_no_event(session: Session, body, field: str) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    error = refused(deliver(session, target, body), 422, "invalid")
    assert error.params["field"] == field
    assert counts(session) == before
    # Nothing was stored under the id, so the sender may fix the event and send it again.
    if isinstance(body, dict) and body.get("id"):
        assert deliver(session, target, event(1)).body["status"] == "recorded"


def test_an_unknown_event_type_is_422(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    before = counts(session)
    refused(deliver(session, target, event(1, type="edoc.opened")), 422, "unknown_event_type")
    assert counts(session) == before
    assert last_delivery(session).event_id == "evt_0001"


# -- replays -----------------------------------------------------------------------------


def test_a_replay_returns_the_first_answer_and_writes_nothing(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    first = deliver(session, target, event(1))
    before = counts(session)
    pledged = session.scalar(select(func.sum(Pledge.amount_won)))
    for minutes in (1, 3):  # a sender's retries, each freshly signed
        again = deliver(session, target, event(1), now=NOW + timedelta(minutes=minutes))
        assert (again.status, again.body) == (first.status, first.body)
        assert again.outcome == "replayed"
    assert counts(session) == before
    assert session.scalar(select(func.sum(Pledge.amount_won))) == pledged
    assert last_delivery(session).outcome == "replayed"
    assert count(session, WebhookDelivery) == 3


def test_a_replay_of_a_pending_event_returns_pending(session: Session) -> None:
    target = hook(session)
    first = deliver(session, target, event(1, email="nobody@example.com"))
    assert first.body == {"event_id": "evt_0001", "status": "pending", "reason": "no_account"}
    again = deliver(session, target, event(1, email="nobody@example.com"))
    assert (again.status, again.body) == (200, first.body)
    assert count(session, WebhookEvent) == 1


def test_the_same_id_with_a_different_event_is_refused(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    deliver(session, target, event(1))
    before = counts(session)
    refused(deliver(session, target, event(1, evidence="bill-other")), 422, "event_id_reused")
    assert counts(session) == before


def test_a_refused_event_is_refused_the_same_way_when_retried(session: Session) -> None:
    target = hook(session, actions=(action("switch", worth_won=500, daily_cap=1),))
    participant(session, target.campaign)
    assert deliver(session, target, event(1)).body["status"] == "recorded"
    first = deliver(session, target, event(2))
    error = refused(first, 409, "cap_reached")
    assert error.params == {"cap": "daily", "limit": 1}
    before = counts(session)
    again = deliver(session, target, event(2), now=NOW + timedelta(minutes=2))
    replayed = refused(again, 409, "cap_reached")
    assert replayed.params == error.params
    assert counts(session) == before
    stored = session.scalar(select(WebhookEvent).where(WebhookEvent.event_id == "evt_0002"))
    assert (stored.outcome, stored.reason, stored.status_code) == ("refused", "cap_reached", 409)


# -- the same rules as every other channel ------------------------------------------------


def test_evidence_counts_once_across_events(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    deliver(session, target, event(1))
    refused(deliver(session, target, event(2, evidence=" BILL-0001 ")), 409, "duplicate_evidence")
    assert count(session, Action) == 1


def test_an_event_after_the_deadline_is_refused(session: Session) -> None:
    target = hook(session, ends_at=NOW + DAY)
    participant(session, target.campaign)
    late = NOW + DAY + timedelta(seconds=1)
    refused(deliver(session, target, event(1), now=late), 409, "campaign_closed")
    assert count(session, Action) == 0


def test_a_paused_campaign_refuses_and_leaves_no_automatic_join(session: Session) -> None:
    target = hook(session, status=CampaignStatus.PAUSED)
    make_user(session, email="saver@example.com")
    session.commit()
    refused(deliver(session, target, event(1)), 409, "campaign_not_open")
    assert count(session, Participant) == 0 and count(session, Action) == 0


def test_total_cap_holds_for_webhooks(session: Session) -> None:
    target = hook(session, actions=(action("switch", worth_won=500, total_cap=2),))
    participant(session, target.campaign)
    answers = [deliver(session, target, event(n)) for n in (1, 2, 3)]
    assert [a.status for a in answers] == [200, 200, 409]
    assert count(session, Action) == 2


def test_a_long_event_id_gets_a_hashed_key(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    long_id = "evt_" + "x" * 96
    assert deliver(session, target, event(1, id=long_id)).body["status"] == "recorded"
    key = session.scalar(select(Action.idempotency_key))
    assert key.startswith("hook:") and len(key) <= 100 and long_id not in key


# -- secret rotation -----------------------------------------------------------------------


def test_the_old_secret_works_during_the_grace_period_only(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    found = session.scalar(select(integrations.Integration))
    rotated = integrations.rotate_secret(session, make_user(session), found, NOW)
    session.commit()
    old, new = target.secret, rotated.secret
    assert old != new
    in_grace = NOW + timedelta(hours=23)
    assert deliver(session, target, event(1), secret=old, now=in_grace).status == 200
    assert deliver(session, target, event(2), secret=new, now=in_grace).status == 200
    both = deliver(session, target, event(3), secret=[old, new], now=in_grace)
    assert both.status == 200
    after = NOW + timedelta(hours=24, seconds=1)
    refused(deliver(session, target, event(4), secret=old, now=after), 401, "bad_signature")
    assert deliver(session, target, event(5), secret=new, now=after).status == 200


def test_rotating_without_grace_ends_the_old_secret_at_once(session: Session) -> None:
    target = hook(session)
    participant(session, target.campaign)
    found = session.scalar(select(integrations.Integration))
    integrations.rotate_secret(session, make_user(session), found, NOW, timedelta(0))
    session.commit()
    refused(deliver(session, target, event(1)), 401, "bad_signature")


# -- pending credit -------------------------------------------------------------------------


def sign_up(session: Session, email: str = "saver@example.com", now: datetime = NOW) -> User:
    """Sign up and prove the mailbox, which is when pending credit comes."""
    user = accounts.sign_up(
        session, email=email, password="correct horse battery", display_name="세이버", now=now
    ).user
    assert credit_pending(session, user, now) == []  # nothing before the address is verified
    verify_email(session, SECRET, verification_token(SECRET, user), crew_domains=(), now=now)
    session.commit()
    return user


def test_an_event_for_an_unknown_email_is_credited_at_sign_up(session: Session) -> None:
    target = hook(session)
    answer = deliver(session, target, event(1, email="Later@Example.com"))
    assert answer.body["status"] == "pending"
    assert count(session, Action) == 0
    assert [
        e.event_id
        for e in integrations.pending_events(
            session, session.scalar(select(integrations.Integration))
        )
    ] == ["evt_0001"]

    user = sign_up(session, "later@example.com")
    recorded = session.scalar(select(Action))
    assert recorded.user_id == user.id and recorded.source == "webhook"
    assert session.scalar(select(func.sum(Pledge.amount_won))) == 500
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.action_id) == ("credited", recorded.id)
    # The sender's stored answer stays what it was told: a retry still says pending.
    assert deliver(session, target, event(1, email="later@example.com")).body["status"] == "pending"
    # Crediting again finds nothing left.
    assert credit_pending(session, user, NOW) == []
    assert count(session, Action) == 1


def test_sign_up_then_join_credits_a_team_campaign_event(session: Session) -> None:
    target = hook(session, kind=CampaignKind.TEAM)
    deliver(session, target, event(1))
    user = sign_up(session)
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.reason) == ("pending", "not_participant")
    assert count(session, Action) == 0

    join(session, user, target.campaign, "dog", NOW)
    assert len(credit_pending(session, user, NOW, target.campaign)) == 1
    session.commit()
    session.refresh(stored)
    assert stored.outcome == "credited" and count(session, Action) == 1


def test_a_delivery_credits_the_persons_older_pending_events_first(session: Session) -> None:
    target = hook(session, kind=CampaignKind.TEAM)
    user = make_user(session, email="saver@example.com")
    session.commit()
    assert deliver(session, target, event(1)).body["status"] == "pending"
    join(session, user, target.campaign, "dog", NOW)  # a join that did not credit
    session.commit()
    assert deliver(session, target, event(2)).body["status"] == "recorded"
    outcomes = dict(session.execute(select(WebhookEvent.event_id, WebhookEvent.outcome)).all())
    assert outcomes == {"evt_0001": "credited", "evt_0002": "recorded"}
    first, second = session.scalars(select(Action).order_by(Action.id)).all()
    assert (first.evidence, second.evidence) == ("bill-0001", "bill-0002")


def test_a_pending_event_of_a_closed_campaign_is_refused_at_sign_up(session: Session) -> None:
    target = hook(session, ends_at=NOW + DAY)
    deliver(session, target, event(1))
    user = sign_up(session, now=NOW + 2 * DAY)
    assert credit_pending(session, user, NOW + 2 * DAY) == []
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.reason) == ("refused", "campaign_closed")
    assert count(session, Action) == 0 and count(session, Participant) == 0


def test_pending_events_respect_caps_when_credited(session: Session) -> None:
    target = hook(session, actions=(action("switch", worth_won=500, daily_cap=1),))
    for n in (1, 2):
        deliver(session, target, event(n))
    sign_up(session)
    outcomes = dict(session.execute(select(WebhookEvent.event_id, WebhookEvent.reason)).all())
    assert outcomes == {"evt_0001": None, "evt_0002": "cap_reached"}
    assert count(session, Action) == 1


def test_a_paused_campaign_keeps_the_event_pending(session: Session) -> None:
    target = hook(session, status=CampaignStatus.PAUSED)
    deliver(session, target, event(1))
    sign_up(session)
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.reason) == ("pending", "no_account")
    assert count(session, Participant) == 0


def test_events_of_a_switched_off_integration_stay_pending(session: Session) -> None:
    target = hook(session)
    deliver(session, target, event(1))
    found = session.scalar(select(integrations.Integration))
    integrations.deactivate(session, make_user(session), found, NOW)
    sign_up(session)
    assert session.scalar(select(WebhookEvent.outcome)) == "pending"
    assert count(session, Action) == 0


def test_an_unverified_account_does_not_get_the_credit_of_its_address(session: Session) -> None:
    """Anyone can sign up with someone else's address: the events wait for its owner."""
    target = hook(session)
    deliver(session, target, event(1))
    squatter = make_user(session, email="saver@example.com", verified=False)
    session.commit()
    assert credit_pending(session, squatter, NOW) == []
    # A later delivery for the address is kept pending too, with the same answer as no account.
    assert deliver(session, target, event(2)).body == {
        "event_id": "evt_0002",
        "status": "pending",
        "reason": "no_account",
    }
    assert count(session, Action) == 0
    verify_email(session, SECRET, verification_token(SECRET, squatter), crew_domains=(), now=NOW)
    session.commit()
    assert count(session, Action) == 2


def test_join_and_credit_counts_what_was_reported_before_the_join(session: Session) -> None:
    target = hook(session, kind=CampaignKind.TEAM)
    deliver(session, target, event(1))
    user = sign_up(session)

    onboarding.join_and_credit(session, user, target.campaign, "dog", NOW)
    session.commit()
    stored = session.scalar(select(WebhookEvent))
    assert stored.outcome == "credited" and count(session, Action) == 1


def test_making_an_admin_credits_the_address_the_operator_vouches_for(session: Session) -> None:
    target = hook(session)
    deliver(session, target, event(1, email="boss@example.com"))
    assert count(session, Action) == 0

    user, created = onboarding.make_admin(
        session, email="boss@example.com", password="correct horse battery", now=NOW
    )
    session.commit()
    assert created and user.is_verified
    stored = session.scalar(select(WebhookEvent))
    assert (stored.outcome, stored.action_id) == ("credited", session.scalar(select(Action.id)))
