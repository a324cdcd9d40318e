"""One Web API client for a bench's workspace, without Slack's pace (bot.pacing): the benches
that use it measure the bot's own cost per message, not Slack's allowance."""

from __future__ import annotations

from bot.settings import Settings
from bot.slack import ClientFor, web_client


def unpaced(settings: Settings) -> ClientFor:
    client = web_client(settings)
    return lambda _workspace_id: client
