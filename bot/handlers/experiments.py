"""Experiments in Slack, after their sprint: the marketing owner records a finished
experiment's result (asked privately when the sprint closes), which is posted in the
showcase's thread, and can turn its learning into a new idea in one click.

Only the owner does either (checked on the server by bot.services.experiments)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import Conflict, Message
from bot.fields import ResultField
from bot.handlers.deps import Deps
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import button_int, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, team_translator
from bot.handlers.replies import dm
from bot.i18n import N_
from bot.messaging.backlog import post_cards
from bot.models import BacklogItem, ItemKind, Team
from bot.services import backlog, experiments, sprints, teams, workspaces
from bot.services.experiments import ResultDraft
from bot.views.experiments import result_in_thread, result_modal, result_recorded
from bot.views.failures import failure_words
from bot.views.help import notice
from bot.views.ids import Action, Callback

log = logging.getLogger(__name__)


def register(app: App) -> None:
    listen(app.action(Action.EXPERIMENT_RESULT), later=open_result_form, opens_form=True)
    listen_to_modal(
        app.view(Callback.EXPERIMENT_RESULT),
        record_result,
        share_result,
        refuse_on=ResultField.RESULT,
    )
    listen(app.action(Action.LEARNING_TO_IDEA), later=turn_learning_into_idea)


def open_result_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    item_id = button_int(action.get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        team = session.get_one(Team, item.team_id)
        teams.require_owner(team, person)
        if item.kind is not ItemKind.EXPERIMENT:
            raise Conflict(Message(N_("Only experiments have a result to record.")))
        view = result_modal(person_translator(person, team), item)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def record_result(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    now = deps.now()
    item_id = button_int(view_metadata(view).get("item"))
    draft = ResultDraft.validate(state_values(view))
    deps.run(
        context,
        lambda s: experiments.record_result(s, item_id, workspaces.person(s, user_id), draft, now),
    )
    context["saved_item_id"] = item_id


def share_result(body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps) -> None:
    """The result in the showcase's thread (in the team's language), and to the owner."""
    item_id = context.get("saved_item_id")
    if not item_id:
        return  # the submission was refused
    user_id = body["user"]["id"]
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        team = session.get_one(Team, item.team_id)
        showcase = sprints.showcase_of(session, item)
        viewer_tr = person_translator(workspaces.person(session, user_id), team)
        recorded = result_recorded(viewer_tr, item)
        in_thread = result_in_thread(team_translator(team), item)
    problems = []
    if showcase is not None and showcase.showcase_channel_id and showcase.showcase_ts:
        try:
            client.chat_postMessage(
                channel=showcase.showcase_channel_id, thread_ts=showcase.showcase_ts, **in_thread
            )
        except SlackApiError as error:
            log.warning("could not post a result in the showcase thread: %s", error)
            problems.append(
                # Translators: {reason} says why, in a few lowercase words such as "the
                # channel is archived".
                viewer_tr.gettext(
                    "The result is saved, but I could not post it in the showcase thread "
                    "({reason})."
                ).format(reason=failure_words(viewer_tr, error))
            )
    dm(client, user_id, recorded)
    if problems:
        dm(client, user_id, notice(":warning: " + problems[0]))
    deliver_notices(client, context, deps, [item_id])  # its followers hear the result


def turn_learning_into_idea(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """A new idea from an experiment's learning, with its cards, once."""
    item_id = button_int(action.get("value"))
    user_id = body["user"]["id"]
    now = deps.now()
    new_id = deps.run(
        context,
        lambda s: (
            experiments.learning_to_idea(
                s, item_id, workspaces.person(s, user_id), _follow_up_wording, now
            ).id
        ),
    )
    person = load_person(deps, context, user_id)
    with deps.transaction(context) as session:
        team = session.get_one(Team, backlog.get_item(session, new_id).team_id)
        tr = person_translator(person, team)
    problems = post_cards(client, deps.session_factory, context["workspace_id"], new_id, tr)
    # Translators: {id} is the new idea's number in the backlog.
    text = tr.gettext(
        "The learning is now idea #{id}, waiting for triage in the admin channel."
    ).format(id=new_id)
    respond(
        response_type="ephemeral",
        replace_original=False,
        **notice(":bulb: " + " ".join([text, *problems])),
    )


def _follow_up_wording(team: Team, experiment: BacklogItem) -> tuple[str, str]:
    """The new idea's title and description, in the team's language."""
    tr = team_translator(team)
    # Translators: {title} is the experiment's title, as a person typed it.
    title = tr.gettext("Follow-up: {title}").format(title=experiment.title)
    # Translators: {id} is the experiment's number in the backlog; {learning} is what the
    # experiment taught, as a person typed it.
    description = tr.gettext("Learned from experiment #{id}: {learning}").format(
        id=experiment.id, learning=experiment.learning
    )
    return title, description
