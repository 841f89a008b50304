"""Free text people type: names, labels, messages, stories."""

from __future__ import annotations

import re
import unicodedata

from campaign.errors import Invalid

LINE_BREAKS = "\n\r\t"
# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what a reader
# sees ("77-LLIB" shown for "BILL-77"). clean_text refuses them with every other control.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(
    raw: str | None, field: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str:
    """Trimmed text ("" when nothing was given); one line unless ``multiline``.

    A single line has its runs of whitespace folded to one space. Control characters are
    refused (a NUL would also make PostgreSQL refuse the row), line breaks and tabs only in
    multi-line text. Raises Invalid naming ``field``: required, too_long or bad_characters.
    """
    text = (raw or "").strip() if multiline else " ".join((raw or "").split())
    if required and not text:
        raise Invalid(field, "required")
    if len(text) > limit:
        raise Invalid(field, "too_long", max=limit)
    allowed = LINE_BREAKS if multiline else ""
    if any(unicodedata.category(ch).startswith("C") and ch not in allowed for ch in text):
        raise Invalid(field, "bad_characters")
    return text


PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]*$")


def clean_phone(raw: str | None, field: str, limit: int = 40) -> str:
    """A phone number as typed ("" when none): digits, spaces, +, -, dots and brackets."""
    phone = clean_text(raw, field, limit)
    if phone and not PHONE.match(phone):
        raise Invalid(field, "phone_format")
    return phone
