"""A million-line ledger: close + settle, and the settlement export (``python -m bench ledger``).

PostgreSQL only (BENCH_DATABASE_URL or TEST_DATABASE_URL). One team campaign whose ledger is
built set-based (INSERT … SELECT generate_series, seconds rather than hours): LEDGER_ROWS users
who each joined, voted once (an action and its sponsor pledge) and gave once (a crew pledge) and
asked for a donation receipt, with the counters set to match — so ``reconcile`` is clean before
the close. Then, each in its own child process (a fresh interpreter, so its peak RSS is its own):

1. close: ``lifecycle.close`` (close → unlock milestones → top-up → settle), timed; target ≤ 2 s;
2. export: ``export_settlement`` of the whole settlement as CSV (1,000,000 receipt_donors
   lines), timed, with the child's peak RSS (getrusage ru_maxrss) against the interpreter's
   with the product imported; beside it ``psql -c "\\copy (the same SELECT) TO '/dev/null'"``,
   the floor for reading those rows out of PostgreSQL. Targets: peak ≤ 200 MB, time ≤ 3 × psql.

The results are added to bench/results/latest.{json,md} by ``python -m bench`` (``make bench``
runs both), or written alone to bench/results/ledger-<time>.{json,md} when run by itself.
"""

# ruff: noqa: S603, S607, S608  (a benchmark: psql by name, SQL built from our own constants)
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SLUG = "million"
LEDGER_ROWS = int(os.environ.get("BENCH_LEDGER_ROWS", 1_000_000))
PER_VOTE_WON = 10
CLOSE_SECONDS = 2.0
EXPORT_PEAK_MB = 200.0
EXPORT_VS_COPY = 3.0


def _plain(url: str) -> str:
    return url.replace("+psycopg", "")


def build(url: str, rows: int) -> float:
    """Migrate ``url`` and fill it; seconds it took."""
    from sqlalchemy.orm import Session

    from campaign import migrate
    from campaign.db import make_engine
    from campaign.models import CampaignKind, Partner
    from campaign.rules.campaign_spec import BeneficiarySpec
    from tests.factories import action, make_campaign

    started = time.perf_counter()
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        first, second = Partner(name="평화의숲"), Partner(name="사랑의열매")
        session.add_all([first, second])
        session.flush()
        campaign = make_campaign(
            session,
            kind=CampaignKind.TEAM,
            slug=SLUG,
            title="백만 표",
            actions=(action("vote", label="투표", worth_won=PER_VOTE_WON),),
            purse_won=rows * PER_VOTE_WON,
            goal_won=rows * PER_VOTE_WON,
            beneficiaries=(BeneficiarySpec(first.id, 1), BeneficiarySpec(second.id, 2)),
            starts_at=now - timedelta(days=3),
            ends_at=now + timedelta(days=10),
        )
        session.commit()
        campaign_id = campaign.id
    engine.dispose()
    with psycopg.connect(_plain(url)) as conn:
        ids = {"c": campaign_id, "n": rows, "w": PER_VOTE_WON}
        action_type = conn.execute(
            "SELECT id FROM action_types WHERE campaign_id = %(c)s", ids
        ).fetchone()
        teams = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM teams WHERE campaign_id = %(c)s ORDER BY position", ids
            )
        ]
        ids |= {"t": action_type[0], "dog": teams[0], "cat": teams[1]}
        # The rows are consistent by construction: skip the foreign-key triggers while filling
        # (superuser only; the bench's PostgreSQL is its own).
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET work_mem = '256MB'")
        # Spread over three days (the daily sheet has three rows), in id order.
        conn.execute(
            "INSERT INTO users (email, display_name, password_hash, role, active, created_at) "
            "SELECT 'm' || g || '@bench.example', 'm' || g, '!', 'user', true, now() "
            "FROM generate_series(1, %(n)s) g",
            ids,
        )
        conn.execute(
            "INSERT INTO participants (campaign_id, user_id, team_id, joined_at, actions, stamps,"
            " gifted_won, matched_won) "
            "SELECT %(c)s, u.id, CASE WHEN u.id %% 2 = 0 THEN %(dog)s ELSE %(cat)s END, now(),"
            " 1, 0, 1000 + (u.id %% 10) * 100, 0 FROM users u WHERE u.email LIKE '%%@bench.example'"
            "",
            ids,
        )
        conn.execute(
            "INSERT INTO actions (campaign_id, user_id, action_type_id, team_id, stamps, won_due,"
            " source, counted_at, kst_day) "
            "SELECT %(c)s, p.user_id, %(t)s, p.team_id, 0, %(w)s, 'api', t.at,"
            " (t.at AT TIME ZONE 'Asia/Seoul')::date "
            "FROM participants p, LATERAL (SELECT now() - interval '2 days'"
            " + (p.id %% 3) * interval '1 day' AS at) t "
            "WHERE p.campaign_id = %(c)s",
            ids,
        )
        conn.execute(
            "INSERT INTO pledges (campaign_id, source, amount_won, user_id, team_id, action_id,"
            " anonymous, created_at, kst_day) "
            "SELECT %(c)s, 'action', %(w)s, a.user_id, a.team_id, a.id, false, a.counted_at,"
            " a.kst_day FROM actions a WHERE a.campaign_id = %(c)s",
            ids,
        )
        conn.execute(
            "INSERT INTO pledges (campaign_id, source, amount_won, user_id, anonymous, created_at,"
            " kst_day) "
            "SELECT %(c)s, 'crew', p.gifted_won, p.user_id, false, p.joined_at,"
            " (p.joined_at AT TIME ZONE 'Asia/Seoul')::date "
            "FROM participants p WHERE p.campaign_id = %(c)s",
            ids,
        )
        conn.execute(
            "INSERT INTO receipt_requests (campaign_id, user_id, legal_name, email, phone,"
            " consented_at) "
            "SELECT %(c)s, p.user_id, '홍길동' || p.user_id, 'm' || p.user_id || '@bench.example',"
            " '010-0000-' || lpad((p.user_id %% 10000)::text, 4, '0'), p.joined_at "
            "FROM participants p WHERE p.campaign_id = %(c)s",
            ids,
        )
        conn.execute(
            "UPDATE campaign_counters c SET actions = s.actions, participants = s.actions,"
            " sponsor_won = s.actions * %(w)s, crew_won = s.crew "
            "FROM (SELECT count(*) AS actions, sum(gifted_won) AS crew FROM participants"
            " WHERE campaign_id = %(c)s) s WHERE c.campaign_id = %(c)s AND c.shard = 0",
            ids,
        )
        conn.execute(
            "UPDATE team_counters c SET actions = s.n, participants = s.n, won = s.n * %(w)s "
            "FROM (SELECT team_id, count(*) AS n FROM participants WHERE campaign_id = %(c)s"
            " GROUP BY team_id) s WHERE c.team_id = s.team_id AND c.shard = 0",
            ids,
        )
        conn.commit()
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        for table in ("users", "participants", "actions", "pledges", "receipt_requests"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


# --- the measured steps, each run in a child: python -m bench ledger-step <step> <url> ------


def _child_close(url: str) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from campaign.db import make_engine
    from campaign.models import Campaign
    from campaign.services import lifecycle

    engine = make_engine(url)
    with Session(engine) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        session.commit()
        started = time.perf_counter()
        lifecycle.close(session, campaign, actor=None, now=datetime.now(UTC))
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds}


