"""Error pages in the reader's language, or JSON for programs: {"error": {"code", "message"}},
plus "field" and "reason" for an Invalid (and "cap" and "limit" for a reached cap). The one
error answer of the site and the API: both register nothing of their own."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from flask import Flask, Response, g, jsonify, render_template, request
from flask_babel import lazy_gettext
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from campaign.errors import CapReached, DomainError, Invalid
from campaign.http.error_messages import message_for

log = logging.getLogger(__name__)

# The database cannot be reached, dropped the connection or did not answer in time. Each is
# worth trying again in a moment; none is the client's fault or a bug to trace.
# (sqlalchemy.exc.TimeoutError is the pool's: every connection busy for pool_timeout.)
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 5

HTTP_CODES = {
    400: ("bad_request", lazy_gettext("The request could not be understood.")),
    401: ("unauthorized", lazy_gettext("Log in or send a valid token first.")),
    403: ("forbidden", lazy_gettext("You are not allowed to see this page.")),
    404: ("not_found", lazy_gettext("There is no page at this address.")),
    405: ("method_not_allowed", lazy_gettext("This address does not accept that method.")),
    409: ("conflict", lazy_gettext("That conflicts with the current state.")),
    413: ("payload_too_large", lazy_gettext("What you sent is too large.")),
    415: ("unsupported_media_type", lazy_gettext("Send the body as application/json.")),
    422: ("unprocessable", lazy_gettext("The request was understood but is not valid.")),
    429: ("rate_limited", lazy_gettext("Too many requests. Wait a moment and try again.")),
    500: ("internal_error", lazy_gettext("Something went wrong on our side. Please try again.")),
    503: (
        "service_unavailable",
        lazy_gettext("We cannot reach our database right now. Please try again in a moment."),
    ),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        body.update(extra)
        return jsonify(error=body), status
    page = render_template("errors/error.html", status=status, code=code, message=message)
    return Response(page, mimetype="text/html"), status


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    code, message = HTTP_CODES.get(status, ("error", exc.description or ""))
    response, status = error_response(status, code, str(message))
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, status


def _csrf_error(_exc: CSRFError) -> Any:
    return error_response(
        400, "csrf_failed", str(lazy_gettext("The form expired. Go back, reload and try again."))
    )


def details(exc: DomainError) -> dict[str, Any]:
    """What a program needs to react, beyond the code: the field and rule of an Invalid, the
    kind and size of a reached cap."""
    if isinstance(exc, Invalid):
        return {"field": exc.field, "reason": exc.reason}
    if isinstance(exc, CapReached):
        return {"cap": exc.params.get("cap"), "limit": exc.params.get("limit")}
    return {}


def domain_error_response(exc: DomainError, status: int | None = None) -> tuple[Response, int]:
    """The answer to ``exc``: its own status (unless ``status`` says otherwise) and message."""
    return error_response(status or exc.status, exc.code, message_for(exc), **details(exc))


def _domain_error(exc: DomainError) -> Any:
    return domain_error_response(exc)


def _database_unavailable(exc: Exception) -> Any:
    """503 with Retry-After, and the request's session thrown away: SQLAlchemy has already
    invalidated a connection that dropped, and pool_pre_ping replaces the others, so the next
    request reconnects by itself once the database is back."""
    original = getattr(exc, "orig", None) or exc
    log.warning("database unavailable: %s", type(original).__name__)
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except sa_exc.SQLAlchemyError:  # the connection is gone; nothing is left to release
            log.debug("closing the session after a database fault failed", exc_info=True)
    # The page must not ask the database again (the user's name, their badges): show it as to
    # a visitor.
    g._login_user = AnonymousUserMixin()
    code, message = HTTP_CODES[503]
    response, status = error_response(503, code, str(message))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, status


def init_app(app: Flask) -> None:
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
