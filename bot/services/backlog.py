"""The marketing backlog: ideas in, triage, order, votes; every change recorded in history.

Order. A team's ready items are ordered by score, highest first: score = (customer value +
business value) / effort points; more votes break ties, then the newer item. Once the marketing
owner moves an item, the order becomes the owner's: every ready item gets a `position` (the
highest comes first), new items are slotted in where their score puts them, and "reset"
returns to the score order. A split (services.slices) also makes the order the owner's: its
follow-ups come right after the first slice, whatever their scores. Ideas awaiting triage
follow the ready items, most voted first.

Every key of the order is descending, so that one ascending index serves it, scanned
backward, on SQLite and PostgreSQL alike (ix_backlog_items_order).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.errors import Conflict, Invalid, Message, NotFound
from bot.fields import DeclineField, IdeaField, ScoreField
from bot.i18n import N_
from bot.models import (
    BacklogEvent,
    BacklogItem,
    EventKind,
    ItemKind,
    ItemStatus,
    NoticeKind,
    Person,
    Team,
    Vote,
)
from bot.models.backlog import (
    DECLINE_REASON_MAX,
    DESCRIPTION_MAX,
    EFFORT_POINTS,
    HYPOTHESIS_MAX,
    KPI_MAX,
    TITLE_MAX,
    VALUE_RANGE,
)
from bot.services import activities, follows
from bot.services.teams import require_owner

PAGE_SIZE = 10
# Positions are floats so that an item can be slotted between two others; when the gap gets
# this small the team's positions are renumbered.
MIN_POSITION_GAP = 1e-6


class Move(enum.StrEnum):
    TOP = "top"
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class IdeaDraft:
    title: str
    description: str | None
    kind: ItemKind
    hypothesis: str | None
    kpi: str | None
    customer_value: int | None
    business_value: int | None
    activity: str | None = None  # the key of one of the team's activities (services.activities)

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> IdeaDraft:
        errors: dict[str, Message] = {}
        title = _clean(raw.get(IdeaField.TITLE))
        if not title:
            errors[IdeaField.TITLE] = Message(N_("Give the idea a title."))
        _check_length(errors, IdeaField.TITLE, title, TITLE_MAX)
        description = _clean(raw.get(IdeaField.DESCRIPTION))
        _check_length(errors, IdeaField.DESCRIPTION, description, DESCRIPTION_MAX)
        try:
            kind = ItemKind(str(raw.get(IdeaField.KIND)))
        except ValueError:
            kind = None
            errors[IdeaField.KIND] = Message(N_("Choose what kind of work this is."))
        hypothesis = _clean(raw.get(IdeaField.HYPOTHESIS))
        kpi = _clean(raw.get(IdeaField.KPI))
        if kind is ItemKind.EXPERIMENT:
            if not hypothesis:
                errors[IdeaField.HYPOTHESIS] = Message(
                    N_("An experiment needs a hypothesis: what do you expect to happen, and why?")
                )
            if not kpi:
                errors[IdeaField.KPI] = Message(
                    N_("An experiment needs the KPI that will judge it.")
                )
        _check_length(errors, IdeaField.HYPOTHESIS, hypothesis, HYPOTHESIS_MAX)
        _check_length(errors, IdeaField.KPI, kpi, KPI_MAX)
        customer = _value(errors, IdeaField.CUSTOMER_VALUE, raw.get(IdeaField.CUSTOMER_VALUE))
        business = _value(errors, IdeaField.BUSINESS_VALUE, raw.get(IdeaField.BUSINESS_VALUE))
        if errors:
            raise Invalid(errors)
        return cls(
            title=title,  # type: ignore[arg-type]
            description=description,
            kind=kind,  # type: ignore[arg-type]
            hypothesis=hypothesis if kind is ItemKind.EXPERIMENT else None,
            kpi=kpi if kind is ItemKind.EXPERIMENT else None,
            customer_value=customer,
            business_value=business,
            activity=_clean(raw.get(IdeaField.ACTIVITY)),
        )


@dataclass(frozen=True)
class Scores:
    effort: int
    customer_value: int
    business_value: int
    # The key of one of the team's activities; None leaves the item's as it is (a select in
    # Slack cannot be emptied, so the form has no way to say "none").
    activity: str | None = None

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> Scores:
        errors: dict[str, Message] = {}
        effort = _int(raw.get(ScoreField.EFFORT))
        if effort not in EFFORT_POINTS:
            errors[ScoreField.EFFORT] = Message(
                # Translators: {points} is the allowed values, such as "1, 2, 3, 5, 8, 13".
                N_("Choose the effort in points: {points}."),
                {"points": ", ".join(map(str, EFFORT_POINTS))},
            )
        customer = _value(errors, ScoreField.CUSTOMER_VALUE, raw.get(ScoreField.CUSTOMER_VALUE))
        business = _value(errors, ScoreField.BUSINESS_VALUE, raw.get(ScoreField.BUSINESS_VALUE))
        for key, value in (
            (ScoreField.CUSTOMER_VALUE, customer),
            (ScoreField.BUSINESS_VALUE, business),
        ):
            if value is None and key not in errors:
                errors[key] = Message(N_("Give a value from 1 to 10."))
        if errors:
            raise Invalid(errors)
        activity = _clean(raw.get(ScoreField.ACTIVITY))
        return cls(effort, customer, business, activity)  # type: ignore[arg-type]

    @property
    def score(self) -> float:
        return score_of(self.effort, self.customer_value, self.business_value)


def score_of(effort: int, customer_value: int, business_value: int) -> float:
    return (customer_value + business_value) / effort


def validate_decline_reason(raw: dict[str, Any]) -> str:
    reason = _clean(raw.get(DeclineField.REASON))
    errors: dict[str, Message] = {}
    if not reason:
        errors[DeclineField.REASON] = Message(
            N_("Tell the submitter why: they will receive this reason.")
        )
    _check_length(errors, DeclineField.REASON, reason, DECLINE_REASON_MAX)
    if errors:
        raise Invalid(errors)
    return reason  # type: ignore[return-value]


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _check_length(errors: dict[str, Message], key: str, text: str | None, limit: int) -> None:
    if text and len(text) > limit and key not in errors:
        errors[key] = Message(
            # Translators: {max} and {count} are each a number of characters.
            N_("Keep this to {max} characters (it has {count})."),
            {"max": limit, "count": len(text)},
        )


def _int(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _value(errors: dict[str, Message], key: str, raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    value = _int(raw)
    if value not in VALUE_RANGE:
        errors[key] = Message(N_("Give a whole number from 1 to 10."))
        return None
    return value


# --- history ---------------------------------------------------------------------------------


def record(
    session: Session,
    team_id: int,
    item_id: int | None,
    actor: Person | None,
    kind: EventKind,
    now: dt.datetime,
    **data: Any,
) -> None:
    session.add(
        BacklogEvent(
            team_id=team_id,
            item_id=item_id,
            actor_id=actor.id if actor else None,
            kind=kind,
            data=data,
            occurred_at=now,
        )
    )


def history(session: Session, item_id: int) -> list[BacklogEvent]:
    return list(
        session.scalars(
            select(BacklogEvent)
            .where(BacklogEvent.item_id == item_id)
            .order_by(BacklogEvent.occurred_at, BacklogEvent.id)
        )
    )


# --- ideas and triage ------------------------------------------------------------------------


def submit_idea(
    session: Session, team: Team, submitter: Person, draft: IdeaDraft, now: dt.datetime
) -> BacklogItem:
    """Anyone in the workspace may submit; the idea waits for the owner's triage."""
    item = BacklogItem(
        team_id=team.id,
        title=draft.title,
        description=draft.description,
        kind=draft.kind,
        hypothesis=draft.hypothesis,
        kpi=draft.kpi,
        submitter_id=submitter.id,
        proposed_customer_value=draft.customer_value,
        proposed_business_value=draft.business_value,
        status=ItemStatus.PROPOSED,
        created_at=now,
        updated_at=now,
    )
    activities.assign(item, activities.choose(session, team, draft.activity, IdeaField.ACTIVITY))
    session.add(item)
    session.flush()
    record(
        session, team.id, item.id, submitter, EventKind.SUBMITTED, now, item_kind=draft.kind.value
    )
    follows.add_followers(session, item.id, [submitter.id], now)  # they hear how it goes
    return item


