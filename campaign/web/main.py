"""Home, language choice and the health check."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from campaign.db import database, get_session
from campaign.i18n import LANGUAGES, remember_language
from campaign.models.types import utcnow
from campaign.services.progress import campaign_cards
from campaign.web.access import signed_in
from campaign.web.page_cache import anonymous_page_cache
from campaign.web.redirects import safe_next

bp = Blueprint("main", __name__)

FINISHED_ON_HOME = 6


@bp.route("/")
@anonymous_page_cache
def home() -> str:
    """The challenges the visitor may see as cards: running and upcoming, then recently ended."""
    session = get_session()
    now = utcnow()
    return render_template(
        "main/home.html",
        cards=campaign_cards(session, signed_in(), now),
        finished=campaign_cards(session, signed_in(), now, finished=True, limit=FINISHED_ON_HOME),
    )


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico before reading the page's <link rel="icon">."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/lang/<code>")
def set_language(code: str) -> Response:
    """Remember the reader's language in a cookie and go back where they were."""
    response = make_response(redirect(safe_next(request.args.get("next"), url_for("main.home"))))
    if code in LANGUAGES:
        remember_language(response, code)
    return response


# A load balancer asks every second or so per node; one database round trip per process per
# HEALTH_TTL answers them all (a failure is never remembered: the next probe retries).
HEALTH_TTL = 1.0


# What jsonify(status="ok", database=True) writes, made once: probes come every second.
HEALTHY = b'{"database":true,"status":"ok"}\n'


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    healthy_until = current_app.extensions.setdefault("healthz_until", [0.0])
    if time.monotonic() >= healthy_until[0]:
        try:
            with database().engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return jsonify(status="unavailable", database=False), 503
        healthy_until[0] = time.monotonic() + HEALTH_TTL
    return Response(HEALTHY, mimetype="application/json"), 200
