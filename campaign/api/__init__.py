"""JSON API v1: token auth, JSON errors, no cookies and therefore no CSRF."""

from __future__ import annotations

from flask import Flask

from campaign.api import accounts, campaigns, giving, hooks, partners, reference
from campaign.extensions import csrf

BLUEPRINTS = (accounts.bp, partners.bp, campaigns.bp, giving.bp, hooks.bp, reference.bp)


def register_api(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
