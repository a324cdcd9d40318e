"""The Home tab end to end: signed `app_home_opened` events and clicks from the published tab,
as Slack sends them, against the Slack double (which checks every views.publish against
Slack's reference and Block Kit's limits for a Home tab)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import event

from bot.fields import (
    DeclineField,
    IdeaField,
    ScoreField,
    SprintField,
    StandupField,
    StandupTimeField,
)
from bot.models import BacklogItem, Blocker, ItemKind, ItemStatus, Sprint, Team
from bot.services import backlog, sprints, standups, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.views.home import HomeAction
from bot.views.ids import Action, Callback
from tests.conftest import (
    ITALIAN,
    MEMBER,
    OWNER,
    SCRUM,
    STAKEHOLDER,
    TEAM_CHANNEL,
)
from tests.scenario import all_text, set_up_team
from tests.slack_double import SlackDouble
from tests.slack_double.views import published_home
from tests.slack_requests import Response, Slack, find_element
from tests.views.blockkit import of_type

# Thursday 22 October 2026, 10:00 in Rome (the team's time zone): a working day.
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 10, 22)


def _idea(session, team, submitter, title, kind=ItemKind.CONTENT):
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
    return backlog.submit_idea(session, team, submitter, draft, NOW)


@pytest.fixture
def team(slack, clock, read):
    """Growth: owner OWNER, scrum master SCRUM, members MEMBER and SCRUM; a running sprint,
    two ideas awaiting triage from the stakeholder, and an open blocker of MEMBER's."""
    clock.fixed = NOW
    set_up_team(slack)

    def fill(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        owner = workspaces.person(session, OWNER)
        stakeholder = workspaces.person(session, STAKEHOLDER)
        ready = []
        for title in ("Autumn newsletter", "Case study video"):
            item = _idea(session, team, owner, title)
            backlog.accept(session, item.id, owner, Scores(3, 8, 8), NOW)
            ready.append(item.id)
        ideas = [
            _idea(session, team, stakeholder, "Offer A vs offer B", ItemKind.EXPERIMENT).id,
            _idea(session, team, stakeholder, "Podcast <!channel>").id,
        ]
        backlog.toggle_vote(session, ready[1], stakeholder, NOW)
        draft = sprints.SprintDraft.validate(
            {
                SprintField.GOAL: "200 trial sign-ups",
                SprintField.START: TODAY.isoformat(),
                SprintField.LENGTH: "2",
                SprintField.CAPACITY: "10",
                SprintField.ITEMS: [str(ready[0])],
            },
            today=TODAY,
        )
        sprint = sprints.plan(session, team, owner, draft, NOW)
        sprints.start(session, sprint.id, NOW)
        member = workspaces.person(session, MEMBER)
        saved = standups.save_answer(
            session,
            team,
            member,
            standups.local_today(team, member, NOW),
            standups.AnswerDraft(("Drafts", "Review", "Waiting for legal")),
            NOW,
        )
        return {"id": team.id, "ideas": ideas, "ready": ready, "blocker": saved.blocker.id}

    return read(fill)


# --- Slack's side ----------------------------------------------------------------------------


def home_of(double: SlackDouble, user: str, count: int = 1) -> dict[str, Any]:
    """The `count`-th Home tab published for `user`, as the double holds it (with its id)."""
    double.wait_for("views.publish", lambda c: c.args["user_id"] == user, count=count)
    view = published_home(double, user)
    assert view is not None
    return view


def publishes(double: SlackDouble, user: str) -> list[Any]:
    return [c for c in double.calls_to("views.publish") if c.args["user_id"] == user]


def open_home(slack: Slack, user: str) -> dict[str, Any]:
    before = len(publishes(slack.double, user))
    response = slack.home_opened(user)
    assert response.status == 200, response.body
    slack.settle()
    return home_of(slack.double, user, before + 1)


def home_click(
    slack: Slack, home: dict[str, Any], action_id: str, *, user: str, value: str | None = None
) -> Response:
    """Click a button of the published Home tab as Slack sends it: the container is the view,
    and there is no channel, message or response URL."""
    block, element = find_element(home, action_id, value=value)
    view = {k: v for k, v in copy.deepcopy(home).items() if k != "user"}
    view["state"] = {"values": {}}
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": block.get("block_id", "b"),
        "value": element["value"],
        "text": element["text"],
        "action_ts": f"{time.time():.6f}",
    }
    return slack.action_in_view(home["id"], view, action, user=user)


