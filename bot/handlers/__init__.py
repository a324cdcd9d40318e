"""The Slack edge: one module per domain (backlog, teams, help, sprints, sprint_planning,
experiments, follows, standups, retros, people, home), each with `register(app)`, a list of
routes to top-level listeners. Listeners parse, ack, call a service inside a transaction they
own, render, and call Slack; what the bot posts on its own is in bot.messaging.

Shared by them: the wiring and transactions (deps), the listener plumbing and the one error
handler (listeners), form and button values (forms), the person behind a request and their
language (readers), and private replies (replies)."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import (
    activities,
    backlog,
    experiments,
    follows,
    help,
    home,
    installs,
    listeners,
    people,
    retros,
    sprint_planning,
    sprints,
    standups,
    teams,
)
from bot.handlers.deps import Deps, request_middleware


def register_all(app: App, deps: Deps) -> None:
    app.middleware(request_middleware(deps))
    listeners.register(app)
    for domain in (
        backlog,
        teams,
        help,
        installs,
        sprints,
        sprint_planning,
        activities,
        experiments,
        follows,
        standups,
        retros,
        people,
        home,
    ):
        domain.register(app)
