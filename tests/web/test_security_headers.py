"""Security headers on every answer, no inline script or style, no caching of personal pages
(issue 12, 5 and the "Also" line)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from campaign.db import database
from campaign.exports.sheets import neutralise
from campaign.http.security import CONTENT_SECURITY_POLICY, HSTS
from campaign.package_data import data_path
from tests.factories import PASSWORD, make_user
from tests.web.test_admin_campaigns import login_admin, setup_campaign

TEMPLATES = data_path("templates")
DUMMY = {"int": "1", "default": "x", "string": "x", "path": "x"}


def _get_urls(app: Flask) -> list[str]:
    """One URL per GET rule, its arguments filled with dummies (most then answer 404, with
    headers all the same)."""

    def url(rule: Rule) -> str:
        path = rule.rule
        for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", path):
            value = DUMMY.get(converter or "default", "x")
            path = re.sub(rf"<[^>]*\b{name}>", value, path)
        return path

    return sorted({url(r) for r in app.url_map.iter_rules() if "GET" in (r.methods or ())})


def _check_headers(url: str, response: TestResponse) -> None:
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, url
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url
    assert "Strict-Transport-Security" not in headers, url  # development: no TLS promised
    if response.status_code not in (429, 503):
        assert "Retry-After" not in headers, url


def test_every_get_route_sends_the_headers(app: Flask, client: FlaskClient) -> None:
    setup_campaign(app)
    urls = _get_urls(app)
    assert len(urls) > 20
    for url in urls:
        _check_headers(url, client.get(url))
    login_admin(client)
    for url in urls:
        if url == "/logout":
            continue
        response = client.get(url)
        _check_headers(url, response)
        if not url.startswith("/static/"):
            # Signed in, every page shows whose it is: no shared cache may keep it.
            assert "no-store" in response.headers.get("Cache-Control", ""), url


def test_production_adds_hsts(make_app: Callable[..., Flask]) -> None:
    app = make_app(CAMPAIGN_ENV="production")
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_templates_have_no_inline_script_or_style() -> None:
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        source = template.read_text()
        for pattern in (
            r"\sstyle\s*=",
            r"<style\b",
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son\w+\s*=",
        ):
            offending += [
                f"{template.relative_to(TEMPLATES)}: {m}" for m in re.findall(pattern, source)
            ]
    assert offending == []


def test_progress_bars_get_width_classes(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert re.search(r'class="bar-\d{1,3}"', page)
    css = (data_path("static") / "app.css").read_text()
    assert ".bar-0 { width: 0%; }" in css and ".bar-100 { width: 100%; }" in css


def test_account_page_is_not_stored(app: Flask, client: FlaskClient) -> None:
    setup_campaign(app)
    login_admin(client)
    for response in (client.get("/account"), client.post("/account/tokens", data={"name": "t"})):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"


def test_csv_export_has_one_charset_and_is_not_stored(app: Flask, client: FlaskClient) -> None:
    slug = setup_campaign(app)
    login_admin(client)
    assert client.post(f"/admin/campaigns/{slug}/close", data={"confirm": "yes"}).status_code == 302
    download = client.post(f"/admin/campaigns/{slug}/export", data={"format": "csv", "partner": ""})
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Cache-Control"] == "no-store"
    assert list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))


def test_no_retry_after_on_a_201(make_app: Callable[..., Flask]) -> None:
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    with database(client.application).transaction() as session:
        make_user(session, email="token@example.com")
    body = {"email": "token@example.com", "password": PASSWORD}
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 201
    assert "X-RateLimit-Limit" in response.headers  # the limiter counted it
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(("secure", "flag"), [(True, True), (False, False)])
def test_lang_cookie_is_secure_in_production(
    make_app: Callable[..., Flask], secure: bool, flag: bool
) -> None:
    client = make_app(SESSION_COOKIE_SECURE=secure).test_client()
    response = client.get("/lang/en?next=/")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert ("Secure" in cookie) is flag


@pytest.mark.parametrize("text", ["＝1+1", "＋1", "－1", "＠SUM(A1)", "=1", "+1", "-1", "@x"])
def test_full_width_formula_starters_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_template_folder_is_the_one_scanned(app: Flask) -> None:
    assert Path(app.template_folder or "") == TEMPLATES