def opened(double: SlackDouble, callback_id: str) -> dict[str, Any]:
    call = double.wait_for("views.open", lambda c: c.args["view"]["callback_id"] == callback_id)
    return call[-1].response["view"]


def forms(double: SlackDouble, callback_id: str) -> list[Any]:
    return [
        c for c in double.calls_to("views.open") if c.args["view"]["callback_id"] == callback_id
    ]


def dms(double: SlackDouble, user: str) -> str:
    return "\n".join(all_text(m) for m in double.messages_in(user))


# --- opening the tab -------------------------------------------------------------------------


def test_opening_the_home_tab_publishes_it_for_that_person(slack, double, team):
    home = open_home(slack, MEMBER)
    [call] = publishes(double, MEMBER)
    assert call.args["view"]["type"] == "home"
    text = all_text(home)
    assert "Growth" in text and "Member" in text
    assert "*Sprint 1*" in text and "200 trial sign-ups" in text
    assert "0 of 3 points done · capacity 10" in text
    # MEMBER answered today's standup (with their blocker): they may edit it.
    assert "Today's standup: answered." in text
    find_element(home, Action.STANDUP_OPEN, value=f"{team['id']}:{TODAY}")
    # Nobody but the owner sees Accept, nobody but the scrum master Resolve.
    for action in (Action.TRIAGE_ACCEPT, Action.TRIAGE_DECLINE, Action.BLOCKER_RESOLVE):
        assert action not in str(home["blocks"])
    assert HomeAction.PLAN_SPRINT not in str(home["blocks"])


def test_each_opening_publishes_it_again_and_the_messages_tab_publishes_nothing(
    slack, double, team
):
    open_home(slack, MEMBER)
    assert slack.home_opened(MEMBER, tab="messages").status == 200
    slack.settle()
    assert len(publishes(double, MEMBER)) == 1
    first = home_of(double, MEMBER)
    again = open_home(slack, MEMBER)
    assert len(publishes(double, MEMBER)) == 2
    assert again["id"] == first["id"]  # one Home tab per person, published anew


def test_a_stranger_is_met_first_and_told_how_to_start(slack, double, team):
    newcomer = "U0NEWBIE1"
    double.add_user(newcomer, real_name="Nina New", tz="America/New_York", locale="nl-NL")
    home = open_home(slack, newcomer)
    assert [c.args["user"] for c in double.calls_to("users.info")][-1] == newcomer
    text = all_text(home)
    assert "Welkom bij agilebot" in text  # their Slack language, read on first contact
    assert "`/agile setup`" in text and "`/idea" in text
    find_element(home, HomeAction.SUBMIT_IDEA)


def test_the_scrum_master_sees_open_blockers_and_can_plan_later(slack, double, team):
    home = open_home(slack, SCRUM)
    text = all_text(home)
    assert "Scrum master · Member" in text
    assert "1 open blocker" in text and f"<@{MEMBER}>: Waiting for legal" in text
    find_element(home, Action.BLOCKER_RESOLVE, value=str(team["blocker"]))
    # SCRUM has not answered today: the button to answer.
    find_element(home, Action.STANDUP_OPEN, value=f"{team['id']}:{TODAY}")
    find_element(home, HomeAction.PLAN_SPRINT, value=str(team["id"]))


def test_the_owner_sees_ideas_awaiting_triage_escaped(slack, double, team):
    home = open_home(slack, OWNER)
    text = all_text(home)
    assert "2 ideas awaiting triage" in text
    assert "Podcast &lt;!channel&gt;" in text and "<!channel>" not in text
    for idea in team["ideas"]:
        find_element(home, Action.TRIAGE_ACCEPT, value=str(idea))
        find_element(home, Action.TRIAGE_DECLINE, value=str(idea))
    assert "Your ideas" in text and "Autumn newsletter" in text  # the owner's own ideas


