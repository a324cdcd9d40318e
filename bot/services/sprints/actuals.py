"""What work really takes, team-level only: the effort the team records as it marks an item
done (in the points of the estimate, optional), and per activity the team's averages of
estimate against actual over its last sprints, which planning uses to say what committed
points are likely to take. Nothing here is ever per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message, NotFound
from bot.fields import DoneField
from bot.i18n import N_
from bot.models import BacklogItem, Person, Sprint, SprintItem, SprintState, Team, WorkState
from bot.models.backlog import EFFORT_POINTS
from bot.services.activities import key_for, key_of
from bot.services.sprints.lifecycle import MoveResult, move
from bot.services.sprints.roles import require_member

ACTUALS_SPRINTS = 6  # the team's last sprints whose actuals make its averages


def actual_effort(raw: Any) -> int | None:
    """The done form's actual effort: none, or one of the estimate's points."""
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    if not text.isdigit() or int(text) not in EFFORT_POINTS:
        raise Invalid(
            {
                DoneField.ACTUAL: Message(
                    # Translators: {points} is the allowed values, such as "1, 2, 3, 5, 8, 13".
                    N_("Choose what it really took in points: {points}."),
                    {"points": ", ".join(map(str, EFFORT_POINTS))},
                )
            }
        )
    return int(text)


def mark_done(
    session: Session, sprint_item_id: int, actor: Person, actual: int | None, now: dt.datetime
) -> MoveResult:
    """A team member marks an item of the running sprint done, with what it really took if
    they say. Done already (a second click, or someone else): the actual is still recorded."""
    result = move(session, sprint_item_id, actor, WorkState.DONE, now)
    if actual is not None:
        sprint_item = session.get_one(SprintItem, sprint_item_id)
        sprint_item.actual_points = actual
    return result


@dataclass(frozen=True)
class ActivityActuals:
    """Over the items of one activity done with an actual recorded in the team's last
    sprints: how many, in how many sprints, and their average estimate and actual."""

    items: int
    sprints: int
    estimated: float  # average points estimated per item
    actual: float  # average points it really took per item

    @property
    def ratio(self) -> float:
        """Actual over estimate: 1.5 means such work takes half as long again as estimated."""
        return self.actual / self.estimated


def activity_actuals(
    session: Session, team: Team, last: int = ACTUALS_SPRINTS
) -> dict[str, ActivityActuals]:
    """The team's averages by activity key, over its last `last` sprints that have started
    (the running one too: its finished work is as real), counting only items done with an
    actual recorded. An activity without any has no entry: there is nothing to say of it."""
    recent = (
        select(Sprint.id)
        .where(Sprint.team_id == team.id, Sprint.state != SprintState.PLANNED)
        .order_by(Sprint.number.desc())
        .limit(last)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            SprintItem.sprint_id,
            SprintItem.points,
            SprintItem.actual_points,
            BacklogItem.activity,
            BacklogItem.activity_id,
        )
        .join(BacklogItem, BacklogItem.id == SprintItem.item_id)
        .where(
            SprintItem.sprint_id.in_(recent),
            SprintItem.state == WorkState.DONE,
            SprintItem.removed_at.is_(None),
            SprintItem.actual_points.is_not(None),
            SprintItem.points > 0,
        )
    ).all()
    sums: dict[str, tuple[int, int, int, set[int]]] = {}
    for sprint_id, points, actual, activity, activity_id in rows:
        key = key_for(activity, activity_id)
        if key is None:
            continue
        count, estimated, took, sprints = sums.get(key, (0, 0, 0, set()))
        sums[key] = (count + 1, estimated + points, took + actual, sprints | {sprint_id})
    return {
        key: ActivityActuals(count, len(sprints), estimated / count, took / count)
        for key, (count, estimated, took, sprints) in sums.items()
    }


@dataclass(frozen=True)
class ByActuals:
    """Committed points as the team's actuals see them."""

    committed: int  # the estimates, as committed
    likely: float  # each estimate scaled by its activity's actual/estimate, where known
    unknown: int  # of `committed`, the points with no actuals to go by (counted as estimated)


def by_actuals(
    chosen: Iterable[tuple[int, str | None]], actuals: Mapping[str, ActivityActuals]
) -> ByActuals | None:
    """What `chosen` (each item's estimate and activity key) is likely to take, by the team's
    averages; None when no item has any to go by (nothing to say that would not be made up).
    """
    committed, likely, unknown, known = 0, 0.0, 0, False
    for points, key in chosen:
        history = actuals.get(key) if key else None
        committed += points
        if history is None:
            likely += points
            unknown += points
        else:
            likely += points * history.ratio
            known = True
    return ByActuals(committed, likely, unknown) if known else None


@dataclass(frozen=True)
class DoneForm:
    """What the form that marks an item done shows: the item, the team's Definition of Done,
    and what the estimate was."""

    team: Team
    sprint_item_id: int
    title: str
    points: int
    activity_key: str | None


def done_form(session: Session, sprint_item_id: int, actor: Person) -> DoneForm:
    """The done form of an item of the running sprint, for a team member: checked as the move
    itself is (bot.services.sprints.lifecycle.move), before the form opens."""
    row = session.execute(
        select(SprintItem, BacklogItem)
        .join(BacklogItem, BacklogItem.id == SprintItem.item_id)
        .where(SprintItem.id == sprint_item_id)
    ).one_or_none()
    if row is None or row[0].removed_at is not None:
        raise NotFound(Message(N_("That item is no longer in the sprint.")))
    sprint_item, item = row
    sprint = session.get_one(Sprint, sprint_item.sprint_id)
    team = session.get_one(Team, sprint.team_id)
    require_member(session, team, actor)
    if sprint.state is SprintState.PLANNED:
        raise Conflict(Message(N_("The sprint has not started yet.")))
    if sprint.state is SprintState.CLOSED:
        # Translators: {number} is the sprint's number.
        raise Conflict(Message(N_("Sprint {number} is closed."), {"number": sprint.number}))
    return DoneForm(team, sprint_item.id, item.title, sprint_item.points, key_of(item))
