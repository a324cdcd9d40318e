"""Activities and actual effort in the domain: a team's activities in its own words, an item's
activity at submission and triage, the effort recorded as items are done, and the team's
averages per activity over its last sprints, with what committed points are likely to take."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.db import unit_of_work
from bot.errors import Conflict, Invalid, NotAllowed
from bot.fields import DoneField, IdeaField, ScoreField, SprintField
from bot.models import Activity, BacklogItem, ItemKind, SprintItem, Team, TeamActivity, WorkState
from bot.services import activities, backlog, sprints, teams, workspaces
from bot.services.activities import ActivitySetup, builtin_field, new_field, own_field
from bot.services.backlog import IdeaDraft, Scores
from bot.services.sprints import ActivityActuals, SprintDraft
from tests.scenario import team_settings

ROME = "Europe/Rome"
PLANNED_AT = dt.datetime(2026, 10, 16, 10, 0, tzinfo=dt.UTC)  # a Friday
MONDAYS = [dt.date(2026, 10, 19) + dt.timedelta(weeks=n) for n in range(6)]


class World:
    def __init__(self, factory, workspace_id):
        self.factory = factory
        self.workspace_id = workspace_id
        self.team_id = 0

    def session(self):
        return unit_of_work(self.factory, self.workspace_id)


def owner(session):
    return workspaces.person(session, "U0OWNER01")


def scrum(session):
    return workspaces.person(session, "U0SCRUM01")


def member(session):
    return workspaces.person(session, "U0MEMBER1")


@pytest.fixture
def world(session_factory, workspace_id):
    w = World(session_factory, workspace_id)
    with w.session() as session:
        settings = team_settings(sprint_length_weeks=1)
        team, _ = teams.save_team(session, "C0TEAM001", settings, owner(session), PLANNED_AT)
        w.team_id = team.id
    return w


def add_item(session, team, effort, activity=None, title="Item"):
    """An accepted item of `effort` points, with the activity of key `activity`."""
    draft = IdeaDraft(title, None, ItemKind.CONTENT, None, None, None, None)
    item = backlog.submit_idea(session, team, member(session), draft, PLANNED_AT)
    backlog.accept(session, item.id, owner(session), Scores(effort, 8, 8, activity), PLANNED_AT)
    return item


def run_sprint(session, team, week, work):
    """A one-week sprint from MONDAYS[week] with `work`: (effort, activity key, actual points
    recorded as it is done, or None; "todo" leaves it unfinished), run and closed."""
    items = [add_item(session, team, effort, key) for effort, key, _ in work]
    values = {
        SprintField.GOAL: f"Week {week}",
        SprintField.START: MONDAYS[week].isoformat(),
        SprintField.LENGTH: "1",
        SprintField.CAPACITY: "20",
        SprintField.ITEMS: [str(i.id) for i in items],
    }
    draft = SprintDraft.validate(values, today=PLANNED_AT.date())
    sprint = sprints.plan(session, team, owner(session), draft, PLANNED_AT)
    start = sprints.local_instant_in(ROME, MONDAYS[week], dt.time(9))
    sprints.start(session, sprint.id, start)
    entries = {e.item_id: e for e in sprints.entries(session, sprint)}
    for item, (_, _, actual) in zip(items, work, strict=True):
        if actual != "todo":
            entry = entries[item.id]
            sprints.mark_done(session, entry.sprint_item_id, member(session), actual, start)
    sprints.close(session, sprint.id, start + dt.timedelta(days=4, hours=8))
    return sprint


def test_the_averages_and_what_committed_points_take_by_them_over_four_sprints(world):
    """Content is estimated low, community high: over four sprints of recorded actuals the
    planning knows by how much, and scales each activity's points by its own history."""
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        content, community = Activity.CONTENT.value, Activity.COMMUNITY.value
        run_sprint(
            session,
            team,
            0,
            [(2, content, 3), (3, community, 3), (2, content, None), (5, None, 8)],
        )
        run_sprint(session, team, 1, [(2, content, 5), (1, content, "todo")])
        run_sprint(session, team, 2, [(3, content, 5), (5, community, 3)])
        run_sprint(session, team, 3, [(2, content, 2)])

        averages = sprints.activity_actuals(session, team)
        # Content: estimates 2 + 2 + 3 + 2 = 9 in four items, actuals 3 + 5 + 5 + 2 = 15, in
        # four sprints; the one done without an actual and the unfinished one count for nothing.
        assert averages[content] == ActivityActuals(
            items=4, sprints=4, estimated=9 / 4, actual=15 / 4
        )
        assert averages[content].ratio == pytest.approx(15 / 9)
        # Community: 3 + 5 = 8 estimated, 3 + 3 = 6 actual, in two sprints.
        assert averages[community] == ActivityActuals(2, 2, 4.0, 3.0)
        assert averages[community].ratio == 0.75
        # An item without an activity, done with an actual, says nothing of any activity.
        assert set(averages) == {content, community}

        # The last two sprints only: content's E (3 → 5) and G (2 → 2).
        assert sprints.activity_actuals(session, team, last=2)[content] == ActivityActuals(
            2, 2, 2.5, 3.5
        )

        # Planning 5 content points, 3 community, 2 outreach (no history) and 1 point without
        # an activity: 11 committed, about 5 × 15/9 + 3 × 0.75 + 2 + 1 = 13.58 by the actuals.
        chosen = [(5, content), (3, community), (2, Activity.OUTREACH.value), (1, None)]
        estimate = sprints.by_actuals(chosen, averages)
        assert estimate is not None
        assert (estimate.committed, estimate.unknown) == (11, 3)
        assert estimate.likely == pytest.approx(5 * 15 / 9 + 3 * 0.75 + 3)
        # Nothing to go by: nothing is said.
        assert sprints.by_actuals([(2, Activity.OUTREACH.value), (1, None)], averages) is None


