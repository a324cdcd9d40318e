"""Sprints in the domain: planning rules, the calendar in the team's time zone (daylight saving
included), moving items, scope change in the ledger, snapshots, and the close."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.db import unit_of_work
from bot.errors import Conflict, Invalid, NotAllowed
from bot.fields import SprintField
from bot.models import (
    BacklogItem,
    ItemKind,
    ItemStatus,
    SprintSnapshot,
    SprintState,
    Team,
    WorkState,
)
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.services.sprints import SprintDraft
from tests.scenario import team_settings

ROME = "Europe/Rome"
# Monday 19 October 2026, 8:00 in Rome: a two-week sprint from here spans the end of summer
# time in Europe (Sunday 25 October, 3:00 CEST becomes 2:00 CET).
MONDAY = dt.date(2026, 10, 19)
PLANNED_AT = dt.datetime(2026, 10, 16, 10, 0, tzinfo=dt.UTC)


def at_rome(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return sprints.local_instant_in(ROME, day, dt.time(hour, minute))


class World:
    def __init__(self, factory, workspace_id):
        self.factory = factory
        self.workspace_id = workspace_id

    def session(self):
        return unit_of_work(self.factory, self.workspace_id)


@pytest.fixture
def world(session_factory, workspace_id):
    w = World(session_factory, workspace_id)
    with w.session() as session:
        settings = team_settings()
        team, _ = teams.save_team(session, "C0TEAM001", settings, owner(session), PLANNED_AT)
        w.team_id = team.id
        w.items = []
        for n, effort in enumerate([5, 3, 8, 2, 1, 13], start=1):
            kind = ItemKind.EXPERIMENT if n == 2 else ItemKind.CAMPAIGN
            draft = IdeaDraft(
                f"Item {n}",
                None,
                kind,
                "We think" if n == 2 else None,
                "CTR" if n == 2 else None,
                None,
                None,
            )
            item = backlog.submit_idea(session, team, owner(session), draft, PLANNED_AT)
            backlog.accept(session, item.id, owner(session), Scores(effort, 10, 10 - n), PLANNED_AT)
            w.items.append(item.id)
    return w


def owner(session):
    return workspaces.person(session, "U0OWNER01")


def member(session):
    return workspaces.person(session, "U0MEMBER1")


def draft(items, start=MONDAY, weeks=2, capacity=20, goal="Launch the autumn campaign"):
    return SprintDraft.validate(
        {
            SprintField.GOAL: goal,
            SprintField.SERVES: "Q4 objective: 500 sign-ups",
            SprintField.START: start.isoformat(),
            SprintField.LENGTH: str(weeks),
            SprintField.CAPACITY: str(capacity),
            SprintField.ITEMS: [str(i) for i in items],
        },
        today=PLANNED_AT.date(),
    )


def plan(world, items, **kwargs):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        return sprints.plan(session, team, owner(session), draft(items, **kwargs), PLANNED_AT).id


def test_the_calendar_keeps_local_times_across_the_end_of_summer_time(world):
    sprint_id = plan(world, world.items[:2])
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        sprint = sprints.get_sprint(session, sprint_id)
        days = sprints.working_days(team, sprint)
        assert days[0] == MONDAY and days[-1] == dt.date(2026, 10, 30) and len(days) == 10
        assert sprints.starts_at(team, sprint) == dt.datetime(2026, 10, 19, 7, 0, tzinfo=dt.UTC)
        # 17:00 in Rome is 15:00 UTC in summer time and 16:00 UTC after the change.
        assert sprints.snapshot_at(team, dt.date(2026, 10, 23)).hour == 15
        assert sprints.snapshot_at(team, dt.date(2026, 10, 26)).hour == 16
        assert sprints.closes_at(team, sprint) == dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({SprintField.GOAL: "  "}, SprintField.GOAL),
        ({SprintField.START: "2026-10-01"}, SprintField.START),
        ({SprintField.LENGTH: "5"}, SprintField.LENGTH),
        ({SprintField.LENGTH: "0"}, SprintField.LENGTH),
        ({SprintField.CAPACITY: "-3"}, SprintField.CAPACITY),
        ({SprintField.CAPACITY: "lots"}, SprintField.CAPACITY),
        ({SprintField.CAPACITY: "0"}, SprintField.CAPACITY),
    ],
)
def test_bad_plans_get_a_field_error(values, field):
    raw = {
        SprintField.GOAL: "Goal",
        SprintField.START: "2026-10-19",
        SprintField.LENGTH: "2",
        SprintField.CAPACITY: "20",
        **values,
    }
    with pytest.raises(Invalid) as error:
        SprintDraft.validate(raw, today=PLANNED_AT.date())
    assert set(error.value.errors) == {field}


def test_sprints_of_a_team_may_not_overlap(world):
    plan(world, world.items[:1])
    with pytest.raises(Invalid) as error:
        plan(world, world.items[1:2], start=MONDAY + dt.timedelta(days=13))
    assert set(error.value.errors) == {SprintField.START}
    plan(world, world.items[1:2], start=MONDAY + dt.timedelta(days=14))  # the day after: fine


def test_only_the_owner_or_scrum_master_plans(world):
    with world.session() as session, pytest.raises(NotAllowed):
        team = session.get_one(Team, world.team_id)
        sprints.plan(session, team, member(session), draft(world.items[:1]), PLANNED_AT)


def test_planned_items_leave_the_backlog_and_are_committed_scope(world):
    sprint_id = plan(world, world.items[:3])
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        page = backlog.page(session, team, 1)
        assert [i.id for i in page.items] == [world.items[n] for n in (4, 3, 5)]  # by score
        assert page.ready_count == 3
        assert sprints.totals(session, sprint_id) == sprints.Totals(16, 3, 0, 0)
    with pytest.raises(Invalid):  # taken already: another sprint cannot commit them
        plan(world, world.items[:1], start=MONDAY + dt.timedelta(days=14))


def _run_sprint(world, sprint_id):
    """Start on time; during the sprint: items move, scope is added, an estimate changes."""
    with world.session() as session:
        sprints.start(session, sprint_id, at_rome(MONDAY, 9))
    entries = {}
    with world.session() as session:
        for e in sprints.entries(session, sprints.get_sprint(session, sprint_id)):
            entries[e.item_id] = e.sprint_item_id
    first, second, third = world.items[:3]

    def move(item_id, state, when):
        with world.session() as session:
            sprints.move(session, entries[item_id], member(session), state, when)

    move(first, WorkState.DOING, at_rome(MONDAY, 10))
    move(first, WorkState.DONE, at_rome(MONDAY + dt.timedelta(days=1), 16))  # Tue: 5 done
    # Wed: scope added (item 4, 2 points) and item 2 re-estimated from 3 to 5.
    with world.session() as session:
        sprint = sprints.get_sprint(session, sprint_id)
        sprints.edit(
            session,
            sprint_id,
            owner(session),
            draft([first, second, third, world.items[3]], capacity=sprint.capacity),
            at_rome(MONDAY + dt.timedelta(days=2), 11),
        )
        item = session.get_one(BacklogItem, second)
        sprints.change_estimate(
            session, item, 5, owner(session), at_rome(MONDAY + dt.timedelta(days=2), 12)
        )
    with world.session() as session:
        for e in sprints.entries(session, sprints.get_sprint(session, sprint_id)):
            entries[e.item_id] = e.sprint_item_id
    move(second, WorkState.DONE, at_rome(MONDAY + dt.timedelta(days=8), 10))  # 2nd Tue
    move(world.items[3], WorkState.DONE, at_rome(MONDAY + dt.timedelta(days=8), 18))  # after 17
    return entries


def test_a_sprint_from_start_to_close(world):
    sprint_id = plan(world, world.items[:3])
    _run_sprint(world, sprint_id)
    close_at = dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        sprint = sprints.get_sprint(session, sprint_id)
        # Daily snapshots up to the second Thursday, taken late in one go: still exact.
        assert (
            sprints.take_snapshots(
                session, team, sprint, at_rome(dt.date(2026, 10, 29), 17), close_at
            )
            == 9
        )
        closed = sprints.close(session, sprint_id, close_at)
        assert closed.committed == sprints.Totals(16, 3, 0, 0)
        assert closed.final == sprints.Totals(20, 4, 12, 3)
        assert [e.item_id for e in closed.unfinished] == [world.items[2]]
        assert not closed.goal_met
        snaps = session.scalars(
            select(SprintSnapshot)
            .where(SprintSnapshot.sprint_id == sprint_id)
            .order_by(SprintSnapshot.day)
        ).all()
        assert [s.scope_points for s in snaps] == [16, 16, 20, 20, 20, 20, 20, 20, 20, 20]
        assert [s.done_points for s in snaps] == [0, 5, 5, 5, 5, 5, 10, 12, 12, 12]
        data = sprints.burnup_data(session, team, sprint, close_at)
        assert data.done == [0, 5, 5, 5, 5, 5, 10, 12, 12, 12]
        # Finished work is done; the unfinished item is back at the top of the backlog.
        assert session.get_one(BacklogItem, world.items[0]).status is ItemStatus.DONE
        page = backlog.page(session, team, 1)
        assert [i.id for i in page.items][:2] == [world.items[2], world.items[4]]
        assert sprint.state is SprintState.CLOSED
        # Closing again does nothing; velocity and capacity come from the closed sprint.
        assert sprints.close(session, sprint_id, close_at) is None
        # Say/do: of the 16 committed points, item 1 (5) and item 2 (3 when committed, 5 when
        # done) were completed; item 3 was not, and item 4 was added during the sprint.
        assert sprints.outcomes(session, team) == [sprints.SprintOutcome(1, 16, 12, 8)]
        assert sprints.outcomes(session, team)[0].say_do == 0.5
        assert sprints.say_do(session, sprint) == 0.5
        assert sprints.suggested_capacity(session, team) == 12


def test_moves_belong_to_members_of_a_running_sprint(world):
    sprint_id = plan(world, world.items[:1])
    with world.session() as session:
        entry = sprints.entries(session, sprints.get_sprint(session, sprint_id))[0]
    with world.session() as session, pytest.raises(Conflict, match="not started"):
        sprints.move(session, entry.sprint_item_id, member(session), WorkState.DONE, PLANNED_AT)
    with world.session() as session:
        sprints.start(session, sprint_id, at_rome(MONDAY, 9))
    with world.session() as session, pytest.raises(NotAllowed):
        stakeholder = workspaces.person(session, "U0STAKE01")
        sprints.move(session, entry.sprint_item_id, stakeholder, WorkState.DONE, PLANNED_AT)
    with world.session() as session:
        done = sprints.move(
            session, entry.sprint_item_id, member(session), WorkState.DONE, at_rome(MONDAY, 10)
        )
        again = sprints.move(
            session, entry.sprint_item_id, member(session), WorkState.DONE, at_rome(MONDAY, 10)
        )
        assert done.changed and not again.changed
        assert sprints.totals(session, sprint_id).done_points == 5


def test_the_scrum_master_starts_early_and_ends_early(world):
    sprint_id = plan(world, world.items[:2], start=MONDAY + dt.timedelta(days=7))
    early = at_rome(MONDAY, 11)
    with world.session() as session:
        scrum = workspaces.person(session, "U0SCRUM01")
        sprint = sprints.start(session, sprint_id, early, actor=scrum)
        assert sprint.start_date == MONDAY and sprint.end_date == dt.date(2026, 11, 1)
        # The scheduler's start, later, finds it running and does nothing.
        assert sprints.start(session, sprint_id, at_rome(MONDAY + dt.timedelta(days=7), 9)) is None
    with world.session() as session:
        closed = sprints.close(
            session,
            sprint_id,
            at_rome(MONDAY + dt.timedelta(days=3), 12),
            actor=workspaces.person(session, "U0SCRUM01"),
        )
        assert closed.final.done_points == 0 and len(closed.unfinished) == 2
        snaps = session.scalars(
            select(SprintSnapshot.day).where(SprintSnapshot.sprint_id == sprint_id)
        ).all()
        assert sorted(snaps) == [MONDAY + dt.timedelta(days=n) for n in range(4)]
    with world.session() as session, pytest.raises(Conflict, match="already closed"):
        sprints.close(session, sprint_id, early, actor=workspaces.person(session, "U0SCRUM01"))


def test_a_start_by_hand_may_not_run_into_the_next_sprint(world):
    first = plan(world, world.items[:1], start=MONDAY + dt.timedelta(days=7))
    plan(world, world.items[1:2], start=MONDAY + dt.timedelta(days=21))
    with world.session() as session, pytest.raises(Conflict, match="overlap"):
        # Started a day late, it would end on the day the next sprint starts.
        sprints.start(
            session,
            first,
            at_rome(MONDAY + dt.timedelta(days=8), 10),
            actor=workspaces.person(session, "U0SCRUM01"),
        )


def test_the_next_sprint_is_suggested_after_the_days_taken(world):
    first = plan(world, world.items[:1])
    with world.session() as session:
        scrum = workspaces.person(session, "U0SCRUM01")
        sprints.start(session, first, at_rome(MONDAY, 9))
        sprints.close(session, first, at_rome(MONDAY + dt.timedelta(days=2), 12), actor=scrum)
    second = plan(world, world.items[1:2], start=MONDAY + dt.timedelta(days=3))
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        # Sprint 1 was closed early on Wednesday; sprint 2 runs from Thursday for two weeks.
        assert sprints.latest_end(session, team) == sprints.get_sprint(session, second).end_date


def test_a_day_counts_in_the_burnup_only_once_its_working_day_has_ended(world):
    sprint_id = plan(world, world.items[:2])
    with world.session() as session:
        sprints.start(session, sprint_id, at_rome(MONDAY, 9))
        entry = sprints.entries(session, sprints.get_sprint(session, sprint_id))[0]
        sprints.move(
            session, entry.sprint_item_id, member(session), WorkState.DONE, at_rome(MONDAY, 10)
        )
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        sprint = sprints.get_sprint(session, sprint_id)
        before = sprints.burnup_data(session, team, sprint, at_rome(MONDAY, 16, 59))
        # Monday's work so far is shown, but Monday is not an ended day yet.
        assert before.done == [None] * 10 and before.today == 5
        after = sprints.burnup_data(session, team, sprint, at_rome(MONDAY, 17))
        assert after.done == [5] + [None] * 9 and after.today is None
        # Tuesday morning: Monday is ended, Tuesday is under way.
        tuesday = sprints.burnup_data(session, team, sprint, at_rome(MONDAY + dt.timedelta(1), 9))
        assert tuesday.done == [5] + [None] * 9 and tuesday.today == 5


def test_a_closed_sprint_burnup_does_not_forecast(world):
    from bot.i18n import translator
    from bot.views.charts import burnup_chart

    sprint_id = plan(world, world.items[:2])
    wednesday = at_rome(MONDAY + dt.timedelta(days=2), 12)
    with world.session() as session:
        sprints.start(session, sprint_id, at_rome(MONDAY, 9))
        entry = sprints.entries(session, sprints.get_sprint(session, sprint_id))[0]
        sprints.move(
            session, entry.sprint_item_id, member(session), WorkState.DONE, at_rome(MONDAY, 10)
        )
        sprints.close(session, sprint_id, wednesday, actor=workspaces.person(session, "U0SCRUM01"))
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        sprint = sprints.get_sprint(session, sprint_id)
        data = sprints.burnup_data(session, team, sprint, wednesday + dt.timedelta(days=5))
        assert data.closed and data.done == [5, 5, 5] + [None] * 7
        for language in ("en", "it", "nl"):
            chart = burnup_chart(translator(language), team, sprint, data)
            assert "5" in chart.alt_text and "8" in chart.alt_text
            assert "At this pace" not in chart.alt_text and "pace" not in chart.alt_text
            assert "forecast" not in chart.alt_text.lower()


def _move_item(world, sprint_id, item_id, to, at):
    with world.session() as session:
        entry = next(
            e
            for e in sprints.entries(session, sprints.get_sprint(session, sprint_id))
            if e.item_id == item_id
        )
        sprints.move(session, entry.sprint_item_id, member(session), to, at)


def test_say_do_counts_only_the_committed_points_done_at_the_close(world):
    a, b, c = world.items[:3]  # 5, 3 and 8 points
    first = plan(world, [a, b])
    with world.session() as session:
        sprints.start(session, first, at_rome(MONDAY, 9))
    _move_item(world, first, a, WorkState.DONE, at_rome(MONDAY, 10))
    _move_item(world, first, b, WorkState.DONE, at_rome(MONDAY, 11))
    _move_item(world, first, b, WorkState.DOING, at_rome(MONDAY, 12))  # not done after all
    with world.session() as session:  # scope added mid-sprint, and done: not committed
        sprints.edit(session, first, owner(session), draft([a, b, c]), at_rome(MONDAY, 13))
    _move_item(world, first, c, WorkState.DONE, at_rome(MONDAY, 14))
    with world.session() as session:
        sprints.close(session, first, at_rome(MONDAY, 16), actor=owner(session))
        team = session.get_one(Team, world.team_id)
        [outcome] = sprints.outcomes(session, team)
        assert outcome == sprints.SprintOutcome(1, 8, 13, 5)
        assert (
            outcome.say_do == 5 / 8 == sprints.say_do(session, sprints.get_sprint(session, first))
        )


def test_a_sprint_that_committed_no_points_has_no_say_do(world):
    # Nothing committed at the start; an item added during the sprint and finished.
    empty = plan(world, [])
    with world.session() as session:
        sprints.start(session, empty, at_rome(MONDAY, 9))
        sprints.edit(session, empty, owner(session), draft([world.items[0]]), at_rome(MONDAY, 10))
    _move_item(world, empty, world.items[0], WorkState.DONE, at_rome(MONDAY, 11))
    with world.session() as session:
        sprints.close(session, empty, at_rome(MONDAY, 16), actor=owner(session))
        team = session.get_one(Team, world.team_id)
        assert sprints.outcomes(session, team) == [sprints.SprintOutcome(1, 0, 5, 0)]
        assert sprints.outcomes(session, team)[0].say_do is None
        assert sprints.say_do(session, sprints.get_sprint(session, empty)) is None
    # A sprint not closed yet has none either.
    running = plan(world, [world.items[1]], start=MONDAY + dt.timedelta(days=14))
    with world.session() as session:
        assert sprints.say_do(session, sprints.get_sprint(session, running)) is None


def test_a_sprint_that_completed_nothing_suggests_no_capacity(world):
    first = plan(world, world.items[:1])
    with world.session() as session:
        sprints.start(session, first, at_rome(MONDAY, 9))
        sprints.close(session, first, at_rome(MONDAY, 12), actor=owner(session))
        team = session.get_one(Team, world.team_id)
        assert sprints.outcomes(session, team) == [sprints.SprintOutcome(1, 5, 0)]
        # Not "1 point": a sprint that finished nothing says nothing about capacity.
        assert sprints.suggested_capacity(session, team) is None
