"""Slack over Socket Mode (`agilebot run` with SLACK_APP_TOKEN set): the bot opens a WebSocket
to Slack, at a one-time URL from apps.connections.open (at SLACK_API_URL), and Slack sends on
it, as envelopes, the commands, clicks, submissions and events that would otherwise come to
POST /slack/events. Each is dispatched to the same Bolt app as over HTTP, and acknowledged on
the socket with its envelope id and the app's answer.

Why a client of our own, on the `websockets` library, rather than one of slack_sdk's: every few
hours Slack asks for a new connection (a `disconnect` message, `refresh_requested`) and keeps
the old one open, quiet, for a while. slack_sdk's built-in client then opens the new connection
and closes the old one under a lock that the old connection's reader holds while it waits, up to
3 seconds, for data that Slack no longer sends; meanwhile it reads neither connection, so a
command that comes in those seconds is acknowledged after up to 3 seconds, at the edge of
Slack's limit. Its websocket-client based sibling swaps in a connection before opening it: an
ack sent meanwhile is lost, and its reconnections race, at times leaving the bot with no
connection until its 10-second monitor notices.

Here each connection has a reader thread of its own that only reads and hands each envelope to
a pool at once. A refresh opens the new connection beside the old one, and closes the old only
then, once the envelopes it brought are answered; an ack goes back on the connection its
envelope came on (on the newest if that one is gone). So no ack waits for a connection to
change. websockets answers Slack's pings and pings Slack, dropping a connection that stops
answering; a lost connection is replaced, with growing pauses while Slack cannot be reached.
(tests/socket_mode_server.py plays Slack's side, refreshes included, and times the acks.)
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import logs
from bot.metrics import ACK_SECONDS, request_kind
from bot.payloads import FORM, JSON, Malformed, check
from bot.settings import HOW_TO_GET_TOKENS, ConfigError, Settings
from bot.slack import web_client

if TYPE_CHECKING:
    from slack_bolt import App
    from websockets.sync.client import ClientConnection

log = logging.getLogger(__name__)

Envelope = dict[str, Any]
# What answers an envelope: the ack to send back, or None to send none.
Answer = Callable[[Envelope], Envelope | None]

# Slack waits 3 seconds for an ack: an old connection is closed once the envelopes it brought
# are answered, or after that long, when an answer could no longer help.
ACK_DEADLINE = 3.0
# Pauses before each new attempt to reach Slack after a connection was lost (the last one
# repeats): at once, then less and less often while Slack cannot be reached.
RECONNECT_PAUSES = (1.0, 2.0, 5.0, 10.0, 30.0)
# Envelopes answered at once. An answer is quick (the slow part of a request runs on Bolt's
# pools once it is acknowledged), so ten keep up with any team.
WORKERS = 10
# apps.connections.open errors that say SLACK_APP_TOKEN is wrong: no retry can help.
TOKEN_REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive"})


def serve_socket_mode(
    app: App,
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    started: Callable[[SocketModeClient], None] | None = None,
) -> None:
    """Serve `app` over Socket Mode until `stop` is set, or the process stops (Ctrl-C, SIGTERM).
    Raises ConfigError when Slack refuses SLACK_APP_TOKEN, and Slack's error when it cannot be
    reached at start: later, a lost connection is replaced for as long as it takes. `started`
    hears of the client once it is connected (the health check asks it `connected()`)."""
    client = SocketModeClient(connection_url(settings), lambda envelope: answer(app, envelope))
    client.start()
    try:
        if started is not None:
            started(client)
        (stop or threading.Event()).wait()
    finally:
        client.close()


def connection_url(settings: Settings) -> Callable[[], str]:
    """A function that asks Slack, at SLACK_API_URL, for a new connection's one-time URL."""
    token = settings.slack_app_token
    if not token:
        raise ConfigError(f"Missing SLACK_APP_TOKEN. {HOW_TO_GET_TOKENS}")
    client = web_client(settings)

    def open_url() -> str:
        from slack_sdk.errors import SlackApiError

        try:
            return str(client.apps_connections_open(app_token=token)["url"])
        except SlackApiError as error:
            reason = error.response.get("error")
            if reason in TOKEN_REFUSED:
                raise ConfigError(
                    f"SLACK_APP_TOKEN: Slack refused it ({reason}). {HOW_TO_GET_TOKENS}"
                ) from None
            raise

    return open_url


