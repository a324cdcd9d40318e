"""What the scheduler runs, one module per domain: each lists its occurrences due up to an
instant (job sources) and runs one of them from ids and `now` (bot.scheduler claims each
occurrence exactly once). What the jobs post in Slack is in bot.messaging."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.jobs import people, retros, sprints, standups
from bot.scheduler import JobSource


def job_sources(client: WebClient, factory: sessionmaker[Session]) -> list[JobSource]:
    """Every job source of the product; within one tick, occurrences run in due order."""
    return [
        *people.sources(client, factory),
        *sprints.sources(client, factory),
        *retros.sources(client, factory),
        *standups.sources(client, factory),
    ]
