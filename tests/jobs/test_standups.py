"""Asynchronous standups by time travel: members in Rome, Amsterdam and New York asked at
their own 9:00 (across the week when Europe has left summer time and New York has not), never
on weekends, team holidays or away days; one reminder; the day's thread with late and edited
answers; blockers raised at once, raised again, and resolved by the scrum master."""

from __future__ import annotations

import datetime as dt
from unittest.mock import Mock

import pytest
from sqlalchemy import select

from bot.errors import Conflict
from bot.i18n import LANGUAGES, translator
from bot.jobs import people as people_jobs
from bot.jobs import standups as standup_jobs
from bot.messaging import standups as standup_posts
from bot.models import StandupDay, StandupPrompt, Team, TeamMember
from bot.scheduler import tick
from bot.services import standups, teams, workspaces
from bot.slack import web_client
from bot.views.ids import Action, Callback
from tests.conftest import (
    ADMIN_CHANNEL,
    ITALIAN,
    MEMBER,
    OWNER,
    SCRUM,
    STAKEHOLDER,
    TEAM_CHANNEL,
)
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, team_settings, wait_for_response

ROME, AMSTERDAM, NEW_YORK = ITALIAN, MEMBER, STAKEHOLDER  # the members, by where they live
ZONES = {ROME: "Europe/Rome", AMSTERDAM: "Europe/Amsterdam", NEW_YORK: "America/New_York"}


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def team(slack, double, db_url, session_factory, workspace_id, read, clock):
    clock.fixed = utc(10, 22, 12)

    def create(session):
        owner = workspaces.person(session, OWNER)
        for user, zone in ZONES.items():
            workspaces.person(session, user).time_zone = zone
        settings = team_settings(member_user_ids=tuple(ZONES))
        team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, clock.fixed)
        return team.id, team.workspace_id

    team_id, workspace_id = read(create)
    client = web_client(settings_for(double, db_url))
    return {"id": team_id, "workspace": workspace_id, "client": client}


def run(team, session_factory, at):
    return tick(
        session_factory, at, standup_jobs.sources(lambda _: team["client"], session_factory)
    )


def _says(message, msgid):
    """Whether `message` says `msgid` (up to its first placeholder) in any of our languages."""
    return any(
        translator(lang).gettext(msgid).split("{")[0] in all_text(message) for lang in LANGUAGES
    )


def prompted(double, user):
    msgid = "Good morning! Time for your standup for {team} ({day})."
    return [m for m in double.messages_in(user) if _says(m, msgid)]


def reminded(double, user):
    msgid = "A friendly reminder: your standup for {team} ({day}) is still open."
    return [m for m in double.messages_in(user) if _says(m, msgid)]


