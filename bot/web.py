"""The HTTP surface: Slack's requests at POST /slack/events, a health check at GET /healthz.

Every request to /slack/events passes the edge before Bolt sees it, in this order, each
refusal a 4xx with a short reason and nothing logged of the body beyond its first bytes:
a content type Slack does not send (415), a missing or oversized length (411, 413), a missing,
malformed, stale or wrong signature (401), and then, signed, a body Slack would never send
(400: one Bolt cannot parse or read, or not of Slack's shape, bot.payloads). So a forged or
broken request costs one HMAC at most, no listener and no database column ever reads what
Slack would not have sent, and a good request is parsed once, by Bolt, and dispatched as is.
GET /healthz and GET /metrics are for the operators (bot.operations)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot import logs
from bot.metrics import ACK_SECONDS, REQUESTS, request_kind
from bot.models import utcnow
from bot.operations import PATHS as OPERATIONS
from bot.operations import Operations
from bot.payloads import FORM, JSON, Malformed, check
from bot.scheduler import Heartbeat

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
# Slack's largest requests to us are view submissions, which carry the whole modal: our
# biggest (the sprint planning form, 100 options) is under 64 KiB with every field full.
MAX_BODY = 256 * 1024
LOGGED_PREFIX = 80  # bytes of a refused body worth a log line


class WebApp:
    """A WSGI application; served by waitress in `agilebot run`."""

    def __init__(
        self,
        app: App,
        engine: Engine,
        *,
        signing_secret: str,
        heartbeat: Heartbeat | None = None,
        now: Callable[[], dt.datetime] = utcnow,
    ):
        self._app = app
        self._slack = SlackRequestHandler(app, path=SLACK_PATH)  # every other path: a 404
        self._engine = engine
        self._verifier = SignatureVerifier(signing_secret)
        self._operations = Operations(engine, heartbeat=heartbeat, now=now)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path in OPERATIONS:
            return self._operations(environ, start_response)
        if path == SLACK_PATH and method == "POST":
            with logs.working_on(request_id=logs.new_request_id()):
                return self._answer_slack(environ, start_response)
        return self._slack(environ, start_response)

    def _answer_slack(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        request = self._edge(environ)
        if isinstance(request, tuple):
            REQUESTS.labels(status=request[0].split(" ", 1)[0]).inc()
            return _refuse(start_response, *request)
        request.context[logs.REQUEST_KEY] = logs.REQUEST_ID.get()  # for the listeners' threads
        answer = self._app.dispatch(request)
        ACK_SECONDS.labels(kind=request_kind(request.body)).observe(time.perf_counter() - started)
        REQUESTS.labels(status=str(answer.status)).inc()
        response = WsgiHttpResponse(answer.status, answer.headers, answer.body)
        start_response(response.status, response.get_headers())
        return response.get_body()

    def _edge(self, environ: dict[str, Any]) -> BoltRequest | tuple[str, str]:
        """The request, parsed once, as Bolt will dispatch it, when it is Slack's, signed and
        well formed; else the HTTP status and the reason, for the log."""
        content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type not in (FORM, JSON):
            return "415 Unsupported Media Type", f"content type {content_type[:40]!r}"
        raw_length = environ.get("CONTENT_LENGTH") or ""
        if not raw_length.isdigit():
            return "411 Length Required", "no length"
        length = int(raw_length)
        if length > MAX_BODY:
            return "413 Content Too Large", f"{length} bytes"
        body = environ["wsgi.input"].read(length)
        if len(body) != length:
            return "400 Bad Request", "a body shorter than its length"
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
        signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
        if not (timestamp.isdigit() and len(timestamp) <= 12 and signature.startswith("v0=")):
            return "401 Unauthorized", f"no valid signature headers; body {_prefix(body)}"
        if not self._verifier.is_valid(body, timestamp, signature):
            return "401 Unauthorized", f"a stale or wrong signature; body {_prefix(body)}"
        try:  # parsed, and read for its ids, channel and response URL, as Bolt does
            request = BoltRequest(
                body=body.decode("utf-8"),
                query=environ.get("QUERY_STRING", ""),
                headers=WsgiHttpRequest(environ).get_headers(),
            )
        except Exception as error:  # noqa: BLE001 - broken JSON, a form that is not one...
            return "400 Bad Request", f"unreadable ({error!r}); body {_prefix(body)}"
        try:
            check(request.body, content_type)
        except Malformed as error:
            return "400 Bad Request", f"{error}; body {_prefix(body)}"
        return request


def _prefix(body: bytes) -> str:
    shown = body[:LOGGED_PREFIX].decode("utf-8", "replace")
    return repr(shown) + (
        f" (+{len(body) - LOGGED_PREFIX} bytes)" if len(body) > LOGGED_PREFIX else ""
    )


def _refuse(start_response: Any, status: str, reason: str) -> Iterable[bytes]:
    log.warning("refused a request: %s (%s)", status, reason)
    body = json.dumps({"ok": False, "error": status.split(" ", 1)[1].lower()}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def serve(web_app: WebApp, port: int, threads: int = 8) -> None:
    """Serve with waitress: a production WSGI server with a thread pool."""
    from waitress import serve as waitress_serve

    waitress_serve(web_app, host="0.0.0.0", port=port, threads=threads, ident="agilebot")
