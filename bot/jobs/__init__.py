"""What the scheduler runs, one module per domain: each lists its occurrences due up to an
instant (job sources) and runs one of them from ids and `now` (bot.scheduler claims each
occurrence exactly once). What the jobs post in Slack is in bot.messaging.

Listing what is due needs only the database. The Slack side (bot.messaging, and through it
the Slack SDK and the views) is imported by the runs that post, and a workspace's client is
made when a run first needs it: a tick with nothing due, such as an `agilebot tick` started
every minute by a host's scheduler, loads neither."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.jobs import digests, follows, people, retros, sprints, standups
from bot.scheduler import JobSource
from bot.slack import ClientFor


def job_sources(clients: ClientFor, factory: sessionmaker[Session]) -> list[JobSource]:
    """Every job source of the product; within one tick, each workspace's occurrences run in
    due order (workspaces side by side, bot.scheduler)."""
    return [
        *people.sources(clients, factory),
        *sprints.sources(clients, factory),
        *retros.sources(clients, factory),
        *standups.sources(clients, factory),
        *digests.sources(clients, factory),
        *follows.sources(clients, factory),
    ]
