"""Days without standups: a person's away periods (no prompts while away), and the team's
holidays, which the scrum master sets (no standup that day, and not a working day for
blockers)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Mention, Message, NotAllowed
from bot.i18n import N_
from bot.models import AwayPeriod, Person, Team, TeamHoliday
from bot.models.standup import NOTE_MAX


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def set_away(
    session: Session,
    person: Person,
    start_text: str,
    end_text: str,
    today: dt.date,
    now: dt.datetime,
) -> AwayPeriod:
    start, end = _parse_day(start_text), _parse_day(end_text)
    if start is None or end is None:
        raise Conflict(
            Message(N_("Give the dates as YYYY-MM-DD, e.g. `/standup away 2026-12-21 2027-01-03`."))
        )
    if end < start:
        raise Conflict(Message(N_("The away period ends before it starts.")))
    if end < today:
        raise Conflict(Message(N_("That away period is already over.")))
    period = AwayPeriod(
        workspace_id=person.workspace_id,
        person_id=person.id,
        start_date=start,
        end_date=end,
        created_at=now,
    )
    session.add(period)
    return period


def come_back(session: Session, person: Person, today: dt.date) -> int:
    """End the person's current and future away periods: they are asked again from today."""
    periods = session.scalars(
        select(AwayPeriod).where(AwayPeriod.person_id == person.id, AwayPeriod.end_date >= today)
    ).all()
    for period in periods:
        if period.start_date >= today:
            session.delete(period)
        else:
            period.end_date = today - dt.timedelta(days=1)
    return len(periods)


def _require_scrum_master(team: Team, actor: Person) -> None:
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only the scrum master of {team}, {scrum}, manages its holidays."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


def add_holiday(
    session: Session,
    team: Team,
    actor: Person,
    day_text: str,
    note: str | None,
    today: dt.date,
    now: dt.datetime,
) -> TeamHoliday:
    _require_scrum_master(team, actor)
    day = _parse_day(day_text)
    if day is None:
        raise Conflict(
            Message(
                N_("Give the date as YYYY-MM-DD, e.g. `/standup holiday 2026-12-24 Christmas Eve`.")
            )
        )
    if day < today:
        raise Conflict(Message(N_("That day is in the past.")))
    existing = session.scalar(
        select(TeamHoliday).where(TeamHoliday.team_id == team.id, TeamHoliday.day == day)
    )
    if existing is not None:
        existing.note = (note or "")[:NOTE_MAX] or existing.note
        return existing
    holiday = TeamHoliday(
        workspace_id=team.workspace_id,
        team_id=team.id,
        day=day,
        note=(note or "")[:NOTE_MAX] or None,
        created_at=now,
    )
    session.add(holiday)
    return holiday


def holidays(session: Session, team: Team, today: dt.date) -> list[TeamHoliday]:
    return list(
        session.scalars(
            select(TeamHoliday)
            .where(TeamHoliday.team_id == team.id, TeamHoliday.day >= today)
            .order_by(TeamHoliday.day)
        )
    )


def remove_holiday(session: Session, team: Team, actor: Person, day_text: str) -> dt.date:
    _require_scrum_master(team, actor)
    day = _parse_day(day_text)
    holiday = day and session.scalar(
        select(TeamHoliday).where(TeamHoliday.team_id == team.id, TeamHoliday.day == day)
    )
    if not holiday:
        # Translators: {team} is the team's name.
        raise Conflict(Message(N_("{team} has no holiday on that day."), {"team": team.name}))
    session.delete(holiday)
    return holiday.day
