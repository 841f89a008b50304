"""Encryption at rest of the numbers on donation receipts (주민등록번호 / 사업자등록번호).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under ``RECEIPT_KEY``. The setting
may hold several keys separated by commas: the first encrypts, every one decrypts, so a key can
be rotated without losing what the old one sealed. Only ``services.exports`` decrypts, and only
for the export of a charity that issues receipts; everything else shows ``rules.receipts.mask``.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["InvalidToken", "ReceiptCipher", "development_key", "parse_keys"]

_DEV_INFO = b"aesseuji receipt key, development and tests only"


def development_key(secret_key: str) -> str:
    """The key used when RECEIPT_KEY is not set outside production: derived from SECRET_KEY
    (SHA-256 of a fixed label and the secret key), so a development database stays readable
    across restarts. Production refuses to start without a real RECEIPT_KEY (config.py)."""
    digest = hashlib.sha256(_DEV_INFO + b"\x00" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def parse_keys(setting: str) -> tuple[str, ...]:
    """The keys of a RECEIPT_KEY value; ValueError unless each is a Fernet key (32 bytes in
    URL-safe base64, as ``Fernet.generate_key()`` makes)."""
    keys = tuple(k.strip() for k in setting.split(",") if k.strip())
    if not keys:
        raise ValueError("no key")
    for key in keys:
        Fernet(key)  # raises ValueError for a malformed key
    return keys


class ReceiptCipher:
    """Seals and opens receipt numbers. ``repr`` never shows a key."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def __repr__(self) -> str:
        return "ReceiptCipher(<keys hidden>)"

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def decrypt(self, sealed: str) -> str:
        """The plain number; InvalidToken when no key opens it (a wrong or lost RECEIPT_KEY)."""
        return self._fernet.decrypt(sealed.encode("ascii")).decode()
