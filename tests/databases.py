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


def empty_all_tables(engine: Engine) -> None:
    """Delete every row, children first. (DELETE on small tables beats TRUNCATE's fixed cost.)"""
    deletes = [f'DELETE FROM "{t.name}"' for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join(deletes))  # one round trip
        else:
            # A match points at its gift and a reversal at what it reverses, ON DELETE RESTRICT,
            # which SQLite checks row by row: delete the pledges nothing points at, until none
            # are left, before the plain DELETEs.
            while conn.exec_driver_sql(
                'DELETE FROM "pledges" WHERE id NOT IN (SELECT reverses_id FROM "pledges" '
                'WHERE reverses_id IS NOT NULL UNION SELECT matches_id FROM "pledges" '
                "WHERE matches_id IS NOT NULL)"
            ).rowcount:
                pass
            for statement in deletes:
                conn.exec_driver_sql(statement)