def get_item(session: Session, item_id: int, *, for_update: bool = False) -> BacklogItem:
    """The item, in this workspace. Raises NotFound (also for another workspace's id)."""
    query = select(BacklogItem).where(BacklogItem.id == item_id)
    if for_update:
        query = query.with_for_update()
    item = session.scalar(query)
    if item is None:
        raise NotFound(Message(N_("That backlog item no longer exists.")))
    return item


# Items whose scores the owner may edit: in the backlog, or committed to a sprint (where a new
# effort is an estimate change, recorded as scope change by services.sprints.rescore).
SCORABLE = (ItemStatus.READY, ItemStatus.PLANNED)


def owned_item(
    session: Session,
    item_id: int,
    actor: Person,
    status: ItemStatus | tuple[ItemStatus, ...],
    *,
    for_update: bool = False,
) -> tuple[BacklogItem, Team]:
    """The item and its team, if `actor` is the team's marketing owner and the item is in
    `status` (proposed for triage; ready or planned for scores). Checked when a modal opens
    and again when it is submitted."""
    item = get_item(session, item_id, for_update=for_update)
    team = session.get_one(Team, item.team_id)
    require_owner(team, actor)
    allowed = status if isinstance(status, tuple) else (status,)
    if item.status not in allowed:
        if status is ItemStatus.PROPOSED:
            raise Conflict(Message(N_("This idea has already been triaged.")))
        raise Conflict(Message(N_("Only items in the backlog have scores to edit.")))
    return item, team


