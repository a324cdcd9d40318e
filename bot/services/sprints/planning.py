"""Planning a sprint: the backlog items it can take, the planning modal's values checked, a
new sprint with its committed items, and changes to a planned or running one (on a running
sprint, items added or taken out and new estimates are scope change, in the ledger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message
from bot.fields import CAPACITY_MAX, SprintField
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    ChangeKind,
    ItemStatus,
    NoticeKind,
    Person,
    Sprint,
    SprintItem,
    SprintState,
    Team,
    WorkState,
)
from bot.models.sprint import GOAL_MAX, LENGTH_WEEKS, SERVES_MAX
from bot.services import backlog, follows
from bot.services.sprints.calendar import end_date_for
from bot.services.sprints.ledger import record
from bot.services.sprints.lifecycle import check_overlap, get_sprint, open_sprint_of
from bot.services.sprints.roles import require_planner

PLAN_CHOICES = 100  # backlog items offered in the planning modal (Slack's option limit)


def plan_candidates(session: Session, team: Team, limit: int = PLAN_CHOICES) -> list[BacklogItem]:
    """The top of the ordered backlog: what a sprint can take."""
    return list(
        session.scalars(
            select(BacklogItem)
            .where(BacklogItem.team_id == team.id, BacklogItem.status == ItemStatus.READY)
            .order_by(*backlog.ORDER)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class SprintDraft:
    goal: str
    serves: str | None
    start_date: dt.date
    length_weeks: int
    capacity: int
    item_ids: tuple[int, ...] = field(default_factory=tuple)

    @classmethod
    def validate(cls, raw: dict[str, Any], today: dt.date, *, started: bool = False) -> SprintDraft:
        """Check the planning modal's values. `today` is the team's local date; a running
        sprint (`started`) keeps its start date, which is then in the past."""
        errors: dict[str, Message] = {}
        goal = (raw.get(SprintField.GOAL) or "").strip()
        if not goal:
            errors[SprintField.GOAL] = Message(
                N_("Give the sprint a goal: the one outcome the team commits to.")
            )
        elif len(goal) > GOAL_MAX:
            errors[SprintField.GOAL] = Message(
                # Translators: {limit} is a number of characters.
                N_("Keep the goal under {limit} characters."),
                {"limit": GOAL_MAX},
            )
        serves = (raw.get(SprintField.SERVES) or "").strip() or None
        if serves and len(serves) > SERVES_MAX:
            errors[SprintField.SERVES] = Message(
                # Translators: {limit} is a number of characters.
                N_("Keep this under {limit} characters."),
                {"limit": SERVES_MAX},
            )
        start = _date(raw.get(SprintField.START))
        if start is None:
            errors[SprintField.START] = Message(N_("Choose the day the sprint starts."))
        elif start < today and not started:
            errors[SprintField.START] = Message(
                N_("The start date is in the past. Choose today or a later day.")
            )
        length = _positive_int(raw.get(SprintField.LENGTH))
        if length not in LENGTH_WEEKS:
            errors[SprintField.LENGTH] = Message(N_("A sprint lasts 1 to 4 weeks."))
        capacity = _positive_int(raw.get(SprintField.CAPACITY))
        if capacity is None or capacity > CAPACITY_MAX:
            errors[SprintField.CAPACITY] = Message(
                # Translators: {max} is a whole number of points.
                N_("Give the capacity as a whole number of points, from 1 to {max}."),
                {"max": CAPACITY_MAX},
            )
        item_ids = list(
            dict.fromkeys(int(v) for v in raw.get(SprintField.ITEMS) or [] if str(v).isdigit())
        )
        if errors:
            raise Invalid(errors)
        return cls(goal, serves, start, length, capacity, tuple(item_ids))  # type: ignore[arg-type]

    @property
    def end_date(self) -> dt.date:
        return end_date_for(self.start_date, self.length_weeks)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _positive_int(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        return None
    number = int(text)
    return number if number > 0 else None


def _lock_team(session: Session, team: Team) -> None:
    """Serialize sprint planning per team, so two overlapping plans cannot both pass."""
    session.execute(select(Team.id).where(Team.id == team.id).with_for_update())


def _ready_items(session: Session, team: Team, item_ids: tuple[int, ...]) -> list[BacklogItem]:
    if not item_ids:
        return []
    items = {
        item.id: item
        for item in session.scalars(
            select(BacklogItem)
            .where(BacklogItem.id.in_(item_ids), BacklogItem.team_id == team.id)
            .with_for_update()
        )
    }
    chosen = []
    for item_id in item_ids:
        item = items.get(item_id)
        if item is None or item.status is not ItemStatus.READY:
            raise Invalid(
                {
                    SprintField.ITEMS: Message(
                        N_(
                            "One of the chosen items is no longer in the backlog (taken by "
                            "another sprint, or changed). Close this and plan again."
                        )
                    )
                }
            )
        chosen.append(item)
    return chosen


def plan(
    session: Session, team: Team, actor: Person, draft: SprintDraft, now: dt.datetime
) -> Sprint:
    """A new sprint for `team`, with its committed items taken out of the backlog."""
    require_planner(team, actor)
    _lock_team(session, team)
    check_overlap(session, team, draft.start_date, draft.end_date)
    number = (
        session.scalar(select(func.max(Sprint.number)).where(Sprint.team_id == team.id)) or 0
    ) + 1
    sprint = Sprint(
        workspace_id=team.workspace_id,
        team_id=team.id,
        number=number,
        goal=draft.goal,
        serves=draft.serves,
        start_date=draft.start_date,
        end_date=draft.end_date,
        length_weeks=draft.length_weeks,
        capacity=draft.capacity,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(sprint)
    session.flush()
    for item in _ready_items(session, team, draft.item_ids):
        _add(session, sprint, item, actor, now)
    return sprint


def edit(
    session: Session, sprint_id: int, actor: Person, draft: SprintDraft, now: dt.datetime
) -> Sprint:
    """Change a planned or running sprint: its goal and capacity, its dates before it starts,
    and its items. On a running sprint, added and removed items are scope change."""
    sprint = get_sprint(session, sprint_id, for_update=True)
    team = session.get_one(Team, sprint.team_id)
    require_planner(team, actor)
    if sprint.state is SprintState.CLOSED:
        # Translators: {number} is the sprint's number.
        raise Conflict(Message(N_("Sprint {number} is closed."), {"number": sprint.number}))
    _lock_team(session, team)
    sprint.goal, sprint.serves, sprint.capacity = draft.goal, draft.serves, draft.capacity
    if sprint.state is SprintState.PLANNED:
        check_overlap(session, team, draft.start_date, draft.end_date, exclude=sprint.id)
        sprint.start_date, sprint.length_weeks = draft.start_date, draft.length_weeks
        sprint.end_date = draft.end_date
    sprint.updated_at = now
    current = {
        si.item_id: si
        for si in session.scalars(
            select(SprintItem)
            .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_at.is_(None))
            .with_for_update()
        )
    }
    wanted = set(draft.item_ids)
    for item_id, sprint_item in current.items():
        if item_id not in wanted:
            _remove(session, team, sprint, sprint_item, actor, now)
    new_ids = tuple(i for i in draft.item_ids if i not in current)
    for item in _ready_items(session, team, new_ids):
        _add(session, sprint, item, actor, now)
    return sprint


def _add(
    session: Session, sprint: Sprint, item: BacklogItem, actor: Person, now: dt.datetime
) -> None:
    running = sprint.state is SprintState.ACTIVE
    points = item.effort or 0
    existing = session.scalar(
        select(SprintItem).where(SprintItem.sprint_id == sprint.id, SprintItem.item_id == item.id)
    )
    if existing is not None:  # taken out earlier, and back again
        existing.removed_at, existing.state, existing.points = None, WorkState.TODO, points
        existing.done_at, existing.committed, existing.added_at = None, not running, now
        existing.actual_points = None  # what it took before is not what it will take now
    else:
        session.add(
            SprintItem(
                workspace_id=sprint.workspace_id,
                sprint_id=sprint.id,
                item_id=item.id,
                points=points,
                committed=not running,
                added_at=now,
                state=WorkState.TODO,
            )
        )
    item.status = ItemStatus.PLANNED
    item.updated_at = now
    record(
        session,
        sprint,
        item.id,
        actor,
        ChangeKind.ADDED if running else ChangeKind.COMMITTED,
        now,
        scope_points=points,
        scope_items=1,
    )
    follows.notify(
        session,
        item,
        NoticeKind.PLANNED,
        actor,
        now,
        change=f"planned:sprint={sprint.id}",  # once per sprint, however often it comes back
        sprint=sprint.number,
        start=sprint.start_date.isoformat(),
        running=running,
    )


def _remove(
    session: Session,
    team: Team,
    sprint: Sprint,
    sprint_item: SprintItem,
    actor: Person,
    now: dt.datetime,
) -> None:
    done = sprint_item.state is WorkState.DONE
    sprint_item.removed_at = now
    record(
        session,
        sprint,
        sprint_item.item_id,
        actor,
        ChangeKind.REMOVED,
        now,
        scope_points=-sprint_item.points,
        scope_items=-1,
        done_points=-sprint_item.points if done else 0,
        done_items=-1 if done else 0,
    )
    item = session.get_one(BacklogItem, sprint_item.item_id)
    item.status = ItemStatus.READY
    item.updated_at = now
    backlog.place_in_order(session, item)


def change_estimate(
    session: Session, item: BacklogItem, new_points: int, actor: Person, now: dt.datetime
) -> None:
    """An item in a planned or running sprint got a new estimate: scope changes with it."""
    sprint = open_sprint_of(session, item.id)
    if sprint is None:
        return
    sprint = get_sprint(session, sprint.id, for_update=True)  # moves of its items wait
    sprint_item = session.scalar(
        select(SprintItem)
        .where(
            SprintItem.sprint_id == sprint.id,
            SprintItem.item_id == item.id,
            SprintItem.removed_at.is_(None),
        )
        .with_for_update()
    )
    if sprint_item is None:
        return
    delta = new_points - sprint_item.points
    if delta == 0:
        return
    done = sprint_item.state is WorkState.DONE
    sprint_item.points = new_points
    record(
        session,
        sprint,
        item.id,
        actor,
        ChangeKind.ESTIMATE,
        now,
        scope_points=delta,
        done_points=delta if done else 0,
        data={"from": new_points - delta, "to": new_points},
    )


def rescore(
    session: Session, item_id: int, actor: Person, scores: backlog.Scores, now: dt.datetime
) -> BacklogItem:
    """The owner's new scores; for an item in a sprint, a new effort is an estimate change."""
    item = backlog.rescore(session, item_id, actor, scores, now)
    change_estimate(session, item, scores.effort, actor, now)
    return item
