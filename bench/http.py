"""The product over HTTP, side by side with the floors: ``make bench`` (``python -m bench``).

For each database (PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set, and SQLite):
1. a fresh database, migrated; one active team fight (``dangnyang-fight``: votes, two teams, two
   milestones, a purse), USERS users joined with API tokens, WEB_USERS of them signed in (a
   session cookie and the CSRF token of their page);
2. the product under gunicorn (``campaign:create_app()``) and the floor app (bench/floor.py) under
   the same gunicorn settings (GUNICORN below), each on its own loopback port;
3. wrk (another process) drives each request for ``--seconds`` with ``--connections``, one
   request kind after another, in ``--rounds`` interleaved rounds; the median round is reported,
   with the CPU the app's processes and the database's backends spent per request;
4. afterwards: ``reconcile`` must be clean, no purse row overrun, and every vote wrk saw answered
   must be in the ledger.

Results: bench/results/latest.json and latest.md (and a copy named by the UTC time). The rate
limiter is off (its Redis round trip is not what is measured, and 200 users voting hundreds of
times a second would trip it). Absolute numbers move with the machine's load; read the ratios.
"""

# ruff: noqa: S603, S607  (a benchmark that starts gunicorn, wrk and apt-get by name)
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench import floor

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
SLUG = "dangnyang-fight"
USERS = 200
WEB_USERS = 50
# BENCH_PORT moves both (the product on it, the floor on the next) when 5411 is taken.
_PORT = int(os.environ.get("BENCH_PORT", 5411))
PORTS = {"product": _PORT, "floor": _PORT + 1}
USER_AGENT = "aesseuji-bench"

# The gunicorn settings both apps run under: the measured recommendation for 2 cores (gthread
# keeps connections alive, which sync workers cannot; bench/results/workers/, docs/scaling.md).
GUNICORN = {
    "workers": int(os.environ.get("BENCH_WORKERS", "2")),
    "worker_class": os.environ.get("BENCH_WORKER_CLASS", "gthread"),
    "threads": int(os.environ.get("BENCH_THREADS", "4")),
}


@dataclass(frozen=True)
class Target:
    name: str
    server: str  # "product" or "floor"
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    creds: str = ""  # "api" (tokens) or "web" (cookie + CSRF)
    against: str | None = None  # the floor it is compared with
    goal: float | None = None  # ratio to reach
    p99_ms: float | None = None  # latency to stay under
    writes: bool = False


TARGETS = (
    Target("bare floor: Flask hello", "floor", "GET", "/hello"),
    Target("write floor: INSERT + UPDATE", "floor", "POST", "/write", writes=True),
    Target(
        "vote, API (token, Idempotency-Key)",
        "product",
        "POST",
        f"/api/v1/campaigns/{SLUG}/actions",
        {
            "Authorization": "Bearer {TOKEN}",
            "Idempotency-Key": "{ROUND}-{KEY}",
            "Content-Type": "application/json",
        },
        '{"action": "vote"}',
        "api",
        "write floor: INSERT + UPDATE",
        0.8,
        100.0,
        writes=True,
    ),
    Target(
        "vote, web form (session, CSRF)",
        "product",
        "POST",
        f"/c/{SLUG}/actions",
        {
            "Cookie": "session={COOKIE}",
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        },
        "csrf_token={CSRF}&action=vote&evidence=&idempotency_key={ROUND}-{KEY}",
        "web",
        "write floor: INSERT + UPDATE",
        0.6,
        writes=True,
    ),
    Target(
        "progress JSON",
        "product",
        "GET",
        f"/api/v1/campaigns/{SLUG}/progress",
        against="bare floor: Flask hello",
        goal=0.6,
    ),
    Target(
        "challenge page, anonymous",
        "product",
        "GET",
        f"/c/{SLUG}",
        against="bare floor: Flask hello",
        goal=0.3,
    ),
    Target(
        "challenge page, signed in",
        "product",
        "GET",
        f"/c/{SLUG}",
        {"Cookie": "session={COOKIE}", "User-Agent": USER_AGENT},
        creds="web",
        against="bare floor: Flask hello",
        goal=0.3,
    ),
    Target("home page", "product", "GET", "/", against="bare floor: Flask hello", goal=0.3),
    Target("/healthz", "product", "GET", "/healthz", against="bare floor: Flask hello", goal=0.8),
)