def accept(
    session: Session, item_id: int, actor: Person, scores: Scores, now: dt.datetime
) -> BacklogItem:
    item, team = owned_item(session, item_id, actor, ItemStatus.PROPOSED, for_update=True)
    apply_scores(item, scores)
    _apply_activity(session, team, item, scores)
    item.status = ItemStatus.READY
    item.triaged_by_id = actor.id
    item.triaged_at = now
    item.updated_at = now
    session.flush()
    if _is_manually_ordered(session, team.id, exclude=item.id):
        item.position = _slot_by_score(session, item)
    record(session, team.id, item.id, actor, EventKind.ACCEPTED, now, **score_facts(item))
    follows.notify(session, item, NoticeKind.ACCEPTED, actor, now, score=item.score)
    return item


def decline(
    session: Session, item_id: int, actor: Person, reason: str, now: dt.datetime
) -> BacklogItem:
    item, team = owned_item(session, item_id, actor, ItemStatus.PROPOSED, for_update=True)
    item.status = ItemStatus.DECLINED
    item.decline_reason = reason
    item.triaged_by_id = actor.id
    item.triaged_at = now
    item.updated_at = now
    record(session, team.id, item.id, actor, EventKind.DECLINED, now, reason=reason)
    follows.notify(session, item, NoticeKind.DECLINED, actor, now, reason=reason)
    return item


def rescore(
    session: Session, item_id: int, actor: Person, scores: Scores, now: dt.datetime
) -> BacklogItem:
    """The owner changes effort or values. A manual order stays as it is: moves are the
    owner's word."""
    item, team = owned_item(session, item_id, actor, SCORABLE, for_update=True)
    before = score_facts(item)
    apply_scores(item, scores)
    _apply_activity(session, team, item, scores)
    item.updated_at = now
    after = score_facts(item)
    record(session, team.id, item.id, actor, EventKind.RESCORED, now, before=before, after=after)
    return item


def apply_scores(item: BacklogItem, scores: Scores) -> None:
    """The owner's effort and values on the item, and the score they make."""
    item.effort = scores.effort
    item.customer_value = scores.customer_value
    item.business_value = scores.business_value
    item.score = scores.score


def score_facts(item: BacklogItem) -> dict[str, Any]:
    """The item's effort and values, as the backlog's history records them."""
    return {
        "effort": item.effort,
        "customer_value": item.customer_value,
        "business_value": item.business_value,
    }


def _apply_activity(session: Session, team: Team, item: BacklogItem, scores: Scores) -> None:
    """The activity the owner chose at triage or with the scores, if they chose one."""
    if scores.activity is not None:
        choice = activities.choose(session, team, scores.activity, ScoreField.ACTIVITY)
        activities.assign(item, choice)


# --- order -----------------------------------------------------------------------------------


def _ready(team_id: int) -> Any:
    return and_(BacklogItem.team_id == team_id, BacklogItem.status == ItemStatus.READY)


# One order for ready items and ideas (whose position and score are NULL): the index's columns,
# all descending.
ORDER = (
    BacklogItem.position.desc(),
    BacklogItem.score.desc(),
    BacklogItem.vote_count.desc(),
    BacklogItem.id.desc(),
)


def _is_manually_ordered(session: Session, team_id: int, exclude: int | None = None) -> bool:
    query = select(BacklogItem.id).where(_ready(team_id), BacklogItem.position.is_not(None))
    if exclude is not None:
        query = query.where(BacklogItem.id != exclude)
    return session.scalar(query.limit(1)) is not None


def _ordered_ready_ids(session: Session, team_id: int) -> list[int]:
    return list(session.scalars(select(BacklogItem.id).where(_ready(team_id)).order_by(*ORDER)))


