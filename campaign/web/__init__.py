"""The server-rendered site: blueprints, log-in handling, CSRF, rate limits, error pages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext

from campaign.db import get_session
from campaign.extensions import csrf, limiter, login_manager
from campaign.http import errors
from campaign.models import User
from campaign.services.accounts import user_for_login_token
from campaign.web import (
    account_control,
    auth,
    challenges,
    charts,
    cheers,
    crew,
    fundraiser,
    images,
    main,
    notifications,
    results,
)
from campaign.web.admin import audit as admin_audit
from campaign.web.admin import campaign_setup as admin_campaign_setup
from campaign.web.admin import campaigns as admin_campaigns
from campaign.web.admin import integrations as admin_integrations
from campaign.web.admin import moderation as admin_moderation
from campaign.web.admin import operations as admin_operations
from campaign.web.admin import partners as admin_partners
from campaign.web.admin import review as admin_review
from campaign.web.admin import users as admin_users
from campaign.web.navigation import here, nav_items


def _load_user(token: str) -> User | None:
    return user_for_login_token(get_session(), token)


def register_web(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Log in to continue.")
    login_manager.login_message_category = "info"
    images.init_app(app)  # before CSRFProtect: its check reads the (larger) upload forms
    csrf.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    app.jinja_env.globals.update(nav_items=nav_items, here=here)
    for blueprint in (
        main.bp,
        auth.bp,
        account_control.bp,
        admin_users.bp,
        admin_partners.bp,
        admin_audit.bp,
        admin_campaign_setup.bp,
        admin_campaigns.bp,
        admin_integrations.bp,
        challenges.bp,
        cheers.bp,
        crew.bp,
        admin_moderation.bp,
        admin_review.bp,
        fundraiser.bp,
        notifications.bp,
        images.bp,
        charts.bp,
        results.bp,
        admin_operations.bp,
    ):
        app.register_blueprint(blueprint)
