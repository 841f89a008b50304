"""Events from partner systems: a signed webhook becomes an action through ``record_action``.

What a delivery goes through, in order (``receive_event``):

1. the integration named in the URL must exist and be active (else 404, nothing written);
2. the signature must match the raw body under a secret accepted now, and its timestamp must be
   within 5 minutes of our clock (else 401);
3. the body must be a JSON event of the right shape (400 / 422) and of the one type the
   integration sends (422);
4. an event id seen before gets the first answer back (status and body) and writes nothing,
   so a sender's retries never double a pledge;
5. the person is found by email. Without an account the event is kept **pending** (200) and
   credited when they sign up (``credit_pending``). With an account but not yet a participant:
   a campaign without teams is joined for them (the partner tells us they did the action, and
   there is nothing for them to choose); a campaign with teams keeps the event pending until
   they join and pick a team themselves;
6. the action is recorded by ``record_action`` like any web or API action: same caps, deadline,
   purse and evidence uniqueness. A refusal there (cap_reached, duplicate_evidence,
   campaign_closed, …) is stored as the event's answer, so a retry gets the same refusal.

Every attempt on a known integration, refused ones included, is appended to the delivery log
(``webhook_deliveries``) for the admins: that log row is the only thing a refused request
writes. A refusal in steps 1–3 stores no event, so the sender may fix the request and send the
same event id again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from campaign.errors import (
    CampaignNotOpen,
    DomainError,
    EventIdReused,
    Invalid,
    NotParticipant,
    UnknownEventType,
    UnknownIntegration,
)
from campaign.models import (
    ActionType,
    Campaign,
    Integration,
    User,
    WebhookDelivery,
    WebhookEvent,
)
from campaign.rules.evidence import KEY_MAX, clean_evidence
from campaign.rules.signatures import accepted_secrets, verify
from campaign.rules.webhook_events import PartnerEvent, clean_event_id, decode_body, read_event
from campaign.services.accounts import find_user_by_email
from campaign.services.actions import RecordedAction, record_action
from campaign.services.campaigns import can_see
from campaign.services.participation import find_participant, join
from campaign.services.sql import insert

webhook_events = WebhookEvent.__table__

# The HTTP status of a refusal (the web layer's mapping, passed in so this module stays free of
# Flask). Statuses are part of the answer a retry gets back, so they are stored.
StatusOf = Callable[[DomainError], int]

OK = 200
RECEIVED = "received"  # claimed by the delivery being processed; never committed as such
RECORDED, PENDING, CREDITED, REFUSED = "recorded", "pending", "credited", "refused"
NO_ACCOUNT, NOT_PARTICIPANT = "no_account", "not_participant"


@dataclass(frozen=True)
class HookAnswer:
    """What the sender is told. ``error`` is set for a refusal (the body is then made from it
    in the reader's language); ``outcome`` is what the delivery log says."""

    status: int
    body: dict[str, Any]
    outcome: str
    error: DomainError | None = None


@dataclass(frozen=True)
class _Pending:
    reason: str


_Result = RecordedAction | _Pending


def idempotency_key(integration_key: str, event_id: str) -> str:
    """The action's idempotency key: ``hook:<integration>:<event id>``, hashed when longer
    than an idempotency key may be."""
    key = f"hook:{integration_key}:{event_id}"
    if len(key) <= KEY_MAX:
        return key
    return "hook:" + hashlib.sha256(key.encode()).hexdigest()


def receive_event(
    session: Session,
    integration_key: str,
    signature: str | None,
    body: bytes,
    now: datetime,
    *,
    status_of: StatusOf,
) -> HookAnswer:
    """Handle one delivery (see the module docstring for the steps and guarantees).

    Never raises a DomainError: a refusal comes back as an answer with ``error`` set, after the
    attempt is logged. Flushes only; the caller commits once, refusals included (the log).
    """
    integration = session.scalar(select(Integration).where(Integration.key == integration_key))
    if integration is None:
        return _refusal(UnknownIntegration(), status_of)
    event_id: str | None = None
    try:
        if not integration.active:
            raise UnknownIntegration()
        verify(
            signature,
            body,
            accepted_secrets(
                integration.secret,
                integration.previous_secret,
                integration.previous_valid_until,
                now,
            ),
            now,
        )
        data = decode_body(body)
        event_id = _loggable_id(data)
        event = read_event(data)
        if event.type != integration.event_type:
            raise UnknownEventType(type=event.type)
        action_type = session.get(ActionType, integration.action_type_id)
        assert action_type is not None
        evidence, _ = clean_evidence(
            event.evidence, action_type.evidence, action_type.evidence_unique
        )
    except DomainError as exc:
        answer = _refusal(exc, status_of)
        _log(session, integration, event_id, answer, now)
        return answer

    answer = _answer_event(session, integration, event, evidence, now, status_of)
    _log(session, integration, event.id, answer, now)
    return answer


def _answer_event(
    session: Session,
    integration: Integration,
    event: PartnerEvent,
    evidence: str | None,
    now: datetime,
    status_of: StatusOf,
) -> HookAnswer:
    earlier = _find_event(session, integration, event.id)
    if earlier is None:
        # Claim the event id first: a concurrent delivery of the same id waits here for this
        # transaction and then replays its answer.
        claimed = session.execute(
            insert(session, webhook_events)
            .values(
                integration_id=integration.id,
                event_id=event.id,
                event_type=event.type,
                email=event.email,
                evidence=evidence,
                occurred_at=event.occurred_at,
                outcome=RECEIVED,
                status_code=OK,
                body={},
                received_at=now,
            )
            .on_conflict_do_nothing()
            .returning(webhook_events.c.id)
        ).scalar()
        if claimed is not None:
            stored = session.get(WebhookEvent, claimed)
            assert stored is not None
            return _process(session, integration, stored, now, status_of)
        earlier = _find_event(session, integration, event.id)
        assert earlier is not None
    if (earlier.event_type, earlier.email, earlier.evidence) != (event.type, event.email, evidence):
        return _refusal(EventIdReused(), status_of)
    return _replay(earlier)


def _process(
    session: Session,
    integration: Integration,
    stored: WebhookEvent,
    now: datetime,
    status_of: StatusOf,
) -> HookAnswer:
    user = find_user_by_email(session, stored.email)
    if user is None or not user.is_verified:
        # An unverified account may belong to someone who typed another person's address: the
        # credit waits for the mailbox's owner (and the sender cannot tell the two apart).
        return _keep_pending(stored, NO_ACCOUNT)
    # Older events of this person (e.g. held until they joined a team) go first.
    credit_pending(session, user, now)
    try:
        result = _record(session, integration, stored, user, now)
    except DomainError as exc:
        answer = _refusal(exc, status_of)
        stored.outcome, stored.reason = REFUSED, exc.code
        stored.status_code = answer.status
        stored.body = {"error": {"code": exc.code, "params": _plain(exc.params)}}
        session.flush()
        return answer
    if isinstance(result, _Pending):
        return _keep_pending(stored, result.reason)
    stored.outcome, stored.reason, stored.action_id = RECORDED, None, result.action.id
    stored.body = _recorded_body(stored.event_id, result)
    stored.status_code = OK
    session.flush()
    return HookAnswer(OK, stored.body, "accepted")


def _keep_pending(stored: WebhookEvent, reason: str) -> HookAnswer:
    stored.outcome, stored.reason = PENDING, reason
    stored.status_code = OK
    stored.body = {"event_id": stored.event_id, "status": PENDING, "reason": reason}
    return HookAnswer(OK, stored.body, PENDING)


def _recorded_body(event_id: str, result: RecordedAction) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "status": RECORDED,
        "action_id": result.action.id,
        "won": result.won,
        "won_due": result.won_due,
        "stamps": result.action.stamps,
    }


