"""Typed settings, parsed once from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

DEFAULT_DATABASE_URL = "sqlite:///agilebot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Slack allows "several hundred" posts a minute in a workspace; 300 stays safely under.
DEFAULT_POST_BUDGET = 300
MAX_POST_BUDGET = 1000
# Workspaces served at once by a tick on PostgreSQL: with Slack answering a post in about 100 ms,
# 16 send 5,000 standup prompts (200 workspaces of 25) within the minute, 8 cannot (62.5 s at
# best; bench/bench_fanout.py). On SQLite, whose single writer they would queue behind, and
# whose embedded deployment serves one workspace: one at a time.
DEFAULT_WORKERS_POSTGRESQL = 16
MAX_WORKERS = 32

HOW_TO_GET_TOKENS = (
    "Create the Slack app from the manifest (`agilebot manifest --url https://YOUR-HOST`), "
    "install it to your workspace, then copy the Bot User OAuth Token (xoxb-...) from "
    "'OAuth & Permissions' into SLACK_BOT_TOKEN and the Signing Secret from 'Basic Information' "
    "into SLACK_SIGNING_SECRET (or an app-level token with connections:write into SLACK_APP_TOKEN "
    "for Socket Mode). To install it in many workspaces with Add to Slack, set "
    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET instead of SLACK_BOT_TOKEN. See README.md, "
    "'Create the Slack app'."
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    database_url: str
    port: int
    scheduler: bool
    # Distribution (Add to Slack for many workspaces, bot.installs): both, or neither.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    # Workspaces a scheduler tick serves at once (bot.scheduler), and the posts a minute each
    # workspace is allowed (bot.pacing).
    scheduler_workers: int = 1
    slack_post_budget: int = DEFAULT_POST_BUDGET

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def distribution(self) -> bool:
        """Installed with OAuth in any number of workspaces, each with its own token, rather
        than in one, with SLACK_BOT_TOKEN."""
        return self.slack_client_id is not None

    @property
    def slack_authorize_url(self) -> str:
        """Slack's OAuth page, beside its Web API (https://slack.com/oauth/v2/authorize)."""
        return urljoin(self.slack_api_url, "../oauth/v2/authorize")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read and validate every setting. Raises ConfigError naming the first bad variable."""
        if environ is None:
            if dotenv:
                _load_dotenv()
            environ = os.environ
        env = {k: v.strip() for k, v in environ.items() if v is not None}

        bot_token = env.get("SLACK_BOT_TOKEN") or None
        if bot_token is not None and not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'.")
        app_token = env.get("SLACK_APP_TOKEN") or None
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with 'xapp-'.")

        client_id = env.get("SLACK_CLIENT_ID") or None
        client_secret = env.get("SLACK_CLIENT_SECRET") or None
        if (client_id is None) != (client_secret is None):
            raise ConfigError(
                "Set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (from the app's 'Basic "
                "Information') to install the app in many workspaces, or neither."
            )
        if client_id is not None and app_token is not None:
            raise ConfigError(
                "Add to Slack (SLACK_CLIENT_ID) needs HTTP mode: unset SLACK_APP_TOKEN."
            )

        database_url = normalize_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
        default_workers = 1 if database_url.startswith("sqlite") else DEFAULT_WORKERS_POSTGRESQL
        return cls(
            slack_client_id=client_id,
            slack_client_secret=client_secret,
            slack_bot_token=bot_token,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=app_token,
            slack_api_url=_parse_api_url(env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            database_url=database_url,
            port=_parse_port(env.get("PORT") or "3000"),
            scheduler=_parse_switch("SCHEDULER", env.get("SCHEDULER") or "on"),
            scheduler_workers=_parse_count(
                "SCHEDULER_WORKERS",
                env.get("SCHEDULER_WORKERS") or str(default_workers),
                MAX_WORKERS,
            ),
            slack_post_budget=_parse_count(
                "SLACK_POST_BUDGET",
                env.get("SLACK_POST_BUDGET") or str(DEFAULT_POST_BUDGET),
                MAX_POST_BUDGET,
            ),
        )

    def require_for_serving(self) -> None:
        """Check what `agilebot run` needs, naming every missing variable at once."""
        missing = []
        if not self.slack_bot_token and not self.distribution:
            missing.append("SLACK_BOT_TOKEN")
        if not self.socket_mode and not self.slack_signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        if missing:
            raise ConfigError(f"Missing {', '.join(missing)}. {HOW_TO_GET_TOKENS}")

    def require_bot_token(self) -> None:
        """Check what the scheduler needs to post (`clock`, `tick`): in distribution mode,
        each workspace's token is in the database."""
        if not self.slack_bot_token and not self.distribution:
            raise ConfigError(f"Missing SLACK_BOT_TOKEN. {HOW_TO_GET_TOKENS}")


def normalize_database_url(url: str) -> str:
    """Accept Heroku's `postgres://` and plain `postgresql://`, and use the psycopg 3 driver."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is not a valid URL: {exc}.") from None
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg" + url[len(scheme) :]
    if scheme in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        return url
    raise ConfigError(
        "DATABASE_URL must be a PostgreSQL (postgres://, postgresql://) or SQLite (sqlite:///) URL."
    )


def _parse_api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("SLACK_API_URL must be an http(s) URL, such as https://slack.com/api/.")
    return url if url.endswith("/") else url + "/"


def _parse_port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f"PORT must be a number from 1 to 65535, not {raw!r}.")
    return int(raw)


def _parse_count(name: str, raw: str, most: int) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ConfigError(f"{name} must be a number from 1 to {most}, not {raw!r}.")
    return int(raw)


def _parse_switch(name: str, raw: str) -> bool:
    value = raw.lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise ConfigError(f"{name} must be 'on' or 'off', not {raw!r}.")


def _load_dotenv() -> None:
    from dotenv import load_dotenv

    # Real environment variables win over the file.
    load_dotenv(Path.cwd() / ".env", override=False)
