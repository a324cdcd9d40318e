"""Asynchronous daily standups: prompts at each member's own standup time, answers in one
thread per day, blockers raised to the scrum master, away periods and team holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned

ANSWER_MAX = 1500
NOTE_MAX = 80


class StandupDay(WorkspaceOwned, Base):
    """A team's standup of one date (each member's local date): the thread it lives in."""

    __tablename__ = "standup_days"
    __workspace_index__ = False
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))  # the parent post
    created_at: Mapped[dt.datetime]


class StandupPrompt(WorkspaceOwned, Base):
    """A member was asked for the standup of `day` (and perhaps reminded, once)."""

    __tablename__ = "standup_prompts"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("team_id", "person_id", "day"),
        Index("ix_standup_prompts_team_day", "team_id", "day"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    due_at: Mapped[dt.datetime]  # the member's standup time that day
    sent_at: Mapped[dt.datetime | None]
    failure: Mapped[str | None] = mapped_column(String(64))  # Slack's error, if it failed
    reminded_at: Mapped[dt.datetime | None]


class StandupAnswer(WorkspaceOwned, Base):
    __tablename__ = "standup_answers"
    __workspace_index__ = False
    __table_args__ = (UniqueConstraint("standup_day_id", "person_id"),)

    id: Mapped[IntPK]
    standup_day_id: Mapped[int] = mapped_column(ForeignKey("standup_days.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    done: Mapped[str | None] = mapped_column(Text)
    next: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[str | None] = mapped_column(Text)
    item_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)  # sprint items mentioned
    reply_ts: Mapped[str | None] = mapped_column(String(32))  # its reply in the day's thread
    answered_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class Blocker(WorkspaceOwned, Base):
    """Something blocking a member, raised to the scrum master's admin channel at once."""

    __tablename__ = "blockers"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("answer_id"),
        Index("ix_blockers_open", "resolved_at", "team_id"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("standup_answers.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime]
    reraised_at: Mapped[dt.datetime | None]
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class BlockerCard(WorkspaceOwned, Base):
    """A message in the admin channel about a blocker: the first raise, and each raise again.
    Resolving the blocker from any of them updates them all."""

    __tablename__ = "blocker_cards"
    __workspace_index__ = False

    id: Mapped[IntPK]
    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("blockers.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    again: Mapped[bool] = mapped_column(default=False)  # "still blocked after two working days"
    posted_at: Mapped[dt.datetime]


class AwayPeriod(WorkspaceOwned, Base):
    """A person is away from `start` to `end` (their local dates, both included): no prompts."""

    __tablename__ = "away_periods"
    __workspace_index__ = False
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        Index("ix_away_periods_person_end", "person_id", "end_date"),
    )

    id: Mapped[IntPK]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    created_at: Mapped[dt.datetime]


class TeamHoliday(WorkspaceOwned, Base):
    """A day off for the whole team (managed by the scrum master): no prompts."""

    __tablename__ = "team_holidays"
    __workspace_index__ = False
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[dt.datetime]


__all__ = [
    "AwayPeriod",
    "Blocker",
    "BlockerCard",
    "StandupAnswer",
    "StandupDay",
    "StandupPrompt",
    "TeamHoliday",
]
