"""A campaign cannot take an address the site uses itself: /admin/campaigns/new is a page, so a
campaign called "new" could never be reached there."""

from __future__ import annotations

import re

from flask import Flask

from campaign.rules.campaign_spec import RESERVED_SLUGS

PART = re.compile(r"<[^>]*>|[^/]+")


def _parts(rule: str) -> list[str]:
    return PART.findall(rule)


def words_in_a_slugs_place(app: Flask) -> set[str]:
    """Every fixed word a route puts where another route of the same prefix takes a slug."""
    rules = [_parts(str(rule)) for rule in app.url_map.iter_rules()]
    slug_prefixes = {
        tuple(parts[:at]) for parts in rules for at, part in enumerate(parts) if part == "<slug>"
    }
    words = set()
    for parts in rules:
        for at, part in enumerate(parts):
            if tuple(parts[:at]) in slug_prefixes and not part.startswith("<"):
                words.add(part)
    return words


def test_every_fixed_word_beside_a_slug_route_is_reserved(app: Flask) -> None:
    found = words_in_a_slugs_place(app)
    assert "new" in found  # /admin/campaigns/new: the walk sees the case this guards
    assert found <= RESERVED_SLUGS, found - RESERVED_SLUGS
