"""Following an idea, end to end: anyone follows from the idea card (its submitter from the
start) and gets one DM, in their own language, for each change of its status (accepted,
declined with the reason, planned into a sprint, done, an experiment's result), never for a
change they made themselves; a DM that fails is sent by the scheduler later, once; repeated
ticks and repeated clicks send nothing twice; Stop following works from the DM and from the
Home tab."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from bot.fields import SprintField
from bot.i18n import translator
from bot.jobs import follows as follow_jobs
from bot.jobs import job_sources
from bot.messaging import follows as notices
from bot.models import BacklogItem, IdeaFollower, IdeaNotice, NoticeKind, Team
from bot.scheduler import tick
from bot.services import backlog, follows, workspaces
from bot.services.backlog import Scores
from bot.slack import clients_for
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
from tests.scenario import (
    all_text,
    last_message,
    opened_view,
    set_up_team,
    submit_idea,
    wait_for_response,
)

DUTCH = "U0DUTCH01"
# Thursday 22 October 2026, 10:00 in Rome (the team's time zone in the scenario).
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def team(slack, double, clock):
    """A team, a Dutch colleague in its channel, and a stakeholder's experiment idea."""
    double.add_user(DUTCH, real_name="Daan de Vries", tz="Europe/Amsterdam", locale="nl-NL")
    double.channels[TEAM_CHANNEL]["members"].append(DUTCH)
    clock.fixed = NOW
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)


def item_id(read) -> int:
    return read(lambda s: s.scalars(select(BacklogItem.id).order_by(BacklogItem.id)).first())


def notices_to(double, user: str) -> list[dict[str, Any]]:
    """The notice DMs `user` got, oldest first."""
    return [
        m
        for m in double.messages_in(user)
        if (m.get("metadata") or {}).get("event_type") == notices.NOTICE_EVENT
    ]


def says(message: dict[str, Any], language: str, msgid: str) -> bool:
    """Whether `message` says `msgid` in `language`: its longest run of words between
    placeholders."""
    pieces = re.split(r"\{[^}]*\}", translator(language).gettext(msgid))
    return max((p.strip() for p in pieces), key=len) in all_text(message)


def follow_from_card(slack, double, user: str, count: int = 1) -> dict[str, Any]:
    card = next(m for m in double.messages_in(TEAM_CHANNEL) if "New idea from" in all_text(m))
    slack.click(card, Action.FOLLOW, user=user, channel=TEAM_CHANNEL)
    slack.settle()
    return wait_for_response(double, user, count=count)


def accept(slack, double, *, count: int = 1) -> None:
    card = last_message(double, ADMIN_CHANNEL)
    slack.click(card, Action.TRIAGE_ACCEPT, user=OWNER, channel=ADMIN_CHANNEL)
    view = opened_view(double, Callback.ACCEPT, count=count)
    scores = {"effort": "5", "customer_value": "8", "business_value": "7"}
    assert slack.submit(view, scores, user=OWNER).body == ""
    slack.settle()


def run_ticks(double, db_url, session_factory, *instants: dt.datetime, everything=True):
    """The scheduler's ticks: every job, or only the notices' (so that no standup prompt takes
    a failure a test makes Slack answer)."""
    clients = clients_for(settings_for(double, db_url))
    sources = (
        job_sources(clients, session_factory)
        if everything
        else follow_jobs.sources(clients, session_factory)
    )
    return [tick(session_factory, at, sources) for at in instants]


