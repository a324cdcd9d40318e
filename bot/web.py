"""The HTTP surface: Slack's requests at POST /slack/events, a health check at GET /healthz."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"


class WebApp:
    """A WSGI application; served by waitress in `agilebot run`."""

    def __init__(self, app: App, engine: Engine):
        self._slack = SlackRequestHandler(app, path=SLACK_PATH)
        self._engine = engine

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            return self._health(start_response)
        return self._slack(environ, start_response)

    def _health(self, start_response: Any) -> Iterable[bytes]:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            database, status = "ok", "200 OK"
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            log.warning("health check: database unavailable: %s", exc)
            database, status = "unavailable", "503 Service Unavailable"
        body = json.dumps(
            {"status": "ok" if database == "ok" else "degraded", "database": database}
        ).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]


def serve(web_app: WebApp, port: int, threads: int = 8) -> None:
    """Serve with waitress: a production WSGI server with a thread pool."""
    from waitress import serve as waitress_serve

    waitress_serve(web_app, host="0.0.0.0", port=port, threads=threads, ident="agilebot")
