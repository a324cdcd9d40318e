"""Asynchronous standups: the team's own questions (versioned, so that every answer keeps the
questions it answered), who takes part and at what time of their own, prompts and reminders,
answers in one thread per day, blockers raised to the scrum master, away periods and team
holidays."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum

ANSWER_MAX = 1500
NOTE_MAX = 80
QUESTIONS_MAX = 5  # questions a team's standup asks, at most
QUESTION_MAX = 150  # characters of a question the scrum master writes


class QuestionKind(enum.StrEnum):
    TEXT = "text"  # a free-text answer
    BLOCKER = "blocker"  # yes or no: "anything blocking you?"; yes raises a blocker


class Preset(enum.StrEnum):
    """The three questions every team starts with. Stored by name, not by their words, so
    that each reader sees them in their own language."""

    DONE = "done"
    NEXT = "next"
    BLOCKERS = "blockers"


class StandupQuestionSet(WorkspaceOwned, Base):
    """One version of a team's standup questions; the latest is the team's. A set is never
    changed: new questions make a new set, and each answer names the set it answered. A team
    without any set asks the three presets (and answers that name no set answered them)."""

    __tablename__ = "standup_question_sets"
    __workspace_index__ = False
    __table_args__ = (Index("ix_standup_question_sets_team", "team_id", "id"),)

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))


class StandupQuestion(WorkspaceOwned, Base):
    """A question of a set, at its place: a preset (worded in the reader's language) or the
    scrum master's own words (shown as written)."""

    __tablename__ = "standup_questions"
    __workspace_index__ = False
    __table_args__ = (
        UniqueConstraint("question_set_id", "position"),
        CheckConstraint(f"position BETWEEN 0 AND {QUESTIONS_MAX - 1}", name="position"),
        CheckConstraint("(preset IS NULL) <> (text IS NULL)", name="preset_or_text"),
    )

    id: Mapped[IntPK]
    question_set_id: Mapped[int] = mapped_column(
        ForeignKey("standup_question_sets.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(string_enum(QuestionKind, "standup_question_kind"))
    preset: Mapped[Preset | None] = mapped_column(string_enum(Preset, "standup_preset"))
    text: Mapped[str | None] = mapped_column(String(QUESTION_MAX))


class StandupParticipant(WorkspaceOwned, Base):
    """A person's part in a team's standups where it is their own: whether they are asked
    (None: as their role has it, members yes, the marketing owner and the scrum master no
    unless they are members) and the time of their own (None: the team's)."""

    __tablename__ = "standup_participants"
    __workspace_index__ = False

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    asked: Mapped[bool | None]
    own_time: Mapped[dt.time | None] = mapped_column(Time)
    updated_at: Mapped[dt.datetime]


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
    """A member was asked for the standup of `day` (and perhaps reminded, up to twice)."""

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
    reminded_at: Mapped[dt.datetime | None]  # the latest reminder
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")


class StandupAnswer(WorkspaceOwned, Base):
    """A member's answers to the questions of a set (None: the three presets), one reply per
    question in its order: the text, or for the blocker question what blocks them (None: no)."""

    __tablename__ = "standup_answers"
    __workspace_index__ = False
    __table_args__ = (UniqueConstraint("standup_day_id", "person_id"),)

    id: Mapped[IntPK]
    standup_day_id: Mapped[int] = mapped_column(ForeignKey("standup_days.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    question_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("standup_question_sets.id", ondelete="CASCADE")
    )
    replies: Mapped[list[Any]] = mapped_column(JSON, default=list)
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
    "Preset",
    "QuestionKind",
    "StandupAnswer",
    "StandupDay",
    "StandupParticipant",
    "StandupPrompt",
    "StandupQuestion",
    "StandupQuestionSet",
    "TeamHoliday",
]