def answer(app: App, envelope: Envelope) -> Envelope | None:
    """Dispatch the request an envelope carries to `app`, as if it had come over HTTP, and
    return the ack: the envelope id, with the app's answer when Slack takes one. None when Bolt
    found no listener or failed: then, as with an HTTP error, Slack tells the person that the
    command failed, or sends an event again."""
    from slack_bolt.request import BoltRequest

    kind = envelope.get("type")
    payload: Any = envelope.get("payload")  # an object, once checked
    ack: Envelope = {"envelope_id": envelope["envelope_id"]}
    try:  # the shapes the HTTP edge takes (bot.web), so that no listener sees another
        check(payload, JSON if kind == "events_api" else FORM)
    except Malformed as error:
        log.warning("ignored a %s envelope that Slack would not send: %s", kind, error)
        return ack  # acknowledged all the same: sent again, it would fail again
    headers: dict[str, str | Sequence[str]] = {}
    if envelope.get("retry_attempt"):  # an event sent again (0 the first time): as over HTTP
        headers["x-slack-retry-num"] = str(envelope["retry_attempt"])
        headers["x-slack-retry-reason"] = str(envelope.get("retry_reason") or "")
    started = time.perf_counter()
    request = BoltRequest(body=payload, headers=headers, mode="socket_mode")
    request_id = logs.new_request_id()
    request.context[logs.REQUEST_KEY] = request_id  # for the listeners' threads
    with logs.working_on(request_id=request_id):
        response = app.dispatch(request)
    ACK_SECONDS.labels(kind=request_kind(payload)).observe(time.perf_counter() - started)
    if response.status != 200:
        log.info("no ack for a %s envelope: the app answered %d", kind, response.status)
        return None
    if response.body and envelope.get("accepts_response_payload"):
        content_type = (response.headers.get("content-type") or [""])[0]
        json_body = content_type.startswith("application/json")
        ack["payload"] = json.loads(response.body) if json_body else {"text": response.body}
    return ack


@dataclass(eq=False)
class _Connection:
    """One WebSocket to Slack."""

    number: int  # 1 for the first since start, 2 for the next...
    socket: ClientConnection
    refreshing: bool = False  # Slack asked for a new connection: this one is on its way out
    retiring: bool = False  # to be closed once its envelopes are answered
    closed: bool = False  # closed by us, or closing: acks go elsewhere
    in_flight: int = 0  # envelopes it brought that are not answered yet
    answered: threading.Condition = field(default_factory=threading.Condition)


