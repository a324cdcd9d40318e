"""Retrospectives: opened at a sprint's close (or with /retro), items anonymous by default
(no author stored, none in anything posted), three votes each with hidden tallies, a fourth
vote refused even under concurrent clicks, ranked results, and the top "try" items carried
into the next planning and retrospective as actions. Notes taken during the sprint join the
retrospective once, however the ticks repeat or race (see also tests/e2e/test_retros.py)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import select

from bot.db import unit_of_work
from bot.errors import Conflict
from bot.fields import SprintField
from bot.jobs import retros as retro_jobs
from bot.jobs import sprints as sprint_jobs
from bot.jobs import workspaces as workspace_jobs
from bot.messaging import retros as retro_posts
from bot.models import RetroItem, RetroState, RetroVote, Team
from bot.models.retro import RetroNote
from bot.scheduler import tick
from bot.services import retros, sprints, teams, workspaces
from bot.services.sprints import SprintDraft
from bot.slack import web_client
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, responses_to, team_settings, wait_for_response

MONDAY = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)  # 16:00 in Rome


@pytest.fixture
def team(slack, double, db_url, session_factory, workspace_id, clock):
    clock.fixed = MONDAY
    with unit_of_work(session_factory, workspace_id) as session:
        owner = workspaces.person(session, OWNER)
        settings = team_settings(member_user_ids=(MEMBER, ITALIAN, SCRUM), sprint_length_weeks=1)
        team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, MONDAY)
        team_id = team.id
    client = web_client(settings_for(double, db_url))
    return {"id": team_id, "workspace": workspace_id, "client": client}


def run(team, factory, at):
    return tick(factory, at, retro_jobs.sources(lambda _: team["client"], factory))


def retro_message(double):
    return next(m for m in double.messages_in(TEAM_CHANNEL) if "Retrospective" in all_text(m))


def add_item(slack, double, user, column, text, count):
    slack.click(retro_message(double), Action.RETRO_ADD, user=user, channel=TEAM_CHANNEL)
    slack.settle()
    view = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.RETRO_ITEM, count=count
    )[count - 1].response["view"]
    response = slack.submit(view, {"retro_item_column": column, "retro_item_text": text}, user=user)
    slack.settle()
    return response


def test_a_retrospective_from_items_to_actions(team, slack, double, session_factory, read, clock):
    # /retro opens it (a sprint's close does too: see below); a stakeholder may not take part.
    denied = slack.command("/retro", "", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    slack.settle()
    assert "for its members" in all_text(wait_for_response(double, STAKEHOLDER))
    slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    assert "Items are anonymous" in all_text(retro_message(double))
    assert denied.status == 200

    items = [
        (MEMBER, "worked", "Daily standups <!channel>"),
        (ITALIAN, "did_not", "Too many meetings"),
        (MEMBER, "try", "Pair on copy"),
        (ITALIAN, "try", "Ship smaller"),
        (SCRUM, "try", "Demo every Friday"),
    ]
    for count, (user, column, text) in enumerate(items, start=1):
        assert add_item(slack, double, user, column, text, count).body == ""
    empty = add_item(slack, double, MEMBER, "try", "  ", len(items) + 1)
    assert "retro_item_text" in empty.json["errors"]
    # Anonymous: no author stored, and nothing sent to Slack ties an item to its author.
    assert read(lambda s: {i.author_id for i in s.scalars(select(RetroItem))}) == {None}
    for call in double.calls:
        payload = json.dumps(call.args)
        if any(text in payload for _, _, text in items) and call.method != "views.open":
            assert MEMBER not in payload and ITALIAN not in payload, call.method
    during = all_text(retro_message(double))
    assert "Pair on copy" not in during  # nothing about the items until voting opens

    # Voting opens after one working day: Tuesday 16:00 in Rome.
    run(team, session_factory, dt.datetime(2026, 11, 3, 14, 59, tzinfo=dt.UTC))
    assert "Vote" not in json.dumps(retro_message(double)["blocks"])
    told = len(double.notifying(TEAM_CHANNEL))
    run(team, session_factory, dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC))
    voting = retro_message(double)
    assert "Pair on copy" in all_text(voting) and "Vote" in all_text(voting)
    # The message was edited, which notifies no one: a reply sent to the channel says it.
    news = double.notifying(TEAM_CHANNEL)[told:]
    assert len(news) == 1 and news[0]["thread_ts"] == voting["ts"]
    assert "Voting is open in the retrospective of Growth: 5 notes" in all_text(news[0])
    assert "Wed 4 Nov 16:00" in all_text(news[0])
    clock.fixed = dt.datetime(2026, 11, 3, 16, 0, tzinfo=dt.UTC)

    def vote(user, text):
        item = read(lambda s: s.scalar(select(RetroItem.id).where(RetroItem.text == text)))
        before = len(responses_to(double, user))
        slack.click(voting, Action.RETRO_VOTE, user=user, channel=TEAM_CHANNEL, value=str(item))
        slack.settle()
        return all_text(wait_for_response(double, user, count=before + 1))

    responses: dict[str, list] = {MEMBER: [], ITALIAN: [], SCRUM: []}
    for user, text in [
        (MEMBER, "Ship smaller"),
        (MEMBER, "Demo every Friday"),
        (MEMBER, "Too many meetings"),
        (ITALIAN, "Ship smaller"),
        (SCRUM, "Ship smaller"),
        (SCRUM, "Demo every Friday"),
    ]:
        answer = vote(user, text)
        responses[user].append(answer)
    assert "0 votes left" in responses[MEMBER][-1]
    fourth = vote(MEMBER, "Pair on copy")
    assert "used your 3 votes" in fourth
    responses[MEMBER].append(fourth)
    back = vote(MEMBER, "Too many meetings")
    assert "taken back" in back and "1 vote left" in back
    assert read(lambda s: len(s.scalars(select(RetroVote)).all())) == 5
    assert "3 ·" not in all_text(retro_message(double))  # tallies hidden while voting

    # Results after the voting window (Wednesday 16:00), ranked; the top "try" items become
    # actions.
    run(team, session_factory, dt.datetime(2026, 11, 4, 15, 0, tzinfo=dt.UTC))
    news = double.notifying(TEAM_CHANNEL)[told + 1 :]
    assert len(news) == 1 and news[0]["thread_ts"] == voting["ts"]
    assert "results of the retrospective of Growth are in, with 2 actions" in all_text(news[0])
    results = all_text(retro_message(double))
    assert results.index("3 · Ship smaller") < results.index("2 · Demo every Friday")
    assert "Actions for the next sprint" in results and "Pair on copy" in results
    actions = read(lambda s: [a.text for a in retros.open_actions(s, s.get_one(Team, team["id"]))])
    assert actions == ["Ship smaller", "Demo every Friday"]

    # The owner adds one to the backlog in one click; the next planning lists the open ones.
    final = retro_message(double)
    slack.click(
        final,
        Action.RETRO_ACTION_MENU,
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=next(
            o["value"]
            for b in final["blocks"]
            if b.get("accessory", {}).get("type") == "overflow"
            for o in b["accessory"]["options"]
            if o["value"].startswith("backlog:")
        ),
    )
    slack.settle()
    assert "Ship smaller" in all_text(double.messages_in(ADMIN_CHANNEL)[-1])  # a triage card
    slack.command("/sprint", "plan", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    plan = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.SPRINT_PLAN
    )[0].args["view"]
    assert "Open actions from retrospectives" in all_text(plan) and "Ship smaller" in all_text(plan)


def test_the_next_retrospective_asks_did_we_do_it_and_a_sprint_close_opens_one(
    team, slack, double, session_factory, read
):
    with unit_of_work(session_factory, team["workspace"]) as session:
        t = session.get_one(Team, team["id"])
        old = retros.open_retro(session, t, None, MONDAY)
        item = retros.add_item(
            session, old.id, workspaces.person(session, MEMBER), "try", "Ship smaller", MONDAY
        )
        retros.start_voting(session, old.id, MONDAY)
        retros.vote(session, item.id, workspaces.person(session, MEMBER), MONDAY)
        retros.close_retro(session, old.id, MONDAY)
        owner = workspaces.person(session, OWNER)
        draft = SprintDraft.validate(
            {
                SprintField.GOAL: "Goal",
                SprintField.START: "2026-11-09",
                SprintField.LENGTH: "1",
                SprintField.CAPACITY: "5",
            },
            today=MONDAY.date(),
        )
        sprint = sprints.plan(session, t, owner, draft, MONDAY)
        sprint_id = sprint.id
    close = dt.datetime(2026, 11, 13, 16, 0, tzinfo=dt.UTC)
    sources = [
        *sprint_jobs.sources(lambda _: team["client"], session_factory),
        *retro_jobs.sources(lambda _: team["client"], session_factory),
    ]
    tick(session_factory, dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC), sources)
    report = tick(session_factory, close, sources)
    assert f"sprint_close:sprint={sprint_id}" in report.ran
    report = tick(session_factory, close + dt.timedelta(minutes=1), sources)
    assert report.ran == [f"retro_open:sprint={sprint_id}"]
    message = retro_message(double)
    assert "Did we do it?" in all_text(message) and "Ship smaller" in all_text(message)
    assert read(lambda s: retros.current_retro(s, s.get_one(Team, team["id"])).state) is (
        RetroState.COLLECTING
    )


def test_named_items_and_the_vote_budget_under_concurrent_clicks(
    team, slack, double, session_factory
):
    refused = slack.command("/retro", "named", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    assert refused.status == 200
    slack.command("/retro", "named", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    with unit_of_work(session_factory, team["workspace"]) as session:
        t = session.get_one(Team, team["id"])
        assert t.retro_named
        retro = retros.open_retro(session, t, None, MONDAY)
        member = workspaces.person(session, MEMBER)
        ids = [
            retros.add_item(session, retro.id, member, "try", f"Idea {n}", MONDAY).id
            for n in range(6)
        ]
        assert session.get_one(RetroItem, ids[0]).author_id == member.id
        retros.start_voting(session, retro.id, MONDAY)
        retro_id = retro.id
    barrier = threading.Barrier(len(ids))
    outcomes = []

    def click(item_id):
        barrier.wait()
        try:
            with unit_of_work(session_factory, team["workspace"]) as session:
                retros.vote(session, item_id, workspaces.person(session, MEMBER), MONDAY)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=click, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 3
    with unit_of_work(session_factory, team["workspace"]) as session:
        votes = session.scalars(select(RetroVote).where(RetroVote.retro_id == retro_id)).all()
        assert len(votes) == 3


def test_more_items_than_one_message_holds_are_paged(team, slack, double, session_factory):
    with unit_of_work(session_factory, team["workspace"]) as session:
        t = session.get_one(Team, team["id"])
        retro = retros.open_retro(session, t, None, MONDAY)
        member = workspaces.person(session, MEMBER)
        for n in range(45):
            retros.add_item(session, retro.id, member, "try", f"Idea {n}", MONDAY)
        retro_id = retro.id
    run(team, session_factory, MONDAY)  # nothing due yet
    with unit_of_work(session_factory, team["workspace"]) as session:
        retro_posts.post(team["client"], session, retros.start_voting(session, retro_id, MONDAY))
    first = retro_message(double)
    assert len(first["blocks"]) <= 50
    buttons = [
        b for b in first["blocks"] if b.get("accessory", {}).get("action_id") == "retro.vote"
    ]
    assert len(buttons) == 40
    slack.click(first, Action.RETRO_PAGE_NEXT, user=ITALIAN, channel=TEAM_CHANNEL)
    slack.settle()
    second = wait_for_response(double, ITALIAN)
    votes = [b for b in second["blocks"] if b.get("accessory", {}).get("action_id") == "retro.vote"]
    assert len(votes) == 5


def test_a_milestone_slack_will_not_announce_still_happens_and_is_reported(
    team, slack, double, session_factory, read
):
    slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    told = len(double.notifying(TEAM_CHANNEL))
    double.fail_next("chat.postMessage", error="restricted_action")  # the announcement
    voting_at = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)
    assert run(team, session_factory, voting_at).failed == []
    state = read(lambda s: retros.current_retro(s, s.get_one(Team, team["id"])).state)
    assert state is RetroState.VOTING  # voting opened, whatever the announcement did
    report = all_text(double.messages_in(ADMIN_CHANNEL)[-1])
    assert "could not tell the team channel" in report and "restricted_action" not in report
    run(team, session_factory, voting_at + dt.timedelta(minutes=1))
    assert len(double.notifying(TEAM_CHANNEL)) == told  # neither retried nor posted twice


def test_a_retrospective_whose_channel_is_closed_goes_on_and_the_admins_hear_it(
    team, slack, double, session_factory, read
):
    slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    double.fail_next("chat.update", error="not_in_channel")  # the bot was removed
    double.fail_next("chat.postMessage", error="not_in_channel")  # and cannot post anew
    voting_at = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)
    report = run(team, session_factory, voting_at)
    assert report.failed == [] and len(report.ran) == 1  # not retried every minute
    state = read(lambda s: retros.current_retro(s, s.get_one(Team, team["id"])).state)
    assert state is RetroState.VOTING
    told = all_text(double.messages_in(ADMIN_CHANNEL)[-1])
    assert f"could not post the retrospective in <#{TEAM_CHANNEL}>" in told
    assert "not_in_channel" not in told  # in words


def test_a_revoked_token_suspends_the_workspace_and_its_retrospective_resumes_with_a_new_one(
    team, slack, double, session_factory, read, caplog
):
    slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    double.revoke_tokens()  # an admin revoked the bot's token
    calls = len(double.calls)
    voting_at = dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC)
    first = run(team, session_factory, voting_at)
    assert len(first.failed) == 1
    later = [run(team, session_factory, voting_at + dt.timedelta(minutes=m)) for m in range(1, 90)]
    assert all(r.failed == [] and len(r.suspended) == 1 for r in later)
    assert len(double.calls) == calls + 1  # one refused call, then none: not a call a minute
    said = [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    assert len(said) == 1 and "suspended" in said[0].getMessage() and not said[0].exc_info
    state = read(lambda s: retros.current_retro(s, s.get_one(Team, team["id"])).state)
    assert state is RetroState.COLLECTING  # nothing half done

    double.reinstate_tokens()  # a new token, or the app installed again
    assert workspace_jobs.resume(lambda _: team["client"], session_factory) == [team["workspace"]]
    assert len(run(team, session_factory, voting_at + dt.timedelta(minutes=91)).ran) == 1
    state = read(lambda s: retros.current_retro(s, s.get_one(Team, team["id"])).state)
    assert state is RetroState.VOTING


def test_notes_of_the_sprint_open_with_its_retro_once_whatever_the_ticks_do(
    team, double, db_url, session_factory, read
):
    """Notes taken during the sprint become the retrospective's items in the transaction that
    opens it: once, when ticks repeat and when three processes race for the opening."""
    with unit_of_work(session_factory, team["workspace"]) as session:
        t = session.get_one(Team, team["id"])
        owner = workspaces.person(session, OWNER)
        draft = SprintDraft.validate(
            {
                SprintField.GOAL: "Goal",
                SprintField.START: "2026-11-09",
                SprintField.LENGTH: "1",
                SprintField.CAPACITY: "5",
            },
            today=MONDAY.date(),
        )
        sprint_id = sprints.plan(session, t, owner, draft, MONDAY).id
        for user, text in [(MEMBER, "Ship smaller"), (ITALIAN, "Too many meetings")]:
            retros.note(session, t.id, workspaces.person(session, user), "try", text, MONDAY)
    sources = [
        *sprint_jobs.sources(lambda _: team["client"], session_factory),
        *retro_jobs.sources(lambda _: team["client"], session_factory),
    ]
    tick(session_factory, dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC), sources)
    close = dt.datetime(2026, 11, 13, 16, 0, tzinfo=dt.UTC)
    assert f"sprint_close:sprint={sprint_id}" in tick(session_factory, close, sources).ran
    opening = close + dt.timedelta(minutes=1)
    barrier = threading.Barrier(3)
    reports = []

    def race():
        client = web_client(settings_for(double, db_url))  # each its own process's client
        mine = retro_jobs.sources(lambda _: client, session_factory)
        barrier.wait()
        reports.append(tick(session_factory, opening, mine))

    threads = [threading.Thread(target=race) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(k for r in reports for k in r.ran) == [f"retro_open:sprint={sprint_id}"]
    for minutes in (2, 3, 60 * 24):
        tick(session_factory, opening + dt.timedelta(minutes=minutes), sources)

    def state(session):
        items = session.scalars(select(RetroItem)).all()
        return (
            sorted(i.text for i in items),
            {i.author_id for i in items},
            session.scalars(select(RetroNote)).all(),
        )

    texts, authors, pending = read(state)
    assert texts == ["Ship smaller", "Too many meetings"] and authors == {None} and pending == []
    assert sum("Retrospective" in all_text(m) for m in double.messages_in(TEAM_CHANNEL)) == 1


def test_a_note_racing_the_opening_lands_in_the_retro_once(team, double, session_factory, read):
    """A note saved while the retrospective opens is either taken in by the opening or finds
    the retrospective open: never left behind, never twice."""
    barrier = threading.Barrier(2)

    def note():
        barrier.wait()
        with unit_of_work(session_factory, team["workspace"]) as session:
            person = workspaces.person(session, MEMBER)
            retros.note(session, team["id"], person, "worked", "Just in time", MONDAY)

    def open_it():
        barrier.wait()
        with unit_of_work(session_factory, team["workspace"]) as session:
            retros.open_retro(session, session.get_one(Team, team["id"]), None, MONDAY)

    threads = [threading.Thread(target=note), threading.Thread(target=open_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = read(lambda s: [i.text for i in s.scalars(select(RetroItem))])
    assert texts == ["Just in time"]
    assert read(lambda s: s.scalars(select(RetroNote)).all()) == []
