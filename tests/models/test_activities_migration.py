"""Migration 0012 (activities and actual effort) keeps the data and the database's rules: the
backlog's count triggers survive the columns added in place, the new columns refuse what the
models never write, and the way back keeps every row."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import make_engine
from bot.migrate import downgrade, upgrade
from tests.databases import prepare_database

NOW = "2026-11-30 09:00:00"


SEED = [
    "INSERT INTO workspaces (id, slack_team_id, created_at) VALUES (1, 'T0MIGRATE', :now)",
    "INSERT INTO people (id, workspace_id, slack_user_id, is_workspace_admin, deleted, "
    "created_at) VALUES (1, 1, 'U0MIGRATE', false, false, :now)",
    "INSERT INTO teams (id, workspace_id, name, channel_id, admin_channel_id, owner_id, "
    "scrum_master_id, sprint_length_weeks, standup_time, working_days, time_zone, language, "
    "created_at, updated_at) VALUES (1, 1, 'Team', 'C0MIGRATE', 'C0MIGADMN', 1, 1, 2, "
    "'09:30:00', 31, 'UTC', 'en', :now, :now)",
    "INSERT INTO backlog_items (id, workspace_id, team_id, title, kind, submitter_id, status, "
    "effort, customer_value, business_value, score, vote_count, created_at, updated_at) "
    "VALUES (1, 1, 1, 'Kept', 'content', 1, 'planned', 3, 5, 5, 3.3, 0, :now, :now)",
    "INSERT INTO sprints (id, workspace_id, team_id, number, goal, start_date, end_date, "
    "length_weeks, capacity, state, created_by_id, created_at, updated_at) VALUES (1, 1, 1, 1, "
    "'Goal', '2026-11-30', '2026-12-13', 2, 10, 'active', 1, :now, :now)",
    "INSERT INTO sprint_items (id, workspace_id, sprint_id, item_id, state, points, committed, "
    "added_at) VALUES (1, 1, 1, 1, 'doing', 3, true, :now)",
]


def _scalar(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _refused(engine, sql):
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text(sql), {"now": NOW})


def test_activities_and_actual_effort_keep_rows_and_rules_both_ways(scratch_url):
    prepare_database(scratch_url, "0011")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            for row in SEED:
                conn.execute(text(row), {"now": NOW})
        upgrade(scratch_url, "0012")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO team_activities (id, workspace_id, team_id, name, created_at, "
                    "updated_at) VALUES (7, 1, 1, 'Influencers', :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(text("UPDATE backlog_items SET activity = 'content' WHERE id = 1"))
            conn.execute(text("UPDATE sprint_items SET state = 'done', actual_points = 5"))
        assert _scalar(engine, "SELECT activity FROM backlog_items") == "content"
        assert _scalar(engine, "SELECT actual_points FROM sprint_items") == 5
        # What the models never write is refused by the database itself.
        _refused(engine, "UPDATE backlog_items SET activity = 'juggling'")
        _refused(engine, "UPDATE backlog_items SET activity_id = 7")  # and a built-in one
        _refused(engine, "UPDATE sprint_items SET actual_points = 0")
        _refused(
            engine,
            "INSERT INTO team_activities (workspace_id, team_id, created_at, updated_at) "
            "VALUES (1, 1, :now, :now)",
        )
        # The count triggers of backlog_items still work after the columns were added.
        with engine.begin() as conn:
            conn.execute(text("UPDATE backlog_items SET status = 'ready'"))
        assert _scalar(engine, "SELECT ready_items FROM teams") == 1

        downgrade(scratch_url, "0011")
        assert _scalar(engine, "SELECT title FROM backlog_items") == "Kept"
        assert _scalar(engine, "SELECT points FROM sprint_items") == 3
        with engine.begin() as conn:
            conn.execute(text("UPDATE backlog_items SET status = 'declined'"))
        assert _scalar(engine, "SELECT ready_items FROM teams") == 0
        upgrade(scratch_url, "0012")
        assert _scalar(engine, "SELECT activity FROM backlog_items") is None
    finally:
        engine.dispose()
