"""What makes an email, a password and a display name acceptable."""

from __future__ import annotations

import re
import unicodedata

from campaign.errors import Invalid
from campaign.rules.text import clean_text

EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200
NAME_MAX = 40

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def normalize_email(raw: str) -> str:
    """Trim and lower-case; raises Invalid unless it looks like a deliverable address."""
    email = (raw or "").strip().lower()
    if not email or len(email) > EMAIL_MAX or not _EMAIL.match(email) or ".." in email:
        raise Invalid("email", "email_format")
    if not storable(email):
        raise Invalid("email", "email_format")
    return email


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
