"""Evidence references fold to one key per bill; idempotency keys are short visible ASCII."""

from __future__ import annotations

import pytest

from campaign.errors import Invalid
from campaign.rules.evidence import (
    EVIDENCE_MAX,
    KEY_MAX,
    clean_evidence,
    clean_idempotency_key,
)
from campaign.rules.states import Evidence


@pytest.mark.parametrize(
    ("raw", "rule", "unique", "cleaned"),
    [
        ("BILL-001", Evidence.REQUIRED, True, ("BILL-001", "bill-001")),
        ("  bill-001 ", Evidence.REQUIRED, True, ("bill-001", "bill-001")),
        ("BILL   001", Evidence.REQUIRED, True, ("BILL 001", "bill 001")),  # inner spaces fold
        ("BILL\t001\n", Evidence.REQUIRED, True, ("BILL 001", "bill 001")),
        ("Straße 1", Evidence.REQUIRED, True, ("Straße 1", "strasse 1")),  # casefold, not lower
        ("전자문서-7", Evidence.OPTIONAL, True, ("전자문서-7", "전자문서-7")),
        ("BILL-001", Evidence.REQUIRED, False, ("BILL-001", None)),  # kept, but not unique
        ("BILL-001", Evidence.OPTIONAL, False, ("BILL-001", None)),
        (None, Evidence.OPTIONAL, True, (None, None)),
        ("   ", Evidence.OPTIONAL, True, (None, None)),
        ("", Evidence.OPTIONAL, False, (None, None)),
        ("BILL-001", Evidence.NONE, False, (None, None)),  # an action without evidence drops it
        (None, Evidence.NONE, False, (None, None)),
        ("x" * EVIDENCE_MAX, Evidence.REQUIRED, True, ("x" * EVIDENCE_MAX, "x" * EVIDENCE_MAX)),
        # One bill, however it is typed: full-width forms and invisible characters fold away.
        ("ＢＩＬＬ－００１", Evidence.REQUIRED, True, ("ＢＩＬＬ－００１", "bill-001")),
        ("BILL\u200b-001", Evidence.REQUIRED, True, ("BILL\u200b-001", "bill-001")),
        ("\ufeffBILL-001", Evidence.REQUIRED, True, ("\ufeffBILL-001", "bill-001")),
        ("BILL\u3000001", Evidence.REQUIRED, True, ("BILL 001", "bill 001")),  # ideographic space
    ],
)
def test_clean_evidence(
    raw: str | None, rule: Evidence, unique: bool, cleaned: tuple[str | None, str | None]
) -> None:
    assert clean_evidence(raw, rule, unique) == cleaned


@pytest.mark.parametrize(
    ("raw", "rule", "reason"),
    [
        (None, Evidence.REQUIRED, "evidence_required"),
        ("", Evidence.REQUIRED, "evidence_required"),
        (" \t ", Evidence.REQUIRED, "evidence_required"),
        ("x" * (EVIDENCE_MAX + 1), Evidence.REQUIRED, "too_long"),
        ("x" * (EVIDENCE_MAX + 1), Evidence.OPTIONAL, "too_long"),
        ("bill\x00001", Evidence.REQUIRED, "bad_characters"),
        ("bill\x1b[31m", Evidence.OPTIONAL, "bad_characters"),
        ("bill\x7f", Evidence.REQUIRED, "bad_characters"),  # DEL
        ("bill\x9b31m", Evidence.REQUIRED, "bad_characters"),  # a C1 control (CSI)
        ("\u200b", Evidence.REQUIRED, "evidence_required"),  # nothing visible
        ("㍿" * 60, Evidence.REQUIRED, "too_long"),  # 60 characters, 240 once folded
    ],
)
def test_clean_evidence_refuses(raw: str | None, rule: Evidence, reason: str) -> None:
    with pytest.raises(Invalid) as raised:
        clean_evidence(raw, rule, True)
    assert (raised.value.field, raised.value.reason) == ("evidence", reason)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (None, None),
        ("", None),
        ("4f1c2a9e-0b7d-4e55-9a1e-3c1f2b7d9e10", "4f1c2a9e-0b7d-4e55-9a1e-3c1f2b7d9e10"),
        ("a", "a"),
        ("!~", "!~"),
        ("k" * KEY_MAX, "k" * KEY_MAX),
    ],
)
def test_clean_idempotency_key(raw: str | None, key: str | None) -> None:
    assert clean_idempotency_key(raw) == key


@pytest.mark.parametrize(
    "raw", ["k" * (KEY_MAX + 1), " ", "has space", "tab\t", "키", "nul\x00", "del\x7f"]
)
def test_clean_idempotency_key_refuses(raw: str) -> None:
    with pytest.raises(Invalid) as raised:
        clean_idempotency_key(raw)
    assert (raised.value.field, raised.value.reason) == ("idempotency_key", "key_format")
