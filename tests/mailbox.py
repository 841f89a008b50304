"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the tests, and what it received."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

PORTS = range(5240, 5300)  # this worktree's share of the machine's ports
_LINK = re.compile(r"https?://\S+")


@dataclass
class Mailbox:
    """Every message the server accepted, oldest first."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def links(self, address: str) -> list[str]:
        return [
            link for message in self.to(address) for link in _LINK.findall(message.get_content())
        ]

    def verification_path(self, address: str) -> str:
        """The path of the last verification link mailed to ``address``."""
        [*_, link] = [link for link in self.links(address) if "/verify/" in link]
        return urlsplit(link).path


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the test SMTP server")


def start_server(mailbox: Mailbox) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller


def mail_settings(controller: Controller) -> dict[str, object]:
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": controller.hostname,
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "aesseuji <no-reply@aesseuji.example>",
    }
