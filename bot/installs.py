"""Add to Slack: the app installed in any number of workspaces, each with its own bot token
(distribution mode: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, HTTP mode).

GET /slack/install shows a page with an Add to Slack button that carries the app's scopes and
a one-time state (Bolt's OAuth flow; the state in our database with slack_sdk's SQLAlchemy
state store, and in a cookie, so that only the browser that started can finish). Slack sends
the installer back to GET /slack/oauth_redirect: the code is exchanged with oauth.v2.access
at SLACK_API_URL, the installation is stored (slack_sdk's SQLAlchemy installation store, its
tables made by our migrations), the workspace is created, or resumed where its team left off
if it was uninstalled, and a page says what to do next, or why it failed and how to try
again. An organization-wide install (Enterprise Grid) is refused with a page that says to
install in each workspace.

Every Web API call uses the token of the workspace it concerns: Bolt's authorize gives each
request a client with its workspace's token, and `clients_for` gives the scheduler one client
per workspace, reused while the token is the same.

When Slack says the app was uninstalled or its tokens revoked (`forget`), the tokens are
deleted and the workspace suspended: none of its jobs runs, and nothing retries. Its data is
kept for 30 days (bot.services.workspaces.KEEP_AFTER_UNINSTALL), then `agilebot purge`
deletes it."""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, unit_of_work, unscoped_unit_of_work
from bot.manifest import BOT_SCOPES
from bot.models import Workspace
from bot.services import workspaces
from bot.settings import Settings
from bot.slack import ClientFor, NotInstalled, post_pace, web_client

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.pacing import Pace

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 10 * 60  # an install started and left for longer starts again

# What the installer is told when an install fails, by Bolt's reason.
FAILURES = {
    "access_denied": "The install was cancelled on Slack's page, so nothing was installed.",
    "invalid_browser": (
        "This install was started in another browser, or its link was opened twice. "
        "Start again from this browser."
    ),
    "invalid_state": "This install link has expired or was already used. Start again.",
    "missing_code": "Slack did not send the code that completes the install. Start again.",
    "invalid_code": "Slack did not accept the install (the code expired). Start again.",
    "storage_error": "The install could not be saved. Try again in a minute.",
}


def stores(
    settings: Settings, engine: Engine
) -> tuple[SQLAlchemyInstallationStore, SQLAlchemyOAuthStateStore]:
    """slack_sdk's stores, in our database. On SQLite they get an engine of their own whose
    reads never wait for the write lock: a scheduled job looks its workspace's token up while
    its own claim holds that lock."""
    assert settings.slack_client_id is not None
    if engine.dialect.name == "sqlite":
        engine = make_engine(settings.database_url, immediate=False)
    return (
        SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine),
        SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )


def oauth_flow(
    settings: Settings,
    store: SQLAlchemyInstallationStore,
    states: SQLAlchemyOAuthStateStore,
    factory: sessionmaker[Session],
    now: Callable[[], dt.datetime],
) -> OAuthFlow:
    """Bolt's OAuth flow, with our pages, Slack at SLACK_API_URL, and the stores in our
    database."""

    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        if installation.is_enterprise_install or not installation.team_id:
            store.delete_bot(enterprise_id=installation.enterprise_id, team_id=None)
            store.delete_installation(enterprise_id=installation.enterprise_id, team_id=None)
            log.warning("refused an organization-wide install (%s)", installation.enterprise_id)
            return _page(
                400,
                "Install agilebot in each workspace",
                "agilebot works in one workspace at a time, so it cannot be installed for a "
                "whole organization at once. Install it in each workspace whose teams use it, "
                f'from <a href="{INSTALL_PATH}">the install page</a>, choosing the workspace '
                "at the top right of Slack's page.",
            )
        with unscoped_unit_of_work(factory) as session:
            workspace_id = workspaces.ensure_workspace(
                session, installation.team_id, installation.enterprise_id
            )
        with unit_of_work(factory, workspace_id) as session:
            resumed = workspaces.resume(session, workspace_id)
        log.info(
            "installed in workspace %s%s", installation.team_id, " (resumed)" if resumed else ""
        )
        name = installation.team_name or installation.team_id
        team = html.escape(name)
        again = " Your teams' backlog, sprints and standups are where you left them." * resumed
        return _page(
            200,
            f"agilebot is in {name}",
            f"agilebot is installed in <b>{team}</b>.{again}</p>"
            "<p><b>Next:</b> in the channel of your marketing team, type "
            "<code>/agile setup</code> to choose the team's owner, scrum master and members, "
            "and when its standups are. Anyone can then submit an idea with <code>/idea</code>."
            f'</p><p><a class="button" href="slack://open?team={html.escape(installation.team_id)}">'
            "Open Slack</a>",
        )

    def failure(args: FailureArgs) -> BoltResponse:
        reason = FAILURES.get(args.reason, "Something went wrong on the way back from Slack.")
        log.warning("an install failed: %s (%s)", args.reason, args.error or "no error")
        return _page(
            args.suggested_status_code if args.suggested_status_code >= 400 else 400,
            "agilebot was not installed",
            f'{html.escape(reason)}</p><p><a class="button" href="{INSTALL_PATH}">Start again</a>',
        )

    return InstallFlow(
        client=web_client(settings, token=None),
        settings=OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            authorization_url=settings.slack_authorize_url,
            installation_store=store,
            installation_store_bot_only=True,
            state_store=states,
            state_expiration_seconds=STATE_SECONDS,
            callback_options=CallbackOptions(success=success, failure=failure),
        ),
    )


