"""The basics every page shares: readable colours, a skip link, focus rings, a favicon."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask

from campaign.package_data import data_path

CSS = (data_path("static") / "app.css").read_text()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def variable(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert found, name
    return found.group(1)


def test_contrast_helper_matches_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#1f8a5b", "#ffffff") == pytest.approx(4.33, abs=0.01)  # the old green


@pytest.mark.parametrize("text", ["green", "green-dark", "muted", "warn", "danger", "ink"])
@pytest.mark.parametrize("background", ["#ffffff", "bg"])
def test_text_colours_reach_aa_on_the_page_backgrounds(text: str, background: str) -> None:
    ground = background if background.startswith("#") else variable(background)
    assert contrast(variable(text), ground) >= 4.5


def test_white_text_on_brand_buttons_reaches_aa() -> None:
    assert contrast("#ffffff", variable("green")) >= 4.5


def test_focus_is_visible_and_header_links_are_tap_sized() -> None:
    assert re.search(r":focus-visible\s*\{[^}]*outline:\s*3px solid", CSS)
    assert re.search(r"\.nav-links a\s*\{[^}]*min-height:\s*44px", CSS)


def test_every_page_starts_with_a_skip_link_to_its_content(
    make_app: Callable[..., Flask],
) -> None:
    page = make_app().test_client().get("/login").get_data(as_text=True)
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#content">')
    assert 'id="content"' in page
    assert 'rel="icon"' in page


def test_favicon_ico_leads_to_the_svg_icon(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    icon.close()