def _renumber(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(BacklogItem),
            [
                {"id": item_id, "position": float(len(ids) - index)}
                for index, item_id in enumerate(ids)
            ],
        )


def _slot_by_score(session: Session, item: BacklogItem) -> float:
    """A position for a newly ready item in a manually ordered backlog: just before the first
    item (in the owner's order) that scores lower, or last."""
    lower = or_(
        BacklogItem.score < item.score,
        and_(BacklogItem.score == item.score, BacklogItem.vote_count < item.vote_count),
    )
    ready = and_(_ready(item.team_id), BacklogItem.id != item.id)
    after = session.scalar(select(func.max(BacklogItem.position)).where(ready, lower))
    if after is None:
        last = session.scalar(select(func.min(BacklogItem.position)).where(ready))
        return (last or 2.0) - 1.0
    before = session.scalar(
        select(func.min(BacklogItem.position)).where(ready, BacklogItem.position > after)
    )
    before = after + 1.0 if before is None else before
    if before - after < MIN_POSITION_GAP:
        ids = [i for i in _ordered_ready_ids(session, item.team_id) if i != item.id]
        _renumber(session, ids)
        return _slot_by_score(session, item)
    return (before + after) / 2


def move(
    session: Session, item_id: int, actor: Person, direction: Move, now: dt.datetime
) -> BacklogItem:
    """The owner moves a ready item to the top, one up or one down."""
    item = get_item(session, item_id, for_update=True)
    team = session.get_one(Team, item.team_id)
    require_owner(team, actor)
    if item.status is not ItemStatus.READY:
        raise Conflict(Message(N_("Accept the idea into the backlog before ordering it.")))
    ids = _ordered_ready_ids(session, team.id)
    old_index = ids.index(item.id)
    new_index = {Move.TOP: 0, Move.UP: old_index - 1, Move.DOWN: old_index + 1}[direction]
    if new_index < 0 or new_index == old_index:
        raise Conflict(Message(N_("This item is already at the top.")))
    if new_index >= len(ids):
        raise Conflict(Message(N_("This item is already at the bottom.")))
    ids.insert(new_index, ids.pop(old_index))
    # Renumbering is one statement for the whole backlog; simpler than keeping gaps, and moves
    # are rare, human-paced events.
    _renumber(session, ids)
    record(
        session,
        team.id,
        item.id,
        actor,
        EventKind.MOVED,
        now,
        direction=direction.value,
        from_rank=old_index + 1,
        to_rank=new_index + 1,
    )
    session.refresh(item)  # the renumbering bypassed the identity map
    return item


def place_in_order(session: Session, item: BacklogItem) -> None:
    """A ready item (back) in the backlog: in a manually ordered backlog it takes the slot its
    score earns; otherwise the score orders it."""
    session.flush()
    if _is_manually_ordered(session, item.team_id, exclude=item.id):
        item.position = _slot_by_score(session, item)
    else:
        item.position = None


@dataclass(frozen=True)
class Placed:
    was_owners_order: bool  # False: the team was in score order, and now is in the owner's
    ranks: list[int]  # the placed items' ranks (1-based) among the ready items


def place_after(session: Session, first: BacklogItem, items: list[BacklogItem]) -> Placed:
    """New ready items right after `first`, in the given order, whatever their scores: a
    campaign's follow-ups after its first slice. No score order can promise that, so the order
    becomes the owner's, as when they move an item: every other ready item stays where it was.
    The items need no position of their own yet; they must have their ids."""
    session.flush()
    placing = {item.id for item in items}
    ready = _ready(first.team_id)
    others = and_(ready, BacklogItem.id.not_in(placing), BacklogItem.position.is_not(None))
    was_owners = session.scalar(select(BacklogItem.id).where(others).limit(1)) is not None
    rest = [i for i in _ordered_ready_ids(session, first.team_id) if i not in placing]
    at = rest.index(first.id) + 1
    _renumber(session, [*rest[:at], *(item.id for item in items), *rest[at:]])
    for item in (first, *items):
        session.expire(item, ["position"])  # the renumbering bypassed the identity map
    return Placed(was_owners, list(range(at + 1, at + 1 + len(items))))


def return_to_top(session: Session, team: Team, item_ids: list[int], now: dt.datetime) -> None:
    """Unfinished work back from a sprint: ready again, at the top of the backlog, in the given
    order. The backlog is then in a manual order, which the owner may reset."""
    session.execute(
        update(BacklogItem)
        .where(BacklogItem.id.in_(item_ids))
        .values(status=ItemStatus.READY, updated_at=now)
    )
    returning = set(item_ids)
    rest = [i for i in _ordered_ready_ids(session, team.id) if i not in returning]
    _renumber(session, [*item_ids, *rest])


