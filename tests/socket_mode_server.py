"""Slack's side of Socket Mode, on 127.0.0.1, for tests.

Two servers, as Slack has:
- the Web API at `api_url`: `apps.connections.open` answers with a one-time WebSocket URL
  (`{"ok": true, "url": "ws://..."}`, shaped as in shared/slack-reference/methods/), and any
  other method is passed on to `upstream` (the Slack double), so that one SLACK_API_URL serves
  the app as Slack's does;
- the WebSocket server behind those URLs, speaking Socket Mode: a `hello` on connect, then
  envelopes (`slash_commands`, `interactive`) that the app acknowledges with their
  `envelope_id`, and a `disconnect` (`refresh_requested`) when a test asks for a refresh.

After a `disconnect` Slack keeps the old connection open for a while (`grace`): it stays quiet
and waits for the app to open a new one and close the old. That quiet open connection is what
held up slack_sdk's built-in client for about 3 seconds (see bot.socket_mode).

Every envelope records when it was sent and when its ack came back (`Envelope.ack_seconds`).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

APP_ID = "A0AGILEBOT"
# Slack's own hosts say who served a connection in `debug_info`; ours is named after this file.
HOST = "applink-local"
# How long a test waits for something the app should do at once.
PATIENCE = 10.0


@dataclass
class Link:
    """One WebSocket connection from the app."""

    number: int  # 1 for the app's first connection, 2 for the next...
    connection: ServerConnection
    opened_at: float
    refresh_requested_at: float | None = None
    closed: threading.Event = field(default_factory=threading.Event)

    @property
    def is_open(self) -> bool:
        return not self.closed.is_set()

    def wait_closed(self, timeout: float = PATIENCE) -> bool:
        return self.closed.wait(timeout)


@dataclass
class Envelope:
    """An envelope sent to the app, and its ack once it comes back."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    link: int  # the connection that carried it
    sent_at: float
    acked_at: float | None = None
    acked_on: int | None = None  # the connection that carried the ack
    ack: dict[str, Any] | None = None
    _acked: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def ack_seconds(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at

    def wait_for_ack(self, timeout: float = PATIENCE) -> float:
        """Seconds from send to ack, once the ack has come (failing after `timeout`)."""
        if not self._acked.wait(timeout):
            raise AssertionError(
                f"no ack for {self.type} envelope {self.envelope_id} in {timeout}s"
            )
        assert self.ack_seconds is not None
        return self.ack_seconds

    @property
    def response_payload(self) -> dict[str, Any]:
        """What the app answered with the ack (the HTTP response body, over HTTP)."""
        return (self.ack or {}).get("payload") or {}


class SocketModeServer:
    """Slack's Socket Mode endpoints. Use as a context manager, or start() and stop()."""

    def __init__(
        self, upstream: str | None = None, *, app_token: str | None = None, grace: float = 10.0
    ) -> None:
        self.upstream = upstream  # the Web API that serves every other method
        self.app_token = app_token  # the app-level token it takes (None: any)
        self.grace = grace  # how long an old connection stays open after its disconnect
        self.links: list[Link] = []
        self.envelopes: list[Envelope] = []
        self.problems: list[str] = []  # what the app did that Slack would not accept
        self.urls_issued = 0
        self._tickets: set[str] = set()
        self._lock = threading.Condition()
        self._numbers = itertools.count(1)
        self._timers: list[threading.Timer] = []
        self._ws: Server | None = None
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ life

    def start(self) -> SocketModeServer:
        # No keepalive pings from this side: a ping on the old connection would wake a client
        # that waits on it, and hide the delay that tests measure.
        self._ws = serve(
            self._serve_link, "127.0.0.1", 0, process_request=self._check_ticket, ping_interval=None
        )
        self._http = _ApiServer(self)
        for name, target in (("ws", self._ws.serve_forever), ("api", self._http.serve_forever)):
            thread = threading.Thread(target=target, name=f"slack-side-{name}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        with self._lock:
            timers, links = list(self._timers), list(self.links)
        for timer in timers:
            timer.cancel()
        for link in links:
            link.connection.close()
        if self._ws is not None:
            self._ws.shutdown()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        for thread in self._threads:
            thread.join(PATIENCE)

    def __enter__(self) -> SocketModeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        assert self._http is not None, "not started"
        return f"http://127.0.0.1:{self._http.server_port}/api/"

    # ------------------------------------------------------------------ the Web API

    def open_connection_url(self, token: str | None) -> dict[str, Any]:
        """apps.connections.open: a one-time URL of this server, for an app-level token."""
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith("xapp-") or self.app_token not in (None, token):
            return {"ok": False, "error": "invalid_auth"}
        assert self._ws is not None
        ticket = uuid.uuid4().hex
        with self._lock:
            self._tickets.add(ticket)
            self.urls_issued += 1
        port = self._ws.socket.getsockname()[1]
        return {"ok": True, "url": f"ws://127.0.0.1:{port}/link/?ticket={ticket}&app_id={APP_ID}"}

    # ------------------------------------------------------------------ the WebSocket side

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)  # a URL opens one connection only
                return None
            self.problems.append(f"connection with an unknown or used ticket: {request.path}")
        return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")

    def _serve_link(self, connection: ServerConnection) -> None:
        with self._lock:
            link = Link(next(self._numbers), connection, time.monotonic())
            open_links = 1 + sum(1 for other in self.links if other.is_open)
        try:
            connection.send(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": open_links,
                        "debug_info": {
                            "host": HOST,
                            "build_number": 1,
                            "approximate_connection_time": 18060,
                        },
                        "connection_info": {"app_id": APP_ID},
                    }
                )
            )
            with self._lock:  # envelopes may use it once it has said hello
                self.links.append(link)
                self._lock.notify_all()
            for message in connection:
                self._receive(link, message)
        except ConnectionClosed:
            pass
        finally:
            link.closed.set()
            with self._lock:
                self._lock.notify_all()

    def _receive(self, link: Link, message: str | bytes) -> None:
        try:
            ack = json.loads(message)
        except ValueError:
            ack = None
        if not isinstance(ack, dict) or not isinstance(ack.get("envelope_id"), str):
            with self._lock:
                self.problems.append(f"not an ack, on connection {link.number}: {message!r:.200}")
            return
        now = time.monotonic()
        with self._lock:
            envelope = next(
                (e for e in self.envelopes if e.envelope_id == ack["envelope_id"]), None
            )
            if envelope is None or envelope.acked_at is not None:
                state = "unknown" if envelope is None else "already acknowledged"
                self.problems.append(f"ack of an {state} envelope: {ack['envelope_id']}")
                return
            envelope.acked_at, envelope.acked_on, envelope.ack = now, link.number, ack
        envelope._acked.set()

    # ------------------------------------------------------------------ what tests do

    def wait_for_link(self, number: int, timeout: float = PATIENCE) -> Link:
        """The app's `number`-th connection, once it is open (it has had its hello)."""
        with self._lock:
            found = self._lock.wait_for(
                lambda: [link for link in self.links if link.number == number], timeout
            )
        if not found:
            raise AssertionError(f"the app did not open connection {number} in {timeout}s")
        return found[0]

    def current_link(self) -> Link:
        """Where Slack sends an envelope: the newest open connection that was not asked to
        refresh, else the newest open one (an old connection still takes envelopes)."""
        with self._lock:
            open_links = [link for link in self.links if link.is_open]
        fresh = [link for link in open_links if link.refresh_requested_at is None]
        if not (fresh or open_links):
            raise AssertionError("the app has no open Socket Mode connection")
        return (fresh or open_links)[-1]

    def send(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        link: Link | None = None,
        accepts_response_payload: bool = True,
        **more: Any,
    ) -> Envelope:
        """Send an envelope on `link` (by default where Slack would), timed from now."""
        link = link or self.current_link()
        envelope_id = str(uuid.uuid4())
        message = json.dumps(
            {
                "envelope_id": envelope_id,
                "type": type,
                "payload": payload,
                "accepts_response_payload": accepts_response_payload,
                **more,
            }
        )
        envelope = Envelope(envelope_id, type, payload, link.number, time.monotonic())
        with self._lock:
            self.envelopes.append(envelope)
        link.connection.send(message)
        return envelope

    def send_command(self, body: dict[str, Any], *, link: Link | None = None) -> Envelope:
        """A slash command: `body` has the fields Slack would POST over HTTP."""
        return self.send("slash_commands", body, link=link)

    def send_interaction(self, payload: dict[str, Any], *, link: Link | None = None) -> Envelope:
        """A click or a submission: `payload` as Slack would POST it in `payload=`."""
        return self.send("interactive", payload, link=link)

    def send_event(self, body: dict[str, Any], *, link: Link | None = None) -> Envelope:
        """An Events API delivery (`body` as Slack would POST it), a first attempt: Slack takes
        no answer with its ack."""
        return self.send(
            "events_api",
            body,
            link=link,
            accepts_response_payload=False,
            retry_attempt=0,
            retry_reason="",
        )

    def request_refresh(self, link: Link | None = None) -> Link:
        """Ask the app to move to a new connection, as Slack does every few hours; the old one
        stays open, quiet, for `grace` seconds unless the app closes it first."""
        link = link or self.current_link()
        link.refresh_requested_at = time.monotonic()
        link.connection.send(
            json.dumps(
                {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": HOST}}
            )
        )
        timer = threading.Timer(self.grace, link.connection.close)
        timer.name, timer.daemon = f"slack-side-grace-{link.number}", True
        with self._lock:
            self._timers.append(timer)
        timer.start()
        return link


class _ApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, slack: SocketModeServer) -> None:
        super().__init__(("127.0.0.1", 0), _ApiHandler)
        self.slack = slack


