"""Typed domain errors. Rules and services raise them; the web layer turns each ``code`` into a
status and a sentence in the reader's language (campaign/web/messages.py).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "invalid"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params = params


class Invalid(DomainError):
    """Input that breaks a rule. ``field`` names the input; ``reason`` says which rule."""

    code = "invalid"

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(field=field, reason=reason, **params)
        self.field = field
        self.reason = reason


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class EmailTaken(DomainError):
    code = "email_taken"


class BadCredentials(DomainError):
    code = "bad_credentials"


class CampaignClosed(DomainError):
    code = "campaign_closed"


class CampaignNotOpen(DomainError):
    """Not yet started, or paused."""

    code = "campaign_not_open"


class NotParticipant(DomainError):
    code = "not_participant"


class AlreadyJoined(DomainError):
    code = "already_joined"


class TeamRequired(DomainError):
    code = "team_required"


class CapReached(DomainError):
    """``cap`` is "daily" or "total"; ``limit`` the number allowed."""

    code = "cap_reached"


class DuplicateEvidence(DomainError):
    code = "duplicate_evidence"


class IdempotencyKeyReused(DomainError):
    """The same key was sent before with a different request."""

    code = "idempotency_key_reused"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NotSettled(DomainError):
    """The campaign has no settlement yet (it is not closed)."""

    code = "not_settled"


class PartnerNameTaken(DomainError):
    code = "partner_name_taken"


class BadSignature(DomainError):
    """A webhook without a valid signature of its body (missing, malformed or not matching)."""

    code = "bad_signature"


class StaleSignature(DomainError):
    """A correctly signed webhook whose timestamp is outside the accepted window (a replay)."""

    code = "stale_signature"


class UnknownIntegration(DomainError):
    code = "unknown_integration"


class MalformedJson(DomainError):
    code = "malformed_json"


class UnknownEventType(DomainError):
    code = "unknown_event_type"


class EventIdReused(DomainError):
    """The same event id was delivered before with a different event."""

    code = "event_id_reused"


class AlreadyEndorsed(DomainError):
    """A crew member endorses a proposal once."""

    code = "already_endorsed"


class LoginLocked(DomainError):
    """Too many failed log-ins in a row with this address; ``retry_after`` is in seconds."""

    code = "login_locked"


class VerificationLinkInvalid(DomainError):
    """An e-mail verification link that is forged, expired, already used or for an old
    address."""

    code = "verification_link_invalid"
