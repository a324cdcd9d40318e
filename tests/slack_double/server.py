"""The wire: a threaded HTTP server on 127.0.0.1 and the decoding of what clients send."""

from __future__ import annotations

import base64
import email.policy
import json
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from tests.slack_double.contract import ApiRequest
from tests.slack_double.records import Reply

if TYPE_CHECKING:
    from tests.slack_double.double import SlackDouble


class Server(ThreadingHTTPServer):
    """Serves one double on a free port; each request in its own thread, as Slack would."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, double: SlackDouble) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.double = double


class _Handler(BaseHTTPRequestHandler):
    server_version = "SlackDouble/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: no request log on stderr
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, verb: str) -> None:
        double: SlackDouble = self.server.double  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            reply = double.route(verb, self.path, self.headers, body)
        except Exception as exc:  # noqa: BLE001 - a bug in the double must not pass silently
            double.record_violation(f"slack double internal error on {verb} {self.path}: {exc!r}")
            reply = Reply(500, {"ok": False, "error": "internal_error"})
        if isinstance(reply.body, dict):
            payload = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            payload = reply.body.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        headers = {"Content-Type": content_type, **reply.headers}  # a page says it is HTML
        self.send_response(reply.status)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str | None, str | None, bytes]]:
    """(field name, file name, raw bytes) for each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts = []
    if message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            parts.append(
                (
                    name if isinstance(name, str) else None,
                    part.get_filename(),
                    payload if isinstance(payload, bytes) else b"",
                )
            )
    return parts


def decode_api_request(method: str, query: str, headers: Any, body: bytes) -> ApiRequest:
    """The arguments from the query string and the body, and the token from either."""
    args, is_json, decode_problem = _decode_body(query, headers, body)
    token, basic = None, None
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        token = auth[len("bearer ") :].strip()
    elif auth.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(auth[len("basic ") :]).decode().partition(":")
            basic = (user, password)
        except (ValueError, UnicodeDecodeError):
            decode_problem = decode_problem or "an Authorization header that is not Basic"
    arg_token = args.pop("token", None)
    return ApiRequest(method, args, is_json, decode_problem, token or arg_token, basic)


def _decode_body(query: str, headers: Any, body: bytes) -> tuple[dict, bool, str | None]:
    """(raw args, sent as JSON?, decoding problem)."""
    args: dict[str, Any] = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    content_type = (headers.get("Content-Type") or "").lower()
    if not body:
        return args, False, None
    if content_type.startswith("application/json"):
        try:
            decoded = json.loads(body.decode("utf-8"))
        except ValueError as exc:
            return args, True, f"body is not valid JSON: {exc}"
        if not isinstance(decoded, dict):
            return args, True, "JSON body must be an object"
        args.update(decoded)
        return args, True, None
    if content_type.startswith("multipart/form-data"):
        for name, filename, payload in parse_multipart(headers.get("Content-Type"), body):
            if name:
                args[name] = payload if filename else payload.decode("utf-8", "replace")
        return args, False, None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return args, False, "form body is not UTF-8"
    args.update({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return args, False, None
