"""Flask extension objects. They are created here unbound and bound in ``create_app``."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
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
