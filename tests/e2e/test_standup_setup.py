"""The standup the team's way, end to end through Slack: the scrum master's set-up form (its
questions, days and who is asked), refusals on the field that store nothing, answers under the
team's own questions with a yes/no blocker question, answers that keep their questions after
they change, a time of one's own, the week at a glance and the Home tab's standup line."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.fields import StandupField, StandupSetupField
from bot.i18n import translator
from bot.models import StandupParticipant, StandupQuestionSet, Team
from bot.services import standups, teams
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.handlers.test_home import home_click, open_home
from tests.scenario import all_text, opened_view, set_up_team

WEDNESDAY = dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)  # 10:00 in Rome and Amsterdam
Q = StandupSetupField


def setup_form(*questions, blocker="0", days=("0", "2", "4"), asked=(MEMBER, ITALIAN, SCRUM)):
    values = {Q.QUESTION.format(n=n): q for n, q in enumerate(questions, start=1)}
    return values | {Q.BLOCKER_QUESTION: blocker, Q.DAYS: list(days), Q.ASKED: list(asked)}


def open_setup(slack, double, user=SCRUM, count=1):
    response = slack.command("/standup", "setup", user=user, channel=TEAM_CHANNEL)
    assert response.status == 200
    slack.settle()
    return opened_view(double, Callback.STANDUP_SETUP, count=count)


def private(slack, user, text):
    """The command's private answer, as its blocks show it."""
    answer = slack.command("/standup", text, user=user, channel=TEAM_CHANNEL).json
    return all_text({"blocks": answer["blocks"]}).strip()


def question_sets(read) -> int:
    return read(lambda s: s.scalar(select(func.count()).select_from(StandupQuestionSet)))


@pytest.fixture
def team(slack, double, clock):
    clock.fixed = WEDNESDAY
    set_up_team(slack, members=[MEMBER, ITALIAN])
    return slack


def answer_form(slack, double, user, count):
    slack.command("/standup", "", user=user, channel=TEAM_CHANNEL)
    slack.settle()
    calls = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.STANDUP, count=count
    )
    return calls[-1].response["view"]


def test_only_the_scrum_master_opens_the_set_up(team, slack, double):
    slack.command("/standup", "setup", user=ITALIAN, channel=TEAM_CHANNEL)
    slack.settle()
    told = [r["body"] for r in double.responses if r["user"] == ITALIAN]
    assert any("Solo lo scrum master" in all_text(b) for b in told), told
    view = open_setup(slack, double)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["standup_question_1"]["element"]["initial_value"] == (
        "What I finished since last time"
    )
    assert inputs[Q.ASKED]["element"]["initial_users"] == [MEMBER, ITALIAN]
    # A forged submission by someone else changes nothing.
    refused = slack.submit(view, setup_form("Wins?"), user=MEMBER)
    assert "Only the scrum master" in refused.json["errors"]["standup_question_1"]


@pytest.mark.parametrize(
    "values, field",
    [
        (setup_form(), "standup_question_1"),  # no question
        (setup_form("One", "", "Three"), "standup_question_2"),  # an empty question
        (setup_form("One", days=()), Q.DAYS),  # no day
        (setup_form("One", asked=(MEMBER, STAKEHOLDER)), Q.ASKED),  # not in the team
        (setup_form("One", blocker="4"), Q.BLOCKER_QUESTION),
    ],
)
def test_the_set_up_refuses_on_the_field_and_stores_nothing(
    team, slack, double, read, values, field
):
    view = open_setup(slack, double)
    response = slack.submit(view, values, user=SCRUM)
    assert response.json["response_action"] == "errors"
    assert list(response.json["errors"]) == [field]
    assert question_sets(read) == 0
    assert read(lambda s: s.scalars(select(Team.standup_days)).one()) is None
    assert read(lambda s: s.scalar(select(func.count()).select_from(StandupParticipant))) == 0


