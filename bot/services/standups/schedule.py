"""Who is asked for a standup, and when.

A team's standup runs on its standup days (its working days unless the scrum master chose
others; one day a week makes it a weekly check-in). Each participant is asked at their own
time if they set one, else at the team's standup time, in their own time zone (from their
Slack profile; the team's when Slack has none), on the standup days as they fall in their
calendar, except on team holidays and while they are away. Up to two reminders follow, each
after the team's delay from that person's prompt. Local times become UTC instants through
zoneinfo, so 9:00 in Rome stays 9:00 in Rome across a daylight-saving change, whatever New
York does that week.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.models import (
    AwayPeriod,
    Person,
    StandupAnswer,
    StandupDay,
    StandupParticipant,
    StandupPrompt,
    Team,
    TeamHoliday,
    TeamMember,
)
from bot.services.teams import is_time_zone

PROMPT_STALE = dt.timedelta(hours=4)  # a prompt later than this no longer helps the day
UNREACHABLE_DAYS = 7
# Slack's answers to a DM for someone who has left (or whose DM channel is gone with them).
GONE_FROM_SLACK = ("user_not_found", "account_inactive", "channel_not_found", "user_disabled")
WEEK = 7


# --- time zones ------------------------------------------------------------------------------


def member_zone(person: Person, team: Team) -> ZoneInfo:
    name = person.time_zone if person.time_zone and is_time_zone(person.time_zone) else None
    return ZoneInfo(name or team.time_zone)


def person_today(person: Person, team: Team | None, now: dt.datetime) -> dt.date:
    """The person's date now: their own time zone, else their team's, else UTC."""
    name = person.time_zone if person.time_zone and is_time_zone(person.time_zone) else None
    name = name or (team.time_zone if team else "UTC")
    return now.astimezone(ZoneInfo(name)).date()


def local_today(team: Team, person: Person, now: dt.datetime) -> dt.date:
    return now.astimezone(member_zone(person, team)).date()


# --- the team's rhythm -----------------------------------------------------------------------


def standup_days(team: Team) -> int:
    """The team's standup days as a bitmask (Monday = bit 0): its own, else its working days."""
    return team.standup_days or team.working_days


def is_standup_day(team: Team, day: dt.date) -> bool:
    return bool(standup_days(team) >> day.weekday() & 1)


def is_weekly(team: Team) -> bool:
    """One standup day a week: a weekly check-in."""
    return standup_days(team).bit_count() == 1


def next_standup_day(team: Team, after: dt.date) -> dt.date:
    """The first standup day after `after` (holidays aside)."""
    day = after + dt.timedelta(days=1)
    while not is_standup_day(team, day):
        day += dt.timedelta(days=1)
    return day


def prompt_at(
    team: Team, person: Person, day: dt.date, own_time: dt.time | None = None
) -> dt.datetime:
    """The person's standup time on `day` (their own, else the team's), in their own time
    zone, as a UTC instant."""
    local = dt.datetime.combine(
        day, own_time or team.standup_time, tzinfo=member_zone(person, team)
    )
    return local.astimezone(dt.UTC)


def reminder_delays(team: Team) -> dict[int, dt.timedelta]:
    """The team's reminders, by number (1, 2): how long after a prompt each comes."""
    minutes = {1: team.standup_reminder_minutes, 2: team.standup_second_reminder_minutes}
    return {n: dt.timedelta(minutes=m) for n, m in minutes.items() if m > 0}


# --- who is asked, and when ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Participants of one team to ask (or remind) at one instant."""

    team: Team
    at: dt.datetime
    day_by_person: dict[int, dt.date]  # person id -> the local date they are asked about
    people: dict[int, Person]


@dataclass
class Calendar:
    """Everything the scheduler needs to decide prompts, loaded in a constant number of
    statements however many teams and participants there are."""

    teams: list[Team]
    members: dict[int, list[Person]]  # team id -> the people asked (members and guests)
    holidays: set[tuple[int, dt.date]]
    away: dict[int, list[tuple[dt.date, dt.date]]]  # person id -> periods
    unreachable: set[int] = field(default_factory=set)  # left Slack lately: not asked daily
    own_times: dict[tuple[int, int], dt.time] = field(default_factory=dict)  # (team, person)

    def is_away(self, person_id: int, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.away.get(person_id, ()))

    def asks(self, team: Team, person: Person, day: dt.date) -> bool:
        return (
            is_standup_day(team, day)
            and (team.id, day) not in self.holidays
            and not self.is_away(person.id, day)
            and person.id not in self.unreachable
            and not person.deleted  # left Slack: their scrum master is told instead
            and not person.is_bot
        )

    def prompt_at(self, team: Team, person: Person, day: dt.date) -> dt.datetime:
        return prompt_at(team, person, day, self.own_times.get((team.id, person.id)))