@dataclass
class Sample:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    app_ms: float  # app CPU per request (gunicorn master and workers)
    db_ms: float | None  # database CPU per request (its backends; None on SQLite)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- processes and CPU ------------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of ``pids`` so far (those that still exist)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings by the processes alive at the second one (a process that
    exited in between drops out of both, instead of making the difference negative)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(stat[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    stop = time.time() + seconds
    while time.time() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds:g} s")


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(GUNICORN["workers"]),
        "--worker-class",
        GUNICORN["worker_class"],
        "--threads",
        str(GUNICORN["threads"]),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)
    try:
        wait_for_port(port, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- databases --------------------------------------------------------------------------------


def _admin_url(base: str) -> str:
    return re.sub(r"/[^/?]*(\?.*)?$", "/postgres", base.replace("+psycopg", ""))


def fresh_postgres(base: str, name: str) -> str:
    """(Re)create database ``name`` on the server of ``base``; its URL."""
    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return re.sub(r"/[^/?]*(\?.*)?$", f"/{name}", base)


def drop_postgres(base: str, name: str) -> None:
    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends serving ``url``'s database (readable here when the server runs on
    this machine)."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [row[0] for row in rows]


# --- the product's data -----------------------------------------------------------------------


def seed(url: str, env: dict[str, str], folder: Path) -> dict[str, Path]:
    """Migrate, create the campaign and the users; write the credentials files for wrk."""
    # Imported here: the product's modules read nothing at import time, but the floor-only and
    # --help paths need not load them.
    from campaign import create_app, migrate
    from campaign.db import make_engine
    from campaign.models import CampaignKind
    from campaign.rules.campaign_spec import MilestoneSpec
    from campaign.services.accounts import issue_api_token, start_login_session
    from campaign.services.participation import join
    from tests.factories import action, make_campaign, make_user

    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            slug=SLUG,
            title="댕냥파이트",
            actions=(action("vote", label="투표"),),
            milestones=(MilestoneSpec(1_000, 1_000_000), MilestoneSpec(50_000, 10_000_000)),
            purse_won=11_000_000,
            goal_won=11_000_000,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=10),
        )
        api_lines, login_tokens = [], []
        for i in range(USERS):
            user = make_user(session)
            join(session, user, campaign, ("dog", "cat")[i % 2], now)
            api_lines.append(issue_api_token(session, user, "bench", now).secret)
            if i < WEB_USERS:
                login_tokens.append(start_login_session(session, user, now))
        session.commit()
    engine.dispose()

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": env["SECRET_KEY"]})
    web_lines = []
    for token in login_tokens:
        client = app.test_client()
        with client.session_transaction() as browser:
            browser["_user_id"] = token
            browser["_fresh"] = True
        page = client.get(f"/c/{SLUG}", headers={"User-Agent": USER_AGENT})
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        cookie = client.get_cookie("session")
        if page.status_code != 200 or found is None or cookie is None:
            raise RuntimeError(f"could not sign in a bench user: {page.status_code}")
        web_lines.append(f"\t{cookie.value}\t{found.group(1)}")
    files = {"api": folder / "api.tsv", "web": folder / "web.tsv"}
    files["api"].write_text("".join(f"{secret}\t\t\n" for secret in api_lines))
    files["web"].write_text("".join(f"{line}\n" for line in web_lines))
    return files


