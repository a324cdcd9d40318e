"""What a team's sprints add up to, team-level only: committed against completed for the
velocity chart, the say/do ratio (how much of what the team said it would do it did), the
next sprint's suggested capacity drawn from them, and the burnup's points per working day. Numbers only: the charts draw them and the views put them into words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import Sprint, SprintChange, SprintSnapshot, SprintState, Team
from bot.services.sprints.calendar import local_date, snapshot_at, working_days
from bot.services.sprints.ledger import totals

VELOCITY_SPRINTS = 6  # sprints in the velocity chart


@dataclass(frozen=True)
class SprintOutcome:
    """Committed vs completed for one sprint: the velocity chart's bar pair."""

    number: int
    committed: int  # points in the sprint when it started
    completed: int  # points done when it closed, scope added during the sprint included
    committed_completed: int = 0  # of `committed`, the points done when it closed

    @property
    def say_do(self) -> float | None:
        """The say/do ratio: committed points completed / committed points (None when the
        sprint committed to nothing: there is no ratio, not a ratio of 0)."""
        return say_do_ratio(self.committed_completed, self.committed)


def say_do_ratio(committed_completed: float, committed: float) -> float | None:
    """Committed points completed / committed points; None for a sprint that committed none."""
    return committed_completed / committed if committed > 0 else None


def committed_completed(session: Session, sprint: Sprint) -> int:
    """The points of the work committed at the sprint's start that were done at its close.

    From the ledger, item by item: an item counts if it was in the sprint's scope at
    `started_at`, and it counts its points done at `closed_at`, up to its points at the start.
    So scope added while the sprint ran counts for nothing, an item re-estimated upwards
    counts for no more than the team said, and one taken out (or moved back from done) for
    nothing. 0 for a sprint that has not both started and closed.
    """
    if sprint.started_at is None or sprint.closed_at is None:
        return 0
    before_start = SprintChange.occurred_at <= sprint.started_at
    before_close = SprintChange.occurred_at <= sprint.closed_at
    rows = session.execute(
        select(
            func.sum(case((before_start, SprintChange.scope_points), else_=0)),
            func.sum(case((before_start, SprintChange.scope_items), else_=0)),
            func.sum(case((before_close, SprintChange.done_points), else_=0)),
        )
        .where(SprintChange.sprint_id == sprint.id, SprintChange.item_id.is_not(None))
        .group_by(SprintChange.item_id)
    )
    return sum(
        max(0, min(int(done), int(points)))
        for points, items, done in rows
        if int(items) > 0  # in the sprint at its start
    )


def say_do(session: Session, sprint: Sprint) -> float | None:
    """A closed sprint's say/do ratio: committed points completed / committed points, from
    0.0 to 1.0; None when it committed no points (or has not closed)."""
    if sprint.started_at is None or sprint.closed_at is None:
        return None
    committed = totals(session, sprint.id, sprint.started_at).scope_points
    return say_do_ratio(committed_completed(session, sprint), committed)


def outcomes(session: Session, team: Team, last: int = VELOCITY_SPRINTS) -> list[SprintOutcome]:
    """The last closed sprints, oldest first."""
    sprints = list(
        session.scalars(
            select(Sprint)
            .where(Sprint.team_id == team.id, Sprint.state == SprintState.CLOSED)
            .order_by(Sprint.number.desc())
            .limit(last)
        )
    )
    result = []
    for sprint in reversed(sprints):
        at_start = totals(session, sprint.id, sprint.started_at)
        at_close = totals(session, sprint.id, sprint.closed_at)
        result.append(
            SprintOutcome(
                sprint.number,
                at_start.scope_points,
                at_close.done_points,
                committed_completed(session, sprint),
            )
        )
    return result


class FinishedSprint(Protocol):
    """A finished sprint, as far as its velocity goes: the points it completed."""

    @property
    def completed(self) -> float: ...


def average_completed(sprints: Sequence[FinishedSprint], last: int = 3) -> float | None:
    """The average completed points of the last `last` sprints: a capacity suggestion. A
    sprint that completed nothing (ended at once, or nobody moved its items) says nothing
    about what the team can do, so it is left out; None when none of them completed any."""
    recent = [s.completed for s in sprints[-last:] if s.completed > 0]
    return sum(recent) / len(recent) if recent else None


def suggested_capacity(session: Session, team: Team) -> int | None:
    """The average of the points completed in the last three sprints, rounded."""
    average = average_completed(outcomes(session, team, last=3), last=3)
    return None if average is None else max(1, round(average))


@dataclass(frozen=True)
class BurnupData:
    days: list[dt.date]
    scope: list[float]
    done: list[float | None]  # at the end of each working day; None for days not ended
    today: float | None = None  # done so far on the running working day, before its end
    closed: bool = False


def burnup_data(session: Session, team: Team, sprint: Sprint, now: dt.datetime) -> BurnupData:
    """One point per working day that has ended (at DAY_ENDS, or at the close): the day's
    snapshot, or the ledger at that time. While the sprint runs, the day under way is not an
    ended day: its work so far is `today`, and its scope is that of the days ahead."""
    days = working_days(team, sprint)
    snaps = {
        s.day: s
        for s in session.scalars(
            select(SprintSnapshot).where(SprintSnapshot.sprint_id == sprint.id)
        )
    }
    closed = sprint.state is SprintState.CLOSED
    until = sprint.closed_at if closed and sprint.closed_at is not None else now
    live = totals(session, sprint.id, until)
    closing_day = local_date(team, until) if closed else None
    scope: list[float] = []
    done: list[float | None] = []
    today: float | None = None
    for day in days:
        snap = snaps.get(day)
        ended = snapshot_at(team, day) <= until or day == closing_day
        if snap is not None:
            scope.append(float(snap.scope_points))
            done.append(float(snap.done_points))
        elif ended and sprint.state is not SprintState.PLANNED:
            t = totals(session, sprint.id, min(snapshot_at(team, day), until))
            scope.append(float(t.scope_points))
            done.append(float(t.done_points))
        else:
            if (
                today is None
                and sprint.state is SprintState.ACTIVE
                and local_date(team, until) >= day
            ):
                today = float(live.done_points)
            scope.append(float(live.scope_points))
            done.append(None)
    return BurnupData(days, scope, done, today=today, closed=closed)
