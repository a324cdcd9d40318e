"""Two months of standups with the teams' own rhythms, exactly once: a daily team in Rome, a
Monday-Wednesday-Friday team in New York and a weekly check-in on Thursdays, with people in
both cities, times of their own, a guest scrum master, a member left out, a team holiday, one
or two reminders, and the daylight-saving changes of March 2026 (New York on the 8th, Europe
on the 29th: three weeks with the two cities an hour closer).

Every tick runs twice (and on PostgreSQL, two schedulers race for it first). Each prompt and
each reminder must arrive once, at the person's own local time, which is computed here
independently of the code under test, and is also pinned to UTC on both sides of each change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.jobs import standups as standup_jobs
from bot.models import StandupPrompt, TeamHoliday
from bot.scheduler import tick
from bot.services import standups, teams, workspaces
from bot.services.standups import AnswerDraft, StandupSetup
from bot.slack import web_client
from tests.conftest import OWNER
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, race_ticks, team_settings

START = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 4, 30, 23, 59, tzinfo=dt.UTC)
ROME, NEW_YORK = "Europe/Rome", "America/New_York"
MON, TUE, WED, THU, FRI = range(5)


@dataclass(frozen=True)
class Person:
    user: str
    zone: str
    own_time: dt.time | None = None


@dataclass(frozen=True)
class Rhythm:
    """A team as the test knows it: what it should do, written out apart from the code."""

    name: str
    channel: str
    zone: str
    time: dt.time
    days: frozenset[int]  # weekdays
    reminders: tuple[int, ...]  # minutes after the prompt
    members: tuple[Person, ...]
    guest: Person | None = None  # its scrum master, not a member, asked
    left_out: Person | None = None  # a member the scrum master does not ask
    holiday: dt.date | None = None

    @property
    def asked(self) -> tuple[Person, ...]:
        return self.members + ((self.guest,) if self.guest else ())


DAILY = Rhythm(
    "Daily",
    "C0DAILY01",
    ROME,
    dt.time(9, 0),
    frozenset({MON, TUE, WED, THU, FRI}),
    (60, 180),
    members=(Person("U0RDAILY1", ROME), Person("U0NDAILY1", NEW_YORK, dt.time(8, 30))),
    left_out=Person("U0XDAILY1", ROME),
    holiday=dt.date(2026, 4, 6),  # Easter Monday
)
MWF = Rhythm(
    "Alternate",
    "C0MWF0001",
    NEW_YORK,
    dt.time(10, 0),
    frozenset({MON, WED, FRI}),
    (120,),
    members=(Person("U0NMWF001", NEW_YORK), Person("U0RMWF001", ROME, dt.time(16, 15))),
)
WEEKLY = Rhythm(
    "Weekly",
    "C0WEEKLY1",
    ROME,
    dt.time(11, 0),
    frozenset({THU}),
    (30, 90),
    members=(Person("U0RWEEK01", ROME, dt.time(8, 0)), Person("U0NWEEK01", NEW_YORK)),
    guest=Person("U0SWEEK01", ROME),
)
RHYTHMS = (DAILY, MWF, WEEKLY)
ANSWERED = ("U0RDAILY1", dt.date(2026, 3, 10))  # answers before the first reminder


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def expected_events() -> list[tuple[str, str, dt.datetime]]:
    """(user, "prompt" or "reminder", UTC instant) for everything due in the two months."""
    events = []
    day = START.date() - dt.timedelta(days=1)
    while day <= END.date() + dt.timedelta(days=1):
        for rhythm in RHYTHMS:
            if day.weekday() not in rhythm.days or day == rhythm.holiday:
                continue
            for person in rhythm.asked:
                wall = dt.datetime.combine(day, person.own_time or rhythm.time)
                at = wall.replace(tzinfo=ZoneInfo(person.zone)).astimezone(dt.UTC)
                if not START <= at <= END:
                    continue
                events.append((person.user, "prompt", at))
                if (person.user, day) == ANSWERED:
                    continue
                events += [
                    (person.user, "reminder", at + dt.timedelta(minutes=m))
                    for m in rhythm.reminders
                    if at + dt.timedelta(minutes=m) <= END
                ]
        day += dt.timedelta(days=1)
    return sorted(events)


@pytest.fixture
def world(double, db_url, workspace_id, read, clock):
    clock.fixed = START
    everyone = [p for r in RHYTHMS for p in (*r.asked, r.left_out) if p]
    for person in everyone:
        double.add_user(person.user, real_name=person.user, tz=person.zone, locale="en-US")

    def create(session):
        owner = workspaces.person(session, OWNER)
        for person in everyone:
            workspaces.person(session, person.user).time_zone = person.zone
        for rhythm in RHYTHMS:
            members = tuple(p.user for p in rhythm.members) + (
                (rhythm.left_out.user,) if rhythm.left_out else ()
            )
            scrum = rhythm.guest.user if rhythm.guest else members[0]
            settings = team_settings(
                name=rhythm.name,
                scrum_master_user_id=scrum,
                member_user_ids=members,
                standup_time=rhythm.time,
                time_zone=rhythm.zone,
                standup_reminder_minutes=rhythm.reminders[0],
                standup_second_reminder_minutes=(rhythm.reminders + (0,))[1],
            )
            team, _ = teams.save_team(session, rhythm.channel, settings, owner, START)
            setup = StandupSetup.validate(
                {
                    "standup_question_1": "What moved?",
                    "standup_question_2": "Anything blocking me",
                    "standup_blocker_question": "2",
                    "standup_days": [str(d) for d in sorted(rhythm.days)],
                    "standup_asked": [p.user for p in rhythm.asked],
                }
            )
            sm = workspaces.person(session, scrum)
            standups.save_setup(session, team, sm, setup, START)
            for person in rhythm.asked:
                if person.own_time:
                    text = person.own_time.strftime("%H:%M")
                    who = workspaces.person(session, person.user)
                    standups.set_own_time(session, team, who, text, START)
            if rhythm.holiday:
                session.add(
                    TeamHoliday(
                        workspace_id=team.workspace_id,
                        team_id=team.id,
                        day=rhythm.holiday,
                        created_at=START,
                    )
                )

    read(create)
    return web_client(settings_for(double, db_url))


def received(double, user: str) -> list[dict]:
    return double.messages_in(user)


def kind_of(message: dict) -> str:
    text = all_text(message)
    if text.startswith("Good morning!"):
        return "prompt"
    assert text.startswith("A friendly reminder"), text
    return "reminder"


def test_two_months_of_rhythms_times_and_reminders_exactly_once(
    world, double, session_factory, read, clock, is_postgres
):
    expected = expected_events()
    # Pinned apart from the computation above: each side of each change, in UTC.
    pinned = [
        ("U0RDAILY1", "prompt", utc(3, 3, 8)),  # 9:00 in Rome, winter time
        ("U0RDAILY1", "prompt", utc(3, 31, 7)),  # 9:00 in Rome, summer time
        ("U0NDAILY1", "prompt", utc(3, 6, 13, 30)),  # 8:30 in New York, winter time
        ("U0NDAILY1", "prompt", utc(3, 9, 12, 30)),  # 8:30 in New York, summer time
        ("U0NMWF001", "prompt", utc(3, 2, 15)),  # 10:00 in New York
        ("U0NMWF001", "prompt", utc(3, 9, 14)),
        ("U0RMWF001", "prompt", utc(3, 11, 15, 15)),  # 16:15 in Rome, its own time
        ("U0RMWF001", "prompt", utc(4, 1, 14, 15)),
        ("U0RWEEK01", "prompt", utc(3, 26, 7)),  # 8:00 in Rome, its own, on Thursdays
        ("U0RWEEK01", "prompt", utc(4, 2, 6)),
        ("U0NWEEK01", "prompt", utc(3, 5, 16)),  # the team's 11:00, in New York
        ("U0NWEEK01", "prompt", utc(3, 12, 15)),
        ("U0SWEEK01", "prompt", utc(3, 12, 10)),  # the guest scrum master, 11:00 in Rome
        ("U0SWEEK01", "reminder", utc(3, 12, 10, 30)),
        ("U0SWEEK01", "reminder", utc(3, 12, 11, 30)),
        ("U0NMWF001", "reminder", utc(3, 9, 16)),  # one reminder only, two hours later
    ]
    assert set(pinned) <= set(expected)
    assert not any(user == "U0XDAILY1" for user, _, _ in expected)
    assert not any(
        at.date() == dt.date(2026, 4, 6) and user.endswith("DAILY1") for user, _, at in expected
    )

    client = world
    sources = standup_jobs.sources(lambda _: client, session_factory)
    due = sorted({at for _, _, at in expected})
    # Ticks at each instant something is due, and every six hours besides: a prompt or a
    # reminder at a wrong time would arrive at one of the others.
    instants = sorted(
        set(due)
        | {
            START + dt.timedelta(hours=6 * n)
            for n in range(int((END - START) / dt.timedelta(hours=6)) + 1)
        }
    )
    users = [p.user for r in RHYTHMS for p in (*r.asked, r.left_out) if p]
    seen = {user: 0 for user in users}
    got: list[tuple[str, str, dt.datetime]] = []

    def run(at: dt.datetime) -> None:
        report = tick(session_factory, at, sources)
        assert report.failed == [], report.failed

    def race(at: dt.datetime) -> None:
        race_ticks(
            session_factory, at, lambda: standup_jobs.sources(lambda _: client, session_factory)
        )

    for at in instants:
        clock.fixed = at
        if is_postgres and at in due:
            race(at)
        else:
            run(at)
        if at in due:
            run(at)  # a repeated tick does nothing more
        for user in users:
            new = received(double, user)[seen[user] :]
            seen[user] += len(new)
            got += [(user, kind_of(m), at) for m in new]
        if at == utc(3, 10, 8):  # Tuesday 10 March, 9:00 in Rome: Daily's Rome member answers

            def answer(session, at=at):
                team = teams.team_for_channel(session, DAILY.channel)
                person = workspaces.person(session, ANSWERED[0])
                questions = standups.current_questions(session, team)
                draft = AnswerDraft(("Shipped the landing page", None), (), questions)
                standups.save_answer(session, team, person, ANSWERED[1], draft, at)

            read(answer)

    assert sorted(got) == expected
    assert len(got) == len(set(got))  # nothing twice
    # What the prompts' rows say agrees: every prompt sent, reminders counted.
    rows = read(
        lambda s: s.execute(
            select(StandupPrompt.sent_at.is_not(None), StandupPrompt.reminders_sent)
        ).all()
    )
    assert len(rows) == sum(kind == "prompt" for _, kind, _ in expected)
    assert all(sent for sent, _ in rows)
    assert {n for _, n in rows} == {0, 1, 2}
