"""People in Slack: a changed Slack profile (a move, a new language, a deactivated account) is
taken at once for the people the bot knows. Profiles are also read on first contact
(bot.handlers.readers) and refreshed by the scheduler (bot.jobs.people)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.handlers.deps import Deps
from bot.handlers.listeners import listen
from bot.handlers.readers import lookup_person
from bot.services import workspaces


def register(app: App) -> None:
    listen(app.event("user_change"), later=take_profile_change)


def take_profile_change(event: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    user = event.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return
    with deps.transaction(context) as session:
        # Only people the bot already knows: a workspace's other profiles are not ours.
        person = lookup_person(session, user["id"])
        if person is not None:
            workspaces.apply_profile(person, user, deps.now())