def test_prompts_follow_each_members_clock(team, double, session_factory, slack, read, clock):
    # Friday 23 October, summer time everywhere: Rome and Amsterdam at 7:00 UTC, New York at
    # 13:00 UTC.
    assert run(team, session_factory, utc(10, 23, 6, 59)).ran == []
    run(team, session_factory, utc(10, 23, 7))
    assert [len(prompted(double, u)) for u in (ROME, AMSTERDAM, NEW_YORK)] == [1, 1, 0]
    run(team, session_factory, utc(10, 23, 7, 1))  # a repeated tick asks no one twice
    run(team, session_factory, utc(10, 23, 13))
    assert [len(prompted(double, u)) for u in (ROME, AMSTERDAM, NEW_YORK)] == [1, 1, 1]
    # The weekend: nothing.
    for hour in range(0, 24, 2):
        assert run(team, session_factory, utc(10, 24, hour)).ran == []
        assert run(team, session_factory, utc(10, 25, hour)).ran == []
    # Monday 26 October: Europe left summer time on Sunday, New York has not yet.
    run(team, session_factory, utc(10, 26, 7))
    assert len(prompted(double, ROME)) == 1  # 8:00 in Rome: not yet
    run(team, session_factory, utc(10, 26, 8))
    assert [len(prompted(double, u)) for u in (ROME, AMSTERDAM, NEW_YORK)] == [2, 2, 1]

    # One friendly reminder, two hours later, to those who have not answered: never public.
    # (Friday's went to Rome and Amsterdam; New York's came too late to be useful.)
    clock.fixed = utc(10, 26, 9)
    slack.command("/standup", "", user=ROME, channel=TEAM_CHANNEL)
    slack.settle()
    view = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.STANDUP
    )[-1].response["view"]
    assert slack.submit(view, {"standup_done": "Drafted the newsletter"}, user=ROME).body == ""
    slack.settle()
    run(team, session_factory, utc(10, 26, 10))
    run(team, session_factory, utc(10, 26, 10, 30))
    assert [len(reminded(double, u)) for u in (ROME, AMSTERDAM, NEW_YORK)] == [1, 2, 0]
    run(team, session_factory, utc(10, 26, 13))  # 9:00 in New York, still on summer time
    assert len(prompted(double, NEW_YORK)) == 2
    channel_text = "".join(all_text(m) for m in double.messages_in(TEAM_CHANNEL))
    assert "reminder" not in channel_text and AMSTERDAM not in channel_text.split("answered")[0]

    # A team holiday on Tuesday, and Amsterdam away on Wednesday and Thursday.
    refusal = slack.command(
        "/standup", "holiday 2026-10-27 Team day", user=MEMBER, channel=TEAM_CHANNEL
    )
    assert "Only the scrum master" in all_text(refusal.json)
    past = slack.command("/standup", "holiday 2026-10-01", user=SCRUM, channel=TEAM_CHANNEL)
    assert "in the past" in all_text(past.json)
    ok = slack.command("/standup", "holiday 2026-10-27 Team day", user=SCRUM, channel=TEAM_CHANNEL)
    assert "is a holiday" in all_text(ok.json)
    slack.command("/standup", "holiday 2026-11-05", user=SCRUM, channel=TEAM_CHANNEL)
    undo = slack.command("/standup", "holiday remove 2026-11-05", user=SCRUM, channel=TEAM_CHANNEL)
    assert "working day for Growth again" in all_text(undo.json)
    listed = slack.command("/standup", "holidays", user=MEMBER, channel=TEAM_CHANNEL)
    assert "Tue 27 Oct Team day" in all_text(listed.json) and "Thu 5 Nov" not in all_text(
        listed.json
    )
    backwards = slack.command(
        "/standup", "away 2026-10-29 2026-10-28", user=AMSTERDAM, channel=TEAM_CHANNEL
    )
    assert "ends before it starts" in all_text(backwards.json)
    away = slack.command(
        "/standup", "away 2026-10-28 2026-10-29", user=AMSTERDAM, channel=TEAM_CHANNEL
    )
    assert "You are away" in all_text(away.json)
    for day in (27, 28, 29):
        run(team, session_factory, utc(10, day, 8))
        run(team, session_factory, utc(10, day, 13))
    assert [len(prompted(double, u)) for u in (ROME, AMSTERDAM, NEW_YORK)] == [4, 2, 4]
    back = slack.command("/standup", "back", user=AMSTERDAM, channel=TEAM_CHANNEL)
    assert "Welcome back" in all_text(back.json)
    # Monday 2 November: New York has left summer time too: 14:00 UTC.
    run(team, session_factory, utc(11, 2, 8))
    run(team, session_factory, utc(11, 2, 13))
    assert len(prompted(double, NEW_YORK)) == 4
    run(team, session_factory, utc(11, 2, 14))
    assert len(prompted(double, NEW_YORK)) == 5
    assert len(prompted(double, AMSTERDAM)) == 3


