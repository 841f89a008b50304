"""Statements that PostgreSQL and SQLite both support but spell through different constructs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(session: Session, table: Table | type) -> Any:
    """An INSERT that knows ON CONFLICT, for the session's database (of a table or an ORM
    entity, whose RETURNING then hands back objects)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
