"""The weekly digest on the scheduler, by time travel: five weeks of March and April 2026 with
a team in Rome (Mondays at 9:00, English, in its showcase channel) and one in New York (Fridays
at 16:30, Dutch, in its own channel), across both cities' daylight-saving changes (New York on
8 March, Europe on 29 March).

Every due instant is ticked twice, and on PostgreSQL two schedulers race for it first; midway
the scheduler restarts as `agilebot tick --at`, a process of its own. Each digest must arrive
once, at the team's local time, computed here apart from the code under test and pinned to UTC
on both sides of each change. Then what a digest says: the sprint's progress, the top of the
backlog, the decisions and the results of its week only, declined ideas with their reasons."""

from __future__ import annotations

import datetime as dt
import signal
from zoneinfo import ZoneInfo

import pytest

from bot.fields import SprintField
from bot.jobs import digests as digest_jobs
from bot.models import ExperimentResult, ItemKind, Team, WorkState
from bot.scheduler import tick
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.services.sprints import SprintDraft
from bot.services.teams import TeamSettings
from bot.slack import web_client
from tests.conftest import ADMIN_CHANNEL, MEMBER, OTHER_CHANNEL, OWNER, SCRUM, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, race_ticks, team_settings

ROME, NEW_YORK = "Europe/Rome", "America/New_York"
DUTCH_CHANNEL = "C0GROEI01"
START = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)  # Monday 2 March
END = dt.datetime(2026, 4, 7, 23, 0, tzinfo=dt.UTC)
RESTART = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)  # from here, `agilebot tick --at`


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def expected(zone: str, weekday: int, time: dt.time) -> list[dt.datetime]:
    """Each week's digest instant from START to END, from the wall clock of `zone`."""
    instants, day = [], START.date()
    while day <= END.date():
        if day.weekday() == weekday:
            at = dt.datetime.combine(day, time, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
            if START <= at <= END:
                instants.append(at)
        day += dt.timedelta(days=1)
    return instants


ROME_DIGESTS = expected(ROME, 0, dt.time(9, 0))
NEW_YORK_DIGESTS = expected(NEW_YORK, 4, dt.time(16, 30))


def _settings(name, zone, language, weekday, time, **more) -> TeamSettings:
    return team_settings(
        name=name,
        standup_time=dt.time(9, 30),
        time_zone=zone,
        language=language,
        digest_weekday=weekday,
        digest_time=time,
        **more,
    )


@pytest.fixture
def world(double, db_url, workspace_id, read):
    double.add_channel(DUTCH_CHANNEL, "groei", members=[OWNER, SCRUM, MEMBER])

    def create(session):
        scrum = workspaces.person(session, SCRUM)
        rome, _ = teams.save_team(
            session,
            TEAM_CHANNEL,
            _settings("Growth", ROME, "en", 0, dt.time(9, 0), showcase_channel_id=OTHER_CHANNEL),
            scrum,
            START,
        )
        groei, _ = teams.save_team(
            session,
            DUTCH_CHANNEL,
            _settings("Groei", NEW_YORK, "nl", 4, dt.time(16, 30)),
            scrum,
            START,
        )
        return rome.id, groei.id

    return read(create)


def digests_in(double, channel: str) -> list[dict]:
    return [
        m
        for m in double.messages_in(channel)
        if "Weekly digest of" in all_text(m) or "Weekoverzicht van" in all_text(m)
    ]


def test_one_digest_a_week_at_the_local_time_across_daylight_saving_ticks_and_a_restart(
    world, double, db_url, session_factory, clock, is_postgres, monkeypatch, tmp_path, request
):
    # Pinned apart from the computation: each side of each change, in UTC.
    assert utc(3, 16, 8) in ROME_DIGESTS and utc(3, 30, 7) in ROME_DIGESTS  # 9:00 CET, CEST
    assert utc(3, 6, 21, 30) in NEW_YORK_DIGESTS  # 16:30 EST
    assert utc(3, 13, 20, 30) in NEW_YORK_DIGESTS  # 16:30 EDT
    assert len(ROME_DIGESTS) == 6 and len(NEW_YORK_DIGESTS) == 5

    client = web_client(settings_for(double, db_url))
    due = sorted(ROME_DIGESTS + NEW_YORK_DIGESTS)
    # Each due instant, a minute before it, and every six hours besides: a digest at a wrong
    # time would arrive at one of the others.
    instants = sorted(
        set(due)
        | {at - dt.timedelta(minutes=1) for at in due}
        | {START + dt.timedelta(hours=6 * n) for n in range(int((END - START).days * 4) + 1)}
    )

    def run(at: dt.datetime) -> None:
        report = tick(session_factory, at, digest_jobs.sources(lambda _: client, session_factory))
        assert report.failed == [], report.failed

    def race(at: dt.datetime) -> None:
        race_ticks(
            session_factory, at, lambda: digest_jobs.sources(lambda _: client, session_factory)
        )

    # After the restart, ticks are `agilebot tick --at`: its own engine, sessions and client.
    from bot.__main__ import main

    sigterm = signal.getsignal(signal.SIGTERM)
    request.addfinalizer(lambda: signal.signal(signal.SIGTERM, sigterm))
    monkeypatch.chdir(tmp_path)  # no `.env`
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", settings_for(double, db_url).slack_bot_token)
    monkeypatch.setenv("SLACK_API_URL", double.api_url)
    monkeypatch.setenv("DATABASE_URL", db_url)

    got: dict[str, list[dt.datetime]] = {OTHER_CHANNEL: [], DUTCH_CHANNEL: []}
    for at in instants:
        clock.fixed = at
        if at >= RESTART and at in due:
            assert main(["tick", "--at", at.isoformat()]) == 0
        elif is_postgres and at in due:
            race(at)
        else:
            run(at)
        if at in due:
            run(at)  # a repeated tick posts nothing more
        for channel, arrived in got.items():
            arrived += [at] * (len(digests_in(double, channel)) - len(arrived))

    assert got[OTHER_CHANNEL] == ROME_DIGESTS  # in the showcase channel, once a week, on time
    assert got[DUTCH_CHANNEL] == NEW_YORK_DIGESTS
    assert digests_in(double, TEAM_CHANNEL) == []  # the showcase channel, not the team's
    dutch = all_text(digests_in(double, DUTCH_CHANNEL)[0])
    assert "Weekoverzicht van Groei" in dutch and "vr 27 feb → vr 6 mrt" in dutch


def test_changing_the_day_in_mid_week_posts_no_second_digest_that_week(
    world, double, db_url, session_factory, read
):
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    tick(session_factory, utc(3, 9, 8), sources)  # Monday 9 March, 9:00 in Rome
    assert len(digests_in(double, OTHER_CHANNEL)) == 1

    def to_wednesday(session):
        session.get_one(Team, world[0]).digest_weekday = 2

    read(to_wednesday)
    assert tick(session_factory, utc(3, 11, 8), sources).ran == []  # same week: none
    assert tick(session_factory, utc(3, 18, 8), sources).ran != []  # the next week's
    assert len(digests_in(double, OTHER_CHANNEL)) == 2


# --- what a digest says ----------------------------------------------------------------------


MONDAY_9 = utc(3, 23, 8)  # Monday 23 March, 9:00 in Rome: the week from Monday 16, 9:00


def _idea(session, team, title, kind=ItemKind.CAMPAIGN, at=START):
    owner = workspaces.person(session, OWNER)
    experiment = kind is ItemKind.EXPERIMENT
    draft = IdeaDraft(
        title,
        None,
        kind,
        "B wins" if experiment else None,
        "CTR" if experiment else None,
        None,
        None,
    )
    return backlog.submit_idea(session, team, owner, draft, at)


def test_the_digest_tells_its_week_only(world, double, db_url, session_factory, read):
    def history(session):
        team = session.get_one(Team, world[0])
        owner = workspaces.person(session, OWNER)

        def accept(title, at, effort=3, kind=ItemKind.CAMPAIGN):
            item = _idea(session, team, title, kind)
            return backlog.accept(session, item.id, owner, Scores(effort, 8, 8), at)

        def decline(title, reason, at):
            backlog.decline(session, _idea(session, team, title).id, owner, reason, at)

        accept("Case study video", utc(3, 1, 9), effort=8)
        accept("Accepted last week", utc(3, 16, 7, 59))  # a minute before the week began
        experiment = accept("Offer A vs offer B", utc(3, 16, 8), kind=ItemKind.EXPERIMENT)
        accept("Spring <!channel> newsletter", utc(3, 20, 10), effort=1)
        decline("Billboard", "Too expensive for *now* <@U0HACKER1>.", utc(3, 18, 9))
        decline("Declined last week", "Old news.", utc(3, 13, 9))
        decline("Declined next week", "Later.", utc(3, 23, 8))  # as the next week begins
        # A sprint running since Monday 16, with the experiment done and its result recorded.
        sprint = sprints.plan(
            session,
            team,
            owner,
            SprintDraft.validate(
                {
                    SprintField.GOAL: "200 trial sign-ups",
                    SprintField.START: "2026-03-16",
                    SprintField.LENGTH: "2",
                    SprintField.CAPACITY: "10",
                    SprintField.ITEMS: [str(experiment.id)],
                },
                today=dt.date(2026, 3, 16),
            ),
            utc(3, 16, 8),
        )
        sprints.start(session, sprint.id, utc(3, 16, 8))
        entry = sprints.entries(session, sprint)[0]
        member = workspaces.person(session, MEMBER)
        sprints.move(session, entry.sprint_item_id, member, WorkState.DONE, utc(3, 17, 9))
        experiment.result = ExperimentResult.WON
        experiment.result_figure = "3.4% vs 1.9%"
        experiment.learning = "Concrete offers win."
        experiment.result_recorded_at = utc(3, 19, 15)

    read(history)
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    tick(session_factory, MONDAY_9, sources)
    [digest] = digests_in(double, OTHER_CHANNEL)
    text = all_text(digest)
    assert "Weekly digest of Growth" in text and "Mon 16 Mar → Mon 23 Mar" in text
    assert "Growth · Sprint 1" in text and "*Goal:* 200 trial sign-ups" in text
    assert "*Progress:* 3 of 3 points done · 5 working days left" in text
    # The top of the backlog, in its order: the best score first.
    top = text.split("Top of the backlog")[1].split("Ideas accepted")[0]
    assert "1. :mega: Spring &lt;!channel&gt; newsletter" in top
    assert "2. :mega: Accepted last week" in top and "3. :mega: Case study video" in top
    accepted = text.split("Ideas accepted this week")[1].split("Ideas declined")[0]
    assert "Offer A vs offer B" in accepted and "Spring &lt;!channel&gt; newsletter" in accepted
    assert "Accepted last week" not in accepted and "Case study video" not in accepted
    declined = text.split("Ideas declined this week")[1].split("Experiment results")[0]
    assert "Billboard: “Too expensive for *now* &lt;@U0HACKER1&gt;.”" in declined
    assert "Declined last week" not in text and "Declined next week" not in text
    results = text.split("Experiment results this week")[1]
    assert "*Offer A vs offer B*: :trophy: won (CTR: 3.4% vs 1.9%)" in results
    assert "Concrete offers win." in results
    # Nothing per person: no one is named or mentioned.
    for user in (OWNER, SCRUM, MEMBER):
        assert user not in str(digest)
    assert "<@" not in str(digest["blocks"]) and "<!channel>" not in str(digest)

    # The next week's digest tells what came after: the idea declined as it began.
    tick(session_factory, MONDAY_9 + dt.timedelta(days=7), sources)
    later = all_text(digests_in(double, OTHER_CHANNEL)[1])
    assert "Declined next week: “Later.”" in later
    assert "Billboard" not in later and "Offer A vs offer B" not in later
    assert "No ideas were accepted" not in later


def test_a_digest_whose_answer_slack_lost_is_posted_once(world, double, db_url, session_factory):
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    double.fail_next("chat.postMessage", status=503, after_processing=True)
    double.fail_next("conversations.history", status=500, times=3)  # Slack cannot tell yet
    key = f"weekly_digest:team={world[0]}:2026-W11"
    assert tick(session_factory, utc(3, 9, 8), sources).failed == [key]
    assert tick(session_factory, utc(3, 9, 8, 2), sources).ran == [key]
    assert len(digests_in(double, OTHER_CHANNEL)) == 1


def test_a_digest_channel_gone_for_good_is_told_in_the_admin_channel(
    world, double, db_url, session_factory
):
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    double.fail_next("chat.postMessage", error="is_archived")
    assert tick(session_factory, utc(3, 9, 8), sources).failed == []
    reports = [all_text(m) for m in double.messages_in(ADMIN_CHANNEL)]
    assert any(
        "could not post the weekly digest" in r and "the channel is archived" in r for r in reports
    ), reports
    assert tick(session_factory, utc(3, 9, 9), sources).ran == []  # that week's digest is over


def test_a_team_without_a_digest_gets_none(world, double, db_url, session_factory, read):
    def off(session):
        for team_id in world:
            session.get_one(Team, team_id).digest_weekday = None

    read(off)
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    for at in (utc(3, 9, 8), utc(3, 13, 21, 30), utc(3, 16, 8)):
        assert tick(session_factory, at, sources).ran == []
    assert double.calls_to("chat.postMessage") == []


def test_downtime_past_a_day_skips_that_weeks_digest(
    world, double, db_url, session_factory, caplog
):
    caplog.set_level("INFO")
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    report = tick(session_factory, utc(3, 10, 9), sources)  # Tuesday, 25 hours late
    assert f"weekly_digest:team={world[0]}:2026-W11" in report.skipped_stale
    assert digests_in(double, OTHER_CHANNEL) == []
    assert tick(session_factory, utc(3, 16, 8), sources).ran == [
        f"weekly_digest:team={world[0]}:2026-W12"
    ]


def test_a_late_digest_still_tells_its_own_week(world, double, db_url, session_factory, read):
    def decide(session):
        team = session.get_one(Team, world[0])
        owner = workspaces.person(session, OWNER)
        before = _idea(session, team, "Decided before the digest's time")
        after = _idea(session, team, "Decided after the digest's time")
        backlog.accept(session, before.id, owner, Scores(2, 5, 5), utc(3, 9, 7))
        backlog.accept(session, after.id, owner, Scores(2, 5, 5), utc(3, 9, 10))

    read(decide)
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    tick(session_factory, utc(3, 9, 15), sources)  # 9:00 in Rome was at 8:00; down until 15:00
    text = all_text(digests_in(double, OTHER_CHANNEL)[0])
    accepted = text.split("Ideas accepted this week")[1]
    assert "Decided before" in accepted and "Decided after" not in accepted
    tick(session_factory, utc(3, 16, 8), sources)
    later = all_text(digests_in(double, OTHER_CHANNEL)[1])
    assert "Decided after" in later.split("Ideas accepted this week")[1]


def _told(double) -> list[str]:
    """What each digest so far says under "Ideas accepted this week", oldest first."""
    return [
        all_text(m).split("Ideas accepted this week")[1] if "Ideas accepted" in all_text(m) else ""
        for m in digests_in(double, OTHER_CHANNEL)
    ]


def _move_digest(read, team_id: int, weekday: int, since: dt.datetime, accepted=None):
    def move(session):
        team = session.get_one(Team, team_id)
        team.digest_weekday, team.digest_since = weekday, since  # as the set-up form saves it
        if accepted is not None:
            title, at = accepted
            item = _idea(session, team, title)
            backlog.accept(session, item.id, workspaces.person(session, OWNER), Scores(2, 5, 5), at)

    read(move)


def test_a_digest_moved_later_in_the_week_loses_nothing(
    world, double, db_url, session_factory, read
):
    """Monday's digest went out; the day moves to Friday. That Friday is in the same week (no
    digest), so the next Friday's tells everything since Monday's, not only its own week."""
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    tick(session_factory, utc(3, 9, 8), sources)  # Monday 9 March, 9:00 in Rome
    _move_digest(read, world[0], 4, utc(3, 10, 8), ("Accepted on Wednesday", utc(3, 11, 10)))
    for day in (13, 20):
        tick(session_factory, utc(3, day, 8), sources)
    told = _told(double)
    assert len(told) == 2 and "Accepted on Wednesday" in told[1]


def test_a_digest_moved_earlier_in_the_week_tells_nothing_twice(
    world, double, db_url, session_factory, read
):
    """Friday's digest told the week to Friday; the day moves to Wednesday: the next
    Wednesday's starts where Friday's ended."""
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    _move_digest(read, world[0], 4, utc(3, 2, 8), ("Accepted on Thursday", utc(3, 12, 10)))
    tick(session_factory, utc(3, 13, 8), sources)  # Friday 13 March
    _move_digest(read, world[0], 2, utc(3, 14, 8), ("Accepted on Monday", utc(3, 16, 10)))
    tick(session_factory, utc(3, 18, 8), sources)  # Wednesday 18 March
    first, second = _told(double)
    assert "Accepted on Thursday" in first
    assert "Accepted on Thursday" not in second and "Accepted on Monday" in second
