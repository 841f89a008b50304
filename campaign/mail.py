"""Sending mail: through an SMTP server, or — in development, with no server set — into
``instance/mail/`` as .eml files whose links are logged, so `make run` needs nothing.

Send after the transaction has committed: a mail about a row that was rolled back would point
at nothing. A server that cannot be reached is logged and does not fail the request.
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10
_LINK = re.compile(r"https?://\S+")


def settings(env: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """The MAIL_* settings from the environment (see README, "Settings")."""
    server = env.get("MAIL_SERVER", "")
    return {
        "MAIL_BACKEND": env.get("MAIL_BACKEND") or ("smtp" if server else "file"),
        "MAIL_SERVER": server,
        "MAIL_PORT": int(env.get("MAIL_PORT") or "587"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": (env.get("MAIL_USE_TLS") or "1").strip().lower() in {"1", "true", "yes"},
        "MAIL_FROM": env.get("MAIL_FROM") or "aesseuji <no-reply@aesseuji.example>",
        "MAIL_DIR": str(instance_path / "mail"),
    }


def compose(config: Mapping[str, Any], *, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="aesseuji.example")
    message.set_content(body)
    return message


def send(config: Mapping[str, Any], message: EmailMessage) -> bool:
    """Deliver ``message`` by the configured backend; False (and a warning) when it failed."""
    try:
        if config["MAIL_BACKEND"] == "smtp":
            _send_smtp(config, message)
        else:
            _write_file(Path(config["MAIL_DIR"]), message)
    except OSError as exc:  # smtplib.SMTPException is an OSError too
        log.warning("mail %s not sent: %s", message["Message-ID"], type(exc).__name__)
        return False
    return True


def _send_smtp(config: Mapping[str, Any], message: EmailMessage) -> None:
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_file(directory: Path, message: EmailMessage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = directory / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    body = message.get_content() if not message.is_multipart() else ""
    links = " ".join(_LINK.findall(body))
    # Development only: the links are what a developer needs to click.
    log.info("mail to %s written to %s %s", message["To"], path, links)
    print(f"mail to {message['To']}: {message['Subject']} -> {path} {links}", flush=True)
