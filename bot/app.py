"""The composition root: one Bolt app, shared by HTTP and Socket Mode. No I/O at import time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from sqlalchemy.orm import Session, sessionmaker

from bot.handlers import register_all
from bot.handlers.deps import Deps
from bot.messaging.backlog import CardRefresher
from bot.models import utcnow
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
    app = App(
        listener_executor=listener_executor,  # None: Bolt's own pool of five threads
        client=web_client(settings),
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
        now=now,
    )
    register_all(app, deps)
    return app
