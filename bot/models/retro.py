"""Retrospectives: items under what worked, what did not and what to try, anonymous by
default; three votes per member; the top "try" items become actions."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum

RETRO_ITEM_MAX = 500
VOTES_PER_MEMBER = 3
TOP_ACTIONS = 3


class RetroState(enum.StrEnum):
    COLLECTING = "collecting"
    VOTING = "voting"
    CLOSED = "closed"


class RetroColumn(enum.StrEnum):
    WORKED = "worked"
    DID_NOT = "did_not"
    TRY = "try"


class Retro(WorkspaceOwned, Base):
    __tablename__ = "retros"
    __table_args__ = (
        UniqueConstraint("sprint_id"),
        Index("ix_retros_state", "state"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprints.id", ondelete="SET NULL"))
    state: Mapped[RetroState] = mapped_column(
        string_enum(RetroState, "retro_state"), default=RetroState.COLLECTING
    )
    named: Mapped[bool]  # the team's choice when it opened; anonymous by default
    opened_at: Mapped[dt.datetime]
    voting_at: Mapped[dt.datetime]  # the collection window ends
    closes_at: Mapped[dt.datetime]  # the voting window ends
    closed_at: Mapped[dt.datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class RetroItem(WorkspaceOwned, Base):
    """One item. For an anonymous retrospective no author is stored at all: nothing in the
    database, and nothing posted, can tell who wrote it."""

    __tablename__ = "retro_items"
    __workspace_index__ = False
    __table_args__ = (Index("ix_retro_items_retro", "retro_id"),)

    id: Mapped[IntPK]
    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"))
    column: Mapped[RetroColumn] = mapped_column(string_enum(RetroColumn, "retro_column"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime]


class RetroVote(WorkspaceOwned, Base):
    __tablename__ = "retro_votes"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("item_id", "person_id"),
        Index("ix_retro_votes_retro_person", "retro_id", "person_id"),
    )

    id: Mapped[IntPK]
    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("retro_items.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime]


class RetroAction(WorkspaceOwned, Base):
    """A top "try" item the team will act on: listed at the next planning and retrospective
    until it is done; the owner may add it to the backlog in one click."""

    __tablename__ = "retro_actions"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("item_id"),
        Index("ix_retro_actions_team_done", "team_id", "done_at"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("retro_items.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    votes: Mapped[int]
    backlog_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="SET NULL")
    )
    done_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]


__all__ = [
    "Retro",
    "RetroAction",
    "RetroColumn",
    "RetroItem",
    "RetroState",
    "RetroVote",
]
