"""Retrospectives: items under what worked, what did not and what to try, anonymous by
default; three votes per member; the top "try" items become actions, one of which may be the
team's focus. Notes taken during a sprint wait for the next retrospective; the team's health
is rated 1 to 5 and kept as sums only."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum

RETRO_ITEM_MAX = 500
VOTES_PER_MEMBER = 3
TOP_ACTIONS = 3
HEALTH_SCALE = (1, 5)  # a statement is rated from 1 (not at all) to 5 (fully)
HEALTH_MIN_ANSWERS = 3  # fewer answers and the averages could tell who gave what


class RetroState(enum.StrEnum):
    COLLECTING = "collecting"
    VOTING = "voting"
    CLOSED = "closed"


class RetroColumn(enum.StrEnum):
    WORKED = "worked"
    DID_NOT = "did_not"
    TRY = "try"


class HealthStatement(enum.StrEnum):
    """The statements of the team's health check (their words are in bot.views.retro)."""

    VALUE = "value"  # we deliver value to our customers
    GOAL = "goal"  # we know what we are working towards
    PACE = "pace"  # our pace is sustainable
    LEARNING = "learning"  # we try things out and learn from them
    TOGETHER = "together"  # we enjoy working together


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
    # Whether it offers the team's health check: the team's choice when it opened (or when
    # the scrum master turned it on while it was open).
    health: Mapped[bool] = mapped_column(default=False, server_default=false())
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
    until it is done; the owner may add it to the backlog in one click. The scrum master may
    make one action the team's focus: shown on the sprint board, asked about first at the next
    retrospective. One per team, at most: the partial unique index keeps it so."""

    __tablename__ = "retro_actions"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("item_id"),
        Index("ix_retro_actions_team_done", "team_id", "done_at"),
        Index(
            "ix_retro_actions_team_focus",
            "team_id",
            unique=True,
            sqlite_where=sql_text("focus"),
            postgresql_where=sql_text("focus"),
        ),
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
    focus: Mapped[bool] = mapped_column(default=False, server_default=false())


class RetroNote(WorkspaceOwned, Base):
    """An item noted during a sprint for the team's next retrospective. Nobody sees it, nor
    how many there are; when the retrospective opens it becomes one of its items and this row
    goes, in the same transaction. An anonymous note keeps no author and no time: only the
    hash of a key that the noter's confirmation holds, so that they (and nobody else, not
    even the bot) can remove it while it waits."""

    __tablename__ = "retro_notes"
    __workspace_index__ = False
    __table_args__ = (Index("ix_retro_notes_team", "team_id"),)

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    column: Mapped[RetroColumn] = mapped_column(string_enum(RetroColumn, "retro_column"))
    text: Mapped[str] = mapped_column(Text)
    # Only when the team's retrospectives were named when it was noted.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    removal_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the removal key, hex


class RetroHealthScore(WorkspaceOwned, Base):
    """The team's ratings of one statement at one retrospective, as a count and a sum: no row
    per answer, so no rating can be tied to who gave it, nor to when, nor to an order."""

    __tablename__ = "retro_health_scores"
    __workspace_index__ = False
    __table_args__ = (
        CheckConstraint("total BETWEEN answers AND answers * 5", name="total_in_scale"),
    )

    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retros.id", ondelete="CASCADE"), primary_key=True
    )
    statement: Mapped[HealthStatement] = mapped_column(
        string_enum(HealthStatement, "health_statement"), primary_key=True
    )
    answers: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)


class RetroHealthRespondent(WorkspaceOwned, Base):
    """Who has rated the team's health at a retrospective, so that nobody rates twice: kept
    apart from the ratings, with no time and nothing of what they rated, and never shown."""

    __tablename__ = "retro_health_respondents"
    __workspace_index__ = False

    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retros.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )


__all__ = [
    "HealthStatement",
    "Retro",
    "RetroAction",
    "RetroColumn",
    "RetroHealthRespondent",
    "RetroHealthScore",
    "RetroItem",
    "RetroNote",
    "RetroState",
    "RetroVote",
]
