"""Sprints: planning, the sprint's calendar in its team's time zone, moving items, scope
changes, daily snapshots, and the start and close that the scheduler (or the scrum master)
triggers.

Every change of scope or progress goes into the sprint's ledger (SprintChange) with its time
and its effect in points, so that scope and done at any instant are sums of the ledger. The
burnup chart, the showcase and the velocity all read those sums.

A sprint's dates are the team's local calendar dates. Its working day runs from DAY_STARTS to
DAY_ENDS in the team's time zone: the sprint starts at DAY_STARTS on its first working day,
each working day's snapshot is taken at DAY_ENDS, and the sprint closes at DAY_ENDS on its
last working day. Instants are stored in UTC and converted with zoneinfo here, so a 9:00 start
stays at 9:00 local across a daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Mention, Message, NotAllowed, NotFound
from bot.fields import CAPACITY_MAX
from bot.fields import SprintField as SprintField  # re-exported for the handlers
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    ChangeKind,
    ItemKind,
    ItemStatus,
    Person,
    Sprint,
    SprintChange,
    SprintItem,
    SprintSnapshot,
    SprintState,
    Team,
    WorkState,
)
from bot.models.sprint import GOAL_MAX, LENGTH_WEEKS, SERVES_MAX
from bot.services import backlog
from bot.services.teams import is_member

DAY_STARTS = dt.time(9, 0)
DAY_ENDS = dt.time(17, 0)
PLAN_CHOICES = 100  # backlog items offered in the planning modal (Slack's option limit)
VELOCITY_SPRINTS = 6  # sprints in the velocity chart


# --- the calendar ----------------------------------------------------------------------------


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


# --- reading ---------------------------------------------------------------------------------


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


def get_sprint(session: Session, sprint_id: int, *, for_update: bool = False) -> Sprint:
    query = select(Sprint).where(Sprint.id == sprint_id)
    if for_update:
        query = query.with_for_update()
    sprint = session.scalar(query)
    if sprint is None:
        raise NotFound(Message(N_("That sprint no longer exists.")))
    return sprint


def active_sprint(session: Session, team: Team) -> Sprint | None:
    return session.scalar(
        select(Sprint).where(Sprint.team_id == team.id, Sprint.state == SprintState.ACTIVE)
    )


def next_sprint(session: Session, team: Team) -> Sprint | None:
    return session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team.id, Sprint.state == SprintState.PLANNED)
        .order_by(Sprint.start_date, Sprint.id)
        .limit(1)
    )


def current_sprint(session: Session, team: Team) -> Sprint | None:
    """The running sprint, else the next planned one."""
    return active_sprint(session, team) or next_sprint(session, team)


def last_closed(session: Session, team: Team) -> Sprint | None:
    return session.scalar(
        select(Sprint)
        .where(Sprint.team_id == team.id, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.number.desc())
        .limit(1)
    )


def latest_end(session: Session, team: Team) -> dt.date | None:
    """The last day the team's sprints occupy (a sprint closed early frees its remaining
    days), for planning the next one after it."""
    ends = [
        min(s.end_date, local_date(team, s.closed_at))
        if s.state is SprintState.CLOSED and s.closed_at is not None
        else s.end_date
        for s in session.scalars(
            select(Sprint)
            .where(Sprint.team_id == team.id)
            .order_by(Sprint.end_date.desc())
            .limit(3)  # the latest few suffice: a team's sprints do not overlap
        )
    ]
    return max(ends, default=None)


def open_sprint_of(session: Session, item_id: int) -> Sprint | None:
    """The planned or running sprint that holds `item_id`, if any."""
    return session.scalar(
        select(Sprint)
        .join(SprintItem, SprintItem.sprint_id == Sprint.id)
        .where(
            SprintItem.item_id == item_id,
            SprintItem.removed_at.is_(None),
            Sprint.state != SprintState.CLOSED,
        )
        .limit(1)
    )


def showcase_of(session: Session, item: BacklogItem) -> Sprint | None:
    """The closed sprint that finished `item` (whose showcase thread gets its result)."""
    return session.scalar(
        select(Sprint)
        .join(SprintItem, SprintItem.sprint_id == Sprint.id)
        .where(
            SprintItem.item_id == item.id,
            SprintItem.removed_at.is_(None),
            Sprint.state == SprintState.CLOSED,
        )
        .order_by(Sprint.closed_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Entry:
    """An item in a sprint, as shown."""

    sprint_item_id: int
    item_id: int
    title: str
    kind: ItemKind
    points: int
    state: WorkState
    committed: bool
    hypothesis: str | None = None
    kpi: str | None = None
    result: str | None = None
    result_figure: str | None = None
    learning: str | None = None


def entries(session: Session, sprint: Sprint) -> list[Entry]:
    """The sprint's items (not removed), in the order they were planned."""
    rows = session.execute(
        select(SprintItem, BacklogItem)
        .join(BacklogItem, BacklogItem.id == SprintItem.item_id)
        .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_at.is_(None))
        .order_by(SprintItem.id)
    ).all()
    return [
        Entry(
            sprint_item_id=si.id,
            item_id=item.id,
            title=item.title,
            kind=item.kind,
            points=si.points,
            state=si.state,
            committed=si.committed,
            hypothesis=item.hypothesis,
            kpi=item.kpi,
            result=item.result.value if item.result else None,
            result_figure=item.result_figure,
            learning=item.learning,
        )  # fmt: skip
        for si, item in rows
    ]


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
class SprintOutcome:
    """Committed vs completed for one sprint: the velocity chart's bar pair."""

    number: int
    committed: int  # points in the sprint when it started
    completed: int  # points done when it closed


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
        result.append(SprintOutcome(sprint.number, at_start.scope_points, at_close.done_points))
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


