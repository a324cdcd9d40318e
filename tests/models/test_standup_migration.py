"""Migration 0010 keeps every standup answer: its three replies move, in order, into the
answer's replies (no question set: the three presets), a reminder already sent is counted, and
teams keep their one reminder; and back."""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.db import make_engine
from bot.migrate import downgrade, upgrade
from tests.databases import prepare_database
from tests.models.test_migrations import NOW, _scalar, _seed_before_sprints


def test_answers_keep_their_replies_and_prompts_their_reminder(scratch_url):
    prepare_database(scratch_url, "0009")
    engine = make_engine(scratch_url)
    try:
        with engine.begin() as conn:
            _seed_before_sprints(conn)
            for row in (
                "UPDATE teams SET standup_reminder_minutes = 60",
                "INSERT INTO standup_days (id, workspace_id, team_id, day, created_at) "
                "VALUES (1, 1, 1, '2026-11-23', :now)",
                "INSERT INTO standup_answers (id, workspace_id, standup_day_id, person_id, "
                "done, next, blockers, item_ids, answered_at, updated_at) "
                "VALUES (1, 1, 1, 1, 'Copy', NULL, 'Legal', '[1]', :now, :now)",
                "INSERT INTO blockers (id, workspace_id, team_id, answer_id, person_id, text, "
                "raised_at) VALUES (1, 1, 1, 1, 1, 'Legal', :now)",
                "INSERT INTO standup_prompts (id, workspace_id, team_id, person_id, day, due_at, "
                "sent_at, reminded_at) VALUES (1, 1, 1, 1, '2026-11-23', :now, :now, :now)",
                "INSERT INTO standup_prompts (id, workspace_id, team_id, person_id, day, due_at, "
                "sent_at) VALUES (2, 1, 1, 1, '2026-11-24', :now, :now)",
            ):
                conn.execute(text(row), {"now": NOW})
        upgrade(scratch_url)
        with engine.connect() as conn:
            replies, set_id = conn.execute(
                text("SELECT replies, question_set_id FROM standup_answers")
            ).one()
            sent = conn.execute(
                text("SELECT reminders_sent FROM standup_prompts ORDER BY id")
            ).scalars()
            assert list(sent) == [1, 0]
        replies = json.loads(replies) if isinstance(replies, str) else replies
        assert (replies, set_id) == (["Copy", None, "Legal"], None)
        assert _scalar(engine, "SELECT count(*) FROM blockers") == 1  # the rebuild kept it
        assert _scalar(engine, "SELECT standup_reminder_minutes FROM teams") == 60
        assert _scalar(engine, "SELECT standup_second_reminder_minutes FROM teams") == 0
        assert _scalar(engine, "SELECT standup_days FROM teams") is None

        downgrade(scratch_url, "0009")
        with engine.connect() as conn:
            back = conn.execute(text("SELECT done, next, blockers FROM standup_answers")).one()
        assert tuple(back) == ("Copy", None, "Legal")
        assert _scalar(engine, "SELECT count(*) FROM blockers") == 1
        upgrade(scratch_url)
    finally:
        engine.dispose()
