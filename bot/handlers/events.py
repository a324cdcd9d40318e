"""Events API: an @mention of the app answers with the help."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.handlers.errors import Listeners, just_ack
from bot.handlers.support import Deps, load_person, person_translator
from bot.services import teams
from bot.views.help import help_message


def register(app: App, deps: Deps) -> None:
    def mentioned(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not event.get("user"):
            return
        person = load_person(deps, context, event["user"])
        with deps.transaction(context) as session:
            tr = person_translator(person, teams.team_for_channel(session, event.get("channel")))
        client.chat_postEphemeral(channel=event["channel"], user=event["user"], **help_message(tr))

    Listeners(deps).add(app.event("app_mention"), just_ack, mentioned)
