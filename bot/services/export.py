"""`/agile export`: a team's backlog, sprints and experiments as rows for spreadsheets.

Team-level only: no row or column says who submitted, voted, triaged or moved anything (no
names, no Slack ids), and no number is per person. Dates are the team's calendar dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Mention, Message, NotAllowed
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    ExperimentDecision,
    ExperimentResult,
    ItemKind,
    ItemStatus,
    Person,
    Sprint,
    SprintItem,
    SprintState,
    Team,
    WorkState,
)
from bot.services import sprints
from bot.services.activities import Activities, Choice, team_activities
from bot.services.teams import is_member


@dataclass(frozen=True)
class BacklogRow:
    """One item of the team's backlog, whatever its status."""

    item_id: int
    title: str
    kind: ItemKind
    status: ItemStatus
    customer_value: int | None
    business_value: int | None
    effort: int | None
    score: float | None
    votes: int  # the item's count, never who voted
    created: dt.date
    activity: Choice | None = None
    actual_effort: int | None = None  # what it really took, if the team recorded it when done


@dataclass(frozen=True)
class SprintRow:
    """One closed sprint: what the team said it would do, and what it did."""

    number: int
    start: dt.date
    end: dt.date
    goal: str
    committed: int  # points in the sprint when it started
    completed: int  # points done when it closed
    scope_change: int  # points added (or, below 0, taken out) while it ran
    say_do: float | None  # committed points completed / committed points; None: none committed


@dataclass(frozen=True)
class ExperimentRow:
    """One experiment of the team's backlog, with its result once the owner recorded it."""

    item_id: int
    title: str
    status: ItemStatus
    hypothesis: str | None
    kpi: str | None
    result: ExperimentResult | None
    figure: str | None  # the KPI's value
    learning: str | None
    recorded: dt.date | None
    decision: ExperimentDecision | None = None  # stop, continue or scale
    variant_of: int | None = None  # the number of the experiment it is a variant of


@dataclass(frozen=True)
class TeamExport:
    team_name: str
    backlog: list[BacklogRow]
    sprints: list[SprintRow]
    experiments: list[ExperimentRow]


def can_export(session: Session, team: Team, person: Person) -> bool:
    """The team's own people: its members, its marketing owner and its scrum master."""
    return person.id in (team.owner_id, team.scrum_master_id) or is_member(session, team, person)


def require_exporter(session: Session, team: Team, person: Person) -> None:
    if not can_export(session, team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_(
                    "Only the members, the marketing owner and the scrum master of {team} can "
                    "export its data. Ask {scrum} to add you."
                ),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


def team_export(session: Session, team: Team) -> TeamExport:
    """Everything `/agile export` writes, read in the caller's transaction."""
    items = list(
        session.scalars(
            select(BacklogItem).where(BacklogItem.team_id == team.id).order_by(BacklogItem.id)
        )
    )
    names = team_activities(session, team)
    actuals = _actual_efforts(session, team)
    return TeamExport(
        team_name=team.name,
        backlog=[_backlog_row(team, item, names, actuals.get(item.id)) for item in items],
        sprints=_sprint_rows(session, team),
        experiments=[
            _experiment_row(team, item) for item in items if item.kind is ItemKind.EXPERIMENT
        ],
    )


def _actual_efforts(session: Session, team: Team) -> dict[int, int]:
    """Each done item's actual effort, as recorded when it was marked done (the latest, for
    an item done in more than one sprint)."""
    rows = session.execute(
        select(SprintItem.item_id, SprintItem.actual_points)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(
            Sprint.team_id == team.id,
            SprintItem.state == WorkState.DONE,
            SprintItem.removed_at.is_(None),
            SprintItem.actual_points.is_not(None),
        )
        .order_by(SprintItem.id)
    )
    return {item_id: actual for item_id, actual in rows}


def _backlog_row(
    team: Team, item: BacklogItem, names: Activities, actual: int | None
) -> BacklogRow:
    return BacklogRow(
        item_id=item.id,
        title=item.title,
        kind=item.kind,
        status=item.status,
        customer_value=item.customer_value,
        business_value=item.business_value,
        effort=item.effort,
        score=item.score,
        votes=item.vote_count,
        created=sprints.local_date(team, item.created_at),
        activity=names.of(item),
        actual_effort=actual,
    )


def _experiment_row(team: Team, item: BacklogItem) -> ExperimentRow:
    recorded = item.result_recorded_at
    return ExperimentRow(
        item_id=item.id,
        title=item.title,
        status=item.status,
        hypothesis=item.hypothesis,
        kpi=item.kpi,
        result=item.result,
        figure=item.result_figure,
        learning=item.learning,
        recorded=sprints.local_date(team, recorded) if recorded else None,
        decision=item.decision,
        variant_of=item.variant_of_id,
    )


def _sprint_rows(session: Session, team: Team) -> list[SprintRow]:
    """Every closed sprint of the team, oldest first, from its ledger (see sprints.ledger)."""
    closed = session.scalars(
        select(Sprint)
        .where(Sprint.team_id == team.id, Sprint.state == SprintState.CLOSED)
        .order_by(Sprint.number)
    )
    rows = []
    for sprint in closed:
        at_start = sprints.totals(session, sprint.id, sprint.started_at)
        at_close = sprints.totals(session, sprint.id, sprint.closed_at)
        rows.append(
            SprintRow(
                number=sprint.number,
                start=sprint.start_date,
                end=sprint.end_date,
                goal=sprint.goal,
                committed=at_start.scope_points,
                completed=at_close.done_points,
                scope_change=at_close.scope_points - at_start.scope_points,
                say_do=sprints.say_do(session, sprint),
            )
        )
    return rows
