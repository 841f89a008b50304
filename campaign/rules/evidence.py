"""Evidence references (a bill number, a document id) and idempotency keys."""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

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
    # Printable ASCII has neither (the common case, checked in C rather than a character at a
    # time: an import checks ~100,000 references).
    clean = evidence.isascii() and evidence.isprintable()
    if not clean and any(
        unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in evidence
    ):
        raise Invalid("evidence", "bad_characters")
    if not unique:
        return evidence, None
    key = evidence_key(evidence)
    if not key:
        raise Invalid("evidence", "evidence_required")
    if len(key) > EVIDENCE_MAX:  # compatibility forms can expand ("㍿" is four characters)
        raise Invalid("evidence", "too_long", max=EVIDENCE_MAX)
    return evidence, key


@cache
def _prototypes() -> dict[str, str]:
    """Each character of Unicode's confusables table (TR39 confusables.txt, as the
    confusable-homoglyphs package ships it) → the one character its look-alike group is
    compared as. Groups join transitively ("I" and "1" both look like "l"); the member with
    the most look-alikes stands for the group, which is the table's prototype ("l", "O", "B"),
    the lowest code point on a tie. Multi-character look-alikes ("rn" for "m") are left out."""
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.setdefault(ch, ch) != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    for ch, glyphs in confusables_data.items():
        for glyph in glyphs:
            if len(ch) == 1 and len(glyph["c"]) == 1:
                parent[root(glyph["c"])] = root(ch)
    weight = {ch: len(confusables_data.get(ch, ())) for ch in parent}
    best: dict[str, str] = {}
    for ch in parent:
        group = root(ch)
        held = best.get(group)
        if held is None or (-weight[ch], ch) < (-weight[held], held):
            best[group] = ch
    return {ch: best[root(ch)] for ch in parent}


def _skeleton(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(ch, ch) for ch in text)


def _letters_and_digits(text: str) -> str:
    """Drops punctuation (dashes of every kind, dots, slashes), separators (every space) and
    invisible format characters (a zero-width space): "BILL-2026-77", "BILL 2026 77" and
    "BILL202677" are typed differently but name one bill."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def evidence_key(evidence: str) -> str:
    """The canonical key two references share when a person would read them as one.

    NFKC first (full-width "ＢＩＬＬ" is "BILL"), then a confusable skeleton after Unicode
    TR39's table (Cyrillic "В" and Greek "Β" are Latin "B", "0" and "O" are one), then
    case-folded. The skeleton is taken of the upper-case text because the table's prototypes
    are case-sensitive ("I" becomes "l" but "i" stays "i"). Punctuation and spaces are dropped
    before the skeleton (it maps some dashes to letters such as "ー") and after it.

    The key is for comparing, never for showing: "BILL-2026-77" becomes "blll2o2677", and
    so on. Limits: the skeleton covers look-alikes one character at a
    time (and "rn" for "m" only in lower case, which the upper-casing gives up); two references
    that differ only in punctuation ("A-12" and "A1-2") count as one.
    """
    if evidence.isascii():
        table = _ascii_keys()
        if table.keys() >= set(map(ord, evidence)):
            return evidence.translate(table)
    return _full_key(evidence)


def _full_key(evidence: str) -> str:
    visible = _letters_and_digits(unicodedata.normalize("NFKC", evidence))
    skeleton = _skeleton(visible.upper()).casefold()
    return _letters_and_digits(unicodedata.normalize("NFKC", skeleton))


@cache
def _ascii_keys() -> dict[int, str]:
    """ASCII code → its key, for a reference keyed one character at a time: NFKC leaves ASCII
    alone, and upper case, the skeleton and case folding each map one ASCII character to
    ASCII; a character whose skeleton leaves ASCII (none in today's table) is left out and
    takes the full path. A bulk import keys ~100,000 references: this makes each ~20× cheaper.
    tests/rules/test_evidence.py holds the two paths equal."""
    return {
        code: _full_key(chr(code))
        for code in range(128)
        if _skeleton(_letters_and_digits(chr(code)).upper()).isascii()
    }


def clean_idempotency_key(raw: str | None) -> str | None:
    """None when absent; otherwise 1–100 visible ASCII characters (a UUID fits)."""
    if raw is None or raw == "":
        return None
    if len(raw) > KEY_MAX or not all(0x21 <= ord(ch) <= 0x7E for ch in raw):
        raise Invalid("idempotency_key", "key_format", max=KEY_MAX)
    return raw