def _record(
    session: Session,
    integration: Integration,
    stored: WebhookEvent,
    user: User,
    now: datetime,
) -> _Result:
    """Record the event's action for ``user`` in a savepoint: a refusal (raised) leaves nothing
    behind, not even an automatic join."""
    campaign = session.get(Campaign, integration.campaign_id)
    action_type = session.get(ActionType, integration.action_type_id)
    assert campaign is not None and action_type is not None
    with session.begin_nested():
        if find_participant(session, campaign, user) is None:
            if campaign.teams:
                return _Pending(NOT_PARTICIPANT)
            if not can_see(campaign, user):
                raise NotParticipant()
            join(session, user, campaign, None, now)
        return record_action(
            session,
            user,
            campaign,
            action_type.code,
            stored.evidence,
            idempotency_key(integration.key, stored.event_id),
            now,
            source="webhook",
        )


def credit_pending(
    session: Session, user: User, now: datetime, campaign: Campaign | None = None
) -> list[WebhookEvent]:
    """Record the pending events sent for ``user``'s email (only those of ``campaign`` if
    given), oldest first; returns the ones credited.

    Only a verified address is credited (nothing happens for another). Call it when an
    address is verified and after a join succeeds, in the same transaction. An event whose
    campaign has teams stays pending until the user has joined; one for a campaign without
    teams joins them. A refusal by the rules now (the campaign has ended, a cap is reached, the
    evidence was counted meanwhile) ends the event as refused, with the reason; a campaign that
    is only paused or not started yet keeps it pending. The sender's stored answer (200
    pending) does not change. Events of deactivated integrations are left alone. Safe to run
    twice or concurrently: each event is claimed by a conditional UPDATE first.
    """
    if not user.is_verified:
        return []  # credited when the owner proves the mailbox (services.verification)
    statement = (
        select(WebhookEvent, Integration)
        .join(Integration, Integration.id == WebhookEvent.integration_id)
        .where(
            WebhookEvent.outcome == PENDING,
            WebhookEvent.email == user.email,
            Integration.active.is_(True),
        )
        .order_by(WebhookEvent.id)
    )
    if campaign is not None:
        statement = statement.where(Integration.campaign_id == campaign.id)
    credited = []
    for stored, integration in session.execute(statement).all():
        claimed = session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == stored.id, WebhookEvent.outcome == PENDING)
            .values(outcome=CREDITED)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another transaction credited it
        try:
            result = _record(session, integration, stored, user, now)
        except CampaignNotOpen:
            result = _Pending(stored.reason or NO_ACCOUNT)
        except DomainError as exc:
            stored.outcome, stored.reason = REFUSED, exc.code
            session.flush()
            continue
        if isinstance(result, _Pending):
            stored.outcome, stored.reason = PENDING, result.reason
        else:
            stored.outcome, stored.reason = CREDITED, None
            stored.action_id, stored.credited_at = result.action.id, now
            credited.append(stored)
        session.flush()
    return credited


