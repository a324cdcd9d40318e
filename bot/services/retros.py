"""Retrospectives: collect items under what worked, what did not and what to try; vote with
three votes each, tallies hidden until the window closes; the top "try" items become actions
that the next planning and retrospective list until they are done, the team's focus first.

Anonymous by default: the author of an item is not stored at all, so no query (of the
database or of the posted messages) can tell who wrote it. The scrum master may switch a
team to named items.

During a sprint anyone in the team may note an item for the next retrospective: it waits,
seen by nobody, and becomes one of the retrospective's items in the transaction that opens
it. The team's health check (the scrum master turns it on) keeps each statement's ratings as a
count and a sum, and who has answered apart from them; averages are shown from three answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message, NotAllowed, NotFound
from bot.fields import RetroField
from bot.i18n import N_
from bot.models import (
    ItemKind,
    Person,
    Retro,
    RetroAction,
    RetroColumn,
    RetroItem,
    RetroState,
    RetroVote,
    Sprint,
    Team,
)
from bot.models.backlog import TITLE_MAX
from bot.models.retro import (
    HEALTH_MIN_ANSWERS,
    HEALTH_SCALE,
    RETRO_ITEM_MAX,
    TOP_ACTIONS,
    VOTES_PER_MEMBER,
    HealthStatement,
    RetroHealthRespondent,
    RetroHealthScore,
    RetroNote,
)
from bot.services import backlog
from bot.services.backlog import IdeaDraft
from bot.services.sprints.calendar import after_working_days
from bot.services.sprints.roles import can_plan
from bot.services.teams import is_member, require_owner


def require_participant(session: Session, team: Team, person: Person) -> None:
    """The retrospective belongs to the team: its members, owner and scrum master."""
    if not (is_member(session, team, person) or can_plan(team, person)):
        raise NotAllowed(
            # Translators: {team} is the team's name.
            Message(N_("The retrospective of {team} is for its members."), {"team": team.name})
        )


def choose_naming(team: Team, actor: Person, *, named: bool) -> None:
    """The scrum master chooses whether the team's next retrospectives show items' authors."""
    if actor.id != team.scrum_master_id:
        raise NotAllowed(Message(N_("Only the scrum master chooses named or anonymous items.")))
    team.retro_named = named


def choose_health(session: Session, team: Team, actor: Person, *, on: bool) -> Retro | None:
    """The scrum master turns the team's health check on or off, for the retrospectives to
    come and for the one open now, unless someone has already rated in it (their ratings are
    kept and shown as promised). Returns the open retrospective if its message changes."""
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(N_("Only the scrum master turns the team's health check on or off."))
        )
    team.retro_health = on
    current = current_retro(session, team)
    if current is None or current.health == on:
        return None
    current = get_retro(session, current.id, for_update=True)
    if current.health and _respondents(session, current) > 0:
        return None
    current.health = on
    return current


def get_retro(session: Session, retro_id: int, *, for_update: bool = False) -> Retro:
    query = select(Retro).where(Retro.id == retro_id)
    if for_update:
        query = query.with_for_update()
    retro = session.scalar(query)
    if retro is None:
        raise NotFound(Message(N_("That retrospective no longer exists.")))
    return retro


def current_retro(session: Session, team: Team) -> Retro | None:
    return session.scalar(
        select(Retro)
        .where(
            Retro.team_id == team.id,
            Retro.state.in_([RetroState.COLLECTING, RetroState.VOTING]),
        )
        .order_by(Retro.id.desc())
        .limit(1)
    )


def open_retro(
    session: Session, team: Team, sprint: Sprint | None, now: dt.datetime
) -> Retro | None:
    """Open the team's retrospective (of `sprint`, if given). None if that sprint already has
    one; a Conflict if another is still open."""
    session.execute(select(Team.id).where(Team.id == team.id).with_for_update())
    if sprint is not None and session.scalar(select(Retro.id).where(Retro.sprint_id == sprint.id)):
        return None
    if current_retro(session, team) is not None:
        raise Conflict(Message(N_("A retrospective is already open: add your items to it.")))
    voting_at = after_working_days(team, now, team.retro_window_days)
    retro = Retro(
        workspace_id=team.workspace_id,
        team_id=team.id,
        sprint_id=sprint.id if sprint else None,
        named=team.retro_named,
        health=team.retro_health,
        opened_at=now,
        voting_at=voting_at,
        closes_at=after_working_days(team, voting_at, team.retro_window_days),
    )
    session.add(retro)
    session.flush()
    _take_in_notes(session, team, retro)
    return retro


def _take_in_notes(session: Session, team: Team, retro: Retro) -> None:
    """The notes taken since the last retrospective become items of this one, and leave the
    waiting list, in the transaction that opens it: each shows once, whatever is retried. A
    named note keeps its author only if the retrospective is named too; an anonymous one
    never gets one."""
    notes = session.scalars(
        select(RetroNote).where(RetroNote.team_id == team.id).order_by(RetroNote.id)
    ).all()
    for note in notes:
        session.add(
            RetroItem(
                workspace_id=retro.workspace_id,
                retro_id=retro.id,
                column=note.column,
                text=note.text,
                author_id=note.author_id if retro.named else None,
                created_at=retro.opened_at,  # the note's own time is not kept
            )
        )
        session.delete(note)
    session.flush()


def checked_item(column_value: str | None, text: str | None) -> tuple[RetroColumn, str]:
    """An item's column and text as a form gave them, or an Invalid on their fields."""
    errors: dict[str, Message] = {}
    column = None
    try:
        column = RetroColumn(str(column_value))
    except ValueError:
        errors[RetroField.COLUMN] = Message(N_("Choose what worked, what did not, or what to try."))
    text = (text or "").strip()
    if not text:
        errors[RetroField.ITEM] = Message(N_("Write the item."))
    elif len(text) > RETRO_ITEM_MAX:
        errors[RetroField.ITEM] = Message(
            # Translators: {limit} is a number of characters.
            N_("Keep this under {limit} characters."),
            {"limit": RETRO_ITEM_MAX},
        )
    if errors or column is None:
        raise Invalid(errors)
    return column, text


