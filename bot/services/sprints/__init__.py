"""Sprints: planning, the sprint's calendar in its team's time zone, moving items, scope
changes, daily snapshots, the start and close that the scheduler (or the scrum master)
triggers, and what the sprints add up to.

One module per concern, each importing only those before it:

- `calendar`: working days and a sprint's instants in the team's time zone (no database);
- `ledger`: every change of scope or progress, and the totals it sums to at any instant;
- `roles`: who may plan, start and end a sprint, and who moves its items;
- `metrics`: committed against completed, say/do, the suggested capacity, the burnup's numbers;
- `lifecycle`: finding sprints, start, moves, snapshots, close and recap;
- `planning`: the planning modal's values, plan, edit, and estimates that change scope;
- `actuals`: what work really took (recorded as it is done), and the averages per activity;
- `wip`: the team's work in progress against its WIP limit.

The names below are the package's public face (`sprints.start(...)`); services import from
the module that defines a name.
"""

from bot.services.sprints.actuals import (
    ACTUALS_SPRINTS,
    ActivityActuals,
    ByActuals,
    DoneForm,
    activity_actuals,
    actual_effort,
    by_actuals,
    done_form,
    mark_done,
)
from bot.services.sprints.calendar import (
    DAY_ENDS,
    DAY_STARTS,
    after_working_days,
    closes_at,
    days_left,
    end_date_for,
    is_working_day,
    last_working_day,
    local_date,
    local_instant,
    local_instant_in,
    snapshot_at,
    starts_at,
    working_days,
    zone,
)
from bot.services.sprints.ledger import Totals, totals
from bot.services.sprints.lifecycle import (
    Closed,
    Entry,
    MoveResult,
    active_sprint,
    close,
    current_sprint,
    entries,
    get_sprint,
    last_closed,
    latest_end,
    move,
    next_sprint,
    open_sprint_of,
    recap,
    showcase_of,
    start,
    take_snapshots,
)
from bot.services.sprints.metrics import (
    VELOCITY_SPRINTS,
    BurnupData,
    SprintOutcome,
    average_completed,
    burnup_data,
    committed_completed,
    outcomes,
    say_do,
    say_do_ratio,
    suggested_capacity,
)
from bot.services.sprints.planning import (
    PLAN_CHOICES,
    SprintDraft,
    change_estimate,
    edit,
    plan,
    plan_candidates,
    rescore,
)
from bot.services.sprints.roles import can_plan, require_member, require_planner
from bot.services.sprints.wip import Wip, started_over_limit, work_in_progress

__all__ = [
    "ACTUALS_SPRINTS",
    "ActivityActuals",
    "ByActuals",
    "DoneForm",
    "activity_actuals",
    "actual_effort",
    "by_actuals",
    "done_form",
    "mark_done",
    "DAY_ENDS",
    "DAY_STARTS",
    "PLAN_CHOICES",
    "VELOCITY_SPRINTS",
    "BurnupData",
    "Closed",
    "Entry",
    "MoveResult",
    "SprintDraft",
    "SprintOutcome",
    "Totals",
    "Wip",
    "active_sprint",
    "after_working_days",
    "average_completed",
    "burnup_data",
    "can_plan",
    "change_estimate",
    "close",
    "committed_completed",
    "closes_at",
    "current_sprint",
    "days_left",
    "edit",
    "end_date_for",
    "entries",
    "get_sprint",
    "is_working_day",
    "last_closed",
    "last_working_day",
    "latest_end",
    "local_date",
    "local_instant",
    "local_instant_in",
    "move",
    "next_sprint",
    "open_sprint_of",
    "outcomes",
    "plan",
    "plan_candidates",
    "recap",
    "require_member",
    "require_planner",
    "rescore",
    "say_do",
    "say_do_ratio",
    "showcase_of",
    "snapshot_at",
    "start",
    "started_over_limit",
    "starts_at",
    "suggested_capacity",
    "take_snapshots",
    "totals",
    "work_in_progress",
    "working_days",
    "zone",
]
