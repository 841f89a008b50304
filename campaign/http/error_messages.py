"""Domain errors → a sentence in the reader's language. The English text and the status are on
each error class (campaign/errors.py); this is where they meet Flask-Babel."""

from __future__ import annotations

from flask_babel import gettext

from campaign.errors import DomainError
from campaign.i18n import format_won_short
from campaign.rules.particles import resolve_particles


def status_for(error: DomainError) -> int:
    return error.status


def message_for(error: DomainError) -> str:
    """The error's message, translated, with its parameters filled in."""
    params = {
        # Sums read as people say them ("1,000만원"), whatever the message.
        k: format_won_short(v) if k.endswith("_won") and isinstance(v, int) else v
        for k, v in error.params.items()
        if isinstance(v, int | str)
    }
    text = gettext(error.template())
    return resolve_particles(text % params) if "%(" in text else text


def error_classes() -> list[type[DomainError]]:
    """Every DomainError class defined so far (those of imported modules)."""
    found: list[type[DomainError]] = []
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def domain_statuses() -> dict[str, int]:
    """Each domain error code and the status it is answered with (for the OpenAPI document)."""
    return {cls.code: cls.status for cls in error_classes() if cls is not DomainError}


def message_for_code(code: str) -> str:
    """The translated message of the error class with ``code`` ("" for none)."""
    for cls in error_classes():
        if cls.code == code and cls is not DomainError and "message" in vars(cls):
            return gettext(cls.message)
    return ""
