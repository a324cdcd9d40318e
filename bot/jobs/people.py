"""People's profiles kept fresh for the cadence, and the scrum master told, once, when a
member has left Slack.

Profiles more than a day old are read again once an hour, at most `REFRESH_BATCH` per
workspace: at most once a day per person, never on every tick, so a team of 25 costs 25
`users.info` calls a day."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Person, TeamMember
from bot.scheduler import FollowUp, JobSource, Occurrence
from bot.services import workspaces
from bot.slack import ClientFor

log = logging.getLogger(__name__)

REFRESH_BATCH = 50  # profiles read per workspace and hour, at most
REFRESH_STALE = dt.timedelta(hours=1)  # the next hour's refresh does the same work
# Each hour's refresh runs at 50 minutes past, away from the round hours and half hours when
# standups are most often due (a tick runs its occurrences one after the other).
REFRESH_MINUTE = 50
TELL_STALE = dt.timedelta(days=7)


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [partial(refreshes, clients, factory), partial(departures, clients, factory)]


def refreshes(
    clients: ClientFor, factory: sessionmaker[Session], session: Session, until: dt.datetime
) -> Iterable[Occurrence]:
    """Per workspace, once an hour while any team person's profile is unknown or more than a
    day old."""
    stale = select(Person.workspace_id).where(
        Person.id.in_(select(workspaces.team_people().c[0])),
        or_(
            Person.profile_refreshed_at.is_(None),
            Person.profile_refreshed_at < until - workspaces.REFRESH_AFTER,
        ),
    )
    hour = until.replace(minute=REFRESH_MINUTE, second=0, microsecond=0)
    if hour > until:
        hour -= dt.timedelta(hours=1)
    for workspace_id in session.scalars(stale.distinct()):
        yield Occurrence(
            key=f"people_refresh:workspace={workspace_id}:{hour.isoformat()}",
            workspace_id=workspace_id,
            due_at=hour,
            run=partial(refresh, clients, factory, workspace_id),
            stale_after=REFRESH_STALE,
        )


def refresh(
    clients: ClientFor,
    factory: sessionmaker[Session],
    workspace_id: int,
    session: Session,
    at: dt.datetime,
) -> FollowUp:
    from bot.messaging import people as slack_people

    due = workspaces.stale_profiles(session, at, REFRESH_BATCH)

    def read() -> None:
        client = clients(workspace_id)
        unreadable = slack_people.read_profiles(client, factory, workspace_id, due, at)
        if unreadable:
            log.warning("%d profiles could not be read; next hour again", len(unreadable))

    return read


def departures(
    clients: ClientFor, factory: sessionmaker[Session], session: Session, until: dt.datetime
) -> Iterable[Occurrence]:
    """A member whose account Slack deactivated: their scrum master is told, once."""
    rows = session.execute(
        select(TeamMember.team_id, TeamMember.person_id, TeamMember.workspace_id)
        .join(Person, Person.id == TeamMember.person_id)
        .where(Person.deleted, TeamMember.left_slack_told_at.is_(None))
    ).all()
    for team_id, person_id, workspace_id in rows:
        yield Occurrence(
            key=f"left_slack:team={team_id}:person={person_id}",
            workspace_id=workspace_id,
            due_at=until,
            run=partial(departure, clients, factory, team_id, person_id),
            stale_after=TELL_STALE,
        )


def departure(
    clients: ClientFor,
    factory: sessionmaker[Session],
    team_id: int,
    person_id: int,
    session: Session,
    at: dt.datetime,
) -> FollowUp | None:
    member = session.scalar(
        select(TeamMember)
        .where(TeamMember.team_id == team_id, TeamMember.person_id == person_id)
        .with_for_update()
    )
    if member is None or member.left_slack_told_at is not None:
        return None
    member.left_slack_told_at = at
    workspace_id = member.workspace_id
    from bot.messaging import people as slack_people

    client = clients(workspace_id)  # made now: the follow-up has nothing left to fail on
    return lambda: slack_people.tell_scrum_master(
        client, factory, workspace_id, team_id, person_id, at
    )
