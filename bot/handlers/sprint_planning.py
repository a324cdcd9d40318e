"""Sprint planning in Slack: `/sprint plan` and `/sprint edit` open the planning form (goal,
what it serves, dates, capacity with a suggestion, the items to commit), whose committed total
and over-capacity warning follow the choices as they are made; a saved plan redraws the board
and is confirmed to the planner.

Only the marketing owner or the scrum master plans (checked on the server, on every request);
dates, length, capacity and goal are refused on their field."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import Conflict, Message
from bot.fields import SprintField
from bot.handlers.deps import Deps
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import button_int, state_values, view_metadata
from bot.handlers.home import from_home, opened_from_home, refresh_home
from bot.handlers.listeners import listen, listen_to_modal, subcommand
from bot.handlers.readers import load_person, person_translator
from bot.handlers.replies import dm
from bot.handlers.sprints import team_here
from bot.i18n import N_, day_label
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.models import BacklogItem, Sprint, SprintState, Team
from bot.services import activities, retros, sprints, teams, workspaces
from bot.services.sprints import SprintDraft
from bot.slack import error_reason
from bot.views.help import notice
from bot.views.home import HomeAction
from bot.views.ids import Action, Callback
from bot.views.sprint import PlanForm, plan_modal, zoned_time


def register(app: App) -> None:
    listen(
        app.command("/sprint", matchers=[subcommand("plan")]), later=open_plan_form, opens_form=True
    )
    listen(
        app.command("/sprint", matchers=[subcommand("edit")]), later=open_edit_form, opens_form=True
    )
    listen(app.action(HomeAction.PLAN_SPRINT), later=open_plan_form_from_home, opens_form=True)
    listen(app.action(Action.SPRINT_PLAN_ITEMS), later=redraw_total)
    listen(app.action(Action.SPRINT_PLAN_CAPACITY), later=redraw_total)
    listen_to_modal(
        app.view(Callback.SPRINT_PLAN), save_plan, confirm_plan, refuse_on=SprintField.GOAL
    )


def open_plan_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """`/sprint plan`: the form for the team's next sprint."""
    _open_form(command, client, context, deps, editing=False)


def open_edit_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """`/sprint edit`: the same form for the current sprint (dates only before it starts)."""
    _open_form(command, client, context, deps, editing=True)


def _open_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps, *, editing: bool
) -> None:
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = team_here(session, command.get("channel_id"))
        sprints.require_planner(team, person)
        sprint = None
        if editing:
            sprint = sprints.current_sprint(session, team)
            if sprint is None:
                raise Conflict(
                    Message(N_("There is no sprint to edit. Plan one with `/sprint plan`."))
                )
        view = plan_modal(
            person_translator(person, team), plan_form(session, team, deps.now(), sprint)
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)


