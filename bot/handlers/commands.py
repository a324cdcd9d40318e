"""The /agile command: help, and the team set-up form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import AgileError, Message
from bot.handlers.deps import Deps
from bot.handlers.listeners import listen
from bot.handlers.readers import load_person, person_translator
from bot.i18n import N_
from bot.services import teams
from bot.views.help import help_message
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

    listen(app.command("/agile"), agile, agile_later)


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
