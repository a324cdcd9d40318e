"""Migration 0014 (followed ideas and campaign slices) keeps the data and the database's rules:
every existing idea is followed by its submitter, the history takes the new kind of event and
stays append-only, and the way back drops what the migration added."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import make_engine
from bot.migrate import downgrade, upgrade
from tests.databases import prepare_database
from tests.models.test_migrations import NOW, _scalar, _seed_before_sprints


def test_ideas_are_followed_by_their_submitters_and_the_history_takes_splits(scratch_url):
    prepare_database(scratch_url, "0013")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            _seed_before_sprints(conn)
        upgrade(scratch_url, "0014")
        with engine.connect() as conn:
            followers = conn.execute(text("SELECT item_id, person_id FROM idea_followers")).all()
        assert [tuple(row) for row in followers] == [(1, 1)]
        split = (
            "INSERT INTO backlog_events (id, workspace_id, team_id, item_id, actor_id, kind, "
            "data, occurred_at) VALUES (:id, 1, 1, 1, 1, 'split', '{}', :now)"
        )
        with engine.begin() as conn:
            conn.execute(text(split), {"id": 2, "now": NOW})
            conn.execute(text("UPDATE backlog_items SET slice_number = 1 WHERE id = 1"))
            conn.execute(text("UPDATE backlog_items SET status = 'proposed' WHERE id = 1"))
        assert _scalar(engine, "SELECT ready_items FROM teams") == 0  # count triggers kept
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("UPDATE backlog_events SET kind = 'moved'"))

        downgrade(scratch_url, "0013")
        assert _scalar(engine, "SELECT count(*) FROM backlog_events") == 1  # the split's gone
        with pytest.raises(DBAPIError, match="backlog_event_kind"), engine.begin() as conn:
            conn.execute(text(split), {"id": 3, "now": NOW})
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("UPDATE backlog_events SET kind = 'moved'"))
        upgrade(scratch_url)
    finally:
        engine.dispose()
