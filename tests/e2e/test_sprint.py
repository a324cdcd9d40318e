"""Sprints in Slack, end to end: /sprint, the planning modal with its live total and its field
errors, start and end by hand, moving items on the board with the Definition of Done, /burnup,
the showcase, experiment results and a learning turned into an idea; permissions on each."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.fields import SprintField
from bot.models import BacklogItem, ItemKind, ItemStatus, Team, WorkState
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import all_text, set_up_team, wait_for_response

# Thursday 22 October 2026, 10:00 in Rome (the team's time zone in the scenario).
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 10, 22)


@pytest.fixture
def team(slack, clock, read):
    clock.fixed = NOW
    set_up_team(slack)

    def add_items(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        team.definition_of_done = "Proofread <b>and</b> approved by legal."
        owner = workspaces.person(session, OWNER)
        ids = []
        for title, kind, effort in [
            ("Offer A vs offer B", ItemKind.EXPERIMENT, 5),
            ("Autumn newsletter <!channel>", ItemKind.CAMPAIGN, 3),
            ("Case study video", ItemKind.CONTENT, 8),
        ]:
            experiment = kind is ItemKind.EXPERIMENT
            draft = IdeaDraft(
                title,
                None,
                kind,
                "B doubles clicks" if experiment else None,
                "Click-through rate" if experiment else None,
                None,
                None,
            )
            item = backlog.submit_idea(session, team, owner, draft, NOW)
            backlog.accept(session, item.id, owner, Scores(effort, 9, 9), NOW)
            ids.append(item.id)
        return team.id, ids

    team_id, ids = read(add_items)
    return {"id": team_id, "items": ids}


def modal(double, count=1):
    call = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.SPRINT_PLAN, count=count
    )[count - 1]
    return call.response["view"]


def current(double, view):
    return double.views[view["id"]]


def plan_values(items, **changes):
    values = {
        SprintField.GOAL: "200 trial sign-ups",
        SprintField.SERVES: "Q4 objective",
        SprintField.START: "2026-10-26",
        SprintField.LENGTH: "2",
        SprintField.CAPACITY: "10",
        SprintField.ITEMS: [str(i) for i in items],
    }
    values.update(changes)
    return values


def test_plan_run_and_close_a_sprint_in_slack(slack, double, team, read, clock):
    items = team["items"]
    # No sprint yet.
    answer = slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "no sprint yet" in all_text(answer)

    # Only the owner or the scrum master plans: the member gets a private no.
    slack.command("/sprint", "plan", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    refusal = wait_for_response(double, MEMBER)
    assert "Only the marketing owner" in all_text(refusal)
    assert not any(
        c.args["view"]["callback_id"] == Callback.SPRINT_PLAN for c in double.calls_to("views.open")
    )

    # The owner plans: the modal lists the backlog, and its total follows the choices.
    slack.command("/sprint", "plan", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    view = modal(double)
    assert "Offer A vs offer B" in all_text(view)
    slack.view_action(
        view, SprintField.ITEMS, plan_values(items[:2], **{SprintField.CAPACITY: "5"}), user=OWNER
    )
    slack.settle()
    view = current(double, view)
    assert "Committed: 8 points in 2 items" in all_text(view)
    assert "3 points over capacity" in all_text(view)

    # Bad input: errors on the fields, nothing stored.
    bad = slack.submit(
        view,
        plan_values(
            items[:2],
            **{SprintField.GOAL: " ", SprintField.START: "2026-10-01", SprintField.CAPACITY: "0"},
        ),
        user=OWNER,
    ).json
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {SprintField.GOAL, SprintField.START, SprintField.CAPACITY}
    assert read(lambda s: sprints.current_sprint(s, s.get_one(Team, team["id"]))) is None

    ok = slack.submit(view, plan_values(items), user=OWNER)
    assert ok.status == 200 and ok.body == ""
    slack.settle()
    assert "Sprint 1 is saved: 16 points" in all_text(double.messages_in(OWNER)[-1])
    assert read(lambda s: s.get_one(BacklogItem, items[0]).status) is ItemStatus.PLANNED

    # A second plan over the same dates is refused on the start field.
    slack.command("/sprint", "plan", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    second = modal(double, count=2)
    overlap = slack.submit(second, plan_values([], **{SprintField.START: "2026-11-02"}), user=SCRUM)
    assert set(overlap.json["errors"]) == {SprintField.START}

    # The scrum master starts it early; the board goes to the channel.
    clock.fixed = dt.datetime(2026, 10, 23, 8, 0, tzinfo=dt.UTC)
    slack.command("/sprint", "start", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    assert "Sprint 1 has started" in all_text(wait_for_response(double, SCRUM))
    board = double.messages_in(TEAM_CHANNEL)[-1]
    assert "The sprint starts" in all_text(board)
    assert "&lt;!channel&gt;" in all_text(board)  # user text stays text

    # A stakeholder's forged click changes nothing; a member moves items.
    first_item = next(
        b for b in board["blocks"] if b.get("block_id", "").startswith("sprint_item:")
    )
    sprint_item_id = first_item["block_id"].split(":")[1]
    slack.click(
        board,
        Action.SPRINT_MOVE,
        user=STAKEHOLDER,
        channel=TEAM_CHANNEL,
        value=f"{sprint_item_id}:doing",
        ts=board["ts"],
    )
    slack.settle()
    assert "Only members of Growth" in all_text(wait_for_response(double, STAKEHOLDER))
    slack.click(
        board,
        Action.SPRINT_MOVE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=f"{sprint_item_id}:doing",
        ts=board["ts"],
    )
    slack.settle()
    assert "0 of 16 points done" in all_text(_board(double))  # the refused click changed nothing
    board = _board(double)
    done_button = next(
        b["accessory"]
        for b in board["blocks"]
        if b.get("block_id") == f"sprint_item:{sprint_item_id}"
    )
    assert (done_button["action_id"], done_button["value"]) == (Action.SPRINT_DONE, sprint_item_id)
    slack.click(
        board,
        Action.SPRINT_DONE,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        value=sprint_item_id,
        ts=board["ts"],
    )
    slack.settle()
    # Done shows the Definition of Done first (user text, escaped), then marks it done.
    done_form = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.SPRINT_DONE
    )[0].response["view"]
    assert "Proofread &lt;b&gt;and&lt;/b&gt; approved by legal." in all_text(done_form)
    assert slack.submit(done_form, {}, user=MEMBER).body == ""
    slack.settle()
    assert "5 of 16 points done" in all_text(_board(double))

    # The owner changes an estimate from their /sprint: scope changes, the board follows.
    own = slack.command("/sprint", "", user=OWNER, channel=TEAM_CHANNEL).json
    video = next(i for i in items if read(lambda s, i=i: s.get_one(BacklogItem, i).effort) == 8)
    slack.click(
        own,
        Action.SPRINT_ESTIMATE,
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=str(video),
        ephemeral=True,
    )
    slack.settle()
    scores = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.RESCORE
    )[0].response["view"]
    slack.submit(scores, {"effort": "13", "customer_value": "9", "business_value": "9"}, user=OWNER)
    slack.settle()
    assert "5 of 21 points done" in all_text(_board(double))
    assert "Edit an estimate" not in all_text(
        slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json
    )

    # /sprint shows the same board privately; /burnup posts the chart.
    mine = slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "5 of 21 points done" in all_text(mine)
    slack.command("/burnup", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    upload = double.calls_to("files.getUploadURLExternal")[-1]
    assert upload.args["filename"] == "burnup-sprint-1.png"
    assert "5 of 21 points completed" in upload.args["alt_txt"]

    # Only the owner or scrum master ends it; the showcase follows.
    slack.command("/sprint", "end", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    assert "Only the marketing owner" in all_text(wait_for_response(double, MEMBER, count=2))
    clock.fixed = dt.datetime(2026, 10, 27, 14, 0, tzinfo=dt.UTC)
    slack.command("/sprint", "end", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    showcase = next(m for m in double.messages_in(TEAM_CHANNEL) if "Sprint showcase" in all_text(m))
    assert "Completed:* 5 points in 1 item" in all_text(showcase)
    assert "*Say/do:* 24%" in all_text(showcase)  # 5 of the 21 points committed at the start

    # The owner records the experiment's result from the DM; it lands in the showcase thread.
    ask = double.messages_in(OWNER)[-1]
    assert "Offer A vs offer B" in all_text(ask)
    slack.click(ask, Action.EXPERIMENT_RESULT, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    result_view = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_RESULT
    )[0].response["view"]
    empty = slack.submit(result_view, {}, user=OWNER).json
    assert set(empty["errors"]) == {"experiment_result", "experiment_figure"}
    saved = slack.submit(
        result_view,
        {
            "experiment_result": "won",
            "experiment_figure": "3.4% vs 1.9%",
            "experiment_learning": "Concrete offers win.",
        },
        user=OWNER,
    )
    assert saved.body == ""
    slack.settle()
    thread = [m for m in double.messages_in(TEAM_CHANNEL) if m.get("thread_ts") == showcase["ts"]]
    assert any("won" in all_text(m) and "3.4% vs 1.9%" in all_text(m) for m in thread)

    # One click turns the learning into an idea, which goes to triage.
    recorded = double.messages_in(OWNER)[-1]
    slack.click(recorded, Action.LEARNING_TO_IDEA, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    triage = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "Follow-up: Offer A vs offer B" in all_text(triage)
    slack.click(recorded, Action.LEARNING_TO_IDEA, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()  # a second click makes no second idea
    assert sum("Follow-up" in all_text(m) for m in double.messages_in(ADMIN_CHANNEL)) == 1

    # Velocity on request.
    slack.command("/sprint", "velocity", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    velocity = double.calls_to("files.getUploadURLExternal")[-1].args
    assert velocity["filename"] == "velocity.png"
    assert "Sprint 1: 5 of 21 points, say/do 24%" in velocity["alt_txt"]

    # Unknown subcommands get the sprint help.
    helped = slack.command("/sprint", "plna", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "`/sprint plna`" in all_text(helped) and "/sprint plan" in all_text(helped)


def _board(double):
    """The sprint board as it stands in the channel (updated in place)."""
    return next(
        m
        for m in double.messages_in(TEAM_CHANNEL)
        if any(b.get("block_id") == "sprint_nav" for b in m.get("blocks", []))
    )


def test_set_up_keeps_the_definition_of_done_and_the_showcase_channel(slack, double, read):
    from tests.conftest import OTHER_CHANNEL

    set_up_team(
        slack,
        definition_of_done="Proofread; approved.",
        showcase_channel=OTHER_CHANNEL,
        standup_reminder="60",
        retro_window="2",
    )
    team = read(lambda s: teams.team_for_channel(s, TEAM_CHANNEL))
    assert team.definition_of_done == "Proofread; approved."
    assert team.showcase_channel_id == OTHER_CHANNEL
    assert (team.standup_reminder_minutes, team.retro_window_days) == (60, 2)
    bad = set_up_team(slack, retro_window="9")
    assert "retro_window" in bad.json["errors"]
    too_long = set_up_team(slack, definition_of_done="x" * 281)
    assert "definition_of_done" in too_long.json["errors"]


def test_a_forged_chart_click_from_elsewhere_is_refused(slack, double, team, read):
    from tests.conftest import OTHER_CHANNEL

    def plan_and_start(session):
        team_row = session.get_one(Team, team["id"])
        owner = workspaces.person(session, OWNER)
        draft = sprints.SprintDraft.validate(
            plan_values(team["items"][:1], **{SprintField.START: "2026-10-22"}), today=TODAY
        )
        sprint = sprints.plan(session, team_row, owner, draft, NOW)
        sprints.start(session, sprint.id, NOW)
        return sprint.id

    sprint_id = read(plan_and_start)
    slack.block_action(
        [
            {
                "type": "button",
                "action_id": Action.SPRINT_BURNUP,
                "block_id": "sprint_nav",
                "value": str(sprint_id),
                "action_ts": "1700000000.000001",
            }
        ],
        user=STAKEHOLDER,
        channel=OTHER_CHANNEL,
    )
    slack.settle()
    assert "belongs to Growth" in all_text(wait_for_response(double, STAKEHOLDER))
    assert double.calls_to("files.getUploadURLExternal") == []


def _plan(session, team_id, items, start, weeks="2", goal="200 trial sign-ups"):
    team_row = session.get_one(Team, team_id)
    values = plan_values(items, **{SprintField.START: start, SprintField.LENGTH: weeks})
    values[SprintField.GOAL] = goal
    draft = sprints.SprintDraft.validate(values, today=TODAY)
    return sprints.plan(session, team_row, workspaces.person(session, OWNER), draft, NOW).id


def test_between_two_sprints_sprint_sums_up_the_last_and_says_how_to_plan(
    slack, double, team, read, clock
):
    items = team["items"]

    def first_sprint(session):
        sprint_id = _plan(session, team["id"], items[:2], "2026-10-22", weeks="1")
        sprints.start(session, sprint_id, NOW)
        entry = sprints.entries(session, sprints.get_sprint(session, sprint_id))[0]
        sprints.move(
            session, entry.sprint_item_id, workspaces.person(session, MEMBER), WorkState.DONE, NOW
        )
        sprints.close(
            session,
            sprint_id,
            dt.datetime(2026, 10, 23, 14, 0, tzinfo=dt.UTC),
            actor=workspaces.person(session, SCRUM),
        )

    read(first_sprint)
    clock.fixed = dt.datetime(2026, 10, 24, 9, 0, tzinfo=dt.UTC)  # Saturday
    answer = slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json
    text = all_text(answer)
    assert answer["response_type"] == "ephemeral"
    assert "No sprint is running" in text
    assert "Sprint 1" in text and "Goal not met" in text
    assert "Committed:* 8 points in 2 items" in text and "Completed:* 5 points in 1 item" in text
    assert "closed Fri 23 Oct" in text
    assert "`/sprint plan`" in text and "scrum master" in text
    assert "sprint_nav" not in str(answer)  # not the closed board with its buttons

    # The next one is planned: /sprint shows it too.
    read(lambda s: _plan(s, team["id"], items[2:], "2026-11-02", goal="Video launch"))
    text = all_text(slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json)
    assert "No sprint is running" in text and "Sprint 1" in text
    assert "Sprint 2" in text and "Video launch" in text and "starts Mon 2 Nov" in text
    # In the reader's language: an Italian reader gets Italian dates.
    text = all_text(slack.command("/sprint", "", user=ITALIAN, channel=TEAM_CHANNEL).json)
    assert "lun 2 nov" in text and "ven 23 ott" in text


def test_the_board_ends_on_the_last_working_day_and_times_carry_their_zone(
    slack, double, team, read, clock
):
    items = team["items"]
    # Planned in Slack: the confirmation says the start day and 9:00 with its time zone.
    slack.command("/sprint", "plan", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    slack.submit(modal(double), plan_values(items), user=OWNER)
    slack.settle()
    saved = all_text(double.messages_in(OWNER)[-1])
    assert "Sprint 1 is saved" in saved
    assert "Mon 26 Oct" in saved and "2026-10-26" not in saved
    assert "9:00 (Italy Time)" in saved
    # A second plan over those dates: the refusal names them as the boards do.
    slack.command("/sprint", "plan", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    overlap = slack.submit(
        modal(double, count=2), plan_values([], **{SprintField.START: "2026-11-02"}), user=SCRUM
    ).json
    refusal = overlap["errors"][SprintField.START]
    assert "Mon 26 Oct" in refusal and "Sun 8 Nov" in refusal and "2026-" not in refusal

    # It runs from Monday 26 October to Friday 6 November (its calendar ends on Sunday 8).
    clock.fixed = sprints.local_instant_in("Europe/Rome", dt.date(2026, 10, 26), dt.time(10))
    read(
        lambda s: sprints.start(
            s, sprints.next_sprint(s, s.get_one(Team, team["id"])).id, clock.fixed
        )
    )
    board = all_text(slack.command("/sprint", "", user=MEMBER, channel=TEAM_CHANNEL).json)
    assert "Mon 26 Oct → Fri 6 Nov 17:00 (Italy Time)" in board and "Sun 8 Nov" not in board
    slack.command("/sprint", "edit", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    edit = all_text(modal(double, count=3))
    assert "Running since Mon 26 Oct; it ends Fri 6 Nov 17:00 (Italy Time)." in edit
