"""Migration 0015 (experiment decisions and variants) keeps the data and the database's rules
both ways: the backlog's count triggers and its append-only history survive, the history
allows the new kind `decided` beside every kind allowed before, the new columns refuse what the
models never write, and the way back drops the decisions' events and keeps every other row."""

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
    "effort, customer_value, business_value, score, vote_count, result, created_at, "
    "updated_at) VALUES (1, 1, 1, 'Offer A', 'experiment', 1, 'done', 3, 5, 5, 3.3, 0, 'won', "
    ":now, :now)",
    "INSERT INTO backlog_items (id, workspace_id, team_id, title, kind, submitter_id, status, "
    "vote_count, created_at, updated_at) VALUES (2, 1, 1, 'Offer B', 'experiment', 1, "
    "'ready', 0, :now, :now)",
    "INSERT INTO backlog_events (id, workspace_id, team_id, item_id, actor_id, kind, data, "
    "occurred_at) VALUES (1, 1, 1, 1, 1, 'accepted', '{}', :now)",
]
DECIDED = (
    "INSERT INTO backlog_events (id, workspace_id, team_id, item_id, actor_id, kind, data, "
    "occurred_at) VALUES ({id}, 1, 1, 1, 1, '{kind}', '{{}}', :now)"
)


def _scalar(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _run(engine, sql):
    with engine.begin() as conn:
        conn.execute(text(sql), {"now": NOW})


def _refused(engine, sql):
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text(sql), {"now": NOW})


def test_decisions_and_variants_keep_rows_and_rules_both_ways(scratch_url):
    prepare_database(scratch_url, "0014")
    engine = make_engine(scratch_url)
    try:
        for row in SEED:
            _run(engine, row)
        upgrade(scratch_url, "0015")
        _run(engine, "UPDATE backlog_items SET decision = 'scale' WHERE id = 1")
        _run(engine, "UPDATE backlog_items SET variant_of_id = 1 WHERE id = 2")
        _run(engine, DECIDED.format(id=2, kind="decided"))
        _run(engine, DECIDED.format(id=3, kind="vote_added"))  # the kinds before, kept
        assert _scalar(engine, "SELECT count(*) FROM backlog_events") == 3
        # What the models never write is refused by the database itself.
        _refused(engine, "UPDATE backlog_items SET decision = 'maybe'")
        _refused(engine, "UPDATE backlog_items SET variant_of_id = 99")
        _refused(engine, DECIDED.format(id=4, kind="pondered"))
        # The history is still append-only; the count triggers still count.
        _refused(engine, "UPDATE backlog_events SET kind = 'moved'")
        _run(engine, "UPDATE backlog_items SET status = 'planned' WHERE id = 2")
        assert _scalar(engine, "SELECT ready_items FROM teams") == 0

        downgrade(scratch_url, "0014")
        assert _scalar(engine, "SELECT count(*) FROM backlog_items") == 2
        assert _scalar(engine, "SELECT count(*) FROM backlog_events") == 2  # decisions gone
        _refused(engine, DECIDED.format(id=5, kind="decided"))
        _refused(engine, "UPDATE backlog_events SET kind = 'moved'")
        _run(engine, "UPDATE backlog_items SET status = 'ready' WHERE id = 2")
        assert _scalar(engine, "SELECT ready_items FROM teams") == 1
        upgrade(scratch_url, "0015")
        assert _scalar(engine, "SELECT variant_of_id FROM backlog_items WHERE id = 2") is None
    finally:
        engine.dispose()
