"""When the Web API client may send a call again. A 429 says Slack did nothing: every call is
retried after its Retry-After. A 5xx or a dropped connection may come after Slack did the
work, so a call that would do it twice (a post, a file shared) is not sent again: it fails,
and the caller reports it in words. (A form opened from a trigger is retried: if the first
attempt opened it, Slack refuses the second with exchanged_trigger_id, and nothing doubles.)
Imported when a client is made (bot.slack.web_client), with the Slack SDK."""

from __future__ import annotations

from typing import Any

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

# Methods whose repeat would post or share a second time.
NOT_REPEATABLE = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
    }
)


def _repeatable(request: Any) -> bool:
    method = str(getattr(request, "url", "")).rstrip("/").rsplit("/", 1)[-1]
    return method not in NOT_REPEATABLE


class ServerErrorRetry(ServerErrorRetryHandler):
    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


class ConnectionErrorRetry(ConnectionErrorRetryHandler):
    def _can_retry(self, *, request: Any, **kwargs: Any) -> bool:
        return _repeatable(request) and super()._can_retry(request=request, **kwargs)


def retry_handlers() -> list[RetryHandler]:
    return [
        ConnectionErrorRetry(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetry(max_retry_count=2),
    ]