class _ApiHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request log on stderr
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        slack: SocketModeServer = self.server.slack  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        path = urlsplit(self.path)
        if path.path == "/api/apps.connections.open":
            if self.command != "POST":
                self._reply(200, {"ok": False, "error": "insecure_request"})
                return
            self._reply(200, slack.open_connection_url(_token(self.headers, body)))
        elif path.path.startswith("/api/") and slack.upstream:
            self._pass_on(slack.upstream + path.path[len("/api/") :], path.query, body)
        else:
            self._reply(404, {"ok": False, "error": "unknown_method"})

    def _pass_on(self, url: str, query: str, body: bytes) -> None:
        headers = {
            name: value
            for name in ("Content-Type", "Authorization")
            if (value := self.headers.get(name)) is not None
        }
        request = urllib.request.Request(
            url + (f"?{query}" if query else ""),
            data=body if self.command == "POST" else None,
            headers=headers,
            method=self.command,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, reply_headers, content = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            status, reply_headers, content = error.code, error.headers, error.read()
        self.send_response(status)
        for name in ("Content-Type", "Retry-After"):
            if reply_headers.get(name) is not None:
                self.send_header(name, reply_headers[name])
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        content = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


def _token(headers: Any, body: bytes) -> str | None:
    """The token, from the Authorization header or the form body, as Slack takes it."""
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[len("bearer ") :].strip()
    if (headers.get("Content-Type") or "").startswith("application/json"):
        try:
            return json.loads(body or b"{}").get("token")
        except ValueError:
            return None
    return parse_qs(body.decode("utf-8", "replace")).get("token", [None])[0]
