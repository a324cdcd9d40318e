"""What Slack sends, checked as Bolt parsed it and before any listener reads it: a request
Slack would never send (a payload that is not an object, an empty user id, a team id longer
than Slack makes them, a click without an action) is refused at the edge with a short
reason, so that no listener and no database column ever sees it (bot.web).

The rules are Slack's own shapes (docs.slack.dev: slash commands, interactivity payloads, the
Events API), kept to the fields the bot and Bolt read."""

from __future__ import annotations

import re
from typing import Any

# Slack's ids: an upper-case letter, then upper-case letters and digits (T0123ABCD, U0..., W0...,
# C0..., E0...). Our columns hold 32 characters, well above the longest Slack issues.
SLACK_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
ID_MAX = 255  # action_id, block_id, callback_id: Slack's own limit

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Malformed(ValueError):
    """A body Slack would not send; the message says what is wrong, for the log."""


def check(body: Any, content_type: str) -> None:
    """Malformed unless `body`, a request as Bolt parsed it (an event, a command's fields, or
    an interaction's payload), has the shape Slack gives it."""
    if not isinstance(body, dict):
        raise Malformed("the body is not an object")
    if content_type == JSON:
        _checked_event(body)
    elif "command" in body:
        _checked_command(body)
    elif "type" in body:
        _checked_interaction(body)
    elif "ssl_check" not in body:
        raise Malformed("a form with neither a payload nor a command")


def _id(value: Any, what: str, *, required: bool = True) -> None:
    if value in (None, "") and not required:
        return
    if not isinstance(value, str) or not SLACK_ID.fullmatch(value):
        raise Malformed(f"{what} is not a Slack id")


def _text(value: Any, what: str, *, limit: int | None = None) -> None:
    if not isinstance(value, str) or not value or (limit is not None and len(value) > limit):
        raise Malformed(f"{what} is missing or not a string of Slack's length")


def _object(value: Any, what: str, *, required: bool = False) -> dict[str, Any] | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not an object")
    return value


def _checked_command(form: dict[str, Any]) -> None:
    _text(form["command"], "command")
    if not form["command"].startswith("/"):
        raise Malformed("command does not start with /")
    _id(form.get("team_id"), "team_id")
    _id(form.get("user_id"), "user_id")
    _id(form.get("channel_id"), "channel_id")
    _id(form.get("enterprise_id"), "enterprise_id", required=False)
    _text(form.get("trigger_id"), "trigger_id", limit=ID_MAX)  # every command carries both
    _text(form.get("response_url"), "response_url", limit=ID_MAX)


def _checked_interaction(payload: dict[str, Any]) -> None:
    _text(payload.get("type"), "type", limit=ID_MAX)
    team = _object(payload.get("team"), "team")
    if team is not None:
        _id(team.get("id"), "team.id")
        _id(team.get("enterprise_id"), "team.enterprise_id", required=False)
    user = _object(payload.get("user"), "user", required=True)
    assert user is not None
    _id(user.get("id"), "user.id")
    _id(user.get("team_id"), "user.team_id", required=False)
    if team is None and not user.get("team_id"):  # every payload says whose workspace it is
        raise Malformed("no team")
    enterprise = _object(payload.get("enterprise"), "enterprise")
    if enterprise is not None:
        _id(enterprise.get("id"), "enterprise.id")
    channel = _object(payload.get("channel"), "channel")
    if channel is not None:
        _id(channel.get("id"), "channel.id")
    for part in ("container", "message", "state"):
        _object(payload.get(part), part)
    if "response_url" in payload:  # a click's; a form's come in response_urls
        _text(payload["response_url"], "response_url", limit=ID_MAX)
    urls = payload.get("response_urls", [])
    if not (isinstance(urls, list) and all(isinstance(u, dict) for u in urls)):
        raise Malformed("response_urls is not a list of objects")
    if payload["type"] in ("block_actions", "view_submission", "shortcut", "message_action"):
        _text(payload.get("trigger_id"), "trigger_id", limit=ID_MAX)
    if payload["type"] == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            raise Malformed("a click without actions")
        for action in actions:
            _object(action, "an action", required=True)
            _text(action.get("action_id"), "action_id", limit=ID_MAX)
    required = payload["type"] in ("view_submission", "view_closed")
    # Slack sends a view as an object, or not at all (never null: Bolt's logging trips on it).
    view = _object(payload.get("view"), "view", required=required or "view" in payload)
    if view is not None:  # a modal's, or the modal a click came from
        _text(view.get("type"), "view.type", limit=ID_MAX)
        _object(view.get("state"), "view.state")
        metadata = view.get("private_metadata")
        if metadata is not None and not (isinstance(metadata, str) and len(metadata) <= 3000):
            raise Malformed("view.private_metadata is not a string of Slack's length")
        if required:
            _text(view.get("callback_id"), "view.callback_id", limit=ID_MAX)


def _checked_event(body: dict[str, Any]) -> None:
    kind = body.get("type")
    _text(kind, "type", limit=ID_MAX)
    if kind == "url_verification":
        _text(body.get("challenge"), "challenge", limit=ID_MAX)
    elif kind == "app_rate_limited":  # Slack held back events for a minute: nothing to read
        _id(body.get("team_id"), "team_id")
    elif kind != "event_callback":  # the Events API sends nothing else as JSON
        raise Malformed(f"type {str(kind)[:ID_MAX]!r} is not one the Events API sends")
    else:
        _id(body.get("team_id"), "team_id")
        _id(body.get("enterprise_id"), "enterprise_id", required=False)
        event = _object(body.get("event"), "event", required=True)
        assert event is not None
        _text(event.get("type"), "event.type", limit=ID_MAX)
        user = event.get("user")
        if isinstance(user, dict):
            _id(user.get("id"), "event.user.id")
        elif user is not None:
            _id(user, "event.user")
