"""Activities and actual effort, end to end in Slack: the team's activities in its own words
(`/agile activities`, for the marketing owner or the scrum master only, refused on the field),
an idea's activity at submission and at triage, Done with what the item really took, the
sprint planning that knows what work takes after four sprints (in Italian), and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlalchemy import select

from bot.fields import DoneField, IdeaField, ScoreField, SprintField
from bot.models import Activity, BacklogItem, ItemKind, SprintItem, TeamActivity
from bot.services import backlog, sprints, teams, workspaces
from bot.services.activities import builtin_field, new_field, own_field
from bot.services.backlog import IdeaDraft, Scores
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import (
    all_text,
    last_message,
    opened_view,
    responses_to,
    set_up_team,
    submit_idea,
    wait_for_response,
)

ROME = "Europe/Rome"
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)  # Thursday, 10:00 in Rome


@pytest.fixture(autouse=True)
def no_export_pause(monkeypatch):
    monkeypatch.setattr("bot.messaging.export.UPLOAD_PAUSE", 0.0)


@pytest.fixture
def team(slack, clock):
    clock.fixed = NOW
    set_up_team(slack)


def open_activities(slack, double, user=OWNER, count=1):
    slack.command("/agile", "activities", user=user, channel=TEAM_CHANNEL)
    slack.settle()
    return opened_view(double, Callback.ACTIVITIES, count=count)


def test_the_team_words_its_activities_and_the_idea_form_offers_them(slack, double, team, read):
    view = open_activities(slack, double)
    assert view["blocks"][2]["element"]["initial_value"] == "Content and editorial"

    # What the form cannot take is refused on its field, and nothing is stored.
    bad = slack.submit(
        view,
        {
            builtin_field(Activity.CONTENT): "Outreach",
            builtin_field(Activity.OUTREACH): "outreach",
            new_field(1): "x" * 41,
        },
        user=OWNER,
    ).json
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {builtin_field(Activity.OUTREACH), new_field(1)}
    assert bad["errors"][new_field(1)] == "Keep the name to 40 characters (it has 41)."
    assert read(lambda s: s.scalars(select(TeamActivity)).all()) == []

    values = {builtin_field(a): words for a, words in _shown(view).items()}
    values |= {
        builtin_field(Activity.CONTENT): "Blog & newsletter",
        builtin_field(Activity.NETWORKING): "",  # not offered any more
        new_field(1): "Influencer partnerships",
    }
    assert slack.submit(view, values, user=OWNER).body == ""
    slack.settle()
    saved = all_text(double.messages_in(OWNER)[-1])
    assert "The activities of Growth are saved: Blog &amp; newsletter, Community" in saved
    assert "Networking" not in saved and "Influencer partnerships" in saved

    # The scrum master opens it as it now is; the idea form offers the team's words.
    again = open_activities(slack, double, user=SCRUM, count=2)
    own_id = read(lambda s: s.scalar(select(TeamActivity.id).where(TeamActivity.name.like("Inf%"))))
    assert _block(again, own_field(own_id))["element"]["initial_value"] == "Influencer partnerships"
    slack.command("/idea", "", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    idea = opened_view(double, Callback.IDEA)
    offered = [o["text"]["text"] for o in _block(idea, IdeaField.ACTIVITY)["element"]["options"]]
    assert offered[0] == "Blog & newsletter" and offered[-1] == "Influencer partnerships"
    assert "Networking" not in offered
    # An Italian reader sees the built-in ones in Italian, the team's own as typed.
    slack.command("/idea", "", user=ITALIAN, channel=TEAM_CHANNEL)
    italian = opened_view(double, Callback.IDEA, count=2)
    offered = [o["text"]["text"] for o in _block(italian, IdeaField.ACTIVITY)["element"]["options"]]
    assert offered[:2] == ["Blog & newsletter", "Community e risposte"]


def _shown(view):
    """Each built-in activity's words as the form shows them."""
    return {a: _block(view, builtin_field(a))["element"].get("initial_value", "") for a in Activity}


