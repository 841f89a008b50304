"""``make soak``: a bounded mixed load against gunicorn + PostgreSQL + Redis, with faults.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/db .venv/bin/python -m tests.soak

It builds a throw-away schema, serves it with gunicorn (two workers) through a TCP proxy it can
cut, runs the scheduler as its own process, and for SOAK_SECONDS (default 120) sends sign-ups,
joins, actions with Idempotency-Keys, replays of acknowledged keys and progress reads. Faults: a
gunicorn worker SIGKILLed, the database connection cut and restored, the scheduler SIGKILLed
before the campaign's end and restarted after it. Then it checks the invariants and prints one
table; it exits 1 when any invariant is violated. Everything it starts, it stops.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.models import Action, Campaign, CampaignStatus, Pledge, Settlement
from campaign.models.types import utcnow
from campaign.services.accounts import issue_api_token
from campaign.services.exports import export_settlement
from campaign.services.participation import join
from campaign.services.reconcile import reconcile
from tests.databases import drop_postgres_schema, migrated_engine, new_postgres_schema
from tests.factories import PASSWORD, action, make_campaign, make_user
from tests.faults import CuttableProxy, through

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("SOAK_SECONDS", "120"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "6"))
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/13")
USERS = 12
PURSE_WON = 60_000
DAILY_CAP = 40
WORTH_WON = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Load:
    """Counts what happened; every acknowledged key, per user, to check afterwards."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.acknowledged: dict[str, int] = {}  # idempotency key → user index

    def note(self, op: str, outcome: str) -> None:
        with self.lock:
            self.requests[op] += 1
            self.outcomes[outcome] += 1


def call(base: str, method: str, path: str, token: str | None = None, body=None, key=None):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, {}, b""


def outcome_of(status: int, headers, payload: bytes) -> str:
    if status == 0:
        return "connection dropped"
    if status == 503:
        return "503 database" if headers.get("Retry-After") else "503 without Retry-After"
    if status >= 500:
        return f"{status} server error"
    if status >= 400:
        try:
            return f"{status} {json.loads(payload)['error']['code']}"
        except (ValueError, KeyError, TypeError):
            return f"{status} unreadable"
    return f"{status} ok"


