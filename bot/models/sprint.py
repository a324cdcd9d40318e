"""Sprints: what a team committed to, how each item moves, and the ledger of scope and
progress that the burnup chart is drawn from."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.backlog import BacklogItem
from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum, utcnow

GOAL_MAX = 300
SERVES_MAX = 150
LENGTH_WEEKS = range(1, 5)


class SprintState(enum.StrEnum):
    PLANNED = "planned"  # not started yet
    ACTIVE = "active"
    CLOSED = "closed"


class WorkState(enum.StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class ChangeKind(enum.StrEnum):
    COMMITTED = "committed"  # in the sprint from its planning
    ADDED = "added"  # added while the sprint runs: scope change
    REMOVED = "removed"  # taken out: scope change
    ESTIMATE = "estimate"  # its points changed: scope change
    MOVED = "moved"  # to do, doing, done


class Sprint(WorkspaceOwned, Base):
    """A timebox of 1 to 4 weeks with a goal. Dates are the team's local calendar dates; the
    instants it starts and closes follow from them and the team's time zone (services.sprints).
    """

    __tablename__ = "sprints"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        CheckConstraint("length_weeks BETWEEN 1 AND 4", name="length_weeks"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        # The scheduler looks for sprints to start and close, in every workspace.
        Index("ix_sprints_state", "state"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2, 3... per team
    goal: Mapped[str] = mapped_column(Text)
    serves: Mapped[str | None] = mapped_column(String(SERVES_MAX))  # an objective or KPI
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]  # the last calendar day: start + length - 1 day
    length_weeks: Mapped[int]
    capacity: Mapped[int]  # points
    state: Mapped[SprintState] = mapped_column(
        string_enum(SprintState, "sprint_state"), default=SprintState.PLANNED
    )
    started_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    # The announcement in the team channel, whose item list is kept up to date.
    message_channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The showcase, whose thread later gets each experiment's result.
    showcase_channel_id: Mapped[str | None] = mapped_column(String(32))
    showcase_ts: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SprintItem(WorkspaceOwned, Base):
    """A backlog item in a sprint, with its state and its current estimate."""

    __tablename__ = "sprint_items"
    __workspace_index__ = False  # read by sprint
    __table_args__ = (
        UniqueConstraint("sprint_id", "item_id"),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("actual_points IS NULL OR actual_points > 0", name="actual_points"),
    )

    id: Mapped[IntPK]
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[WorkState] = mapped_column(
        string_enum(WorkState, "work_state"), default=WorkState.TODO
    )
    points: Mapped[int]
    committed: Mapped[bool]  # in the sprint from its planning, not added later
    added_at: Mapped[dt.datetime]
    removed_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    # What it really took, in the points of the estimate, if the team said so when it was
    # marked done (cleared when it is reopened): the averages per activity come from it.
    actual_points: Mapped[int | None]

    item: Mapped[BacklogItem] = relationship(lazy="raise")


class SprintChange(WorkspaceOwned, Base):
    """The sprint's ledger, append-only: every change of scope or progress, with its time and
    its effect in points. Scope and done at any instant are the sums of the deltas up to it,
    so a snapshot taken late (after downtime) is still exact. UPDATEs are refused by the
    database (see the migration)."""

    __tablename__ = "sprint_changes"
    __workspace_index__ = False
    __table_args__ = (Index("ix_sprint_changes_sprint_occurred", "sprint_id", "occurred_at"),)

    id: Mapped[IntPK]
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[ChangeKind] = mapped_column(string_enum(ChangeKind, "sprint_change_kind"))
    scope_points: Mapped[int] = mapped_column(default=0)  # delta
    scope_items: Mapped[int] = mapped_column(default=0)  # delta
    done_points: Mapped[int] = mapped_column(default=0)  # delta
    done_items: Mapped[int] = mapped_column(default=0)  # delta
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[dt.datetime]


class SprintSnapshot(WorkspaceOwned, Base):
    """Scope and done at the close of one working day of a sprint (the burnup's points)."""

    __tablename__ = "sprint_snapshots"
    __workspace_index__ = False
    __table_args__ = (UniqueConstraint("sprint_id", "day"),)

    id: Mapped[IntPK]
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprints.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    scope_points: Mapped[int]
    scope_items: Mapped[int]
    done_points: Mapped[int]
    done_items: Mapped[int]
    taken_at: Mapped[dt.datetime]


__all__ = [
    "ChangeKind",
    "Sprint",
    "SprintChange",
    "SprintItem",
    "SprintSnapshot",
    "SprintState",
    "WorkState",
]
