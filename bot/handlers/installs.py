"""The app uninstalled from a workspace, or its bot token revoked (Slack's `app_uninstalled`
and `tokens_revoked` events): the workspace goes quiet at once (bot.installs.forget)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.handlers.deps import Deps
from bot.handlers.listeners import listen


def register(app: App) -> None:
    listen(app.event("app_uninstalled"), later=uninstalled)
    listen(app.event("tokens_revoked"), later=tokens_revoked)


def uninstalled(context: BoltContext, deps: Deps) -> None:
    if context.team_id:
        deps.forget(context.team_id, context.enterprise_id, "app_uninstalled")


def tokens_revoked(event: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    tokens = event.get("tokens")
    bot = tokens.get("bot") if isinstance(tokens, dict) else None
    if context.team_id and bot:  # the bot's: no call can be made for this workspace any more
        deps.forget(context.team_id, context.enterprise_id, "tokens_revoked")
