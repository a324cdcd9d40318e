"""The real processes: `agilebot run` serves Slack over HTTP, `agilebot clock` keeps time, and
both leave cleanly on the signals hosts send.

Each command runs in a process of its own, forked from this one: real signals, its own
database connections and server socket, its own exit code, without the second or two a new
interpreter spends importing everything again. (The entry point itself, from a new
interpreter, is in tests/cli/test_settings_and_cli.py.)"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.migrate import upgrade
from tests.conftest import MEMBER, TEAM_CHANNEL
from tests.slack_double import SlackDouble
from tests.slack_requests import SIGNING_SECRET, Slack

FORK = multiprocessing.get_context("fork")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _agilebot(command: str, env: dict[str, str], cwd: Path, output: int) -> None:
    """In the forked child: start as `agilebot COMMAND` does in a new process, with only `env`
    and with stdout and stderr on `output`."""
    os.dup2(output, 1)
    os.dup2(output, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    logging.root.handlers.clear()  # pytest's, inherited: `main` sets up its own, as when fresh
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.exit(main([command]))


class Agilebot:
    """`agilebot COMMAND` running in a forked process, its output collected as it comes."""

    def __init__(self, command: str, env: dict[str, str], cwd: Path) -> None:
        read_end, write_end = os.pipe()
        self.process = FORK.Process(target=_agilebot, args=(command, env, cwd, write_end))
        self.process.start()
        os.close(write_end)
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(read_end,), daemon=True)
        self._reader.start()

    def _read(self, read_end: int) -> None:
        with open(read_end, encoding="utf-8", errors="replace") as stream:
            for line in stream:
                self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.is_alive(), self.output
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output}"
            time.sleep(0.02)

    def stop(self, stop_signal: int = signal.SIGTERM) -> str:
        """Send `stop_signal`, wait for the process to end, and return all it wrote."""
        os.kill(self.process.pid, stop_signal)
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._reader.join(timeout=5)
        return self.output


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated database, made once: each test gets a copy."""
    path = tmp_path_factory.mktemp("migrated") / "run.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def environment(tmp_path, double, migrated):
    url = f"sqlite:///{shutil.copy(migrated, tmp_path / 'run.db')}"
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": double.api_url,
        "DATABASE_URL": url,
        "PORT": str(_free_port()),
    }


def test_run_serves_slack_and_health_over_http(environment, double, tmp_path):
    agilebot = Agilebot("run", environment, tmp_path)
    base = f"http://127.0.0.1:{environment['PORT']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                    assert json.loads(reply.read()) == {
                        "status": "ok",
                        "database": "ok",
                        "scheduler": "ok",
                    }
                    break
            except OSError:
                assert agilebot.process.is_alive(), agilebot.output
                assert time.monotonic() < deadline, "agilebot run did not come up"
                time.sleep(0.05)
        slack = Slack(base, double)
        body = urllib.parse.urlencode(
            slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
        )
        response = slack.post(body)
        assert response.status == 200 and "/idea" in response.body
        assert slack.post(body, signature="v0=bad").status == 401
    finally:
        output = agilebot.stop()
    assert "serving Slack at http://0.0.0.0:" in output and "Traceback" not in output, output
    assert agilebot.process.exitcode == 0


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_clock_runs_until_stopped(environment, tmp_path, stop_signal):
    agilebot = Agilebot("clock", environment, tmp_path)
    agilebot.wait_for("scheduler running")
    agilebot.wait_for("health and metrics at")  # logged once the port is bound, just after
    agilebot.process.join(timeout=0.25)
    assert agilebot.process.is_alive(), agilebot.output  # it waits for a signal, not less
    assert "stopping" not in agilebot.output
    with urllib.request.urlopen(f"http://127.0.0.1:{environment['PORT']}/healthz") as reply:
        assert json.loads(reply.read()) == {"status": "ok", "database": "ok", "scheduler": "ok"}
    deadline = time.monotonic() + 20
    while True:  # the first tick runs at start, in the scheduler's thread
        with urllib.request.urlopen(f"http://127.0.0.1:{environment['PORT']}/metrics") as reply:
            if b"agilebot_tick_seconds_count 1.0" in reply.read():
                break
        assert time.monotonic() < deadline, "no tick counted"
        time.sleep(0.05)
    output = agilebot.stop(stop_signal)
    assert "stopping: waiting for a running tick to finish" in output and "stopped" in output
    assert "Traceback" not in output and agilebot.process.exitcode == 0


def test_clock_goes_on_without_health_when_its_port_is_taken(environment, tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", int(environment["PORT"])))
        taken.listen()
        agilebot = Agilebot("clock", environment, tmp_path)
        agilebot.wait_for("health and metrics not served")
        agilebot.wait_for("scheduler running")
        output = agilebot.stop()
    assert "Traceback" not in output and agilebot.process.exitcode == 0


def test_run_in_socket_mode_serves_health_and_metrics_on_its_port(environment, double, tmp_path):
    from tests.socket_mode_server import SocketModeServer

    app_token = "xapp-1-A0AGILEBOT-1-socket"
    with SocketModeServer(double.api_url, app_token=app_token) as slack_side:
        env = {**environment, "SLACK_APP_TOKEN": app_token, "SLACK_API_URL": slack_side.api_url}
        agilebot = Agilebot("run", env, tmp_path)
        try:
            agilebot.wait_for("health and metrics at")
            base = f"http://127.0.0.1:{environment['PORT']}"
            with urllib.request.urlopen(base + "/healthz", timeout=5) as reply:
                assert json.loads(reply.read()) == {
                    "status": "ok",
                    "database": "ok",
                    "scheduler": "ok",
                    "slack": "connected",
                }
            body = Slack("unused", double).command_body(
                "/agile", "help", user=MEMBER, channel=TEAM_CHANNEL
            )
            envelope = slack_side.send_command(body)
            deadline = time.monotonic() + 10
            while envelope.acked_at is None:
                assert time.monotonic() < deadline, "no ack"
                time.sleep(0.02)
            with urllib.request.urlopen(base + "/metrics", timeout=5) as reply:
                assert b'agilebot_ack_seconds_count{kind="command"} 1.0' in reply.read()
        finally:
            output = agilebot.stop()
    assert "Traceback" not in output and agilebot.process.exitcode == 0, output