def test_each_follower_hears_each_change_once_in_their_language_but_not_of_their_own(
    slack, double, team, read, clock, db_url, session_factory
):
    # Anyone follows from the card, privately answered in their language.
    following = "You follow {item} now: I'll send you a message when its status changes."
    assert says(follow_from_card(slack, double, ITALIAN), "it", following)
    assert says(follow_from_card(slack, double, DUTCH), "nl", following)
    follow_from_card(slack, double, MEMBER)
    follow_from_card(slack, double, OWNER)
    again = follow_from_card(slack, double, ITALIAN, count=2)
    assert says(again, "it", "You already follow {item}.")
    followers = {STAKEHOLDER, ITALIAN, DUTCH, MEMBER, OWNER}
    assert read(lambda s: s.query(IdeaFollower).count()) == len(followers)

    # Accepted by the owner: everyone else hears it once; the submitter as before.
    accept(slack, double)
    assert notices_to(double, OWNER) == []
    [submitter] = notices_to(double, STAKEHOLDER)
    assert (
        "Your idea *#1 Offer A vs offer B* was accepted into Growth's backlog"
        in (submitter["text"])
    )
    accepted = "{item}, an idea you follow, was accepted into {team}'s backlog (score {score})."
    [italian] = notices_to(double, ITALIAN)
    assert says(italian, "it", accepted) and "3" in italian["text"]
    [dutch] = notices_to(double, DUTCH)
    assert says(dutch, "nl", accepted)
    [member] = notices_to(double, MEMBER)
    assert "an idea you follow, was accepted" in member["text"]
    # The DM links to the idea's card, and lets them stop following.
    card = next(m for m in double.messages_in(TEAM_CHANNEL) if "New idea from" in all_text(m))
    assert f"/archives/{TEAM_CHANNEL}/p{card['ts'].replace('.', '')}" in all_text(member)
    assert [b for b in member["blocks"] if b["type"] == "actions"][0]["elements"][0][
        "action_id"
    ] == Action.UNFOLLOW

    # Planned into a sprint by the owner.
    slack.command("/sprint", "plan", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    plan = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.SPRINT_PLAN
    )[0].response["view"]
    values = {
        SprintField.GOAL: "200 trial sign-ups",
        SprintField.SERVES: "Q4 objective",
        SprintField.START: "2026-10-26",
        SprintField.LENGTH: "2",
        SprintField.CAPACITY: "10",
        SprintField.ITEMS: [str(item_id(read))],
    }
    assert slack.submit(plan, values, user=OWNER).body == ""
    slack.settle()
    assert "sprint 1 of Growth" in notices_to(double, MEMBER)[-1]["text"]
    assert "Mon 26 Oct" in notices_to(double, MEMBER)[-1]["text"]
    planned = "{item} is planned into sprint {number} of {team}, which starts on {day}."
    assert says(notices_to(double, ITALIAN)[-1], "it", planned)

    # Done on the board by a member: everyone but them hears it, once, even after a Reopen.
    clock.fixed = dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC)
    slack.command("/sprint", "start", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    board = double.messages_in(TEAM_CHANNEL)[-1]  # updated in place from now on
    row = next(b for b in board["blocks"] if b.get("block_id", "").startswith("sprint_item:"))
    sprint_item = row["block_id"].split(":")[1]

    def done() -> None:
        slack.click(board, Action.SPRINT_DONE, user=MEMBER, channel=TEAM_CHANNEL, value=sprint_item)
        slack.settle()
        form = double.calls_to("views.open")[-1].response["view"]
        assert form["callback_id"] == Callback.SPRINT_DONE
        assert slack.submit(form, {}, user=MEMBER).body == ""
        slack.settle()

    doing = f"{sprint_item}:doing"
    slack.click(board, Action.SPRINT_MOVE, user=MEMBER, channel=TEAM_CHANNEL, value=doing)
    slack.settle()
    done()
    assert says(
        notices_to(double, OWNER)[-1],
        "en",
        "{item} is done: {team} finished it in sprint {number}.",
    )
    slack.click(board, Action.SPRINT_MOVE, user=MEMBER, channel=TEAM_CHANNEL, value=doing)
    slack.settle()
    done()

    # The experiment's result, recorded by the owner after the sprint.
    slack.command("/sprint", "end", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    ask = next(m for m in reversed(double.messages_in(OWNER)) if Action.EXPERIMENT_RESULT in str(m))
    slack.click(ask, Action.EXPERIMENT_RESULT, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    form = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_RESULT
    )[0].response["view"]
    result = {"experiment_result": "won", "experiment_figure": "3.4%"}
    assert slack.submit(form, result, user=OWNER).body == ""
    slack.settle()
    assert "3.4%" in notices_to(double, DUTCH)[-1]["text"]
    result_msgid = "The experiment {item} has its result: {result}."
    assert says(notices_to(double, DUTCH)[-1], "nl", result_msgid)

    # The scheduler finds nothing left to send, however often it ticks.
    later = clock.fixed + dt.timedelta(minutes=5)
    run_ticks(double, db_url, session_factory, later, later, later + dt.timedelta(hours=2))

    def kinds(user: str) -> Counter[str]:
        return Counter(
            read(
                lambda s: [
                    n.kind.value
                    for n in s.scalars(
                        select(IdeaNotice).where(
                            IdeaNotice.person_id == workspaces.person(s, user).id
                        )
                    )
                ]
            )
        )

    everything = {"accepted": 1, "planned": 1, "done": 1, "result": 1}
    assert kinds(STAKEHOLDER) == kinds(ITALIAN) == kinds(DUTCH) == Counter(everything)
    assert kinds(MEMBER) == Counter({**everything, "done": 0})  # they moved it
    assert kinds(OWNER) == Counter({"done": 1})  # they accepted, planned and recorded it
    for user, count in [(STAKEHOLDER, 4), (ITALIAN, 4), (DUTCH, 4), (MEMBER, 3), (OWNER, 1)]:
        assert len(notices_to(double, user)) == count, user
    assert read(lambda s: s.query(IdeaNotice).filter(IdeaNotice.sent_at.is_(None)).count()) == 0


def test_a_declined_idea_tells_its_followers_why_and_takes_no_more_followers(
    slack, double, team, read
):
    follow_from_card(slack, double, ITALIAN)
    triage = last_message(double, ADMIN_CHANNEL)
    slack.click(triage, Action.TRIAGE_DECLINE, user=OWNER, channel=ADMIN_CHANNEL)
    view = opened_view(double, Callback.DECLINE)
    assert slack.submit(view, {"reason": "Not this quarter <!here>"}, user=OWNER).body == ""
    slack.settle()
    [note] = notices_to(double, ITALIAN)
    declined = "{item}, an idea you follow, was declined by {owner}. Their reason: {reason}"
    assert says(note, "it", declined)
    assert "Not this quarter &lt;!here&gt;" in note["text"]
    [own] = notices_to(double, STAKEHOLDER)
    assert "Not this quarter &lt;!here&gt;" in own["text"]
    # The card has no Follow left; a forged click is refused, privately.
    card = next(m for m in double.messages_in(TEAM_CHANNEL) if "New idea from" in all_text(m))
    assert Action.FOLLOW not in str(card["blocks"])
    action = {"type": "button", "action_id": Action.FOLLOW, "block_id": "f", "value": "1"}
    slack.block_action([action], user=DUTCH, channel=TEAM_CHANNEL)
    refused = wait_for_response(double, DUTCH)  # in their language
    assert says(refused, "nl", "This idea was declined: there is nothing more to follow.")
    assert read(lambda s: s.query(IdeaFollower).count()) == 2


def test_a_dm_that_fails_is_sent_by_the_scheduler_later_once(
    slack, double, team, read, clock, db_url, session_factory
):
    follow_from_card(slack, double, ITALIAN)
    # Slack fails the first notice (the submitter's): the other one goes.
    double.fail_next("chat.postMessage", status=500)
    accept(slack, double)
    assert notices_to(double, STAKEHOLDER) == []
    assert len(notices_to(double, ITALIAN)) == 1
    # Not yet: it waits a minute after the failure; then it goes, once, however often.
    run_ticks(double, db_url, session_factory, NOW + dt.timedelta(seconds=30), everything=False)
    assert notices_to(double, STAKEHOLDER) == []
    later = NOW + dt.timedelta(minutes=2)
    reports = run_ticks(
        double,
        db_url,
        session_factory,
        later,
        later,
        later + dt.timedelta(hours=1),
        everything=False,
    )
    assert [key for r in reports for key in r.ran] == ["idea_notice:notice=1:try=1"]
    assert len(notices_to(double, STAKEHOLDER)) == 1
    assert "was accepted" in notices_to(double, STAKEHOLDER)[0]["text"]
    assert len(notices_to(double, ITALIAN)) == 1


def test_a_dm_whose_answer_slack_lost_is_not_sent_again(
    slack, double, team, read, db_url, session_factory
):
    """Slack posted the DM and its answer was lost: the DM is read back and found, so it is
    recorded sent, and no later tick sends it again."""
    double.fail_next("chat.postMessage", status=500, after_processing=True)
    accept(slack, double)
    assert len(notices_to(double, STAKEHOLDER)) == 1
    sent = read(lambda s: s.scalars(select(IdeaNotice.sent_at)).one())
    assert sent is not None
    later = NOW + dt.timedelta(minutes=2)
    run_ticks(double, db_url, session_factory, later, later + dt.timedelta(hours=2))
    assert len(notices_to(double, STAKEHOLDER)) == 1


def test_a_dm_posted_by_an_attempt_that_could_not_tell_is_found_by_the_next(
    slack, double, team, read, db_url, session_factory
):
    """The answer was lost and the DM could not be read back at once: the attempt counts as
    failed, and the scheduler's next attempt looks first and finds the DM there."""
    double.fail_next("chat.postMessage", status=500, after_processing=True)
    double.fail_next("conversations.open", error="fatal_error")
    accept(slack, double)
    assert read(lambda s: s.scalars(select(IdeaNotice.attempts)).one()) == 1
    later = NOW + dt.timedelta(minutes=2)
    reports = run_ticks(double, db_url, session_factory, later, later, everything=False)
    assert [key for r in reports for key in r.ran] == ["idea_notice:notice=1:try=1"]
    assert len(notices_to(double, STAKEHOLDER)) == 1
    assert read(lambda s: s.scalars(select(IdeaNotice.sent_at)).one()) is not None
    # Reading it back took the DM's id and its latest messages, nothing more.
    opened = double.calls_to("conversations.open", ok=None)
    assert [c.args["users"] for c in opened] == [STAKEHOLDER, STAKEHOLDER]
    assert double.calls_to("conversations.history")[-1].args["channel"].startswith("D")


def test_a_dm_that_keeps_failing_is_reported_once_then_sent(
    slack, double, team, read, db_url, session_factory
):
    double.fail_next("chat.postMessage", status=500, times=3)
    accept(slack, double)  # the first attempt
    at = NOW
    for minutes in (1, 2, 4, 8):  # two more fail, each after its wait; the fourth goes
        at += dt.timedelta(minutes=minutes, seconds=1)
        run_ticks(double, db_url, session_factory, at, everything=False)
    reports = [m for m in double.messages_in(ADMIN_CHANNEL) if "I could not tell" in all_text(m)]
    assert len(reports) == 1
    # Which idea, never whose DM: who follows what is not shown.
    assert "idea #1" in reports[0]["text"] and STAKEHOLDER not in all_text(reports[0])
    assert len(notices_to(double, STAKEHOLDER)) == 1


def test_notices_left_by_a_crash_go_once_even_when_sent_from_everywhere_at_once(
    slack, double, team, read, db_url, session_factory
):
    """The change committed, and the process stopped before any DM: the request's own
    delivery and the scheduler race for them, and each goes once."""
    follow_from_card(slack, double, ITALIAN)
    follow_from_card(slack, double, DUTCH)
    idea = item_id(read)

    def accept_in_the_database(session):
        owner = workspaces.person(session, OWNER)
        backlog.accept(session, idea, owner, Scores(5, 8, 7), NOW)

    read(accept_in_the_database)
    assert notices_to(double, ITALIAN) == []
    client = clients_for(settings_for(double, db_url))(0)
    workspace = read(lambda s: s.scalars(select(Team.workspace_id)).one())
    later = NOW + dt.timedelta(minutes=2)
    racers = [
        threading.Thread(
            target=notices.deliver, args=(client, session_factory, workspace, [idea], later)
        )
        for _ in range(2)
    ]
    racers.append(threading.Thread(target=run_ticks, args=(double, db_url, session_factory, later)))
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    run_ticks(double, db_url, session_factory, later + dt.timedelta(minutes=5))
    for user in (STAKEHOLDER, ITALIAN, DUTCH):
        assert len(notices_to(double, user)) == 1, user


def test_stop_following_from_the_dm_and_from_the_home_tab(slack, double, team, read):
    follow_from_card(slack, double, ITALIAN)
    accept(slack, double)
    [note] = notices_to(double, ITALIAN)
    slack.click(note, Action.UNFOLLOW, user=ITALIAN, channel=double.dm_channel(ITALIAN))
    slack.settle()
    answer = wait_for_response(double, ITALIAN, count=2)
    assert says(answer, "it", "You don't follow {item}: no more messages about it.")

    # The submitter stops following from their Home tab, where their idea is listed.
    slack.home_opened(STAKEHOLDER)
    slack.settle()
    home = double.calls_to("views.publish")[-1].args["view"]
    assert ":bell: following" in all_text(home)
    slack.click_in_view(
        {**home, "id": double.calls_to("views.publish")[-1].response["view"]["id"]},
        Action.FOLLOW_MENU,
        user=STAKEHOLDER,
        value="unfollow:1",
    )
    slack.settle()
    home = double.calls_to("views.publish")[-1].args["view"]
    assert ":bell: following" not in all_text(home)
    assert "Follow #1" in str(home)

    # No one follows it now: the next change owes no one anything.
    idea = item_id(read)

    def next_change(session):
        owner = workspaces.person(session, OWNER)
        item = session.get_one(BacklogItem, idea)
        return follows.notify(session, item, NoticeKind.DONE, owner, NOW)

    assert read(next_change) == 0
    assert read(lambda s: s.query(IdeaFollower).count()) == 0


def test_someone_who_left_slack_is_not_tried_again(
    slack, double, team, read, db_url, session_factory
):
    follow_from_card(slack, double, ITALIAN)
    double.users[ITALIAN]["deleted"] = True  # they left the workspace
    accept(slack, double)
    later = NOW + dt.timedelta(minutes=2)
    reports = run_ticks(double, db_url, session_factory, later, later + dt.timedelta(hours=1))
    assert not [key for r in reports for key in r.ran if key.startswith("idea_notice")]
    failure = read(
        lambda s: s.scalars(
            select(IdeaNotice.failure).where(
                IdeaNotice.person_id == workspaces.person(s, ITALIAN).id
            )
        ).one()
    )
    assert failure == "channel_not_found"
    assert not [m for m in double.messages_in(ADMIN_CHANNEL) if "I could not tell" in all_text(m)]
    assert len(notices_to(double, STAKEHOLDER)) == 1