# --- permissions -----------------------------------------------------------------------------


def can_plan(team: Team, person: Person) -> bool:
    return person.id in (team.owner_id, team.scrum_master_id)


def require_planner(team: Team, person: Person) -> None:
    if not can_plan(team, person):
        raise NotAllowed(
            Message(
                # Translators: {owner} is the marketing owner, shown as their Slack name; {scrum} is
                # the scrum master, shown as their Slack name; {team} is the team's name.
                N_(
                    "Only the marketing owner ({owner}) or the scrum master ({scrum}) "
                    "of {team} can plan, start or end a sprint."
                ),
                {
                    "owner": Mention.of(team.owner),
                    "scrum": Mention.of(team.scrum_master),
                    "team": team.name,
                },
            )
        )


def require_member(session: Session, team: Team, person: Person) -> None:
    if not is_member(session, team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only members of {team} move the sprint's items. Ask {scrum} to add you."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


# --- planning --------------------------------------------------------------------------------


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


def _check_overlap(
    session: Session, team: Team, start: dt.date, end: dt.date, exclude: int | None = None
) -> None:
    others = session.scalars(
        select(Sprint).where(
            Sprint.team_id == team.id,
            Sprint.start_date <= end,
            Sprint.end_date >= start,
            Sprint.id != (exclude or 0),
        )
    )
    for other in others:
        last_day = other.end_date
        if other.state is SprintState.CLOSED and other.closed_at is not None:
            last_day = min(last_day, local_date(team, other.closed_at))
        if other.start_date <= end and last_day >= start:
            raise Invalid(
                {
                    SprintField.START: Message(
                        # Translators: {number} is the sprint's number; {start} and {end} are each a
                        # day such as "Tue 24 Nov".
                        N_(
                            "These dates overlap sprint {number} ({start} to {end}). "
                            "Choose a start after {end}."
                        ),
                        # Dates, shown in the reader's language where the error is rendered.
                        {"number": other.number, "start": other.start_date, "end": last_day},
                    )
                }
            )


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
    _check_overlap(session, team, draft.start_date, draft.end_date)
    number = (
        session.scalar(select(func.max(Sprint.number)).where(Sprint.team_id == team.id)) or 0
    ) + 1
    sprint = Sprint(
        workspace_id=team.workspace_id, team_id=team.id, number=number, goal=draft.goal,
        serves=draft.serves, start_date=draft.start_date, end_date=draft.end_date,
        length_weeks=draft.length_weeks, capacity=draft.capacity, created_by_id=actor.id,
        created_at=now, updated_at=now,
    )  # fmt: skip
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
        _check_overlap(session, team, draft.start_date, draft.end_date, exclude=sprint.id)
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
    else:
        session.add(
            SprintItem(
                workspace_id=sprint.workspace_id, sprint_id=sprint.id, item_id=item.id,
                points=points, committed=not running, added_at=now, state=WorkState.TODO,
            )
        )  # fmt: skip
    item.status = ItemStatus.PLANNED
    item.updated_at = now
    _record(
        session, sprint, item.id, actor, ChangeKind.ADDED if running else ChangeKind.COMMITTED,
        now, scope_points=points, scope_items=1,
    )  # fmt: skip


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
    _record(
        session, sprint, sprint_item.item_id, actor, ChangeKind.REMOVED, now,
        scope_points=-sprint_item.points, scope_items=-1,
        done_points=-sprint_item.points if done else 0, done_items=-1 if done else 0,
    )  # fmt: skip
    item = session.get_one(BacklogItem, sprint_item.item_id)
    item.status = ItemStatus.READY
    item.updated_at = now
    backlog.place_in_order(session, item)


def _record(
    session: Session,
    sprint: Sprint,
    item_id: int | None,
    actor: Person | None,
    kind: ChangeKind,
    now: dt.datetime,
    **deltas: int,
) -> None:
    data = deltas.pop("data", None) or {}
    session.add(
        SprintChange(
            workspace_id=sprint.workspace_id, sprint_id=sprint.id, item_id=item_id,
            actor_id=actor.id if actor else None, kind=kind, occurred_at=now, data=data,
            scope_points=deltas.get("scope_points", 0), scope_items=deltas.get("scope_items", 0),
            done_points=deltas.get("done_points", 0), done_items=deltas.get("done_items", 0),
        )
    )  # fmt: skip


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
    _record(
        session, sprint, item.id, actor, ChangeKind.ESTIMATE, now,
        scope_points=delta, done_points=delta if done else 0,
        data={"from": new_points - delta, "to": new_points},
    )  # fmt: skip


def rescore(
    session: Session, item_id: int, actor: Person, scores: backlog.Scores, now: dt.datetime
) -> BacklogItem:
    """The owner's new scores; for an item in a sprint, a new effort is an estimate change."""
    item = backlog.rescore(session, item_id, actor, scores, now)
    change_estimate(session, item, scores.effort, actor, now)
    return item


# --- moving items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    sprint: Sprint
    team: Team
    changed: bool


def move(
    session: Session, sprint_item_id: int, actor: Person, to: WorkState, now: dt.datetime
) -> MoveResult:
    """A team member moves an item of the running sprint to do, doing or done."""
    # The sprint's row first, then the item's: a move and a close (or an edit) of the same
    # sprint take turns, so a Done cannot slip into a sprint that is closing.
    sprint_id = session.scalar(select(SprintItem.sprint_id).where(SprintItem.id == sprint_item_id))
    if sprint_id is None:
        raise NotFound(Message(N_("That item is no longer in the sprint.")))
    sprint = get_sprint(session, sprint_id, for_update=True)
    sprint_item = session.scalar(
        select(SprintItem).where(SprintItem.id == sprint_item_id).with_for_update()
    )
    if sprint_item is None or sprint_item.removed_at is not None:
        raise NotFound(Message(N_("That item is no longer in the sprint.")))
    team = session.get_one(Team, sprint.team_id)
    require_member(session, team, actor)
    if sprint.state is SprintState.PLANNED:
        raise Conflict(Message(N_("The sprint has not started yet.")))
    if sprint.state is SprintState.CLOSED:
        # Translators: {number} is the sprint's number.
        raise Conflict(Message(N_("Sprint {number} is closed."), {"number": sprint.number}))
    was = sprint_item.state
    if was is to:  # a double click, or two people at once: nothing more to do
        return MoveResult(sprint, team, changed=False)
    sprint_item.state = to
    sprint_item.done_at = now if to is WorkState.DONE else None
    sign = 1 if to is WorkState.DONE else -1 if was is WorkState.DONE else 0
    _record(
        session, sprint, sprint_item.item_id, actor, ChangeKind.MOVED, now,
        done_points=sign * sprint_item.points, done_items=sign,
        data={"from": was.value, "to": to.value},
    )  # fmt: skip
    return MoveResult(sprint, team, changed=True)


# --- start, snapshots, close -----------------------------------------------------------------


def start(
    session: Session, sprint_id: int, now: dt.datetime, actor: Person | None = None
) -> Sprint | None:
    """Start a planned sprint: at its time (the scheduler, `actor` None) or early or late (the
    scrum master or owner). Returns None when there is nothing to do: it already started.
    """
    sprint = get_sprint(session, sprint_id, for_update=True)
    team = session.get_one(Team, sprint.team_id)
    if actor is not None:
        require_planner(team, actor)
    if sprint.state is not SprintState.PLANNED:
        if actor is None:
            return None
        raise Conflict(
            # Translators: {number} is the sprint's number.
            Message(N_("Sprint {number} has already started."), {"number": sprint.number})
        )
    running = active_sprint(session, team)
    if running is not None:
        raise Conflict(
            Message(
                # Translators: {number} is the sprint's number.
                N_("Sprint {number} is still running. End it first with `/sprint end`."),
                {"number": running.number},
            )
        )
    today = local_date(team, now)
    if actor is not None and today != sprint.start_date:
        # Early or late by hand: the sprint runs its full length from today, if that leaves
        # room before the team's next sprint.
        end = end_date_for(today, sprint.length_weeks)
        try:
            _check_overlap(session, team, today, end, exclude=sprint.id)
        except Invalid as invalid:
            raise Conflict(next(iter(invalid.errors.values()))) from None
        sprint.start_date, sprint.end_date = today, end
    sprint.state = SprintState.ACTIVE
    sprint.started_at = now
    sprint.updated_at = now
    return sprint


def take_snapshots(
    session: Session,
    team: Team,
    sprint: Sprint,
    until: dt.datetime,
    now: dt.datetime,
    *,
    closing: bool = False,
) -> int:
    """Snapshots for every working day of the sprint that closed by `until` and has none yet,
    each exact as of that day's close (from the ledger), however late it is taken. When the
    sprint is `closing` at `until`, that day's snapshot is taken as of then. Returns how many
    were taken."""
    have = set(
        session.scalars(select(SprintSnapshot.day).where(SprintSnapshot.sprint_id == sprint.id))
    )
    closing_day = local_date(team, until) if closing else None
    taken = 0
    for day in working_days(team, sprint):
        at = snapshot_at(team, day)
        if at > until:
            if day != closing_day:
                break
            at = until
        if day in have:
            continue
        t = totals(session, sprint.id, at)
        session.add(
            SprintSnapshot(
                workspace_id=sprint.workspace_id, sprint_id=sprint.id, day=day,
                scope_points=t.scope_points, scope_items=t.scope_items,
                done_points=t.done_points, done_items=t.done_items, taken_at=now,
            )
        )  # fmt: skip
        taken += 1
    return taken


@dataclass(frozen=True)
class Closed:
    sprint: Sprint
    team: Team
    committed: Totals  # at the start
    final: Totals  # at the close
    finished: list[Entry]
    unfinished: list[Entry]

    @property
    def goal_met(self) -> bool:
        """Everything committed at the start was completed (scope added later aside)."""
        return self.final.done_points >= self.committed.scope_points and not self.unfinished


def recap(session: Session, team: Team, sprint: Sprint) -> Closed:
    """A closed sprint's outcome as its showcase told it: committed at the start against
    completed at the close."""
    shown = entries(session, sprint)
    return Closed(
        sprint=sprint,
        team=team,
        committed=totals(session, sprint.id, sprint.started_at),
        final=totals(session, sprint.id, sprint.closed_at),
        finished=[e for e in shown if e.state is WorkState.DONE],
        unfinished=[e for e in shown if e.state is not WorkState.DONE],
    )


def close(
    session: Session, sprint_id: int, now: dt.datetime, actor: Person | None = None
) -> Closed | None:
    """Close a sprint: at its time (the scheduler) or early or late (the scrum master or
    owner). Finished items are done; unfinished ones go back to the top of the backlog, in
    their sprint order. Returns None when it was already closed."""
    sprint = get_sprint(session, sprint_id, for_update=True)
    team = session.get_one(Team, sprint.team_id)
    if actor is not None:
        require_planner(team, actor)
    if sprint.state is SprintState.CLOSED:
        if actor is None:
            return None
        # Translators: {number} is the sprint's number.
        raise Conflict(Message(N_("Sprint {number} is already closed."), {"number": sprint.number}))
    if sprint.state is SprintState.PLANNED:
        if actor is not None:
            raise Conflict(
                Message(
                    # Translators: {number} is the sprint's number.
                    N_("Sprint {number} has not started yet; there is nothing to end."),
                    {"number": sprint.number},
                )
            )
        running = active_sprint(session, team)
        if running is not None:  # it cannot have run alongside: that one closes first
            raise Conflict(
                Message(
                    # Translators: {number} is the sprint's number.
                    N_("Sprint {number} is still running. End it first with `/sprint end`."),
                    {"number": running.number},
                )
            )
        # The scheduler was down through the whole start: it started, and now it closes.
        sprint.started_at = starts_at(team, sprint)
    sprint.state = SprintState.CLOSED
    sprint.closed_at = now
    sprint.updated_at = now
    session.flush()
    take_snapshots(session, team, sprint, now, now, closing=True)
    shown = entries(session, sprint)
    finished = [e for e in shown if e.state is WorkState.DONE]
    unfinished = [e for e in shown if e.state is not WorkState.DONE]
    if finished:
        session.execute(
            update(BacklogItem)
            .where(BacklogItem.id.in_([e.item_id for e in finished]))
            .values(status=ItemStatus.DONE, updated_at=now)
        )
    if unfinished:
        backlog.return_to_top(session, team, [e.item_id for e in unfinished], now)
    return Closed(
        sprint=sprint,
        team=team,
        committed=totals(session, sprint.id, sprint.started_at),
        final=totals(session, sprint.id, now),
        finished=finished,
        unfinished=unfinished,
    )


# --- the burnup ------------------------------------------------------------------------------


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


def days_left(team: Team, sprint: Sprint, now: dt.datetime) -> int:
    """Working days left, today included while the working day has not closed."""
    return sum(1 for day in working_days(team, sprint) if snapshot_at(team, day) > now)
