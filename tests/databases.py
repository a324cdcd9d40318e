"""Scratch databases for the tests and the benchmarks: a fresh schema from Alembic only."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db import make_engine
from bot.migrate import upgrade


def prepare_database(url: str, revision: str = "head") -> None:
    """Migrate `url` to `revision` from nothing. On PostgreSQL, create the database if it is missing
    (so a developer needs no set-up step) and drop its public schema first."""
    if url.startswith("postgresql"):
        target = make_url(url)
        admin = make_engine(
            target.set(database="postgres").render_as_string(hide_password=False),
            isolation_level="AUTOCOMMIT",
        )
        try:
            with admin.connect() as conn:
                exists = conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
                ).scalar()
                if not exists:
                    conn.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
        finally:
            admin.dispose()
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        engine.dispose()
    upgrade(url, revision)
