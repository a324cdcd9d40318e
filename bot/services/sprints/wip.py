"""The team's work in progress: how many items of its running sprint are being worked on
(doing), against the team's WIP limit, if it has one. Going over the limit is allowed: the
board says so, and whoever starts one more item is nudged to finish one first. Team-level
only: never who holds which item, nor how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import SprintItem, Team, WorkState
from bot.services.sprints.lifecycle import MoveResult


@dataclass(frozen=True)
class Wip:
    doing: int  # items of the sprint in progress
    limit: int | None  # the team's WIP limit; None: no limit

    @property
    def over(self) -> bool:
        return self.limit is not None and self.doing > self.limit


def work_in_progress(session: Session, team: Team, sprint_id: int) -> Wip:
    doing = session.scalar(
        select(func.count())
        .select_from(SprintItem)
        .where(
            SprintItem.sprint_id == sprint_id,
            SprintItem.state == WorkState.DOING,
            SprintItem.removed_at.is_(None),
        )
    )
    return Wip(doing=int(doing or 0), limit=team.wip_limit)


def started_over_limit(session: Session, moved: MoveResult, to: WorkState) -> Wip | None:
    """The team's work in progress if this move started an item (to doing: Start, or Reopen)
    and so took the team over its limit; None otherwise. Read in the move's transaction,
    after the sprint's row was locked, so two starts at once each count the other."""
    if not moved.changed or to is not WorkState.DOING or moved.team.wip_limit is None:
        return None
    wip = work_in_progress(session, moved.team, moved.sprint.id)
    return wip if wip.over else None
