"""Interaction response URLs (``/response/<id>``): five uses within thirty minutes."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from tests.slack_double.block_kit import check_message
from tests.slack_double.records import (
    RESPONSE_URL_TTL,
    RESPONSE_URL_USES,
    ApiError,
    Reply,
    ResponseUrl,
)

if TYPE_CHECKING:
    from tests.slack_double.double import SlackDouble


def respond(double: SlackDouble, url_id: str, body: bytes) -> Reply:
    """Answer a POST to a response URL and record it in ``double.responses``."""
    record = double.response_urls.get(url_id)
    try:
        payload: Any = json.loads(body.decode("utf-8"))
    except ValueError:
        payload = body.decode("utf-8", "replace")
    entry = {
        "url_id": url_id,
        "channel": record.channel if record else None,
        "user": record.user if record else None,
        "body": payload,
    }
    reply = _reply(double, record, url_id, payload)
    entry.update(status=reply.status, ok=reply.status == 200)
    double.responses.append(entry)
    return reply


def _reply(double: SlackDouble, record: ResponseUrl | None, url_id: str, payload: Any) -> Reply:
    if record is None:
        return Reply(404, {"ok": False, "error": "invalid_url"})
    if time.monotonic() - record.issued_at > RESPONSE_URL_TTL:
        return Reply(404, {"ok": False, "error": "expired_url"})
    if record.uses >= RESPONSE_URL_USES:
        return Reply(404, {"ok": False, "error": "used_url"})
    record.uses += 1
    where = f"response_url {url_id}"
    if not isinstance(payload, dict):
        double.violations.append(f"{where}: body is not a JSON object")
        return Reply(400, {"ok": False, "error": "invalid_payload"})
    response_type = payload.get("response_type")
    if response_type not in (None, "in_channel", "ephemeral"):
        double.violations.append(
            f"{where}: response_type {response_type!r} is not in_channel or ephemeral"
        )
        return Reply(400, {"ok": False, "error": "invalid_payload"})
    try:
        check_message(
            double.violations, where, payload, require_content=not payload.get("delete_original")
        )
    except ApiError as err:
        reply = err.reply()
        reply.status = 400
        return reply
    return Reply(200, {"ok": True})