def _child_sweep(url: str) -> dict:
    """What the scheduler's sweep does while the campaign runs: hash the ledger's new slices."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from campaign.db import make_engine
    from campaign.models import Campaign
    from campaign.services.ledger_digest import keep_up

    engine = make_engine(url)
    with Session(engine) as session:
        campaign_id = session.scalar(select(Campaign.id).where(Campaign.slug == SLUG))
        started = time.perf_counter()
        hashed = keep_up(session, campaign_id)
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "slices": hashed}


def _child_export(url: str) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from campaign.db import make_engine
    from campaign.models import Campaign
    from campaign.services.exports import export_settlement

    engine = make_engine(url)
    with Session(engine) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        session.execute(select(1))
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        exported = export_settlement(
            session,
            campaign,
            partner_id=None,
            format_name="csv",
            actor=None,
            actor_label="bench",
            now=datetime.now(UTC),
        )
        with exported.file, open(os.devnull, "wb") as sink:
            for piece in exported.chunks():
                sink.write(piece)
        rows = exported.record.row_count
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "baseline_mb": baseline,
        "rows": rows,
        "bytes": exported.size,
    }


def _child_reconcile(url: str) -> dict:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from campaign.db import make_engine
    from campaign.models import Campaign
    from campaign.services.reconcile import reconcile

    engine = make_engine(url)
    with Session(engine) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        started = time.perf_counter()
        problems = [str(p) for p in reconcile(session, campaign.id)]
        seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "problems": problems[:5]}


STEPS = {
    "sweep": _child_sweep,
    "close": _child_close,
    "export": _child_export,
    "reconcile": _child_reconcile,
}


def step_main(argv: list[str]) -> None:
    name, url = argv
    print(json.dumps(STEPS[name](url)))


def _in_child(name: str, url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "ledger-step", name, url],
        capture_output=True,
        text=True,
        check=False,
        cwd=HERE.parent,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench ledger {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def copy_seconds(url: str) -> float:
    """psql \\copy of the export's receipt_donors rows (the same statement) to /dev/null."""
    with psycopg.connect(_plain(url)) as conn:
        campaign_id = conn.execute("SELECT id FROM campaigns WHERE slug = %s", (SLUG,)).fetchone()[
            0
        ]
    gifts = (
        "SELECT user_id, extract(year FROM kst_day) AS year, sum(amount_won) AS won, "
        "sum(CASE WHEN amount_won > 0 THEN 1 ELSE -1 END) AS gifts, "
        "min(kst_day) AS first_day, max(kst_day) AS last_day FROM pledges "
        f"WHERE campaign_id = {campaign_id} AND source = 'crew' AND user_id IS NOT NULL "
        "GROUP BY user_id, extract(year FROM kst_day)"
    )
    query = (
        "SELECT r.legal_name, r.email, r.phone, r.consented_at, g.won, r.id, r.status, "
        "r.donor_kind, r.id_number_sealed, r.id_number_masked, r.address, g.year, g.gifts, "
        f"g.first_day, g.last_day FROM receipt_requests r JOIN ({gifts}) g "
        f"ON g.user_id = r.user_id WHERE r.campaign_id = {campaign_id} AND g.won > 0 "
        "ORDER BY r.id, g.year"
    )
    started = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", _plain(url), "-c", f"\\copy ({query}) TO '/dev/null' WITH CSV"],
        check=True,
    )
    return time.perf_counter() - started


