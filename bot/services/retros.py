"""Retrospectives: collect items under what worked, what did not and what to try; vote with
three votes each, tallies hidden until the window closes; the top "try" items become actions
that the next planning and retrospective list until they are done.

Anonymous by default: the author of an item is not stored at all, so no query (of the
database or of the posted messages) can tell who wrote it. The scrum master may switch a
team to named items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
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
from bot.models.retro import RETRO_ITEM_MAX, TOP_ACTIONS, VOTES_PER_MEMBER
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
        opened_at=now,
        voting_at=voting_at,
        closes_at=after_working_days(team, voting_at, team.retro_window_days),
    )
    session.add(retro)
    session.flush()
    return retro


def add_item(
    session: Session,
    retro_id: int,
    person: Person,
    column_value: str | None,
    text: str | None,
    now: dt.datetime,
) -> RetroItem:
    errors: dict[str, Message] = {}
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
    if errors:
        raise Invalid(errors)
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
    query = select(RetroAction).where(RetroAction.team_id == team.id, RetroAction.done_at.is_(None))
    if before_retro is not None:
        query = query.where(RetroAction.retro_id != before_retro)
    return list(session.scalars(query.order_by(RetroAction.id)))


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
