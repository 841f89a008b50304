"""rules/charts.py: the SVG pictures, drawn from plain numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from fractions import Fraction

import pytest

from campaign.rules.charts import (
    ChartWords,
    DayValue,
    GlyphRow,
    glyph_kind,
    glyph_row,
    impact_svg,
    progress_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (only what our own code drew: well-formed?)


WORDS = ChartWords(
    title="날마다 모인 금액",
    desc="선이 오를수록 더 모였어요",
    goal="목표 100원",
    cap="후원 한도 80원",
    empty="아직 기록이 없어요",
)
DAY = date(2026, 12, 1)


def draw(points: list[DayValue], goal: int = 100, cap: int | None = None) -> ET.Element:
    svg = progress_svg(
        points,
        goal=goal,
        cap=cap,
        words=WORDS,
        format_value=lambda v: f"{v:,}원",
        format_day=lambda d: f"{d.month}/{d.day}",
    )
    assert "<script" not in svg and "style=" not in svg
    return parse(svg)  # well-formed XML


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def points_of(root: ET.Element) -> list[tuple[float, float]]:
    line = root.find(f"{SVG}polyline")
    assert line is not None
    return [tuple(map(float, pair.split(","))) for pair in line.get("points", "").split()]


def test_it_is_labelled_for_screen_readers() -> None:
    root = draw([DayValue(DAY, 10)])
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == WORDS.title
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_an_empty_series_says_so_and_still_shows_the_goal() -> None:
    root = draw([])
    assert root.find(f"{SVG}polyline") is None
    assert WORDS.empty in texts(root)
    assert WORDS.goal in texts(root)


def test_one_point_sits_in_the_middle_with_its_value() -> None:
    root = draw([DayValue(DAY, 50)])
    [(x, _y)] = points_of(root)
    assert x == pytest.approx(92 + (480 - 92 - 12) / 2)
    assert "50원" in texts(root)
    assert "12/1" in texts(root)


def test_the_goal_is_dashed_and_the_cap_dotted_so_colour_is_not_needed() -> None:
    root = draw([DayValue(DAY, 10)], goal=100, cap=80)
    dashes = {line.get("stroke-dasharray") for line in root.iter(f"{SVG}line")}
    assert {"8 5", "2 4"} <= dashes
    assert {"목표 100원", "후원 한도 80원"} <= set(texts(root))


def test_a_series_flat_at_the_cap_is_a_flat_line_on_the_cap() -> None:
    days = [DayValue(DAY + timedelta(days=i), v) for i, v in enumerate([30, 80, 80, 80])]
    root = draw(days, goal=100, cap=80)
    ys = [y for _, y in points_of(root)]
    assert ys[1] == ys[2] == ys[3] < ys[0]
    cap_line = next(ln for ln in root.iter(f"{SVG}line") if ln.get("stroke-dasharray") == "2 4")
    assert float(cap_line.get("y1")) == pytest.approx(ys[3], abs=0.1)
    xs = [x for x, _ in points_of(root)]
    assert xs == sorted(xs) and xs[0] == 92 and xs[-1] == 468


def test_days_missing_in_the_middle_keep_their_place_in_time() -> None:
    root = draw(
        [
            DayValue(DAY, 1),
            DayValue(DAY + timedelta(days=1), 2),
            DayValue(DAY + timedelta(days=4), 3),
        ]
    )
    xs = [x for x, _ in points_of(root)]
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[0]) / 4)


def test_large_numbers_stay_inside_the_picture() -> None:
    big = 130_000_000 * 10_000  # 1.3조원
    root = draw([DayValue(DAY, big // 2), DayValue(DAY + timedelta(days=9), big)], goal=60_000_000)
    for x, y in points_of(root):
        assert 0 <= x <= 480 and 0 <= y <= 260
    assert f"{big:,}원" in texts(root)


def test_a_value_above_the_goal_raises_the_scale_instead_of_leaving_the_frame() -> None:
    root = draw([DayValue(DAY, 300)], goal=100)
    [(_, y)] = points_of(root)
    assert y == pytest.approx(34)  # the top of the plot


def test_words_are_escaped() -> None:
    words = ChartWords(title="<b>&", desc='"x"', goal="<goal>", cap=None, empty="")
    svg = progress_svg([], goal=1, cap=None, words=words, format_value=str, format_day=str)
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    parse(svg)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (Fraction(0), GlyphRow(1, 0, Fraction(0))),
        (Fraction(15, 2), GlyphRow(1, 7, Fraction(1, 2))),
        (Fraction(10), GlyphRow(1, 10, Fraction(0))),
        (Fraction(11), GlyphRow(2, 5, Fraction(1, 2))),
        (Fraction(1234), GlyphRow(200, 6, Fraction(34, 200))),
        (Fraction(8000), GlyphRow(1000, 8, Fraction(0))),
    ],
)
def test_the_glyph_scale_is_a_round_number_that_fits(units: Fraction, expected: GlyphRow) -> None:
    assert glyph_row(units) == expected


def test_glyph_kinds_follow_the_unit() -> None:
    assert glyph_kind("그루 tree") == "tree"
    assert glyph_kind("연탄") == "briquette"
    assert glyph_kind("끼") == "meal"
    assert glyph_kind(None) == "dot"


def test_the_impact_row_draws_a_partial_last_glyph_and_an_outline_for_none() -> None:
    half = parse(impact_svg(GlyphRow(1, 2, Fraction(1, 2)), "tree", title="2.5그루", desc="d"))
    assert half.get("width") == "108"  # two whole and one partial glyph
    clip = half.find(f"{SVG}clipPath/{SVG}rect")
    assert float(clip.get("width")) == 18
    none = parse(impact_svg(GlyphRow(1, 0, Fraction(0)), "briquette", title="0", desc="d"))
    assert none.get("width") == "36"
    assert re.search(
        r"role=\"img\"", impact_svg(GlyphRow(1, 1, Fraction(0)), "meal", title="t", desc="d")
    )