def run(url: str) -> dict:
    """Build the ledger in ``url`` (a fresh database) and measure; the report's ``ledger``."""
    rows = LEDGER_ROWS
    print(
        f"ledger: building {rows:,} actions / {2 * rows:,} pledges / {rows:,} receipts", flush=True
    )
    built = build(url, rows)
    print(f"ledger: built in {built:.1f} s", flush=True)
    sweep = _in_child("sweep", url)
    print(
        f"ledger: the sweep hashed {sweep['slices']} slices in {sweep['seconds']:.1f} s", flush=True
    )
    close = _in_child("close", url)
    print(f"ledger: close + settle {close['seconds']:.2f} s", flush=True)
    copy = min(copy_seconds(url) for _ in range(2))
    export = _in_child("export", url)
    print(
        f"ledger: export {export['seconds']:.2f} s (psql \\copy {copy:.2f} s), "
        f"peak {export['peak_mb']:.0f} MB",
        flush=True,
    )
    after = _in_child("reconcile", url)
    return {
        "rows": rows,
        "build_seconds": round(built, 1),
        "close_seconds": round(close["seconds"], 3),
        "close_met": close["seconds"] <= CLOSE_SECONDS,
        "sweep_seconds": round(sweep["seconds"], 2),
        "sweep_slices": sweep["slices"],
        "export_seconds": round(export["seconds"], 3),
        "copy_seconds": round(copy, 3),
        "export_vs_copy": round(export["seconds"] / copy, 2),
        "export_peak_mb": round(export["peak_mb"], 1),
        "export_baseline_mb": round(export["baseline_mb"], 1),
        "export_rows": export["rows"],
        "export_bytes": export["bytes"],
        "export_met": export["peak_mb"] <= EXPORT_PEAK_MB
        and export["seconds"] <= EXPORT_VS_COPY * copy,
        "reconcile_seconds": round(after["seconds"], 2),
        "reconcile_clean": not after["problems"],
        "problems": after["problems"],
    }


def markdown(ledger: dict) -> str:
    yes = {True: "yes", False: "**no**"}
    return "\n".join(
        [
            f"Ledger of {ledger['rows']:,} actions, {2 * ledger['rows']:,} pledges and "
            f"{ledger['rows']:,} receipt requests (PostgreSQL, built set-based in "
            f"{ledger['build_seconds']:g} s; reconcile {ledger['reconcile_seconds']:g} s, "
            f"{'clean' if ledger['reconcile_clean'] else 'NOT clean'} after the close):",
            "",
            "| step | measured | target | met |",
            "|---|---|---|---|",
            f"| close + settle (after a sweep kept the ledger digest: {ledger['sweep_slices']} "
            f"slices hashed in {ledger['sweep_seconds']:g} s while the campaign ran) "
            f"| {ledger['close_seconds']:.2f} s | ≤ {CLOSE_SECONDS:g} s "
            f"| {yes[ledger['close_met']]} |",
            f"| settlement export, CSV, {ledger['export_rows']:,} rows "
            f"({ledger['export_bytes'] / 1e6:.0f} MB) | {ledger['export_seconds']:.2f} s = "
            f"{ledger['export_vs_copy']:.2f} × psql \\copy ({ledger['copy_seconds']:.2f} s); "
            f"peak RSS {ledger['export_peak_mb']:.0f} MB (interpreter + product "
            f"{ledger['export_baseline_mb']:.0f} MB) | ≤ {EXPORT_VS_COPY:g} × \\copy, "
            f"≤ {EXPORT_PEAK_MB:g} MB | {yes[ledger['export_met']]} |",
            "",
        ]
    )


def measure(base: str) -> dict:
    """The whole phase on a fresh database beside ``base``'s, dropped afterwards."""
    from bench.http import drop_postgres, fresh_postgres

    name = base.rsplit("/", 1)[1].split("?")[0] + "_ledger"
    try:
        return run(fresh_postgres(base, name))
    finally:
        drop_postgres(base, name)


def main(argv: list[str]) -> None:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not base:
        sys.exit("python -m bench ledger needs BENCH_DATABASE_URL or TEST_DATABASE_URL")
    ledger = measure(base)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"ledger-{stamp}.json").write_text(json.dumps(ledger, indent=2))
    (RESULTS / f"ledger-{stamp}.md").write_text(markdown(ledger))
    print(markdown(ledger))
