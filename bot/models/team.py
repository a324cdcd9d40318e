"""Agile teams: each bound to a Slack channel, with its roles and cadence settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, IntPK, SlackId, WorkspaceOwned, utcnow
from bot.models.workspace import Person

# Working days as a bitmask, Monday = bit 0 ... Sunday = bit 6 (date.weekday() order).
MONDAY_TO_FRIDAY = 0b0011111


class Team(WorkspaceOwned, Base):
    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id"),
        CheckConstraint("sprint_length_weeks BETWEEN 1 AND 4", name="sprint_length"),
        CheckConstraint("working_days BETWEEN 1 AND 127", name="working_days"),
        CheckConstraint("language IN ('en', 'it', 'nl')", name="language"),
        CheckConstraint("standup_days BETWEEN 1 AND 127", name="standup_days"),
        CheckConstraint(
            "standup_second_reminder_minutes = 0 OR (standup_reminder_minutes > 0 AND "
            "standup_second_reminder_minutes > standup_reminder_minutes)",
            name="second_reminder_after_first",
        ),
        CheckConstraint("wip_limit BETWEEN 1 AND 99", name="wip_limit"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
    )

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[SlackId]
    admin_channel_id: Mapped[SlackId]
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    scrum_master_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    sprint_length_weeks: Mapped[int] = mapped_column(default=2)
    standup_time: Mapped[dt.time] = mapped_column(Time, default=dt.time(9, 30))
    working_days: Mapped[int] = mapped_column(default=MONDAY_TO_FRIDAY)
    # The days of the standup, as a bitmask like working_days (one day: a weekly check-in);
    # None: every working day.
    standup_days: Mapped[int | None]
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(2), default="en")
    # What "done" means for this team: shown to confirm before an item is marked done.
    definition_of_done: Mapped[str | None] = mapped_column(Text)
    # Where the sprint showcase is posted for stakeholders; the team channel when unset.
    showcase_channel_id: Mapped[str | None] = mapped_column(String(32))
    # Minutes after the standup prompt before a friendly reminder to those who have not
    # answered (0: no reminder), and before a second one (0: none; later than the first).
    standup_reminder_minutes: Mapped[int] = mapped_column(default=120, server_default="120")
    standup_second_reminder_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    # Retrospectives: items anonymous unless the scrum master names them; the collection and
    # the voting windows each last this many working days.
    retro_named: Mapped[bool] = mapped_column(default=False, server_default=false())
    retro_window_days: Mapped[int] = mapped_column(default=1, server_default="1")
    # Whether retrospectives offer the team's health check (the scrum master turns it on).
    retro_health: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The most items the team has in progress (doing) at once; None: no limit. Going over it
    # is allowed: the board says so and whoever started one more is nudged, never blocked.
    wip_limit: Mapped[int | None]
    # The weekly digest for stakeholders: the weekday (0 = Monday; None: no digest) and the
    # time, in the team's time zone (the scrum master chooses them).
    digest_weekday: Mapped[int | None]
    digest_time: Mapped[dt.time] = mapped_column(
        Time, default=dt.time(9, 0), server_default="09:00:00"
    )
    # When the digest's day or time was last chosen: a digest due before that is not posted.
    digest_since: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # How many of the team's backlog items are ready and how many await triage, kept by
    # triggers on backlog_items (see migration 0002) so that a backlog page of a team with
    # thousands of items need not count them. The application only reads them.
    ready_items: Mapped[int] = mapped_column(default=0, server_default="0")
    proposed_items: Mapped[int] = mapped_column(default=0, server_default="0")

    owner: Mapped[Person] = relationship(foreign_keys=[owner_id], lazy="joined")
    scrum_master: Mapped[Person] = relationship(foreign_keys=[scrum_master_id], lazy="joined")
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", lazy="raise"
    )


class TeamMember(WorkspaceOwned, Base):
    """A person who does the team's work (the owner and scrum master may be members too)."""

    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the scrum master was told that this member has left Slack (once, not every day).
    left_slack_told_at: Mapped[dt.datetime | None]

    team: Mapped[Team] = relationship(back_populates="members", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
