"""The Web API client as the bot uses it: when it may send a call again, and what it counts.

When to send again. A 429 says Slack did nothing: every call is retried after its Retry-After.
A 5xx or a dropped connection may come after Slack did the work, so a call that would do it
twice (a post, a file shared) is not sent again: it fails, and the caller looks before posting
again (bot.messaging.post_once) or reports it in words. (A form opened from a trigger is
retried: if the first attempt opened it, Slack refuses the second with exchanged_trigger_id,
and nothing doubles.)

What it counts, for /metrics (bot.metrics): every attempt, by method and outcome: `ok`,
Slack's error code, `ratelimited` for a 429, `http_5xx`, or `connection`.

How fast it posts: a client given a workspace's pace (bot.pacing) waits before each post until
Slack's limits allow it (the scheduler's clients, one pace per workspace).

Imported when a client is made (bot.slack.web_client), with the Slack SDK."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.web import SlackResponse

from bot.metrics import SLACK_CALLS
from bot.pacing import Pace

# Methods whose repeat would post or share a second time; the same are paced.
NOT_REPEATABLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
    }
)


class WebApiClient(WebClient):
    """slack_sdk's client, counting the outcome of each call (retried attempts are counted by
    the retry handlers, as they happen), and posting at `pace` if it has one."""

    def __init__(self, *args: Any, pace: Pace | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pace = pace

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if self.pace is None or api_method not in NOT_REPEATABLE:
            return self._counted(api_method, **kwargs)
        with self.pace.post(_channel(kwargs)):  # counted from Slack's answer, retries included
            return self._counted(api_method, **kwargs)

    def _counted(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            status = error.response.status_code
            outcome = (
                "ratelimited"
                if status == 429
                else "http_5xx"
                if status >= 500
                else str(error.response.get("error") or status)
            )
            SLACK_CALLS.labels(method=api_method, outcome=outcome).inc()
            raise
        except Exception:
            SLACK_CALLS.labels(method=api_method, outcome="connection").inc()
            raise
        SLACK_CALLS.labels(method=api_method, outcome="ok").inc()
        return response


def _channel(call: dict[str, Any]) -> str | None:
    """The channel a post goes to, from api_call's arguments (a JSON body, a form or a query)."""
    for part in ("json", "data", "params"):
        args = call.get(part)
        if isinstance(args, dict):
            channel = args.get("channel") or args.get("channel_id") or args.get("channels")
            if channel:
                return str(channel).split(",")[0]
    return None


def _method(request: Any) -> str:
    return str(getattr(request, "url", "")).rstrip("/").rsplit("/", 1)[-1]


def _repeatable(request: Any) -> bool:
    return _method(request) not in NOT_REPEATABLE


class RateLimitRetry(RateLimitErrorRetryHandler):
    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        retry = super()._can_retry(request=request, **kwargs)
        if retry:
            SLACK_CALLS.labels(method=_method(request), outcome="ratelimited").inc()
        return retry


class ServerErrorRetry(ServerErrorRetryHandler):
    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        retry = _repeatable(request) and super()._can_retry(request=request, **kwargs)
        if retry:
            SLACK_CALLS.labels(method=_method(request), outcome="http_5xx").inc()
        return retry


class ConnectionErrorRetry(ConnectionErrorRetryHandler):
    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        retry = _repeatable(request) and super()._can_retry(request=request, **kwargs)
        if retry:
            SLACK_CALLS.labels(method=_method(request), outcome="connection").inc()
        return retry


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetry(max_retry_count=2),
        RateLimitRetry(max_retry_count=3),
        ServerErrorRetry(max_retry_count=2),
    ]
