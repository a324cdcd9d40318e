"""Migrations keep the data: a rebuilt table on SQLite loses no rows that refer to it, and the
database's own rules (count triggers, append-only ledgers) survive the rebuild."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db import make_engine
from bot.migrate import downgrade, upgrade
from tests.databases import prepare_database

NOW = "2026-11-23 09:00:00"


def _seed_before_sprints(conn) -> None:
    rows = [
        "INSERT INTO workspaces (id, slack_team_id, created_at) VALUES (1, 'T0MIGRATE', :now)",
        "INSERT INTO people (id, workspace_id, slack_user_id, is_workspace_admin, created_at) "
        "VALUES (1, 1, 'U0MIGRATE', false, :now)",
        "INSERT INTO teams (id, workspace_id, name, channel_id, admin_channel_id, owner_id, "
        "scrum_master_id, sprint_length_weeks, standup_time, working_days, time_zone, language, "
        "created_at, updated_at) VALUES (1, 1, 'Team', 'C0MIGRATE', 'C0MIGADMN', 1, 1, 2, "
        "'09:30:00', 31, 'UTC', 'en', :now, :now)",
        "INSERT INTO backlog_items (id, workspace_id, team_id, title, kind, submitter_id, status, "
        "effort, customer_value, business_value, score, vote_count, created_at, updated_at) "
        "VALUES (1, 1, 1, 'Kept', 'content', 1, 'ready', 3, 5, 5, 3.3, 1, :now, :now)",
        "INSERT INTO votes (id, workspace_id, item_id, person_id, created_at) "
        "VALUES (1, 1, 1, 1, :now)",
        "INSERT INTO backlog_events (id, workspace_id, team_id, item_id, actor_id, kind, data, "
        "occurred_at) VALUES (1, 1, 1, 1, 1, 'accepted', '{}', :now)",
    ]
    for row in rows:
        conn.execute(text(row), {"now": NOW})


def _scalar(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_the_sprint_migration_keeps_rows_and_rules(scratch_url):
    prepare_database(scratch_url, "0002")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            _seed_before_sprints(conn)
        upgrade(scratch_url)
        # The rebuilt backlog_items table kept its rows and the rows that refer to it.
        assert _scalar(engine, "SELECT count(*) FROM votes") == 1
        assert _scalar(engine, "SELECT count(*) FROM backlog_events") == 1
        assert _scalar(engine, "SELECT ready_items FROM teams") == 1
        with engine.begin() as conn:  # the new status, and the count triggers still work
            conn.execute(text("UPDATE backlog_items SET status = 'planned' WHERE id = 1"))
        assert _scalar(engine, "SELECT ready_items FROM teams") == 0
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sprints (id, workspace_id, team_id, number, goal, start_date, "
                    "end_date, length_weeks, capacity, state, created_by_id, created_at, "
                    "updated_at) VALUES (1, 1, 1, 1, 'Goal', '2026-11-23', '2026-12-06', 2, 10, "
                    "'active', 1, :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO sprint_changes (workspace_id, sprint_id, item_id, kind, "
                    "scope_points, scope_items, done_points, done_items, data, occurred_at) "
                    "VALUES (1, 1, 1, 'committed', 3, 1, 0, 0, '{}', :now)"
                ),
                {"now": NOW},
            )
            conn.execute(text("UPDATE sprint_changes SET scope_points = 99"))
        # And back: a planned item returns to the backlog.
        downgrade(scratch_url, "0002")
        assert _scalar(engine, "SELECT status FROM backlog_items") == "ready"
        assert _scalar(engine, "SELECT ready_items FROM teams") == 1
        assert _scalar(engine, "SELECT count(*) FROM votes") == 1
        upgrade(scratch_url)
    finally:
        engine.dispose()


def test_a_blockers_message_becomes_its_first_card_and_back(scratch_url):
    prepare_database(scratch_url, "0005")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            _seed_before_sprints(conn)
            for row in (
                "INSERT INTO standup_days (id, workspace_id, team_id, day, created_at) "
                "VALUES (1, 1, 1, '2026-11-23', :now)",
                "INSERT INTO standup_answers (id, workspace_id, standup_day_id, person_id, "
                "blockers, item_ids, answered_at, updated_at) "
                "VALUES (1, 1, 1, 1, 'Legal', '[]', :now, :now)",
                # Raised again already: only its first message was ever kept.
                "INSERT INTO blockers (id, workspace_id, team_id, answer_id, person_id, text, "
                "raised_at, channel_id, message_ts, reraised_at) "
                "VALUES (1, 1, 1, 1, 1, 'Legal', :now, 'C0MIGADMN', '1700000000.000100', :now)",
            ):
                conn.execute(text(row), {"now": NOW})
        upgrade(scratch_url)
        with engine.connect() as conn:
            cards = conn.execute(text("SELECT channel_id, ts, again FROM blocker_cards")).all()
        assert [(c, t, bool(a)) for c, t, a in cards] == [("C0MIGADMN", "1700000000.000100", False)]
        assert _scalar(engine, "SELECT deleted FROM people") in (False, 0)
        downgrade(scratch_url, "0005")
        assert _scalar(engine, "SELECT message_ts FROM blockers") == "1700000000.000100"
        upgrade(scratch_url)
    finally:
        engine.dispose()


def test_the_latest_revision_is_read_as_alembic_reads_it(scratch_url):
    """`agilebot tick` checks the schema without loading Alembic: same heads, same answer."""
    from alembic.script import ScriptDirectory

    from bot.migrate import MIGRATIONS_DIR, heads, is_current

    assert heads() == set(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    prepare_database(scratch_url, "0005")
    engine = make_engine(scratch_url)
    try:
        assert not is_current(engine)
        upgrade(scratch_url)
        assert is_current(engine)
    finally:
        engine.dispose()
