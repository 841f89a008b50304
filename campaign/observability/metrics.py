"""Prometheus metrics, correct under several gunicorn workers.

Request, action and refusal counters live in this process; with ``PROMETHEUS_MULTIPROC_DIR``
set (gunicorn.conf.py and the container do) prometheus_client keeps them in files there that
every worker's ``/metrics`` adds up. What the database knows (purse left per live campaign, the
scheduler's last sweeps) is read at scrape time, a few rows, so it is the same whichever worker
answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime

from flask import Response
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import select

from campaign.db import Database
from campaign.models import Campaign, CampaignStatus
from campaign.services.counters import totals
from campaign.services.scheduler_sweeps import sweep_runs
from campaign.services.webhooks import RECORDED

# The codes web/errors.py answers with when a page (not JSON) carries no code of its own.
PAGE_CODES = {409: "conflict", 429: "rate_limited"}

REQUESTS = Counter(
    "aesseuji_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "aesseuji_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
)
ACTIONS = Counter(
    "aesseuji_actions_recorded",
    "Actions counted, by the endpoint that recorded them (web form, API, webhook).",
    ["endpoint"],
)
REFUSALS = Counter(
    "aesseuji_refusals",
    "409 and 429 answers, by status and error code.",
    ["status", "code"],
)


def _redirected(response: Response) -> bool:
    return response.status_code in (302, 303)  # the form's success answer; refusals re-render


def _created_first_time(response: Response) -> bool:
    return response.status_code == 201 and "Idempotent-Replayed" not in response.headers


def _hook_recorded(response: Response) -> bool:
    body = response.get_json(silent=True) if response.status_code == 200 else None
    return isinstance(body, dict) and body.get("status") == RECORDED


# The endpoints that record an action, and how each says an action was counted.
ACTION_ENDPOINTS: dict[str, Callable[[Response], bool]] = {
    "challenges.take_action": _redirected,
    "api_campaigns.record_campaign_action": _created_first_time,
    "api_hooks.receive": _hook_recorded,
}


def _error_code(response: Response) -> str:
    body = response.get_json(silent=True) if response.is_json else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code", "error"))[:60]
    return PAGE_CODES[response.status_code]  # an HTML page: the status's own code


def observe_request(endpoint: str, method: str, response: Response, seconds: float) -> None:
    status = response.status_code
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)
    counted = ACTION_ENDPOINTS.get(endpoint)
    if counted is not None and counted(response):
        ACTIONS.labels(endpoint).inc()
    if status in (409, 429):
        REFUSALS.labels(str(status), _error_code(response)).inc()


class DatabaseCollector(Collector):
    """Gauges read from the database when scraped."""

    def __init__(self, db: Database, now: datetime) -> None:
        self.db = db
        self.now = now

    def collect(self) -> Iterator[Metric]:
        purse = GaugeMetricFamily(
            "aesseuji_purse_left_won",
            "Sponsor purse not yet pledged, per live (active or paused) campaign with a purse.",
            labels=["campaign"],
        )
        last_run = GaugeMetricFamily(
            "aesseuji_scheduler_last_run_timestamp_seconds",
            "When the scheduler leader last finished each sweep (Unix time).",
            labels=["sweep"],
        )
        since = GaugeMetricFamily(
            "aesseuji_scheduler_seconds_since_last_run",
            "Seconds since the scheduler leader last finished each sweep.",
            labels=["sweep"],
        )
        lag = GaugeMetricFamily(
            "aesseuji_scheduler_sweep_lag_seconds",
            "How far behind its scheduled time each sweep's last run finished.",
            labels=["sweep"],
        )
        with self.db.transaction() as session:
            live = session.execute(
                select(Campaign.id, Campaign.slug)
                .where(Campaign.status.in_([CampaignStatus.ACTIVE, CampaignStatus.PAUSED]))
                .order_by(Campaign.id)
            ).all()
            for campaign_id, slug in live:
                left = totals(session, campaign_id).purse_left
                if left is not None:
                    purse.add_metric([slug], left)
            for run in sweep_runs(session):
                last_run.add_metric([run.name], run.last_run_at.timestamp())
                since.add_metric([run.name], (self.now - run.last_run_at).total_seconds())
                lag.add_metric([run.name], run.lag_ms / 1000)
        yield from (purse, last_run, since, lag)


def exposition(db: Database, now: datetime) -> bytes:
    """The text a scrape gets: every worker's counters, then the database gauges."""
    scrape = CollectorRegistry()
    scrape.register(DatabaseCollector(db, now))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        return generate_latest(workers) + generate_latest(scrape)
    return generate_latest(REGISTRY) + generate_latest(scrape)
