"""A sprint's ledger: every change of its scope or progress (committed, added, removed,
re-estimated, moved) is one SprintChange row with its time and its effect in points and items,
so that scope and done at any instant are sums of the ledger. The burnup chart, the showcase
and the velocity all read those sums, and a snapshot taken late is still exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import ChangeKind, Person, Sprint, SprintChange


@dataclass(frozen=True)
class Totals:
    scope_points: int = 0
    scope_items: int = 0
    done_points: int = 0
    done_items: int = 0


def totals(session: Session, sprint_id: int, until: dt.datetime | None = None) -> Totals:
    """Scope and done of a sprint at `until` (now when None): the sums of its ledger."""
    query = select(
        func.coalesce(func.sum(SprintChange.scope_points), 0),
        func.coalesce(func.sum(SprintChange.scope_items), 0),
        func.coalesce(func.sum(SprintChange.done_points), 0),
        func.coalesce(func.sum(SprintChange.done_items), 0),
    ).where(SprintChange.sprint_id == sprint_id)
    if until is not None:
        query = query.where(SprintChange.occurred_at <= until)
    return Totals(*(int(v) for v in session.execute(query).one()))


def record(
    session: Session,
    sprint: Sprint,
    item_id: int | None,
    actor: Person | None,
    kind: ChangeKind,
    now: dt.datetime,
    *,
    scope_points: int = 0,
    scope_items: int = 0,
    done_points: int = 0,
    done_items: int = 0,
    data: dict[str, Any] | None = None,
) -> None:
    """One change of the sprint's scope or progress, at `now`, with its effect in points and
    items (what it was and became, in `data`). Never updated or deleted afterwards."""
    session.add(
        SprintChange(
            workspace_id=sprint.workspace_id,
            sprint_id=sprint.id,
            item_id=item_id,
            actor_id=actor.id if actor else None,
            kind=kind,
            occurred_at=now,
            data=data or {},
            scope_points=scope_points,
            scope_items=scope_items,
            done_points=done_points,
            done_items=done_items,
        )
    )
