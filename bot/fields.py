"""The forms' fields: the block ids and input limits that a view draws and a service checks.

A modal's input block id is also the key of its field errors, so the builder that draws the
field and the service that refuses its value must agree on it; they both import it from here,
below either of them, so that no view reaches into a service for a name and no service into
a view. Limits that are a column's length live with their model (`bot.models`).
"""

from __future__ import annotations

# --- the team set-up modal -------------------------------------------------------------------


class TeamField:
    """Input block ids of the team set-up modal."""

    NAME = "team_name"
    ADMIN_CHANNEL = "admin_channel"
    OWNER = "owner"
    SCRUM_MASTER = "scrum_master"
    MEMBERS = "members"
    SPRINT_LENGTH = "sprint_length"
    STANDUP_TIME = "standup_time"
    WORKING_DAYS = "working_days"
    TIME_ZONE = "time_zone"
    LANGUAGE = "language"
    DEFINITION_OF_DONE = "definition_of_done"
    SHOWCASE_CHANNEL = "showcase_channel"
    STANDUP_REMINDER = "standup_reminder"
    STANDUP_SECOND_REMINDER = "standup_second_reminder"
    RETRO_WINDOW = "retro_window"
    WIP_LIMIT = "wip_limit"  # a whole number, or empty: no limit
    DIGEST_DAY = "digest_day"  # a weekday "0" (Monday) to "6", or DIGEST_OFF
    DIGEST_TIME = "digest_time"


TEAM_NAME_MAX = 80
DOD_MAX = 280  # shown in a confirm dialog, whose text Slack caps at 300 characters
REMINDER_CHOICES = (0, 30, 60, 120, 180, 240)  # minutes after the prompt; 0: no reminder
SECOND_REMINDER_CHOICES = (0, 60, 120, 180, 240, 360, 480)  # later than the first; 0: none
RETRO_WINDOW_CHOICES = (1, 2, 3)  # working days to collect, and as many to vote
WIP_LIMIT_MAX = 99  # items in progress at once (the column's check says the same)
DIGEST_OFF = "off"  # the digest day's choice for no weekly digest

# --- ideas, triage and scores ----------------------------------------------------------------


class IdeaField:
    """Input block ids of the idea modal."""

    TEAM = "team"
    TITLE = "title"
    DESCRIPTION = "description"
    KIND = "kind"
    HYPOTHESIS = "hypothesis"
    KPI = "kpi"
    CUSTOMER_VALUE = "customer_value"
    BUSINESS_VALUE = "business_value"
    ACTIVITY = "activity"  # optional: the key of one of the team's activities


class ScoreField:
    """Input block ids of the accept and rescore modals."""

    EFFORT = "effort"
    CUSTOMER_VALUE = "customer_value"
    BUSINESS_VALUE = "business_value"
    ACTIVITY = "activity"  # the key of one of the team's activities; none: as it was


class DeclineField:
    """Input block id of the decline modal."""

    REASON = "reason"


class SplitField:
    """Input block ids of the split modal (a minimum viable campaign): a title and the three
    scores for each slice, n = 0 for the first slice (the item itself), 1 to SPLIT_FOLLOW_UPS
    for its follow-ups."""

    TITLE = "split_{n}_title"
    EFFORT = "split_{n}_effort"
    CUSTOMER_VALUE = "split_{n}_customer_value"
    BUSINESS_VALUE = "split_{n}_business_value"

    @classmethod
    def of(cls, n: int) -> tuple[str, str, str, str]:
        """(title, effort, customer value, business value) of slice `n`."""
        return (
            cls.TITLE.format(n=n),
            cls.EFFORT.format(n=n),
            cls.CUSTOMER_VALUE.format(n=n),
            cls.BUSINESS_VALUE.format(n=n),
        )


SPLIT_FOLLOW_UPS = 3  # follow-ups a split may create at once


# --- sprint planning and experiment results --------------------------------------------------


class SprintField:
    """Input block ids of the planning modal."""

    GOAL = "sprint_goal"
    SERVES = "sprint_serves"
    START = "sprint_start"
    LENGTH = "sprint_length"
    CAPACITY = "sprint_capacity"
    ITEMS = "sprint_items"


CAPACITY_MAX = 1000


class DoneField:
    """Input block id of the modal that marks a sprint item done."""

    ACTUAL = "actual_effort"  # optional: what it really took, in the estimate's points


class ActivityField:
    """Input block ids of the team's activities modal: one per built-in activity (by its key),
    one per activity of the team's own (by its id), and empty ones for new activities."""

    BUILTIN = "activity_builtin_{key}"
    OWN = "activity_own_{id}"
    NEW = "activity_new_{n}"  # n from 1


class ResultField:
    """Input block ids of an experiment's result modal."""

    RESULT = "experiment_result"
    FIGURE = "experiment_figure"
    LEARNING = "experiment_learning"
    DECISION = "experiment_decision"  # stop, continue or scale; may come later


LEARNING_MAX = 1000

# --- standups and retrospectives -------------------------------------------------------------


class StandupField:
    """Input block ids of the standup modal: one per question (the presets' own, else by the
    question's place), the blocker question's yes or no and what blocks, and the items."""

    DONE = "standup_done"
    NEXT = "standup_next"
    QUESTION = "standup_q{n}"  # a free-text question, n from 1
    BLOCKED = "standup_blocked"  # the blocker question: YES or NO
    BLOCKERS = "standup_blockers"  # what blocks them, when YES
    ITEMS = "standup_items"
    YES = "yes"
    NO = "no"

    @classmethod
    def text_reply(cls, position: int, preset: str | None) -> str:
        """The block id of the free-text question at `position` (from 0)."""
        return {"done": cls.DONE, "next": cls.NEXT}.get(preset or "") or cls.QUESTION.format(
            n=position + 1
        )


class StandupSetupField:
    """Input block ids of the scrum master's standup set-up modal."""

    QUESTION = "standup_question_{n}"  # n from 1 to QUESTIONS_MAX (bot.models.standup)
    BLOCKER_QUESTION = "standup_blocker_question"  # "1".."5", or NO_BLOCKER_QUESTION
    DAYS = "standup_days"
    ASKED = "standup_asked"


NO_BLOCKER_QUESTION = "0"


class StandupTimeField:
    """Input block ids of the form for a standup time of one's own (from the Home tab)."""

    TIME = "standup_own_time"  # a timepicker, HH:MM in the person's time zone
    TEAMS_TIME = "standup_own_time_reset"  # checked: back to the team's time
    USE_TEAMS = "team"  # the checkbox's value


class RetroField:
    """Input block ids of the retrospective's item modal (and of the note modal, which takes
    the same two fields), and of the health check: one block per statement."""

    ITEM = "retro_item_text"
    COLUMN = "retro_item_column"
    HEALTH_PREFIX = "retro_health:"  # + the statement, such as "retro_health:pace"
