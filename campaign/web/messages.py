"""Domain error codes → a sentence in the reader's language, and the HTTP status they answer."""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext

from campaign.errors import DomainError, Invalid

STATUS = {
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "email_taken": 409,
    "bad_credentials": 401,
    "campaign_closed": 409,
    "campaign_not_open": 409,
    "not_participant": 409,
    "already_joined": 409,
    "team_required": 422,
    "cap_reached": 409,
    "duplicate_evidence": 409,
    "idempotency_key_reused": 422,
    "illegal_transition": 409,
}

MESSAGES = {
    "not_found": lazy_gettext("We could not find that."),
    "forbidden": lazy_gettext("You are not allowed to do that."),
    "email_taken": lazy_gettext("An account with this email already exists."),
    "bad_credentials": lazy_gettext("The email or password is not correct."),
    "campaign_closed": lazy_gettext("This challenge has ended; it no longer accepts actions."),
    "campaign_not_open": lazy_gettext("This challenge is not open right now."),
    "not_participant": lazy_gettext("Join the challenge first."),
    "already_joined": lazy_gettext(
        "You have already joined this challenge; your team cannot change."
    ),
    "team_required": lazy_gettext("Choose a team to join."),
    "duplicate_evidence": lazy_gettext("This reference has already been counted."),
    "idempotency_key_reused": lazy_gettext(
        "This Idempotency-Key was already used for a different request."
    ),
    "illegal_transition": lazy_gettext("That change is not possible in the current state."),
}

INVALID_REASONS = {
    "required": lazy_gettext("This field is required."),
    "email_format": lazy_gettext("Enter a valid email address."),
    "password_short": lazy_gettext("Use at least %(min)s characters."),
    "password_long": lazy_gettext("Use at most %(max)s characters."),
    "password_weak": lazy_gettext("Choose a password that is harder to guess."),
    "wrong_password": lazy_gettext("The current password is not correct."),
    "too_long": lazy_gettext("Use at most %(max)s characters."),
    "bad_characters": lazy_gettext("Remove the control characters."),
    "not_a_number": lazy_gettext("Enter a whole number."),
    "out_of_range": lazy_gettext("Enter a number from %(min)s to %(max)s."),
    "unknown_action": lazy_gettext("There is no such action in this challenge."),
    "unknown_team": lazy_gettext("There is no such team in this challenge."),
    "evidence_required": lazy_gettext("This action needs a reference (e.g. the bill number)."),
    "not_an_object": lazy_gettext("Send a JSON object."),
    "date_order": lazy_gettext("The end must come after the start."),
    "choice": lazy_gettext("Choose one of the offered options."),
    "own_role": lazy_gettext("You cannot take away your own admin role."),
}


def status_for(error: DomainError) -> int:
    return STATUS.get(error.code, 400)


def message_for(error: DomainError) -> str:
    params = {k: v for k, v in error.params.items() if isinstance(v, int | str)}
    if isinstance(error, Invalid):
        template = INVALID_REASONS.get(error.reason, lazy_gettext("This value is not valid."))
        return str(template) % params if "%(" in str(template) else str(template)
    if error.code == "cap_reached":
        if params.get("cap") == "daily":
            return gettext("You have reached today's limit (%(limit)s) for this action.", **params)
        return gettext("You have reached the limit (%(limit)s) for this action.", **params)
    return str(MESSAGES.get(error.code, lazy_gettext("Something is not right with that request.")))
