"""Claims on scheduled work, so that each occurrence runs exactly once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, utcnow


class JobRun(WorkspaceOwned, Base):
    """One occurrence of a scheduled job, claimed by inserting its unique key.

    The key names the job and its occurrence (`sprint_close:sprint=7`,
    `standup_reminder:team=3:2026-11-27T08:00:00+00:00`); a second scheduler process, a
    restart or a repeated tick fails to insert it again and so skips it.
    """

    __tablename__ = "job_runs"

    id: Mapped[IntPK]
    job_key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(16))  # done | skipped (stale after downtime)
    ran_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JobFailure(WorkspaceOwned, Base):
    """An occurrence that failed, and when it may be tried again: a failure Slack may get over
    (an outage, a timeout) backs off, 1, 2, 4... minutes up to an hour; one no retry can cure
    (a revoked token, an inactive account) stops it for good. Gone when the occurrence runs."""

    __tablename__ = "job_failures"

    id: Mapped[IntPK]
    job_key: Mapped[str] = mapped_column(String(200), unique=True)
    attempts: Mapped[int]
    reason: Mapped[str] = mapped_column(String(100))
    failed_at: Mapped[dt.datetime]
    next_try_at: Mapped[dt.datetime | None]  # None: stopped, never tried again
