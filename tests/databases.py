"""Test databases: a migrated SQLite file and, when TEST_DATABASE_URL is set, a PostgreSQL schema
of its own (so runs never share tables). Both are emptied between tests."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, text

from campaign import migrate
from campaign.db import Base, make_engine

PG_ENV = "TEST_DATABASE_URL"
PG_SKIP_REASON = f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1/test)"


def postgres_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def new_postgres_schema(base_url: str, prefix: str = "t") -> tuple[str, str]:
    """Create an empty schema; returns (its name, a URL whose connections use it)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = make_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, with_search_path(base_url, schema)


def drop_postgres_schema(base_url: str, schema: str) -> None:
    engine = make_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def new_sqlite_url(directory: Path, name: str = "test") -> str:
    return f"sqlite:///{directory / f'{name}-{uuid.uuid4().hex[:8]}.db'}"


def migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine


BIG = 5_000  # actions; a seeded demo has ~180,000


def empty_all_tables(engine: Engine) -> None:
    """Delete every row, children first. (DELETE on small tables beats TRUNCATE's fixed cost;
    after a seeded demo, TRUNCATE on PostgreSQL and DELETE without foreign-key checks on SQLite
    take ~0.2 s where checked DELETEs took 5–7 s.)"""
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            big = conn.exec_driver_sql(
                f"SELECT count(*) FROM (SELECT 1 FROM actions LIMIT {BIG}) AS first_rows"
            ).scalar()
            if big == BIG:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                conn.exec_driver_sql(f"TRUNCATE {names}")
            else:
                conn.exec_driver_sql("; ".join(deletes))  # one round trip
        return
    # Every table is emptied, so checking each deleted row's references is wasted work (and
    # SQLite checks them row by row, ON DELETE RESTRICT); without the checks a DELETE of a
    # whole table drops its pages at once. The pragma only changes outside a transaction.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        try:
            cursor.execute("BEGIN IMMEDIATE")
            for statement in deletes:
                cursor.execute(statement)
            cursor.execute("COMMIT")
        finally:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    finally:
        raw.close()