def test_a_sixth_question_is_refused_on_the_field(team, slack, double, read):
    view = copy.deepcopy(open_setup(slack, double))
    sixth = copy.deepcopy(
        next(b for b in view["blocks"] if b.get("block_id") == "standup_question_5")
    )
    sixth["block_id"] = "standup_question_6"
    view["blocks"].insert(6, sixth)
    values = setup_form("a", "b", "c", "d", "e") | {"standup_question_6": "f"}
    response = slack.submit(view, values, user=SCRUM)
    assert response.json["errors"] == {"standup_question_5": "A standup asks at most 5 questions."}
    assert question_sets(read) == 0


def test_the_teams_own_questions_days_and_people(team, slack, double, read):
    view = open_setup(slack, double)
    values = setup_form(
        "What did a customer tell you?",
        "What I will do next",
        "Do you need help from anyone?",
        blocker="3",
        asked=(MEMBER, ITALIAN, SCRUM),
    )
    assert slack.submit(view, values, user=SCRUM).body == ""
    slack.settle()
    assert read(lambda s: s.scalars(select(Team.standup_days)).one()) == 0b10101
    # Giulia, in Italian: the scrum master's questions as written, the preset in Italian.
    form = answer_form(slack, double, ITALIAN, 1)
    labels = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    it = translator("it")
    assert labels[:4] == [
        "What did a customer tell you?",
        it.gettext("What I will do next"),
        "Do you need help from anyone?",
        it.gettext("What is blocking me"),
    ]
    # Yes without saying what: refused on the field, nothing stored.
    refused = slack.submit(form, {"standup_q1": "Price", StandupField.BLOCKED: "yes"}, user=ITALIAN)
    assert set(refused.json["errors"]) == {StandupField.BLOCKERS}
    ok = slack.submit(
        form,
        {
            "standup_q1": "Price <!channel>",
            StandupField.NEXT: "Ads",
            StandupField.BLOCKED: "yes",
            StandupField.BLOCKERS: "Legal",
        },
        user=ITALIAN,
    )
    assert ok.body == ""
    slack.settle()
    reply = double.messages_in(TEAM_CHANNEL)[-1]
    # The channel is in the team's language: the preset in English, the rest as written.
    assert reply["text"].split("\n")[1:] == [
        "*What did a customer tell you?* Price &lt;!channel&gt;",
        "*Next:* Ads",
        ":construction: *Do you need help from anyone?* Legal",
    ]
    card = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "New blocker" in all_text(card) and "Legal" in all_text(card)

    # The scrum master asks other questions now; Giulia's answer keeps its own.
    view = open_setup(slack, double, count=2)
    assert slack.submit(view, setup_form("How is the week going?"), user=SCRUM).body == ""
    slack.settle()
    assert question_sets(read) == 2
    edit = answer_form(slack, double, ITALIAN, 2)
    assert [b["label"]["text"] for b in edit["blocks"] if b["type"] == "input"][0] == (
        "What did a customer tell you?"
    )
    slack.submit(
        edit,
        {"standup_q1": "Price again", StandupField.NEXT: "Ads", StandupField.BLOCKED: "no"},
        user=ITALIAN,
    )
    slack.settle()
    assert "*What did a customer tell you?* Price again" in all_text(
        double.messages_in(TEAM_CHANNEL)[-1]
    )
    # No longer blocked: the card says so, resolved by Giulia herself.
    assert f"Resolved by <@{ITALIAN}>" in all_text(double.messages_in(ADMIN_CHANNEL)[-1])
    # The member's first answer today asks the new question.
    fresh = answer_form(slack, double, MEMBER, 3)
    assert [b["label"]["text"] for b in fresh["blocks"] if b["type"] == "input"] == [
        "How is the week going?"
    ]


