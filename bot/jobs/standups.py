"""Standups on the scheduler: the prompts at each participant's standup time (their own or
the team's) on the team's standup days, up to two reminders after the team's delays, prompts
resent after a crash, and blockers raised again after two working days."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Blocker, Person, StandupPrompt, Team
from bot.scheduler import NEVER_STALE, FollowUp, JobSource, Occurrence
from bot.services import standups
from bot.slack import ClientFor

PROMPT_STALE = standups.PROMPT_STALE
RESEND_AFTER = dt.timedelta(minutes=10)  # a prompt still unsent this long after its job ran


def sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    return [
        partial(prompts, clients, factory),
        partial(resends, clients, factory),
        partial(reminders, clients, factory),
        partial(reraises, clients),
    ]


# --- prompts ---------------------------------------------------------------------------------


def prompts(
    clients: ClientFor, factory: sessionmaker[Session], session: Session, until: dt.datetime
) -> Iterable[Occurrence]:
    cal = standups.calendar(session, until)
    for due in standups.due_prompts(cal, until, PROMPT_STALE):
        # Who is asked is part of the key: a member who becomes due later at the same instant
        # (back from away, just joined) gets a new occurrence; those already asked are
        # skipped by their prompt rows.
        asked = ",".join(map(str, sorted(due.day_by_person)))
        who = hashlib.sha1(asked.encode()).hexdigest()[:12]
        yield Occurrence(
            key=f"standup_prompt:team={due.team.id}:{due.at.isoformat()}:{who}",
            workspace_id=due.team.workspace_id,
            due_at=due.at,
            run=partial(prompt, clients, factory, due.team.id, due.at, dict(due.day_by_person)),
            stale_after=PROMPT_STALE,
        )


def prompt(
    clients: ClientFor,
    factory: sessionmaker[Session],
    team_id: int,
    due_at: dt.datetime,
    day_by_person: dict[int, dt.date],
    session: Session,
    at: dt.datetime,
) -> FollowUp:
    team, questions = standups.team_and_question_count(session, team_id)
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(day_by_person)))}
    due = standups.Due(team=team, at=due_at, day_by_person=day_by_person, people=people)
    to_send = standups.record_prompts(session, due, at)
    return _send(clients, factory, team, questions, to_send, at)


def resends(
    clients: ClientFor, factory: sessionmaker[Session], session: Session, until: dt.datetime
) -> Iterable[Occurrence]:
    """Prompts recorded but neither sent nor failed a while later: the process stopped
    between the commit and the DMs. They are sent now, while the day still needs them."""
    rows = session.execute(
        select(StandupPrompt.id, StandupPrompt.due_at, StandupPrompt.workspace_id).where(
            StandupPrompt.sent_at.is_(None),
            StandupPrompt.failure.is_(None),
            StandupPrompt.due_at <= until - RESEND_AFTER,
            StandupPrompt.due_at > until - PROMPT_STALE,
        )
    ).all()
    for prompt_id, due_at, workspace_id in rows:
        yield Occurrence(
            key=f"standup_resend:prompt={prompt_id}",
            workspace_id=workspace_id,
            due_at=due_at + RESEND_AFTER,
            run=partial(resend, clients, factory, prompt_id),
            stale_after=PROMPT_STALE,
        )


def resend(
    clients: ClientFor,
    factory: sessionmaker[Session],
    prompt_id: int,
    session: Session,
    at: dt.datetime,
) -> FollowUp | None:
    row = session.scalar(
        select(StandupPrompt).where(StandupPrompt.id == prompt_id).with_for_update()
    )
    if row is None or row.sent_at is not None or row.failure is not None:
        return None
    team, questions = standups.team_and_question_count(session, row.team_id)
    to_send = [(row.id, session.get_one(Person, row.person_id), row.day)]
    # The stopped process may have sent it before it stopped: looked for first.
    return _send(clients, factory, team, questions, to_send, at, look_first=True)


# --- reminders -------------------------------------------------------------------------------


def reminders(
    clients: ClientFor, factory: sessionmaker[Session], session: Session, until: dt.datetime
) -> Iterable[Occurrence]:
    """Each reminder of each prompt instant, once, when its delay has passed. When both are
    due (after a pause of the scheduler), only the second goes: two in a row help no one."""
    rows = session.execute(
        select(StandupPrompt.team_id, StandupPrompt.due_at, StandupPrompt.workspace_id)
        .where(
            StandupPrompt.sent_at.is_not(None),
            StandupPrompt.reminders_sent < 2,
            StandupPrompt.due_at > until - dt.timedelta(days=1),
        )
        .distinct()
    ).all()
    if not rows:
        return
    teams = {
        team.id: team
        for team in session.scalars(select(Team).where(Team.id.in_({r.team_id for r in rows})))
    }
    for team_id, prompted_at, workspace_id in rows:
        delays = standups.reminder_delays(teams[team_id]) if team_id in teams else {}
        due = {
            n: prompted_at + delay for n, delay in delays.items() if prompted_at + delay <= until
        }
        if not due:
            continue
        number = max(due)
        yield Occurrence(
            # The first reminder's key is the one it always had: a reminder sent before the
            # second existed is not sent again.
            key=f"standup_reminder{'' if number == 1 else number}:team={team_id}:"
            f"{prompted_at.isoformat()}",
            workspace_id=workspace_id,
            due_at=due[number],
            run=partial(remind, clients, factory, team_id, prompted_at, number),
            stale_after=PROMPT_STALE,
        )


def remind(
    clients: ClientFor,
    factory: sessionmaker[Session],
    team_id: int,
    prompted_at: dt.datetime,
    number: int,
    session: Session,
    at: dt.datetime,
) -> FollowUp:
    team, questions = standups.team_and_question_count(session, team_id)
    unanswered = standups.to_remind(session, team, prompted_at, number)
    people = {
        p.id: p
        for p in session.scalars(
            select(Person).where(Person.id.in_([p.person_id for p in unanswered]))
        )
    }
    to_send = [(p.id, people[p.person_id], p.day) for p in unanswered]
    return _send(clients, factory, team, questions, to_send, at, reminder=number)


def _send(
    clients: ClientFor,
    factory: sessionmaker[Session],
    team: Team,
    questions: int,
    to_send: list[tuple[int, Person, dt.date]],
    at: dt.datetime,
    *,
    reminder: int = 0,
    look_first: bool = False,
) -> FollowUp:
    """The DMs (prompts, or reminder number `reminder`), after the commit that recorded them;
    they say how many `questions` the standup asks (`look_first`: bot.messaging.standups)."""
    from bot.messaging import standups as post

    client = clients(team.workspace_id)
    return partial(
        post.send_prompts,
        client,
        factory,
        team,
        to_send,
        at,
        reminder=reminder,
        questions=questions,
        look_first=look_first,
    )


# --- blockers --------------------------------------------------------------------------------


def reraises(clients: ClientFor, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
    blockers = list(standups.open_blockers(session))
    holidays = standups.team_holidays(
        session, {team.id for _, team in blockers}, (until - dt.timedelta(days=30)).date()
    )
    for blocker, team in blockers:
        due = standups.reraise_due(team, blocker, holidays.get(team.id, frozenset()))
        if due > until:
            continue
        yield Occurrence(
            # A blocker raised anew (the member was blocked again) is a new occurrence.
            key=f"blocker_reraise:blocker={blocker.id}:{blocker.raised_at.isoformat()}",
            workspace_id=blocker.workspace_id,
            due_at=due,
            run=partial(reraise, clients, blocker.id),
            stale_after=NEVER_STALE,
        )


def reraise(clients: ClientFor, blocker_id: int, session: Session, at: dt.datetime) -> None:
    blocker = session.scalar(select(Blocker).where(Blocker.id == blocker_id).with_for_update())
    if blocker is not None and blocker.resolved_at is None:
        from bot.messaging import standups as post

        post.raise_again(clients(blocker.workspace_id), session, blocker, at)
