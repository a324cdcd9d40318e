"""The Slack edge: one module per surface, each with `register(app, deps)`. Handlers parse,
ack, call a service inside a transaction they own, render, and call Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import (
    backlog,
    commands,
    events,
    experiments,
    listeners,
    retros,
    sprint_planning,
    sprints,
    standups,
    submissions,
)
from bot.handlers.deps import Deps, request_middleware


def register_all(app: App, deps: Deps) -> None:
    app.middleware(request_middleware(deps))
    listeners.register(app)
    commands.register(app, deps)
    backlog.register(app)
    submissions.register(app, deps)
    sprints.register(app)
    sprint_planning.register(app)
    experiments.register(app)
    standups.register(app, deps)
    retros.register(app, deps)
    events.register(app, deps)
