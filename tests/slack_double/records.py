"""What the double records and answers: calls, triggers, response URLs, replies, errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

TRIGGER_TTL = 3.0  # seconds a trigger_id stays valid
RESPONSE_URL_TTL = 30 * 60.0  # seconds a response_url stays valid
RESPONSE_URL_USES = 5


@dataclass
class Call:
    """One Web API call as the double saw and answered it."""

    method: str
    args: dict  # decoded + coerced, JSON-string args parsed, token removed
    status: int  # HTTP status answered
    response: dict  # JSON body answered ({} when the body was not JSON)
    ok: bool  # response.get("ok") is True
    team_id: str | None = None  # the workspace whose token made the call


@dataclass
class Trigger:
    """A ``trigger_id`` as Slack issues it with a command, click or submission."""

    trigger_id: str
    issued_at: float  # time.monotonic() at issue; tests may move it back to simulate age
    user_id: str | None = None
    view_id: str | None = None  # the view the interaction came from
    used: bool = False


@dataclass
class ResponseUrl:
    """A ``response_url`` as Slack issues it with a command or a click."""

    url_id: str
    channel: str
    user: str
    issued_at: float  # time.monotonic() at issue
    uses: int = 0


@dataclass
class Failure:
    """A fault a test injected with ``SlackDouble.fail_next``."""

    error: str | None
    status: int
    retry_after: int | None
    remaining: int
    after_processing: bool = False  # Slack did the work, then the answer was lost

    def reply(self) -> Reply:
        """What Slack's edge answers: 429 with Retry-After, a 5xx, or an error body."""
        if self.status == 429:
            retry_after = 1 if self.retry_after is None else self.retry_after
            return Reply(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            )
        if self.status >= 500:
            return Reply(self.status, {"ok": False, "error": self.error or "internal_error"})
        body: dict[str, Any] = {"ok": False, "error": self.error or "fatal_error"}
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return Reply(self.status, body, headers)


@dataclass
class Reply:
    """An HTTP answer: a JSON object or plain text, with extra headers."""

    status: int
    body: dict | str
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(
        self,
        error: str,
        *,
        messages: Iterable[str] = (),
        status: int = 200,
        extra: dict | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.status = status
        self.extra = extra or {}

    def reply(self) -> Reply:
        """The error as Slack words it, with ``response_metadata.messages`` when there are any."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return Reply(self.status, body)