@dataclass
class Checks:
    reconcile_clean: bool
    purse_overrun: bool
    votes_in_ledger: int
    votes_answered: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return (
            self.reconcile_clean
            and not self.purse_overrun
            and self.votes_in_ledger >= self.votes_answered
        )


def check(url: str, votes_answered: int) -> Checks:
    from campaign.db import make_engine
    from campaign.models import Action, Campaign, CampaignCounter
    from campaign.services.reconcile import reconcile

    engine = make_engine(url)
    with Session(engine) as session:
        problems = [str(p) for p in reconcile(session)]
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        assert campaign is not None
        rows = session.scalars(
            select(CampaignCounter).where(CampaignCounter.campaign_id == campaign.id)
        ).all()
        spent = sum(row.sponsor_won for row in rows)
        overrun = any(
            row.purse_cap is not None and row.sponsor_won > row.purse_cap for row in rows
        ) or (campaign.purse_won is not None and spent > campaign.purse_won)
        votes = session.query(Action).filter(Action.campaign_id == campaign.id).count()
    engine.dispose()
    return Checks(not problems, overrun, votes, votes_answered, problems[:5])


# --- load -------------------------------------------------------------------------------------


def drain(pids: list[int], seconds: float = 15) -> None:
    """Wait until the app is idle: a sync worker still answers the connections wrk left in its
    backlog when it stopped, which would eat into the next measurement."""
    stop = time.time() + seconds
    last = cpu_seconds(pids)
    while time.time() < stop:
        time.sleep(0.3)
        now = cpu_seconds(pids)
        if now - last < 0.02:
            return
        last = now


def run_wrk(
    target: Target,
    seconds: float,
    connections: int,
    threads: int,
    creds: dict[str, Path],
    folder: Path,
    round_tag: str,
) -> dict[str, float]:
    spec = folder / "spec.txt"
    lines = [
        target.method,
        target.path,
        target.body.replace("{ROUND}", round_tag),
        str(creds[target.creds]) if target.creds else "",
    ]
    lines += [f"{k}: {v.replace('{ROUND}', round_tag)}" for k, v in target.headers.items()]
    spec.write_text("\n".join(lines) + "\n")
    port = PORTS[target.server]
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "load.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(spec),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    line = next(
        (x for x in result.stdout.splitlines() if x.startswith("BENCH ")),
        None,
    )
    if line is None:
        raise RuntimeError(f"wrk said: {result.stdout}\n{result.stderr}")
    return json.loads(line[6:])


def measure(
    target: Target,
    args: argparse.Namespace,
    creds: dict[str, Path],
    folder: Path,
    round_tag: str,
    servers: dict[str, subprocess.Popen],
    db_url: str | None,
) -> Sample:
    master = servers[target.server].pid
    app_pids = [master, *children(master)]
    drain(app_pids)
    db_pids = backend_pids(db_url) if db_url else []
    app_before, db_before = cpu_by_pid(app_pids), cpu_by_pid(db_pids)
    raw = run_wrk(target, args.seconds, args.connections, args.threads, creds, folder, round_tag)
    app_pids = sorted(set(app_pids) | set(children(master)))
    app_spent = cpu_spent(app_before, cpu_by_pid(app_pids))
    if db_url:
        db_pids = sorted(set(db_pids) | set(backend_pids(db_url)))
    db_spent = cpu_spent(db_before, cpu_by_pid(db_pids))
    n = max(raw["requests"], 1)
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return Sample(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        errors=errors,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        app_ms=1000 * app_spent / n,
        db_ms=1000 * db_spent / n if db_url else None,
    )


@dataclass
class Row:
    database: str
    request: str
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    app_ms: float
    db_ms: float | None
    against: str | None
    ratio: float | None
    goal: float | None
    p99_goal_ms: float | None
    met: bool | None
    rounds: list[float]


