"""Retrospectives on the scheduler: one opens when a sprint closes (with the notes taken
during the sprint among its items, in the same transaction), voting opens when the collection
window ends, and the results are posted when voting closes (with the team health chart, if
the team checks it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Retro, RetroState, Sprint, SprintState, Team
from bot.scheduler import NEVER_STALE, FollowUp, JobSource, Occurrence
from bot.services import retros
from bot.slack import ClientFor

OPEN_STALE = dt.timedelta(days=7)  # a retrospective of a sprint long gone is not opened


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [partial(opens, clients), partial(phases, clients)]


def opens(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    """A sprint closed lately without a retrospective: one opens."""
    has_retro = select(Retro.id).where(Retro.sprint_id == Sprint.id).exists()
    closed = session.execute(
        select(Sprint.id, Sprint.workspace_id, Sprint.closed_at).where(
            Sprint.state == SprintState.CLOSED,
            Sprint.closed_at <= until,
            Sprint.closed_at > until - OPEN_STALE,
            ~has_retro,
        )
    ).tuples()
    for sprint_id, workspace_id, closed_at in closed:
        assert closed_at is not None  # a closed sprint has its closing time
        yield Occurrence(
            key=f"retro_open:sprint={sprint_id}",
            workspace_id=workspace_id,
            due_at=closed_at,
            run=partial(open_retro, clients, sprint_id),
            stale_after=OPEN_STALE,
        )


def phases(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    """Voting opens when collecting ends; results come when voting ends."""
    retros_due = session.scalars(
        select(Retro).where(Retro.state.in_([RetroState.COLLECTING, RetroState.VOTING]))
    )
    for retro in retros_due:
        if retro.state is RetroState.COLLECTING:
            key, due, run = "retro_voting", retro.voting_at, start_voting
        else:
            key, due, run = "retro_close", retro.closes_at, close
        if due <= until:
            yield Occurrence(
                key=f"{key}:retro={retro.id}",
                workspace_id=retro.workspace_id,
                due_at=due,
                run=partial(run, clients, retro.id),
                stale_after=NEVER_STALE,
            )


def open_retro(
    clients: ClientFor, sprint_id: int, session: Session, at: dt.datetime
) -> FollowUp | None:
    from bot.messaging import retros as post

    sprint = session.get_one(Sprint, sprint_id)
    team = session.get_one(Team, sprint.team_id)
    client = clients(sprint.workspace_id)
    current = retros.current_retro(session, team)
    news = None
    if current is not None:  # an earlier one still open: its results come first
        results = retros.close_retro(session, current.id, at)
        if results is not None:
            news = post.milestone(client, session, results.retro, results)
    retro = retros.open_retro(session, team, sprint, at)
    if retro is not None:
        post.post(client, session, retro)
    return news


def start_voting(
    clients: ClientFor, retro_id: int, session: Session, at: dt.datetime
) -> FollowUp | None:
    from bot.messaging import retros as post

    retro = retros.start_voting(session, retro_id, at)
    if retro is None:
        return None
    return post.milestone(
        clients(retro.workspace_id), session, retro
    )  # the items, with their Vote buttons


def close(clients: ClientFor, retro_id: int, session: Session, at: dt.datetime) -> FollowUp | None:
    from bot.messaging import retros as post

    results = retros.close_retro(session, retro_id, at)
    if results is None:
        return None
    # The voting message becomes the results, in place (its buttons go), and the team hears.
    return post.milestone(clients(results.retro.workspace_id), session, results.retro, results)
