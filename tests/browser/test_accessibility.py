"""axe-core on every page of the app that someone can open, as each kind of person, on a phone
(390 px) and on a laptop (1280 px): no serious or critical violation.

The pages come from the app's own url_map through the authorization matrix, which knows every
route and who gets a 200 from it: a new page is swept the day its route gets its matrix row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

import pytest
from flask import Flask

from tests.browser.axe import axe_source, serious_violations
from tests.factories import PASSWORD
from tests.web.test_authorization_matrix import CALLERS, MATRIX, World, build

WIDTHS = {"phone": (390, 844), "laptop": (1280, 800)}
# Log-in e-mails of the matrix's people. The unverified account sees what a user sees, and a
# partner (an API token, no log-in) sees the anonymous pages.
PEOPLE = {
    "anonymous": None,
    "user": "user@example.com",
    "crew": "crew@aesseuji.example",
    "admin": "admin@aesseuji.example",
}
NOT_PAGES = ("/api/v1/", "/static/", "/media/", "/metrics", "/healthz", "/readyz", "/favicon.ico")
# Addresses that answer a file to save (Content-Disposition: attachment), not a page: the
# browser starts a download instead of rendering anything axe could look at. Their content is
# tested where they are built (tests/web/test_account_control.py, tests/web/test_operations.py).
DOWNLOADS = ("/account/data",)
DOWNLOAD_SUFFIXES = (".csv",)


def is_download(rule: str) -> bool:
    return rule in DOWNLOADS or rule.endswith(DOWNLOAD_SUFFIXES)


def pages_for(caller: str, world: World) -> list[str]:
    """Every GET address that answers this caller 200 with a page (not JSON, files, probes)."""
    column = CALLERS.index(caller)
    values = {f.name: getattr(world, f.name) for f in fields(World)}
    return sorted(
        case.path.format(**values)
        for (method, rule), case in MATRIX.items()
        if method == "GET"
        and case.expected[column] == 200
        and not rule.startswith(NOT_PAGES)
        and not is_download(rule)
    )


@pytest.fixture
def swept_site(live_app: tuple[Flask, str]) -> Iterator[tuple[str, World]]:
    app, base = live_app
    world, _credentials = build(app)
    yield base, world


def log_in(page: object, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in"


@pytest.mark.parametrize("caller", list(PEOPLE))
def test_no_serious_accessibility_violation_on_any_page(browser, swept_site, caller: str) -> None:
    base, world = swept_site
    source = axe_source()
    paths = pages_for(caller, world)
    assert len(paths) >= 5, paths  # the sweep is looking at real pages
    context = browser.new_context(bypass_csp=True, locale="ko-KR")
    page = context.new_page()
    if PEOPLE[caller]:
        log_in(page, base, PEOPLE[caller])
    found: list[str] = []
    try:
        for path in paths:
            for width_name, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                response = page.goto(base + path)
                assert response is not None and response.status == 200, (path, response)
                found += [
                    f"{caller} {path} @{width_name}: {v}" for v in serious_violations(page, source)
                ]
    finally:
        context.close()
    assert not found, "\n".join(found)
