"""The backlog in Slack: ideas (`/idea` and its form), votes, the marketing owner's triage
(accept with scores, decline with a reason), scores edited, and `/backlog`, the ordered list
with the owner's controls (move, reset to score order).

Every privileged action is checked on the server (services raise NotAllowed): a hand-made
payload changes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Invalid, Message, NoTeam
from bot.fields import DeclineField, IdeaField, ScoreField, SplitField
from bot.handlers.deps import Deps
from bot.handlers.experiments import open_variant_form
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import (
    button_int,
    button_numbers,
    stale_button,
    state_values,
    view_metadata,
)
from bot.handlers.home import clicked_in_home, from_home, opened_from_home, refresh_home
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, reader_translator
from bot.handlers.replies import dm, report_problems
from bot.i18n import N_, Translator
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.messaging.backlog import post_cards, submitter_message
from bot.models import BacklogItem, ItemStatus, Person, Team
from bot.models.backlog import TITLE_MAX
from bot.services import activities, backlog, experiments, slices, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Move, Scores, validate_decline_reason
from bot.services.slices import SplitDraft
from bot.slack import error_reason
from bot.views.backlog import backlog_message
from bot.views.failures import failure_words
from bot.views.help import help_message, notice
from bot.views.home import HomeAction
from bot.views.ideas import (
    decline_modal,
    idea_modal,
    idea_received,
    scores_modal,
)
from bot.views.ids import Action, Callback
from bot.views.slices import split_modal

log = logging.getLogger(__name__)

SPLIT_TITLE = SplitField.of(0)[0]  # where a refusal of the split shows: the first slice's title

# An owner's decision on an item: (session, item id, the owner, what they entered, now).
Decision = Callable[[Session, int, Person, Any, dt.datetime], BacklogItem]


def register(app: App) -> None:
    listen(app.command("/idea"), later=open_idea_form, opens_form=True)
    listen(app.action(HomeAction.SUBMIT_IDEA), later=open_idea_form_from_home, opens_form=True)
    listen_to_modal(app.view(Callback.IDEA), submit_idea, announce_idea, refuse_on=IdeaField.TITLE)
    listen(app.action(Action.VOTE), later=vote)
    listen(app.command("/backlog"), show_backlog)
    listen(app.action(Action.PAGE_ANY), later=turn_page)
    listen(app.action(Action.TRIAGE_ACCEPT), later=open_accept_form, opens_form=True)
    listen(app.action(Action.TRIAGE_DECLINE), later=open_decline_form, opens_form=True)
    listen(app.action(Action.OWNER_MENU), later=reorder_or_rescore)
    listen(app.action(Action.RESET_ORDER), later=reset_order)
    listen_to_modal(
        app.view(Callback.ACCEPT), accept_idea, after_acceptance, refuse_on=ScoreField.EFFORT
    )
    listen_to_modal(
        app.view(Callback.DECLINE), decline_idea, after_decline, refuse_on=DeclineField.REASON
    )
    listen_to_modal(
        app.view(Callback.RESCORE), rescore_item, after_rescore, refuse_on=ScoreField.EFFORT
    )
    listen(app.action(Action.TRIAGE_SPLIT), later=open_split_form, opens_form=True)
    listen_to_modal(app.view(Callback.SPLIT), split_item, after_split, refuse_on=SPLIT_TITLE)


# --- ideas -----------------------------------------------------------------------------------


def open_idea_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    channel_id = command.get("channel_id")
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, channel_id)
        choices = [] if team else teams.all_teams(session)
        if team is None and len(choices) == 1:
            team = choices[0]
        tr = person_translator(person, team)
        if team is None and not choices:
            message = tr.gettext(
                "No team is set up yet, so there is no backlog to add ideas to. "
                "Run `/agile setup` in your team's channel first."
            )
            respond(response_type="ephemeral", **notice(message))
            return
        view = idea_modal(
            tr,
            title=(command.get("text") or "").strip()[:TITLE_MAX] or None,
            teams=choices,
            team_id=team.id if team else None,
            channel_id=channel_id,
            **_activities_of(session, team),
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)
    load_person(deps, context, command["user_id"])  # the trigger is spent: now ask Slack


def open_idea_form_from_home(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The Home tab's Submit an idea: the form, with a choice of team unless there is one."""
    user_id = body["user"]["id"]
    person = load_person(deps, context, user_id, ask_slack=False)
    with deps.transaction(context) as session:
        choices = teams.all_teams(session)
        if not choices:
            raise NoTeam(
                Message(N_("No team is set up yet. Run `/agile setup` in your team's channel."))
            )
        team = choices[0] if len(choices) == 1 else None
        tr = person_translator(person, team or teams.team_of(session, person))
        view = idea_modal(
            tr,
            title=None,
            teams=[] if team else choices,
            team_id=team.id if team else None,
            channel_id=None,
            **_activities_of(session, team),
        )
    client.views_open(trigger_id=body["trigger_id"], view=from_home(view))
    load_person(deps, context, user_id)  # the trigger is spent: now ask Slack


