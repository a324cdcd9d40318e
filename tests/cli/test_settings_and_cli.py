"""Settings from the environment and the command line."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.__main__ import main
from bot.manifest import BOT_EVENTS, BOT_SCOPES, COMMANDS
from bot.settings import ConfigError, Settings
from tests.slack_requests import REFERENCE_DIR

REPO = Path(__file__).resolve().parents[2]


def test_defaults():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///agilebot.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000 and settings.scheduler is True and not settings.socket_mode


def test_heroku_postgres_url_is_accepted():
    settings = Settings.from_env({"DATABASE_URL": "postgres://u:p@db.example.com:5432/app"})
    assert settings.database_url == "postgresql+psycopg://u:p@db.example.com:5432/app"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("SCHEDULER", "sometimes"),
        ("DATABASE_URL", "mysql://x/y"),
        ("SLACK_API_URL", "not a url"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
    ],
)
def test_malformed_settings_name_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


def test_serving_needs_tokens_and_says_how_to_get_them():
    with pytest.raises(ConfigError) as error:
        Settings.from_env({}).require_for_serving()
    assert "SLACK_BOT_TOKEN" in str(error.value) and "SLACK_SIGNING_SECRET" in str(error.value)
    assert "manifest" in str(error.value)
    # Socket Mode needs no signing secret.
    Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    ).require_for_serving()


SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "PORT",
    "SCHEDULER",
)


@dataclass(frozen=True)
class Outcome:
    """What one command line left behind: its exit code and its words."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys) -> Iterator[Callable[..., Outcome]]:
    """`agilebot ARGS` in this process, in an empty directory (no `.env`) with only the given
    settings: the command line's code and words, without a new interpreter for each call."""
    monkeypatch.chdir(tmp_path)
    for variable in SETTINGS:
        monkeypatch.delenv(variable, raising=False)
    # `main` makes SIGTERM leave cleanly, as a host expects of a process; not of this one.
    sigterm = signal.getsignal(signal.SIGTERM)

    def run(*args: str, **settings: str) -> Outcome:
        for variable, value in settings.items():
            monkeypatch.setenv(variable, value)
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse refuses a command line this way
            code = stop.code
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    yield run
    signal.signal(signal.SIGTERM, sigterm)


def test_run_without_tokens_is_one_clear_line(tmp_path):
    """The real entry point, as a fresh machine runs it: a new process, no font cache, no
    configuration. Whatever it imports on the way must not add a word to the one line."""
    home, mpl_config = tmp_path / "home", tmp_path / "matplotlib"
    home.mkdir()
    mpl_config.mkdir()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("agilebot")), "run"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "MPLCONFIGDIR": str(mpl_config),
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": f"sqlite:///{tmp_path}/a.db",
        },
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("agilebot: Missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET.")
    assert result.stdout == ""


def test_malformed_setting_stops_the_cli_without_traceback(cli):
    result = cli("migrate", PORT="x")
    assert result.code == 2 and "PORT" in result.stderr and "Traceback" not in result.stderr


def test_migrate_then_tick(cli, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="agilebot")
    at = "2026-11-23T09:00:00+01:00"
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
    no_token = cli("tick", "--at", at, **database)
    assert no_token.code == 2 and "SLACK_BOT_TOKEN" in no_token.stderr
    token = {"SLACK_BOT_TOKEN": "xoxb-test-token"}  # nothing is due: Slack is not called
    not_migrated = cli("tick", "--at", at, **database, **token)
    assert not_migrated.code == 2 and "agilebot migrate" in not_migrated.stderr
    assert cli("migrate", **database).code == 0
    caplog.clear()
    assert cli("tick", "--at", at, **database, **token).code == 0
    assert "tick at 2026-11-23T09:00:00+01:00: 0 ran" in caplog.text
    naive = cli("tick", "--at", "2026-11-23T09:00:00", **database, **token)
    assert naive.code == 2 and "offset" in naive.stderr


def test_manifest_validates_against_slacks_schemas_and_lists_everything(cli):
    result = cli("manifest", "--url", "https://agilebot.example.com")
    assert result.code == 0, result.stderr
    manifest = yaml.safe_load(result.stdout)
    for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"):
        jsonschema.validate(manifest, json.loads((REFERENCE_DIR / "manifest" / name).read_text()))
    url = "https://agilebot.example.com/slack/events"
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [c[0] for c in COMMANDS]
    assert all(c["url"] == url for c in commands)
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": url}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(BOT_EVENTS)
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_manifest_needs_a_url(cli):
    result = cli("manifest")
    assert result.code == 2 and "--url" in result.stderr
