"""Whether a JSON text nests too deeply, decided on the raw bytes before any parser sees them.

Python's ``json`` recurses once per ``[`` or ``{``: a body of a thousand brackets raises
RecursionError (not ValueError), which no caller expects. This check needs no parser and runs
at C speed: strings are cut out (brackets inside them are text), everything but brackets is
dropped, and each pass removes the innermost ``[]`` pairs, so a body nested ``limit`` deep is
gone after ``limit`` passes.
"""

from __future__ import annotations

import re

# A JSON string: quote, plain bytes, then any escaped pairs each followed by plain bytes, quote
# (the "unrolled loop"; possessive, so a long string cannot make the expression backtrack).
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_SQUARE = bytes.maketrans(b"{}", b"[]")  # depth is the same whichever bracket opens
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """True when ``body`` nests arrays and objects more than ``limit`` deep, or has more than
    ``limit`` brackets and leaves one open (which no parser would accept either)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the common case: too few brackets to nest that deep
    brackets = _STRING.sub(b"", body).translate(_SQUARE, delete=_NOT_BRACKETS)
    for _ in range(limit):
        inner_removed = brackets.replace(b"[]", b"")
        if inner_removed == brackets:
            break
        brackets = inner_removed
    return b"[" in brackets