def median_sample(samples: list[Sample]) -> Sample:
    ordered = sorted(samples, key=lambda s: s.per_second)
    return ordered[len(ordered) // 2]


def rows_for(database: str, samples: dict[str, list[Sample]]) -> list[Row]:
    medians = {name: median_sample(found) for name, found in samples.items()}
    rows = []
    for target in TARGETS:
        if target.name not in medians:
            continue
        mid = medians[target.name]
        ratio = met = None
        if target.against and target.against in medians:
            ratio = mid.per_second / max(medians[target.against].per_second, 1e-9)
            met = ratio >= (target.goal or 0) and mid.errors == 0
            if target.p99_ms is not None:
                met = met and mid.p99_ms <= target.p99_ms
        rows.append(
            Row(
                database,
                target.name,
                mid.per_second,
                mid.p50_ms,
                mid.p99_ms,
                sum(s.errors for s in samples[target.name]),
                mid.app_ms,
                mid.db_ms,
                target.against,
                ratio,
                target.goal,
                target.p99_ms,
                met,
                [round(s.per_second, 1) for s in samples[target.name]],
            )
        )
    return rows


def bench_database(
    database: str, url: str, floor_url: str, args: argparse.Namespace, folder: Path
) -> tuple[list[Row], Checks]:
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "RECEIPT_KEY": Fernet.generate_key().decode(),
        "CAMPAIGN_ENV": "production",
        "SESSION_COOKIE_SECURE": "0",
        "RATELIMIT_ENABLED": "0",
        "BENCH_FLOOR_DATABASE_URL": floor_url,
    }
    print(f"{database}: seeding", flush=True)
    creds = seed(url, env, folder)
    floor.prepare(floor_url)
    samples: dict[str, list[Sample]] = {t.name: [] for t in TARGETS}
    votes_answered = 0
    db_url = url if database == "postgresql" else None
    with (
        gunicorn("campaign:create_app()", PORTS["product"], env) as product,
        gunicorn("bench.floor:create_app()", PORTS["floor"], env) as floor_app,
    ):
        servers = {"product": product, "floor": floor_app}
        for port in PORTS.values():  # the first request of each worker imports and connects
            for _ in range(8):
                path = "/hello" if port == PORTS["floor"] else "/healthz"
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()
        for number in range(args.rounds):
            for target in TARGETS:
                if args.only and not any(o in target.name for o in args.only):
                    continue
                sample = measure(
                    target,
                    args,
                    creds,
                    folder,
                    f"{database[0]}{number}",
                    servers,
                    db_url if target.server == "product" else None,
                )
                samples[target.name].append(sample)
                if target.server == "product" and target.writes:
                    votes_answered += sample.requests - sample.errors
                print(
                    f"{database} round {number + 1}: {target.name}: "
                    f"{sample.per_second:.0f}/s p99 {sample.p99_ms:.1f} ms "
                    f"errors {sample.errors} app {sample.app_ms:.2f} ms/req",
                    flush=True,
                )
    checks = check(url, votes_answered)
    return rows_for(database, {k: v for k, v in samples.items() if v}), checks


