"""The app's wiring, shared by every request (the database, the Slack clients that read
profiles, the clock, the card refresher), the transactions a request runs in, and the
middleware that gives each request its workspace and the wiring (`deps` in Bolt's context,
which bot.handlers.listeners passes to every listener that names it)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work, unscoped_unit_of_work
from bot.messaging.backlog import CardRefresher
from bot.models import utcnow
from bot.services import workspaces

log = logging.getLogger(__name__)

# Where the middleware puts the wiring in each request's context.
DEPS_KEY = "deps"


@dataclass
class Deps:
    session_factory: sessionmaker[Session]
    profile_client: WebClient  # no retries, short timeout: used before answering Slack
    # No retries, a shorter timeout still: used before spending a trigger id (3 s from the
    # click), so that a first-contact modal still opens in time if Slack is slow.
    first_contact_client: WebClient
    card_refresher: CardRefresher  # one per process: it coalesces the updates of each card
    # Forms opened from a trigger, which Slack takes for 3 seconds only: a pool of their own,
    # so that a burst of other background work never makes a form miss its window.
    form_executor: Executor
    # The app was uninstalled or its token revoked in a workspace (Slack id, enterprise id,
    # why): its tokens deleted, if kept here, and the workspace suspended (bot.installs).
    forget: Callable[[str, str | None, str], None]
    now: Callable[[], dt.datetime] = utcnow
    _workspace_ids: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies a request's context for its lazy listeners: the wiring (connection
        # pool, clients, caches) is shared by every request, never copied.
        return self

    def workspace_id(self, slack_team_id: str, enterprise_id: str | None) -> int:
        cached = self._workspace_ids.get(slack_team_id)
        if cached is None:
            with unscoped_unit_of_work(self.session_factory) as session:
                cached = workspaces.ensure_workspace(session, slack_team_id, enterprise_id)
            self._workspace_ids[slack_team_id] = cached
        return cached

    @contextmanager
    def transaction(self, context: BoltContext) -> Iterator[Session]:
        with unit_of_work(self.session_factory, context["workspace_id"]) as session:
            yield session

    def run(self, context: BoltContext, work: Callable[[Session], Any], attempts: int = 3) -> Any:
        """Run `work` in a transaction, retrying when a concurrent request won a race (a unique
        key, a serialization failure, a deadlock). The database is unchanged unless it returns."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction(context) as session:
                    return work(session)
            except (IntegrityError, OperationalError) as exc:
                if attempt == attempts or not _is_transient(exc):
                    raise
                log.info("retrying a transaction after %s", type(exc.orig).__name__)
        raise AssertionError("unreachable")


def _is_transient(exc: IntegrityError | OperationalError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a concurrent insert of the same unique key: the retry sees it
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc.orig)


def request_middleware(deps: Deps) -> Callable[..., Any]:
    """Give every request the wiring, and its workspace (created on first contact)."""

    def middleware(context: BoltContext, body: dict[str, Any], next: Callable[[], Any]) -> Any:
        context[DEPS_KEY] = deps
        context["client"] = counted(context.client)
        team_id = context.team_id or (body.get("team") or {}).get("id") or body.get("team_id")
        if team_id:
            context["workspace_id"] = deps.workspace_id(team_id, context.enterprise_id)
        return next()

    return middleware


def counted(client: WebClient | None) -> WebClient | None:
    """Bolt's client for this request (its workspace's token), as one that counts its calls
    for the metrics (bot.slack_client): Bolt makes a plain WebClient per request."""
    from bot.slack_client import WebApiClient

    if client is None or isinstance(client, WebApiClient):
        return client
    return WebApiClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=client.retry_handlers,
    )
