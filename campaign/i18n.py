"""Languages (Korean by default, English on request) and how money and time are shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from campaign.extensions import babel
from campaign.rules.calendar import KST, last_day
from campaign.rules.particles import resolve_particles, with_particle

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


MAN = 10_000
EOK = 100_000_000
JO = 10**12


def format_won_short(amount: int, lang: str | None = None) -> str:
    """Round sums the way people say them: 200000000 → "2억원" / "₩200 million",
    110000000 → "1억 1,000만원"; anything else as format_won does ("5,000원")."""
    lang = lang or current_language()
    if lang == "en":
        for size, word in ((10**9, "billion"), (10**6, "million")):
            if amount >= size and amount % (size // 10) == 0:
                whole, tenth = divmod(amount // (size // 10), 10)
                digits = format_number(whole) + (f".{tenth}" if tenth else "")
                return f"₩{digits} {word}"
        return format_won(amount, lang)
    if amount < MAN or amount % MAN:
        return format_won(amount, lang)
    jo, rest = divmod(amount, JO)
    eok, rest = divmod(rest, EOK)
    man = rest // MAN
    parts = [f"{format_number(n)}{word}" for n, word in ((jo, "조"), (eok, "억"), (man, "만")) if n]
    return " ".join(parts) + "원"


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
    app.jinja_env.filters["particle"] = with_particle
    _resolve_particles_in_templates(app)


def _resolve_particles_in_templates(app: Flask) -> None:
    """Templates' ``_()`` resolves "이(가)"-style markers too, like the Python side's
    ParticleDomain: Flask-Babel installs Jinja callables that bypass the domain."""
    env = app.jinja_env
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        translate = env.globals.get(name)
        if translate is not None:
            env.globals[name] = _resolving(translate)
    env.globals["_"] = env.globals["gettext"]


def _resolving(translate: Any) -> Any:
    @pass_context
    def resolved(context: Context, *args: Any, **variables: Any) -> str:
        text = translate(context, *args, **variables)
        fixed = resolve_particles(text)
        # Already escaped markup with only particle syllables swapped: still safe.
        return Markup(fixed) if isinstance(text, Markup) else fixed  # noqa: S704

    return resolved
