"""Typed domain errors. Rules and services raise them; each class carries what the HTTP layer
(campaign/http) answers with: its ``code``, its ``status`` and its English ``message``, which
campaign/http/error_messages.py translates into the reader's language. Adding an error is
adding a class here, never a mapping elsewhere (zulip's JsonableError).

The messages are marked for the translation catalogue with ``_``, which does nothing here:
rules import this module and stay free of Flask, so the lookup happens when an answer is made.
"""

from __future__ import annotations

import enum
from typing import Any


def _(message: str) -> str:
    """Mark ``message`` for the catalogue; campaign/http translates it when answering."""
    return message


class DomainError(Exception):
    code = "invalid"
    status = 400
    message = _("Something is not right with that request.")

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params = params

    def template(self) -> str:
        """The English message, with %(name)s placeholders for ``params``."""
        return self.message


class Reason(enum.StrEnum):
    """Why a value is Invalid, with what to tell the person. ``Invalid`` takes the member or
    its value; a test holds every reason raised in campaign/ to this list."""

    message: str

    def __new__(cls, value: str, message: str) -> Reason:
        member = str.__new__(cls, value)
        member._value_ = value
        member.message = message
        return member

    REQUIRED = "required", _("This field is required.")
    AMOUNT_OUT_OF_RANGE = (
        "amount_out_of_range",
        _("Enter an amount from %(min_won)s to %(max_won)s."),
    )
    EMAIL_FORMAT = "email_format", _("Enter a valid email address.")
    EMAIL_CONFUSABLE = (
        "email_confusable",
        _(
            "This address has invisible characters or mixes alphabets (such as Latin and "
            "Cyrillic). Type it again in one alphabet."
        ),
    )
    OWN_ACCOUNT = "own_account", _("You cannot deactivate your own account.")
    PASSWORD_SHORT = "password_short", _("Use at least %(min)s characters.")
    PASSWORD_LONG = "password_long", _("Use at most %(max)s characters.")
    PASSWORD_WEAK = "password_weak", _("Choose a password that is harder to guess.")
    WRONG_PASSWORD = "wrong_password", _("The current password is not correct.")
    TOO_LONG = "too_long", _("Use at most %(max)s characters.")
    BAD_CHARACTERS = "bad_characters", _("Remove the control characters.")
    NOT_A_NUMBER = "not_a_number", _("Enter a whole number.")
    OUT_OF_RANGE = "out_of_range", _("Enter a number from %(min)s to %(max)s.")
    UNKNOWN_ACTION = "unknown_action", _("There is no such action in this challenge.")
    UNKNOWN_TEAM = "unknown_team", _("There is no such team in this challenge.")
    EVIDENCE_REQUIRED = (
        "evidence_required",
        _("This action needs a reference (e.g. the bill number)."),
    )
    NOT_AN_OBJECT = "not_an_object", _("Send a JSON object.")
    DATE_ORDER = "date_order", _("The end must come after the start.")
    CHOICE = "choice", _("Choose one of the offered options.")
    OWN_ROLE = "own_role", _("You cannot take away your own admin role.")
    KEY_FORMAT = "key_format", _("Use 1 to %(max)s visible ASCII characters.")
    NOT_A_STRING = "not_a_string", _("Send this value as a string.")
    PHONE_FORMAT = "phone_format", _("Enter a phone number: digits, spaces, +, - and brackets.")
    NO_RECEIPTS = "no_receipts", _("The charities of this campaign do not issue donation receipts.")
    EVENT_ID_FORMAT = (
        "event_id_format",
        _("Use 1 to %(max)s visible ASCII characters (letters, digits, punctuation)."),
    )
    DATETIME_FORMAT = "datetime_format", _("Give a date and time like 2026-11-25T12:00:00+09:00.")
    EVENT_TYPE_FORMAT = (
        "event_type_format",
        _("Use lower-case letters, digits and . _ - only, like edoc.switched."),
    )
    SLUG_FORMAT = "slug_format", _("Use 2 to 80 lower-case letters, digits and hyphens.")
    SLUG_RESERVED = (
        "slug_reserved",
        _("This address is used by the site itself. Choose another one."),
    )
    SLUG_TAKEN = "slug_taken", _("Another campaign already uses this address.")
    UNKNOWN_PARTNER = "unknown_partner", _("Choose a partner from the list.")
    DUPLICATE_PARTNER = "duplicate_partner", _("Each partner may appear only once.")
    DUPLICATE_CODE = "duplicate_code", _("Each row needs a different name.")
    CODE_FORMAT = "code_format", _("Use lower-case letters, digits, - and _ for codes.")
    DUPLICATE_THRESHOLD = (
        "duplicate_threshold",
        _("Two milestones cannot have the same number of actions."),
    )
    TWO_TEAMS = "two_teams", _("A team fight needs at least two teams.")
    DRAW_NEEDS_TEAMS = "draw_needs_teams", _("A prize draw needs teams.")
    UNIT_RATE_INCOMPLETE = (
        "unit_rate_incomplete",
        _("Give both the stamps per unit and the ₩ per unit."),
    )
    STAMPS_WITHOUT_RATE = (
        "stamps_without_rate",
        _("Actions that earn stamps need a rate: stamps per unit and ₩ per unit."),
    )
    UNIQUE_WITHOUT_EVIDENCE = (
        "unique_without_evidence",
        _("Only an action that takes a reference can count each reference once."),
    )
    DATE_RANGE = "date_range", _("Enter a date between 2000 and 2999.")
    DATE_PAST = "date_past", _("The first day cannot be in the past.")
    DATE_FAR = "date_far", _("The first day must be within two years from today.")
    RUN_TOO_LONG = "run_too_long", _("A campaign can run for at most a year.")
    TOO_MANY = "too_many", _("Use at most %(max)s rows.")
    ROW_INCOMPLETE = "row_incomplete", _("Complete this row or clear it.")
    BAD_DETAILS = "bad_details", _("The proposal's rules could not be read; enter them again.")
    BELOW_SPENT = "below_spent", _("The sponsor cap cannot be less than what has been paid.")
    EXTEND_LATER = "extend_later", _("The new end must come after the current end.")
    IMAGE_MISSING = "image_missing", _("Choose an image file to upload.")
    IMAGE_ALT_MISSING = (
        "image_alt_missing",
        _("Describe the image in a few words for people who cannot see it."),
    )
    NOT_AN_IMAGE = (
        "not_an_image",
        _("This file is not an image we can use: upload a JPEG, PNG, WebP or GIF."),
    )
    IMAGE_TOO_LARGE = (
        "image_too_large",
        _("The image is too large: upload one of at most %(max)s."),
    )
    IMAGE_TOO_MANY_PIXELS = (
        "image_too_many_pixels",
        _("The image has too many pixels: upload one of at most %(max)s megapixels."),
    )
    MESSAGE_NOT_TAKEN = "message_not_taken", _("This action does not take a message.")
    OWN_CONTENT = "own_content", _("You cannot report what you wrote yourself.")
    BAD_SHAPE = (
        "bad_shape",
        _("This value has the wrong shape: follow the campaign detail of the API."),
    )
    PURSE_NOT_RAISED = (
        "purse_not_raised",
        _("While a campaign runs its sponsor cap can only be raised above the current one."),
    )
    SEASON_TAKEN = "season_taken", _("This campaign already has a next season.")
    UNKNOWN_CAMPAIGN = "unknown_campaign", _("There is no campaign at this address.")
    CONSENT_REQUIRED = "consent_required", _("Tick the box to give your consent.")
    STATIC_PATH = (
        "static_path",
        _("Enter a path under /static/, or upload the logo: pages show only this site's images."),
    )
    ID_NUMBER_FORMAT = (
        "id_number_format",
        _("Enter the number as on the card: 13 digits for a person, 10 for a company."),
    )
    ID_NUMBER_CHECKSUM = (
        "id_number_checksum",
        _("This number does not add up (its last digit). Check it for a typo."),
    )
    RECEIPT_ISSUED = (
        "receipt_issued",
        _("The charity has issued this receipt already; ask the charity to change it."),
    )
    EMAIL_SAME = "email_same", _("This is already your address.")
    CONFIRM_REQUIRED = "confirm_required", _("Tick the box to confirm.")
    ACCOUNT_DELETED = (
        "account_deleted",
        _("Its owner deleted this account; it cannot be used again."),
    )