def test_the_home_tab_is_in_italian_for_an_italian_locale(slack, double, team, read):
    def add_italian(session):
        team_row = session.get_one(Team, team["id"])
        italian = workspaces.person(session, ITALIAN)
        session.add(teams.TeamMember(team_id=team_row.id, person_id=italian.id, joined_at=NOW))

    read(add_italian)
    text = all_text(open_home(slack, ITALIAN))
    assert "Lo standup di oggi ti aspetta" in text
    assert "Nessuno sprint" not in text and "Sprint 1" in text
    assert "Rispondi allo standup" in text


# --- actions from the tab --------------------------------------------------------------------


def test_the_owner_accepts_from_the_home_tab_and_it_is_drawn_again(slack, double, team, read):
    idea = team["ideas"][0]
    home = open_home(slack, OWNER)
    assert home_click(slack, home, Action.TRIAGE_ACCEPT, user=OWNER, value=str(idea)).status == 200
    slack.settle()
    form = opened(double, Callback.ACCEPT)
    values = {
        ScoreField.EFFORT: "5",
        ScoreField.CUSTOMER_VALUE: "7",
        ScoreField.BUSINESS_VALUE: "9",
    }
    assert slack.submit(form, values, user=OWNER).status == 200
    slack.settle()
    assert read(lambda s: s.get_one(BacklogItem, idea).status) is ItemStatus.READY
    again = home_of(double, OWNER, count=2)
    assert "1 idea awaiting triage" in all_text(again)
    with pytest.raises(AssertionError):
        find_element(again, Action.TRIAGE_ACCEPT, value=str(idea))
    assert "Offer A vs offer B" in dms(double, STAKEHOLDER)  # the submitter is told, as ever


def test_the_owner_declines_from_the_home_tab(slack, double, team, read):
    idea = team["ideas"][1]
    home = open_home(slack, OWNER)
    home_click(slack, home, Action.TRIAGE_DECLINE, user=OWNER, value=str(idea))
    slack.settle()
    form = opened(double, Callback.DECLINE)
    slack.submit(form, {DeclineField.REASON: "Not this quarter"}, user=OWNER)
    slack.settle()
    assert read(lambda s: s.get_one(BacklogItem, idea).status) is ItemStatus.DECLINED
    assert "1 idea awaiting triage" in all_text(home_of(double, OWNER, count=2))


def test_accept_from_the_home_tab_by_someone_else_is_refused(slack, double, team, read):
    idea = team["ideas"][0]
    owners_home = open_home(slack, OWNER)
    # The member's tab has no Accept: a click forged from the owner's tab is refused.
    home_click(slack, owners_home, Action.TRIAGE_ACCEPT, user=MEMBER, value=str(idea))
    slack.settle()
    assert "Only the marketing owner" in dms(double, MEMBER)
    assert forms(double, Callback.ACCEPT) == []
    assert read(lambda s: s.get_one(BacklogItem, idea).status) is ItemStatus.PROPOSED
    assert publishes(double, MEMBER) == []


def test_the_scrum_master_resolves_a_blocker_from_the_home_tab(slack, double, team, read):
    home = open_home(slack, SCRUM)
    home_click(slack, home, Action.BLOCKER_RESOLVE, user=SCRUM, value=str(team["blocker"]))
    slack.settle()
    assert read(lambda s: s.get_one(Blocker, team["blocker"]).resolved_at) is not None
    assert "resolved your blocker" in dms(double, MEMBER)
    again = all_text(home_of(double, SCRUM, count=2))
    assert "open blocker" not in again and "Waiting for legal" not in again


