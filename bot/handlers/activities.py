"""Activities and actual effort in Slack: `/agile activities` (in a team's channel) opens the
team's activities form for its marketing owner or scrum master; the sprint board's Done opens
the form that shows the team's Definition of Done and asks, optionally, what the item really
took, and marks it done. The board is redrawn in the channel, and in the person's own
`/sprint` answer when Done was clicked there.

Every privileged action is checked on the server (services raise NotAllowed): only the owner
or the scrum master changes the activities, only team members mark items done."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.fields import DoneField
from bot.handlers.deps import Deps
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import button_int, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal, subcommand
from bot.handlers.readers import load_person, person_translator
from bot.handlers.replies import dm
from bot.handlers.sprints import board_for, team_here
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.models import Activity, Team
from bot.services import activities, sprints, teams, workspaces
from bot.services.activities import ActivitySetup
from bot.views.activities import activities_modal, activities_saved, done_modal
from bot.views.help import notice
from bot.views.ids import Action, Callback

log = logging.getLogger(__name__)

# The word of /agile that opens the team's activities form (bot.handlers.help leaves it here).
ACTIVITIES = "activities"


def register(app: App) -> None:
    listen(
        app.command("/agile", matchers=[subcommand(ACTIVITIES)]),
        later=open_activities_form,
        opens_form=True,
    )
    listen_to_modal(
        app.view(Callback.ACTIVITIES),
        save_activities,
        confirm_activities,
        refuse_on=activities.builtin_field(Activity.CONTENT),
    )
    listen(app.action(Action.SPRINT_DONE), later=open_done_form, opens_form=True)
    listen_to_modal(
        app.view(Callback.SPRINT_DONE), mark_done, redraw_after_done, refuse_on=DoneField.ACTUAL
    )


# --- the team's activities -------------------------------------------------------------------


def open_activities_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """`/agile activities`: the activities of the channel's team, for its owner or scrum
    master."""
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = team_here(session, command.get("channel_id"))
        activities.require_editor(team, person)
        view = activities_modal(
            person_translator(person, team), team, activities.team_activities(session, team)
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)
    load_person(deps, context, command["user_id"])  # the trigger is spent: now ask Slack


def save_activities(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Refused on the field whatever the form cannot take; nothing is stored then."""
    user_id = body["user"]["id"]
    team_id = button_int(view_metadata(view).get("team"))
    setup = ActivitySetup.validate(state_values(view))
    now = deps.now()
    deps.run(
        context,
        lambda s: activities.save_setup(
            s, teams.get_team(s, team_id), workspaces.person(s, user_id), setup, now
        ),
    )
    context["saved_team_id"] = team_id


def confirm_activities(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Tell whoever saved them, privately, what the team now offers."""
    team_id = context.get("saved_team_id")
    if not team_id:
        return  # the submission was refused
    user_id = body["user"]["id"]
    with deps.transaction(context) as session:
        team = teams.get_team(session, team_id)
        tr = person_translator(workspaces.person(session, user_id), team)
        message = activities_saved(tr, team, activities.team_activities(session, team))
    dm(client, user_id, message)


# --- done, with what it really took ----------------------------------------------------------


def open_done_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The board's Done: the Definition of Done and what it really took, for team members
    (checked before the form opens, and again when it is submitted)."""
    sprint_item_id = button_int(action.get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    metadata: dict[str, Any] = {"sprint_item": sprint_item_id}
    container = body.get("container") or {}
    if container.get("is_ephemeral") and body.get("response_url"):
        metadata["response_url"] = body["response_url"]  # their own /sprint, redrawn after
    with deps.transaction(context) as session:
        form = sprints.done_form(session, sprint_item_id, person)
        view = done_modal(
            person_translator(person, form.team),
            form,
            activities.team_activities(session, form.team),
            metadata,
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def mark_done(body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    user_id = body["user"]["id"]
    sprint_item_id = button_int(view_metadata(view).get("sprint_item"))
    actual = sprints.actual_effort(state_values(view).get(DoneField.ACTUAL))
    now = deps.now()
    result = deps.run(
        context,
        lambda s: sprints.mark_done(s, sprint_item_id, workspaces.person(s, user_id), actual, now),
    )
    context["saved_sprint_id"] = result.sprint.id
    context["done_item_id"] = result.item_id  # its followers hear it is done


def redraw_after_done(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The board in the channel, for everyone; the person's own `/sprint` answer if Done was
    clicked there. A board that could not be updated is said, privately."""
    sprint_id = context.get("saved_sprint_id")
    if not sprint_id:
        return  # the submission was refused
    user_id = body["user"]["id"]
    response_url = view_metadata(body["view"]).get("response_url")
    with deps.transaction(context) as session:
        sprint = sprints.get_sprint(session, sprint_id)
        team = session.get_one(Team, sprint.team_id)
        viewer = workspaces.person(session, user_id)
        tr = person_translator(viewer, team)
        update = sprint_posts.board_update(session, sprint, deps.now())
        mine = None
        if isinstance(response_url, str) and response_url:
            mine = board_for(session, team, sprint, viewer, deps.now())
    refreshed = push(client, update)
    if context.get("done_item_id"):
        deliver_notices(client, context, deps, [context["done_item_id"]])
    if mine is not None:
        try:
            WebhookClient(str(response_url)).send(replace_original=True, **mine)
        except Exception:  # their own copy is a convenience; the change is saved
            log.info("could not redraw a private sprint board", exc_info=True)
    if not refreshed:
        dm(
            client,
            user_id,
            notice(
                ":warning: "
                + tr.gettext(
                    "Your change is saved, but I could not update the sprint board in the "
                    "channel. `/sprint` shows it as it is."
                )
            ),
        )
