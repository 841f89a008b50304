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
    "request_in_progress": 409,
    "not_settled": 409,
    "partner_name_taken": 409,
    "bad_signature": 401,
    "stale_signature": 401,
    "unknown_integration": 404,
    "malformed_json": 400,
    "unknown_event_type": 422,
    "event_id_reused": 422,
    "already_endorsed": 409,
    "login_locked": 429,
    "verification_link_invalid": 400,
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
    "request_in_progress": lazy_gettext(
        "The same request is being counted right now. Wait a moment and try again."
    ),
    "not_settled": lazy_gettext("This campaign has no settlement yet: close it first."),
    "partner_name_taken": lazy_gettext("A partner with this name already exists."),
    "bad_signature": lazy_gettext(
        "The X-Aesseuji-Signature header is missing or does not match the body."
    ),
    "stale_signature": lazy_gettext(
        "The signature's timestamp is more than 5 minutes away from our clock."
    ),
    "unknown_integration": lazy_gettext("There is no active integration at this address."),
    "malformed_json": lazy_gettext("The body is not valid JSON."),
    "unknown_event_type": lazy_gettext("This integration does not send events of this type."),
    "event_id_reused": lazy_gettext("This event id was already used for a different event."),
    "already_endorsed": lazy_gettext("You have already endorsed this proposal."),
    "login_locked": lazy_gettext(
        "Too many failed log-ins with this address. Wait a few minutes and try again."
    ),
    "verification_link_invalid": lazy_gettext(
        "This link is expired, already used or not valid. Log in and send a new one."
    ),
}

INVALID_REASONS = {
    "required": lazy_gettext("This field is required."),
    "email_format": lazy_gettext("Enter a valid email address."),
    "email_confusable": lazy_gettext(
        "This address has invisible characters or mixes alphabets (such as Latin and "
        "Cyrillic). Type it again in one alphabet."
    ),
    "own_account": lazy_gettext("You cannot deactivate your own account."),
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
    "key_format": lazy_gettext("Use 1 to %(max)s visible ASCII characters."),
    "not_a_string": lazy_gettext("Send this value as a string."),
    "phone_format": lazy_gettext("Enter a phone number: digits, spaces, +, - and brackets."),
    "no_receipts": lazy_gettext("The charities of this campaign do not issue donation receipts."),
    "event_id_format": lazy_gettext(
        "Use 1 to %(max)s visible ASCII characters (letters, digits, punctuation)."
    ),
    "datetime_format": lazy_gettext("Give a date and time like 2026-11-25T12:00:00+09:00."),
    "event_type_format": lazy_gettext(
        "Use lower-case letters, digits and . _ - only, like edoc.switched."
    ),
    # Campaign specs and crew proposals.
    "slug_format": lazy_gettext("Use 2 to 80 lower-case letters, digits and hyphens."),
    "slug_taken": lazy_gettext("Another campaign already uses this address."),
    "unknown_partner": lazy_gettext("Choose a partner from the list."),
    "duplicate_partner": lazy_gettext("Each partner may appear only once."),
    "duplicate_code": lazy_gettext("Each row needs a different name."),
    "code_format": lazy_gettext("Use lower-case letters, digits, - and _ for codes."),
    "duplicate_threshold": lazy_gettext("Two milestones cannot have the same number of actions."),
    "two_teams": lazy_gettext("A team fight needs at least two teams."),
    "draw_needs_teams": lazy_gettext("A prize draw needs teams."),
    "unit_rate_incomplete": lazy_gettext("Give both the stamps per unit and the ₩ per unit."),
    "stamps_without_rate": lazy_gettext(
        "Actions that earn stamps need a rate: stamps per unit and ₩ per unit."
    ),
    "unique_without_evidence": lazy_gettext(
        "Only an action that takes a reference can count each reference once."
    ),
    "date_range": lazy_gettext("Enter a date between 2000 and 2999."),
    "date_past": lazy_gettext("The first day cannot be in the past."),
    "date_far": lazy_gettext("The first day must be within two years from today."),
    "run_too_long": lazy_gettext("A campaign can run for at most a year."),
    "too_many": lazy_gettext("Use at most %(max)s rows."),
    "row_incomplete": lazy_gettext("Complete this row or clear it."),
    "bad_details": lazy_gettext("The proposal's rules could not be read; enter them again."),
    "below_spent": lazy_gettext("The sponsor cap cannot be less than what has been paid."),
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
