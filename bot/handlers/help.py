"""Help in Slack: `/agile` (or `/agile help`) answers privately with what the bot does and
every command, in the reader's language; a word it does not know gets the same, naming it. An
@mention of the app answers with the help too."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.handlers.activities import ACTIVITIES
from bot.handlers.deps import Deps
from bot.handlers.listeners import listen, other_subcommand
from bot.handlers.readers import load_person, person_translator
from bot.handlers.teams import EXPORT, SETUP
from bot.services import teams
from bot.views.help import help_message


def register(app: App) -> None:
    listen(app.command("/agile", matchers=[other_subcommand(SETUP, EXPORT, ACTIVITIES)]), show_help)
    listen(app.event("app_mention"), later=answer_mention)


def show_help(ack: Ack, command: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    text = (command.get("text") or "").strip()
    person = load_person(deps, context, command["user_id"])
    with deps.transaction(context) as session:
        tr = person_translator(person, teams.team_for_channel(session, command.get("channel_id")))
    words = text.split()
    unknown = None if not words or words[0].lower() == "help" else text
    ack(response_type="ephemeral", **help_message(tr, unknown=unknown))


def answer_mention(
    event: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    if not event.get("user"):
        return
    person = load_person(deps, context, event["user"])
    with deps.transaction(context) as session:
        tr = person_translator(person, teams.team_for_channel(session, event.get("channel")))
    client.chat_postEphemeral(channel=event["channel"], user=event["user"], **help_message(tr))
