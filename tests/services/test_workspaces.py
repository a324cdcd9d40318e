"""Every row belongs to a workspace; no query can read another workspace's data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from bot.db import CrossWorkspaceWrite, unit_of_work, unscoped_unit_of_work
from bot.errors import NotFound
from bot.models import BacklogEvent, BacklogItem, ItemKind, Person, Team, Vote, Workspace
from bot.services import backlog, teams, workspaces
from bot.services.backlog import IdeaDraft

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _workspace_with_item(factory, slack_team_id):
    with unscoped_unit_of_work(factory) as session:
        workspace_id = workspaces.ensure_workspace(session, slack_team_id, None)
    with unit_of_work(factory, workspace_id) as session:
        owner = workspaces.person(session, "U0SAMEID1")  # the same Slack id in both workspaces
        team = Team(
            name=f"Team of {slack_team_id}",
            channel_id="C0SAMEID1",
            admin_channel_id="C0ADMIN01",
            owner=owner,
            scrum_master=owner,
        )
        session.add(team)
        session.flush()
        draft = IdeaDraft("Secret plan", None, ItemKind.CAMPAIGN, None, None, None, None)
        item = backlog.submit_idea(session, team, owner, draft, NOW)
        backlog.toggle_vote(session, item.id, owner, NOW)
        return workspace_id, item.id


def test_queries_only_see_their_workspace(session_factory):
    a, item_a = _workspace_with_item(session_factory, "T0AAAAAA1")
    b, item_b = _workspace_with_item(session_factory, "T0BBBBBB1")
    with unit_of_work(session_factory, a) as session:
        for model in (Person, Team, BacklogItem, Vote, BacklogEvent):
            rows = session.scalars(select(model)).all()
            assert rows and {r.workspace_id for r in rows} == {a}, model
        assert teams.team_for_channel(session, "C0SAMEID1").name == "Team of T0AAAAAA1"
        with pytest.raises(NotFound):
            backlog.get_item(session, item_b)
        assert session.get(BacklogItem, item_b) is None
        # Joins are filtered too.
        joined = (
            session.execute(select(BacklogItem.id).join(Team, Team.id == BacklogItem.team_id))
            .scalars()
            .all()
        )
        assert joined == [item_a]
        # Bulk UPDATEs cannot reach the other workspace.
        session.execute(update(BacklogItem).values(title="renamed"))
    with unit_of_work(session_factory, b) as session:
        assert backlog.get_item(session, item_b).title == "Secret plan"


def test_a_vote_on_another_workspaces_item_is_not_found(session_factory):
    a, _ = _workspace_with_item(session_factory, "T0AAAAAA1")
    _, item_b = _workspace_with_item(session_factory, "T0BBBBBB1")
    with unit_of_work(session_factory, a) as session, pytest.raises(NotFound):
        backlog.toggle_vote(session, item_b, workspaces.person(session, "U0SAMEID1"), NOW)
    with unscoped_unit_of_work(session_factory) as session:
        assert session.get(BacklogItem, item_b).vote_count == 1


def test_writing_into_another_workspace_is_refused(session_factory):
    a, _ = _workspace_with_item(session_factory, "T0AAAAAA1")
    b, _ = _workspace_with_item(session_factory, "T0BBBBBB1")
    with pytest.raises(CrossWorkspaceWrite), unit_of_work(session_factory, a) as session:
        session.add(Person(workspace_id=b, slack_user_id="U0INTRUDE"))
        session.flush()


def test_sessions_must_say_their_scope(session_factory):
    with session_factory() as session, pytest.raises(RuntimeError, match="unit_of_work"):
        session.scalars(select(Workspace)).all()


def test_history_is_append_only(session_factory):
    a, item = _workspace_with_item(session_factory, "T0AAAAAA1")
    with (
        pytest.raises(DBAPIError, match="append-only"),
        unit_of_work(session_factory, a) as session,
    ):
        session.execute(text("UPDATE backlog_events SET kind = 'accepted'"))
    with unit_of_work(session_factory, a) as session:
        assert [e.kind.value for e in backlog.history(session, item)] == ["submitted", "vote_added"]


def test_first_contact_from_two_requests_creates_one_workspace(session_factory):
    ids = set()
    for _ in range(2):
        with unscoped_unit_of_work(session_factory) as session:
            ids.add(workspaces.ensure_workspace(session, "T0RACE001", None))
    assert len(ids) == 1


def _counts_by_query(session, team_id):
    return {
        status: session.scalar(
            select(func.count()).where(BacklogItem.team_id == team_id, BacklogItem.status == status)
        )
        for status in ("ready", "proposed")
    }


def _kept_counts(session, team_id):
    row = session.execute(
        select(Team.ready_items, Team.proposed_items).where(Team.id == team_id)
    ).one()
    return {"ready": row.ready_items, "proposed": row.proposed_items}


def test_the_database_keeps_each_teams_backlog_counts(session_factory):
    """The counters on the team row follow every change, whoever makes it: the services, a
    bulk INSERT, a raw UPDATE of status or team, a DELETE, a cascade."""
    a, first = _workspace_with_item(session_factory, "T0AAAAAA1")
    scores = backlog.Scores(effort=3, customer_value=5, business_value=5)
    with unit_of_work(session_factory, a) as session:
        owner = workspaces.person(session, "U0SAMEID1")
        team = teams.team_for_channel(session, "C0SAMEID1")
        other = Team(
            name="Other",
            channel_id="C0OTHER01",
            admin_channel_id="C0ADMIN01",
            owner=owner,
            scrum_master=owner,
        )
        session.add(other)
        session.flush()
        ids = [
            backlog.submit_idea(
                session,
                team,
                owner,
                IdeaDraft(f"Idea {n}", None, ItemKind.CONTENT, None, None, None, None),
                NOW,
            ).id
            for n in range(5)
        ]
        backlog.accept(session, ids[0], owner, scores, NOW)
        backlog.accept(session, ids[1], owner, scores, NOW)
        backlog.decline(session, ids[2], owner, "Not now", NOW)
        session.flush()
        assert _kept_counts(session, team.id) == {"ready": 2, "proposed": 3}  # first + 2 left
        session.execute(insert_items(a, other.id, owner.id, 3))
        session.execute(
            update(BacklogItem).where(BacklogItem.id == ids[3]).values(team_id=other.id)
        )
        session.execute(update(BacklogItem).where(BacklogItem.id == ids[4]).values(title="Renamed"))
        session.execute(delete(BacklogItem).where(BacklogItem.id == first))
        session.flush()
        for team_id in (team.id, other.id):
            assert _kept_counts(session, team_id) == _counts_by_query(session, team_id)
        assert _kept_counts(session, team.id) == {"ready": 2, "proposed": 1}
        assert _kept_counts(session, other.id) == {"ready": 3, "proposed": 1}
        team_id, other_id = team.id, other.id
    with unit_of_work(session_factory, a) as session:  # and they were committed
        assert _kept_counts(session, team_id) == {"ready": 2, "proposed": 1}
        session.execute(delete(Team).where(Team.id == other_id))  # cascades to its items
        assert _counts_by_query(session, other_id) == {"ready": 0, "proposed": 0}


def insert_items(workspace_id, team_id, submitter_id, n):
    return insert(BacklogItem).values(
        [
            {
                "workspace_id": workspace_id,
                "team_id": team_id,
                "title": f"Bulk {i}",
                "kind": "content",
                "submitter_id": submitter_id,
                "status": "ready",
                "effort": 1,
                "customer_value": 1,
                "business_value": 1,
                "score": 2.0,
                "vote_count": 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(n)
        ]
    )