def add_item(
    session: Session,
    retro_id: int,
    person: Person,
    column_value: str | None,
    text: str | None,
    now: dt.datetime,
) -> RetroItem:
    column, text = checked_item(column_value, text)
    retro = get_retro(session, retro_id, for_update=True)  # voting cannot open meanwhile
    team = session.get_one(Team, retro.team_id)
    require_participant(session, team, person)
    if retro.state is not RetroState.COLLECTING:
        raise Conflict(Message(N_("Voting has begun: no more items can be added.")))
    item = RetroItem(
        workspace_id=retro.workspace_id,
        retro_id=retro.id,
        column=column,
        text=text,
        author_id=person.id if retro.named else None,
        # An anonymous item keeps no time of its own either: it could be matched to activity.
        created_at=now if retro.named else retro.opened_at,
    )
    session.add(item)
    session.flush()
    return item


# --- notes taken during the sprint ------------------------------------------------------------


@dataclass(frozen=True)
class Noted:
    """Where a note went. `removal_key` (a pending note only) is what its noter's confirmation
    holds to remove it; the database keeps only its hash."""

    team: Team
    named: bool
    note_id: int | None = None  # waiting for the next retrospective
    removal_key: str | None = None
    into_open: bool = False  # a retrospective was collecting: the note is one of its items
    after_voting: bool = False  # one is voting: the note waits for the one after


