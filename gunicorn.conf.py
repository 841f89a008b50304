"""gunicorn settings for the web service: `gunicorn --config gunicorn.conf.py`.

Everything an operator may want to change comes from the environment (README, "Settings"), so
worker counts can be measured and tuned without editing this file. Logs go through the app's
JSON logging configuration; Prometheus counters are kept per worker in PROMETHEUS_MULTIPROC_DIR
and added up by /metrics.
"""

import os
import shutil
from pathlib import Path

# prometheus_client chooses its multiprocess storage when it is first imported: before the app.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/aesseuji-metrics")  # noqa: S108

from prometheus_client import multiprocess  # noqa: E402

from campaign.observability.logs import logging_config  # noqa: E402

wsgi_app = "campaign:create_app()"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads, measured: on 2 cores, 2 workers x 4 threads served 2-3x the requests of 2 or 4 sync
# workers (bench/results/workers/): a request mostly waits on the database, and threads wait
# together. A worker's threads share its connection pool (5 + 10 overflow): keep threads <= 5.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker that has served this many requests (plus jitter) is replaced: bounds slow leaks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
accesslog = None  # the app writes one JSON access line per request, with its request id
logconfig_dict = logging_config(
    os.environ.get("LOG_FORMAT") or "json", (os.environ.get("LOG_LEVEL") or "INFO").upper()
)


def on_starting(server: object) -> None:
    """Start from empty metric files: old workers' files would be added to the new ones."""
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    """A dead worker's live gauges leave the sum (its counters stay counted)."""
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
