"""Cheer messages (the short text a cheer carries onto the campaign's wall) and what moderation
accepts: plain rules, no database."""

from __future__ import annotations

from campaign.errors import Invalid
from campaign.rules import text
from campaign.rules.states import MessageRule

MESSAGE_MAX = 200  # a cheer is a line, not a letter (같이가치 comments are about this long)
HIDE_REASON_MAX = 200


def clean_message(raw: str | None, rule: MessageRule) -> str | None:
    """The message an action of this rule carries, cleaned like every other line people type
    (rules/text.clean_text), or None when the action takes none.

    Raises Invalid naming ``message``: required (the rule wants one and none was given),
    message_not_taken (a message for an action that takes none), too_long, bad_characters.
    """
    if rule == MessageRule.NONE:
        if (raw or "").strip():
            raise Invalid("message", "message_not_taken")
        return None
    return text.clean_text(raw, "message", MESSAGE_MAX, required=True)


def clean_hide_reason(raw: str | None) -> str:
    """Why a moderator hides a message or a comment: required, one line."""
    return text.clean_text(raw, "reason", HIDE_REASON_MAX, required=True)
