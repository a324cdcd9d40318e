"""The weekly digest for a team's stakeholders: when it is due (the weekday and time the scrum
master chose, in the team's time zone) and what it says about the week that ends then: the
running sprint's goal and progress, the top of the backlog, the ideas accepted and declined
(with the reasons), and the experiment results recorded. Team-level only: it names no one.

A digest covers the time from the previous digest's instant to its own, so each decision and
each result is told once, whatever the scrum master changes in the day or time between them; a
digest posted late (after downtime) still tells up to its own instant. Without a previous one
(the first, or after a pause of more than COVERS_AT_MOST), it tells the week before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import (
    BacklogEvent,
    BacklogItem,
    EventKind,
    ItemKind,
    ItemStatus,
    Sprint,
    Team,
)
from bot.services.backlog import ORDER
from bot.services.sprints import (
    Totals,
    active_sprint,
    days_left,
    local_date,
    local_instant,
    next_sprint,
    starts_at,
    totals,
)

TOP_ITEMS = 5  # the top of the backlog, as the digest shows it
WEEK = dt.timedelta(days=7)
# A digest after a skipped week (downtime) tells both; after a longer pause, only its week.
COVERS_AT_MOST = 2 * WEEK + dt.timedelta(days=1)


def due_at(team: Team, until: dt.datetime) -> dt.datetime | None:
    """The team's latest digest instant at or before `until`: its weekday at its time in its
    time zone (so 9:00 stays 9:00 local across daylight-saving changes); None without a
    digest, or when that instant came before the day and time were chosen (a digest turned on
    at 10:00 for 9:00 comes next week, not at once)."""
    if team.digest_weekday is None:
        return None
    today = local_date(team, until)
    back = (today.weekday() - team.digest_weekday) % 7
    due = local_instant(team, today - dt.timedelta(days=back), team.digest_time)
    if due > until:  # today is the day, and its time has not come yet
        due = local_instant(team, today - dt.timedelta(days=back + 7), team.digest_time)
    if team.digest_since is not None and due < team.digest_since:
        return None
    return due


def week_of(team: Team, due: dt.datetime) -> str:
    """The team's calendar week of a digest ("2026-W14"): one digest a week, whatever the
    scrum master changes in its day or time meanwhile."""
    year, week, _ = local_date(team, due).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Item:
    """A backlog item as the digest names it."""

    title: str
    kind: ItemKind
    reason: str | None = None  # why it was declined


@dataclass(frozen=True)
class Result:
    """An experiment's result, recorded by the marketing owner."""

    title: str
    result: str  # won, lost or inconclusive
    figure: str | None
    kpi: str | None
    learning: str | None


@dataclass(frozen=True)
class Digest:
    team: Team
    start: dt.datetime  # the week told: from the previous digest's instant
    end: dt.datetime  # to this one's
    sprint: Sprint | None  # the running sprint
    totals: Totals | None  # its scope and done points
    days_left: int  # its working days left
    upcoming: Sprint | None  # the next planned sprint, when none runs
    upcoming_start: dt.date | None
    top: list[Item]
    accepted: list[Item]
    declined: list[Item]
    results: list[Result]


def weekly_digest(
    session: Session,
    team: Team,
    due: dt.datetime,
    now: dt.datetime,
    previous: dt.datetime | None = None,
) -> Digest:
    """The digest due at `due` (an instant from `due_at`): what happened since the `previous`
    digest's instant (else the week before it), and the sprint and backlog as they are `now`."""
    if previous is not None and due - COVERS_AT_MOST <= previous < due:
        start = previous
    else:
        start = local_instant(team, local_date(team, due) - WEEK, team.digest_time)
    sprint = active_sprint(session, team)
    upcoming = next_sprint(session, team) if sprint is None else None
    accepted, declined = _decisions(session, team, start, due)
    return Digest(
        team=team,
        start=start,
        end=due,
        sprint=sprint,
        totals=totals(session, sprint.id) if sprint else None,
        days_left=days_left(team, sprint, now) if sprint else 0,
        upcoming=upcoming,
        upcoming_start=local_date(team, starts_at(team, upcoming)) if upcoming else None,
        top=[
            Item(item.title, item.kind)
            for item in session.scalars(
                select(BacklogItem)
                .where(BacklogItem.team_id == team.id, BacklogItem.status == ItemStatus.READY)
                .order_by(*ORDER)
                .limit(TOP_ITEMS)
            )
        ],
        accepted=accepted,
        declined=declined,
        results=_results(session, team, start, due),
    )


def _decisions(
    session: Session, team: Team, start: dt.datetime, end: dt.datetime
) -> tuple[list[Item], list[Item]]:
    """The ideas the marketing owner accepted, and those declined with their reasons, from
    `start` up to `end` (the backlog's history), in the order they were decided."""
    rows = session.execute(
        select(BacklogEvent, BacklogItem)
        .join(BacklogItem, BacklogItem.id == BacklogEvent.item_id)
        .where(
            BacklogEvent.team_id == team.id,
            BacklogEvent.kind.in_([EventKind.ACCEPTED, EventKind.DECLINED]),
            BacklogEvent.occurred_at >= start,
            BacklogEvent.occurred_at < end,
        )
        .order_by(BacklogEvent.occurred_at, BacklogEvent.id)
    ).tuples()
    accepted: list[Item] = []
    declined: list[Item] = []
    for event, item in rows:
        if event.kind is EventKind.ACCEPTED:
            accepted.append(Item(item.title, item.kind))
        else:
            reason = (event.data or {}).get("reason") or item.decline_reason
            declined.append(Item(item.title, item.kind, reason))
    return accepted, declined


def _results(session: Session, team: Team, start: dt.datetime, end: dt.datetime) -> list[Result]:
    """The experiment results recorded from `start` up to `end`."""
    items = session.scalars(
        select(BacklogItem)
        .where(
            BacklogItem.team_id == team.id,
            BacklogItem.result.is_not(None),
            BacklogItem.result_recorded_at >= start,
            BacklogItem.result_recorded_at < end,
        )
        .order_by(BacklogItem.result_recorded_at, BacklogItem.id)
    )
    return [
        Result(
            title=item.title,
            result=item.result.value if item.result else "",
            figure=item.result_figure,
            kpi=item.kpi,
            learning=item.learning,
        )
        for item in items
    ]
