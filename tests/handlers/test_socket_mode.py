"""Socket Mode, against Slack's side played by tests.socket_mode_server: the app asks for its
connection at SLACK_API_URL, answers commands and clicks on the socket, stays quick to answer
while Slack refreshes its connection, and stops without leaving a thread behind."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App

from bot.app import build_app
from bot.settings import ConfigError, Settings
from bot.socket_mode import serve_socket_mode
from bot.views.ids import Action
from tests.conftest import MEMBER, OWNER, TEAM_CHANNEL
from tests.scenario import opened_view, wait_for_response
from tests.slack_double import SlackDouble
from tests.slack_requests import API_APP_ID, Slack
from tests.socket_mode_server import Envelope, SocketModeServer

APP_TOKEN = "xapp-1-A0AGILEBOT-1-socket"
# Slack gives an app 3 seconds to acknowledge; across a refresh slack_sdk's built-in client
# took about 3. Under a second, on a busy test machine, leaves no doubt.
QUICK = 1.0
# How long after a refresh acks were slow with the built-in client.
SLOW_WINDOW = 3.0


class Bot:
    """`agilebot run` in Socket Mode, on a thread: serve_socket_mode until stopped."""

    def __init__(self, app: App, settings: Settings) -> None:
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._serve, args=(app, settings), name="agilebot-run", daemon=True
        )

    def _serve(self, app: App, settings: Settings) -> None:
        try:
            serve_socket_mode(app, settings, stop=self.stop)
        except BaseException as error:  # noqa: BLE001 - handed to the test, which raises it
            self.error = error

    def shut_down(self, timeout: float = 10.0) -> float:
        """Stop serving; the seconds it took."""
        started = time.monotonic()
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"serve_socket_mode still running after {timeout}s"
        if self.error is not None:
            raise self.error
        return time.monotonic() - started


def socket_mode_settings(api_url: str, db_url: str, app_token: str = APP_TOKEN) -> Settings:
    return Settings.from_env(
        {
            "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
            "SLACK_APP_TOKEN": app_token,
            "SLACK_API_URL": api_url,
            "DATABASE_URL": db_url,
        }
    )


@pytest.fixture
def slack_side(double: SlackDouble) -> Iterator[SocketModeServer]:
    # The old connection stays open long after a refresh, unless the app closes it.
    with SocketModeServer(double.api_url, app_token=APP_TOKEN, grace=30.0) as server:
        yield server
    assert server.problems == []


@pytest.fixture
def start_bot(slack_side, double, db_url, session_factory, app_listeners) -> Iterator[Any]:
    """Start the app in Socket Mode, SLACK_API_URL pointing at Slack's side."""
    bots: list[Bot] = []

    def start() -> Bot:
        settings = socket_mode_settings(slack_side.api_url, db_url)
        app = build_app(
            settings, session_factory, listener_executor=app_listeners, form_executor=app_listeners
        )
        bot = Bot(app, settings)
        bots.append(bot)
        bot.thread.start()
        slack_side.wait_for_link(1)
        return bot

    yield start
    for bot in bots:
        if bot.thread.is_alive():
            bot.shut_down()


@pytest.fixture
def bot(start_bot) -> Bot:
    return start_bot()


def command(double: SlackDouble, name: str, text: str = "", user: str = MEMBER) -> dict[str, Any]:
    """A slash command's fields, as Slack sends them (response URL and trigger from the
    double)."""
    return Slack("unused: commands come over the socket", double).command_body(
        name, text, user=user, channel=TEAM_CHANNEL
    )


def help_command(double: SlackDouble) -> dict[str, Any]:
    return command(double, "/agile", "help")


def acked(*envelopes: Envelope) -> list[float]:
    """Seconds from send to ack of each envelope, once all are acknowledged."""
    return [envelope.wait_for_ack() for envelope in envelopes]


def acked_quickly(*envelopes: Envelope) -> None:
    times = acked(*envelopes)
    assert max(times) < QUICK, f"seconds from send to ack: {[round(t, 3) for t in times]}"


def test_the_connection_url_comes_from_slack_api_url(slack_side, bot):
    assert slack_side.urls_issued == 1
    assert slack_side.links[0].is_open


def test_a_command_is_answered_on_the_socket(slack_side, bot, double):
    envelope = slack_side.send_command(help_command(double))
    acked(envelope)
    assert envelope.acked_on == envelope.link
    answer = envelope.response_payload  # the help, as the HTTP response would carry it
    assert answer["response_type"] == "ephemeral" and "/idea" in json.dumps(answer)


