"""aesseuji: donation challenge campaigns.

``create_app`` is the only entry point; importing this package starts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign import cli, db, i18n, observability
from campaign.api import register_api
from campaign.config import load_settings
from campaign.http import security
from campaign.package_data import data_path
from campaign.web import register_web


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment (tests use it)."""
    # Relative to where the app is started (a checkout, or the container's /app), never to
    # where the package is installed.
    instance_path = Path(os.environ.get("CAMPAIGN_INSTANCE_PATH") or "instance").resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(data_path("templates")),
        static_folder=str(data_path("static")),
    )
    app.config.update(load_settings(instance_path))
    if config:
        app.config.update(config)

    trusted = app.config["TRUSTED_PROXIES"]
    if trusted:  # remote_addr, scheme and host as the outermost trusted proxy saw them
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted
        )

    db.init_app(app)
    i18n.init_app(app)
    observability.init_app(app)
    register_web(app)
    register_api(app)
    db.unit_of_work(app)
    security.init_app(app)
    cli.init_app(app)
    return app
