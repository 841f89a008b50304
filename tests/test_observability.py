"""Request ids in logs and responses, Prometheus metrics, readiness, and who may read them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from campaign.db import database
from campaign.models.types import utcnow
from campaign.observability import logs
from campaign.services.scheduler_sweeps import record_sweep_run
from tests.api.test_campaigns_api import cheer, create, error, joined, post_action
from tests.factories import action
from tests.web import test_challenges as web

PUBLIC = "93.184.216.34"  # a public address (only ever a header value here)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client: FlaskClient, **kwargs: object) -> dict[str, dict[tuple, float]]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain")
    found: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            found.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return found


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """What the access logger writes, through the JSON formatter and request-id filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.json_formatter())
    logs.access.addHandler(handler)
    previous = logs.access.level
    logs.access.setLevel(logging.INFO)
    yield stream
    logs.access.removeHandler(handler)
    logs.access.setLevel(previous)


def test_every_response_carries_a_request_id_and_the_log_line_too(
    client: FlaskClient, access_lines: io.StringIO
) -> None:
    made = client.get("/healthz")
    generated = made.headers["X-Request-ID"]
    assert len(generated) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept.headers["X-Request-ID"] == "edge-1234abcd"
    for junk in ("short", "has space in it", "x" * 200, "<script>alert(1)</script>"):
        answer = client.get("/healthz", headers={"X-Request-ID": junk})
        assert answer.headers["X-Request-ID"] != junk
    lines = [json.loads(line) for line in access_lines.getvalue().splitlines()]
    assert [line["request_id"] for line in lines[:2]] == [generated, "edge-1234abcd"]
    first = lines[0]
    assert first["level"] == "INFO" and first["logger"] == "campaign.access"
    assert first["path"] == "/healthz" and first["status"] == 200
    assert first["endpoint"] == "main.healthz" and first["duration_ms"] >= 0


def test_the_access_line_leaves_out_the_query_string(
    client: FlaskClient, access_lines: io.StringIO
) -> None:
    client.get("/healthz?token=secret-value")
    assert "secret-value" not in access_lines.getvalue()


def test_metrics_count_requests_actions_refusals_and_show_purses(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATELIMIT_ENABLED=True, ACTION_RATE_LIMIT="4 per minute")
    client = app.test_client()
    slug = create(app, **cheer())  # 100원 a cheer, 3 a day, a purse of 200,000,000원
    headers = joined(app, client, slug)
    endpoint = "api_campaigns.record_campaign_action"
    before = {
        "actions": sample("aesseuji_actions_recorded_total", endpoint=endpoint),
        "cap": sample("aesseuji_refusals_total", status="409", code="cap_reached"),
        "limited": sample("aesseuji_refusals_total", status="429", code="rate_limited"),
    }
    assert post_action(client, slug, headers, key="once").status_code == 201
    assert post_action(client, slug, headers, key="once").status_code == 201  # a replay
    assert post_action(client, slug, headers).status_code == 201
    assert post_action(client, slug, headers).status_code == 201
    error(post_action(client, slug, headers), 429, "rate_limited")

    found = scrape(client)
    assert sample("aesseuji_actions_recorded_total", endpoint=endpoint) == before["actions"] + 3
    assert (
        sample("aesseuji_refusals_total", status="429", code="rate_limited")
        == before["limited"] + 1
    )
    assert found["aesseuji_purse_left_won"][(("campaign", slug),)] == 200_000_000 - 300
    requests = found["aesseuji_http_requests_total"]
    assert requests[(("endpoint", endpoint), ("method", "POST"), ("status", "201"))] >= 4
    assert "aesseuji_http_request_duration_seconds_bucket" in found

    other = joined(app, make_app(RATELIMIT_ENABLED=False).test_client(), slug)
    quick = make_app(RATELIMIT_ENABLED=False).test_client()
    for _ in range(3):
        assert post_action(quick, slug, other).status_code == 201
    error(post_action(quick, slug, other), 409, "cap_reached")
    assert sample("aesseuji_refusals_total", status="409", code="cap_reached") == before["cap"] + 1


