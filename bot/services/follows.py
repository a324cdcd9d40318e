"""Followed ideas: anyone in the workspace may follow an idea (its submitter does from the
start, and may stop), and is told by DM, in their own language, when its status changes:
accepted, declined (with the reason), split into a campaign's slices, planned into a sprint,
done, and an experiment's result.

The outbox. The services that change an item's status call `notify` inside their own
transaction: one notice per follower, but not for whoever made the change. Each notice is
keyed by the change it tells of (`accepted`, `planned:sprint=4`...), unique per follower, so a
change made twice (a retried request, Reopen and Done again) owes nothing new. The DMs go after
the commit: first from the request that made the change, then, for any left over (a crash, a
failure Slack may get over), from the scheduler (bot.messaging.follows, bot.jobs.follows).
Whoever sends a notice locks its row and records it sent in the same transaction, so it goes
once however the request and the scheduler race.

Nothing here is counted, ranked or shown to anyone else: a follow is the person's own business.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Message, NotFound
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    IdeaFollower,
    IdeaNotice,
    ItemStatus,
    NoticeKind,
    Person,
    Team,
)

# The request that made a change sends its notices at once; the scheduler waits this long for
# it before sending what is left.
GRACE = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)  # attempts back off 1, 2, 4... minutes, up to this
REPORT_AFTER = 3  # failed attempts after which the team's admin channel hears of it, once
EXPIRES = dt.timedelta(days=7)  # a notice still not sent after a week is given up
# Slack's answers that say a DM will never reach this person: they left Slack, or are a bot.
UNREACHABLE = frozenset(
    {"user_not_found", "account_inactive", "user_disabled", "channel_not_found", "cannot_dm_bot"}
)
EXPIRED = "expired"


# --- following -------------------------------------------------------------------------------


def _item(session: Session, item_id: int) -> BacklogItem:
    item = session.scalar(select(BacklogItem).where(BacklogItem.id == item_id))
    if item is None:
        raise NotFound(Message(N_("That backlog item no longer exists.")))
    return item


def follow(
    session: Session, item_id: int, person: Person, now: dt.datetime
) -> tuple[BacklogItem, bool]:
    """`person` follows the item from now on; False if they already did. A declined idea has
    nothing more to tell."""
    item = _item(session, item_id)
    if is_following(session, item.id, person):
        return item, False
    if item.status is ItemStatus.DECLINED:
        raise Conflict(Message(N_("This idea was declined: there is nothing more to follow.")))
    session.add(IdeaFollower(item_id=item.id, person_id=person.id, followed_at=now))
    session.flush()  # two clicks at once: the second fails here, and its retry finds the first
    return item, True


def unfollow(session: Session, item_id: int, person: Person) -> tuple[BacklogItem, bool]:
    """`person` no longer follows the item (nor gets the notices still owed); False if they
    did not."""
    item = _item(session, item_id)
    deleted = session.execute(
        delete(IdeaFollower).where(
            IdeaFollower.item_id == item.id, IdeaFollower.person_id == person.id
        )
    )
    removed = cast(CursorResult[Any], deleted).rowcount
    session.execute(
        delete(IdeaNotice).where(
            IdeaNotice.item_id == item.id,
            IdeaNotice.person_id == person.id,
            IdeaNotice.sent_at.is_(None),
            IdeaNotice.failure.is_(None),
        )
    )
    return item, bool(removed)


def is_following(session: Session, item_id: int, person: Person) -> bool:
    return (
        session.scalar(
            select(IdeaFollower.item_id).where(
                IdeaFollower.item_id == item_id, IdeaFollower.person_id == person.id
            )
        )
        is not None
    )


def add_followers(session: Session, item_id: int, person_ids: list[int], now: dt.datetime) -> None:
    """These people follow the item too (a split's follow-ups get the first slice's)."""
    for person_id in dict.fromkeys(person_ids):
        session.add(IdeaFollower(item_id=item_id, person_id=person_id, followed_at=now))


def follower_ids(session: Session, item_id: int) -> list[int]:
    return list(
        session.scalars(
            select(IdeaFollower.person_id)
            .where(IdeaFollower.item_id == item_id)
            .order_by(IdeaFollower.person_id)
        )
    )


# --- the outbox ------------------------------------------------------------------------------


def notify(
    session: Session,
    item: BacklogItem,
    kind: NoticeKind,
    actor: Person | None,
    now: dt.datetime,
    *,
    change: str | None = None,
    **data: Any,
) -> int:
    """Record what the item's followers are owed for this change (`change`, unique per
    follower; the kind by default), but nothing for `actor`, who made it, nor for anyone who
    left Slack. In the caller's transaction; returns how many notices it recorded."""
    key = change or kind.value
    owed = set(
        session.scalars(
            select(IdeaNotice.person_id).where(
                IdeaNotice.item_id == item.id, IdeaNotice.change == key
            )
        )
    )
    followers = session.scalars(
        select(Person.id)
        .join(IdeaFollower, IdeaFollower.person_id == Person.id)
        .where(IdeaFollower.item_id == item.id, Person.deleted.is_(False), Person.is_bot.is_(False))
        .order_by(Person.id)
    )
    recorded = 0
    for person_id in followers:
        if person_id in owed or (actor is not None and person_id == actor.id):
            continue
        session.add(
            IdeaNotice(
                item_id=item.id,
                person_id=person_id,
                kind=kind,
                change=key,
                data=data,
                created_at=now,
                attempts=0,
                next_try_at=now + GRACE,
            )
        )
        recorded += 1
    return recorded


