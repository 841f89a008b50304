"""Behind TRUSTED_PROXIES reverse proxies: the real client address, scheme and host.

With none trusted (the default), X-Forwarded-* headers are anybody's to forge and are ignored.
With one, only the hop that proxy appended counts: what the client put before it is ignored.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, jsonify, request, url_for

from campaign.config import ConfigError, load_settings

PROXY = "10.0.0.2"  # the TLS proxy, as the app's socket sees it
CLIENT = "93.184.216.34"  # a visitor (only ever a header value here)
OTHER = "93.184.216.35"


def with_probe(app: Flask) -> Flask:
    """A route that shows what the app believes about the request."""

    @app.get("/_probe")
    def probe() -> object:
        return jsonify(addr=request.remote_addr, home=url_for("main.home", _external=True))

    return app


def test_no_trusted_proxy_ignores_forged_headers(make_app: Callable[..., Flask]) -> None:
    client = with_probe(make_app()).test_client()
    seen = client.get(
        "/_probe",
        environ_base={"REMOTE_ADDR": CLIENT},
        headers={
            "X-Forwarded-For": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        },
    ).json
    assert seen == {"addr": CLIENT, "home": "http://localhost/"}


def test_one_trusted_proxy_uses_only_the_last_hop(make_app: Callable[..., Flask]) -> None:
    client = with_probe(make_app(TRUSTED_PROXIES=1)).test_client()
    seen = client.get(
        "/_probe",
        environ_base={"REMOTE_ADDR": PROXY},
        headers={
            "X-Forwarded-For": f"127.0.0.1, {CLIENT}",  # the client forged the first entry
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "aesseuji.example",
        },
    ).json
    assert seen == {"addr": CLIENT, "home": "https://aesseuji.example/"}


def test_rate_limits_key_on_the_real_client(make_app: Callable[..., Flask]) -> None:
    """Ten failed log-ins from one visitor lock out that visitor, not everyone behind the proxy."""
    client = make_app(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True).test_client()
    attempts = itertools.count()

    def log_in(address: str, forged: str = "") -> int:
        hops = f"{forged}, {address}" if forged else address
        # A new address each time: the per-address lock (5 failures) is not what this tests.
        email = f"nobody{next(attempts)}@example.com"
        return client.post(
            "/login",
            data={"email": email, "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": PROXY},
            headers={"X-Forwarded-For": hops},
        ).status_code

    assert all(log_in(CLIENT, forged=f"10.9.9.{n}") != 429 for n in range(10))
    assert log_in(CLIENT, forged="10.9.9.99") == 429  # forging a first hop does not help
    assert log_in(OTHER) != 429  # another visitor behind the same proxy is not locked out


def test_without_trusted_proxies_a_forged_header_does_not_dodge_the_limit(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    statuses = [
        client.post(
            "/login",
            data={"email": f"nobody{n}@example.com", "password": "wrong-password"},
            environ_base={"REMOTE_ADDR": CLIENT},
            headers={"X-Forwarded-For": f"10.9.9.{n}"},
        ).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_trusted_proxies_must_be_a_count(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings(tmp_path, {"TRUSTED_PROXIES": value})


def test_trusted_proxies_default_to_none(tmp_path: Path) -> None:
    assert load_settings(tmp_path, {})["TRUSTED_PROXIES"] == 0