def answer(slack, double, user, values, *, day=None, count=None):
    if day is None:
        slack.command("/standup", "", user=user, channel=TEAM_CHANNEL)
    else:
        prompt = prompted(double, user)[-1]
        slack.click(prompt, Action.STANDUP_OPEN, user=user, channel=double.dm_channel(user))
    slack.settle()
    calls = double.wait_for(
        "views.open",
        lambda c: c.args["view"]["callback_id"] == Callback.STANDUP,
        count=count or 1,
    )
    view = calls[-1].response["view"]
    response = slack.submit(view, values, user=user)
    slack.settle()
    return response


def test_the_days_thread_with_late_and_edited_answers_and_blockers(
    team, double, session_factory, slack, clock, read
):
    run(team, session_factory, utc(10, 26, 8))  # Monday: Rome and Amsterdam asked
    clock.fixed = utc(10, 26, 9)
    empty = answer(slack, double, ROME, {})
    assert set(empty.json["errors"]) == {"standup_done"}  # an empty standup stores nothing
    answer(
        slack,
        double,
        ROME,
        {"standup_done": "Newsletter <!channel>", "standup_next": "Ads"},
        count=2,
    )
    thread = double.messages_in(TEAM_CHANNEL)
    parent = thread[0]
    # Three members are asked on Monday, New York among them although its prompt comes at
    # 9:00 there, hours later.
    assert "Standup of Mon 26 Oct" in all_text(parent) and "Answered: 1 of 3" in all_text(parent)
    reply = thread[1]
    assert reply["thread_ts"] == parent["ts"] and "&lt;!channel&gt;" in all_text(reply)
    # The same day, an edit: the reply follows.
    answer(slack, double, ROME, {"standup_done": "Newsletter sent", "standup_next": "Ads"}, count=3)
    assert len(double.messages_in(TEAM_CHANNEL)) == 2
    assert "Newsletter sent" in all_text(double.messages_in(TEAM_CHANNEL)[1])
    # New York's prompt goes out: the parent is drawn again, and still counts three.
    edits = len(double.messages_in(TEAM_CHANNEL)[0]["history"])
    run(team, session_factory, utc(10, 26, 13))
    assert len(double.messages_in(TEAM_CHANNEL)[0]["history"]) == edits + 1
    assert "Answered: 1 of 3" in all_text(double.messages_in(TEAM_CHANNEL)[0])
    # Amsterdam answers Monday's standup on Tuesday, from the prompt: late, in Monday's thread,
    # with a blocker for the scrum master.
    clock.fixed = utc(10, 27, 9)
    answer(
        slack,
        double,
        AMSTERDAM,
        {"standup_done": "Landing page", "standup_blockers": "Waiting for legal"},
        day="prompt",
        count=4,
    )
    late = double.messages_in(TEAM_CHANNEL)[-1]
    assert late["thread_ts"] == parent["ts"] and "late answer" in all_text(late)
    assert "Answered: 2 of 3" in all_text(double.messages_in(TEAM_CHANNEL)[0])
    blocker = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "Waiting for legal" in all_text(blocker) and AMSTERDAM in all_text(blocker)
    # Yesterday's answer cannot be edited any more.
    edit = answer(slack, double, AMSTERDAM, {"standup_done": "x"}, day="prompt", count=5)
    assert "same day only" in edit.json["errors"]["standup_done"]
    # Open for two working days: raised again (Tuesday 9:00 + 2 working days = Thursday).
    assert not any(
        k.startswith("blocker_reraise") for k in run(team, session_factory, utc(10, 28, 12)).ran
    )
    reraised = run(team, session_factory, utc(10, 29, 9))
    assert any(k.startswith("blocker_reraise") for k in reraised.ran)
    assert "Still blocked" in all_text(double.messages_in(ADMIN_CHANNEL)[-1])
    run(team, session_factory, utc(10, 30, 9))  # raised again once only
    assert sum("Still blocked" in all_text(m) for m in double.messages_in(ADMIN_CHANNEL)) == 1
    # Only the scrum master resolves; the member is told.
    slack.click(blocker, Action.BLOCKER_RESOLVE, user=OWNER, channel=ADMIN_CHANNEL)
    slack.settle()
    assert "Only the scrum master" in all_text(wait_for_response(double, OWNER))
    # Resolve from the second card: both cards say it is resolved, and neither offers it.
    again = double.messages_in(ADMIN_CHANNEL)[-1]
    slack.click(again, Action.BLOCKER_RESOLVE, user=SCRUM, channel=ADMIN_CHANNEL)
    slack.settle()
    assert "resolved your blocker" in all_text(double.messages_in(AMSTERDAM)[-1])
    cards = [m for m in double.messages_in(ADMIN_CHANNEL) if "Waiting for legal" in all_text(m)]
    assert len(cards) == 2
    for card in cards:
        text = all_text(card)
        assert "Blocker resolved" in text and "Resolved by" in text
        assert ":construction:" not in text and "New blocker" not in text
        assert Action.BLOCKER_RESOLVE not in str(card["blocks"])
    assert read(lambda s: s.get_one(Team, team["id"]).name) == "Growth"