def client_loop(
    base: str, slug: str, tokens: list[str], load: Load, stop: threading.Event, seed: int
):
    rng = random.Random(seed)
    mine: list[tuple[str, int]] = []
    while not stop.is_set():
        roll = rng.random()
        who = rng.randrange(len(tokens))
        if roll < 0.65:
            key = uuid.uuid4().hex
            answer = call(
                base,
                "POST",
                f"/api/v1/campaigns/{slug}/actions",
                tokens[who],
                {"action": "cheer"},
                key,
            )
            if answer[0] == 201:
                with load.lock:
                    load.acknowledged[key] = who
                mine.append((key, who))
            load.note("action", outcome_of(*answer))
        elif roll < 0.75 and mine:
            key, who = rng.choice(mine)
            answer = call(
                base,
                "POST",
                f"/api/v1/campaigns/{slug}/actions",
                tokens[who],
                {"action": "cheer"},
                key,
            )
            replayed = answer[0] == 201 and answer[1].get("Idempotent-Replayed") == "true"
            load.note("replay", "201 replayed" if replayed else outcome_of(*answer))
        elif roll < 0.95:
            load.note("progress", outcome_of(*call(base, "GET", f"/api/v1/campaigns/{slug}")))
        else:
            email = f"soak-{uuid.uuid4().hex[:10]}@example.com"
            body = {"email": email, "password": PASSWORD, "display_name": "소크"}
            load.note("sign-up", outcome_of(*call(base, "POST", "/api/v1/users", None, body)))


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def main() -> int:
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        print("make soak needs TEST_DATABASE_URL (PostgreSQL)", file=sys.stderr)
        return 2
    schema, url = new_postgres_schema(base_url, prefix="soak")
    engine = migrated_engine(url)
    processes: list[subprocess.Popen] = []
    target = urlsplit(url)
    proxy = CuttableProxy((target.hostname or "127.0.0.1", target.port or 5432))
    faults: Counter[str] = Counter()
    load = Load()
    try:
        proxy.start()
        port = free_port()
        with (
            TemporaryDirectory() as instance,
            open(Path(instance) / "server.log", "w+") as server_log,
        ):
            env = {
                **os.environ,
                "CAMPAIGN_ENV": "development",
                "CAMPAIGN_INSTANCE_PATH": instance,
                "SECRET_KEY": uuid.uuid4().hex * 2,
                "DATABASE_URL": through(url, proxy.port),
                "REDIS_URL": REDIS_URL,
                "ACTION_RATE_LIMIT": "100000 per minute",
                "JOIN_RATE_LIMIT": "100000 per minute",
                "SCHEDULER_INTERVAL_SECONDS": "1",
            }
            gunicorn = subprocess.Popen(
                [
                    BIN / "gunicorn",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    "campaign:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
            processes.append(gunicorn)
            scheduler_env = {**env, "DATABASE_URL": url}

            def start_scheduler() -> subprocess.Popen:
                started = subprocess.Popen(
                    [BIN / "flask", "--app", "campaign", "scheduler"],
                    cwd=ROOT,
                    env=scheduler_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                processes.append(started)
                return started

            scheduler = start_scheduler()
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                if call(base, "GET", "/healthz")[0] == 200:
                    break
                time.sleep(0.2)
            now = utcnow()
            end_after = SECONDS * 0.5
            with Session(engine, expire_on_commit=False) as session:
                campaign = make_campaign(
                    session,
                    actions=(action("cheer", worth_won=WORTH_WON, daily_cap=DAILY_CAP),),
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(seconds=end_after),
                    purse_won=PURSE_WON,
                )
                tokens = []
                for _ in range(USERS):
                    user = make_user(session)
                    join(session, user, campaign, None, now)
                    tokens.append(issue_api_token(session, user, "soak", now).secret)
                session.commit()
                slug, campaign_id = campaign.slug, campaign.id

            stop = threading.Event()
            clients = [
                threading.Thread(
                    target=client_loop, args=(base, slug, tokens, load, stop, n), daemon=True
                )
                for n in range(CLIENTS)
            ]
            started = time.monotonic()
            for c in clients:
                c.start()

            def at(fraction: float) -> None:
                time.sleep(max(0.0, started + SECONDS * fraction - time.monotonic()))

            at(0.2)
            victims = worker_pids(gunicorn.pid)
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                faults["gunicorn worker SIGKILLed"] += 1
            at(0.35)
            proxy.cut()
            faults["database connection cut"] += 1
            at(0.42)
            proxy.start()
            faults["database connection restored"] += 1
            at(0.45)
            scheduler.send_signal(signal.SIGKILL)
            scheduler.wait()
            faults["scheduler SIGKILLed before the end"] += 1
            at(0.6)
            scheduler = start_scheduler()
            faults["scheduler restarted after the end"] += 1
            at(1.0)
            stop.set()
            for c in clients:
                c.join(timeout=30)
            deadline = time.monotonic() + 30
            with Session(engine) as session:
                while time.monotonic() < deadline:
                    status = session.scalar(
                        select(Campaign.status).where(Campaign.id == campaign_id)
                    )
                    if status == CampaignStatus.CLOSED:
                        break
                    session.rollback()
                    time.sleep(0.5)
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()

            server_log.seek(0)
            tracebacks = server_log.read().count("Traceback")
        violations = check(engine, campaign_id, load)
        violations["tracebacks in the server log"] = tracebacks
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if not proxy.cut_off:
            proxy.cut()
        engine.dispose()
        drop_postgres_schema(base_url, schema)
    print_table(load, faults, violations)
    return 1 if any(violations.values()) else 0


def check(engine, campaign_id: int, load: Load) -> Counter[str]:
    violations: Counter[str] = Counter()
    with Session(engine) as session:
        violations["counters != ledger"] = len(reconcile(session))
        keys = dict(
            session.execute(
                select(Action.idempotency_key, func.count())
                .where(Action.campaign_id == campaign_id)
                .group_by(Action.idempotency_key)
            ).all()
        )
        violations["acknowledged action missing"] = sum(
            1 for k in load.acknowledged if k not in keys
        )
        violations["action recorded twice"] = sum(1 for k, n in keys.items() if k and n > 1)
        pledged = session.scalar(
            select(func.coalesce(func.sum(Pledge.amount_won), 0)).where(
                Pledge.campaign_id == campaign_id
            )
        )
        violations["purse overrun"] = int(pledged > PURSE_WON)
        per_user = session.execute(
            select(Action.user_id, func.count())
            .where(Action.campaign_id == campaign_id)
            .group_by(Action.user_id)
        ).all()
        violations["daily cap overrun"] = sum(1 for _u, n in per_user if n > DAILY_CAP)
        campaign = session.get(Campaign, campaign_id)
        settlements = session.scalars(
            select(Settlement).where(Settlement.campaign_id == campaign_id)
        ).all()
        violations["campaign not closed once"] = int(
            campaign is None or campaign.status != CampaignStatus.CLOSED or len(settlements) != 1
        )
        if settlements:
            exported = export_settlement(
                session,
                campaign,
                partner_id=None,
                format_name="json",
                actor=None,
                actor_label="soak",
                now=utcnow(),
            )
            violations["export != settlement"] = int(
                exported.record.total_won != settlements[0].total_won
            )
            session.rollback()
        violations["server errors (5xx but 503)"] = sum(
            n
            for outcome, n in load.outcomes.items()
            if outcome[0] == "5" and outcome != "503 database"
        )
    return violations


def print_table(load: Load, faults: Counter[str], violations: Counter[str]) -> None:
    rows = [("requests", "", "")]
    rows += [("", op, str(n)) for op, n in sorted(load.requests.items())]
    rows.append(("", "total", str(sum(load.requests.values()))))
    rows.append(("answers", "", ""))
    rows += [("", outcome, str(n)) for outcome, n in sorted(load.outcomes.items())]
    rows.append(("faults injected", "", ""))
    rows += [("", fault, str(n)) for fault, n in faults.items()]
    rows.append(("invariant violations", "", ""))
    rows += [("", name, str(n)) for name, n in violations.items()]
    rows.append(("", "total (must be 0)", str(sum(violations.values()))))
    width = max(len(r[1]) for r in rows) + 2
    for section, name, value in rows:
        print(f"{section:<22}{name:<{width}}{value:>8}" if name else section)


if __name__ == "__main__":
    sys.exit(main())
