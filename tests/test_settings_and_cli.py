"""Settings from the environment and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.manifest import BOT_EVENTS, BOT_SCOPES, COMMANDS
from bot.settings import ConfigError, Settings
from tests.slack_requests import REFERENCE_DIR

REPO = Path(__file__).resolve().parents[1]


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


def _cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=60,
    )


def test_run_without_tokens_is_one_clear_line(tmp_path):
    result = _cli(
        "run",
        env={"DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(
        "agilebot: Missing SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET."
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_setting_stops_the_cli_without_traceback(tmp_path):
    result = _cli("migrate", env={"PORT": "x", "PYTHONPATH": str(REPO)}, cwd=tmp_path)
    assert result.returncode == 2 and "PORT" in result.stderr and "Traceback" not in result.stderr


def test_migrate_then_tick(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "PYTHONPATH": str(REPO)}
    no_token = _cli("tick", "--at", "2026-11-23T09:00:00+01:00", env=env, cwd=tmp_path)
    assert no_token.returncode == 2 and "SLACK_BOT_TOKEN" in no_token.stderr
    env["SLACK_BOT_TOKEN"] = "xoxb-test-token"  # nothing is due: Slack is not called
    assert (
        _cli("tick", "--at", "2026-11-23T09:00:00+01:00", env=env, cwd=tmp_path).returncode == 2
    )  # not migrated
    assert _cli("migrate", env=env, cwd=tmp_path).returncode == 0
    result = _cli("tick", "--at", "2026-11-23T09:00:00+01:00", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 ran" in result.stderr
    naive = _cli("tick", "--at", "2026-11-23T09:00:00", env=env, cwd=tmp_path)
    assert naive.returncode == 2 and "offset" in naive.stderr


def test_manifest_validates_against_slacks_schemas_and_lists_everything():
    result = _cli(
        "manifest", "--url", "https://agilebot.example.com", env={"PYTHONPATH": str(REPO)}
    )
    assert result.returncode == 0, result.stderr
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


def test_manifest_needs_a_url():
    result = _cli("manifest", env={"PYTHONPATH": str(REPO)})
    assert result.returncode == 2 and "--url" in result.stderr