def test_a_time_of_ones_own_is_set_said_and_reset_privately(team, slack, double, read):
    assert private(slack, MEMBER, "time") == (
        "Your standup time for Growth is the team's, 09:30 (Europe/Amsterdam). "
        "`/standup time 08:30` sets your own."
    )
    for bad in ("8h30", "24:00", "08:30 tomorrow"):
        said = private(slack, MEMBER, f"time {bad}")
        assert "HH:MM" in said, said
    assert read(lambda s: s.scalar(select(func.count()).select_from(StandupParticipant))) == 0
    assert private(slack, MEMBER, "time 07:45") == (
        "Your standup time for Growth is now 07:45 (Europe/Amsterdam)."
    )
    assert "07:45 (Europe/Amsterdam), your own" in private(slack, MEMBER, "time")
    assert "the team's again: 09:30" in private(slack, MEMBER, "time reset")
    # In Giulia's language; and someone outside the team is told so.
    assert "Il tuo orario dello standup" in private(slack, ITALIAN, "time 8:00")
    assert "Standups are for the members of Growth" in private(slack, STAKEHOLDER, "time 8:00")
    # The scrum master, not a member and not asked, may keep a time for when they are.
    assert "not asked for the standups of Growth" in private(slack, SCRUM, "time 08:00")


def test_the_week_at_a_glance_for_the_teams_people(team, slack, double, read):
    answer = answer_form(slack, double, MEMBER, 1)
    slack.submit(
        answer,
        {StandupField.DONE: "Copy", StandupField.BLOCKED: "yes", StandupField.BLOCKERS: "Legal"},
        user=MEMBER,
    )
    slack.settle()
    week = private(slack, MEMBER, "week")
    assert "*Growth* · standups of the week of Mon 7 Dec" in week
    assert "• *Wed 9 Dec* · Answered: 1 of 2 so far · you answered" in week
    assert "• *Fri 11 Dec* · to come" in week
    assert "*Blockers:* 1 raised, 0 resolved this week" in week
    assert f"<@{MEMBER}>: Legal (raised Wed 9 Dec)" in week
    assert "Risposte: 1 su 2" in private(slack, ITALIAN, "week")
    assert "Standups are for the members of Growth" in private(slack, STAKEHOLDER, "week")


def test_the_home_tab_follows_who_is_asked_and_the_days(team, slack, double, read, clock):
    view = open_setup(slack, double)
    values = setup_form("Wins?", days=("0", "2"), asked=(MEMBER, SCRUM))
    assert slack.submit(view, values, user=SCRUM).body == ""
    slack.settle()
    # The scrum master takes part: their tab has today's standup, answered from it.
    home = open_home(slack, SCRUM)
    assert "Today's standup is waiting for your answer." in all_text(home)
    home_click(slack, home, Action.STANDUP_OPEN, user=SCRUM, value=f"{read(_team_id)}:2026-12-09")
    slack.settle()
    form = opened_view(double, Callback.STANDUP)
    assert [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"] == ["Wins?"]
    # Giulia is left out: no standup line for her.
    left_out = open_home(slack, ITALIAN)
    assert "Growth" in all_text(left_out) and Action.STANDUP_OPEN not in str(left_out)
    # Thursday is no standup day for the team: the tab says when the next one is.
    clock.fixed = WEDNESDAY + dt.timedelta(days=1)
    assert "No standup today: the next one is on Mon 14 Dec." in all_text(open_home(slack, MEMBER))


def _team_id(session) -> int:
    return teams.team_for_channel(session, TEAM_CHANNEL).id


def test_a_second_reminder_is_refused_on_the_field_before_the_first(team, slack, read):
    refused = set_up_team(
        slack, members=[MEMBER, ITALIAN], standup_reminder="120", standup_second_reminder="60"
    )
    assert list(refused.json["errors"]) == ["standup_second_reminder"]
    set_up_team(
        slack, members=[MEMBER, ITALIAN], standup_reminder="60", standup_second_reminder="240"
    )
    team = read(lambda s: teams.team_for_channel(s, TEAM_CHANNEL))
    assert (team.standup_reminder_minutes, team.standup_second_reminder_minutes) == (60, 240)
    assert standups.reminder_delays(team) == {1: dt.timedelta(hours=1), 2: dt.timedelta(hours=4)}
