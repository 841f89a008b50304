"""Engine, sessions and the declarative base.

SQLite (the embedded default) runs in WAL mode with a busy timeout, and every transaction that
may write begins IMMEDIATE: two writers then queue for the lock instead of one failing with
"database is locked" or losing an update. Requests that only read (GET/HEAD) use a deferred
transaction so page views never wait for a writer.

Each request is one unit of work (``unit_of_work``): views and services only flush; the boundary
commits when the view answers below 400 and rolls back when it raises or answers an error, unless
the view called ``keep_on_error`` because its refusal must still be recorded (a failed log-in
counts toward the lock; a refused webhook delivery stays in the log). Work that must follow the
commit (mail) is queued with ``after_commit``.

PostgreSQL gets ``pool_pre_ping`` and a pool that a forked child (a gunicorn worker after
``--preload``) never inherits.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import BigInteger, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BEGIN = "sqlite_begin"
CONNECT_TIMEOUT_SECONDS = 5
POOL_TIMEOUT_SECONDS = 10


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Money and counters are BIGINT everywhere: 130 million votes overflow nothing. SQLite's
    # INTEGER is already 64-bit and only "INTEGER PRIMARY KEY" autoincrements.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        int: BigInteger().with_variant(Integer(), "sqlite")
    }


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN; pysqlite's own implicit
        # transaction handling would begin DEFERRED and too late.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with the settings this app relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10}, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # pool_pre_ping replaces a pooled connection that died (a database restart); a connection
    # that breaks mid-request is invalidated by SQLAlchemy and never returns to the pool. Bounded
    # waits turn an unreachable database into a prompt 503 instead of a hung worker.
    kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT_SECONDS)
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    # A child process must open its own connections; sharing a socket with the parent
    # interleaves two conversations on one connection.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


class Database:
    """The app's engine and session factories (one per app)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"}), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises."""
        with self.sessions() as session, session.begin():
            yield session


def init_app(app: Flask) -> None:
    app.extensions["campaign.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def unit_of_work(app: Flask) -> None:
    """Make every view of ``app`` one transaction (call after registering the blueprints).

    The commit runs inside the view's dispatch, so a commit that fails (the database went
    away, a constraint) is answered by the app's error handlers like any other error.
    """
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "in_unit_of_work", False):
            app.view_functions[endpoint] = _in_unit_of_work(view)


def _in_unit_of_work(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Response:
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            _finish(commit=g.get("db_keep_on_error", False))
            raise
        _finish(commit=response.status_code < 400 or g.get("db_keep_on_error", False))
        return response

    run.in_unit_of_work = True  # type: ignore[attr-defined]
    return run


def _finish(*, commit: bool) -> None:
    session: Session | None = g.get("db_session")
    callbacks: list[Callable[[], Any]] = g.pop("db_after_commit", [])
    if not commit:
        if session is not None:
            session.rollback()
        return
    if session is not None:
        session.commit()
    for callback in callbacks:
        callback()


def keep_on_error() -> None:
    """Commit this request's work even though it answers an error (or raises one): the
    refusal itself must be recorded."""
    g.db_keep_on_error = True


def discard_changes() -> None:
    """Drop what this request wrote so far, now (before a refused request renders its page,
    so nothing of it shows); later work of the request is committed as usual."""
    session: Session | None = g.get("db_session")
    if session is not None:
        session.rollback()


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once this request's work is committed (never when it rolls back)."""
    g.setdefault("db_after_commit", []).append(callback)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["campaign.db"]


def get_session() -> Session:
    """The session of the current request or app context, opened on first use."""
    if "db_session" not in g:
        db = database()
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        g.db_session = (db.read_sessions if reading else db.sessions)()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