def calendar(session: Session, around: dt.datetime, team_id: int | None = None) -> Calendar:
    """Teams (all, or one), who each asks, holidays and away periods for the days around
    `around`."""
    team_query = select(Team).order_by(Team.id)
    part = StandupParticipant
    # Members are asked unless the scrum master said otherwise; the owner and the scrum
    # master, when they are not members, only when the scrum master asked them (guests).
    member_query = (
        select(TeamMember.team_id, Person, part.asked, part.own_time)
        .join(Person, Person.id == TeamMember.person_id)
        .outerjoin(
            part, and_(part.team_id == TeamMember.team_id, part.person_id == TeamMember.person_id)
        )
        .order_by(TeamMember.team_id, Person.id)
    )
    is_member = (
        select(TeamMember.person_id)
        .where(TeamMember.team_id == part.team_id, TeamMember.person_id == part.person_id)
        .exists()
    )
    guest_query = (
        select(part.team_id, Person, part.own_time)
        .join(Person, Person.id == part.person_id)
        .join(Team, Team.id == part.team_id)
        .where(
            part.asked.is_(True),
            or_(Team.owner_id == part.person_id, Team.scrum_master_id == part.person_id),
            ~is_member,
        )
        .order_by(part.team_id, Person.id)
    )
    if team_id is not None:
        team_query = team_query.where(Team.id == team_id)
        member_query = member_query.where(TeamMember.team_id == team_id)
        guest_query = guest_query.where(part.team_id == team_id)
    teams = list(session.scalars(team_query))
    members: dict[int, list[Person]] = defaultdict(list)
    own_times: dict[tuple[int, int], dt.time] = {}
    for member_team_id, person, asked, own_time in session.execute(member_query):
        if asked is not False:
            members[member_team_id].append(person)
        if own_time is not None:
            own_times[member_team_id, person.id] = own_time
    for guest_team_id, person, own_time in session.execute(guest_query):
        members[guest_team_id].append(person)
        if own_time is not None:
            own_times[guest_team_id, person.id] = own_time
    first, last = around.date() - dt.timedelta(days=3), around.date() + dt.timedelta(days=3)
    holidays = {
        (holiday_team_id, day)
        for holiday_team_id, day in session.execute(
            select(TeamHoliday.team_id, TeamHoliday.day).where(TeamHoliday.day.between(first, last))
        )
    }
    away: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for person_id, start, end in session.execute(
        select(AwayPeriod.person_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.end_date >= first, AwayPeriod.start_date <= last
        )
    ):
        away[person_id].append((start, end))
    # Someone whose prompt failed because they are gone from Slack is not asked (and not
    # reported) every day: they are tried again once that failure is a week old.
    unreachable = set(
        session.scalars(
            select(StandupPrompt.person_id).where(
                StandupPrompt.failure.in_(GONE_FROM_SLACK),
                StandupPrompt.day > around.date() - dt.timedelta(days=UNREACHABLE_DAYS),
            )
        )
    )
    return Calendar(teams, members, holidays, away, unreachable, own_times)


def due_prompts(cal: Calendar, until: dt.datetime, lookback: dt.timedelta) -> list[Due]:
    """Per team, the participants whose standup time fell in (until - lookback, until],
    grouped by that instant (people in one time zone at the same time share it)."""
    result = []
    for team in cal.teams:
        groups: dict[dt.datetime, dict[int, dt.date]] = defaultdict(dict)
        people = {p.id: p for p in cal.members.get(team.id, [])}
        for person in people.values():
            today = local_today(team, person, until)
            for day in (today - dt.timedelta(days=1), today):
                at = cal.prompt_at(team, person, day)
                if until - lookback < at <= until and cal.asks(team, person, day):
                    groups[at][person.id] = day
        for at, day_by_person in sorted(groups.items()):
            result.append(Due(team, at, day_by_person, people))
    return result


def record_prompts(
    session: Session, due: Due, now: dt.datetime
) -> list[tuple[int, Person, dt.date]]:
    """Prompt rows for `due`, skipping people already prompted for their day (a repeated
    tick, someone who moved between time zones or changed their time). Returns (prompt id,
    person, day) to send."""
    team = due.team
    days = set(due.day_by_person.values())
    existing = set(
        session.execute(
            select(StandupPrompt.person_id, StandupPrompt.day).where(
                StandupPrompt.team_id == team.id, StandupPrompt.day.in_(days)
            )
        ).tuples()
    )
    rows = []
    for person_id, day in due.day_by_person.items():
        if (person_id, day) in existing:
            continue
        prompt = StandupPrompt(
            workspace_id=team.workspace_id,
            team_id=team.id,
            person_id=person_id,
            day=day,
            due_at=due.at,
        )
        session.add(prompt)
        rows.append((prompt, due.people[person_id], day))
    session.flush()
    return [(prompt.id, person, day) for prompt, person, day in rows]


def to_remind(
    session: Session, team: Team, prompted_at: dt.datetime, number: int = 1
) -> list[StandupPrompt]:
    """Prompts of `team` sent at `prompted_at`, not answered, and not yet given reminder
    `number` (1 or 2): a second reminder also reaches whom the first could not."""
    answered = (
        select(StandupAnswer.id)
        .join(StandupDay, StandupDay.id == StandupAnswer.standup_day_id)
        .where(
            StandupDay.team_id == StandupPrompt.team_id,
            StandupDay.day == StandupPrompt.day,
            StandupAnswer.person_id == StandupPrompt.person_id,
        )
        .exists()
    )
    return list(
        session.scalars(
            select(StandupPrompt).where(
                StandupPrompt.team_id == team.id,
                StandupPrompt.due_at == prompted_at,
                StandupPrompt.sent_at.is_not(None),
                StandupPrompt.reminders_sent < number,
                ~answered,
            )
        )
    )
