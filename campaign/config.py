"""Settings, read from the environment with safe development defaults.

Every setting the operator may change is listed in README.md ("Settings").
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from campaign import mail, storage
from campaign.services.receipt_cipher import development_key, parse_keys

DEV_SECRET_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


class ConfigError(RuntimeError):
    """The environment does not describe a runnable app (e.g. production without SECRET_KEY)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _domains(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(d.strip().lower().lstrip("@") for d in value.split(",") if d.strip())


def _count(env: dict[str, str] | os._Environ[str], name: str) -> int:
    raw = env.get(name, "") or "0"
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must be 0 or more, not {value}")
    return value


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/ so a development restart does not log everyone out."""
    path = instance_path / DEV_SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _receipt_key(value: str, secret_key: str, production: bool) -> str:
    """RECEIPT_KEY as given (checked), or outside production a key derived from SECRET_KEY.

    Production refuses to start without it: a key derived from another secret would make a
    leaked SECRET_KEY open every stored resident number too.
    """
    if not value:
        if production:
            raise ConfigError(
                "CAMPAIGN_ENV=production needs RECEIPT_KEY, the key that encrypts resident "
                "numbers on receipt requests (python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())')."
            )
        return development_key(secret_key)
    try:
        parse_keys(value)
    except ValueError:
        raise ConfigError(
            "RECEIPT_KEY must be one or more Fernet keys (32 bytes, URL-safe base64), "
            "separated by commas; the first encrypts."
        ) from None
    return value


def load_settings(instance_path: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Build the app config from environment variables.

    Raises ConfigError in production when the secret key is missing or obviously weak.
    """
    env = os.environ if environ is None else environ
    production = env.get("CAMPAIGN_ENV", "development").lower() == "production"
    instance_path.mkdir(parents=True, exist_ok=True)

    secret = env.get("SECRET_KEY", "")
    if production and (len(secret) < 32 or secret.lower() in {"dev", "changeme", "secret"}):
        raise ConfigError(
            "CAMPAIGN_ENV=production needs SECRET_KEY: at least 32 random characters "
            "(python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not secret:
        secret = _dev_secret_key(instance_path)
    receipt_key = _receipt_key(env.get("RECEIPT_KEY", ""), secret, production)

    default_db = f"sqlite:///{instance_path / 'campaign.db'}"
    return {
        "CAMPAIGN_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "DATABASE_URL": env.get("DATABASE_URL") or default_db,
        "REDIS_URL": env.get("REDIS_URL", ""),
        "CREW_EMAIL_DOMAINS": _domains(env.get("CREW_EMAIL_DOMAINS", "aesseuji.example")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SCHEDULER_INTERVAL_SECONDS": int(env.get("SCHEDULER_INTERVAL_SECONDS", "60")),
        # Each process answers anonymous progress polls from memory for this long (the JSON says
        # max-age=2 to shared caches anyway); 0 reads the counters on every request.
        "PROGRESS_CACHE_SECONDS": float(
            env.get("PROGRESS_CACHE_SECONDS", "1" if production else "0")
        ),
        # Each process answers anonymous challenge and home pages (no session cookie) from
        # memory for this long, with Cache-Control public for a shared cache; 0 renders each.
        "PAGE_CACHE_SECONDS": float(env.get("PAGE_CACHE_SECONDS", "1" if production else "0")),
        # Per person (per integration and address for webhooks), in Flask-Limiter's notation.
        "ACTION_RATE_LIMIT": env.get("ACTION_RATE_LIMIT", "120 per minute"),
        "JOIN_RATE_LIMIT": env.get("JOIN_RATE_LIMIT", "30 per minute"),
        "API_HOOK_RATE_LIMIT": env.get("API_HOOK_RATE_LIMIT", "300 per minute"),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host. 0 (the
        # default) believes none of them: a client could forge its address and dodge limits.
        "TRUSTED_PROXIES": _count(env, "TRUSTED_PROXIES"),
        # JSON log lines on stderr (production default) or plain text for a developer's terminal.
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if production else "text"),
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").upper(),
        # /metrics answers a request bearing this token, or one from a loopback/private address.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # /readyz fails when the scheduler leader has not swept for this long.
        "SCHEDULER_STALE_SECONDS": int(
            env.get("SCHEDULER_STALE_SECONDS")
            or str(3 * int(env.get("SCHEDULER_INTERVAL_SECONDS", "60")))
        ),
        # Verification links asked for again, per person.
        "RESEND_VERIFICATION_LIMIT": env.get("RESEND_VERIFICATION_LIMIT", "3 per hour"),
        # Password reset links asked for, per person (signed-in user or IP address).
        "RESET_REQUEST_LIMIT": env.get("RESET_REQUEST_LIMIT", "3 per hour"),
        # The site's address for links in mail sent outside a request (the scheduler's).
        "PUBLIC_URL": env.get("PUBLIC_URL", ""),
        # Fernet key(s) sealing the numbers of receipt requests (services/receipt_cipher.py).
        "RECEIPT_KEY": receipt_key,
        **mail.settings(env, instance_path),
        **storage.settings(env, instance_path),
    }
