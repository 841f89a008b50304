"""Korean particles chosen by the last sound of the word before them.

"냥냥이가 앞서요" but "댕댕팀이 앞서요"; "서울로" but "부산으로" (ㄹ takes 로). Translations write
the neutral marker ("%(team)s이(가)", "%(email)s(으)로") and ``resolve_particles`` picks the one
that fits once the word is known, so no reader ever sees "이(가)".
"""

from __future__ import annotations

import re

HANGUL_FIRST = 0xAC00
HANGUL_LAST = 0xD7A3
RIEUL = 8  # the final-consonant index of ㄹ

# The pairs: (after a final consonant, after a vowel). 으로/로 is special: ㄹ takes 로.
PAIRS = {
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
    "이에요": ("이에요", "예요"),
    "예요": ("이에요", "예요"),
}

# How digits and Latin letters are read aloud, by their last sound: 1 일, 2 이, 3 삼 …
DIGIT_FINAL = {
    "0": "ㅇ",
    "1": "ㄹ",
    "2": "",
    "3": "ㅁ",
    "4": "",
    "5": "",
    "6": "ㄱ",
    "7": "ㄹ",
    "8": "ㄹ",
    "9": "",
}
LATIN_WITH_FINAL = {"l": "ㄹ", "m": "ㅁ", "n": "ㄴ", "r": "ㄹ"}

# Marks that may sit between the word and its particle: quotes, brackets, tags.
_TRAILING = re.compile(r"(?:<[^<>]*>|&(?:quot|#34|#39|rdquo|rsquo);|[\s”’\"'」』)\]»›])+$")
_MARKERS = re.compile(r"이\(가\)|을\(를\)|은\(는\)|과\(와\)|\(으\)로|\(이\)에요")
_MARKER_PARTICLE = {
    "이(가)": "이",
    "을(를)": "을",
    "은(는)": "은",
    "과(와)": "과",
    "(으)로": "으로",
    "(이)에요": "이에요",
}


def final_consonant(word: str) -> str | None:
    """The last sound of ``word``: "" for a vowel, "ㄹ" for ㄹ, "ㄱ" for any other final
    consonant, None when it cannot be told (empty, or ending in an emoji)."""
    stripped = _TRAILING.sub("", word)
    if not stripped:
        return None
    last = stripped[-1]
    code = ord(last)
    if HANGUL_FIRST <= code <= HANGUL_LAST:
        final = (code - HANGUL_FIRST) % 28
        if final == 0:
            return ""
        return "ㄹ" if final == RIEUL else "ㄱ"
    if last in DIGIT_FINAL:
        sound = DIGIT_FINAL[last]
        return "ㄹ" if sound == "ㄹ" else ("ㄱ" if sound else "")
    lower = last.lower()
    if lower in LATIN_WITH_FINAL:
        return "ㄹ" if LATIN_WITH_FINAL[lower] == "ㄹ" else "ㄱ"
    if lower.isascii() and lower.isalpha():
        return ""
    return None


def particle(word: str, which: str) -> str:
    """The particle that follows ``word``: particle("냥냥이", "이") → "가",
    particle("서울", "으로") → "로". When the sound cannot be told, the consonant form
    with the vowel form in brackets is the honest answer ("이(가)")."""
    after_consonant, after_vowel = PAIRS[which]
    final = final_consonant(word)
    if final is None:
        if after_consonant == "으로":
            return "(으)로"
        return f"{after_consonant}({after_vowel})"
    if after_consonant == "으로":
        return "로" if final in ("", "ㄹ") else "으로"
    return after_consonant if final else after_vowel


def with_particle(word: str, which: str) -> str:
    """The word and its particle: with_particle("냥냥이", "이") → "냥냥이가"."""
    return word + particle(word, which)


def resolve_particles(text: str) -> str:
    """Every neutral marker in ``text`` ("이(가)", "(으)로", …) replaced by the particle the
    word before it takes. A marker with nothing readable before it stays as it is."""

    def choose(match: re.Match[str]) -> str:
        chosen = particle(text[: match.start()], _MARKER_PARTICLE[match.group(0)])
        return match.group(0) if "(" in chosen else chosen

    return _MARKERS.sub(choose, text)