def open_plan_form_from_home(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The Home tab's Plan a sprint, for one of the planner's teams: the form of `/sprint
    plan`, whose saving then refreshes the tab."""
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.get_team(session, button_int(action.get("value")))
        sprints.require_planner(team, person)
        view = plan_modal(person_translator(person, team), plan_form(session, team, deps.now()))
    client.views_open(trigger_id=body["trigger_id"], view=from_home(view))


def plan_form(
    session: Session, team: Team, now: dt.datetime, sprint: Sprint | None = None
) -> PlanForm:
    """The planning modal's starting values: the team's default length, the day after the
    last sprint (or today), the suggested capacity; for an edit, the sprint's own values."""
    candidates = sprints.plan_candidates(session, team)
    suggestion = sprints.suggested_capacity(session, team)
    actions = tuple(a.text for a in retros.open_actions(session, team))
    today = sprints.local_date(team, now)
    # What work takes by the team's actuals, for the items on offer (bot.views.activities).
    takes: dict[str, Any] = {
        "activities": activities.team_activities(session, team),
        "actuals": sprints.activity_actuals(session, team),
    }
    if sprint is not None:
        entries = sprints.entries(session, sprint)
        own = [session.get_one(BacklogItem, e.item_id) for e in entries]
        own_ids = {e.item_id for e in entries}
        choices = own + [c for c in candidates if c.id not in own_ids]
        takes["item_activities"] = {c.id: activities.key_of(c) for c in choices}
        points = {c.id: c.effort or 0 for c in candidates}
        points.update({e.item_id: e.points for e in entries})
        return PlanForm(
            team=team,
            choices=choices[: sprints.PLAN_CHOICES],
            points=points,
            suggestion=suggestion,
            start=sprint.start_date,
            length_weeks=sprint.length_weeks,
            capacity=sprint.capacity,
            goal=sprint.goal,
            serves=sprint.serves or "",
            selected=tuple(i.id for i in own),
            sprint=sprint,
            actions=actions,
            **takes,
        )
    start = today
    latest = sprints.latest_end(session, team)
    if latest is not None and latest >= today:
        start = latest + dt.timedelta(days=1)
    while not sprints.is_working_day(team, start):
        start += dt.timedelta(days=1)
    takes["item_activities"] = {c.id: activities.key_of(c) for c in candidates}
    return PlanForm(
        team=team,
        choices=candidates,
        points={c.id: c.effort or 0 for c in candidates},
        suggestion=suggestion,
        start=start,
        length_weeks=team.sprint_length_weeks,
        capacity=suggestion,
        actions=actions,
        **takes,
    )


def redraw_total(body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps) -> None:
    """Items or capacity changed in the open form: redraw its committed total."""
    view = body["view"]
    metadata = view_metadata(view)
    values = state_values(view)
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.get_team(session, button_int(metadata.get("team")))
        sprints.require_planner(team, person)
        sprint = (
            sprints.get_sprint(session, button_int(metadata["sprint"]))
            if metadata.get("sprint")
            else None
        )
        form = plan_form(session, team, deps.now(), sprint)
        selected = tuple(int(v) for v in values.get(SprintField.ITEMS) or [] if str(v).isdigit())
        capacity = str(values.get(SprintField.CAPACITY) or "").strip()
        updated = replace(
            form,
            selected=selected,
            capacity=int(capacity) if capacity.isdigit() else None,
            goal=values.get(SprintField.GOAL) or "",
            serves=values.get(SprintField.SERVES) or "",
        )
        modal = plan_modal(person_translator(person, team), updated)
    if opened_from_home(view):  # still refreshes the Home tab once saved
        modal = from_home(modal)
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
    except SlackApiError as error:
        if error_reason(error) != "hash_conflict":  # a newer redraw is on its way
            raise


def save_plan(body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    metadata = view_metadata(view)
    now = deps.now()
    context["saved_sprint_id"] = deps.run(
        context, lambda s: _plan_or_edit(s, metadata, state_values(view), user_id, now)
    )


def _plan_or_edit(
    session: Session,
    metadata: dict[str, Any],
    values: dict[str, Any],
    user_id: str,
    now: dt.datetime,
) -> int:
    """Store a new sprint, or the edit of the one in `metadata`; returns its id."""
    team = teams.get_team(session, button_int(metadata.get("team")))
    actor = workspaces.person(session, user_id)
    today = sprints.local_date(team, now)
    if metadata.get("sprint"):
        sprint = sprints.get_sprint(session, button_int(metadata["sprint"]))
        started = sprint.state is not SprintState.PLANNED
        if started:  # dates are not in a running sprint's modal
            values[SprintField.START] = sprint.start_date.isoformat()
            values[SprintField.LENGTH] = str(sprint.length_weeks)
        draft = SprintDraft.validate(values, today, started=started)
        return sprints.edit(session, sprint.id, actor, draft, now).id
    draft = SprintDraft.validate(values, today)
    return sprints.plan(session, team, actor, draft, now).id


def confirm_plan(body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps) -> None:
    """Redraw the board, and tell the planner what was saved and when the sprint starts."""
    sprint_id = context.get("saved_sprint_id")
    if not sprint_id:
        return  # the submission was refused
    user_id = body["user"]["id"]
    with deps.transaction(context) as session:
        sprint = sprints.get_sprint(session, sprint_id)
        team = session.get_one(Team, sprint.team_id)
        viewer = workspaces.person(session, user_id)
        tr = person_translator(viewer, team)
        update = sprint_posts.board_update(session, sprint, deps.now())
        totals = sprints.totals(session, sprint.id)
        planned = [entry.item_id for entry in sprints.entries(session, sprint)]
        # Translators: {number} is the sprint's number; {points} and {capacity} are whole
        # numbers of points; {day} is a short date such as "Mon 7 Dec"; {time} is a time
        # with its zone such as "9:00 (Italy Time)".
        text = tr.gettext(
            "Sprint {number} is saved: {points} points committed against a capacity of "
            "{capacity}. It starts on its own on {day} at {time}; `/sprint start` starts "
            "it now."
        ).format(
            number=sprint.number,
            points=totals.scope_points,
            capacity=sprint.capacity,
            day=day_label(tr, sprints.local_date(team, sprints.starts_at(team, sprint))),
            time=zoned_time(tr, sprints.DAY_STARTS, team.time_zone),
        )
        if sprint.state is not SprintState.PLANNED:
            # Translators: {number} is the sprint's number.
            text = tr.gettext("Sprint {number} is updated.").format(number=sprint.number)
    push(client, update)
    dm(client, user_id, notice(":white_check_mark: " + text))
    deliver_notices(client, context, deps, planned)  # to the followers of what it took
    if opened_from_home(body["view"]):
        refresh_home(client, context, deps, user_id)
