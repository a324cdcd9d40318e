"""What the running bot counts, for Prometheus at GET /metrics (prometheus_client): requests
at the edge by answer, how long Slack waits for its answer by kind of request, Web API calls by
method and outcome, scheduled occurrences by outcome, how long ticks take, and how long a
team's DMs take to go out. Labels name kinds and outcomes only: never a person, a team or a
message."""

from __future__ import annotations

from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "agilebot_slack_requests",
    "Requests to /slack/events, by the HTTP status of the answer",
    ["status"],
    registry=REGISTRY,
)
ACK_SECONDS = Histogram(
    "agilebot_ack_seconds",
    "From a request's arrival to the bot's answer, by kind (command, block_actions, "
    "view_submission, event...): Slack waits 3 seconds at most",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
    registry=REGISTRY,
)
SLACK_CALLS = Counter(
    "agilebot_slack_calls",
    "Web API call attempts, by method and outcome (ok, Slack's error code, ratelimited, "
    "http_5xx, connection)",
    ["method", "outcome"],
    registry=REGISTRY,
)
FANOUT_SECONDS = Histogram(
    "agilebot_fanout_seconds",
    "How long one team's direct messages take to go out, by kind (prompts, reminders)",
    ["kind"],
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
    registry=REGISTRY,
)
OCCURRENCES = Counter(
    "agilebot_job_occurrences",
    "Scheduled occurrences, by outcome (ran, failed, stale, waiting, suspended, already_done)",
    ["outcome"],
    registry=REGISTRY,
)
TICK_SECONDS = Histogram(
    "agilebot_tick_seconds",
    "How long one scheduler tick takes, its jobs included",
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120),
    registry=REGISTRY,
)


class Outcomes(Protocol):
    """A scheduler tick's report (bot.scheduler.TickReport), as far as the metrics read it."""

    def counts(self) -> dict[str, int]: ...


def count_tick(report: Outcomes, seconds: float) -> None:
    TICK_SECONDS.observe(seconds)
    for outcome, count in report.counts().items():
        if count:
            OCCURRENCES.labels(outcome=outcome).inc(count)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def request_kind(body: dict[str, object]) -> str:
    """What Slack sent, for the ack metric: `command`, `event`, or the interaction's type."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    return kind if isinstance(kind, str) and kind.isidentifier() and len(kind) <= 40 else "other"
