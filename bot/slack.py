"""Slack Web API clients: every call goes to SLACK_API_URL, and is retried when Slack says it
may be (429 with Retry-After, 5xx, a dropped connection)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

log = logging.getLogger(__name__)


def web_client(settings: Settings, *, retries: bool = True, timeout: int = 30) -> WebClient:
    handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=handlers,
    )


# Slack errors that a retry will not cure: the channel is gone, archived, or closed to the bot.
CHANNEL_CLOSED = frozenset(
    {"channel_not_found", "is_archived", "not_in_channel", "restricted_action", "access_denied"}
)
# Slack errors after which a message cannot be edited any more, only posted anew: the message
# was deleted, or its channel is closed to the bot.
MESSAGE_GONE = CHANNEL_CLOSED | {"message_not_found", "cant_update_message"}


def error_reason(error: BaseException | None) -> str:
    """Slack's error code (`channel_not_found`, `ratelimited`...), else the failure's kind."""
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__ if error else "unknown"


def tell_admins(client: WebClient, admin_channel_id: str, text: str) -> None:
    """A warning in a team's admin channel (the scrum master's); logged if even that fails."""
    try:
        client.chat_postMessage(channel=admin_channel_id, text=":warning: " + text)
    except Exception:  # noqa: BLE001 - the log is all that is left
        log.exception("could not report to admin channel %s: %s", admin_channel_id, text)
