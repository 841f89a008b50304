"""Alembic environment: the engine comes from campaign.migrate (config.attributes["engine"])."""

from __future__ import annotations

from typing import Any

from alembic import context

import campaign.models  # noqa: F401  (fills Base.metadata)
from campaign.db import Base
from campaign.models.types import UTCDateTime

config = context.config
engine = config.attributes["engine"]


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write app column types as plain SQLAlchemy types, so revisions never import app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
