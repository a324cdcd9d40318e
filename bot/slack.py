"""Slack Web API clients: every call goes to SLACK_API_URL, and is retried when Slack says it
may be (429 with Retry-After; a 5xx or a dropped connection only for calls that cannot post
twice), and counted (bot.slack_client).

The Slack SDK is imported when a client is first made, not with this module: a scheduler tick
with nothing due (`agilebot tick`, perhaps started every minute) never loads it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.pacing import Pace

log = logging.getLogger(__name__)

# The Web API client for a workspace (by its id in our database), made when first needed.
ClientFor = Callable[[int], "WebClient"]


def web_client(
    settings: Settings,
    *,
    retries: bool = True,
    timeout: int = 30,
    token: str | None = None,
    pace: Pace | None = None,
) -> WebClient:
    """A client for SLACK_API_URL, with `token` (else SLACK_BOT_TOKEN, if any), posting at
    `pace` (its workspace's, bot.pacing) if given."""
    from bot.slack_client import WebApiClient, retry_handlers

    return WebApiClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers() if retries else [],
        pace=pace,
    )


def post_pace(settings: Settings) -> Pace:
    """A workspace's pace: SLACK_POST_BUDGET posts a minute, one a second in each channel."""
    from bot.pacing import Pace

    return Pace(settings.slack_post_budget)


def clients_for(settings: Settings) -> ClientFor:
    """One bot token for every workspace (SLACK_BOT_TOKEN), that is one Slack workspace: one
    client, with its pace, made on first use and shared (by the scheduler's workers too)."""
    made: list[WebClient] = []
    lock = threading.Lock()

    def client(workspace_id: int) -> WebClient:
        with lock:
            if not made:
                made.append(web_client(settings, pace=post_pace(settings)))
            return made[0]

    return client


# Slack errors that a retry will not cure: the channel is gone, archived, or closed to the bot.
CHANNEL_CLOSED = frozenset(
    {"channel_not_found", "is_archived", "not_in_channel", "restricted_action", "access_denied"}
)


class NotInstalled(Exception):
    """The workspace has no installation, hence no token (distribution mode): as if Slack
    refused its token."""

    reason = "not_installed"


# Slack errors that say the workspace's token is refused for good: the app was uninstalled or
# its token revoked, the workspace or the bot's account is gone. Every call with this token
# fails alike, so the workspace is suspended (bot.scheduler) until its token works again.
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "team_disabled",
        "team_access_not_granted",
        NotInstalled.reason,
    }
)
# Slack errors that no retry of the same call cures: the token refused, or a permission the app
# was not given. A scheduled job that meets one stops.
UNCURABLE = TOKEN_REFUSED | {"missing_scope", "no_permission"}
# Slack errors after which a message cannot be edited any more, only posted anew: the message
# was deleted, or its channel with it.
MESSAGE_GONE = frozenset({"message_not_found", "cant_update_message", "channel_not_found"})


def unanswered(error: BaseException) -> bool:
    """Slack's answer was lost: a 5xx, a timeout, a dropped connection. Slack may have done the
    work all the same (a message posted), or not."""
    from http.client import HTTPException

    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        return int(error.response.status_code or 200) >= 500
    return isinstance(error, OSError | HTTPException)  # timeouts and URLError included


def error_reason(error: BaseException | None) -> str:
    """Slack's error code (`channel_not_found`, `ratelimited`...), else the failure's kind."""
    from slack_sdk.errors import SlackApiError

    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    if isinstance(error, NotInstalled):
        return NotInstalled.reason
    return type(error).__name__ if error else "unknown"


def tell_admins(client: WebClient, admin_channel_id: str, text: str) -> None:
    """A warning in a team's admin channel (the scrum master's); logged if even that fails."""
    try:
        client.chat_postMessage(channel=admin_channel_id, text=":warning: " + text)
    except Exception:  # the log is all that is left
        log.exception("could not report to admin channel %s: %s", admin_channel_id, text)