def test_metrics_show_the_scheduler_sweeps(app: Flask, client: FlaskClient) -> None:
    now = utcnow()
    with database(app).transaction() as session:
        record_sweep_run(session, "close_due", now - timedelta(seconds=2), now)
    found = scrape(client)
    assert found["aesseuji_scheduler_sweep_lag_seconds"][(("sweep", "close_due"),)] == 2.0
    assert found["aesseuji_scheduler_last_run_timestamp_seconds"][
        (("sweep", "close_due"),)
    ] == pytest.approx(now.timestamp())
    assert found["aesseuji_scheduler_seconds_since_last_run"][(("sweep", "close_due"),)] >= 0


def test_metrics_are_for_the_monitoring_system_only(make_app: Callable[..., Flask]) -> None:
    open_ = make_app().test_client()
    assert open_.get("/metrics").status_code == 200  # loopback
    assert open_.get("/metrics", environ_base={"REMOTE_ADDR": "10.0.3.7"}).status_code == 200
    assert open_.get("/metrics", environ_base={"REMOTE_ADDR": PUBLIC}).status_code == 404

    guarded = make_app(METRICS_TOKEN="scrape-token-1234").test_client()
    assert guarded.get("/metrics").status_code == 404  # a token is set: loopback is not enough
    wrong = {"Authorization": "Bearer nope"}
    assert guarded.get("/metrics", headers=wrong).status_code == 404
    right = {"Authorization": "Bearer scrape-token-1234"}
    assert (
        guarded.get("/metrics", headers=right, environ_base={"REMOTE_ADDR": PUBLIC}).status_code
        == 200
    )


def test_readyz_wants_a_recent_sweep(make_app: Callable[..., Flask]) -> None:
    app = make_app(SCHEDULER_STALE_SECONDS=180)
    client = app.test_client()
    never = client.get("/readyz")
    assert never.status_code == 503
    assert never.json == {
        "status": "unavailable",
        "database": True,
        "scheduler": {"last_sweep_at": None, "fresh": False},
    }
    now = utcnow()
    with database(app).transaction() as session:
        record_sweep_run(
            session, "open_due", now - timedelta(minutes=10), now - timedelta(minutes=5)
        )
    assert client.get("/readyz").status_code == 503  # the leader has been silent 5 minutes
    with database(app).transaction() as session:
        record_sweep_run(session, "close_due", now, now)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["scheduler"]["fresh"] is True
    assert client.get("/healthz").status_code == 200


def test_web_form_actions_count_and_refused_pages_count_by_status(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATELIMIT_ENABLED=True, ACTION_RATE_LIMIT="2 per minute")
    slug = web.create(app, **web.cheer_campaign(actions=(action("cheer", worth_won=1),)))
    client = app.test_client()
    web.log_in(app, client, "metrics@example.com")
    client.post(f"/c/{slug}/join")
    endpoint = "challenges.take_action"
    counted = sample("aesseuji_actions_recorded_total", endpoint=endpoint)
    limited = sample("aesseuji_refusals_total", status="429", code="rate_limited")
    assert [web.act(client, slug, "cheer").status_code for _ in range(3)] == [302, 302, 429]
    assert sample("aesseuji_actions_recorded_total", endpoint=endpoint) == counted + 2
    assert sample("aesseuji_refusals_total", status="429", code="rate_limited") == limited + 1


def test_the_secret_of_a_link_stays_out_of_the_access_log(
    client: FlaskClient, access_lines: io.StringIO
) -> None:
    for path in ("/password/reset/secret-part-1", "/verify/secret-part-2"):
        assert client.get(path).status_code == 400
    logged = access_lines.getvalue()
    assert "secret-part" not in logged
    paths = [json.loads(line)["path"] for line in logged.splitlines()]
    assert paths == ["/password/reset/<token>", "/verify/<token>"]