def result_change(result: str, figure: str | None) -> str:
    """The change key of an experiment's result: a result recorded again as it was owes
    nothing; a different result or figure is news."""
    digest = hashlib.sha1((figure or "").encode()).hexdigest()[:12]
    return f"result:{result}:{digest}"


def pending(session: Session, item_ids: list[int]) -> list[int]:
    """The ids of the notices still owed about these items, oldest first."""
    if not item_ids:
        return []
    return list(
        session.scalars(
            select(IdeaNotice.id)
            .where(
                IdeaNotice.item_id.in_(item_ids),
                IdeaNotice.sent_at.is_(None),
                IdeaNotice.failure.is_(None),
            )
            .order_by(IdeaNotice.id)
        )
    )


@dataclass(frozen=True)
class Due:
    notice_id: int
    workspace_id: int
    attempts: int
    due_at: dt.datetime


def due(session: Session, until: dt.datetime) -> list[Due]:
    """Notices still owed whose time has come, in every workspace (an unscoped session): the
    scheduler's (ix_idea_notices_pending)."""
    rows = session.execute(
        select(IdeaNotice.id, IdeaNotice.workspace_id, IdeaNotice.attempts, IdeaNotice.next_try_at)
        .where(
            IdeaNotice.sent_at.is_(None),
            IdeaNotice.failure.is_(None),
            IdeaNotice.next_try_at <= until,
        )
        .order_by(IdeaNotice.next_try_at, IdeaNotice.id)
    ).tuples()
    return [Due(*row) for row in rows]


@dataclass(frozen=True)
class Owed:
    """A notice, locked, with what its DM says."""

    notice: IdeaNotice
    item: BacklogItem
    team: Team
    follower: Person
    submitter: bool  # the follower submitted the idea
    slices: list[tuple[int, str]]  # a split's follow-ups: (id, title)


def claim(session: Session, notice_id: int, now: dt.datetime) -> Owed | None:
    """The notice, locked until the caller's transaction ends, if it is still owed: None when
    it was sent meanwhile (by the request or the scheduler) or will never be. One owed for a
    week is given up here."""
    notice = session.scalar(select(IdeaNotice).where(IdeaNotice.id == notice_id).with_for_update())
    if notice is None or notice.sent_at is not None or notice.failure is not None:
        return None
    if now - notice.created_at > EXPIRES:
        notice.failure = EXPIRED
        return None
    item = session.get_one(BacklogItem, notice.item_id)
    slices = []
    if notice.kind is NoticeKind.SPLIT:
        slices = [
            (row.id, row.title)
            for row in session.execute(
                select(BacklogItem.id, BacklogItem.title)
                .where(BacklogItem.split_from_id == item.id)
                .order_by(BacklogItem.slice_number, BacklogItem.id)
            )
        ]
    return Owed(
        notice=notice,
        item=item,
        team=session.get_one(Team, item.team_id),
        follower=session.get_one(Person, notice.person_id),
        submitter=item.submitter_id == notice.person_id,
        slices=slices,
    )


def sent(notice: IdeaNotice, now: dt.datetime) -> None:
    notice.sent_at = now


def not_sent(notice: IdeaNotice, reason: str, now: dt.datetime) -> bool:
    """A DM that did not go: never again if Slack says it cannot reach the person, else tried
    again later, backing off. True when this failure is the one to report (once per notice)."""
    notice.last_error = reason[:100]
    if reason in UNREACHABLE:
        notice.failure = reason[:100]
        return False
    notice.attempts += 1
    notice.next_try_at = now + min(dt.timedelta(minutes=2 ** (notice.attempts - 1)), RETRY_MAX)
    return notice.attempts == REPORT_AFTER


__all__ = [
    "EXPIRES",
    "GRACE",
    "REPORT_AFTER",
    "Due",
    "Owed",
    "add_followers",
    "claim",
    "due",
    "follow",
    "follower_ids",
    "is_following",
    "not_sent",
    "notify",
    "pending",
    "result_change",
    "sent",
    "unfollow",
]
