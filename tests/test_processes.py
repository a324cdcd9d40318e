"""The real processes: `agilebot run` serves Slack over HTTP, `agilebot clock` keeps time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.migrate import upgrade
from tests.conftest import MEMBER, TEAM_CHANNEL
from tests.slack_double import SlackDouble
from tests.slack_requests import SIGNING_SECRET, Slack

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", command],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str], stop_signal: int = signal.SIGTERM) -> str:
    process.send_signal(stop_signal)
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


@pytest.fixture
def environment(tmp_path, double):
    url = f"sqlite:///{tmp_path}/run.db"
    upgrade(url)
    return {
        "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": double.api_url,
        "DATABASE_URL": url,
        "PORT": str(_free_port()),
    }


def test_run_serves_slack_and_health_over_http(environment, double, tmp_path):
    process = _start("run", environment, tmp_path)
    base = f"http://127.0.0.1:{environment['PORT']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                    assert json.loads(reply.read()) == {"status": "ok", "database": "ok"}
                    break
            except OSError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "agilebot run did not come up"
                time.sleep(0.2)
        slack = Slack(base, double)
        body = urllib.parse.urlencode(
            slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
        )
        response = slack.post(body)
        assert response.status == 200 and "/idea" in response.body
        assert slack.post(body, signature="v0=bad").status == 401
    finally:
        output = _stop(process)
    assert "serving Slack at http://0.0.0.0:" in output and "Traceback" not in output, output
    assert process.returncode == 0


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_clock_runs_until_stopped(environment, tmp_path, stop_signal):
    process = _start("clock", environment, tmp_path)
    time.sleep(2)
    assert process.poll() is None, process.communicate()[0]
    output = _stop(process, stop_signal)
    assert "scheduler running" in output
    assert "Traceback" not in output and process.returncode == 0
