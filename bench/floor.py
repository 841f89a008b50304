"""The two reference endpoints, served under the same gunicorn settings as the product.

- ``GET /hello``: Flask and nothing else (the bare floor);
- ``POST /write``: one INSERT and one counter UPDATE with SQLAlchemy, in one transaction, through
  the product's own engine settings (the write floor).

``gunicorn 'bench.floor:create_app()'`` with BENCH_FLOOR_DATABASE_URL set.
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import text

from campaign.db import make_engine

INSERT = text("INSERT INTO floor_rows (n) VALUES (1)")
BUMP = text("UPDATE floor_counter SET n = n + 1 WHERE id = 1")


def prepare(url: str) -> None:
    """Create the floor's two tables, empty."""
    engine = make_engine(url)
    serial = "INTEGER PRIMARY KEY" if url.startswith("sqlite") else "BIGSERIAL PRIMARY KEY"
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_rows")
        conn.exec_driver_sql("DROP TABLE IF EXISTS floor_counter")
        conn.exec_driver_sql(f"CREATE TABLE floor_rows (id {serial}, n INTEGER)")
        conn.exec_driver_sql("CREATE TABLE floor_counter (id INTEGER PRIMARY KEY, n BIGINT)")
        conn.exec_driver_sql("INSERT INTO floor_counter VALUES (1, 0)")
    engine.dispose()


def create_app() -> Flask:
    app = Flask(__name__)
    engine = make_engine(os.environ["BENCH_FLOOR_DATABASE_URL"])

    @app.get("/hello")
    def hello() -> str:
        return "hello"

    @app.post("/write")
    def write() -> tuple[str, int]:
        with engine.begin() as conn:
            conn.execute(INSERT)
            conn.execute(BUMP)
        return "ok", 201

    return app
