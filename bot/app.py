"""The composition root: one Bolt app, shared by HTTP and Socket Mode. No I/O at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.oauth import OAuthFlow
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unscoped_unit_of_work
from bot.handlers import register_all
from bot.handlers.deps import Deps
from bot.messaging.backlog import CardRefresher
from bot.models import utcnow
from bot.services import workspaces
from bot.settings import Settings
from bot.slack import web_client


def build_app(
    settings: Settings,
    session_factory: sessionmaker[Session],
    *,
    now: Callable[[], dt.datetime] = utcnow,
    listener_executor: Executor | None = None,
    form_executor: Executor | None = None,
) -> App:
    flow, forget = _installs(settings, session_factory, now)
    app = App(
        listener_executor=listener_executor,  # None: Bolt's own pool of five threads
        client=web_client(settings),
        # Add to Slack (bot.installs): each request's token from its workspace's installation.
        oauth_flow=flow,
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        # Each listener's ack function answers Slack as soon as it returns; its lazy function
        # then does the slow part (views.open, chat.update) in the background. (With False,
        # Bolt polls for the ack every 10 ms instead, and a listener that fails right after
        # ack() stalls Slack for 3 seconds.)
        process_before_response=True,
        # The token is checked when the first request uses it, not at start-up.
        token_verification_enabled=False,
        request_verification_enabled=not settings.socket_mode,
    )
    deps = Deps(
        session_factory=session_factory,
        # Looked up before answering Slack: fail fast rather than wait out a Retry-After.
        profile_client=web_client(settings, retries=False, timeout=2),
        first_contact_client=web_client(settings, retries=False, timeout=1),
        card_refresher=CardRefresher(),
        # Sixteen forms at once at most; each takes one views.open (and, for a stranger, one
        # users.info of a second at most).
        form_executor=form_executor or ThreadPoolExecutor(16, thread_name_prefix="forms"),
        forget=forget,
        now=now,
    )
    register_all(app, deps)
    return app


def _installs(
    settings: Settings, factory: sessionmaker[Session], now: Callable[[], dt.datetime]
) -> tuple[OAuthFlow | None, Callable[[str, str | None, str], None]]:
    """The OAuth flow, in distribution mode; and what to do when Slack says the app was
    uninstalled from a workspace: delete its tokens, if we keep them, and suspend it."""
    if not settings.distribution:

        def suspend(team_id: str, enterprise_id: str | None, reason: str) -> None:
            with unscoped_unit_of_work(factory) as session:
                workspaces.suspend(session, team_id, reason, now())

        return None, suspend

    from bot import installs

    engine = factory.kw["bind"]
    store, states = installs.stores(settings, engine)

    def forget(team_id: str, enterprise_id: str | None, reason: str) -> None:
        installs.forget(store, factory, team_id, enterprise_id, reason, now())

    return installs.oauth_flow(settings, store, states, factory, now), forget