def note(
    session: Session,
    team_id: int,
    person: Person,
    column_value: str | None,
    text: str | None,
    now: dt.datetime,
) -> Noted:
    """Note an item for the team's next retrospective. If one is collecting items now, the note
    is one of them at once; otherwise it waits, seen by nobody, until one opens."""
    column, text = checked_item(column_value, text)
    # The team's row, locked as open_retro locks it: a note and an opening never cross, so a
    # note is either taken in by the opening or finds the retrospective open.
    locked = session.execute(select(Team.id).where(Team.id == team_id).with_for_update()).first()
    if locked is None:
        raise NotFound(Message(N_("That team no longer exists.")))
    team = session.get_one(Team, team_id)
    require_participant(session, team, person)
    current = current_retro(session, team)
    if current is not None and current.state is RetroState.COLLECTING:
        add_item(session, current.id, person, column.value, text, now)
        return Noted(team, current.named, into_open=True)
    key = secrets.token_urlsafe(24)
    pending = RetroNote(
        workspace_id=team.workspace_id,
        team_id=team.id,
        column=column,
        text=text,
        author_id=person.id if team.retro_named else None,
        removal_hash=_key_hash(key),
    )
    session.add(pending)
    session.flush()
    return Noted(
        team,
        team.retro_named,
        note_id=pending.id,
        removal_key=key,
        after_voting=current is not None,
    )


def remove_note(session: Session, note_id: int, key: str) -> None:
    """Remove a waiting note, for whoever holds its key (its noter's confirmation)."""
    pending = session.scalar(select(RetroNote).where(RetroNote.id == note_id).with_for_update())
    if pending is None or not hmac.compare_digest(pending.removal_hash, _key_hash(key)):
        raise NotFound(
            Message(
                N_(
                    "That note is no longer waiting: it was removed, or the retrospective "
                    "opened with it."
                )
            )
        )
    session.delete(pending)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# --- the team's health ------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    """The team's health at a retrospective: how many answered, and each statement's average,
    only from HEALTH_MIN_ANSWERS answers (None before)."""

    answers: int
    averages: dict[HealthStatement, float] | None


@dataclass(frozen=True)
class HealthPoint:
    """One retrospective's averages, for the trend: of its sprint (number) or of its day."""

    sprint_number: int | None
    day: dt.datetime
    averages: dict[HealthStatement, float]


def health_form(session: Session, retro_id: int, person: Person) -> tuple[Retro, Team]:
    """The retrospective and team whose health `person` may rate now; else why not."""
    retro = get_retro(session, retro_id)
    team = session.get_one(Team, retro.team_id)
    require_participant(session, team, person)
    _require_rating_open(retro)
    if _has_rated(session, retro, person):
        raise Conflict(
            Message(N_("You have already rated the team's health in this retrospective."))
        )
    return retro, team


def rate_health(
    session: Session, retro_id: int, person: Person, ratings: dict[str, Any], now: dt.datetime
) -> Team:
    """One person's ratings, 1 to 5 for every statement. Added to each statement's count and
    sum; the person joins the list of who answered, which holds nothing of what they rated.
    A second answer is refused, also when two arrive at once (the retrospective's row is
    locked, and the list's key is the retrospective and the person)."""
    low, high = HEALTH_SCALE
    scores: dict[HealthStatement, int] = {}
    errors: dict[str, Message] = {}
    for statement in HealthStatement:
        field = RetroField.HEALTH_PREFIX + statement.value
        raw = ratings.get(field)
        score = int(raw) if isinstance(raw, str) and raw.isdigit() else None
        if score is None or not low <= score <= high:
            errors[field] = Message(
                # Translators: {low} and {high} are the ends of the scale, 1 and 5.
                N_("Rate this from {low} to {high}."),
                {"low": low, "high": high},
            )
        else:
            scores[statement] = score
    if errors:
        raise Invalid(errors)
    retro = get_retro(session, retro_id, for_update=True)
    team = session.get_one(Team, retro.team_id)
    require_participant(session, team, person)
    _require_rating_open(retro)
    if _has_rated(session, retro, person):
        raise Conflict(
            Message(N_("You have already rated the team's health in this retrospective."))
        )
    session.add(
        RetroHealthRespondent(
            workspace_id=retro.workspace_id, retro_id=retro.id, person_id=person.id
        )
    )
    existing = set(
        session.scalars(
            select(RetroHealthScore.statement).where(RetroHealthScore.retro_id == retro.id)
        )
    )
    for statement in HealthStatement:
        if statement not in existing:
            session.add(
                RetroHealthScore(
                    workspace_id=retro.workspace_id,
                    retro_id=retro.id,
                    statement=statement,
                    answers=0,
                    total=0,
                )
            )
    session.flush()
    for statement, score in scores.items():
        session.execute(
            update(RetroHealthScore)
            .where(RetroHealthScore.retro_id == retro.id, RetroHealthScore.statement == statement)
            .values(answers=RetroHealthScore.answers + 1, total=RetroHealthScore.total + score)
        )
    return team