class InstallFlow(OAuthFlow):
    """Bolt's flow, with our install page."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return _html(
            "Add agilebot to Slack",
            "agilebot runs the agile marketing cadence of your marketing and social-media "
            "teams in Slack: ideas and a backlog everyone can vote on, sprints with a goal, "
            "standups at each person's own time and in their language, the showcase and the "
            "retrospective.</p><p>Slack will ask you to choose the workspace and to allow "
            f'what agilebot needs.</p><p><a class="button" id="add-to-slack" '
            f'href="{html.escape(url)}">Add to Slack</a>',
        )


def clients_for(settings: Settings, store: SQLAlchemyInstallationStore) -> ClientFor:
    """For the scheduler: a workspace's client, with the token of its installation; the same
    client while the token is the same. Each workspace posts at its own pace (bot.pacing), kept
    across a new token. A workspace with no installation (uninstalled meanwhile) raises
    NotInstalled, which suspends it (bot.scheduler). Safe to call from the scheduler's
    workers at once."""
    teams: dict[int, tuple[str, str | None]] = {}
    made: dict[int, WebClient] = {}
    paces: dict[int, Pace] = {}
    lock = threading.Lock()

    def client(workspace_id: int) -> WebClient:
        if workspace_id not in teams:  # with the store's engine: never waiting for a claim
            with store.engine.connect() as connection:
                row = connection.execute(
                    select(Workspace.slack_team_id, Workspace.enterprise_id).where(
                        Workspace.id == workspace_id
                    )
                ).one()
            teams[workspace_id] = (row.slack_team_id, row.enterprise_id)
        team_id, enterprise_id = teams[workspace_id]
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(team_id)
        with lock:
            current = made.get(workspace_id)
            if current is None or current.token != bot.bot_token:
                pace = paces.setdefault(workspace_id, post_pace(settings))
                current = made[workspace_id] = web_client(settings, token=bot.bot_token, pace=pace)
            return current

    return client


def forget(
    store: SQLAlchemyInstallationStore,
    factory: sessionmaker[Session],
    team_id: str,
    enterprise_id: str | None,
    reason: str,
    now: dt.datetime,
) -> None:
    """The app was uninstalled, or its bot token revoked: delete the tokens, suspend the
    workspace (its data kept for 30 days)."""
    store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
    store.delete_installation(enterprise_id=enterprise_id, team_id=team_id)
    with unscoped_unit_of_work(factory) as session:
        if workspaces.suspend(session, team_id, reason, now):
            log.warning(
                "workspace %s: %s; its tokens are deleted and none of its jobs will run. Its "
                "data is kept for %d days (agilebot purge), unless it installs the app again",
                team_id,
                reason,
                workspaces.KEEP_AFTER_UNINSTALL.days,
            )


def _page(status: int, title: str, body: str) -> BoltResponse:
    return BoltResponse(
        status=status,
        body=_html(title, body),
        headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"},
    )


def _html(title: str, body: str) -> str:
    """A small page that reads well on a phone. `title` is escaped; `body` is HTML."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#1d1c1d}h1{font-size:1.5rem;color:#2d5f73}"
        "code{background:#f4f4f4;padding:0 .25rem;border-radius:3px;white-space:nowrap}"
        ".button{display:inline-block;background:#2d5f73;color:#fff;padding:.6rem 1.2rem;"
        "border-radius:6px;text-decoration:none;font-weight:600}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{body}</p></body></html>"
    )
