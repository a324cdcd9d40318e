"""Activities: the social-media processes a backlog item belongs to (content and editorial,
community and responding, outreach...), so that the team learns how long each really takes.

The built-in activities need no row: an item names one by its key, and each reader sees it in
their own language. A row is a team's own word for a built-in one (or its choice not to offer
it), or an activity the team added. Rows are never deleted while items may name them: an
activity the team stops offering is retired, and its items keep it.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, IntPK, WorkspaceOwned, string_enum

ACTIVITY_NAME_MAX = 40  # characters of an activity's name: it goes into options and a CSV
OWN_ACTIVITIES_MAX = 10  # activities a team adds of its own (offered at once)


class Activity(enum.StrEnum):
    """The processes of a social-media team (Smart Insights, "Social media strategy and
    planning essentials", part 7), with campaigns."""

    CONTENT = "content"  # content and editorial
    COMMUNITY = "community"  # community management and responding
    OUTREACH = "outreach"
    NETWORKING = "networking"
    MONITORING = "monitoring"  # monitoring and listening
    MEASUREMENT = "measurement"  # measurement and reporting
    OPTIMISATION = "optimisation"
    CAMPAIGN = "campaign"


class TeamActivity(WorkspaceOwned, Base):
    """A team's own activity (`builtin` NULL), or its word for a built-in one (`name` NULL:
    the built-in's words, only `retired`)."""

    __tablename__ = "team_activities"
    __workspace_index__ = False  # read by team: the unique key leads with it
    __table_args__ = (
        UniqueConstraint("team_id", "builtin"),
        CheckConstraint("builtin IS NOT NULL OR name IS NOT NULL", name="builtin_or_name"),
    )

    id: Mapped[IntPK]
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    builtin: Mapped[Activity | None] = mapped_column(string_enum(Activity, "builtin_activity"))
    name: Mapped[str | None] = mapped_column(String(ACTIVITY_NAME_MAX))
    # No longer offered in the forms; the items that name it keep it.
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


__all__ = ["ACTIVITY_NAME_MAX", "OWN_ACTIVITIES_MAX", "Activity", "TeamActivity"]