def _activities_of(session: Session, team: Team | None) -> dict[str, Any]:
    """The activities the idea form offers: the team's, else (a team chosen in the form) the
    built-in ones, which every team has."""
    return {"activities": activities.team_activities(session, team)} if team else {}


def submit_idea(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    values = state_values(view)
    draft = IdeaDraft.validate(values)
    try:
        team_id = int(view_metadata(view).get("team_id") or values.get(IdeaField.TEAM) or "")
    except (TypeError, ValueError):
        raise Invalid({IdeaField.TEAM: Message(N_("Choose the team."))}) from None
    now = deps.now()
    context["saved_item_id"] = deps.run(
        context,
        lambda s: (
            backlog.submit_idea(
                s, teams.get_team(s, team_id), workspaces.person(s, user_id), draft, now
            ).id
        ),
    )


def announce_idea(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Triage card to the admin channel, idea card to the team channel, thanks to the
    submitter. The idea is already safe in the backlog; failures are reported."""
    item_id = context.get("saved_item_id")
    if not item_id:
        return  # the submission was refused
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        submitter_id, thanks = submitter_message(session, item, idea_received)
        tr = person_translator(
            session.get_one(Person, item.submitter_id), session.get_one(Team, item.team_id)
        )
    problems = post_cards(client, deps.session_factory, context["workspace_id"], item_id, tr)
    dm(client, submitter_id, thanks)
    report_problems(client, body["user"]["id"], problems)
    if opened_from_home(body["view"]):
        refresh_home(client, context, deps, body["user"]["id"])


def vote(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    value = action.get("value") or ""
    item_id, page = button_numbers(value, 1)
    user_id = body["user"]["id"]
    now = deps.now()
    result = deps.run(
        context, lambda s: backlog.toggle_vote(s, item_id, workspaces.person(s, user_id), now)
    )
    if ":" in value:  # clicked in someone's /backlog list
        _redraw_list(context, respond, deps, user_id, result.item.team_id, page)
    _refresh_cards(client, context, deps, item_id)


def _refresh_cards(client: WebClient, context: BoltContext, deps: Deps, item_id: int) -> None:
    """Both cards of the item, in place, until they show what the database holds."""
    deps.card_refresher.refresh(client, deps.session_factory, context["workspace_id"], item_id)


# --- /backlog --------------------------------------------------------------------------------


def show_backlog(ack: Ack, command: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    """Answers with the page itself: no extra Slack call, and it works in channels the bot
    has not joined. One transaction, unless the viewer's Slack profile needs a refresh."""
    user_id = command["user_id"]
    message = None
    with deps.transaction(context) as session:
        person = workspaces.person(session, user_id)
        if not workspaces.needs_profile(person, deps.now()):
            message = _backlog_answer(session, command, person)
    if message is None:  # first contact, or a stale profile: ask Slack first
        person = load_person(deps, context, user_id)
        with deps.transaction(context) as session:
            message = _backlog_answer(session, command, person)
    ack(response_type="ephemeral", **message)


def _backlog_answer(session: Session, command: dict[str, Any], person: Person) -> dict[str, Any]:
    text = (command.get("text") or "").strip()
    channel_team = teams.team_for_channel(session, command.get("channel_id"))
    tr = person_translator(person, channel_team)
    if text and not text.isdigit():
        return help_message(tr, unknown=f"/backlog {text}")
    try:
        team = channel_team or teams.resolve_team(session, None)
    except AgileError as error:
        return notice(error.message.render(tr))
    page = int(text) if text else 1
    return backlog_list(session, team, person, page, person_translator(person, team))


def backlog_list(
    session: Session, team: Team, viewer: Person, page_number: int, tr: Translator
) -> dict[str, Any]:
    """A page of the team's backlog for one viewer: their votes, the owner's controls."""
    page = backlog.page(session, team, page_number)
    voted = backlog.voted_item_ids(session, viewer, [item.id for item in page.items])
    lineage = experiments.lineage(session, [(i.id, i.kind, i.variant_of_id) for i in page.items])
    return backlog_message(
        tr,
        page,
        viewer_is_owner=teams.is_owner(team, viewer),
        voted=voted,
        lineage=lineage,
        slices=slices.places(session, page.items),
        activities=activities.team_activities(session, team),
    )


def _redraw_list(
    context: BoltContext, respond: Respond, deps: Deps, user_id: str, team_id: int, page: int
) -> None:
    person = load_person(deps, context, user_id)
    with deps.transaction(context) as session:
        team = teams.get_team(session, team_id)
        message = backlog_list(session, team, person, page, person_translator(person, team))
    respond(replace_original=True, **message)


def turn_page(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond, deps: Deps
) -> None:
    team_id, page = button_numbers(action.get("value"), 2)
    _redraw_list(context, respond, deps, body["user"]["id"], team_id, page)


def reset_order(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond, deps: Deps
) -> None:
    team_id, page = button_numbers(action.get("value"), 2)
    user_id = body["user"]["id"]
    now = deps.now()
    deps.run(
        context,
        lambda s: backlog.reset_order(
            s, teams.get_team(s, team_id), workspaces.person(s, user_id), now
        ),
    )
    _redraw_list(context, respond, deps, user_id, team_id, page)


def reorder_or_rescore(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """The owner's menu on an item of the list: move it (top, up, down), edit its scores, or
    start a variant of an experiment."""
    verb, _, rest = ((action.get("selected_option") or {}).get("value") or "").partition(":")
    item_id, page = button_numbers(rest, 2)
    user_id = body["user"]["id"]
    if verb == "edit":
        _open_scores_form(body, client, context, deps, item_id, page, accepting=False)
        return
    if verb == "variant":
        open_variant_form(body, client, context, deps, item_id)
        return
    try:
        direction = Move(verb)
    except ValueError:
        raise stale_button() from None
    now = deps.now()
    item = deps.run(
        context, lambda s: backlog.move(s, item_id, workspaces.person(s, user_id), direction, now)
    )
    _redraw_list(context, respond, deps, user_id, item.team_id, page)


# --- triage and scores -----------------------------------------------------------------------


def open_accept_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    item_id, page = button_numbers(action.get("value"), 1)
    _open_scores_form(body, client, context, deps, item_id, page, accepting=True)


def open_decline_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    item_id, page = button_numbers(action.get("value"), 1)
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        item, team = backlog.owned_item(session, item_id, person, ItemStatus.PROPOSED)
        view = decline_modal(
            person_translator(person, team), item, metadata=_form_metadata(body, item_id, page)
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack


def open_split_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Split… on a triage card or an item of the owner's /backlog: a first slice that can go
    live on its own, and follow-ups (a minimum viable campaign)."""
    item_id, page = button_numbers(action.get("value"), 1)
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        item, team = slices.splittable(session, item_id, person)
        view = split_modal(
            person_translator(person, team), item, metadata=_form_metadata(body, item_id, page)
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack


def split_item(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """The split, checked on the server (the owner only, an item not split yet) before the
    modal closes; a field that is wrong says so on the field."""
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    now = deps.now()
    draft = SplitDraft.validate(state_values(view))
    item_id = button_int(view_metadata(view).get("item_id"))
    deps.run(context, lambda s: slices.split(s, item_id, workspaces.person(s, user_id), draft, now))
    context["saved_item_id"] = item_id


def after_split(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    _after_decision(body, view, client, context, deps)


def _open_scores_form(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    item_id: int,
    page: int,
    *,
    accepting: bool,
) -> None:
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        status = ItemStatus.PROPOSED if accepting else ItemStatus.READY
        item, team = backlog.owned_item(session, item_id, person, status)
        view = scores_modal(
            person_translator(person, team),
            item,
            accepting=accepting,
            metadata=_form_metadata(body, item_id, page),
            activities=activities.team_activities(session, team),
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack


def _form_metadata(body: dict[str, Any], item_id: int, page: int) -> dict[str, Any]:
    """What an owner's form needs to finish: the item, and the /backlog list to refresh if it
    was opened from one (its response URL), or the Home tab."""
    metadata: dict[str, Any] = {"item_id": item_id}
    if clicked_in_home(body):  # its submission refreshes the Home tab
        metadata["home"] = True
    container = body.get("container") or {}
    if container.get("is_ephemeral") and body.get("response_url"):
        metadata["response_url"] = body["response_url"]
        metadata["page"] = page
    return metadata


def accept_idea(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    _decide(body, view, context, deps, Scores.validate, backlog.accept)


def decline_idea(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    _decide(body, view, context, deps, validate_decline_reason, backlog.decline)


def rescore_item(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """New scores for an item in the backlog or in a sprint (an estimate change there)."""
    _decide(body, view, context, deps, Scores.validate, sprints.rescore)


def _decide(
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    deps: Deps,
    parse: Callable[[dict[str, Any]], Any],
    decision: Decision,
) -> None:
    """Store one of the owner's forms; it is checked on the server before the modal closes."""
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    now = deps.now()
    entered = parse(state_values(view))
    item_id = button_int(view_metadata(view).get("item_id"))
    deps.run(context, lambda s: decision(s, item_id, workspaces.person(s, user_id), entered, now))
    context["saved_item_id"] = item_id


def after_acceptance(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    _after_decision(body, view, client, context, deps)


def after_decline(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    _after_decision(body, view, client, context, deps)


def after_rescore(
    body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    _after_decision(body, view, client, context, deps)


def _after_decision(
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """Update the cards and the sprint board, tell the idea's followers (its submitter among
    them), redraw the owner's list: each on its own, so that one that fails (a card in a
    channel the bot left) keeps no one from the decision, and the owner is told in words what
    did not happen. A follower's DM that does not go now, the scheduler sends."""
    item_id = context.get("saved_item_id")
    if not item_id:
        return  # the submission was refused
    failed: list[tuple[str, Exception]] = []
    try:
        _refresh_cards(client, context, deps, item_id)
    except SlackApiError as error:
        log.warning("the cards of item %s could not be updated: %s", item_id, error_reason(error))
        # Translators: {reason} says why, in a few lowercase words such as "I am not in that
        # channel".
        failed.append((N_("I could not update the idea's cards ({reason})."), error))
    with deps.transaction(context) as session:  # an estimate change in a sprint
        sprint = sprints.open_sprint_of(session, item_id)
        update = sprint_posts.board_update(session, sprint, deps.now()) if sprint else None
    push(client, update)
    deliver_notices(client, context, deps, [item_id])
    metadata = view_metadata(view)
    if metadata.get("response_url"):
        _redraw_owner_list(body, context, deps, item_id, metadata)
    if opened_from_home(view):
        refresh_home(client, context, deps, body["user"]["id"])
    if failed:
        _tell_what_failed(client, body, context, deps, failed)


def _tell_what_failed(
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    deps: Deps,
    failed: list[tuple[str, Exception]],
) -> None:
    """The owner's decision is saved; they hear, privately and in words, what did not follow."""
    user_id = body["user"]["id"]
    tr = reader_translator(deps, context, load_person(deps, context, user_id, ask_slack=False))
    lines = [tr.gettext(msgid).format(reason=failure_words(tr, error)) for msgid, error in failed]
    text = tr.gettext("Your decision is saved, but:") + "\n" + "\n".join(lines)
    dm(client, user_id, notice(":warning: " + text))


def _redraw_owner_list(
    body: dict[str, Any], context: BoltContext, deps: Deps, item_id: int, metadata: dict[str, Any]
) -> None:
    """The /backlog list the form was opened from, through its response URL."""
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        team = session.get_one(Team, item.team_id)
        viewer = workspaces.person(session, body["user"]["id"])
        page = button_int(metadata.get("page") or 1)
        message = backlog_list(session, team, viewer, page, person_translator(viewer, team))
    try:
        WebhookClient(metadata["response_url"]).send(replace_original=True, **message)
    except Exception:  # the list is a convenience; the change is saved
        log.info("could not refresh a backlog list", exc_info=True)