def _block(view, block_id):
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def test_a_member_cannot_change_the_activities_even_with_a_forged_form(slack, double, team, read):
    slack.command("/agile", "activities", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    refusal = wait_for_response(double, MEMBER)
    assert "can change its activities" in all_text(refusal)
    assert not any(
        c.args["view"]["callback_id"] == Callback.ACTIVITIES for c in double.calls_to("views.open")
    )
    # The owner's form, submitted by the member: refused on the server, nothing stored.
    view = open_activities(slack, double)
    forged = slack.submit(view, {builtin_field(Activity.CONTENT): "Mine now"}, user=MEMBER).json
    assert forged["response_action"] == "errors"
    assert "can change its activities" in forged["errors"][builtin_field(Activity.CONTENT)]
    assert read(lambda s: s.scalars(select(TeamActivity)).all()) == []
    # Outside a team's channel, it says where to run it.
    slack.command("/agile", "activities", user=OWNER, channel="C0OTHER01")
    slack.settle()
    assert "This channel has no team" in all_text(wait_for_response(double, OWNER))


def test_the_help_names_activities(slack, double, team):
    text = all_text(slack.command("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL).json)
    assert "/agile activities" in text


def _board(double):
    return next(
        m
        for m in double.messages_in(TEAM_CHANNEL)
        if any(b.get("block_id") == "sprint_nav" for b in m.get("blocks", []))
    )


def _accessory(message, item_id):
    return next(
        b["accessory"] for b in message["blocks"] if b.get("block_id") == f"sprint_item:{item_id}"
    )


def test_an_item_gets_its_activity_and_done_records_what_it_really_took(
    slack, double, team, read, clock
):
    # Submitted as content; the owner makes it a campaign at triage.
    submit_idea(slack, kind="campaign", hypothesis="", kpi="", activity="content")
    item_id = read(lambda s: s.scalar(select(BacklogItem.id)))
    assert read(lambda s: s.get_one(BacklogItem, item_id).activity) is Activity.CONTENT
    # Both cards name it, for the owner triaging and for everyone voting.
    assert "Campaign · Content and editorial · " in all_text(last_message(double, ADMIN_CHANNEL))
    assert "Content and editorial" in all_text(last_message(double, TEAM_CHANNEL))
    slack.click(
        last_message(double, ADMIN_CHANNEL), Action.TRIAGE_ACCEPT, user=OWNER, channel=ADMIN_CHANNEL
    )
    slack.settle()
    accept = opened_view(double, Callback.ACCEPT)
    assert _block(accept, ScoreField.ACTIVITY)["element"]["initial_option"]["value"] == "content"
    scores = {"effort": "3", "customer_value": "8", "business_value": "7"}
    forged = slack.submit(accept, scores | {ScoreField.ACTIVITY: "juggling"}, user=OWNER).json
    assert set(forged["errors"]) == {ScoreField.ACTIVITY}
    slack.submit(accept, scores | {ScoreField.ACTIVITY: "campaign"}, user=OWNER)
    slack.settle()
    assert read(lambda s: s.get_one(BacklogItem, item_id).activity) is Activity.CAMPAIGN
    assert "Campaign · Campaigns · Ready" in all_text(last_message(double, ADMIN_CHANNEL))
    listing = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "Campaign · Campaigns · Ready · score 5" in all_text(listing)

    def plan(session):
        team_row = teams.team_for_channel(session, TEAM_CHANNEL)
        other = backlog.submit_idea(
            session,
            team_row,
            workspaces.person(session, OWNER),
            IdeaDraft("Case study video", None, ItemKind.CONTENT, None, None, None, None),
            NOW,
        )
        backlog.accept(session, other.id, workspaces.person(session, OWNER), Scores(5, 5, 5), NOW)
        values = {
            SprintField.GOAL: "200 trial sign-ups",
            SprintField.START: "2026-10-22",
            SprintField.LENGTH: "1",
            SprintField.CAPACITY: "10",
            SprintField.ITEMS: [str(item_id), str(other.id)],
        }
        draft = sprints.SprintDraft.validate(values, today=dt.date(2026, 10, 22))
        sprints.plan(session, team_row, workspaces.person(session, OWNER), draft, NOW)

    read(plan)
    slack.command("/sprint", "start", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    board = _board(double)
    sprint_item = read(
        lambda s: s.scalar(select(SprintItem.id).where(SprintItem.item_id == item_id))
    )
    slack.click(
        board,
        Action.SPRINT_MOVE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=f"{sprint_item}:doing",
        ts=board["ts"],
    )
    slack.settle()
    board = _board(double)

    # A stakeholder's Done opens nothing: a private no.
    slack.click(
        board,
        Action.SPRINT_DONE,
        user=STAKEHOLDER,
        channel=TEAM_CHANNEL,
        value=str(sprint_item),
        ts=board["ts"],
    )
    slack.settle()
    assert "Only members of Growth" in all_text(wait_for_response(double, STAKEHOLDER))
    assert not any(
        c.args["view"]["callback_id"] == Callback.SPRINT_DONE
        for c in double.calls_to("views.open", ok=None)
    )

    # A member's Done: the form, the Definition of Done, what it really took (optional).
    slack.click(
        board,
        Action.SPRINT_DONE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=str(sprint_item),
        ts=board["ts"],
    )
    slack.settle()
    form = opened_view(double, Callback.SPRINT_DONE)
    assert "Campaigns · 3 points" in all_text(form)
    off_scale = slack.submit(form, {DoneField.ACTUAL: "4"}, user=MEMBER).json
    assert off_scale["errors"] == {
        DoneField.ACTUAL: "Choose what it really took in points: 1, 2, 3, 5, 8, 13, 21."
    }
    assert "0 of 8 points done" in all_text(_board(double))
    assert slack.submit(form, {DoneField.ACTUAL: "5"}, user=MEMBER).body == ""
    slack.settle()
    assert "3 of 8 points done" in all_text(_board(double))  # the estimate's points
    assert read(lambda s: s.get_one(SprintItem, sprint_item).actual_points) == 5

    # Done from their own /sprint: the channel board and their own copy are redrawn.
    other = read(lambda s: s.scalar(select(SprintItem.id).where(SprintItem.item_id != item_id)))
    mine = slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json
    slack.click(
        mine,
        Action.SPRINT_MOVE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=f"{other}:doing",
        ephemeral=True,
    )
    slack.settle()
    mine = responses_to(double, MEMBER)[-1]
    slack.click(
        mine,
        Action.SPRINT_DONE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=str(other),
        ephemeral=True,
    )
    slack.settle()
    form = opened_view(double, Callback.SPRINT_DONE, count=2)
    assert "response_url" in json.loads(form["private_metadata"])
    slack.submit(form, {}, user=MEMBER)  # no actual: it is optional
    slack.settle()
    assert "8 of 8 points done" in all_text(_board(double))
    redrawn = responses_to(double, MEMBER)[-1]
    assert redrawn.get("replace_original") and "8 of 8 points done" in all_text(redrawn)
    assert read(lambda s: s.get_one(SprintItem, other).actual_points) is None

    # The export has the activity and the actual effort, in the reader's language.
    slack.command("/agile", "export", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    backlog_csv = next(
        record["bytes"].decode("utf-8-sig")
        for record in double.files.values()
        if record["completed"] and record["filename"] == "backlog.csv"
    )
    rows = {row[0]: row for row in csv.reader(io.StringIO(backlog_csv))}
    assert rows["Id"][-2:] == ["Activity", "Actual effort points"]
    assert rows[str(item_id)][-2:] == ["Campaigns", "5"]


def _run_sprint(session, team, start, work):
    """A one-week sprint from `start` (a Monday): `work` is (effort, activity, actual)."""
    owner = workspaces.person(session, OWNER)
    ids = []
    for effort, activity, _ in work:
        draft = IdeaDraft("Work", None, ItemKind.CONTENT, None, None, None, None, activity)
        item = backlog.submit_idea(session, team, owner, draft, NOW)
        backlog.accept(session, item.id, owner, Scores(effort, 5, 5), NOW)
        ids.append(item.id)
    values = {
        SprintField.GOAL: "Week",
        SprintField.START: start.isoformat(),
        SprintField.LENGTH: "1",
        SprintField.CAPACITY: "20",
        SprintField.ITEMS: [str(i) for i in ids],
    }
    sprint = sprints.plan(
        session, team, owner, sprints.SprintDraft.validate(values, today=start), NOW
    )
    at = sprints.local_instant_in(ROME, start, dt.time(9))
    sprints.start(session, sprint.id, at)
    member = workspaces.person(session, MEMBER)
    for entry, (_, _, actual) in zip(sprints.entries(session, sprint), work, strict=True):
        sprints.mark_done(session, entry.sprint_item_id, member, actual, at)
    sprints.close(session, sprint.id, at + dt.timedelta(days=4, hours=8))


def test_the_planning_form_knows_what_work_takes_after_four_sprints_in_italian(
    slack, double, read, clock
):
    """Content estimated at 2 takes 3.1 on average over four sprints, community estimated at
    3 takes 2: the Italian scrum master plans 10 points that are about 12 by the actuals."""
    clock.fixed = NOW
    set_up_team(slack, scrum_master=ITALIAN, members=[MEMBER, ITALIAN])
    content, community = Activity.CONTENT.value, Activity.COMMUNITY.value
    # Ten content items estimated at 2 that took 31 points: eight 3s, a 5 and a 2.
    weeks = [
        [(2, content, 3), (2, content, 3), (2, content, 3), (3, community, 2)],
        [(2, content, 3), (2, content, 3), (2, content, 5)],
        [(2, content, 3), (2, content, 2), (3, community, 2)],
        [(2, content, 3), (2, content, 3), (8, None, 13)],
    ]

    def history(session):
        team_row = teams.team_for_channel(session, TEAM_CHANNEL)
        for week, work in enumerate(weeks):
            _run_sprint(session, team_row, dt.date(2026, 10, 26) + dt.timedelta(weeks=week), work)
        owner = workspaces.person(session, OWNER)
        offered = []
        for title, effort, activity in [
            ("Autumn newsletter", 5, content),
            ("Reply to reviews", 3, community),
            ("Podcast guests", 2, Activity.OUTREACH.value),
        ]:
            draft = IdeaDraft(title, None, ItemKind.CONTENT, None, None, None, None)
            item = backlog.submit_idea(session, team_row, owner, draft, NOW)
            backlog.accept(session, item.id, owner, Scores(effort, 9, 9, activity), NOW)
            offered.append(str(item.id))
        return offered

    offered = read(history)
    clock.fixed = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)  # after the fourth sprint
    slack.command("/sprint", "plan", user=ITALIAN, channel=TEAM_CHANNEL)
    slack.settle()
    view = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.SPRINT_PLAN
    )[0].response["view"]
    text = all_text(view)
    assert "Contenuti e piano editoriale: stima 2, in media ne richiede 3,1 su 4 sprint" in text
    assert "Community e risposte: stima 3, in media ne richiede 2 su 2 sprint" in text
    assert "Outreach:" not in text  # no history: nothing said

    values = {
        SprintField.GOAL: "Newsletter",
        SprintField.START: "2026-11-23",
        SprintField.LENGTH: "1",
        SprintField.CAPACITY: "11",
        SprintField.ITEMS: offered,
    }
    slack.view_action(view, SprintField.ITEMS, values, user=ITALIAN)
    slack.settle()
    total = next(
        b for b in double.views[view["id"]]["blocks"] if b.get("block_id") == "sprint_total"
    )["text"]["text"]
    # 5 × 3.1/2 + 3 × 2/3 + 2 = 11.75: about 12, over the capacity of 11.
    assert "Pianificati: 10 punti in 3 elementi · capacità 11" in total
    assert (
        "10 punti pianificati valgono circa 12 secondo lo sforzo effettivo del team. "
        "(2 punti non hanno ancora uno sforzo effettivo: contano come stimati.)"
    ) in total
    assert "È più della capacità di 11" in total
