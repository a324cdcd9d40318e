"""Slack workspaces and the people in them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, SlackId, WorkspaceOwned, utcnow


class Workspace(Base):
    """A Slack workspace (team) the app is installed in. Root of every other row.

    Suspended when Slack refuses its token for good (revoked, the workspace disabled): none of
    its scheduled jobs runs until the token works again (bot.jobs.workspaces), and then they
    resume where they stopped. Its data is kept meanwhile."""

    __tablename__ = "workspaces"

    id: Mapped[IntPK]
    slack_team_id: Mapped[SlackId] = mapped_column(unique=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    suspended_at: Mapped[dt.datetime | None]
    suspended_reason: Mapped[str | None] = mapped_column(String(100))  # Slack's error code


class Person(WorkspaceOwned, Base):
    """Someone in the workspace the bot has met: a team member or a stakeholder.

    Their role is per team (owner, scrum master, member: see Team). Who they are in Slack (name,
    time zone, locale, whether they are still in the workspace) is read from their profile as soon
    as the bot learns of them, kept fresh by Slack's `user_change` event, and read again when a
    day old (bot.jobs.people). `profile_refreshed_at` is None until Slack has answered once:
    until then time zone and locale are unknown, not guessed.
    """

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[IntPK]
    slack_user_id: Mapped[SlackId]
    display_name: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)
    # Slack says the account is deactivated (they left the workspace), or is a bot's.
    deleted: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_bot: Mapped[bool] = mapped_column(default=False, server_default=false())
    profile_refreshed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