def test_a_planned_sprint_counts_for_nothing_and_the_running_one_counts(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        run_sprint(session, team, 0, [(2, "content", 3)])
        item = add_item(session, team, 3, "content")
        values = {
            SprintField.GOAL: "Running",
            SprintField.START: MONDAYS[1].isoformat(),
            SprintField.LENGTH: "1",
            SprintField.CAPACITY: "10",
            SprintField.ITEMS: [str(item.id)],
        }
        running = sprints.plan(
            session,
            team,
            owner(session),
            SprintDraft.validate(values, today=PLANNED_AT.date()),
            PLANNED_AT,
        )
        start = sprints.local_instant_in(ROME, MONDAYS[1], dt.time(9))
        sprints.start(session, running.id, start)
        entry = sprints.entries(session, running)[0]
        sprints.mark_done(session, entry.sprint_item_id, member(session), 8, start)
        # A planned sprint (its items not done) is no history either.
        later = add_item(session, team, 5, "content")
        values |= {SprintField.START: MONDAYS[2].isoformat(), SprintField.ITEMS: [str(later.id)]}
        sprints.plan(
            session,
            team,
            owner(session),
            SprintDraft.validate(values, today=PLANNED_AT.date()),
            PLANNED_AT,
        )
        assert sprints.activity_actuals(session, team)["content"] == ActivityActuals(2, 2, 2.5, 5.5)


ONE_ITEM_SPRINT = {
    SprintField.GOAL: "Go",
    SprintField.START: MONDAYS[0].isoformat(),
    SprintField.LENGTH: "1",
    SprintField.CAPACITY: "10",
}


def running_with_one_item(session, team):
    """A content item of 3 points, in a sprint started on MONDAYS[0]: (item, sprint, its
    entry on the board, the sprint's start)."""
    item = add_item(session, team, 3, "content")
    values = {**ONE_ITEM_SPRINT, SprintField.ITEMS: [str(item.id)]}
    draft = SprintDraft.validate(values, today=PLANNED_AT.date())
    sprint = sprints.plan(session, team, owner(session), draft, PLANNED_AT)
    start = sprints.local_instant_in(ROME, MONDAYS[0], dt.time(9))
    sprints.start(session, sprint.id, start)
    return item, sprint, sprints.entries(session, sprint)[0], start


def test_the_actual_is_recorded_once_done_and_forgotten_when_reopened(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        _, sprint, entry, start = running_with_one_item(session, team)
        sprint_item = session.get_one(SprintItem, entry.sprint_item_id)

        done = sprints.mark_done(session, entry.sprint_item_id, member(session), None, start)
        assert done.changed and sprint_item.actual_points is None
        # Someone says what it took after it was marked done: recorded, the board unchanged.
        again = sprints.mark_done(session, entry.sprint_item_id, member(session), 5, start)
        assert not again.changed and sprint_item.actual_points == 5
        assert sprints.totals(session, sprint.id).done_points == 3  # the estimate's points

        sprints.move(session, entry.sprint_item_id, member(session), WorkState.DOING, start)
        assert sprint_item.actual_points is None  # reopened: not known any more
        sprints.mark_done(session, entry.sprint_item_id, member(session), 8, start)
        assert sprint_item.actual_points == 8

        # Only the team's members mark items done; the form says so before it opens.
        stranger = workspaces.person(session, "U0STAKE01")
        with pytest.raises(NotAllowed):
            sprints.done_form(session, entry.sprint_item_id, stranger)
        with pytest.raises(NotAllowed):
            sprints.mark_done(session, entry.sprint_item_id, stranger, 3, start)
        form = sprints.done_form(session, entry.sprint_item_id, member(session))
        assert (form.title, form.points, form.activity_key) == ("Item", 3, "content")
        sprints.close(session, sprint.id, start + dt.timedelta(days=1))
        with pytest.raises(Conflict):
            sprints.done_form(session, entry.sprint_item_id, member(session))


def test_an_item_taken_out_and_back_forgets_what_it_took_before(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        item, sprint, entry, start = running_with_one_item(session, team)
        sprints.mark_done(session, entry.sprint_item_id, member(session), 8, start)
        for items in ([], [str(item.id)]):  # taken out of the running sprint, then back
            again = SprintDraft.validate(
                {**ONE_ITEM_SPRINT, SprintField.ITEMS: items},
                today=PLANNED_AT.date(),
                started=True,
            )
            sprints.edit(session, sprint.id, owner(session), again, start)
        assert session.get_one(SprintItem, entry.sprint_item_id).actual_points is None


@pytest.mark.parametrize("raw", ["4", "0", "-3", "lots", "2.5", "100"])
def test_an_actual_off_the_point_scale_is_refused_on_its_field(raw):
    with pytest.raises(Invalid) as refused:
        sprints.actual_effort(raw)
    assert set(refused.value.errors) == {DoneField.ACTUAL}


def test_an_actual_on_the_scale_or_none_is_taken():
    assert [sprints.actual_effort(v) for v in ("1", "8", "21", None, "")] == [1, 8, 21, None, None]


# --- the team's activities -------------------------------------------------------------------


def test_a_team_starts_with_the_built_in_activities_all_offered(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        found = activities.team_activities(session, team)
        assert [c.key for c in found.offered] == [a.value for a in Activity]
        assert all(c.name is None for c in found.choices)


def test_the_team_renames_hides_and_adds_activities_in_its_own_words(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        raw = {builtin_field(a): "" for a in Activity}
        raw |= {
            builtin_field(Activity.CONTENT): "Blog  and newsletter ",  # spaces tidied
            # Kept as the form showed it, in Italian: still the built-in, in every language.
            builtin_field(Activity.COMMUNITY): "Community e risposte",
            builtin_field(Activity.CAMPAIGN): "Campaigns",
            new_field(1): "Influencer partnerships",
            new_field(2): "",
        }
        saved = activities.save_setup(
            session, team, scrum(session), ActivitySetup.validate(raw), PLANNED_AT
        )
        offered = [(c.key, c.builtin, c.name) for c in saved.offered]
        own_id = session.scalar(select(TeamActivity.id).where(TeamActivity.builtin.is_(None)))
        assert offered == [
            ("content", Activity.CONTENT, "Blog and newsletter"),
            ("community", Activity.COMMUNITY, None),
            ("campaign", Activity.CAMPAIGN, None),
            (str(own_id), None, "Influencer partnerships"),
        ]
        # Hidden ones are still the team's: an item may name them.
        assert saved.get("outreach") is not None and not saved.get("outreach").offered

        # Retired, then added again by name: the same activity, with its history.
        item = add_item(session, team, 3, str(own_id))
        activities.save_setup(
            session,
            team,
            owner(session),
            ActivitySetup.validate({own_field(own_id): ""}),
            PLANNED_AT,
        )
        assert not activities.team_activities(session, team).get(str(own_id)).offered
        assert activities.key_of(item) == str(own_id)  # the item keeps it
        activities.save_setup(
            session,
            team,
            owner(session),
            ActivitySetup.validate({new_field(1): "influencer Partnerships"}),
            PLANNED_AT,
        )
        back = activities.team_activities(session, team).get(str(own_id))
        assert back.offered and back.name == "influencer Partnerships"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        # Another activity above has the name (whatever the case).
        (
            {
                builtin_field(Activity.CONTENT): "Outreach",
                builtin_field(Activity.OUTREACH): "OUTREACH",
            },
            builtin_field(Activity.OUTREACH),
        ),
        ({builtin_field(Activity.CONTENT): "x" * 41}, builtin_field(Activity.CONTENT)),
        ({new_field(1): "Podcast", new_field(2): "podcast"}, new_field(2)),
        ({own_field(3): "Events", new_field(1): "Events"}, new_field(1)),
        # Eleven of the team's own: one too many.
        (
            {own_field(n): f"Own {n}" for n in range(1, 9)}
            | {new_field(n): f"New {n}" for n in (1, 2, 3)},
            new_field(3),
        ),
    ],
)
def test_the_activities_form_refuses_on_the_field(raw, field):
    with pytest.raises(Invalid) as refused:
        ActivitySetup.validate(raw)
    assert set(refused.value.errors) == {field}


def test_only_the_owner_or_the_scrum_master_changes_the_activities(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        setup = ActivitySetup.validate({builtin_field(Activity.CONTENT): "Blog"})
        with pytest.raises(NotAllowed) as refused:
            activities.save_setup(session, team, member(session), setup, PLANNED_AT)
        assert "change its activities" in refused.value.message.text
        with pytest.raises(NotAllowed):
            activities.require_editor(team, member(session))
        assert session.scalars(select(TeamActivity)).all() == []
        # Another team's activity, forged into this team's form, is refused on its field.
        with pytest.raises(Invalid) as forged:
            activities.save_setup(
                session,
                team,
                owner(session),
                ActivitySetup.validate({own_field(999): "X"}),
                PLANNED_AT,
            )
        assert set(forged.value.errors) == {own_field(999)}


def test_an_item_gets_its_activity_at_submission_and_at_triage(world):
    with world.session() as session:
        team = session.get_one(Team, world.team_id)
        draft = IdeaDraft.validate(
            {
                IdeaField.TITLE: "Spring video",
                IdeaField.KIND: "content",
                IdeaField.ACTIVITY: "content",
            }
        )
        item = backlog.submit_idea(session, team, member(session), draft, PLANNED_AT)
        assert (item.activity, item.activity_id) == (Activity.CONTENT, None)
        # The owner changes it at triage; the scores form without a choice keeps it.
        raw = {
            ScoreField.EFFORT: "3",
            ScoreField.CUSTOMER_VALUE: "5",
            ScoreField.BUSINESS_VALUE: "6",
        }
        backlog.accept(
            session,
            item.id,
            owner(session),
            Scores.validate(raw | {ScoreField.ACTIVITY: "campaign"}),
            PLANNED_AT,
        )
        assert item.activity is Activity.CAMPAIGN
        backlog.rescore(session, item.id, owner(session), Scores.validate(raw), PLANNED_AT)
        assert activities.key_of(session.get_one(BacklogItem, item.id)) == "campaign"
        # A key that is not one of the team's activities is refused on the field.
        for key in ("juggling", "12345"):
            with pytest.raises(Invalid) as refused:
                backlog.rescore(
                    session,
                    item.id,
                    owner(session),
                    Scores.validate(raw | {ScoreField.ACTIVITY: key}),
                    PLANNED_AT,
                )
            assert set(refused.value.errors) == {ScoreField.ACTIVITY}
        with pytest.raises(Invalid) as refused:
            backlog.submit_idea(
                session,
                team,
                member(session),
                IdeaDraft.validate(
                    {IdeaField.TITLE: "X", IdeaField.KIND: "content", IdeaField.ACTIVITY: "nope"}
                ),
                PLANNED_AT,
            )
        assert set(refused.value.errors) == {IdeaField.ACTIVITY}
