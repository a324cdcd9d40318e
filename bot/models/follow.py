"""Followed ideas: who follows which idea, and the outbox of the DMs owed to them.

A change of an idea's status (accepted, declined, split, planned into a sprint, done, an
experiment's result) records one notice per follower in the transaction that makes it; the
DMs go after the commit (bot.messaging.follows), each exactly once, whoever sends it: the
request that made the change, or the scheduler for any left over (bot.jobs.follows).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum, utcnow

CHANGE_MAX = 64


class NoticeKind(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SPLIT = "split"  # accepted or rescored as a campaign's first slice, with follow-ups
    PLANNED = "planned"  # committed to a sprint, or added to a running one
    DONE = "done"  # moved to done on the sprint board
    RESULT = "result"  # an experiment's result recorded (or changed)


class IdeaFollower(WorkspaceOwned, Base):
    """Someone who follows an idea (a backlog item): its submitter from the start, and anyone
    who chose to. Nothing about them is counted or shown to others."""

    __tablename__ = "idea_followers"
    __workspace_index__ = False  # read by item (its followers) and by (item, person)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    followed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdeaNotice(WorkspaceOwned, Base):
    """One DM owed to one follower about one change of an idea: the outbox.

    Recorded with the change, so that a change is never without its notices nor a notice
    without its change; `change` names the change, unique per follower and item, so that a
    change repeated (a double click, Reopen then Done again) owes nothing new. Whoever sends it
    locks the row first and records `sent_at` in the same transaction; a failure Slack may get
    over counts an attempt and waits for `next_try_at`; one no retry cures (the person left
    Slack) is kept in `failure` and never sent."""

    __tablename__ = "idea_notices"
    __workspace_index__ = False  # read by item, or the scheduler's pending ones
    __table_args__ = (
        UniqueConstraint("item_id", "person_id", "change"),
        # What the scheduler looks for: notices still owed, by when they are due.
        Index(
            "ix_idea_notices_pending",
            "next_try_at",
            sqlite_where=sql_text("sent_at IS NULL AND failure IS NULL"),
            postgresql_where=sql_text("sent_at IS NULL AND failure IS NULL"),
        ),
    )

    id: Mapped[IntPK]
    item_id: Mapped[int] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(string_enum(NoticeKind, "idea_notice_kind"))
    change: Mapped[str] = mapped_column(String(CHANGE_MAX))
    # What the DM says beyond the item itself, as it was at the change: the sprint, the result.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(100))  # Slack's reason, for the log
    failure: Mapped[str | None] = mapped_column(String(100))  # never to be sent, and why


__all__ = ["IdeaFollower", "IdeaNotice", "NoticeKind"]
