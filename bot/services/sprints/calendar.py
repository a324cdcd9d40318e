"""A sprint's calendar, in its team's time zone: working days, and the instants a sprint starts,
takes each day's snapshot and closes. Standups and retrospectives count working days with it
too.

A sprint's dates are the team's local calendar dates. Its working day runs from DAY_STARTS to
DAY_ENDS in the team's time zone: the sprint starts at DAY_STARTS on its first working day,
each working day's snapshot is taken at DAY_ENDS, and the sprint closes at DAY_ENDS on its
last working day. Instants are stored in UTC and converted with zoneinfo here, so a 9:00 start
stays at 9:00 local across a daylight-saving change. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.models import Sprint, SprintState, Team

DAY_STARTS = dt.time(9, 0)
DAY_ENDS = dt.time(17, 0)


def zone(team: Team) -> ZoneInfo:
    return ZoneInfo(team.time_zone)


def local_date(team: Team, instant: dt.datetime) -> dt.date:
    return instant.astimezone(zone(team)).date()


def local_instant(team: Team, day: dt.date, time: dt.time) -> dt.datetime:
    """`time` on `day` in the team's time zone, as a UTC instant."""
    return local_instant_in(team.time_zone, day, time)


def local_instant_in(time_zone: str, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(time_zone)).astimezone(dt.UTC)


def is_working_day(team: Team, day: dt.date) -> bool:
    return bool(team.working_days >> day.weekday() & 1)


def end_date_for(start: dt.date, length_weeks: int) -> dt.date:
    return start + dt.timedelta(days=7 * length_weeks - 1)


def working_days(team: Team, sprint: Sprint) -> list[dt.date]:
    days = (sprint.end_date - sprint.start_date).days + 1
    every = (sprint.start_date + dt.timedelta(days=n) for n in range(days))
    return [day for day in every if is_working_day(team, day)]


def starts_at(team: Team, sprint: Sprint) -> dt.datetime:
    days = working_days(team, sprint)
    return local_instant(team, days[0] if days else sprint.start_date, DAY_STARTS)


def last_working_day(team: Team, sprint: Sprint) -> dt.date:
    """The day the sprint closes, at DAY_ENDS: its last working day (not its calendar end, a
    Sunday for a Monday start), or the day it was closed if that came earlier."""
    days = working_days(team, sprint)
    last = days[-1] if days else sprint.end_date
    if sprint.state is SprintState.CLOSED and sprint.closed_at is not None:
        last = min(last, local_date(team, sprint.closed_at))
    return last


def closes_at(team: Team, sprint: Sprint) -> dt.datetime:
    days = working_days(team, sprint)
    return local_instant(team, days[-1] if days else sprint.end_date, DAY_ENDS)


def after_working_days(
    team: Team, instant: dt.datetime, days: int, holidays: frozenset[dt.date] = frozenset()
) -> dt.datetime:
    """The same local time as `instant`, `days` of the team's working days later (team
    holidays, when given, do not count)."""
    local = instant.astimezone(zone(team))
    day, counted = local.date(), 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(team, day) and day not in holidays:
            counted += 1
    return dt.datetime.combine(day, local.time(), tzinfo=zone(team)).astimezone(dt.UTC)


def snapshot_at(team: Team, day: dt.date) -> dt.datetime:
    return local_instant(team, day, DAY_ENDS)


def days_left(team: Team, sprint: Sprint, now: dt.datetime) -> int:
    """Working days left, today included while the working day has not closed."""
    return sum(1 for day in working_days(team, sprint) if snapshot_at(team, day) > now)