def test_a_command_reaches_its_listener_which_calls_slack(slack_side, bot, double):
    acked(slack_side.send_command(command(double, "/agile", "setup", user=OWNER)))
    # The form opens through SLACK_API_URL, the same Web API the connection came from.
    assert opened_view(double, "team.setup")["callback_id"] == "team.setup"


def test_a_click_is_answered_on_the_socket(slack_side, bot, double):
    click = {
        "type": "block_actions",
        "api_app_id": API_APP_ID,
        "token": "legacy",
        "trigger_id": double.new_trigger_id(user_id=MEMBER),
        "response_url": double.new_response_url(TEAM_CHANNEL, MEMBER),
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": TEAM_CHANNEL},
        "channel": {"id": TEAM_CHANNEL, "name": "marketing"},
        "actions": [{"type": "button", "action_id": Action.VOTE, "block_id": "b", "value": "999"}],
        "team": {"id": SlackDouble.TEAM_ID, "domain": "agile-marketing"},
        "user": {"id": MEMBER, "username": "member", "team_id": SlackDouble.TEAM_ID},
    }
    acked(slack_side.send_interaction(click))
    # A vote for an idea that does not exist: the listener ran, and said so privately.
    assert "no longer exists" in json.dumps(wait_for_response(double, MEMBER))


def test_an_event_is_acknowledged_on_the_socket(slack_side, bot, double):
    mention = {
        "token": "legacy-verification-token",
        "team_id": SlackDouble.TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": {"type": "app_mention", "user": MEMBER, "channel": TEAM_CHANNEL, "text": "hi"},
        "type": "event_callback",
        "event_id": "Ev0SOCKET01",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": SlackDouble.TEAM_ID, "user_id": SlackDouble.BOT_USER_ID, "is_bot": True}
        ],
    }
    envelope = slack_side.send_event(mention)
    acked(envelope)
    assert envelope.ack == {"envelope_id": envelope.envelope_id}
    # The mention is answered with the help, privately.
    assert double.wait_for("chat.postEphemeral")[0].args["user"] == MEMBER


def test_acks_stay_well_under_a_second_across_a_refresh(slack_side, bot, double):
    slack_side.send_command(help_command(double)).wait_for_ack()  # first contact: a warm-up
    old = slack_side.request_refresh()
    refreshed = time.monotonic()
    # Slack may still send on the old connection until the new one is open...
    envelopes = [slack_side.send_command(help_command(double), link=old)]
    new = slack_side.wait_for_link(2)
    # ...then on the new one: a command every quarter of a second, through the seconds in which
    # acks used to wait.
    while time.monotonic() - refreshed < SLOW_WINDOW:
        envelopes.append(slack_side.send_command(help_command(double)))
        time.sleep(0.25)
    acked_quickly(*envelopes)
    assert {e.link for e in envelopes} == {old.number, new.number}
    # The app closes the old connection itself, long before Slack would (30 s here).
    assert old.wait_closed(5.0)
    acked_quickly(slack_side.send_command(help_command(double)))
    assert slack_side.urls_issued == 2


def test_a_lost_connection_is_replaced(slack_side, bot, double):
    slack_side.links[0].connection.close()  # Slack drops it, unannounced
    slack_side.wait_for_link(2)
    acked(slack_side.send_command(help_command(double)))


def test_stopping_leaves_no_thread_running(slack_side, start_bot, double):
    before = set(threading.enumerate())
    bot = start_bot()
    slack_side.send_command(help_command(double)).wait_for_ack()
    slack_side.request_refresh()
    slack_side.wait_for_link(2)
    acked(slack_side.send_command(help_command(double)))

    assert bot.shut_down() < 5.0
    assert all(link.wait_closed(5.0) for link in slack_side.links)
    deadline = time.monotonic() + 5.0
    while True:
        left = [
            t.name
            for t in set(threading.enumerate()) - before
            if t.is_alive() and not t.name.startswith(("listener", "slack-side"))
        ]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert left == []


def test_an_app_token_that_slack_refuses_is_a_configuration_error(
    slack_side, db_url, session_factory
):
    settings = socket_mode_settings(slack_side.api_url, db_url, app_token="xapp-1-revoked")
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        serve_socket_mode(build_app(settings, session_factory), settings)
