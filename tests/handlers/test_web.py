"""The HTTP surface: signatures, the health check, and Slack's retries of events."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import create_engine

from bot.scheduler import Heartbeat
from bot.web import WebApp
from tests.conftest import MEMBER, TEAM_CHANNEL
from tests.slack_requests import SIGNING_SECRET, sign


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_check_reports_the_database(slack, server):
    status, body = _get(server[0] + "/healthz")
    assert status == 200 and body == {"status": "ok", "database": "ok", "scheduler": "elsewhere"}


def test_health_check_says_when_the_scheduler_stopped_ticking(slack, server):
    url, switch = server
    started = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    heartbeat = Heartbeat(started=started)
    clock = [started + dt.timedelta(minutes=2)]
    switch.target = WebApp(
        switch.target._slack.app,
        switch.target._engine,
        signing_secret=SIGNING_SECRET,
        heartbeat=heartbeat,
        now=lambda: clock[0],
    )
    assert _get(url + "/healthz") == (200, {"status": "ok", "database": "ok", "scheduler": "ok"})
    clock[0] = started + dt.timedelta(minutes=4)  # no tick has finished for three minutes
    status, body = _get(url + "/healthz")
    assert status == 503 and body["status"] == "degraded" and body["scheduler"] == "late"
    heartbeat.beat(clock[0])  # a tick finished
    assert _get(url + "/healthz")[0] == 200


def test_health_check_says_when_the_database_is_down(slack, server):
    url, switch = server
    broken = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    switch.target = WebApp(switch.target._slack.app, broken, signing_secret=SIGNING_SECRET)
    status, body = _get(url + "/healthz")
    assert status == 503 and body["database"] == "unavailable"


def test_bad_signature_is_refused(slack, double):
    body = urllib.parse.urlencode(
        slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
    )
    assert slack.post(body, signature="v0=" + "0" * 64).status == 401
    assert (
        slack.post(body, signature=sign(body, int(time.time()), secret="someone-else")).status
        == 401
    )
    assert double.calls == []


def test_stale_timestamp_is_refused(slack):
    body = urllib.parse.urlencode(
        slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
    )
    stale = int(time.time()) - 6 * 60
    assert slack.post(body, timestamp=stale, signature=sign(body, stale)).status == 401
    assert slack.post(body).status == 200


def test_unknown_path_is_404(slack, server):
    try:
        urllib.request.urlopen(server[0] + "/nope", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 404


def test_metrics_count_requests_by_answer_and_ticks_by_outcome(slack, server):
    from bot.metrics import REGISTRY, count_tick
    from bot.scheduler import TickReport

    def metrics() -> str:
        with urllib.request.urlopen(server[0] + "/metrics", timeout=5) as reply:
            assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
            return reply.read().decode()

    def value(text: str, line_start: str) -> float:
        found = [line for line in text.splitlines() if line.startswith(line_start)]
        return float(found[0].split()[-1]) if found else 0.0

    def acks(kind: str) -> float:
        return REGISTRY.get_sample_value("agilebot_ack_seconds_count", {"kind": kind}) or 0

    before, acks_before = metrics(), acks("command")
    body = urllib.parse.urlencode(
        slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
    )
    assert slack.post(body).status == 200
    assert slack.post(body, signature="v0=" + "0" * 64).status == 401

    def ran() -> float:
        return REGISTRY.get_sample_value("agilebot_job_occurrences_total", {"outcome": "ran"}) or 0

    assert acks("command") == acks_before + 1  # the signed /agile help; the refused one is not
    ran_before = ran()
    count_tick(TickReport(ran=["a", "b"], failed=["c"]), 0.2)
    after = metrics()
    for status in ("200", "401"):
        line = f'agilebot_slack_requests_total{{status="{status}"}}'
        assert value(after, line) == value(before, line) + 1
    assert ran() == ran_before + 2
    assert "agilebot_tick_seconds_bucket" in after and MEMBER not in after


def test_health_check_in_socket_mode_says_when_the_connection_to_slack_is_down(engine):
    from bot.operations import Operations

    connected = [True]
    operations = Operations(engine, connected=lambda: connected[0])

    def health() -> tuple[str, dict]:
        answered: list[str] = []
        body = operations(
            {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"},
            lambda status, headers: answered.append(status),
        )
        return answered[0], json.loads(b"".join(body))

    assert health() == (
        "200 OK",
        {"status": "ok", "database": "ok", "scheduler": "elsewhere", "slack": "connected"},
    )
    connected[0] = False
    status, body = health()
    assert status.startswith("503") and body["slack"] == "disconnected"
