"""A distributed team's sprint week, as it happens: members in Rome, Amsterdam and New York with
Italian, Dutch and English Slack, none of whom has used the bot before, set up by a workspace
admin. The week spans Europe's change back from summer time (Sunday 25 October 2026) while New
York keeps its own until 1 November.

Every standup DM comes at each member's own 9:00 and in their own language; the day's thread
counts everyone asked that day from the morning on; a blocker raised twice is resolved from its
second card and both cards say so; the owner is asked for the experiment's result in Italian;
the retrospective's milestones are new posts that notify the channel.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.fields import SprintField
from bot.i18n import translator
from bot.jobs import job_sources
from bot.models import BacklogItem, ItemKind, SprintItem, Team, WorkState
from bot.scheduler import tick
from bot.services import backlog, sprints, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.services.sprints import SprintDraft
from bot.slack import clients_for
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN, ADMIN_CHANNEL, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, set_up_team, ticks

ROMA, AMSTERDAM, NEW_YORK = "U0ROMA001", "U0AMST001", "U0NEWY001"
PEOPLE = {
    ROMA: ("Giulia Rossi", "Europe/Rome", "it-IT", "it"),
    AMSTERDAM: ("Daan de Vries", "Europe/Amsterdam", "nl-NL", "nl"),
    NEW_YORK: ("Nora Smith", "America/New_York", "en-US", "en"),
}
START = dt.datetime(2026, 10, 21, 22, 0, tzinfo=dt.UTC)  # before Thursday 22 October
END = dt.datetime(2026, 10, 30, 20, 0, tzinfo=dt.UTC)
PROMPT = "Good morning! Time for your standup for {team} ({day})."
REMINDER = "A friendly reminder: your standup for {team} ({day}) is still open."


def utc(month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def says(message: dict, language: str, msgid: str) -> bool:
    """Whether `message` says `msgid` (up to its first placeholder) in `language`."""
    return translator(language).gettext(msgid).split("{")[0] in all_text(message)


def test_a_sprint_week_for_rome_amsterdam_and_new_york(
    slack, double, db_url, session_factory, read, clock
):
    for user, (name, zone, locale, _) in PEOPLE.items():
        double.add_user(user, real_name=name, tz=zone, locale=locale)
        double.channels[TEAM_CHANNEL]["members"].append(user)
    double.channels[ADMIN_CHANNEL]["members"].append(AMSTERDAM)

    # A workspace admin sets the team up; none of its people has used the bot.
    clock.fixed = START
    set_up_team(
        slack,
        user=ADMIN,
        owner=ROMA,
        scrum_master=AMSTERDAM,
        members=[ROMA, AMSTERDAM, NEW_YORK],
        standup_time="09:00",
    )
    # Who they are in Slack is read at once, before the cadence needs it.
    known = read(lambda s: {u: workspaces.person(s, u) for u in PEOPLE})
    for user, (_, zone, locale, _) in PEOPLE.items():
        assert (known[user].time_zone, known[user].locale) == (zone, locale)

    def plan(session):
        team = session.scalars(select(Team)).one()
        owner = workspaces.person(session, ROMA)
        draft = IdeaDraft(
            "Offer A vs offer B", None, ItemKind.EXPERIMENT, "B doubles clicks", "CTR", None, None
        )
        item = backlog.submit_idea(session, team, owner, draft, START)
        backlog.accept(session, item.id, owner, Scores(3, 8, 8), START)
        sprints.plan(
            session,
            team,
            owner,
            SprintDraft.validate(
                {
                    SprintField.GOAL: "200 sign-ups",
                    SprintField.START: "2026-10-22",
                    SprintField.LENGTH: "1",
                    SprintField.CAPACITY: "5",
                    SprintField.ITEMS: [str(item.id)],
                },
                today=START.date(),
            ),
            START,
        )

    read(plan)
    sources = job_sources(clients_for(settings_for(double, db_url)), session_factory)
    seen = {user: 0 for user in PEOPLE}
    prompts: dict[str, list[dt.datetime]] = {user: [] for user in PEOPLE}
    reminders: dict[str, list[dt.datetime]] = {user: [] for user in PEOPLE}

    def step(at: dt.datetime) -> None:
        clock.fixed = at
        report = tick(session_factory, at, sources)
        assert report.failed == [], report.failed
        for user, (_, zone, _, language) in PEOPLE.items():
            new = double.messages_in(user)[seen[user] :]
            seen[user] += len(new)
            for message in new:
                local = at.astimezone(ZoneInfo(zone))
                if says(message, language, PROMPT):
                    assert (local.hour, local.minute) == (9, 0), (user, at)
                    assert says(message, language, "Answer the standup")
                    prompts[user].append(at)
                elif says(message, language, REMINDER):
                    reminders[user].append(at)

    def parent() -> str:
        threads = [m for m in double.messages_in(TEAM_CHANNEL) if "Standup of" in all_text(m)]
        return all_text(threads[-1])

    def answer(user: str, values: dict, count: int) -> None:
        prompt = double.messages_in(user)[-1]
        slack.click(prompt, Action.STANDUP_OPEN, user=user, channel=double.dm_channel(user))
        slack.settle()
        view = double.wait_for(
            "views.open", lambda c: c.args["view"]["callback_id"] == Callback.STANDUP, count=count
        )[-1].response["view"]
        language = PEOPLE[user][3]
        assert view["title"]["text"] == translator(language).gettext("Daily standup")
        assert slack.submit(view, values, user=user).body == ""
        slack.settle()

    for at in ticks(START, END):
        step(at)
        if at == utc(10, 26, 9):  # Monday, 10:00 in Rome
            answer(ROMA, {"standup_done": "Newsletter", "standup_next": "Ads"}, 1)
            # Three members are asked today, New York among them (its 9:00 comes later).
            assert "Answered: 1 of 3" in parent()
        if at == utc(10, 26, 13):  # New York's prompt went out: the count is drawn again
            thread = next(
                m for m in double.messages_in(TEAM_CHANNEL) if "Standup of" in all_text(m)
            )
            assert thread["history"] and "Answered: 1 of 3" in parent()
        if at == utc(10, 26, 14):
            answer(NEW_YORK, {"standup_done": "Copy", "standup_blockers": "Waiting for legal"}, 2)
            assert "Answered: 2 of 3" in parent()
        if at == utc(10, 28, 14):  # two working days later: raised again
            cards = [
                m for m in double.messages_in(ADMIN_CHANNEL) if "Waiting for legal" in all_text(m)
            ]
            assert len(cards) == 2 and "Still blocked" in all_text(cards[1])
            slack.click(cards[1], Action.BLOCKER_RESOLVE, user=AMSTERDAM, channel=ADMIN_CHANNEL)
            slack.settle()
            for card in [
                m for m in double.messages_in(ADMIN_CHANNEL) if "Waiting for legal" in all_text(m)
            ]:
                assert "Blocker resolved" in all_text(card)
                assert Action.BLOCKER_RESOLVE not in str(card["blocks"])
            told = double.messages_in(NEW_YORK)[-1]
            assert "resolved your blocker" in all_text(told)
            seen[NEW_YORK] += 1
        if at == utc(10, 28, 15):  # the experiment is done before the sprint closes

            def finish(session, at=at):
                sprint_item = session.scalars(select(SprintItem)).one()
                person = workspaces.person(session, NEW_YORK)
                sprints.move(session, sprint_item.id, person, WorkState.DOING, at)
                sprints.move(session, sprint_item.id, person, WorkState.DONE, at)

            read(finish)

    # Every working day (Thursday to Friday of the next week), each member at their own 9:00:
    # before Europe's change, 7:00 UTC in Rome and Amsterdam; after it, 8:00 UTC. New York
    # stays at 13:00 UTC all week.
    days = [22, 23, 26, 27, 28, 29, 30]
    europe = [utc(10, d, 7 if d < 26 else 8) for d in days]
    assert prompts[ROMA] == europe and prompts[AMSTERDAM] == europe
    assert prompts[NEW_YORK] == [utc(10, d, 13) for d in days]
    # Amsterdam never answered: a reminder each day, in Dutch, two hours after the prompt.
    assert reminders[AMSTERDAM] == [t + dt.timedelta(hours=2) for t in europe]

    # The owner, Italian, is asked in Italian for the finished experiment's result.
    owner_dms = double.messages_in(ROMA)
    assert any("Offer A vs offer B" in all_text(m) for m in owner_dms)
    # (The first is the notice that it is done: the owner follows the ideas they submit.)
    request = next(m for m in owner_dms if Action.EXPERIMENT_RESULT in str(m))
    assert says(request, "it", "Record the result…") and "Record the result" not in str(request)
    # The retrospective opened at the close; voting and results were news for the channel.
    news = [m for m in double.notifying(TEAM_CHANNEL) if m["thread_ts"]]
    assert any("Voting is open" in all_text(m) for m in news)
    assert any("results of the retrospective" in all_text(m) for m in news)
    assert read(lambda s: s.scalars(select(BacklogItem.title)).all()) == ["Offer A vs offer B"]
