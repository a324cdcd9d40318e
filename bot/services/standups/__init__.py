"""Asynchronous standups, the team's way: its own questions (versioned, so answers keep the
questions they answered), its own days, who takes part and at what time of their own, up to
two reminders, answers in one thread per day, blockers raised to the scrum master, away
periods and team holidays, and the week at a glance.

One module per part; everything is importable from here as `standups.<name>`:
- `schedule`: who is asked when (rhythm, time zones, own times), prompts and reminders due;
- `questions`: the team's question sets and the presets;
- `participants`: who takes part, and a time of one's own;
- `setup`: the scrum master's set-up form (questions, days, who is asked);
- `answers`: answers, their day's thread count, and the blocker an answer raises;
- `blockers`: blockers raised again and resolved;
- `days_off`: away periods and team holidays;
- `week`: the week at a glance.
"""

from bot.services.standups.answers import (
    ITEMS_MAX,
    LATE_DAYS,
    LATE_DAYS_WEEKLY,
    AnswerDraft,
    Saved,
    answer_of,
    participation,
    participation_of,
    save_answer,
    sprint_items,
    standup_day,
    standup_team,
)
from bot.services.standups.blockers import (
    BLOCKER_RERAISE_WORKING_DAYS,
    add_card,
    cards,
    open_blockers,
    reraise_due,
    resolve_blocker,
    team_holidays,
)
from bot.services.standups.days_off import (
    add_holiday,
    come_back,
    holidays,
    remove_holiday,
    set_away,
)
from bot.services.standups.participants import (
    is_in_team,
    own_time,
    parse_time,
    participants,
    require_in_team,
    require_participant,
    reset_own_time,
    set_own_time,
    takes_part,
)
from bot.services.standups.questions import (
    DEFAULT_QUESTIONS,
    DEFAULT_SET,
    PRESET_WORDS,
    Question,
    QuestionSet,
    current_questions,
    question_set,
    question_sets,
    team_and_question_count,
)
from bot.services.standups.schedule import (
    GONE_FROM_SLACK,
    PROMPT_STALE,
    UNREACHABLE_DAYS,
    Calendar,
    Due,
    calendar,
    due_prompts,
    is_standup_day,
    is_weekly,
    local_today,
    member_zone,
    next_standup_day,
    person_today,
    prompt_at,
    record_prompts,
    reminder_delays,
    standup_days,
    to_remind,
)
from bot.services.standups.setup import (
    CurrentSetup,
    StandupSetup,
    current_setup,
    save_setup,
)
from bot.services.standups.week import Week, WeekBlocker, WeekDay, week

__all__ = [
    "BLOCKER_RERAISE_WORKING_DAYS",
    "DEFAULT_QUESTIONS",
    "DEFAULT_SET",
    "GONE_FROM_SLACK",
    "ITEMS_MAX",
    "LATE_DAYS",
    "LATE_DAYS_WEEKLY",
    "PRESET_WORDS",
    "PROMPT_STALE",
    "UNREACHABLE_DAYS",
    "AnswerDraft",
    "Calendar",
    "CurrentSetup",
    "Due",
    "Question",
    "QuestionSet",
    "Saved",
    "StandupSetup",
    "Week",
    "WeekBlocker",
    "WeekDay",
    "add_card",
    "add_holiday",
    "answer_of",
    "calendar",
    "cards",
    "come_back",
    "current_questions",
    "current_setup",
    "due_prompts",
    "holidays",
    "is_in_team",
    "is_standup_day",
    "is_weekly",
    "local_today",
    "member_zone",
    "next_standup_day",
    "open_blockers",
    "own_time",
    "parse_time",
    "participants",
    "participation",
    "participation_of",
    "person_today",
    "prompt_at",
    "question_set",
    "question_sets",
    "record_prompts",
    "remove_holiday",
    "reminder_delays",
    "require_in_team",
    "require_participant",
    "reraise_due",
    "reset_own_time",
    "resolve_blocker",
    "save_answer",
    "save_setup",
    "set_away",
    "set_own_time",
    "sprint_items",
    "standup_day",
    "standup_days",
    "standup_team",
    "takes_part",
    "team_and_question_count",
    "team_holidays",
    "to_remind",
    "week",
]