def machine() -> dict[str, object]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def fmt(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def markdown(report: dict) -> str:
    out = [
        f"# Benchmark {report['started']}",
        "",
        f"Machine: {report['machine']['cpus']} CPUs ({report['machine']['cpu']}), load average "
        f"{report['machine']['load_average_at_start']} at start. gunicorn "
        f"{report['gunicorn']}; wrk {report['connections']} connections, "
        f"{report['threads']} threads, {report['seconds']:g} s × {report['rounds']} interleaved "
        "rounds, medians. CPU columns: milliseconds of CPU per request (app = gunicorn "
        "processes, db = the database's backends).",
        "",
        "| database | request | req/s | p50 ms | p99 ms | errors | app CPU ms | db CPU ms "
        "| ratio | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in report["rows"]:
        target = ""
        if row["goal"] is not None:
            short = "write" if row["against"].startswith("write") else "bare"
            target = f"≥ {row['goal']} × {short} floor"
            if row["p99_goal_ms"] is not None:
                target += f", p99 ≤ {row['p99_goal_ms']:g} ms"
        met = "" if row["met"] is None else ("yes" if row["met"] else "**no**")
        out.append(
            f"| {row['database']} | {row['request']} | {fmt(row['per_second'])} "
            f"| {fmt(row['p50_ms'], 1)} | {fmt(row['p99_ms'], 1)} | {row['errors']} "
            f"| {fmt(row['app_ms'], 2)} | {fmt(row['db_ms'], 2)} | {fmt(row['ratio'], 2)} "
            f"| {target} | {met} |"
        )
    if "ledger" in report:
        from bench import ledger

        out += ["", ledger.markdown(report["ledger"]).rstrip()]
    out += ["", "Checks afterwards:", ""]
    for database, checks in report["checks"].items():
        out.append(
            f"- {database}: reconcile {'clean' if checks['reconcile_clean'] else 'NOT clean'}, "
            f"purse {'OVERRUN' if checks['purse_overrun'] else 'not overrun'}, "
            f"{checks['votes_in_ledger']:,} votes in the ledger ≥ {checks['votes_answered']:,} "
            "answered"
        )
    return "\n".join(out) + "\n"


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return
    sys.exit("wrk is missing: apt-get install wrk (Debian/Ubuntu), then run again")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--databases",
        default=os.environ.get("BENCH_DATABASES", "postgresql,sqlite"),
        help="comma-separated: postgresql,sqlite",
    )
    parser.add_argument("--only", action="append", help="only requests whose name has this")
    parser.add_argument("--tag", default="", help="added to the result file names")
    parser.add_argument(
        "--no-ledger", action="store_true", help="skip the million-line ledger (bench/ledger.py)"
    )
    args = parser.parse_args(argv)
    ensure_wrk()
    started = datetime.now(UTC)
    report: dict = {
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "gunicorn": GUNICORN,
        "connections": args.connections,
        "threads": args.threads,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "rows": [],
        "checks": {},
    }
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    wanted = args.databases.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        folder = Path(name)
        if "postgresql" in wanted and base:
            prefix = base.rsplit("/", 1)[1].split("?")[0]
            product_db, floor_db = f"{prefix}_bench", f"{prefix}_floor"
            try:
                rows, checks = bench_database(
                    "postgresql",
                    fresh_postgres(base, product_db),
                    fresh_postgres(base, floor_db),
                    args,
                    folder,
                )
            finally:
                drop_postgres(base, product_db)
                drop_postgres(base, floor_db)
            report["rows"] += [asdict(r) for r in rows]
            report["checks"]["postgresql"] = asdict(checks) | {"ok": checks.ok}
        elif "postgresql" in wanted:
            print("(set BENCH_DATABASE_URL or TEST_DATABASE_URL to bench PostgreSQL too)")
        if "sqlite" in wanted:
            rows, checks = bench_database(
                "sqlite",
                f"sqlite:///{folder / 'product.db'}",
                f"sqlite:///{folder / 'floor.db'}",
                args,
                folder,
            )
            report["rows"] += [asdict(r) for r in rows]
            report["checks"]["sqlite"] = asdict(checks) | {"ok": checks.ok}
    if base and "postgresql" in wanted and not args.only and not args.no_ledger:
        from bench import ledger

        report["ledger"] = ledger.measure(base)
    report["seconds_total"] = round((datetime.now(UTC) - started).total_seconds(), 1)
    RESULTS.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M") + (f"-{args.tag}" if args.tag else "")
    table = markdown(report)
    # A partial run (--only) never replaces the latest full table.
    for stem in (stamp,) if args.only else ("latest", stamp):
        (RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        (RESULTS / f"{stem}.md").write_text(table)
    print()
    print(table)
    if not all(c["ok"] for c in report["checks"].values()) or not report.get("ledger", {}).get(
        "reconcile_clean", True
    ):
        sys.exit("the checks after the load failed: see the table")