def _require_rating_open(retro: Retro) -> None:
    if not retro.health:
        raise Conflict(Message(N_("This retrospective has no health check.")))
    if retro.state is RetroState.CLOSED:
        raise Conflict(Message(N_("This retrospective is closed: its health check is over.")))


def _has_rated(session: Session, retro: Retro, person: Person) -> bool:
    return (
        session.scalar(
            select(RetroHealthRespondent.person_id).where(
                RetroHealthRespondent.retro_id == retro.id,
                RetroHealthRespondent.person_id == person.id,
            )
        )
        is not None
    )


def _respondents(session: Session, retro: Retro) -> int:
    return (
        session.scalar(select(func.count()).where(RetroHealthRespondent.retro_id == retro.id)) or 0
    )


def health(session: Session, retro: Retro) -> Health | None:
    """The retrospective's health results; None if it has no health check."""
    if not retro.health:
        return None
    answers = _respondents(session, retro)
    if answers < HEALTH_MIN_ANSWERS:
        return Health(answers, None)
    return Health(answers, _averages(session, [retro.id]).get(retro.id))


def _averages(session: Session, retro_ids: list[int]) -> dict[int, dict[HealthStatement, float]]:
    rows = session.execute(
        select(
            RetroHealthScore.retro_id,
            RetroHealthScore.statement,
            RetroHealthScore.answers,
            RetroHealthScore.total,
        ).where(RetroHealthScore.retro_id.in_(retro_ids), RetroHealthScore.answers > 0)
    ).tuples()
    averages: dict[int, dict[HealthStatement, float]] = {}
    for retro_id, statement, answers, total in rows:
        averages.setdefault(retro_id, {})[statement] = total / answers
    return averages


HEALTH_TREND_POINTS = 8  # retrospectives the trend chart shows, the latest last


def health_trend(session: Session, retro: Retro) -> list[HealthPoint]:
    """The team's health across its retrospectives up to `retro`: those whose averages were
    shown (enough answers), the latest HEALTH_TREND_POINTS, oldest first."""
    answered = (
        select(RetroHealthRespondent.retro_id, func.count().label("answers"))
        .group_by(RetroHealthRespondent.retro_id)
        .subquery()
    )
    rows = session.execute(
        select(Retro.id, Retro.opened_at, Sprint.number)
        .join(answered, answered.c.retro_id == Retro.id)
        .outerjoin(Sprint, Sprint.id == Retro.sprint_id)
        .where(
            Retro.team_id == retro.team_id,
            Retro.health.is_(True),
            Retro.opened_at <= retro.opened_at,
            answered.c.answers >= HEALTH_MIN_ANSWERS,
        )
        .order_by(Retro.opened_at.desc(), Retro.id.desc())
        .limit(HEALTH_TREND_POINTS)
    ).tuples()
    found = list(rows)[::-1]
    averages = _averages(session, [retro_id for retro_id, _, _ in found])
    return [
        HealthPoint(number, opened_at, averages[retro_id])
        for retro_id, opened_at, number in found
        if retro_id in averages
    ]


