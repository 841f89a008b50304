"""Flask extension objects. They are created here unbound and bound in ``create_app``."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask import current_app
from flask_babel import Babel, Domain
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from campaign.rules.particles import resolve_particles


class ParticleDomain(Domain):
    """Translations whose neutral particle markers ("이(가)", "(으)로") are resolved once the
    variables are in: "%(team)s이(가) 앞서요" reads "냥냥이가 앞서요"."""

    def gettext(self, string: str, **variables: Any) -> str:
        return resolve_particles(super().gettext(string, **variables))

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        return resolve_particles(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context: str, string: str, **variables: Any) -> str:
        return resolve_particles(super().pgettext(context, string, **variables))


class ParticleBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return ParticleDomain(domain=self.domain)


babel = ParticleBabel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Limits that operators tune through settings (campaign/config.py), read per request.
def action_limit() -> str:
    return current_app.config["ACTION_RATE_LIMIT"]


def join_limit() -> str:
    return current_app.config["JOIN_RATE_LIMIT"]


def hook_limit() -> str:
    return current_app.config["API_HOOK_RATE_LIMIT"]
