"""The app's receipt cipher, built once from ``RECEIPT_KEY`` (config.py checks the setting)."""

from __future__ import annotations

from flask import current_app

from campaign.services.receipt_cipher import ReceiptCipher, parse_keys

_EXTENSION = "campaign.receipt_cipher"


def receipt_cipher() -> ReceiptCipher:
    """The cipher of the current app's RECEIPT_KEY (cached per app and key)."""
    setting = current_app.config["RECEIPT_KEY"]
    cached = current_app.extensions.get(_EXTENSION)
    if cached is None or cached[0] != setting:
        cached = (setting, ReceiptCipher(parse_keys(setting)))
        current_app.extensions[_EXTENSION] = cached
    return cached[1]
