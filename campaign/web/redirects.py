"""Where a user may be sent after logging in: only a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str = "/") -> str:
    """``target`` when it is a local path ("/me?x=1"), else ``fallback``.

    Refuses absolute URLs, scheme-relative ones ("//evil"), backslash tricks ("/\\evil", which
    browsers read as "//evil") and anything with control characters.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
