"""Retrospectives in Slack: `/retro` opens the team's retrospective (or points to the open
one), `/retro named` and `/retro anonymous` (the scrum master) say whether items show their
author, `/retro health on|off` (the scrum master) whether it checks the team's health, and
`/retro note` (or the sprint board's button) notes an item for the next one; then items added
through a form, the health check's form, three votes each, more pages of items to vote on,
and the actions' menu (done, into the backlog, or the team's focus).

Items are anonymous unless the team chose otherwise: nothing posted when an item or a note
is added, or the team's health is rated, could tie it to its author."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Message, NoTeam, NotFound
from bot.fields import RetroField
from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.listeners import (
    listen,
    listen_to_modal,
    other_subcommand,
    refuse_modal,
    subcommand,
)
from bot.handlers.readers import load_person, person_translator, reader_translator
from bot.i18n import N_
from bot.messaging import MessageUpdate, push
from bot.messaging import retros as retro_posts
from bot.messaging import sprints as sprint_posts
from bot.messaging.backlog import post_cards
from bot.models import Person, Team
from bot.models.retro import RETRO_ITEM_MAX, HealthStatement
from bot.mrkdwn import esc
from bot.services import retros, sprints, teams, workspaces
from bot.views.help import notice
from bot.views.ids import Action, Callback
from bot.views.retro import (
    health_modal,
    health_thanks_modal,
    item_modal,
    note_modal,
    note_removed_modal,
    noted_modal,
)


def register(app: App) -> None:
    listen(
        app.command("/retro", matchers=[subcommand("note")]),
        later=open_note_form_from_command,
        opens_form=True,
    )
    listen(app.command("/retro", matchers=[other_subcommand("note")]), later=retro_command)
    listen(app.action(Action.RETRO_ADD), later=open_item_form, opens_form=True)
    # Nothing is posted when an item is added: an update at that moment would tie the item to
    # whoever was active then. The channel learns the items when voting opens, shuffled.
    listen_to_modal(app.view(Callback.RETRO_ITEM), add_item, refuse_on=RetroField.ITEM)
    # A note: saved or refused on its fields, and its form turns into its confirmation.
    listen(app.action(Action.RETRO_NOTE), later=open_note_form_from_board, opens_form=True)
    listen(app.view(Callback.RETRO_NOTE), save_note)
    listen(app.action(Action.RETRO_NOTE_REMOVE), later=remove_note)
    # The health check: nothing is posted when someone rates either.
    listen(app.action(Action.RETRO_HEALTH), later=open_health_form, opens_form=True)
    listen(app.view(Callback.RETRO_HEALTH), save_health)
    listen(app.action(Action.RETRO_VOTE), later=vote)
    listen(app.action(Action.RETRO_PAGE), later=turn_page)
    listen(app.action(Action.RETRO_ACTION_MENU), later=follow_up_action)


def retro_command(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    user_id = command["user_id"]
    words = " ".join((command.get("text") or "").lower().split())
    channel_id = command.get("channel_id")
    now = deps.now()
    person = load_person(deps, context, user_id)
    update = None
    try:
        text, update = deps.run(
            context, lambda s: _retro_command(s, client, words, user_id, channel_id, now)
        )
    except AgileError as error:
        text = error.message.render(reader_translator(deps, context, person))
    respond(response_type="ephemeral", **notice(text))
    push(client, update)


def _retro_command(
    session: Session,
    client: WebClient,
    words: str,
    user_id: str,
    channel_id: str | None,
    now: dt.datetime,
) -> tuple[str, MessageUpdate | None]:
    """Do what `/retro` with `words` asks; returns the answer, in the person's words, and the
    open retrospective's message if it changed."""
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
        ).format(team=esc(team.name)), None
    if words in ("health on", "health off"):
        changed = retros.choose_health(session, team, actor, on=words == "health on")
        answer = (
            # Translators: {team} is the team's name.
            tr.gettext(
                "The retrospectives of {team} now check the team's health: five statements "
                "rated 1 to 5, anonymously, with the averages and their trend in the results."
            )
            if team.retro_health
            # Translators: {team} is the team's name.
            else tr.gettext("The retrospectives of {team} no longer check the team's health.")
        ).format(team=esc(team.name))
        return answer, retro_posts.update(session, changed) if changed else None
    if words:
        raise Conflict(
            Message(
                N_(
                    "`/retro`: open the team's retrospective, or add to the open one. "
                    "`/retro note`: note an item for the next one. `/retro named` or "
                    "`/retro anonymous` (scrum master): how items are shown. "
                    "`/retro health on` or `/retro health off` (scrum master): the team's "
                    "health check."
                )
            )
        )
    retros.require_participant(session, team, actor)
    retro = retros.current_retro(session, team)
    if retro is None:
        retro = retros.open_retro(session, team, None, now)
        assert retro is not None
        retro_posts.post(client, session, retro)
        return tr.gettext("The retrospective is open in the channel."), None
    return tr.gettext(
        "A retrospective is already open: add your items with its button in the channel."
    ), None


# --- notes for the next retrospective ---------------------------------------------------------


