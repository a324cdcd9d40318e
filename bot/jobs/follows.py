"""Followed ideas on the scheduler: the notices the request that changed an idea did not send
(a crash, a failure Slack may get over), each sent once, when due.

A notice is due a minute after it was recorded (the request sends it at once; this is for what
is left), or when its last failed attempt said to try again. Each attempt is an occurrence of
its own (`idea_notice:notice=7:try=2`): claimed once, whatever the number of ticks and
processes; its run locks the notice too, so that it never races the request that made it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from bot.scheduler import NEVER_STALE, FollowUp, JobSource, Occurrence
from bot.services import follows
from bot.slack import ClientFor


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [partial(notices, clients)]


def notices(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    for due in follows.due(session, until):
        yield Occurrence(
            key=f"idea_notice:notice={due.notice_id}:try={due.attempts}",
            workspace_id=due.workspace_id,
            due_at=due.due_at,
            run=partial(send, clients, due.workspace_id, due.notice_id),
            # However late: a notice still owed a week on is given up by its run.
            stale_after=NEVER_STALE,
        )


def send(
    clients: ClientFor, workspace_id: int, notice_id: int, session: Session, at: dt.datetime
) -> FollowUp | None:
    from bot.messaging import follows as post

    # The request that recorded it, or an earlier attempt, may have posted it and stopped.
    return post.attempt(clients(workspace_id), session, notice_id, at, look_first=True)
