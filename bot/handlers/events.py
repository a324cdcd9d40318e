"""Events API: an @mention of the app answers with the help; a changed Slack profile (a move,
a new language, a deactivated account) is taken at once for the people the bot knows."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.handlers.deps import Deps
from bot.handlers.listeners import listen
from bot.handlers.readers import load_person, lookup_person, person_translator
from bot.services import teams, workspaces
from bot.views.help import help_message


def register(app: App, deps: Deps) -> None:
    def mentioned(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not event.get("user"):
            return
        person = load_person(deps, context, event["user"])
        with deps.transaction(context) as session:
            tr = person_translator(person, teams.team_for_channel(session, event.get("channel")))
        client.chat_postEphemeral(channel=event["channel"], user=event["user"], **help_message(tr))

    def profile_changed(event: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return
        with deps.transaction(context) as session:
            # Only people the bot already knows: a workspace's other profiles are not ours.
            person = lookup_person(session, user["id"])
            if person is not None:
                workspaces.apply_profile(person, user, deps.now())

    listen(app.event("app_mention"), later=mentioned)
    listen(app.event("user_change"), later=profile_changed)
