"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from bot.models.activity import Activity, TeamActivity
from bot.models.backlog import (
    BacklogEvent,
    BacklogItem,
    EventKind,
    ExperimentResult,
    ItemKind,
    ItemStatus,
    Vote,
)
from bot.models.base import Base, WorkspaceOwned, utcnow
from bot.models.follow import IdeaFollower, IdeaNotice, NoticeKind
from bot.models.retro import (
    Retro,
    RetroAction,
    RetroColumn,
    RetroItem,
    RetroState,
    RetroVote,
)
from bot.models.scheduling import JobFailure, JobRun
from bot.models.sprint import (
    ChangeKind,
    Sprint,
    SprintChange,
    SprintItem,
    SprintSnapshot,
    SprintState,
    WorkState,
)
from bot.models.standup import (
    AwayPeriod,
    Blocker,
    BlockerCard,
    Preset,
    QuestionKind,
    StandupAnswer,
    StandupDay,
    StandupParticipant,
    StandupPrompt,
    StandupQuestion,
    StandupQuestionSet,
    TeamHoliday,
)
from bot.models.team import MONDAY_TO_FRIDAY, Team, TeamMember
from bot.models.workspace import Person, Workspace

__all__ = [
    "MONDAY_TO_FRIDAY",
    "Activity",
    "TeamActivity",
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
    "BacklogEvent",
    "BacklogItem",
    "Base",
    "ChangeKind",
    "EventKind",
    "ExperimentResult",
    "IdeaFollower",
    "IdeaNotice",
    "NoticeKind",
    "ItemKind",
    "ItemStatus",
    "JobFailure",
    "JobRun",
    "Person",
    "Retro",
    "RetroAction",
    "RetroColumn",
    "RetroItem",
    "RetroState",
    "RetroVote",
    "Sprint",
    "SprintChange",
    "SprintItem",
    "SprintSnapshot",
    "SprintState",
    "Team",
    "TeamMember",
    "Vote",
    "WorkState",
    "Workspace",
    "WorkspaceOwned",
    "utcnow",
]