def _find_event(session: Session, integration: Integration, event_id: str) -> WebhookEvent | None:
    return session.scalar(
        select(WebhookEvent).where(
            WebhookEvent.integration_id == integration.id, WebhookEvent.event_id == event_id
        )
    )


def _replay(earlier: WebhookEvent) -> HookAnswer:
    error = earlier.body.get("error") if isinstance(earlier.body, dict) else None
    if isinstance(error, dict):
        refusal = stored_error(str(error.get("code", "")), error.get("params") or {})
        return HookAnswer(earlier.status_code, {"error": error}, "replayed", refusal)
    return HookAnswer(earlier.status_code, earlier.body, "replayed")


def _refusal(error: DomainError, status_of: StatusOf) -> HookAnswer:
    return HookAnswer(status_of(error), {"error": {"code": error.code}}, REFUSED, error)


def _log(
    session: Session,
    integration: Integration,
    event_id: str | None,
    answer: HookAnswer,
    now: datetime,
) -> None:
    if answer.outcome == "replayed":
        reason = answer.error.code if answer.error else str(answer.body.get("status", ""))
    elif answer.error is not None:
        reason = answer.error.code
    else:
        reason = answer.body.get("reason")
    session.add(
        WebhookDelivery(
            integration_id=integration.id,
            event_id=event_id,
            outcome=answer.outcome,
            reason=(reason or None) and reason[:60],
            status_code=answer.status,
            received_at=now,
        )
    )
    session.flush()


def _loggable_id(data: Any) -> str | None:
    """The event id for the delivery log, when there is a well-formed one."""
    try:
        return clean_event_id(data.get("id")) if isinstance(data, dict) else None
    except Invalid:
        return None


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if isinstance(v, int | str)}


def _error_classes(base: type[DomainError] = DomainError) -> dict[str, type[DomainError]]:
    found: dict[str, type[DomainError]] = {}
    for cls in base.__subclasses__():
        found.setdefault(cls.code, cls)
        for code, sub in _error_classes(cls).items():
            found.setdefault(code, sub)
    return found


def stored_error(code: str, params: dict[str, Any]) -> DomainError:
    """The refusal stored with an event, rebuilt so a retry is answered (and worded) the same."""
    cls = _error_classes().get(code)
    try:
        if cls is Invalid:
            return Invalid(**params)
        if cls is not None:
            return cls(**params)
    except TypeError:
        pass
    error = DomainError(**params)
    error.code = code
    return error