def test_resolve_from_the_home_tab_by_someone_else_is_refused(slack, double, team, read):
    home = open_home(slack, SCRUM)
    home_click(slack, home, Action.BLOCKER_RESOLVE, user=OWNER, value=str(team["blocker"]))
    slack.settle()
    assert "Only the scrum master" in dms(double, OWNER)
    assert read(lambda s: s.get_one(Blocker, team["blocker"]).resolved_at) is None


def test_the_standup_is_answered_from_the_home_tab(slack, double, team):
    home = open_home(slack, SCRUM)
    home_click(
        slack, home, Action.STANDUP_OPEN, user=SCRUM, value=f"{team['id']}:{TODAY.isoformat()}"
    )
    slack.settle()
    form = opened(double, Callback.STANDUP)
    slack.submit(form, {StandupField.DONE: "Planning", StandupField.NEXT: "Board"}, user=SCRUM)
    slack.settle()
    assert "Today's standup: answered." in all_text(home_of(double, SCRUM, count=2))


def test_an_idea_is_submitted_from_the_home_tab(slack, double, team, read):
    home = open_home(slack, STAKEHOLDER)
    assert "Welcome to agilebot" in all_text(home)  # in no team, but there is one
    home_click(slack, home, HomeAction.SUBMIT_IDEA, user=STAKEHOLDER)
    slack.settle()
    form = opened(double, Callback.IDEA)
    slack.submit(
        form, {IdeaField.TITLE: "Spring webinar", IdeaField.KIND: "campaign"}, user=STAKEHOLDER
    )
    slack.settle()
    titles = read(lambda s: [i.title for i in s.query(BacklogItem).filter_by(team_id=team["id"])])
    assert "Spring webinar" in titles
    again = all_text(home_of(double, STAKEHOLDER, count=2))
    assert "Spring webinar" in again and "Awaiting triage" in again


def test_a_sprint_is_planned_from_the_home_tab(slack, double, team, read):
    home = open_home(slack, OWNER)
    home_click(slack, home, HomeAction.PLAN_SPRINT, user=OWNER, value=str(team["id"]))
    slack.settle()
    form = opened(double, Callback.SPRINT_PLAN)
    values = {
        SprintField.GOAL: "Launch the webinar",
        SprintField.START: "2026-11-05",
        SprintField.LENGTH: "1",
        SprintField.CAPACITY: "5",
        SprintField.ITEMS: [str(team["ready"][1])],
    }
    # Choosing items redraws the form's total: it still refreshes the Home tab once saved.
    slack.view_action(form, SprintField.ITEMS, values, user=OWNER)
    slack.settle()
    form = double.views[form["id"]]
    assert "Committed: 3 points in 1 item" in all_text(form)
    assert slack.submit(form, values, user=OWNER).status == 200
    slack.settle()
    assert read(lambda s: s.query(Sprint).count()) == 2
    again = home_of(double, OWNER, count=2)
    with pytest.raises(AssertionError):  # a sprint is planned: no second button
        find_element(again, HomeAction.PLAN_SPRINT)


def test_plan_from_the_home_tab_by_a_member_is_refused(slack, double, team, read):
    home = open_home(slack, OWNER)
    home_click(slack, home, HomeAction.PLAN_SPRINT, user=MEMBER, value=str(team["id"]))
    slack.settle()
    assert "Only the marketing owner" in dms(double, MEMBER)
    assert forms(double, Callback.SPRINT_PLAN) == []


# --- a standup time of one's own -------------------------------------------------------------


def own_time_of(read, team_id: int, user: str) -> dt.time | None:
    return read(
        lambda s: standups.own_time(s, teams.get_team(s, team_id), workspaces.person(s, user))
    )


def open_time_form(slack: Slack, double: SlackDouble, team: dict[str, Any]) -> dict[str, Any]:
    """MEMBER's Change… on their Home tab: the form, as the double holds it."""
    home = open_home(slack, MEMBER)
    assert "Your standup: at the team's time, 9:30 your time." in all_text(home)
    response = home_click(slack, home, HomeAction.STANDUP_TIME, user=MEMBER, value=str(team["id"]))
    assert response.status == 200
    slack.settle()
    return opened(double, Callback.STANDUP_TIME)


