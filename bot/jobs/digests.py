"""The weekly digest on the scheduler: each team that chose a day gets one digest a week, at
its time in its time zone. The occurrence's key is the team's calendar week, so a repeated or
raced tick, a restart, a second process, a daylight-saving change or a change of the day or
time in mid-week never posts a second digest that week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import JobRun, Team
from bot.scheduler import JobSource, Occurrence
from bot.services import digests
from bot.slack import ClientFor

# A digest a day late still tells its week; later, the next one is nearer than this one.
DIGEST_STALE = dt.timedelta(days=1)


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [partial(weekly, clients)]


def weekly(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    """Each team's latest digest that is due, read in one query."""
    for team in session.scalars(select(Team).where(Team.digest_weekday.is_not(None))):
        due = digests.due_at(team, until)
        if due is None:
            continue
        yield Occurrence(
            key=f"{_key_prefix(team.id)}{digests.week_of(team, due)}",
            workspace_id=team.workspace_id,
            due_at=due,
            run=partial(post, clients, team.id, due),
            stale_after=DIGEST_STALE,
        )


def post(
    clients: ClientFor, team_id: int, due: dt.datetime, session: Session, at: dt.datetime
) -> None:
    team = session.get(Team, team_id)
    if team is None or team.digest_weekday is None:  # turned off since it was listed
        return
    from bot.messaging import digests as post_digest

    digest = digests.weekly_digest(session, team, due, at, _previous(session, team_id, due))
    post_digest.post_digest(clients(team.workspace_id), session, digest)


def _key_prefix(team_id: int) -> str:
    return f"weekly_digest:team={team_id}:"


def _previous(session: Session, team_id: int, due: dt.datetime) -> dt.datetime | None:
    """When the team's previous digest was due, if one was posted: this one tells from there."""
    return session.scalar(
        select(func.max(JobRun.due_at)).where(
            JobRun.job_key.startswith(_key_prefix(team_id), autoescape=True),
            JobRun.outcome == "done",
            JobRun.due_at < due,
        )
    )
