"""The schema comes from Alembic alone: upgrade head matches the models, downgrade works."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import campaign.models  # noqa: F401
from campaign import migrate
from campaign.db import Base, make_engine
from tests.conftest import BACKENDS, need_postgres
from tests.databases import drop_postgres_schema, new_postgres_schema, new_sqlite_url


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield new_sqlite_url(tmp_path, "migrations")
        return
    base = need_postgres()
    schema, url = new_postgres_schema(base, prefix="mig")
    yield url
    drop_postgres_schema(base, schema)


def test_upgrade_head_matches_the_models_and_downgrade_works(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"

        script = ScriptDirectory.from_config(migrate.alembic_config(engine))
        head = script.get_current_head()
        previous = script.get_revision(head).down_revision
        migrate.downgrade(engine, "-1")
        assert migrate.current_revision(engine) == previous
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == head
    finally:
        engine.dispose()


def test_revision_files_carry_a_date() -> None:
    files = sorted(p.name for p in (migrate.MIGRATIONS / "versions").glob("*.py"))
    assert files
    for name in files:
        assert name[:8].isdigit() and name[8] == "_", name


def test_one_head() -> None:
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    assert len(script.get_heads()) == 1
