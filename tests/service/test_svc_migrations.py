"""Alembic: upgrade head on an empty database, then the migrated schema equals the ORM metadata."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from service.migrate import alembic_config, upgrade
from service.models import Base

from svc_helpers import fresh_database


def _diff(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_postgres_upgrade_head_matches_models(pg_url):
    with fresh_database(pg_url) as url:
        engine = create_engine(url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
        upgrade(url)
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
        assert {"owners", "api_keys", "models", "datasets", "jobs", "artifacts", "alembic_version"} <= tables
        assert _diff(url) == []


def test_postgres_downgrade_then_upgrade(pg_url):
    from alembic import command

    with fresh_database(pg_url) as url:
        upgrade(url)
        command.downgrade(alembic_config(url), "base")
        engine = create_engine(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        upgrade(url)
        assert _diff(url) == []


def test_sqlite_upgrade_head_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    upgrade(url)
    assert _diff(url) == []
