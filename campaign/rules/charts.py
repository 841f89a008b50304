"""Pictures drawn on the server as SVG: a campaign's daily progress, and its impact as a row of
glyphs (trees, 연탄, meals). Plain Python, no script, no style attribute (the pages' policy
allows neither); every text arrives already translated and is escaped here.

Readable without colour: the goal is a dashed line and the sponsor's cap a dotted one, each
with its words beside it; each day is a marker; and the page gives the same numbers as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from html import escape

# Drawn small and scaled by the browser: on a 390 px phone the text stays ~12 px tall.
WIDTH = 480
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 92, 12, 34, 40
FONT_SIZE = 18
INK = "#1a6b47"  # the series: dark green, 6.4:1 on white
RULE = "#4a4a4a"  # goal line and labels
CAP = "#7a4f00"  # the sponsor's cap


@dataclass(frozen=True)
class DayValue:
    day: date
    value: int


@dataclass(frozen=True)
class ChartWords:
    title: str
    desc: str
    goal: str  # "목표 6,000만원"
    cap: str | None  # "후원 한도 2억원", or None without a cap
    empty: str  # shown when there is no day yet


def _e(text: str) -> str:
    return escape(text, quote=True)


def _n(number: float) -> str:
    """A coordinate with at most one decimal: 12.0 → "12", 12.345 → "12.3"."""
    return f"{number:.1f}".removesuffix(".0")


def progress_svg(
    points: Sequence[DayValue],
    *,
    goal: int,
    cap: int | None,
    words: ChartWords,
    format_value: Callable[[int], str],
    format_day: Callable[[date], str],
    element_id: str = "progress-chart",
) -> str:
    """Cumulative ₩ by KST day against the goal (and the cap, when there is one)."""
    top_value = max([goal, cap or 0, 1, *(p.value for p in points)])
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    base_y = TOP + plot_h

    def y_of(value: int) -> float:
        return base_y - plot_h * (max(0, value) / top_value)

    days = sorted(points, key=lambda p: p.day)
    if len(days) > 1:
        span = (days[-1].day - days[0].day).days or 1

        def x_of(day: date) -> float:
            return LEFT + plot_w * ((day - days[0].day).days / span)
    else:

        def x_of(day: date) -> float:
            return LEFT + plot_w / 2

    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'class="chart" role="img" id="{_e(element_id)}" '
        f'aria-labelledby="{_e(title_id)} {_e(desc_id)}" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{_e(title_id)}">{_e(words.title)}</title>',
        f'<desc id="{_e(desc_id)}">{_e(words.desc)}</desc>',
        f'<line x1="{LEFT}" y1="{base_y}" x2="{WIDTH - RIGHT}" y2="{base_y}" '
        f'stroke="{RULE}" stroke-width="1"/>',
        f'<text x="{LEFT - 8}" y="{base_y}" text-anchor="end" dominant-baseline="middle" '
        f'fill="{RULE}">{_e(format_value(0))}</text>',
        f'<text x="{LEFT - 8}" y="{TOP}" text-anchor="end" dominant-baseline="middle" '
        f'fill="{RULE}">{_e(format_value(top_value))}</text>',
    ]
    goal_y = y_of(goal)
    out += [
        f'<line x1="{LEFT}" y1="{_n(goal_y)}" x2="{WIDTH - RIGHT}" y2="{_n(goal_y)}" '
        f'stroke="{RULE}" stroke-width="1.5" stroke-dasharray="8 5"/>',
        f'<text x="{WIDTH - RIGHT}" y="{_n(goal_y - 6)}" text-anchor="end" '
        f'fill="{RULE}">{_e(words.goal)}</text>',
    ]
    if cap is not None and words.cap and cap != goal:
        cap_y = y_of(cap)
        out += [
            f'<line x1="{LEFT}" y1="{_n(cap_y)}" x2="{WIDTH - RIGHT}" y2="{_n(cap_y)}" '
            f'stroke="{CAP}" stroke-width="1.5" stroke-dasharray="2 4"/>',
            f'<text x="{LEFT + 4}" y="{_n(cap_y - 6)}" fill="{CAP}">{_e(words.cap)}</text>',
        ]
    if not days:
        out.append(
            f'<text x="{LEFT + plot_w / 2:.0f}" y="{TOP + plot_h / 2:.0f}" text-anchor="middle" '
            f'fill="{RULE}">{_e(words.empty)}</text>'
        )
        out.append("</svg>")
        return "".join(out)

    coords = [(x_of(p.day), y_of(p.value)) for p in days]
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
    area = f"{_n(coords[0][0])},{base_y} {line} {_n(coords[-1][0])},{base_y}"
    out += [
        f'<polygon points="{area}" fill="{INK}" fill-opacity="0.12"/>',
        f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="3" '
        f'stroke-linejoin="round" stroke-linecap="round"/>',
    ]
    marker = 3.5 if len(coords) <= 14 else 2.2  # a month of days still reads as days
    out += [
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{marker}" fill="#fff" stroke="{INK}" '
        f'stroke-width="2"/>'
        for x, y in coords
    ]
    last_x, last_y = coords[-1]
    anchor = "end" if last_x > LEFT + plot_w * 0.6 else "start"
    offset = -8 if anchor == "end" else 8
    out += [
        f'<circle cx="{_n(last_x)}" cy="{_n(last_y)}" r="6" fill="{INK}"/>',
        f'<text x="{_n(last_x + offset)}" y="{_n(max(TOP + 12, last_y - 10))}" '
        f'text-anchor="{anchor}" font-weight="bold" fill="{INK}">'
        f"{_e(format_value(days[-1].value))}</text>",
        f'<text x="{LEFT}" y="{HEIGHT - 8}" text-anchor="start" fill="{RULE}">'
        f"{_e(format_day(days[0].day))}</text>",
    ]
    if len(days) > 1:
        out.append(
            f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" fill="{RULE}">'
            f"{_e(format_day(days[-1].day))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


# -- impact as a row of glyphs --------------------------------------------------------------

STEPS = (1, 2, 5)
GLYPH = 36  # each glyph's square, in SVG units
GLYPH_KINDS = {
    "tree": ("나무", "그루", "tree", "숲"),
    "briquette": ("연탄", "briquette", "coal"),
    "meal": ("끼", "식사", "도시락", "meal", "밥"),
}


@dataclass(frozen=True)
class GlyphRow:
    per_glyph: int  # each whole glyph stands for this many units
    full: int  # whole glyphs
    partial: Fraction  # the last glyph's filled share, 0 <= partial < 1


def glyph_row(units: Fraction, max_glyphs: int = 10) -> GlyphRow:
    """The smallest scale of 1, 2, 5, 10, 20, 50... units per glyph that fits in
    ``max_glyphs``: 7.5 trees → 7 glyphs and half of one; 1,234 → 6 glyphs of 200 each and
    0.17 of a seventh."""
    units = max(Fraction(0), units)
    magnitude = 1
    while True:
        for step in STEPS:
            per_glyph = step * magnitude
            if math.ceil(units / per_glyph) <= max_glyphs:
                scaled = units / per_glyph
                full = math.floor(scaled)
                return GlyphRow(per_glyph, full, scaled - full)
        magnitude *= 10


def glyph_kind(unit_name: str | None) -> str:
    """Which picture suits a unit: a tree, a 연탄, a bowl of rice, or a plain dot."""
    name = (unit_name or "").lower()
    for kind, words in GLYPH_KINDS.items():
        if any(word in name for word in words):
            return kind
    return "dot"


def _glyph(kind: str, x: float, fill: str) -> str:
    cx = x + GLYPH / 2
    if kind == "tree":
        return (
            f'<polygon points="{_n(cx)},3 {_n(x + 4)},26 {_n(x + GLYPH - 4)},26" fill="{fill}"/>'
            f'<rect x="{_n(cx - 3)}" y="26" width="6" height="8" fill="{fill}"/>'
        )
    if kind == "briquette":
        holes = "".join(
            f'<circle cx="{_n(cx + dx)}" cy="{18 + dy}" r="2.2" fill="#fff"/>'
            for dx, dy in ((0, 0), (-6, -5), (6, -5), (-6, 5), (6, 5))
        )
        return f'<circle cx="{_n(cx)}" cy="18" r="15" fill="{fill}"/>{holes}'
    if kind == "meal":
        return (
            f'<path d="M{_n(x + 3)} 16 h{GLYPH - 6} a{(GLYPH - 6) / 2} 15 0 0 1 -{GLYPH - 6} 0 z" '
            f'fill="{fill}"/>'
            f'<ellipse cx="{_n(cx)}" cy="14" rx="11" ry="6" fill="{fill}" fill-opacity="0.55"/>'
        )
    return f'<circle cx="{_n(cx)}" cy="18" r="13" fill="{fill}"/>'


def impact_svg(
    row: GlyphRow, kind: str, *, title: str, desc: str, element_id: str = "impact"
) -> str:
    """The row: whole glyphs filled, the last one filled up to its share (over an outline), and
    one outline glyph when nothing is done yet."""
    count = row.full + (1 if row.partial or not row.full else 0)
    width = max(1, count) * GLYPH
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {GLYPH}" '
        f'width="{width}" height="{GLYPH}" class="impact-glyphs" role="img" '
        f'aria-labelledby="{_e(title_id)} {_e(desc_id)}">',
        f'<title id="{_e(title_id)}">{_e(title)}</title>',
        f'<desc id="{_e(desc_id)}">{_e(desc)}</desc>',
    ]
    out += [_glyph(kind, i * GLYPH, INK) for i in range(row.full)]
    if count > row.full:
        x = row.full * GLYPH
        clip = f"{element_id}-part"
        out += [
            f'<g fill-opacity="0.25">{_glyph(kind, x, INK)}</g>',
            f'<clipPath id="{_e(clip)}"><rect x="{x}" y="0" '
            f'width="{_n(GLYPH * float(row.partial))}" height="{GLYPH}"/></clipPath>',
            f'<g clip-path="url(#{_e(clip)})">{_glyph(kind, x, INK)}</g>',
        ]
    out.append("</svg>")
    return "".join(out)
