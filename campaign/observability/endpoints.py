"""``/readyz`` (is this instance fit to serve, and is the scheduler alive) and ``/metrics``.

``/healthz`` (campaign.web.main) stays the cheap liveness probe. ``/metrics`` is for the
monitoring system only: with ``METRICS_TOKEN`` set it wants ``Authorization: Bearer <token>``;
without one it answers loopback and private addresses only (after ProxyFix, so the address is
the real client's when ``TRUSTED_PROXIES`` is right). Anyone else gets 404.
"""

from __future__ import annotations

import hmac
from ipaddress import ip_address

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from campaign.db import database
from campaign.models.types import utcnow
from campaign.observability.metrics import exposition
from campaign.services.scheduler_sweeps import sweep_runs

bp = Blueprint("observability", __name__)


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """200 when the database answers and the scheduler leader swept recently, else 503."""
    now = utcnow()
    stale_after = current_app.config["SCHEDULER_STALE_SECONDS"]
    try:
        with database().transaction() as session:
            session.execute(text("SELECT 1"))
            runs = sweep_runs(session)
    except SQLAlchemyError:
        return jsonify(status="unavailable", database=False, scheduler=None), 503
    last = max((run.last_run_at for run in runs), default=None)
    fresh = last is not None and (now - last).total_seconds() <= stale_after
    scheduler = {"last_sweep_at": last.isoformat() if last else None, "fresh": fresh}
    status = 200 if fresh else 503
    return jsonify(status="ok" if fresh else "unavailable", database=True, scheduler=scheduler), (
        status
    )


def _may_read_metrics() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


@bp.get("/metrics")
def metrics() -> Response:
    if not _may_read_metrics():
        abort(404)
    body = exposition(database(), utcnow())
    return Response(body, content_type=CONTENT_TYPE_LATEST)