def reset_order(session: Session, team: Team, actor: Person, now: dt.datetime) -> None:
    """Back to the score order: forget the owner's positions."""
    require_owner(team, actor)
    session.execute(update(BacklogItem).where(_ready(team.id)).values(position=None))
    record(session, team.id, None, actor, EventKind.ORDER_RESET, now)


# --- reading the backlog ---------------------------------------------------------------------


@dataclass(frozen=True)
class BacklogPage:
    team: Team
    items: list[BacklogItem]
    page: int  # 1-based
    pages: int
    ready_count: int
    proposed_count: int
    first_rank: int  # rank of items[0] in the whole list
    manually_ordered: bool

    @property
    def total(self) -> int:
        return self.ready_count + self.proposed_count


def page(session: Session, team: Team, number: int, per_page: int = PAGE_SIZE) -> BacklogPage:
    """One page of the backlog: ready items in order, then ideas awaiting triage."""
    # The counts are kept on the team's row by the database (see models.team); read them
    # fresh, since `team` may have been loaded before this transaction changed an item.
    ready_count, proposed_count = session.execute(
        select(Team.ready_items, Team.proposed_items).where(Team.id == team.id)
    ).one()
    pages = max(1, math.ceil((ready_count + proposed_count) / per_page))
    number = min(max(1, number), pages)
    offset = (number - 1) * per_page

    items: list[BacklogItem] = []
    if offset < ready_count:
        items += session.scalars(
            _ready_query(team.id).order_by(*ORDER).offset(offset).limit(per_page)
        )
    if len(items) < per_page:
        proposed_offset = max(0, offset - ready_count)
        items += session.scalars(
            select(BacklogItem)
            .where(BacklogItem.team_id == team.id, BacklogItem.status == ItemStatus.PROPOSED)
            .order_by(*ORDER)
            .offset(proposed_offset)
            .limit(per_page - len(items))
        )
    # Positions are all set or all NULL among ready items, so the page's first one tells.
    first_ready = next((i for i in items if i.status is ItemStatus.READY), None)
    if first_ready is not None:
        manual = first_ready.position is not None
    else:
        manual = ready_count > 0 and _is_manually_ordered(session, team.id)
    return BacklogPage(
        team=team,
        items=items,
        page=number,
        pages=pages,
        ready_count=ready_count,
        proposed_count=proposed_count,
        first_rank=offset + 1,
        manually_ordered=manual,
    )


def _ready_query(team_id: int) -> Select[tuple[BacklogItem]]:
    return select(BacklogItem).where(_ready(team_id))


# --- votes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteResult:
    item: BacklogItem
    voted: bool  # the person's vote now stands
    count: int


def toggle_vote(session: Session, item_id: int, voter: Person, now: dt.datetime) -> VoteResult:
    """Anyone may vote once on an idea or a backlog item; voting again takes the vote back.

    The item's row is locked first, so concurrent clicks on one item take turns: the counter
    stays exact, and each click of a frantic double-clicker toggles exactly once. (The votes
    would queue on the counter's row anyway; the unique (item, person) key stays as a guard.)
    """
    item = get_item(session, item_id, for_update=True)
    if item.status is ItemStatus.DECLINED:
        raise Conflict(Message(N_("This idea was declined; it no longer takes votes.")))
    deleted = session.execute(
        delete(Vote).where(Vote.item_id == item.id, Vote.person_id == voter.id)
    )
    removed = cast(CursorResult[Any], deleted).rowcount
    if removed:
        delta, kind = -1, EventKind.VOTE_REMOVED
    else:
        session.add(Vote(item_id=item.id, person_id=voter.id, created_at=now))
        session.flush()
        delta, kind = 1, EventKind.VOTE_ADDED
    count = session.execute(
        update(BacklogItem)
        .where(BacklogItem.id == item.id)
        .values(vote_count=BacklogItem.vote_count + delta)
        .returning(BacklogItem.vote_count)
    ).scalar_one()
    record(session, item.team_id, item.id, voter, kind, now)
    set_committed_value(item, "vote_count", count)
    return VoteResult(item=item, voted=not removed, count=count)


def voted_item_ids(session: Session, voter: Person, item_ids: list[int]) -> set[int]:
    if not item_ids:
        return set()
    return set(
        session.scalars(
            select(Vote.item_id).where(Vote.person_id == voter.id, Vote.item_id.in_(item_ids))
        )
    )
