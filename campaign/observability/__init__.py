"""What operators see: JSON logs with a request id, Prometheus metrics, readiness.

``init_app`` wires it into the app: a request id and timing for every request, one access log
line, the request metrics (counted here, in one place, keyed by endpoint), and the ``/readyz``
and ``/metrics`` endpoints.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from campaign.observability import logs, metrics
from campaign.observability.endpoints import bp

__all__ = ["init_app"]


def _start() -> None:
    g.request_id = logs.request_id_from(request.headers.get(logs.REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is None:  # a response made before our before_request ran
        return response
    seconds = time.perf_counter() - started
    response.headers[logs.REQUEST_ID_HEADER] = g.request_id
    endpoint = request.endpoint or "unmatched"  # never the raw path: it has no bound
    metrics.observe_request(endpoint, request.method, response, seconds)
    path = request.path
    if request.url_rule is not None and "token" in (request.view_args or {}):
        path = request.url_rule.rule  # a link's secret (verification, password reset) stays out
    logs.access_log(request.method, path, response.status_code, seconds, endpoint)
    return response


def init_app(app: Flask) -> None:
    if not app.testing:
        logs.configure(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)
