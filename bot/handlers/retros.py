"""Retrospectives in Slack: `/retro` opens the team's retrospective (or points to the open
one), `/retro named` and `/retro anonymous` (the scrum master) say whether items show their
author; then items added through a form, three votes each, more pages of items to vote on,
and the actions' menu (done, or into the backlog).

Items are anonymous unless the team chose otherwise: nothing posted when an item is added
could tie it to its author."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Message, NoTeam
from bot.fields import RetroField
from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, reader_translator
from bot.i18n import N_
from bot.messaging import MessageUpdate, push
from bot.messaging import retros as retro_posts
from bot.messaging.backlog import post_cards
from bot.models import Team
from bot.mrkdwn import esc
from bot.services import retros, teams, workspaces
from bot.views.help import notice
from bot.views.ids import Action, Callback
from bot.views.retro import item_modal


def register(app: App) -> None:
    listen(app.command("/retro"), later=retro_command)
    listen(app.action(Action.RETRO_ADD), later=open_item_form, opens_form=True)
    # Nothing is posted when an item is added: an update at that moment would tie the item to
    # whoever was active then. The channel learns the items when voting opens, shuffled.
    listen_to_modal(app.view(Callback.RETRO_ITEM), add_item, refuse_on=RetroField.ITEM)
    listen(app.action(Action.RETRO_VOTE), later=vote)
    listen(app.action(Action.RETRO_PAGE), later=turn_page)
    listen(app.action(Action.RETRO_ACTION_MENU), later=follow_up_action)


def retro_command(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    user_id = command["user_id"]
    words = (command.get("text") or "").strip().lower()
    channel_id = command.get("channel_id")
    now = deps.now()
    person = load_person(deps, context, user_id)
    try:
        text = deps.run(
            context, lambda s: _retro_command(s, client, words, user_id, channel_id, now)
        )
    except AgileError as error:
        text = error.message.render(reader_translator(deps, context, person))
    respond(response_type="ephemeral", **notice(text))


def _retro_command(
    session: Session,
    client: WebClient,
    words: str,
    user_id: str,
    channel_id: str | None,
    now: dt.datetime,
) -> str:
    """Do what `/retro` with `words` asks; returns the answer, in the person's words."""
    team = teams.team_for_channel(session, channel_id)
    if team is None:
        raise NoTeam(Message(N_("Run `/retro` in your team's channel.")))
    actor = workspaces.person(session, user_id)
    tr = person_translator(actor, team)
    if words in ("named", "anonymous"):
        retros.choose_naming(team, actor, named=words == "named")
        return (
            # Translators: {team} is the team's name.
            tr.gettext("Retrospective items of {team} are now named.")
            if words == "named"
            # Translators: {team} is the team's name.
            else tr.gettext("Retrospective items of {team} are now anonymous.")
        ).format(team=esc(team.name))
    if words:
        raise Conflict(
            Message(
                N_(
                    "`/retro`: open the team's retrospective, or add to the open one. "
                    "`/retro named` or `/retro anonymous` (scrum master): how items are "
                    "shown."
                )
            )
        )
    retros.require_participant(session, team, actor)
    retro = retros.current_retro(session, team)
    if retro is None:
        retro = retros.open_retro(session, team, None, now)
        assert retro is not None
        retro_posts.post(client, session, retro)
        return tr.gettext("The retrospective is open in the channel.")
    return tr.gettext(
        "A retrospective is already open: add your items with its button in the channel."
    )


def open_item_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    retro_id = button_int(action.get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        retro = retros.get_retro(session, retro_id)
        team = session.get_one(Team, retro.team_id)
        retros.require_participant(session, team, person)
        view = item_modal(person_translator(person, team), retro)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def add_item(body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    user_id = body["user"]["id"]
    # No profile refresh here: its timestamp would sit next to the item's.
    load_person(deps, context, user_id, ask_slack=False, first_contact=False)
    values = state_values(view)
    retro_id = button_int(view_metadata(view).get("retro"))
    now = deps.now()
    deps.run(
        context,
        lambda s: retros.add_item(
            s,
            retro_id,
            workspaces.person(s, user_id),
            values.get(RetroField.COLUMN),
            values.get(RetroField.ITEM),
            now,
        ),
    )


def vote(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """A vote on an item, or taken back; the person is told how many they have left."""
    item_id = button_int(action.get("value"))
    user_id = body["user"]["id"]
    now = deps.now()
    result = deps.run(
        context, lambda s: retros.vote(s, item_id, workspaces.person(s, user_id), now)
    )
    person = load_person(deps, context, user_id)
    tr = reader_translator(deps, context, person)
    text = (
        # Translators: {n} is the votes the person has left.
        tr.ngettext(
            "Vote counted. You have {n} vote left.",
            "Vote counted. You have {n} votes left.",
            result.left,
        )
        if result.voted
        # Translators: {n} is the votes the person has left.
        else tr.ngettext(
            "Vote taken back. You have {n} vote left.",
            "Vote taken back. You have {n} votes left.",
            result.left,
        )
    ).format(n=result.left)
    respond(response_type="ephemeral", replace_original=False, **notice(text))


def turn_page(
    body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """More items to vote on than one message holds: the next page, for this person."""
    raw_retro, _, raw_page = (action.get("value") or "").partition(":")
    retro_id, page = button_int(raw_retro), button_int(raw_page)
    person = load_person(deps, context, body["user"]["id"])
    with deps.transaction(context) as session:
        retro = retros.get_retro(session, retro_id)
        retros.require_participant(session, session.get_one(Team, retro.team_id), person)
        message = retro_posts.message(session, retro, page=page)
    ephemeral = (body.get("container") or {}).get("is_ephemeral")
    respond(response_type="ephemeral", replace_original=bool(ephemeral), **message)


def follow_up_action(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """The menu of a retrospective's action: mark it done, or make it a backlog idea."""
    what, _, raw_id = ((action.get("selected_option") or {}).get("value") or "").partition(":")
    action_id = button_int(raw_id)
    user_id = body["user"]["id"]
    now = deps.now()
    person = load_person(deps, context, user_id)
    if what == "done":
        push(client, deps.run(context, lambda s: _mark_done(s, action_id, user_id, now)))
        respond(
            response_type="ephemeral",
            replace_original=False,
            **notice(reader_translator(deps, context, person).gettext("Marked as done.")),
        )
    elif what == "backlog":
        new_id = deps.run(
            context, lambda s: retros.to_backlog(s, action_id, workspaces.person(s, user_id), now)
        )
        tr = reader_translator(deps, context, person)
        problems = post_cards(client, deps.session_factory, context["workspace_id"], new_id, tr)
        respond(
            response_type="ephemeral",
            replace_original=False,
            **notice(
                " ".join(
                    [
                        # Translators: {id} is the new idea's number in the backlog.
                        tr.gettext("The action is now idea #{id}, waiting for triage.").format(
                            id=new_id
                        ),
                        *problems,
                    ]
                )
            ),
        )
    else:
        raise stale_button()


def _mark_done(
    session: Session, action_id: int, user_id: str, now: dt.datetime
) -> MessageUpdate | None:
    """Mark the action done; returns the open retrospective's message as it now reads."""
    row = retros.mark_done(session, action_id, workspaces.person(session, user_id), now)
    current = retros.current_retro(session, session.get_one(Team, row.team_id))
    return retro_posts.update(session, current) if current else None
