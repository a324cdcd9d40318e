"""What the operators read: GET /healthz and GET /metrics.

`agilebot run` over HTTP serves them beside Slack's requests (bot.web); `agilebot clock` and
`agilebot run` in Socket Mode, which take no HTTP requests from Slack, serve them alone on
PORT (`serve_in_background`).

/healthz answers `{"status", "database", "scheduler"}`, plus `"slack"` in Socket Mode (is the
connection to Slack open?), with 503 when anything is wrong: the database does not answer,
the scheduler of this process has not finished a tick for three minutes, or the Socket Mode
connection is down."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, text

from bot.metrics import exposition
from bot.models import utcnow
from bot.scheduler import Heartbeat

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/metrics")


class Operations:
    """A WSGI application for /healthz and /metrics (any other path: 404)."""

    def __init__(
        self,
        engine: Engine,
        *,
        heartbeat: Heartbeat | None = None,
        now: Callable[[], dt.datetime] = utcnow,
        connected: Callable[[], bool] | None = None,
    ):
        self.engine = engine
        self.heartbeat = heartbeat  # None: the scheduler runs elsewhere (`agilebot clock`)
        self.now = now
        self.connected = connected  # Socket Mode: is the connection to Slack open?

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self._health(start_response)
        if path == "/metrics" and method == "GET":
            body, content_type = exposition()
            start_response("200 OK", [("Content-Type", content_type)])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not Found"]

    def _health(self, start_response: Any) -> Iterable[bytes]:
        answer: dict[str, str] = {}
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            answer["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check: database unavailable: %s", exc)
            answer["database"] = "unavailable"
        answer["scheduler"] = (
            "elsewhere" if self.heartbeat is None else self.heartbeat.state(self.now())
        )
        if answer["scheduler"] == "late":
            log.warning("health check: the scheduler has not ticked for three minutes")
        if self.connected is not None:
            answer["slack"] = "connected" if self.connected() else "disconnected"
            if answer["slack"] == "disconnected":
                log.warning("health check: the Socket Mode connection to Slack is down")
        healthy = (
            answer["database"] == "ok"
            and answer["scheduler"] != "late"
            and answer.get("slack") != "disconnected"
        )
        body = json.dumps({"status": "ok" if healthy else "degraded", **answer}).encode()
        start_response(
            "200 OK" if healthy else "503 Service Unavailable",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


def serve_in_background(app: Operations, port: int) -> Callable[[], None]:
    """Serve `app` on `port` from a thread of its own (waitress); returns how to stop it. If
    the port is taken (an `agilebot run` on the same host), the process goes on without,
    and says so."""
    from waitress import create_server

    try:
        server = create_server(app, host="0.0.0.0", port=port, threads=2, ident="agilebot")
    except OSError as error:
        log.warning("health and metrics not served: port %d: %s", port, error.strerror)
        return lambda: None
    thread = threading.Thread(target=server.run, name="operations", daemon=True)
    thread.start()
    log.info("health and metrics at http://0.0.0.0:%d/healthz and /metrics", port)
    return server.close
