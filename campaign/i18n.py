"""Languages (Korean by default, English on request) and how money and time are shown."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale

from campaign.extensions import babel
from campaign.rules.calendar import KST, last_day

LANGUAGES = ("ko", "en")
LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def remember_language(response: Response, code: str) -> None:
    """Set the language cookie, Secure wherever the session cookie is (production)."""
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=LANG_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def select_locale() -> str:
    if not has_request_context():
        return "ko"  # a command or the scheduler: Korean, the site's default
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if lang in LANGUAGES else "ko"


def current_language() -> str:
    return str(get_locale() or "ko")


def format_won(amount: int, lang: str | None = None) -> str:
    """1000 → "1,000원" in Korean, "₩1,000" in English."""
    lang = lang or current_language()
    digits = format_decimal(abs(amount), locale="en_US")
    sign = "-" if amount < 0 else ""
    return f"₩{sign}{digits}" if lang == "en" else f"{sign}{digits}원"


def format_number(value: int | float) -> str:
    return format_decimal(value, locale="en_US")


def format_kst(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(KST)
    return local.strftime("%Y.%m.%d %H:%M" if with_time else "%Y.%m.%d")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Seoul")
    app.jinja_env.filters["won"] = format_won
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["kst"] = format_kst
    app.jinja_env.filters["kst_last_day"] = lambda ends_at: last_day(ends_at).strftime("%Y.%m.%d")
    app.jinja_env.globals["current_language"] = current_language