def open_note_form_from_command(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """`/retro note [text]` in the team's channel: the note form, with the text if given."""
    user_id = command["user_id"]
    words = (command.get("text") or "").strip()
    text = words[len("note") :].strip()
    person = load_person(deps, context, user_id, ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, command.get("channel_id"))
        if team is None:
            raise NoTeam(Message(N_("Run `/retro note` in your team's channel.")))
        view = _note_form(session, team, person, text)
    client.views_open(trigger_id=command["trigger_id"], view=view)


def open_note_form_from_board(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The sprint board's button: the note form for the board's team."""
    team_id = button_int(action.get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = session.get(Team, team_id)
        if team is None:
            raise stale_button()
        view = _note_form(session, team, person, "")
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _note_form(session: Session, team: Team, person: Person, text: str) -> dict[str, Any]:
    retros.require_participant(session, team, person)
    return note_modal(person_translator(person, team), team, text[:RETRO_ITEM_MAX])


def save_note(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Save the note, or refuse it on its fields (nothing stored); the form then becomes the
    note's private confirmation, in the noter's language."""
    user_id = body["user"]["id"]
    # No profile refresh here: its timestamp would sit next to the note's.
    person = load_person(deps, context, user_id, ask_slack=False, first_contact=False)
    values = state_values(view)
    column, text = values.get(RetroField.COLUMN), values.get(RetroField.ITEM)
    now = deps.now()
    try:
        team_id = button_int(view_metadata(view).get("team"))
        noted = deps.run(
            context,
            lambda s: retros.note(s, team_id, workspaces.person(s, user_id), column, text, now),
        )
    except AgileError as error:
        refuse_modal(ack, context, error, RetroField.ITEM)
        return
    checked_column, checked_text = retros.checked_item(column, text)
    tr = person_translator(person, noted.team)
    ack(
        response_action="update",
        view=noted_modal(tr, noted, checked_column, checked_text),
    )


def remove_note(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The confirmation's Remove button: the note goes, for whoever holds its key."""
    raw_id, _, key = (action.get("value") or "").partition(":")
    view_id = (body.get("view") or {}).get("id")
    if not view_id:  # not clicked in its confirmation: a forged request
        raise stale_button()
    user_id = body["user"]["id"]
    person = load_person(deps, context, user_id, ask_slack=False, first_contact=False)
    tr = reader_translator(deps, context, person)
    try:
        note_id = button_int(raw_id)
        deps.run(context, lambda s: retros.remove_note(s, note_id, key))
        view = note_removed_modal(tr)
    except NotFound as error:
        view = note_removed_modal(tr, error.message.render(tr))
    client.views_update(view_id=view_id, view=view)


# --- the team's health ------------------------------------------------------------------------


def open_health_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The health check's form, for a participant who has not rated in this retrospective."""
    retro_id = button_int(action.get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        retro, team = retros.health_form(session, retro_id, person)
        view = health_modal(person_translator(person, team), team, retro)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def save_health(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Add the ratings to the team's totals, or refuse them on their fields (nothing stored);
    the form then thanks the person."""
    user_id = body["user"]["id"]
    # No profile refresh here: its timestamp would sit next to the ratings.
    person = load_person(deps, context, user_id, ask_slack=False, first_contact=False)
    values = state_values(view)
    now = deps.now()
    first_field = RetroField.HEALTH_PREFIX + HealthStatement.VALUE.value
    try:
        retro_id = button_int(view_metadata(view).get("retro"))
        team = deps.run(
            context,
            lambda s: retros.rate_health(s, retro_id, workspaces.person(s, user_id), values, now),
        )
    except AgileError as error:
        refuse_modal(ack, context, error, first_field)
        return
    ack(response_action="update", view=health_thanks_modal(person_translator(person, team)))


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
    if what == "focus":
        text, updates = deps.run(context, lambda s: _set_focus(s, action_id, user_id, now))
        for update in updates:
            push(client, update)
        tr = reader_translator(deps, context, person)
        # Translators: {action} is the retrospective action, as the team wrote it.
        said = tr.gettext(
            "The team's focus for the next sprint: {action}. It is on the sprint board, and "
            "the next retrospective asks about it first."
        ).format(action=esc(text))
        respond(response_type="ephemeral", replace_original=False, **notice(said))
    elif what == "done":
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


def _set_focus(
    session: Session, action_id: int, user_id: str, now: dt.datetime
) -> tuple[str, list[MessageUpdate | None]]:
    """Make the action the team's focus; returns its text and the messages that show it: the
    retrospectives' (the old focus's too) and the running sprint's board."""
    focused = retros.set_focus(session, action_id, workspaces.person(session, user_id), now)
    updates = [
        retro_posts.update(session, retros.get_retro(session, retro_id))
        for retro_id in sorted(focused.retro_ids)
    ]
    running = sprints.active_sprint(session, focused.team)
    if running is not None:
        updates.append(sprint_posts.board_update(session, running, now))
    return focused.action.text, updates


def _mark_done(
    session: Session, action_id: int, user_id: str, now: dt.datetime
) -> MessageUpdate | None:
    """Mark the action done; returns the open retrospective's message as it now reads."""
    row = retros.mark_done(session, action_id, workspaces.person(session, user_id), now)
    current = retros.current_retro(session, session.get_one(Team, row.team_id))
    return retro_posts.update(session, current) if current else None
