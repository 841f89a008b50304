"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL is set and is skipped with a reason otherwise; with
REQUIRE_POSTGRES=1 (as in CI) a missing PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from campaign import create_app
from tests.databases import (
    PG_SKIP_REASON,
    drop_postgres_schema,
    empty_all_tables,
    migrated_engine,
    new_postgres_schema,
    new_sqlite_url,
    postgres_base_url,
)
from tests.mailbox import Mailbox, mail_settings, start_server

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def need_postgres() -> str:
    url = postgres_base_url()
    if url is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip(PG_SKIP_REASON)
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under REQUIRE_POSTGRES=1 a run with any skipped test has not proved both databases."""
    if os.environ.get("REQUIRE_POSTGRES") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line("REQUIRE_POSTGRES=1: skipped tests count as failures", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("instance")
    os.environ["CAMPAIGN_INSTANCE_PATH"] = str(path)
    return path


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    url = new_sqlite_url(tmp_path_factory.mktemp("db"))
    engine = migrated_engine(url)
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[tuple[str, Engine]]:
    base = need_postgres()
    schema, url = new_postgres_schema(base)
    engine = migrated_engine(url)
    yield url, engine
    engine.dispose()
    drop_postgres_schema(base, schema)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest) -> tuple[str, Engine]:
    """(url, engine) of a migrated database, emptied before the test."""
    url, engine = request.getfixturevalue(f"{backend}_database")
    empty_all_tables(engine)
    return url, engine


@pytest.fixture
def db_url(database: tuple[str, Engine]) -> str:
    return database[0]


@pytest.fixture
def engine(database: tuple[str, Engine]) -> Engine:
    return database[1]


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for service tests. Services only flush; tests commit when they need to."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


def test_config(db_url: str, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "CREW_EMAIL_DOMAINS": ("aesseuji.example",),
        **overrides,
    }


@pytest.fixture
def make_app(db_url: str) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test database with some settings changed."""
    apps: list[Flask] = []

    def build(**overrides: object) -> Flask:
        apps.append(create_app(test_config(db_url, **overrides)))
        return apps[-1]

    yield build
    for built in apps:
        built.extensions["campaign.db"].engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[tuple[Mailbox, dict[str, object]]]:
    mailbox = Mailbox()
    controller = start_server(mailbox)
    yield mailbox, mail_settings(controller)
    controller.stop()


@pytest.fixture
def mailbox(_smtp_server: tuple[Mailbox, dict[str, object]]) -> Mailbox:
    """What a real local SMTP server received during this test (``mail_app`` sends there)."""
    mailbox, _settings = _smtp_server
    mailbox.messages.clear()
    return mailbox


@pytest.fixture
def mail_app(
    make_app: Callable[..., Flask],
    mailbox: Mailbox,
    _smtp_server: tuple[Mailbox, dict[str, object]],
) -> Flask:
    """The app, sending its mail to the test SMTP server."""
    return make_app(**_smtp_server[1])
