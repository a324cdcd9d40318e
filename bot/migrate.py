"""Run Alembic from the application (for `agilebot migrate` and the tests), and tell whether
a database is at the latest migration without loading Alembic (every `agilebot tick` asks)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


def heads() -> set[str]:
    """The latest revisions: those no other migration names as its `down_revision`, read from
    the migration files themselves (the tests check this against Alembic's own answer)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name, value = node.target.id, node.value
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                name, value = node.targets[0].id, node.value
            else:
                continue
            if value is None or name not in ("revision", "down_revision"):
                continue
            found = ast.literal_eval(value)
            named = {found} if isinstance(found, str) else set(found or ())
            (revisions if name == "revision" else parents).update(named)
    return revisions - parents


def is_current(engine: Engine) -> bool:
    """Whether the database is at the latest migration."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    return current == heads()
