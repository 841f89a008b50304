"""What makes an email, a password and a display name acceptable."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from confusable_homoglyphs import categories

from campaign.errors import Invalid
from campaign.rules.text import clean_text

EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
NAME_MAX = 40

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def canonical_email(raw: str) -> str:
    """The form an address is stored and looked up in: NFKC (full-width ``ａ`` → ``a``),
    trimmed, lower-cased. Checks nothing; ``normalize_email`` decides whether it is acceptable."""
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def normalize_email(raw: str) -> str:
    """The canonical address; raises Invalid unless it looks like a deliverable address that
    cannot pass for another one (``email_format`` / ``email_confusable``)."""
    email = canonical_email(raw)
    if not email or len(email) > EMAIL_MAX or not _EMAIL.match(email) or ".." in email:
        raise Invalid("email", "email_format")
    if not storable(email):
        raise Invalid("email", "email_format")
    if not unambiguous_address(email):
        raise Invalid("email", "email_confusable")
    return email


# Scripts that are written together (UTS #39 "highly restrictive"): a Korean or Japanese label
# may mix in Latin letters and Han; any other mix, such as Latin with Cyrillic, is refused.
_SCRIPT_MIXES = (
    frozenset({"LATIN", "HANGUL", "HAN"}),
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
)


def unambiguous_address(email: str) -> bool:
    """False when the address holds invisible or format characters (U+200B, U+FEFF, bidi
    controls such as U+202E: Unicode category Cf) or a label — the local part or a part of
    the domain between dots — mixes scripts that are not written together."""
    if any(unicodedata.category(ch) == "Cf" for ch in email):
        return False
    return all(_one_writing_system(label) for label in re.split(r"[@.]", email))


def _one_writing_system(label: str) -> bool:
    scripts = {
        alias for alias in categories.unique_aliases(label) if alias not in ("COMMON", "INHERITED")
    }
    return len(scripts) <= 1 or any(scripts <= mix for mix in _SCRIPT_MIXES)


def storable(text: str) -> bool:
    """No control characters (PostgreSQL refuses NUL) and nothing UTF-8 cannot encode."""
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_password(password: str, email: str = "") -> None:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise Invalid("password", "password_short", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise Invalid("password", "password_long", max=PASSWORD_MAX)
    if not storable(password):
        raise Invalid("password", "bad_characters")
    if len(set(password)) < 4 or (email and password.lower() == email.lower()):
        raise Invalid("password", "password_weak")


def clean_display_name(raw: str) -> str:
    return clean_text(raw, "display_name", NAME_MAX, required=True)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1]


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 김철 → 김*, Alexander → A*******r: shown beside public activity."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Failed log-ins per address (web log-in and API token alike) before the address is locked.
FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(minutes=15)
FORGET_FAILURES_AFTER = timedelta(hours=24)


def lock_after(failures: int) -> timedelta:
    """How long new log-ins with an address are refused after its ``failures``-th failure in a
    row: nothing for the first FREE_FAILURES - 1, then 1, 2, 4, 8 minutes, at most 15.

    The lock is short by design: anyone may type a stranger's address, so the lock only slows
    guessing; it never ends a session or a token the owner already holds.
    """
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_LOCK * 2 ** min(failures - FREE_FAILURES, 10), LONGEST_LOCK)