class SocketModeClient:
    """Keeps a connection to Slack open, two while Slack refreshes one, and answers the
    envelopes that come on either with `answer` (on a pool of `workers` threads)."""

    def __init__(self, open_url: Callable[[], str], answer: Answer, *, workers: int = WORKERS):
        self._open_url = open_url
        self._answer = answer
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="socket-mode-answer")
        self._lock = threading.Lock()
        self._connections: list[_Connection] = []  # the open ones, oldest first
        self._numbers = itertools.count(1)
        self._connector: threading.Thread | None = None  # opening a connection, if one is
        self._threads: list[threading.Thread] = []  # readers and retirements, joined on close
        self._closing = threading.Event()

    def start(self) -> None:
        """Open the first connection. Raises when Slack cannot be reached or refuses the token."""
        self._open()

    def connected(self) -> bool:
        """Is a connection to Slack open (for the health check)?"""
        with self._lock:
            return any(not c.closed and not c.retiring for c in self._connections)

    def close(self, timeout: float = 10.0) -> None:
        """Close every connection once the envelopes it brought are answered (for
        ACK_DEADLINE at most), and wait for the client's threads to finish."""
        self._closing.set()
        with self._lock:
            connector = self._connector
        if connector is not None:  # it gives up, or closes what it opened
            connector.join(timeout)
        with self._lock:
            self._retire_all(self._connections)
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ connections

    def _open(self) -> None:
        """Open a connection at a new URL, on a thread of its own that then reads it; return
        once it is open. Raises what stopped it from opening."""
        url = self._open_url()
        opened: Future[None] = Future()
        number = next(self._numbers)
        with self._lock:
            self._track(
                threading.Thread(
                    target=self._run,
                    args=(url, number, opened),
                    name=f"socket-mode-reader-{number}",
                    daemon=True,
                )
            )
        opened.result()
        log.info("connected to Slack over Socket Mode (connection %d)", number)

    def _keep_connected(self) -> None:
        """Make sure that a connection that Slack is not refreshing is open, or opening."""
        with self._lock:
            if self._closing.is_set() or self._connector is not None or self._has_fresh():
                return
            self._connector = threading.Thread(
                target=self._connect, name="socket-mode-connect", daemon=True
            )
            self._connector.start()

    def _has_fresh(self) -> bool:
        return any(not c.refreshing for c in self._connections)

    def _connect(self) -> None:
        """Open a new connection, trying until one is open, then retire those that Slack is
        refreshing. Runs on its own thread, so that every connection is read meanwhile."""
        pauses = iter(RECONNECT_PAUSES)
        pause = 0.0
        while True:
            with self._lock:  # checked and cleared at once: see _keep_connected
                if self._closing.is_set() or self._has_fresh():
                    self._connector = None
                    self._retire_all([c for c in self._connections if c.refreshing])
                    return
            if self._closing.wait(pause):
                continue
            try:
                self._open()
            except Exception as error:  # noqa: BLE001 - logged; a later attempt may succeed
                if self._closing.is_set():
                    continue
                pause = next(pauses, RECONNECT_PAUSES[-1])
                log.warning(
                    "cannot reach Slack over Socket Mode (%s); trying again in %.0f s",
                    error,
                    pause,
                )

    def _retire_all(self, connections: list[_Connection]) -> None:
        """Close these connections, each on a thread of its own (called holding the lock)."""
        for connection in connections:
            if not connection.retiring:
                connection.retiring = True
                self._track(
                    threading.Thread(
                        target=self._retire,
                        args=(connection,),
                        name=f"socket-mode-retire-{connection.number}",
                        daemon=True,
                    )
                )

    def _retire(self, connection: _Connection) -> None:
        """Close a connection once the envelopes it brought are answered. (Closing waits for
        Slack's part of the close handshake, and a send meanwhile would wait as long: acks
        that come later go to another connection.)"""
        with connection.answered:
            connection.answered.wait_for(lambda: connection.in_flight == 0, ACK_DEADLINE)
            connection.closed = True
        connection.socket.close()

    def _track(self, thread: threading.Thread) -> None:
        """Start a thread that close() waits for (called holding the lock)."""
        self._threads = [t for t in self._threads if t.is_alive()]
        self._threads.append(thread)
        thread.start()

    # ------------------------------------------------------------------ messages

    def _run(self, url: str, number: int, opened: Future[None]) -> None:
        """Open a connection, and read it until it closes (then see that another is open)."""
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        connection: _Connection | None = None
        try:
            with connect(
                url,
                open_timeout=10,
                close_timeout=2,
                # Pings both ways: a connection that stops answering for 20 s is dropped, then
                # replaced.
                ping_interval=10,
                ping_timeout=10,
                # Slack is the only peer (the URL was issued for our token). With a limit, a
                # larger message would close the connection, and come again on the next one.
                max_size=None,
            ) as socket:
                with self._lock:
                    if self._closing.is_set():  # closed while this one was opening
                        opened.set_exception(ConnectionAbortedError("closing"))
                        return
                    connection = _Connection(number, socket)
                    self._connections.append(connection)
                opened.set_result(None)
                for message in socket:
                    self._receive(connection, message)
        except Exception as error:
            if not opened.done():
                opened.set_exception(error)  # the opener reports it
            elif not isinstance(error, ConnectionClosed):  # else Slack closed it, or stopped
                log.exception("stopped reading connection %d", number)  # answering pings
        finally:
            if connection is not None:
                with self._lock:
                    self._connections.remove(connection)
                if not self._closing.is_set():
                    log.info(
                        "connection %d to Slack closed (%s)",
                        number,
                        "refreshed" if connection.retiring else connection.socket.close_code,
                    )
                    self._keep_connected()

    def _receive(self, connection: _Connection, message: str | bytes) -> None:
        try:
            envelope = json.loads(message)
        except ValueError:
            log.warning("Slack sent a message that is not JSON: %r", message[:80])
            return
        if not isinstance(envelope, dict):
            return
        kind = envelope.get("type")
        if envelope.get("envelope_id"):
            with connection.answered:
                connection.in_flight += 1
            self._pool.submit(self._respond, connection, envelope)
        elif kind == "hello":
            log.debug(
                "Slack says hello on connection %d (%s open)",
                connection.number,
                envelope.get("num_connections"),
            )
        elif kind == "disconnect":
            log.info(
                "Slack asks for a new connection instead of %d (%s)",
                connection.number,
                envelope.get("reason"),
            )
            with self._lock:
                connection.refreshing = True
            self._keep_connected()
        else:
            log.debug("ignored a Socket Mode message of type %r", kind)

    def _respond(self, connection: _Connection, envelope: Envelope) -> None:
        try:
            ack = self._answer(envelope)
            if ack is not None:
                self._send(connection, json.dumps(ack))
        except Exception:
            log.exception("failed to answer a %s envelope", envelope.get("type"))
        finally:
            with connection.answered:
                connection.in_flight -= 1
                connection.answered.notify_all()

    def _send(self, connection: _Connection, text: str) -> None:
        """Send on `connection`, else on the newest open one."""
        from websockets.exceptions import ConnectionClosed
        from websockets.protocol import State

        with self._lock:
            others = [c for c in reversed(self._connections) if c is not connection]
        for target in (connection, *others):
            if target.closed or target.socket.state is not State.OPEN:
                continue
            try:
                target.socket.send(text)
                return
            except ConnectionClosed:
                continue
        log.warning("an ack was lost: no connection to Slack is open")
