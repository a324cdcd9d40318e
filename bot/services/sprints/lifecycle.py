"""A sprint's life: finding a team's current, next and last sprint, its items, the start and
close that the scheduler (or the scrum master) triggers, moving items through to do, doing and
done, and the daily snapshots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message, NotFound
from bot.fields import SprintField
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    ChangeKind,
    ItemKind,
    ItemStatus,
    NoticeKind,
    Person,
    Sprint,
    SprintItem,
    SprintSnapshot,
    SprintState,
    Team,
    WorkState,
)
from bot.services import backlog, follows
from bot.services.sprints.calendar import (
    end_date_for,
    local_date,
    snapshot_at,
    starts_at,
    working_days,
)
from bot.services.sprints.ledger import Totals, record, totals
from bot.services.sprints.roles import require_member, require_planner

# --- finding sprints -------------------------------------------------------------------------


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
    decision: str | None = None  # an experiment's stop, continue or scale
    variant_of_id: int | None = None  # the experiment it is a variant of


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
            decision=item.decision.value if item.decision else None,
            variant_of_id=item.variant_of_id,
        )
        for si, item in rows
    ]


def check_overlap(
    session: Session, team: Team, start: dt.date, end: dt.date, exclude: int | None = None
) -> None:
    """Refuse dates that overlap another sprint of the team (a sprint closed early frees its
    remaining days), on the start date's field."""
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


# --- moving items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    sprint: Sprint
    team: Team
    changed: bool
    item_id: int | None = None  # the backlog item moved (its followers may be owed a notice)


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
    if was is WorkState.DONE:  # reopened: what it really takes is not known yet
        sprint_item.actual_points = None
    sign = 1 if to is WorkState.DONE else -1 if was is WorkState.DONE else 0
    record(
        session,
        sprint,
        sprint_item.item_id,
        actor,
        ChangeKind.MOVED,
        now,
        done_points=sign * sprint_item.points,
        done_items=sign,
        data={"from": was.value, "to": to.value},
    )
    if to is WorkState.DONE:  # once: done again after a Reopen is no news
        item = session.get_one(BacklogItem, sprint_item.item_id)
        follows.notify(session, item, NoticeKind.DONE, actor, now, sprint=sprint.number)
    return MoveResult(sprint, team, changed=True, item_id=sprint_item.item_id)


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
            check_overlap(session, team, today, end, exclude=sprint.id)
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
                workspace_id=sprint.workspace_id,
                sprint_id=sprint.id,
                day=day,
                scope_points=t.scope_points,
                scope_items=t.scope_items,
                done_points=t.done_points,
                done_items=t.done_items,
                taken_at=now,
            )
        )
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
        """Everything committed at the start was completed: the goal is the work the team
        committed to, so items added during the sprint are aside, finished or not, while a
        committed item left unfinished, or taken out of the sprint, misses it."""
        finished = sum(1 for e in self.finished if e.committed)
        unfinished = any(e.committed for e in self.unfinished)
        return finished >= self.committed.scope_items and not unfinished


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
