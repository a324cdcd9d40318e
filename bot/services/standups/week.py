"""A week at a glance (`/standup week`): the team's standups of the current week, each day's
answers as a team count, the reader's own answer, and the blockers raised and resolved. No
ranking and no count per person: who answered is in each day's thread, as it always was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.models import Blocker, Person, StandupAnswer, StandupDay, Team, TeamHoliday
from bot.services.sprints.calendar import local_date, local_instant
from bot.services.standups.answers import participation_of
from bot.services.standups.participants import require_in_team
from bot.services.standups.schedule import (
    WEEK,
    calendar,
    is_standup_day,
    is_weekly,
    person_today,
    standup_days,
)


@dataclass(frozen=True)
class WeekDay:
    day: dt.date
    holiday: str | None  # the holiday's name ("" without one); None: no holiday
    answered: int  # the team's answers (0 for a day to come)
    asked: int
    mine: bool  # whether the reader answered it
    to_come: bool  # after today


@dataclass(frozen=True)
class WeekBlocker:
    raised_by: str  # the Slack id of whom it blocks, as its card in the admin channel says
    text: str
    raised_on: dt.date
    resolved_on: dt.date | None


@dataclass(frozen=True)
class Week:
    team: Team
    monday: dt.date
    today: dt.date
    weekly: bool  # a weekly check-in
    standup_days: int  # bitmask, Monday = bit 0
    days: list[WeekDay]
    blockers: list[WeekBlocker]  # raised or resolved this week, the oldest first


def week(session: Session, team: Team, reader: Person, now: dt.datetime) -> Week:
    """The team's standups of the reader's current week, Monday to Sunday."""
    require_in_team(session, team, reader)
    today = person_today(reader, team, now)
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=WEEK - 1)
    threads = dict(
        session.execute(
            select(StandupDay.day, StandupDay.id).where(
                StandupDay.team_id == team.id, StandupDay.day.between(monday, sunday)
            )
        )
        .tuples()
        .all()
    )
    holidays = dict(
        session.execute(
            select(TeamHoliday.day, TeamHoliday.note).where(
                TeamHoliday.team_id == team.id, TeamHoliday.day.between(monday, sunday)
            )
        )
        .tuples()
        .all()
    )
    mine = set(
        session.scalars(
            select(StandupDay.day)
            .join(StandupAnswer, StandupAnswer.standup_day_id == StandupDay.id)
            .where(
                StandupDay.team_id == team.id,
                StandupDay.day.between(monday, sunday),
                StandupAnswer.person_id == reader.id,
            )
        )
    )
    # One calendar for the week: it spans three days either side of Thursday.
    thursday = dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(12), dt.UTC)
    cal = calendar(session, thursday, team.id)
    days = []
    for n in range(WEEK):
        day = monday + dt.timedelta(days=n)
        if not (is_standup_day(team, day) or day in threads):
            continue
        to_come = day > today
        answered, asked = (
            (0, 0) if to_come else participation_of(session, team, day, now, threads.get(day), cal)
        )
        holiday = (holidays[day] or "") if day in holidays else None
        days.append(WeekDay(day, holiday, answered, asked, day in mine, to_come))
    return Week(
        team,
        monday,
        today,
        is_weekly(team),
        standup_days(team),
        days,
        _blockers(session, team, monday),
    )


def _blockers(session: Session, team: Team, monday: dt.date) -> list[WeekBlocker]:
    """The team's blockers raised or resolved in the week (the team's calendar)."""
    start = local_instant(team, monday, dt.time(0))
    end = local_instant(team, monday + dt.timedelta(days=WEEK), dt.time(0))
    rows = session.execute(
        select(Blocker, Person.slack_user_id)
        .join(Person, Person.id == Blocker.person_id)
        .where(
            Blocker.team_id == team.id,
            or_(
                Blocker.raised_at.between(start, end),
                Blocker.resolved_at.between(start, end),
            ),
        )
        .order_by(Blocker.raised_at, Blocker.id)
    ).all()
    return [
        WeekBlocker(
            slack_user_id,
            blocker.text,
            local_date(team, blocker.raised_at),
            local_date(team, blocker.resolved_at) if blocker.resolved_at else None,
        )
        for blocker, slack_user_id in rows
    ]
