"""The sprint's scheduled milestones: the start at 9:00 local on its first working day, a
snapshot at 17:00 on every working day, and the close at 17:00 on its last one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Sprint, SprintState, Team
from bot.scheduler import NEVER_STALE, FollowUp, JobSource, Occurrence
from bot.services import sprints
from bot.slack import ClientFor

SNAPSHOT_STALE = dt.timedelta(days=28)  # the ledger makes a late snapshot exact


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [partial(milestones, clients)]


def milestones(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    """Every open sprint's start, latest snapshot and close that are due, read in one query."""
    rows = session.execute(
        select(Sprint, Team)
        .join(Team, Team.id == Sprint.team_id)
        .where(Sprint.state.in_([SprintState.PLANNED, SprintState.ACTIVE]))
    )
    for sprint, team in rows.tuples():
        if sprint.state is SprintState.PLANNED:
            yield from _start(clients, sprint, team, until)
        else:
            yield from _snapshot(sprint, team, until)
        yield from _close(clients, sprint, team, until)


def _start(
    clients: ClientFor, sprint: Sprint, team: Team, until: dt.datetime
) -> Iterable[Occurrence]:
    due = sprints.starts_at(team, sprint)
    if due <= until:
        yield Occurrence(
            key=f"sprint_start:sprint={sprint.id}",
            workspace_id=sprint.workspace_id,
            due_at=due,
            run=partial(start, clients, sprint.id),
            # Still worth announcing while the sprint runs; after that, the close does it.
            stale_after=sprints.closes_at(team, sprint) - due,
        )


def _snapshot(sprint: Sprint, team: Team, until: dt.datetime) -> Iterable[Occurrence]:
    # The last working day closed by `until` (the close takes the sprint's last one); its
    # snapshot job also fills any day missed while the scheduler was down.
    days = [
        d for d in sprints.working_days(team, sprint)[:-1] if sprints.snapshot_at(team, d) <= until
    ]
    if days:
        yield Occurrence(
            key=f"sprint_snapshot:sprint={sprint.id}:{days[-1].isoformat()}",
            workspace_id=sprint.workspace_id,
            due_at=sprints.snapshot_at(team, days[-1]),
            run=partial(snapshot, sprint.id, days[-1]),
            stale_after=SNAPSHOT_STALE,
        )


def _close(
    clients: ClientFor, sprint: Sprint, team: Team, until: dt.datetime
) -> Iterable[Occurrence]:
    due = sprints.closes_at(team, sprint)
    if due <= until:
        yield Occurrence(
            key=f"sprint_close:sprint={sprint.id}",
            workspace_id=sprint.workspace_id,
            due_at=due,
            run=partial(close, clients, sprint.id),
            stale_after=NEVER_STALE,  # a sprint always closes, however late
        )


def start(clients: ClientFor, sprint_id: int, session: Session, at: dt.datetime) -> None:
    from bot.messaging import sprints as post

    sprint = sprints.start(session, sprint_id, at)
    if sprint is not None:
        post.announce(clients(sprint.workspace_id), session, sprint, at)


def snapshot(sprint_id: int, day: dt.date, session: Session, at: dt.datetime) -> None:
    sprint = sprints.get_sprint(session, sprint_id)
    if sprint.state is SprintState.ACTIVE:
        team = session.get_one(Team, sprint.team_id)
        sprints.take_snapshots(session, team, sprint, sprints.snapshot_at(team, day), at)


def close(clients: ClientFor, sprint_id: int, session: Session, at: dt.datetime) -> FollowUp | None:
    from bot.messaging import sprints as post

    closed = sprints.close(session, sprint_id, at)
    if closed is None:
        return None
    return post.showcase(clients(closed.sprint.workspace_id), session, closed, at)
