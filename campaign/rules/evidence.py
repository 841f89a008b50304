"""Evidence references (a bill number, a document id) and idempotency keys."""

from __future__ import annotations

import unicodedata

import icu

from campaign.errors import Invalid
from campaign.rules.states import Evidence
from campaign.rules.text import BIDI_CONTROLS

EVIDENCE_MAX = 200
KEY_MAX = 100


def clean_evidence(raw: str | None, rule: Evidence, unique: bool) -> tuple[str | None, str | None]:
    """Returns (evidence as given, trimmed; the key that makes it unique, or None).

    The key is what ``evidence_key`` says: one key per bill however it is typed. Bidi
    controls (which reorder what a reviewer sees) are refused like control characters.
    """
    evidence = " ".join((raw or "").split()) or None
    if rule == Evidence.NONE:
        return None, None
    if evidence is None:
        if rule == Evidence.REQUIRED:
            raise Invalid("evidence", "evidence_required")
        return None, None
    if len(evidence) > EVIDENCE_MAX:
        raise Invalid("evidence", "too_long", max=EVIDENCE_MAX)
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in evidence):
        raise Invalid("evidence", "bad_characters")
    if not unique:
        return evidence, None
    key = evidence_key(evidence)
    if not key:
        raise Invalid("evidence", "evidence_required")
    if len(key) > EVIDENCE_MAX:  # compatibility forms can expand ("㍿" is four characters)
        raise Invalid("evidence", "too_long", max=EVIDENCE_MAX)
    return evidence, key


_SPOOF_CHECKER = icu.SpoofChecker()


def _letters_and_digits(text: str) -> str:
    """Drops punctuation (dashes of every kind, dots, slashes), separators (every space) and
    invisible format characters (a zero-width space): "BILL-2026-77", "BILL 2026 77" and
    "BILL202677" are typed differently but name one bill."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def evidence_key(evidence: str) -> str:
    """The canonical key two references share when a person would read them as one.

    NFKC first (full-width "ＢＩＬＬ" is "BILL"), then the confusable skeleton of Unicode TR39
    (ICU's SpoofChecker: Cyrillic "В" and Greek "Β" are Latin "B", "0" and "O" are one), then
    case-folded. The skeleton is taken of the upper-case text because its prototypes are
    case-sensitive ("I" becomes "l" but "i" stays "i"). Punctuation and spaces are dropped
    before the skeleton (it maps some dashes to letters such as "ー") and after it.

    The key is for comparing, never for showing: "BILL-2026-77" becomes "blll2o2677", and
    Hangul is decomposed into jamo. Limits: the skeleton covers look-alikes one character at a
    time (and "rn" for "m" only in lower case, which the upper-casing gives up); two references
    that differ only in punctuation ("A-12" and "A1-2") count as one.
    """
    visible = _letters_and_digits(unicodedata.normalize("NFKC", evidence))
    skeleton = _SPOOF_CHECKER.getSkeleton(0, visible.upper()).casefold()
    return _letters_and_digits(unicodedata.normalize("NFKC", skeleton))


def clean_idempotency_key(raw: str | None) -> str | None:
    """None when absent; otherwise 1–100 visible ASCII characters (a UUID fits)."""
    if raw is None or raw == "":
        return None
    if len(raw) > KEY_MAX or not all(0x21 <= ord(ch) <= 0x7E for ch in raw):
        raise Invalid("idempotency_key", "key_format", max=KEY_MAX)
    return raw
