"""What every request and response goes through: the JSON depth guard and the security headers.

A small hook rather than Flask-Talisman: every header here is a constant (no nonces, since no
page has inline script or style), HTTPS redirects and cookie flags are already the TLS proxy's
and config.py's job, and Talisman would set a second, different policy for those. The whole
policy fits on one screen and a test walks every route to check it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request, session
from flask.json.provider import DefaultJSONProvider

from campaign.errors import JsonTooDeep
from campaign.http.errors import RETRY_AFTER_SECONDS
from campaign.rules.json_depth import nests_deeper_than

# Real bodies nest two or three levels (an object of strings, a list of rows).
MAX_JSON_DEPTH = 32

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
# Only a refusal asks the client to come back later (Flask-Limiter adds it to every answer).
RETRY_STATUSES = (429, 503)
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class GuardedJSONProvider(DefaultJSONProvider):
    """Parses like Flask's, but too deep a document is a ValueError (Flask answers 400), not a
    RecursionError (500). The request guard below normally refuses such a body first."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc


def refuse_deep_json() -> Any:
    """Before any view parses it, refuse a JSON body nested deeper than MAX_JSON_DEPTH.

    The body is read with ``cache=True``, so views (and the webhook's signature check) still see
    the exact bytes; MAX_CONTENT_LENGTH has already bounded its size (413 above it)."""
    if request.method not in BODY_METHODS:
        return None
    if not (request.is_json or request.path.startswith("/api/")):
        return None
    if nests_deeper_than(request.get_data(cache=True), MAX_JSON_DEPTH):
        raise JsonTooDeep(max=MAX_JSON_DEPTH)
    return None


def bar_width(percent: float | None) -> int:
    """A progress bar's width as a whole percent 0–100, for the bar-N classes in app.css (the
    policy allows no style attribute)."""
    return max(0, min(100, round(percent or 0)))


def _signed_in() -> bool:
    # Flask-Login keeps the user id in the session; reading it costs no database query.
    return bool(request.authorization) or "_user_id" in session


def add_security_headers(response: Response, *, production: bool) -> Response:
    headers = response.headers
    # One pass over the answer's headers, then appends (setdefault would scan them per header:
    # this runs on every request, /healthz included).
    present = {name.lower() for name in headers.keys()}  # noqa: SIM118 (Headers, not a dict)
    for name, value in HEADERS.items():
        if name.lower() not in present:
            headers.add(name, value)
    if "cache-control" not in present and _signed_in():
        # A signed-in page shows who is signed in, and often more (tokens, emails, gifts).
        headers["Cache-Control"] = "no-store"
    if production and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    if response.status_code not in RETRY_STATUSES:
        response.headers.pop("Retry-After", None)
    elif response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    app.json = GuardedJSONProvider(app)
    app.jinja_env.filters["bar_width"] = bar_width
    app.before_request(refuse_deep_json)
    production = app.config.get("CAMPAIGN_ENV") == "production"

    def _headers(response: Response) -> Response:
        return add_security_headers(response, production=production)

    # After-request hooks run last-registered first; this one goes to the front of the list so
    # it runs after Flask-Limiter's, which sets Retry-After on every answer it counts.
    app.after_request_funcs.setdefault(None, []).insert(0, _headers)