def test_a_member_who_left_slack_does_not_stop_the_others(team, double, session_factory, db_url):
    people = people_jobs.sources(lambda _: team["client"], session_factory)
    double.users[AMSTERDAM]["deleted"] = True  # left Slack
    double.fail_next("chat.postMessage", status=429, retry_after=1, times=1)  # and a rate limit
    run(team, session_factory, utc(10, 26, 8))
    assert len(prompted(double, ROME)) == 1  # retried after the 429, delivered
    # Slack confirms that Amsterdam left: no raw error code in the admin channel, and the
    # scrum master is told once, in words, privately, in their own language.
    assert double.messages_in(ADMIN_CHANNEL) == []
    double.users[SCRUM]["locale"] = "nl-NL"
    for hour in (9, 10):
        tick(session_factory, utc(10, 26, hour), people)
    told = [m for m in double.messages_in(SCRUM) if AMSTERDAM in all_text(m)]
    assert len(told) == 1
    assert "heeft deze Slack-werkruimte verlaten" in all_text(told[0])
    assert "channel_not_found" not in all_text(told[0])
    # Not asked again: Slack says they left.
    run(team, session_factory, utc(10, 27, 8))
    run(team, session_factory, utc(11, 3, 8))
    assert len(prompted(double, ROME)) == 3 and not prompted(double, AMSTERDAM)
    assert double.messages_in(ADMIN_CHANNEL) == []


def test_a_failed_prompt_is_reported_in_words(team, double, session_factory):
    double.fail_next("chat.postMessage", error="restricted_action", times=1)
    run(team, session_factory, utc(10, 26, 8))
    report = all_text(double.messages_in(ADMIN_CHANNEL)[-1])
    assert "could not send the standup prompt" in report
    assert "the workspace does not let me post there" in report
    assert "restricted_action" not in report


def test_back_from_away_the_same_morning_is_still_asked(
    team, double, session_factory, slack, clock
):
    away = slack.command("/standup", "away 2026-10-26 2026-10-30", user=ROME, channel=TEAM_CHANNEL)
    assert "Sei assente" in all_text(away.json)  # in Giulia's own language
    run(team, session_factory, utc(10, 26, 8))
    assert len(prompted(double, ROME)) == 0 and len(prompted(double, AMSTERDAM)) == 1
    clock.fixed = utc(10, 26, 9)
    slack.command("/standup", "back", user=ROME, channel=TEAM_CHANNEL)
    run(team, session_factory, utc(10, 26, 9, 1))
    assert len(prompted(double, ROME)) == 1 and len(prompted(double, AMSTERDAM)) == 1


