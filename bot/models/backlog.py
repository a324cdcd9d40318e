"""The marketing backlog: items, votes, and the append-only history of changes."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.activity import Activity
from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum, utcnow
from bot.models.workspace import Person

TITLE_MAX = 150
DESCRIPTION_MAX = 2000
HYPOTHESIS_MAX = 500
KPI_MAX = 150
DECLINE_REASON_MAX = 500
VALUE_RANGE = range(1, 11)  # customer and business value, 1 (least) to 10 (most)
EFFORT_POINTS = (1, 2, 3, 5, 8, 13, 21)


class ItemKind(enum.StrEnum):
    EXPERIMENT = "experiment"
    CAMPAIGN = "campaign"
    CONTENT = "content"
    KEEP_THE_LIGHTS_ON = "keep_the_lights_on"


class ItemStatus(enum.StrEnum):
    PROPOSED = "proposed"  # submitted, awaiting the owner's triage
    READY = "ready"  # accepted into the backlog
    DECLINED = "declined"
    PLANNED = "planned"  # committed to a sprint: out of the backlog while the sprint runs
    DONE = "done"  # finished in a sprint


class ExperimentResult(enum.StrEnum):
    WON = "won"
    LOST = "lost"
    INCONCLUSIVE = "inconclusive"


class ExperimentDecision(enum.StrEnum):
    """What the owner does with an experiment once its result is in."""

    STOP = "stop"  # no more work on it
    CONTINUE = "continue"  # keep testing it, as it is or with a variant
    SCALE = "scale"  # it won: more reach, budget or channels


class BacklogItem(WorkspaceOwned, Base):
    __tablename__ = "backlog_items"
    __workspace_index__ = False  # ix_backlog_items_order leads with workspace_id
    __table_args__ = (
        CheckConstraint("effort IS NULL OR effort > 0", name="effort_positive"),
        CheckConstraint(
            "customer_value IS NULL OR customer_value BETWEEN 1 AND 10", name="customer_value"
        ),
        CheckConstraint(
            "business_value IS NULL OR business_value BETWEEN 1 AND 10", name="business_value"
        ),
        CheckConstraint("vote_count >= 0", name="vote_count"),
        CheckConstraint("activity IS NULL OR activity_id IS NULL", name="one_activity"),
        # Serves the backlog page (equality on workspace, team and status, then the order,
        # scanned backward: see services.backlog.ORDER), reading only the rows shown; the
        # counts come from the team row (see models.team). Every query carries workspace_id (bot.db), so it leads; it replaces
        # the plain workspace_id index, which SQLite's planner would pick and scan instead.
        Index(
            "ix_backlog_items_order",
            "workspace_id",
            "team_id",
            "status",
            "position",
            "score",
            "vote_count",
            "id",
        ),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[ItemKind] = mapped_column(string_enum(ItemKind, "item_kind"))
    # The social-media process it belongs to (bot.models.activity), for the team's averages
    # of estimate against actual effort: a built-in one by its key, or one of the team's own
    # (a team_activities id). No foreign key: this table is altered in place on SQLite (its
    # triggers), where a REFERENCES added so is not read back; and activities are never
    # deleted, only retired, and go with their team.
    activity: Mapped[Activity | None] = mapped_column(string_enum(Activity, "item_activity"))
    activity_id: Mapped[int | None]
    hypothesis: Mapped[str | None] = mapped_column(Text)
    kpi: Mapped[str | None] = mapped_column(String(KPI_MAX))
    # Indexed for a person's own ideas (the Home tab), newest first: the index holds the id.
    submitter_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The submitter's own view, a starting point for the owner's triage.
    proposed_customer_value: Mapped[int | None]
    proposed_business_value: Mapped[int | None]

    status: Mapped[ItemStatus] = mapped_column(
        string_enum(ItemStatus, "item_status"), default=ItemStatus.PROPOSED
    )
    effort: Mapped[int | None]
    customer_value: Mapped[int | None]
    business_value: Mapped[int | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    triaged_at: Mapped[dt.datetime | None]
    # (customer value + business value) / effort, kept with the values it derives from so that
    # the backlog can be ordered by an index (see services.backlog).
    score: Mapped[float | None] = mapped_column(Float)
    vote_count: Mapped[int] = mapped_column(default=0)
    # The owner's manual order, highest first. NULL everywhere in a team's backlog until the
    # owner first moves an item; from then on every ready item has one (see services.backlog).
    position: Mapped[float | None] = mapped_column(Float)
    # Where the triage card (admin channel) and the public idea card (team channel) were
    # posted, so that both can be updated in place.
    triage_channel_id: Mapped[str | None] = mapped_column(String(32))
    triage_message_ts: Mapped[str | None] = mapped_column(String(32))
    card_channel_id: Mapped[str | None] = mapped_column(String(32))
    card_message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # An experiment's outcome, asked of the owner after the sprint that finished it.
    result: Mapped[ExperimentResult | None] = mapped_column(
        string_enum(ExperimentResult, "experiment_result")
    )
    result_figure: Mapped[str | None] = mapped_column(String(KPI_MAX))  # the KPI's value
    learning: Mapped[str | None] = mapped_column(Text)
    result_recorded_at: Mapped[dt.datetime | None]
    # The idea that a learning of this experiment became (one click, once).
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="SET NULL")
    )
    # The owner's decision once the result is in (each one also in the history, with who and
    # when), and the experiment this idea is a variant of (indexed: an experiment's variants).
    # No ON DELETE: items go only with their workspace, a variant with its parent, and SQLite
    # keeps none for a column added in place (migration 0015) that Alembic could compare.
    decision: Mapped[ExperimentDecision | None] = mapped_column(
        string_enum(ExperimentDecision, "experiment_decision")
    )
    variant_of_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    # A minimum viable campaign (services.slices): the item split at triage is slice 1, the
    # first that can go live on its own; its follow-ups are slices 2, 3... and point to it
    # (indexed: a first slice's follow-ups). Items are never deleted but with their team, so
    # the reference needs no ON DELETE (which SQLite would not reflect on an added column).
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("backlog_items.id"), index=True)
    slice_number: Mapped[int | None]

    submitter: Mapped[Person] = relationship(foreign_keys=[submitter_id], lazy="raise")


class Vote(WorkspaceOwned, Base):
    __tablename__ = "votes"
    __workspace_index__ = False  # looked up by (item, person) or person
    __table_args__ = (UniqueConstraint("item_id", "person_id"),)

    id: Mapped[IntPK]
    item_id: Mapped[int] = mapped_column(ForeignKey("backlog_items.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    RESCORED = "rescored"
    MOVED = "moved"
    ORDER_RESET = "order_reset"
    VOTE_ADDED = "vote_added"
    VOTE_REMOVED = "vote_removed"
    SPLIT = "split"  # split into a first slice and follow-ups (migration 0014)
    DECIDED = "decided"  # an experiment's stop, continue or scale


class BacklogEvent(WorkspaceOwned, Base):
    """Append-only history: who changed what in a team's backlog, and when. Burnup and metrics
    read it later. The database refuses UPDATEs of this table (see the migration)."""

    __tablename__ = "backlog_events"
    __workspace_index__ = False  # read by item, or by team and time
    __table_args__ = (Index("ix_backlog_events_team_occurred", "team_id", "occurred_at"),)

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("backlog_items.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind, "backlog_event_kind"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = [
    "BacklogEvent",
    "BacklogItem",
    "EventKind",
    "ExperimentDecision",
    "ExperimentResult",
    "ItemKind",
    "ItemStatus",
    "Vote",
]
