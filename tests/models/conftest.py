"""The migration tests' own database: a scratch one each test migrates as it needs."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import database_url


@pytest.fixture
def scratch_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database apart from the suite's (on PostgreSQL, the worker's with "_migrations")."""
    url = database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        target = make_url(url)
        url = target.set(database=f"{target.database}_migrations").render_as_string(
            hide_password=False
        )
    return url
