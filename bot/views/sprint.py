"""Sprint messages: the sprint board (announcement in the channel and `/sprint`), the planning
modal, the showcase, and the experiment-result flow. Team-level only: no message counts or
ranks what individuals did."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_time, get_timezone_location

from bot.fields import CAPACITY_MAX, SprintField
from bot.i18n import Translator, day_label
from bot.models import (
    BacklogItem,
    ExperimentDecision,
    ItemKind,
    Sprint,
    SprintState,
    Team,
    WorkState,
)
from bot.models.sprint import GOAL_MAX, SERVES_MAX
from bot.services.activities import BUILTIN_ACTIVITIES, Activities
from bot.services.experiments import Lineage
from bot.services.sprints import (
    DAY_ENDS,
    VELOCITY_SPRINTS,
    ActivityActuals,
    Closed,
    Entry,
    SprintOutcome,
    Totals,
    by_actuals,
    last_working_day,
)
from bot.views.activities import averages_text, by_actuals_text
from bot.views.charts import percent
from bot.views.experiments import decision_line, lineage_lines
from bot.views.ids import Action, Callback
from bot.views.text import (
    KIND_EMOJI,
    button,
    context,
    esc,
    option,
    plain,
    points_label,
    result_text,
    section,
    sections,
    truncate,
)
from bot.views.wip import doing_heading

BOARD_ITEMS_MAX = 40  # items with their own block: Slack allows 50 blocks in a message
OPTION_TEXT_MAX = 75
SHOWCASE_LIST_MAX = 20  # entries a showcase list names; the rest are counted


def zoned_time(tr: Translator, time: dt.time, time_zone: str) -> str:
    """A time of the team's day with its zone in the reader's words: "9:00 (Italy Time)",
    "9:00 (Ora Italia)"; for people who read it from another time zone."""
    if time_zone == "UTC" or time_zone.startswith("Etc/"):
        where = time_zone.removeprefix("Etc/")
    else:
        where = get_timezone_location(ZoneInfo(time_zone), locale=tr.language)
    return f"{format_time(time, 'H:mm', locale=tr.language)} ({where})"


def closing_label(tr: Translator, team: Team, sprint: Sprint) -> str:
    """When the sprint ends: its last working day, with the closing time while it is open
    ("Fri 18 Dec 17:00 (Italy Time)"), not its calendar end (Sun 20 Dec)."""
    day = day_label(tr, last_working_day(team, sprint))
    if sprint.state is SprintState.CLOSED:
        return day
    return f"{day} {zoned_time(tr, DAY_ENDS, team.time_zone)}"


def state_label(tr: Translator, state: WorkState) -> str:
    return {
        WorkState.TODO: tr.gettext("To do"),
        WorkState.DOING: tr.gettext("Doing"),
        WorkState.DONE: tr.gettext("Done"),
    }[state]


STATE_EMOJI = {
    WorkState.TODO: ":white_circle:",
    WorkState.DOING: ":large_blue_circle:",
    WorkState.DONE: ":white_check_mark:",
}


@dataclass(frozen=True)
class Board:
    """What the sprint board shows, gathered by the caller."""

    team: Team
    sprint: Sprint
    entries: list[Entry]
    totals: Totals
    days_left: int
    working_days: int
    focus: str | None = None  # the team's focus from its last retrospective, if any


def sprint_title(tr: Translator, team: Team, sprint: Sprint) -> str:
    # Translators: {team} is the team's name; {number} is the sprint's number.
    return tr.gettext("{team} · Sprint {number}").format(team=esc(team.name), number=sprint.number)


def goal_lines(tr: Translator, sprint: Sprint) -> str:
    # Translators: {goal} is the sprint's goal, as a person typed it.
    lines = [tr.gettext("*Goal:* {goal}").format(goal=esc(sprint.goal))]
    if sprint.serves:
        # Translators: {serves} is what the sprint serves (an objective or KPI), as a person typed
        # it.
        lines.append(tr.gettext("*Serves:* {serves}").format(serves=esc(sprint.serves)))
    return "\n".join(lines)


def board_message(
    tr: Translator,
    board: Board,
    *,
    headline: str | None = None,
    interactive: bool = True,
    owner_controls: bool = False,
) -> dict[str, Any]:
    """The sprint board: goal, dates, progress, and the items by state, each with the button
    that moves it on (for team members, checked on the server). `owner_controls` (only in the
    owner's own `/sprint` answer) adds a menu to change an item's estimate."""
    team, sprint, t = board.team, board.sprint, board.totals
    # Translators: {start} is a short date such as "Mon 7 Dec"; {end} is the last working day
    # with the closing time while the sprint is open, such as "Fri 18 Dec 17:00 (Italy Time)".
    dates = tr.gettext("{start} → {end}").format(
        start=day_label(tr, sprint.start_date), end=closing_label(tr, team, sprint)
    )
    if sprint.state is SprintState.ACTIVE:
        # Translators: {n} is a number of working days.
        when = tr.ngettext("{n} working day left", "{n} working days left", board.days_left).format(
            n=board.days_left
        )
    elif sprint.state is SprintState.PLANNED:
        # Translators: {day} is a day such as "Tue 24 Nov".
        when = tr.gettext("starts {day}").format(day=day_label(tr, sprint.start_date))
    else:
        when = tr.gettext("closed")
    # Translators: {done}, {scope} and {capacity} are each a whole number of points.
    progress = tr.gettext("{done} of {scope} points done · capacity {capacity}").format(
        done=t.done_points, scope=t.scope_points, capacity=sprint.capacity
    )
    heading = f"*{sprint_title(tr, team, sprint)}*"
    if headline:
        heading = f"{headline}\n{heading}"
    blocks: list[dict[str, Any]] = [
        section(f"{heading}\n{goal_lines(tr, sprint)}"),
        context(f"{dates} · {when} · {progress}"),
    ]
    if board.focus:
        # Translators: {action} is the retrospective action the team chose to focus on, as
        # the team wrote it.
        focus = tr.gettext("*Our focus this sprint:* {action}").format(action=esc(board.focus))
        blocks.append(section(":dart: " + truncate(focus, 2900)))
    blocks.append({"type": "divider"})
    if not board.entries:
        blocks.append(section(tr.gettext("No items in this sprint yet.")))
    movable = interactive and sprint.state is SprintState.ACTIVE
    shown = 0
    overflow: list[str] = []
    for state in WorkState:
        group = [e for e in board.entries if e.state is state]
        if not group:
            continue
        # The team's WIP limit on the running board's Doing heading (bot.views.wip).
        running = sprint.state is SprintState.ACTIVE
        limit = team.wip_limit if state is WorkState.DOING and running else None
        blocks.append(context(doing_heading(tr, state_label(tr, state), len(group), limit)))
        for entry in group:
            line = _entry_line(tr, entry)
            if shown >= BOARD_ITEMS_MAX:
                overflow.append(line)
                continue
            shown += 1
            accessory = _move_button(tr, entry) if movable else None
            blocks.append(
                section(line, accessory=accessory, block_id=f"sprint_item:{entry.sprint_item_id}")
            )
    if overflow:
        blocks.append(
            context(
                # Translators: {n} is a number of sprint items not shown.
                tr.ngettext(
                    "…and {n} more item: see `/sprint`.",
                    "…and {n} more items: see `/sprint`.",
                    len(overflow),
                ).format(n=len(overflow))
            )
        )
    if owner_controls and board.entries and sprint.state is not SprintState.CLOSED:
        blocks.append(
            {
                "type": "actions",
                "block_id": "sprint_owner",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": Action.SPRINT_ESTIMATE,
                        "placeholder": plain(tr.gettext("Edit an estimate…")),
                        "options": [
                            option(truncate(e.title, OPTION_TEXT_MAX), str(e.item_id))
                            for e in board.entries[:100]
                        ],
                    }
                ],
            }
        )
    if interactive:
        nav = [
            button(tr.gettext("Burnup chart"), Action.SPRINT_BURNUP, str(sprint.id)),
            button(tr.gettext("Refresh"), Action.SPRINT_REFRESH, str(sprint.id)),
        ]
        if sprint.state is SprintState.ACTIVE:  # a note for the retrospective that follows
            nav.append(button(tr.gettext("Note for the retro"), Action.RETRO_NOTE, str(team.id)))
        blocks.append({"type": "actions", "block_id": "sprint_nav", "elements": nav})
    fallback = f"{team.name} · Sprint {sprint.number}: {sprint.goal}"
    return {"text": esc(truncate(fallback, 300)), "blocks": blocks}


def _entry_line(tr: Translator, entry: Entry) -> str:
    points = points_label(tr, entry.points)
    added = "" if entry.committed else " · " + tr.gettext("added during the sprint")
    return (
        f"{STATE_EMOJI[entry.state]} {KIND_EMOJI[entry.kind]} *{esc(entry.title)}* · "
        f"{points}{added}"
    )


def _move_button(tr: Translator, entry: Entry) -> dict[str, Any]:
    value = f"{entry.sprint_item_id}:"
    if entry.state is WorkState.TODO:
        return button(tr.gettext("Start"), Action.SPRINT_MOVE, value + WorkState.DOING.value)
    if entry.state is WorkState.DONE:
        return button(tr.gettext("Reopen"), Action.SPRINT_MOVE, value + WorkState.DOING.value)
    # Done opens a form: the team's Definition of Done, and what the item really took
    # (bot.views.activities.done_modal). A Done of a board posted before it had one moves at
    # once, after its own confirmation (Action.SPRINT_MOVE).
    return button(tr.gettext("Done"), Action.SPRINT_DONE, str(entry.sprint_item_id), "primary")


# --- planning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanForm:
    """What the planning modal needs. `sprint` is set when editing one."""

    team: Team
    choices: list[BacklogItem]  # the top of the backlog, and an edited sprint's own items
    points: dict[int, int]  # item id -> points
    suggestion: int | None
    start: dt.date
    length_weeks: int
    capacity: int | None
    goal: str = ""
    serves: str = ""
    selected: tuple[int, ...] = ()
    sprint: Sprint | None = None
    actions: tuple[str, ...] = ()  # open actions from retrospectives, to plan for
    # What work takes by the team's actuals (bot.services.sprints.actuals): each choice's
    # activity key, the team's activities and its averages per activity.
    item_activities: Mapping[int, str | None] = field(default_factory=dict)
    activities: Activities = BUILTIN_ACTIVITIES
    actuals: Mapping[str, ActivityActuals] = field(default_factory=dict)


def plan_modal(tr: Translator, form: PlanForm) -> dict[str, Any]:
    editing = form.sprint is not None
    started = editing and form.sprint.state is SprintState.ACTIVE  # type: ignore[union-attr]
    blocks: list[dict[str, Any]] = [
        _input(
            SprintField.GOAL,
            tr.gettext("Sprint goal"),
            {
                "type": "plain_text_input",
                "action_id": "value",
                "max_length": GOAL_MAX,
                "multiline": True,
                "placeholder": plain(
                    tr.gettext("The one outcome the team commits to, e.g. 200 trial sign-ups")
                ),
                **({"initial_value": form.goal} if form.goal else {}),
            },
        ),
        _input(
            SprintField.SERVES,
            tr.gettext("What it serves (a quarterly objective or KPI)"),
            {
                "type": "plain_text_input",
                "action_id": "value",
                "max_length": SERVES_MAX,
                **({"initial_value": form.serves} if form.serves else {}),
            },
            optional=True,
        ),
    ]
    if started:
        blocks.append(
            context(
                # Translators: {start} is a short date such as "Mon 7 Dec"; {end} is the last
                # working day with the closing time, such as "Fri 18 Dec 17:00 (Italy Time)".
                tr.gettext("Running since {start}; it ends {end}.").format(
                    start=day_label(tr, form.sprint.start_date),  # type: ignore[union-attr]
                    end=closing_label(tr, form.team, form.sprint),  # type: ignore[arg-type]
                )
            )
        )
    else:
        blocks.append(
            _input(
                SprintField.START,
                tr.gettext("Start date"),
                {
                    "type": "datepicker",
                    "action_id": "value",
                    "initial_date": form.start.isoformat(),
                },
            )
        )
        blocks.append(
            _input(
                SprintField.LENGTH,
                tr.gettext("Length"),
                {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [_weeks(tr, n) for n in range(1, 5)],
                    "initial_option": _weeks(tr, form.length_weeks),
                },
            )
        )
    capacity_hint = (
        # Translators: {points} is a whole number of points.
        tr.gettext("Suggested: {points} points, the average completed in the last sprints.").format(
            points=form.suggestion
        )
        if form.suggestion
        # A sprint that completed nothing is no measure of capacity (charts.velocity).
        else tr.gettext("No finished sprint has completed points yet: give your best estimate.")
    )
    capacity: dict[str, Any] = {
        "type": "number_input",
        "action_id": Action.SPRINT_PLAN_CAPACITY,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(CAPACITY_MAX),
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    if form.capacity:
        capacity["initial_value"] = str(form.capacity)
    blocks.append(
        _input(
            SprintField.CAPACITY,
            tr.gettext("Capacity (points)"),
            capacity,
            hint=capacity_hint,
            dispatch=True,
        )
    )
    if form.choices:
        options = [_item_option(tr, item, form.points) for item in form.choices]
        items: dict[str, Any] = {
            "type": "multi_static_select",
            "action_id": Action.SPRINT_PLAN_ITEMS,
            "options": options,
            "placeholder": plain(tr.gettext("Choose from the top of the backlog")),
        }
        chosen = [o for o in options if int(o["value"]) in set(form.selected)]
        if chosen:
            items["initial_options"] = chosen
        blocks.append(
            _input(
                SprintField.ITEMS,
                tr.gettext("Items to commit"),
                items,
                optional=True,
                dispatch=True,
                hint=tr.gettext("Listed in backlog order, top first."),
            )
        )
    else:
        blocks.append(
            section(tr.gettext("The backlog has no ready items yet: accept some ideas first."))
        )
    blocks.append(_total_block(tr, form))
    averages = averages_text(
        tr, form.activities, form.actuals, [form.item_activities.get(c.id) for c in form.choices]
    )
    if averages:
        blocks.append(context(averages))
    if form.actions:
        blocks.append(
            context(
                ":seedling: "
                + tr.gettext("Open actions from retrospectives:")
                + " "
                + "; ".join(esc(truncate(a, 120)) for a in form.actions[:8])
            )
        )
    metadata = {"team": form.team.id, "sprint": form.sprint.id if form.sprint else None}
    title = tr.gettext("Edit the sprint") if editing else tr.gettext("Plan a sprint")
    return {
        "type": "modal",
        "callback_id": Callback.SPRINT_PLAN,
        "title": plain(title, 24),
        "submit": plain(tr.gettext("Save") if editing else tr.gettext("Plan"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def _total_block(tr: Translator, form: PlanForm) -> dict[str, Any]:
    total = sum(form.points.get(i, 0) for i in form.selected)
    # Translators: {total} is a whole number of points; {n} is a number of items.
    text = tr.ngettext(
        "Committed: {total} points in {n} item",
        "Committed: {total} points in {n} items",
        len(form.selected),
    ).format(total=total, n=len(form.selected))
    if form.capacity:
        # Translators: {capacity} is a whole number of points.
        text += " · " + tr.gettext("capacity {capacity}").format(capacity=form.capacity)
        if total > form.capacity:
            # Translators: {over} is a whole number of points.
            text += "\n:warning: " + tr.gettext(
                "{over} points over capacity: consider leaving something in the backlog."
            ).format(over=total - form.capacity)
    estimate = by_actuals(
        [(form.points.get(i, 0), form.item_activities.get(i)) for i in form.selected],
        form.actuals,
    )
    if estimate is not None:
        text += "\n" + by_actuals_text(tr, estimate, form.capacity)
    return section(text, block_id="sprint_total")


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
    dispatch: bool = False,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    if dispatch:
        block["dispatch_action"] = True
    return block


def _weeks(tr: Translator, n: int) -> dict[str, Any]:
    # Translators: {n} is a number of weeks, 1 to 4.
    return option(tr.ngettext("{n} week", "{n} weeks", n).format(n=n), str(n))


def _item_option(tr: Translator, item: BacklogItem, points: dict[int, int]) -> dict[str, Any]:
    """An item to commit, "#12 Spring newsletter · 5 pts": planners commit by points, so the
    title is cut to leave room for the id and the points, however long either is."""
    n = points.get(item.id, item.effort or 0)
    prefix = f"#{item.id} "
    # Translators: {n} is a number of points (a short label on a button).
    suffix = " · " + tr.ngettext("{n} pt", "{n} pts", n).format(n=n)
    title = truncate(item.title, OPTION_TEXT_MAX - len(prefix) - len(suffix))
    return option(prefix + title + suffix, str(item.id))


# --- the showcase ----------------------------------------------------------------------------


def _verdict(tr: Translator, closed: Closed) -> str:
    return (
        ":white_check_mark: " + tr.gettext("Goal met")
        if closed.goal_met
        else ":heavy_minus_sign: " + tr.gettext("Goal not met")
    )


def _committed_completed(tr: Translator, closed: Closed) -> str:
    committed, final = closed.committed, closed.final
    return " · ".join(
        [
            # Translators: {points} is a whole number of points; {n} is a number of items.
            tr.ngettext(
                "*Committed:* {points} points in {n} item",
                "*Committed:* {points} points in {n} items",
                committed.scope_items,
            ).format(points=committed.scope_points, n=committed.scope_items),
            # Translators: {points} is a whole number of points; {n} is a number of items.
            tr.ngettext(
                "*Completed:* {points} points in {n} item",
                "*Completed:* {points} points in {n} items",
                final.done_items,
            ).format(points=final.done_points, n=final.done_items),
        ]
    )


def say_do_line(tr: Translator, number: int, outcomes: Sequence[SprintOutcome]) -> str | None:
    """Sprint `number`'s say/do and the trend over the last six closed sprints, oldest first:
    "*Say/do:* 80% · last six sprints: 60% 75% 80%"; "–" for a sprint that committed no
    points. None when `outcomes` does not have that sprint (nothing to say)."""
    this = next((o for o in outcomes if o.number == number), None)
    if this is None:
        return None
    # Translators: {ratio} is a percentage such as "80%", or "–" when the sprint committed no
    # points. Say/do: the committed points completed against the committed points.
    line = tr.gettext("*Say/do:* {ratio}").format(ratio=percent(tr, this.say_do))
    trend = [o for o in outcomes if o.number <= number][-VELOCITY_SPRINTS:]
    if len(trend) < 2:  # one sprint is no trend
        return line
    ratios = " ".join(percent(tr, o.say_do) for o in trend)
    # Translators: {n} is a number of sprints (2 to 6); {ratios} is their say/do percentages,
    # oldest first, such as "60% 75% 80%".
    last = tr.ngettext("last {n} sprint: {ratios}", "last {n} sprints: {ratios}", len(trend))
    return line + " · " + last.format(n=len(trend), ratios=ratios)


def showcase_message(
    tr: Translator,
    closed: Closed,
    alt_text: str,
    outcomes: Sequence[SprintOutcome] = (),
    lineage: Mapping[int, Lineage] | None = None,
) -> dict[str, Any]:
    """The sprint's showcase; `outcomes` are the team's last closed sprints, this one among
    them, for its say/do and their trend; `lineage`, the parent and variants of its
    experiments that have either."""
    team, sprint = closed.team, closed.sprint
    committed, final = closed.committed, closed.final
    verdict = _verdict(tr, closed)
    numbers = _committed_completed(tr, closed)
    change = final.scope_points - committed.scope_points
    if change:
        # Translators: {change} is a signed whole number of points, such as "+3" or "-2"; {scope} is
        # a whole number of points.
        numbers += "\n" + tr.gettext(
            "Scope changed during the sprint by {change:+d} points (now {scope})."
        ).format(change=change, scope=final.scope_points)
    say_do = say_do_line(tr, sprint.number, outcomes)
    if say_do is not None:
        numbers += "\n" + say_do
    blocks: list[dict[str, Any]] = [
        section(
            ":tada: *"
            # Translators: {title} is the sprint's title, such as "Growth · Sprint 3".
            + tr.gettext("Sprint showcase: {title}").format(title=sprint_title(tr, team, sprint))
            + f"*\n{goal_lines(tr, sprint)}\n{verdict}"
        ),
        section(numbers),
    ]
    reached = [e for e in closed.finished if e.kind is not ItemKind.EXPERIMENT]
    if reached:
        lines = [f"• {KIND_EMOJI[e.kind]} {esc(e.title)}" for e in reached]
        blocks += _listed(tr, tr.gettext("What reached customers"), lines)
    experiments = [e for e in closed.finished + closed.unfinished if e.kind is ItemKind.EXPERIMENT]
    if experiments:
        lines = [
            f"• {KIND_EMOJI[e.kind]} *{esc(e.title)}*: {experiment_status(tr, e)}"
            + "".join(f"\n      {line}" for line in _lineage_of(tr, e, lineage))
            for e in experiments
        ]
        blocks += _listed(tr, tr.gettext("Experiments"), lines)
    if closed.unfinished:
        lines = [f"• {esc(e.title)}" for e in closed.unfinished]
        blocks += _listed(tr, tr.gettext("Back to the top of the backlog"), lines)
    blocks.append(context(alt_text))
    # Translators: {title} is the sprint's title, such as "Growth · Sprint 3".
    fallback = tr.gettext("Sprint showcase: {title}").format(
        title=f"{team.name} · Sprint {sprint.number}"
    )
    return {"text": esc(fallback), "blocks": blocks}


# --- between two sprints --------------------------------------------------------------------


def between_sprints_message(
    tr: Translator,
    team: Team,
    last: Closed | None,
    upcoming: Sprint | None,
    upcoming_start: dt.date | None = None,
) -> dict[str, Any]:
    """`/sprint` when no sprint is running: that said plainly, the last sprint summed up
    (committed against completed, goal met or not), the next planned one, and how to plan."""
    # Translators: {team} is the team's name.
    headline = tr.gettext("No sprint is running in {team}.")
    blocks: list[dict[str, Any]] = [section(":zzz: *" + headline.format(team=esc(team.name)) + "*")]
    if last is not None:
        closed_on = last_working_day(team, last.sprint)
        # Translators: {day} is a short date such as "Fri 18 Dec".
        closed = tr.gettext("closed {day}").format(day=day_label(tr, closed_on))
        blocks.append(
            section(
                f":checkered_flag: *{sprint_title(tr, team, last.sprint)}* · {closed}\n"
                f"{goal_lines(tr, last.sprint)}\n{_verdict(tr, last)}\n"
                + _committed_completed(tr, last)
            )
        )
    if upcoming is not None:
        # Translators: {day} is a day such as "Tue 24 Nov".
        starts = tr.gettext("starts {day}").format(
            day=day_label(tr, upcoming_start or upcoming.start_date)
        )
        blocks.append(
            section(
                f":calendar: *{sprint_title(tr, team, upcoming)}* · {starts}\n"
                + goal_lines(tr, upcoming)
            )
        )
    blocks.append(
        context(
            tr.gettext(
                "The marketing owner or the scrum master plans a sprint with `/sprint plan`."
            )
        )
    )
    return {"text": esc(headline.format(team=team.name)), "blocks": blocks}


def _lineage_of(tr: Translator, entry: Entry, lineage: Mapping[int, Lineage] | None) -> list[str]:
    """An experiment's decision, its parent and its variants, under its line."""
    lines = [decision_line(tr, ExperimentDecision(entry.decision))] if entry.decision else []
    related = (lineage or {}).get(entry.item_id)
    return lines + (lineage_lines(tr, related) if related else [])


def experiment_status(tr: Translator, entry: Entry) -> str:
    if entry.state is not WorkState.DONE:
        return tr.gettext("not finished; back on the backlog")
    if entry.result is None:
        return tr.gettext("finished; the result is coming from the marketing owner")
    return result_text(tr, entry.result, entry.result_figure, entry.kpi)


def _listed(tr: Translator, heading: str, lines: list[str]) -> list[dict[str, Any]]:
    """A list of the showcase: its heading, its first lines and how many more there are, in as
    many sections as Slack's 3000 characters a section need: 20 long titles do not fit in one,
    and a cut section would lose the count."""
    more = len(lines) - SHOWCASE_LIST_MAX
    shown = [f"*{heading}*", *lines[:SHOWCASE_LIST_MAX]]
    if more > 0:
        # Translators: {n} is a number of entries not shown.
        shown.append(tr.ngettext("…and {n} more.", "…and {n} more.", more).format(n=more))
    return sections(shown)
