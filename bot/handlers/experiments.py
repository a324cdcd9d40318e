"""Experiments in Slack, after their sprint: the marketing owner records a finished
experiment's result (asked privately when the sprint closes), which is posted in the
showcase's thread, and can turn its learning into a new idea in one click. With the result, or
later from its message, the owner decides: stop, continue or scale (a decision made or changed
later is said in the showcase's thread too); and may start a variant, the idea form prefilled
from the experiment, which goes to triage linked to it.

Only the owner does any of these (checked on the server by bot.services.experiments)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import Conflict, Message
from bot.fields import IdeaField, ResultField
from bot.handlers.deps import Deps
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, team_translator
from bot.handlers.replies import dm
from bot.i18n import N_
from bot.messaging.backlog import post_cards
from bot.models import BacklogItem, ExperimentDecision, ItemKind, Team
from bot.mrkdwn import esc
from bot.services import activities, backlog, experiments, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft
from bot.services.experiments import Lineage, ResultDraft
from bot.views.experiments import (
    decision_in_thread,
    result_in_thread,
    result_modal,
    result_recorded,
    variant_modal,
)
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
    listen(app.action(Action.EXPERIMENT_DECIDE), later=decide)
    listen(app.action(Action.EXPERIMENT_VARIANT), later=open_variant_from_result, opens_form=True)
    listen_to_modal(
        app.view(Callback.EXPERIMENT_VARIANT),
        submit_variant,
        announce_variant,
        refuse_on=IdeaField.TITLE,
    )


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
        recorded = result_recorded(viewer_tr, item, _lineage(session, item))
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


def _lineage(session: Session, item: BacklogItem) -> Lineage | None:
    return experiments.lineage(session, [(item.id, item.kind, item.variant_of_id)]).get(item.id)


# --- decisions -------------------------------------------------------------------------------


def decide(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Stop, continue or scale, clicked on the result's message: the message shows it, and a
    decision made or changed is said in the showcase's thread."""
    item_id = button_int(action.get("value"))
    try:
        decision = ExperimentDecision(str(action.get("action_id")).rsplit(".", 1)[-1])
    except ValueError:
        raise stale_button() from None
    user_id = body["user"]["id"]
    now = deps.now()
    previous = deps.run(
        context,
        lambda s: experiments.decide(s, item_id, workspaces.person(s, user_id), decision, now),
    )
    person = load_person(deps, context, user_id)
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        team = session.get_one(Team, item.team_id)
        viewer_tr = person_translator(person, team)
        redrawn = result_recorded(viewer_tr, item, _lineage(session, item))
        showcase = sprints.showcase_of(session, item)
        in_thread = decision_in_thread(team_translator(team), item, previous)
    container = body.get("container") or {}
    if container.get("channel_id") and container.get("message_ts"):
        try:
            client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], **redrawn
            )
        except SlackApiError as error:  # the message is a convenience; the decision is saved
            log.info("could not redraw a result message: %s", error)
    if previous is decision or showcase is None:
        return
    if not showcase.showcase_channel_id or not showcase.showcase_ts:
        return
    try:
        client.chat_postMessage(
            channel=showcase.showcase_channel_id, thread_ts=showcase.showcase_ts, **in_thread
        )
    except SlackApiError as error:
        log.warning("could not post a decision in the showcase thread: %s", error)
        # Translators: {reason} says why, in a few lowercase words such as "the channel is
        # archived".
        problem = viewer_tr.gettext(
            "The decision is saved, but I could not post it in the showcase thread ({reason})."
        ).format(reason=failure_words(viewer_tr, error))
        dm(client, user_id, notice(":warning: " + problem))


# --- variants --------------------------------------------------------------------------------


def open_variant_from_result(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Start a variant…, on the result's message: the message shows the variant once saved."""
    container = body.get("container") or {}
    origin = {}
    if container.get("type") == "message" and not container.get("is_ephemeral"):
        origin = {"result": [container.get("channel_id"), container.get("message_ts")]}
    open_variant_form(body, client, context, deps, button_int(action.get("value")), origin)


def open_variant_form(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    item_id: int,
    origin: dict[str, Any] | None = None,
) -> None:
    """The idea form, prefilled from the experiment `item_id`, for its owner (also from the
    owner's menu in /backlog)."""
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        parent, team = experiments.variant_parent(session, item_id, person)
        view = variant_modal(
            person_translator(person, team),
            parent,
            team,
            origin or {},
            activities=activities.team_activities(session, team),
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack


def submit_variant(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    parent_id = button_int(view_metadata(view).get("parent"))
    draft = IdeaDraft.validate(state_values(view))
    now = deps.now()
    context["saved_item_id"] = deps.run(
        context,
        lambda s: (
            experiments.start_variant(s, parent_id, workspaces.person(s, user_id), draft, now).id
        ),
    )


def announce_variant(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The variant's cards (triage and team channel), the owner told where it waits, and the
    result's message redrawn with it if it was started there."""
    item_id = context.get("saved_item_id")
    if not item_id:
        return  # the submission was refused
    user_id = body["user"]["id"]
    person = load_person(deps, context, user_id, ask_slack=False)
    where = view_metadata(view).get("result")
    redrawn = None
    with deps.transaction(context) as session:
        variant = backlog.get_item(session, item_id)
        parent = backlog.get_item(session, variant.variant_of_id or 0)
        tr = person_translator(person, session.get_one(Team, variant.team_id))
        if where and parent.result is not None:
            redrawn = result_recorded(tr, parent, _lineage(session, parent))
        # Translators: {id} is the new idea's number in the backlog; {title} is its title, as
        # a person typed it; {parent} is the number of the experiment it is a variant of.
        text = tr.gettext(
            "The variant *#{id} {title}* of #{parent} is in the backlog, waiting for triage "
            "in the admin channel."
        ).format(id=variant.id, title=esc(variant.title), parent=parent.id)
    problems = post_cards(client, deps.session_factory, context["workspace_id"], item_id, tr)
    if redrawn is not None and isinstance(where, list) and len(where) == 2:
        try:
            client.chat_update(channel=where[0], ts=where[1], **redrawn)
        except SlackApiError as error:  # the message is a convenience; the variant is saved
            log.info("could not redraw a result message: %s", error)
    dm(client, user_id, notice(":twisted_rightwards_arrows: " + " ".join([text, *problems])))
