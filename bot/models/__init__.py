"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from bot.models.backlog import BacklogEvent, BacklogItem, EventKind, ItemKind, ItemStatus, Vote
from bot.models.base import Base, WorkspaceOwned, utcnow
from bot.models.scheduling import JobRun
from bot.models.team import MONDAY_TO_FRIDAY, Team, TeamMember
from bot.models.workspace import Person, Workspace

__all__ = [
    "MONDAY_TO_FRIDAY",
    "BacklogEvent",
    "BacklogItem",
    "Base",
    "EventKind",
    "ItemKind",
    "ItemStatus",
    "JobRun",
    "Person",
    "Team",
    "TeamMember",
    "Vote",
    "Workspace",
    "WorkspaceOwned",
    "utcnow",
]
