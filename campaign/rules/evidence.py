"""Evidence references (a bill number, a document id) and idempotency keys."""

from __future__ import annotations

import unicodedata

from campaign.errors import Invalid
from campaign.rules.states import Evidence

EVIDENCE_MAX = 200
KEY_MAX = 100


def clean_evidence(raw: str | None, rule: Evidence, unique: bool) -> tuple[str | None, str | None]:
    """Returns (evidence as given, trimmed; the key that makes it unique, or None).

    The key folds case and inner spacing, so "BILL-001" and " bill-001 " count as one bill; it
    also folds compatibility forms (full-width "ＢＩＬＬ－００１") and drops invisible format
    characters (a zero-width space), which would otherwise let one bill count twice.
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
    if any(unicodedata.category(ch) == "Cc" for ch in evidence):
        raise Invalid("evidence", "bad_characters")
    if not unique:
        return evidence, None
    key = _fold(evidence)
    if not key:
        raise Invalid("evidence", "evidence_required")
    if len(key) > EVIDENCE_MAX:  # compatibility forms can expand ("㍿" is four characters)
        raise Invalid("evidence", "too_long", max=EVIDENCE_MAX)
    return evidence, key


def _fold(evidence: str) -> str:
    folded = unicodedata.normalize("NFKC", evidence).casefold()
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def clean_idempotency_key(raw: str | None) -> str | None:
    """None when absent; otherwise 1–100 visible ASCII characters (a UUID fits)."""
    if raw is None or raw == "":
        return None
    if len(raw) > KEY_MAX or not all(0x21 <= ord(ch) <= 0x7E for ch in raw):
        raise Invalid("idempotency_key", "key_format", max=KEY_MAX)
    return raw
