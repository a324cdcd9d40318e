"""Slash commands: /agile, /idea, /backlog."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Message
from bot.handlers.cards import render_backlog
from bot.handlers.deps import Deps
from bot.handlers.listeners import listen
from bot.handlers.people import load_person, person_translator
from bot.i18n import N_
from bot.models import Person
from bot.models.backlog import TITLE_MAX
from bot.services import teams, workspaces
from bot.views.help import help_message, notice
from bot.views.ideas import idea_modal
from bot.views.team import setup_modal


def _subcommand(command: dict[str, Any]) -> str:
    words = (command.get("text") or "").split()
    return words[0].lower() if words else "help"


def register(app: App, deps: Deps) -> None:
    def agile(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        subcommand = _subcommand(command)
        if subcommand == "setup":
            ack()  # the modal opens right after
            return
        person = load_person(deps, context, command["user_id"])
        with deps.transaction(context) as session:
            tr = person_translator(
                person, teams.team_for_channel(session, command.get("channel_id"))
            )
        unknown = None if subcommand == "help" else command.get("text", "").strip()
        ack(response_type="ephemeral", **help_message(tr, unknown=unknown))

    def agile_later(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if _subcommand(command) == "setup":
            open_setup(deps, client, context, command)

    def idea(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
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
            )
        client.views_open(trigger_id=command["trigger_id"], view=view)
        load_person(deps, context, command["user_id"])  # the trigger is spent: now ask Slack

    def backlog(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
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

    listen(app.command("/agile"), agile, agile_later)
    listen(app.command("/idea"), later=idea)
    listen(app.command("/backlog"), backlog)


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
    return render_backlog(session, team, person, page, person_translator(person, team))


def open_setup(
    deps: Deps, client: WebClient, context: BoltContext, command: dict[str, Any]
) -> None:
    channel_id = command.get("channel_id") or ""
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, channel_id)
    if team is not None and not teams.can_configure(team, person):
        # Only a workspace admin's flag can change the answer: ask Slack before refusing.
        person = load_person(deps, context, command["user_id"])
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, channel_id)
        tr = person_translator(person, team)
        if not channel_id.startswith(("C", "G")):
            raise AgileError(Message(N_("Run `/agile setup` in the channel where the team works.")))
        if team is not None:
            teams.require_configurer(team, person)
        view = setup_modal(
            tr,
            channel_id=channel_id,
            team=team,
            member_ids=teams.member_ids(session, team) if team else [],
            creator_id=command["user_id"],
            default_time_zone=person.time_zone or "UTC",
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)
    load_person(deps, context, command["user_id"])  # the trigger is spent: now ask Slack
