"""The Home tab's reads, as the database plans them: a person's own ideas come from the index
on the submitter, reading only their rows however many items the workspace has."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from bot.db import unit_of_work
from bot.models import BacklogItem, ItemKind, Person, Team
from bot.services import home, teams, workspaces
from tests.scenario import team_settings

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_a_persons_own_ideas_are_read_by_the_submitter_index(
    session_factory, workspace_id, engine, is_postgres
):
    if is_postgres:
        pytest.skip("PostgreSQL plans by its statistics; SQLite's plan is fixed by the schema")
    with unit_of_work(session_factory, workspace_id) as session:
        owner = workspaces.person(session, "U0OWNER01")
        team, _ = teams.save_team(session, "C0TEAM001", team_settings(), owner, NOW)
        session.add(
            BacklogItem(
                workspace_id=workspace_id,
                team_id=team.id,
                title="Idea",
                kind=ItemKind.CONTENT,
                submitter_id=owner.id,
            )
        )
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "backlog_items.submitter_id" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with unit_of_work(session_factory, workspace_id) as session:
            person = session.get_one(Person, owner.id)
            assert session.get_one(Team, team.id)
            home.home(session, person, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    [(statement, parameters)] = [s for s in statements if "ORDER BY backlog_items.id DESC" in s[0]]
    with engine.connect() as conn:
        plan = " ".join(
            row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        )
    assert "USING INDEX ix_backlog_items_submitter_id" in plan, plan
    assert "SCAN backlog_items" not in plan, plan  # only this person's rows are read