def items(session: Session, retro: Retro) -> list[RetroItem]:
    """The items in a stable order that is not the order they were added in (which could
    hint at who added them): shuffled by a hash of the retrospective and the item."""
    rows = session.scalars(select(RetroItem).where(RetroItem.retro_id == retro.id)).all()

    def key(item: RetroItem) -> str:
        seed = f"{retro.id}:{retro.opened_at.isoformat()}:{item.id}"
        return hashlib.sha256(seed.encode()).hexdigest()

    return sorted(rows, key=key)


def start_voting(session: Session, retro_id: int, now: dt.datetime) -> Retro | None:
    retro = get_retro(session, retro_id, for_update=True)
    if retro.state is not RetroState.COLLECTING:
        return None
    retro.state = RetroState.VOTING
    return retro


@dataclass(frozen=True)
class VoteResult:
    voted: bool  # the vote now stands
    left: int  # votes the person has left


def vote(session: Session, item_id: int, person: Person, now: dt.datetime) -> VoteResult:
    """A member's vote on an item, or its withdrawal on a second click. Three votes each:
    the retrospective's row is locked, so concurrent clicks cannot spend a fourth."""
    item = session.scalar(select(RetroItem).where(RetroItem.id == item_id))
    if item is None:
        raise NotFound(Message(N_("That item no longer exists.")))
    retro = get_retro(session, item.retro_id, for_update=True)
    team = session.get_one(Team, retro.team_id)
    require_participant(session, team, person)
    if retro.state is not RetroState.VOTING:
        raise Conflict(Message(N_("Voting is not open.")))
    mine = list(
        session.scalars(
            select(RetroVote).where(
                RetroVote.retro_id == retro.id, RetroVote.person_id == person.id
            )
        )
    )
    existing = next((v for v in mine if v.item_id == item.id), None)
    if existing is not None:
        session.delete(existing)
        return VoteResult(False, VOTES_PER_MEMBER - len(mine) + 1)
    if len(mine) >= VOTES_PER_MEMBER:
        raise Conflict(
            Message(
                # Translators: {n} is the votes each person has in a retrospective.
                N_(
                    "You have used your {n} votes. Click one of your votes again to take it "
                    "back first."
                ),
                {"n": VOTES_PER_MEMBER},
            )
        )
    session.add(
        RetroVote(
            workspace_id=retro.workspace_id,
            retro_id=retro.id,
            item_id=item.id,
            person_id=person.id,
            created_at=now,
        )
    )
    return VoteResult(True, VOTES_PER_MEMBER - len(mine) - 1)


@dataclass(frozen=True)
class Ranked:
    item: RetroItem
    votes: int


@dataclass(frozen=True)
class Results:
    retro: Retro
    team: Team
    ranked: dict[RetroColumn, list[Ranked]]
    actions: list[RetroAction]


def tallies(session: Session, retro: Retro) -> dict[RetroColumn, list[Ranked]]:
    votes: dict[int, int] = dict(
        session.execute(
            select(RetroVote.item_id, func.count())
            .where(RetroVote.retro_id == retro.id)
            .group_by(RetroVote.item_id)
        )
        .tuples()
        .all()
    )
    ranked: dict[RetroColumn, list[Ranked]] = {c: [] for c in RetroColumn}
    for item in items(session, retro):
        ranked[item.column].append(Ranked(item, votes.get(item.id, 0)))
    for column in ranked:  # ties keep the shuffled order
        ranked[column].sort(key=lambda r: -r.votes)
    return ranked


def close_retro(session: Session, retro_id: int, now: dt.datetime) -> Results | None:
    """Close voting: tallies ranked, and the top "try" items (with votes) become actions."""
    retro = get_retro(session, retro_id, for_update=True)
    if retro.state is RetroState.CLOSED:
        return None
    retro.state = RetroState.CLOSED
    retro.closed_at = now
    team = session.get_one(Team, retro.team_id)
    ranked = tallies(session, retro)
    actions = []
    for entry in [r for r in ranked[RetroColumn.TRY] if r.votes > 0][:TOP_ACTIONS]:
        action = RetroAction(
            workspace_id=retro.workspace_id,
            team_id=team.id,
            retro_id=retro.id,
            item_id=entry.item.id,
            text=entry.item.text,
            votes=entry.votes,
            created_at=now,
        )
        session.add(action)
        actions.append(action)
    session.flush()
    return Results(retro, team, ranked, actions)


