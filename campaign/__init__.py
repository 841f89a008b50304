"""aesseuji: donation challenge campaigns.

``create_app`` is the only entry point; importing this package starts nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from campaign import cli, db, i18n
from campaign.api import register_api
from campaign.config import load_settings
from campaign.web import register_web, security

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings read from the environment (tests use it)."""
    instance_path = Path(os.environ.get("CAMPAIGN_INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_settings(instance_path))
    if config:
        app.config.update(config)

    db.init_app(app)
    i18n.init_app(app)
    register_web(app)
    register_api(app)
    security.init_app(app)
    cli.init_app(app)
    return app