UNKNOWN_REASON = _("This value is not valid.")


class Invalid(DomainError):
    """Input that breaks a rule. ``field`` names the input; ``reason`` says which rule."""

    code = "invalid"
    status = 422

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(field=field, reason=reason, **params)
        self.field = field
        self.reason = str(reason)

    def template(self) -> str:
        try:
            return Reason(self.reason).message
        except ValueError:
            return UNKNOWN_REASON


class NotFound(DomainError):
    code = "not_found"
    status = 404
    message = _("We could not find that.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    message = _("You are not allowed to do that.")


class BadCredentials(DomainError):
    code = "bad_credentials"
    status = 401
    message = _("The email or password is not correct.")


class CampaignClosed(DomainError):
    code = "campaign_closed"
    status = 409
    message = _("This challenge has ended; it no longer accepts actions.")


class CampaignNotOpen(DomainError):
    """Not yet started, or paused."""

    code = "campaign_not_open"
    status = 409
    message = _("This challenge is not open right now.")


class NotParticipant(DomainError):
    code = "not_participant"
    status = 409
    message = _("Join the challenge first.")


class AlreadyJoined(DomainError):
    code = "already_joined"
    status = 409
    message = _("You have already joined this challenge; your team cannot change.")


class TeamRequired(DomainError):
    code = "team_required"
    status = 422
    message = _("Choose a team to join.")


class CapReached(DomainError):
    """``cap`` is "daily" or "total"; ``limit`` the number allowed."""

    code = "cap_reached"
    status = 409
    message = _("You have reached the limit (%(limit)s) for this action.")
    daily = _("You have reached today's limit (%(limit)s) for this action.")

    def template(self) -> str:
        return self.daily if self.params.get("cap") == "daily" else self.message


class DuplicateEvidence(DomainError):
    code = "duplicate_evidence"
    status = 409
    message = _("This reference has already been counted.")


class IdempotencyKeyReused(DomainError):
    """The same key was sent before with a different request."""

    code = "idempotency_key_reused"
    status = 422
    message = _("This Idempotency-Key was already used for a different request.")


class ConcurrentReplay(DomainError):
    """Another request with the same idempotency key is being recorded right now; retrying
    after it finishes returns its result."""

    code = "request_in_progress"
    status = 409
    message = _("The same request is being counted right now. Wait a moment and try again.")


class IllegalTransition(DomainError):
    code = "illegal_transition"
    status = 409
    message = _("That change is not possible in the current state.")


class NotSettled(DomainError):
    """The campaign has no settlement yet (it is not closed)."""

    code = "not_settled"
    status = 409
    message = _("This campaign has no settlement yet: close it first.")


class AlreadyVoided(DomainError):
    code = "already_voided"
    status = 409
    message = _("This was voided already.")


class SponsorNameTaken(DomainError):
    code = "sponsor_name_taken"
    status = 409
    message = _("A sponsor with this name already exists.")


class PartnerNameTaken(DomainError):
    code = "partner_name_taken"
    status = 409
    message = _("A partner with this name already exists.")


class BadSignature(DomainError):
    """A webhook without a valid signature of its body (missing, malformed or not matching)."""

    code = "bad_signature"
    status = 401
    message = _("The X-Aesseuji-Signature header is missing or does not match the body.")


class StaleSignature(DomainError):
    """A correctly signed webhook whose timestamp is outside the accepted window (a replay)."""

    code = "stale_signature"
    status = 401
    message = _("The signature's timestamp is more than 5 minutes away from our clock.")


class UnknownIntegration(DomainError):
    code = "unknown_integration"
    status = 404
    message = _("There is no active integration at this address.")


class MalformedJson(DomainError):
    code = "malformed_json"
    status = 400
    message = _("The body is not valid JSON.")


class UnknownEventType(DomainError):
    code = "unknown_event_type"
    status = 422
    message = _("This integration does not send events of this type.")


class EventIdReused(DomainError):
    """The same event id was delivered before with a different event."""

    code = "event_id_reused"
    status = 422
    message = _("This event id was already used for a different event.")


class AlreadyEndorsed(DomainError):
    """A crew member endorses a proposal once."""

    code = "already_endorsed"
    status = 409
    message = _("You have already endorsed this proposal.")


class JsonTooDeep(DomainError):
    """A JSON body nested deeper than the guard allows (``max``), refused before parsing."""

    code = "json_too_deep"
    status = 400
    message = _("The JSON nests too deeply or leaves a bracket open.")


class LoginLocked(DomainError):
    """Too many failed log-ins in a row with this address; ``retry_after`` is in seconds."""

    code = "login_locked"
    status = 429
    message = _("Too many failed log-ins with this address. Wait a few minutes and try again.")


class VerificationLinkInvalid(DomainError):
    """An e-mail verification link that is forged, expired, already used or for an old
    address."""

    code = "verification_link_invalid"
    status = 400
    message = _("This link is expired, already used or not valid. Log in and send a new one.")


class PasswordResetLinkInvalid(DomainError):
    """A password reset link that is forged, expired, already used (the password has changed
    since) or for an account that is no longer active."""

    code = "password_reset_link_invalid"
    status = 400
    message = _(
        "This password reset link is expired, already used or not valid. Ask for a new one."
    )


class EmailChangeLinkInvalid(DomainError):
    """A link to confirm a new e-mail address that is forged, expired, already used, or whose
    address has been taken by another account since."""

    code = "email_change_link_invalid"
    status = 400
    message = _(
        "This link is expired, already used or not valid. Ask for the change again from your "
        "account page."
    )
