"""People as Slack knows them: profiles read when the bot first learns of someone (named in
`/agile setup`), kept fresh by `user_change`, read again when a day old without costing a call
per member on every tick, a profile Slack would not give shown as such, and a member who left
Slack no longer asked, with their scrum master told once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from bot.jobs import people
from bot.models import Person
from bot.scheduler import tick
from bot.services import workspaces
from bot.slack import clients_for
from tests.conftest import ADMIN, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, set_up_team

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TEAM = [f"U0TEAM{n:03d}" for n in range(25)]


def profile(read, user):
    return read(lambda s: workspaces.person(s, user))


def profile_reads(double, user=None):
    return [c for c in double.calls_to("users.info") if user is None or c.args["user"] == user]


def people_jobs(double, db_url, session_factory):
    return people.sources(clients_for(settings_for(double, db_url)), session_factory)


def test_setup_reads_everyones_profile_and_says_which_it_could_not(
    slack, double, read, clock, db_url, session_factory
):
    clock.fixed = NOON
    double.add_user("U0NEW0001", real_name="Lotte Jansen", tz="Europe/Amsterdam", locale="nl-NL")
    double.add_user("U0NEW0002", real_name="Luca Neri", tz="America/New_York", locale="it-IT")
    slack.command("/agile", "help", user=ADMIN, channel=TEAM_CHANNEL)  # the admin is known
    double.fail_next("users.info", error="fatal_error", status=500, times=3)  # one, with retries
    set_up_team(
        slack,
        user=ADMIN,
        owner=OWNER,
        scrum_master=SCRUM,
        members=["U0NEW0001", "U0NEW0002", STAKEHOLDER],
    )
    named = ("U0NEW0001", "U0NEW0002", STAKEHOLDER, SCRUM, OWNER)
    people = {u: profile(read, u) for u in named}
    unread = [u for u, p in people.items() if p.profile_refreshed_at is None]
    assert len(unread) == 1  # Slack failed for one of them, and only one
    # The one Slack would not give is a visible state, not a silent guess, told in words.
    told = all_text(double.messages_in(ADMIN)[-1])
    assert "could not read the Slack profiles of" in told and f"<@{unread[0]}>" in told
    assert "fatal_error" not in told
    # The scheduler reads it within the hour; the others are not read again.
    before = len(profile_reads(double))
    tick(
        session_factory,
        NOON + dt.timedelta(minutes=1),
        people_jobs(double, db_url, session_factory),
    )
    assert [c.args["user"] for c in profile_reads(double)[before:]] == unread
    assert profile(read, unread[0]).profile_refreshed_at is not None
    for user in ("U0NEW0001", "U0NEW0002"):
        zone, locale = double.users[user]["tz"], double.users[user]["locale"]
        assert (people[user].time_zone, people[user].locale) in ((zone, locale), (None, None))


def test_profiles_are_read_again_once_a_day_not_on_every_tick(
    slack, double, read, clock, db_url, session_factory
):
    for user in TEAM:
        double.add_user(user, real_name=user, tz="Europe/Rome", locale="it-IT")
    clock.fixed = NOON
    set_up_team(slack, user=OWNER, members=TEAM[:20])
    set_up_team(slack, user=OWNER, members=TEAM)  # five more join: only they are read
    assert len(profile_reads(double)) == 25 + 2  # the members, the owner and scrum master once
    sources = people_jobs(double, db_url, session_factory)
    at = NOON
    while at <= NOON + dt.timedelta(days=2, minutes=10):  # four ticks an hour, 2 days
        tick(session_factory, at, sources)
        at += dt.timedelta(minutes=15)
    reads = profile_reads(double)[27:]
    # Each profile once more a day after it was read: 27 calls a day, not 27 a tick.
    assert len(reads) == 2 * 27
    double.users[TEAM[0]]["tz"] = "America/New_York"
    tick(session_factory, at + dt.timedelta(days=1), sources)
    assert profile(read, TEAM[0]).time_zone == "America/New_York"


def test_user_change_keeps_a_profile_fresh_and_a_departure_is_told_once(
    slack, double, read, clock, db_url, session_factory
):
    clock.fixed = NOON
    set_up_team(slack, user=OWNER)
    user = dict(double._user_payload(double.users[MEMBER], include_locale=False))
    user["tz"] = "Asia/Tokyo"
    assert slack.event({"type": "user_change", "user": user}).status == 200
    slack.settle()
    assert profile(read, MEMBER).time_zone == "Asia/Tokyo"
    # Someone the bot never met: their profile is not stored.
    stranger = dict(user, id="U0STRANGE", name="stranger")
    slack.event({"type": "user_change", "user": stranger})
    slack.settle()
    count = read(
        lambda s: s.scalar(select(func.count()).where(Person.slack_user_id == "U0STRANGE"))
    )
    assert count == 0
    # A malformed event changes nothing and raises nothing.
    assert slack.event({"type": "user_change", "user": "U0MEMBER1"}).status == 200
    # The member leaves Slack: the scrum master is told, once, and they are not asked.
    slack.event({"type": "user_change", "user": dict(user, deleted=True)})
    slack.settle()
    assert profile(read, MEMBER).deleted
    sources = people_jobs(double, db_url, session_factory)
    for minutes in (1, 2, 60 * 24):
        tick(session_factory, NOON + dt.timedelta(minutes=minutes), sources)
    told = [m for m in double.messages_in(SCRUM) if MEMBER in all_text(m)]
    assert len(told) == 1 and "has left this Slack workspace" in all_text(told[0])
