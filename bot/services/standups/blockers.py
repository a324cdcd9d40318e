"""Blockers: raised to the scrum master's admin channel when a standup says yes to the blocker
question, raised again after two working days, resolved by the scrum master; each of a
blocker's messages (its cards) says so."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Mention, Message, NotAllowed, NotFound
from bot.i18n import N_
from bot.models import Blocker, BlockerCard, Person, Team, TeamHoliday
from bot.services.sprints.calendar import after_working_days

BLOCKER_RERAISE_WORKING_DAYS = 2


def resolve_blocker(session: Session, blocker_id: int, actor: Person, now: dt.datetime) -> Blocker:
    blocker = session.scalar(select(Blocker).where(Blocker.id == blocker_id).with_for_update())
    if blocker is None:
        raise NotFound(Message(N_("That blocker no longer exists.")))
    team = session.get_one(Team, blocker.team_id)
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only the scrum master of {team}, {scrum}, resolves blockers."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )
    if blocker.resolved_at is not None:
        raise Conflict(Message(N_("This blocker is already resolved.")))
    blocker.resolved_at, blocker.resolved_by_id = now, actor.id
    return blocker


def cards(session: Session, blocker_id: int) -> list[BlockerCard]:
    """The blocker's messages in the admin channel, oldest first."""
    return list(
        session.scalars(
            select(BlockerCard).where(BlockerCard.blocker_id == blocker_id).order_by(BlockerCard.id)
        )
    )


def add_card(
    session: Session,
    blocker: Blocker,
    channel_id: str,
    ts: str,
    *,
    again: bool,
    now: dt.datetime,
) -> None:
    session.add(
        BlockerCard(
            workspace_id=blocker.workspace_id,
            blocker_id=blocker.id,
            channel_id=channel_id,
            ts=ts,
            again=again,
            posted_at=now,
        )
    )


def reraise_due(
    team: Team, blocker: Blocker, holidays: frozenset[dt.date] = frozenset()
) -> dt.datetime:
    """When an open blocker is raised again: after two of the team's working days (holidays
    do not count)."""
    return after_working_days(team, blocker.raised_at, BLOCKER_RERAISE_WORKING_DAYS, holidays)


def team_holidays(
    session: Session, team_ids: set[int], since: dt.date
) -> dict[int, frozenset[dt.date]]:
    days: dict[int, set[dt.date]] = defaultdict(set)
    if team_ids:
        for team_id, day in session.execute(
            select(TeamHoliday.team_id, TeamHoliday.day).where(
                TeamHoliday.team_id.in_(team_ids), TeamHoliday.day >= since
            )
        ):
            days[team_id].add(day)
    return {team_id: frozenset(d) for team_id, d in days.items()}


def open_blockers(session: Session) -> Iterable[tuple[Blocker, Team]]:
    return session.execute(
        select(Blocker, Team)
        .join(Team, Team.id == Blocker.team_id)
        .where(Blocker.resolved_at.is_(None), Blocker.reraised_at.is_(None))
    ).tuples()