def test_a_standup_time_of_ones_own_is_set_from_the_home_tab(slack, double, team, read):
    form = open_time_form(slack, double, team)
    [picker] = of_type(form, "timepicker")
    assert picker["initial_time"] == "09:30"  # the team's, which they follow
    response = slack.submit(form, {StandupTimeField.TIME: "08:15"}, user=MEMBER)
    assert response.status == 200 and response.json == {}  # saved: the form closes
    slack.settle()
    assert own_time_of(read, team["id"], MEMBER) == dt.time(8, 15)
    again = all_text(home_of(double, MEMBER, count=2))
    assert "Your standup: 8:15 your time (the team's: 9:30)." in again
    # The form opens at their own time next.
    home_click(slack, home_of(double, MEMBER, count=2), HomeAction.STANDUP_TIME, user=MEMBER)
    slack.settle()
    [picker] = of_type(forms(double, Callback.STANDUP_TIME)[-1].response["view"], "timepicker")
    assert picker["initial_time"] == "08:15"


def test_the_teams_time_again_from_the_home_tab(slack, double, team, read):
    form = open_time_form(slack, double, team)
    slack.submit(form, {StandupTimeField.TIME: "07:45"}, user=MEMBER)
    slack.settle()
    assert own_time_of(read, team["id"], MEMBER) == dt.time(7, 45)
    home_click(slack, home_of(double, MEMBER, count=2), HomeAction.STANDUP_TIME, user=MEMBER)
    slack.settle()
    form = forms(double, Callback.STANDUP_TIME)[-1].response["view"]
    values = {
        StandupTimeField.TIME: "07:45",
        StandupTimeField.TEAMS_TIME: [StandupTimeField.USE_TEAMS],
    }
    assert slack.submit(form, values, user=MEMBER).json == {}
    slack.settle()
    assert own_time_of(read, team["id"], MEMBER) is None
    text = all_text(home_of(double, MEMBER, count=3))
    assert "Your standup: at the team's time, 9:30 your time." in text


def test_saving_the_teams_time_unchanged_keeps_following_the_team(slack, double, team, read):
    form = open_time_form(slack, double, team)
    assert slack.submit(form, {StandupTimeField.TIME: "09:30"}, user=MEMBER).json == {}
    slack.settle()
    assert own_time_of(read, team["id"], MEMBER) is None
    assert len(publishes(double, MEMBER)) == 2  # the tab is drawn again all the same


def test_a_bad_time_is_refused_on_the_field_and_nothing_is_stored(slack, double, team, read):
    form = open_time_form(slack, double, team)
    for bad in ("25:99", None):  # what no timepicker sends: a forged or empty value
        response = slack.submit(form, {StandupTimeField.TIME: bad}, user=MEMBER)
        assert response.json["response_action"] == "errors"
        assert "HH:MM" in response.json["errors"][StandupTimeField.TIME]
    slack.settle()
    assert own_time_of(read, team["id"], MEMBER) is None
    assert len(publishes(double, MEMBER)) == 1  # nothing saved: not drawn again


def test_a_team_the_person_is_not_in_is_refused(slack, double, team, read):
    def other_team(session) -> int:
        scrum = workspaces.person(session, SCRUM)
        brand = Team(
            name="Brand",
            channel_id="C0BRAND01",
            admin_channel_id="C0ADMIN01",
            owner_id=scrum.id,
            scrum_master_id=scrum.id,
        )
        session.add(brand)
        session.flush()
        return brand.id

    brand = read(other_team)
    # A click forged with the other team's id opens no form.
    home = open_home(slack, MEMBER)
    home_click(slack, home, HomeAction.STANDUP_TIME, user=MEMBER, value=str(team["id"]))
    slack.settle()
    forged = copy.deepcopy(home)
    [change] = [b for b in of_type(forged, "button") if b["action_id"] == HomeAction.STANDUP_TIME]
    change["value"] = str(brand)
    home_click(slack, forged, HomeAction.STANDUP_TIME, user=MEMBER, value=str(brand))
    slack.settle()
    assert len(forms(double, Callback.STANDUP_TIME)) == 1
    assert "Standups are for the members of Brand" in dms(double, MEMBER)
    # A form whose metadata names the other team is refused on the field, and stores nothing.
    form = copy.deepcopy(opened(double, Callback.STANDUP_TIME))
    form["private_metadata"] = json.dumps({"team": brand, "home": True})
    response = slack.submit(form, {StandupTimeField.TIME: "08:00"}, user=MEMBER)
    assert response.json["response_action"] == "errors"
    assert "Standups are for the members of Brand" in response.json["errors"][StandupTimeField.TIME]
    slack.settle()
    assert own_time_of(read, brand, MEMBER) is None
    assert own_time_of(read, team["id"], MEMBER) is None
    assert len(publishes(double, MEMBER)) == 1


