"""Anonymous pages answered from memory for a moment (PAGE_CACHE_SECONDS), cacheable by a CDN.

A crowd watching a challenge mostly reads it without signing in; every such reader of the same
page in the same language sees the same bytes. Only a request with no session cookie and no
remember cookie is served or stored here: it cannot be signed in and cannot carry a flash or a
CSRF token, and an answer is stored only when rendering it left the session empty (Flask-Login
marks an empty session modified, which sends nothing) and set no cookie, so nothing personal is
ever shared. Signed-in pages are rendered every time and
keep ``Cache-Control: no-store`` (http/security.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, make_response, request, session
from werkzeug.wrappers import Response

from campaign.i18n import current_language

ANSWERS_MAX = 512  # pages kept per process before the store starts over


def _anonymous_request() -> bool:
    config = current_app.config
    cookies = request.cookies
    return (
        request.method == "GET"
        and config.get("SESSION_COOKIE_NAME", "session") not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
        and "Authorization" not in request.headers
    )


def _public(response: Response, ttl: float) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={max(1, int(ttl))}"
    response.vary.add("Cookie")  # the language is a cookie, and signing in sets one
    response.add_etag()
    return response.make_conditional(request)


def anonymous_page_cache(view: Callable[..., Any]) -> Callable[..., Response]:
    """Serve ``view``'s page to anonymous readers from memory for PAGE_CACHE_SECONDS, keyed by
    path, query and language; ETag/304 and ``Cache-Control: public`` for them only."""

    @wraps(view)
    def cached(*args: Any, **kwargs: Any) -> Response:
        ttl = current_app.config.get("PAGE_CACHE_SECONDS", 0)
        if not ttl or not _anonymous_request():
            return make_response(view(*args, **kwargs))
        store: dict[tuple[str, bytes, str], tuple[float, bytes, str]] = (
            current_app.extensions.setdefault("anonymous_pages", {})
        )
        key = (request.path, request.query_string, current_language())
        hit = store.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return _public(Response(hit[1], content_type=hit[2]), ttl)
        response = make_response(view(*args, **kwargs))
        if (
            response.status_code != 200
            or session  # rendering put something in the session: not the same for all
            or "Set-Cookie" in response.headers
            or response.direct_passthrough
        ):
            return response
        if len(store) >= ANSWERS_MAX:
            store.clear()
        store[key] = (time.monotonic() + ttl, response.get_data(), response.content_type or "")
        return _public(response, ttl)

    return cached