def open_actions(
    session: Session, team: Team, before_retro: int | None = None
) -> list[RetroAction]:
    """The team's actions not done yet (of retrospectives other than `before_retro`): the
    team's focus first, then in the order they were agreed."""
    query = select(RetroAction).where(RetroAction.team_id == team.id, RetroAction.done_at.is_(None))
    if before_retro is not None:
        query = query.where(RetroAction.retro_id != before_retro)
    return list(session.scalars(query.order_by(RetroAction.focus.desc(), RetroAction.id)))


def focus(session: Session, team: Team) -> RetroAction | None:
    """The team's focus for the sprint: the action the scrum master marked, until it is done
    or another takes its place."""
    return session.scalar(
        select(RetroAction).where(
            RetroAction.team_id == team.id,
            RetroAction.focus.is_(True),
            RetroAction.done_at.is_(None),
        )
    )


@dataclass(frozen=True)
class Focused:
    action: RetroAction
    team: Team
    retro_ids: set[int]  # the retrospectives whose messages show the change


def set_focus(session: Session, action_id: int, actor: Person, now: dt.datetime) -> Focused:
    """The scrum master makes an open action the team's focus for the next sprint; the team's
    earlier focus, if any, is one no longer (one at a time)."""
    action, team = _action(session, action_id)
    if actor.id != team.scrum_master_id:
        raise NotAllowed(Message(N_("Only the scrum master chooses the team's focus.")))
    if action.done_at is not None:
        raise Conflict(Message(N_("This action is done: choose one the team has still to do.")))
    retro_ids = {action.retro_id}
    if not action.focus:
        session.execute(select(Team.id).where(Team.id == team.id).with_for_update())
        earlier = session.scalars(
            select(RetroAction).where(RetroAction.team_id == team.id, RetroAction.focus.is_(True))
        ).all()
        for other in earlier:
            other.focus = False
            retro_ids.add(other.retro_id)
        session.flush()  # the unique index allows one focus per team: the old one goes first
        action.focus = True
        session.flush()
    current = current_retro(session, team)
    if current is not None:  # its "Did we do it?" puts the focus first
        retro_ids.add(current.id)
    return Focused(action, team, retro_ids)


def _action(session: Session, action_id: int) -> tuple[RetroAction, Team]:
    action = session.scalar(
        select(RetroAction).where(RetroAction.id == action_id).with_for_update()
    )
    if action is None:
        raise NotFound(Message(N_("That action no longer exists.")))
    return action, session.get_one(Team, action.team_id)


def mark_done(session: Session, action_id: int, actor: Person, now: dt.datetime) -> RetroAction:
    """ "Did we do it?" Yes: the owner or the scrum master closes the action."""
    action, team = _action(session, action_id)
    if not can_plan(team, actor):
        raise NotAllowed(
            Message(N_("The marketing owner or the scrum master closes retrospective actions."))
        )
    if action.done_at is None:
        action.done_at = now
    return action


def to_backlog(session: Session, action_id: int, actor: Person, now: dt.datetime) -> int:
    """The owner turns an action into a backlog idea, once. Returns the idea's id."""
    action, team = _action(session, action_id)
    require_owner(team, actor)
    if action.backlog_item_id is not None:
        raise Conflict(
            # Translators: {id} is that idea's number in the backlog.
            Message(N_("This action is already idea #{id}."), {"id": action.backlog_item_id})
        )
    draft = IdeaDraft(
        title=action.text[:TITLE_MAX],
        description=None,
        kind=ItemKind.KEEP_THE_LIGHTS_ON,
        hypothesis=None,
        kpi=None,
        customer_value=None,
        business_value=None,
    )
    idea = backlog.submit_idea(session, team, actor, draft, now)
    action.backlog_item_id = idea.id
    return idea.id
