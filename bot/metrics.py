"""What the running bot counts, for Prometheus at GET /metrics (prometheus_client): requests
at the edge by answer, scheduled occurrences by outcome, and how long ticks take. Labels name
outcomes only: never a person, a team or a message."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from bot.scheduler import TickReport

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "agilebot_slack_requests",
    "Requests to /slack/events, by the HTTP status of the answer",
    ["status"],
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


def count_tick(report: TickReport, seconds: float) -> None:
    TICK_SECONDS.observe(seconds)
    for outcome, keys in (
        ("ran", report.ran),
        ("failed", report.failed),
        ("stale", report.skipped_stale),
        ("waiting", report.waiting),
        ("suspended", report.suspended),
        ("already_done", report.already_done),
    ):
        if keys:
            OCCURRENCES.labels(outcome=outcome).inc(len(keys))


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus's text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
