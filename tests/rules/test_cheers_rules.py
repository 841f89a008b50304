"""rules/cheers.py: what a cheer message and a moderator's reason may be (no database)."""

from __future__ import annotations

import pytest

from campaign.errors import Invalid
from campaign.rules.campaign_spec import (
    ActionTypeSpec,
    form_values,
    row_from_form,
    row_from_json,
    row_json,
)
from campaign.rules.cheers import MESSAGE_MAX, clean_hide_reason, clean_message
from campaign.rules.states import MessageRule


@pytest.mark.parametrize(
    ("raw", "rule", "cleaned"),
    [
        ("힘내요", MessageRule.REQUIRED, "힘내요"),
        ("  힘내요  \n 모두  ", MessageRule.REQUIRED, "힘내요 모두"),
        ("가" * MESSAGE_MAX, MessageRule.REQUIRED, "가" * MESSAGE_MAX),
        ("가" * MESSAGE_MAX + "   ", MessageRule.REQUIRED, "가" * MESSAGE_MAX),
        (None, MessageRule.NONE, None),
        ("", MessageRule.NONE, None),
        ("   ", MessageRule.NONE, None),
    ],
)
def test_clean_messages(raw: str | None, rule: MessageRule, cleaned: str | None) -> None:
    assert clean_message(raw, rule) == cleaned


@pytest.mark.parametrize(
    ("raw", "rule", "reason"),
    [
        (None, MessageRule.REQUIRED, "required"),
        (" \t ", MessageRule.REQUIRED, "required"),
        ("가" * (MESSAGE_MAX + 1), MessageRule.REQUIRED, "too_long"),
        ("응원\x00", MessageRule.REQUIRED, "bad_characters"),
        ("BILL\u202e77", MessageRule.REQUIRED, "bad_characters"),
        ("응원해요", MessageRule.NONE, "message_not_taken"),
    ],
)
def test_refused_messages(raw: str | None, rule: MessageRule, reason: str) -> None:
    with pytest.raises(Invalid) as raised:
        clean_message(raw, rule)
    assert (raised.value.field, raised.value.reason) == ("message", reason)


def test_a_hide_needs_a_reason_of_one_line() -> None:
    assert clean_hide_reason("  욕설   포함 ") == "욕설 포함"
    for raw, reason in (("", "required"), ("가" * 201, "too_long")):
        with pytest.raises(Invalid) as raised:
            clean_hide_reason(raw)
        assert raised.value.reason == reason


def test_the_message_rule_is_a_spec_field_in_json_and_forms() -> None:
    row = ActionTypeSpec("a1", "응원 댓글", worth_won=100, message=MessageRule.REQUIRED)
    assert row_json(row)["message"] == "required"
    assert row_from_json(ActionTypeSpec, row_json(row)) == row
    assert form_values(row)["message"] == "required"
    assert row_from_form(ActionTypeSpec, form_values(row), code="a1") == row
    # Rows stored before the field existed read as taking no message.
    old = {k: v for k, v in row_json(row).items() if k != "message"}
    assert row_from_json(ActionTypeSpec, old).message == MessageRule.NONE
    with pytest.raises(ValueError):
        row_from_json(ActionTypeSpec, {**row_json(row), "message": "sometimes"})