# --- what one publish costs ------------------------------------------------------------------


def _statements(slack: Slack, engine, user: str) -> int:
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        open_home(slack, user)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count[0]


def test_one_publish_takes_the_same_few_statements_however_much_there_is(
    slack, double, team, read, engine
):
    def grow(session, first: int, count: int, ideas: int) -> None:
        """`count` more teams where SCRUM has every role, each with `ideas` ideas awaiting
        triage (half of them voted for by SCRUM) and an open blocker of MEMBER's."""
        scrum = workspaces.person(session, SCRUM)
        member = workspaces.person(session, MEMBER)
        for n in range(first, first + count):
            channel = f"C0MORE00{n}"
            other = Team(
                name=f"Team {n}",
                channel_id=channel,
                admin_channel_id="C0ADMIN01",
                owner_id=scrum.id,
                scrum_master_id=scrum.id,
            )
            session.add(other)
            session.flush()
            session.add(teams.TeamMember(team_id=other.id, person_id=scrum.id, joined_at=NOW))
            session.add(teams.TeamMember(team_id=other.id, person_id=member.id, joined_at=NOW))
            for i in range(ideas):
                item = _idea(session, other, scrum, f"Idea {i}")
                if i % 2:
                    backlog.toggle_vote(session, item.id, scrum, NOW)
            answer = standups.save_answer(
                session,
                other,
                member,
                standups.local_today(other, member, NOW),
                standups.AnswerDraft(("x", None, "Blocked again")),
                NOW,
            )
            assert answer.blocker is not None

    read(lambda session: grow(session, 0, 1, 2))
    open_home(slack, SCRUM)  # the profile is read once, on first contact
    small = _statements(slack, engine, SCRUM)
    read(lambda session: grow(session, 1, 2, 200))
    big = _statements(slack, engine, SCRUM)
    assert big == small, (small, big)
    assert big <= 12


# --- the double's views.publish --------------------------------------------------------------


def test_the_double_publishes_home_tabs_as_slack_does(double):
    client = WebClient(token=SlackDouble.BOT_TOKEN, base_url=double.api_url)
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = client.views_publish(user_id=MEMBER, view=home)["view"]
    assert first["type"] == "home" and published_home(double, MEMBER)["id"] == first["id"]
    second = client.views_publish(user_id=MEMBER, view=home, hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    with pytest.raises(SlackApiError) as stale:
        client.views_publish(user_id=MEMBER, view=home, hash=first["hash"])
    assert stale.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as stranger:
        client.views_publish(user_id="U0NOBODY1", view=home)
    assert stranger.value.response["error"] == "invalid_arguments"
    double.violations.clear()
    for bad in (
        {"type": "modal", "blocks": []},
        {"type": "home", "blocks": [home["blocks"][0]] * 101},
    ):
        with pytest.raises(SlackApiError):
            client.views_publish(user_id=MEMBER, view=bad)
    assert any("must be home" in v for v in double.violations)
    assert any("101 blocks" in v for v in double.violations)
    with pytest.raises(SlackApiError):
        client.api_call("views.publish", json={"view": home})  # no user_id
    double.violations.clear()
