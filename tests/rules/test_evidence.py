"""Evidence references fold to one key per bill; idempotency keys are short visible ASCII."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.errors import Invalid
from campaign.rules.evidence import (
    EVIDENCE_MAX,
    KEY_MAX,
    _full_key,
    clean_evidence,
    clean_idempotency_key,
    evidence_key,
)
from campaign.rules.states import Evidence

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


BILL = evidence_key("BILL-2026-77")


@pytest.mark.parametrize(
    ("raw", "rule", "unique", "cleaned"),
    [
        ("BILL-001", Evidence.REQUIRED, True, ("BILL-001", "blllool")),
        ("  bill-001 ", Evidence.REQUIRED, True, ("bill-001", "blllool")),
        ("BILL   001", Evidence.REQUIRED, True, ("BILL 001", "blllool")),  # inner spaces fold
        ("BILL\t001\n", Evidence.REQUIRED, True, ("BILL 001", "blllool")),
        ("Straße 1", Evidence.REQUIRED, True, ("Straße 1", "strassel")),  # casefold, not lower
        ("전자문서-7", Evidence.OPTIONAL, True, ("전자문서-7", evidence_key("전자문서7"))),
        ("BILL-001", Evidence.REQUIRED, False, ("BILL-001", None)),  # kept, but not unique
        ("BILL-001", Evidence.OPTIONAL, False, ("BILL-001", None)),
        (None, Evidence.OPTIONAL, True, (None, None)),
        ("   ", Evidence.OPTIONAL, True, (None, None)),
        ("", Evidence.OPTIONAL, False, (None, None)),
        ("BILL-001", Evidence.NONE, False, (None, None)),  # an action without evidence drops it
        (None, Evidence.NONE, False, (None, None)),
        ("x" * EVIDENCE_MAX, Evidence.REQUIRED, True, ("x" * EVIDENCE_MAX, "x" * EVIDENCE_MAX)),
        # One bill, however it is typed: full-width forms and invisible characters fold away.
        ("ＢＩＬＬ－００１", Evidence.REQUIRED, True, ("ＢＩＬＬ－００１", "blllool")),
        ("BILL\u200b-001", Evidence.REQUIRED, True, ("BILL\u200b-001", "blllool")),
        ("\ufeffBILL-001", Evidence.REQUIRED, True, ("\ufeffBILL-001", "blllool")),
        ("BILL\u3000001", Evidence.REQUIRED, True, ("BILL 001", "blllool")),  # ideographic space
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
        # Bidi controls make a reviewer read another reference than the one stored.
        *[(f"BILL-{ch}77-2026", Evidence.REQUIRED, "bad_characters") for ch in BIDI],
        ("-.- / --", Evidence.REQUIRED, "evidence_required"),  # only separators
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


@pytest.mark.parametrize(
    "look_alike",
    [
        "BILL-2026-77",
        "bill-2026-77",
        "BILL\u20102026\u201077",  # U+2010 HYPHEN
        "BILL\u20142026\u201477",  # EM DASH
        "BILL\u22122026\u221277",  # MINUS SIGN
        "\u0412ILL-2026-77",  # Cyrillic capital VE
        "\u0392ILL-2026-77",  # Greek capital BETA
        "B\u0406LL-2026-77",  # Cyrillic capital BYELORUSSIAN-UKRAINIAN I
        "BILL-2O26-77",  # letter O for zero
        "BILL 2026 77",
        "BILL202677",
        "BILL_2026.77",
        "ＢＩＬＬ－２０２６－７７",
        "  B I L L / 2026 / 77 ",
    ],
)
def test_look_alikes_share_one_key(look_alike: str) -> None:
    assert clean_evidence(look_alike, Evidence.REQUIRED, True)[1] == BILL


@pytest.mark.parametrize("other", ["BILL-2026-78", "BILL-2026-777", "BILK-2026-77", "전자문서-7"])
def test_other_references_keep_their_own_key(other: str) -> None:
    assert evidence_key(other) != BILL


@pytest.mark.parametrize("code", range(128))
def test_every_ascii_character_is_keyed_as_the_full_path_keys_it(code: int) -> None:
    for text in (chr(code), f"a{chr(code)}1", f"{chr(code)}{chr(code)}0"):
        assert evidence_key(text) == _full_key(text)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_references_take_a_shortcut_to_the_same_key(text: str) -> None:
    assert evidence_key(text) == _full_key(text)
