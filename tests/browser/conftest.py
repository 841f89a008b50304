"""A real Chromium against the app served on loopback.

Chromium comes from the system (Debian's ``chromium``, which .ci/run installs); Playwright
drives it through ``executable_path`` and never downloads a browser of its own. Without a
Chromium these tests are skipped with that reason locally; CI fails instead (REQUIRE_BROWSER).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from sqlalchemy import Engine
from werkzeug.serving import make_server

from campaign import create_app
from tests.conftest import test_config
from tests.databases import empty_all_tables

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium is installed")
        pytest.skip("browser tests need Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture
def live_app(sqlite_database: tuple[str, Engine]) -> Iterator[tuple[Flask, str]]:
    """The app on a migrated, empty SQLite database, served on a free loopback port."""
    url, engine = sqlite_database
    empty_all_tables(engine)
    app = create_app(test_config(url))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["campaign.db"].engine.dispose()