def test_answers_only_for_days_asked_and_items_only_from_the_sprint(
    team, double, session_factory, read, clock
):
    clock.fixed = utc(10, 28, 10)

    def answer_for(day, items=()):
        def go(session):
            t = session.get_one(Team, team["id"])
            draft = standups.AnswerDraft(("Done", None, None), tuple(items))
            person = workspaces.person(session, ROME)
            return standups.save_answer(session, t, person, day, draft, clock.fixed).answer.item_ids

        return read(go)

    with pytest.raises(Conflict, match="no standup for you"):
        answer_for(dt.date(2026, 10, 27))  # not asked that day: no thread for it
    assert answer_for(dt.date(2026, 10, 28), items=[999, 12345]) == []  # not sprint items


def test_prompts_lost_in_a_crash_are_sent_later(team, double, session_factory, monkeypatch):
    # The prompt job committed its rows, and the process stopped before the DMs went out.
    with monkeypatch.context() as crash:
        crash.setattr(standup_posts, "send_prompts", Mock(side_effect=SystemExit("killed")))
        with pytest.raises(SystemExit):
            run(team, session_factory, utc(10, 26, 8))
    assert prompted(double, ROME) == []
    run(team, session_factory, utc(10, 26, 8, 5))  # not yet: the send may still be under way
    assert prompted(double, ROME) == []
    run(team, session_factory, utc(10, 26, 8, 10))
    assert len(prompted(double, ROME)) == 1 and len(prompted(double, AMSTERDAM)) == 1
    run(team, session_factory, utc(10, 26, 8, 20))
    assert len(prompted(double, ROME)) == 1


def test_a_prompt_whose_answer_slack_lost_is_found_and_not_reported(
    team, double, session_factory, read
):
    double.fail_next("chat.postMessage", status=500, after_processing=True)
    run(team, session_factory, utc(10, 26, 8))
    assert len(prompted(double, ROME)) == 1 and len(prompted(double, AMSTERDAM)) == 1
    assert double.messages_in(ADMIN_CHANNEL) == []  # it went: nothing to report
    unsent = read(lambda s: s.scalars(select(StandupPrompt).where(StandupPrompt.sent_at.is_(None))))
    assert list(unsent) == []


def test_prompts_sent_by_a_process_that_stopped_before_recording_them_go_once(
    team, double, session_factory, monkeypatch
):
    """The DMs went out and the process stopped before it recorded them sent: the resend
    finds them in each DM and sends nothing again."""
    with monkeypatch.context() as crash:
        crash.setattr(standup_posts, "unit_of_work", Mock(side_effect=SystemExit("killed")))
        with pytest.raises(SystemExit):
            run(team, session_factory, utc(10, 26, 8))
    assert len(prompted(double, ROME)) == 1 and len(prompted(double, AMSTERDAM)) == 1
    run(team, session_factory, utc(10, 26, 8, 10))
    run(team, session_factory, utc(10, 26, 8, 20))
    assert len(prompted(double, ROME)) == 1 and len(prompted(double, AMSTERDAM)) == 1
    assert double.calls_to("conversations.history")  # looked for, not sent again


def test_a_member_added_after_their_standup_time_is_not_counted_as_asked(
    team, double, session_factory, read, slack, clock
):
    run(team, session_factory, utc(10, 26, 8))  # Monday: Rome and Amsterdam asked
    clock.fixed = utc(10, 26, 9)
    answer(slack, double, ROME, {"standup_done": "Newsletter"})
    assert "Answered: 1 of 3" in all_text(double.messages_in(TEAM_CHANNEL)[0])
    afternoon = utc(10, 26, 14)  # 15:00 in Rome: a new member joins, too late for today

    def join(session):
        t = session.get_one(Team, team["id"])
        workspaces.person(session, OWNER).time_zone = "Europe/Rome"
        session.add(TeamMember(team_id=t.id, person_id=workspaces.person(session, OWNER).id))
        session.flush()
        day = session.scalars(select(StandupDay)).one()
        return standups.participation(session, day, afternoon)

    assert read(join) == (1, 3)
