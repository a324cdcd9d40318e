"""A local double of Slack's Web API for tests.

The app's real ``slack_sdk.WebClient(base_url=double.api_url, token=double.BOT_TOKEN)``
talks to it over real HTTP on 127.0.0.1. Every call is checked against Slack's own
method reference (``methods/<method>.json`` in the shared slack-reference folder):
arguments against the draft-7 ``args`` schema, the bot scopes the method needs, and
the Block Kit limits Slack documents. Anything the app does that real Slack would
refuse or frown upon is recorded in ``violations``; app tests assert it stays empty.

Besides the Web API (``/api/<method>``) it serves the two other URLs Slack hands to
an app: file upload URLs (``/upload/<file id>``, step two of the files upload v2
flow) and interaction response URLs (``/response/<id>``).
"""

from __future__ import annotations

import base64
import email.policy
import itertools
import json
import os
import re
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator

__all__ = ["Call", "ResponseUrl", "SlackDouble", "Trigger", "default_reference_dir"]


def default_reference_dir() -> Path:
    """``$SLACK_REFERENCE_DIR`` if set, else ``<repo parent>/shared/slack-reference``."""
    env = os.environ.get("SLACK_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "slack-reference"


# --------------------------------------------------------------------------- records


@dataclass
class Call:
    """One Web API call as the double saw and answered it."""

    method: str
    args: dict  # decoded + coerced, JSON-string args parsed, token removed
    status: int  # HTTP status answered
    response: dict  # JSON body answered ({} when the body was not JSON)
    ok: bool  # response.get("ok") is True


@dataclass
class Trigger:
    """A ``trigger_id`` as Slack issues it with a command, click or submission."""

    trigger_id: str
    issued_at: float  # time.monotonic() at issue; tests may move it back to simulate age
    user_id: str | None = None
    view_id: str | None = None  # the view the interaction came from (for views.push)
    used: bool = False


@dataclass
class ResponseUrl:
    """A ``response_url`` as Slack issues it with a command or a click."""

    url_id: str
    channel: str
    user: str
    issued_at: float  # time.monotonic() at issue
    uses: int = 0


@dataclass
class _Failure:
    error: str | None
    status: int
    retry_after: int | None
    remaining: int


@dataclass
class _Reply:
    status: int
    body: dict | str
    headers: dict[str, str] = field(default_factory=dict)


class _ApiError(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(
        self,
        error: str,
        *,
        messages: Iterable[str] = (),
        status: int = 200,
        extra: dict | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.status = status
        self.extra = extra or {}


# --------------------------------------------------------------------------- constants

# slack_sdk adds `team_id` to every call of a client bound to a workspace (Bolt's per-request
# client does), and Slack accepts it on every method, for org-wide installs.
_UNIVERSAL_ARGS = frozenset({"team_id"})
TRIGGER_TTL = 3.0  # seconds a trigger_id stays valid
RESPONSE_URL_TTL = 30 * 60.0  # seconds a response_url stays valid
RESPONSE_URL_USES = 5
VIEW_STACK_LIMIT = 3
MESSAGE_TEXT_LIMIT = 40_000
SCHEDULE_HORIZON = 120 * 24 * 3600

# Arguments that Slack takes as JSON-encoded strings; parsed for Call.args and checks.
_JSON_ARGS = frozenset(
    {"blocks", "attachments", "view", "files", "metadata", "unfurled_attachments"}
)
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_METHOD_NAME = re.compile(r"^[A-Za-z0-9_.]+$")
_SELECTS = frozenset(
    {"static_select", "multi_static_select", "external_select", "multi_external_select"}
)
_USES_PLACEHOLDER = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
    }
)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _schema_types(prop: dict) -> set[str]:
    """Every JSON type a property schema mentions (type, anyOf, oneOf, allOf)."""
    types: set[str] = set()
    declared = prop.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(declared)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in prop.get(key) or []:
            if isinstance(sub, dict):
                types |= _schema_types(sub)
    return types


def _coerce(value: Any, prop: dict) -> Any:
    """Turn a wire value into what the property schema expects, as Slack would read it."""
    types = _schema_types(prop)
    if not types:
        return value
    if isinstance(value, str):
        if "string" in types:
            return value
        text = value.strip()
        if "boolean" in types and text.lower() in _BOOLEANS:
            return _BOOLEANS[text.lower()]
        if types & {"integer", "number"} and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if "number" in types:
            try:
                return float(text)
            except ValueError:
                pass
        if types & {"array", "object"}:
            try:
                return json.loads(value)
            except ValueError:
                if "array" in types:  # Slack also takes comma-separated lists
                    return [part.strip() for part in value.split(",") if part.strip()]
        return value
    actual = _json_type(value)
    if actual in types or (actual == "integer" and "number" in types):
        return value
    if "string" in types:  # a JSON body may carry natively what forms carry as strings
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
    return value


def _pointer(path: Iterable[Any]) -> str:
    return "/" + "/".join(str(part) for part in path)


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- Block Kit


class _BlockKit:
    """Checks the Block Kit limits Slack documents; collects (path, problem) pairs."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    # -- primitives
    def max_len(self, value: Any, path: str, limit: int) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.problem(path, "must be a string")
        elif len(value) > limit:
            self.problem(path, f"is {len(value)} characters, more than the {limit} allowed")

    def text_object(
        self,
        obj: Any,
        path: str,
        *,
        limit: int | None = None,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.problem(path, "is required")
            return
        if not isinstance(obj, dict):
            self.problem(path, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.problem(f"{path}/type", f"must be plain_text or mrkdwn, not {kind!r}")
        elif plain_only and kind != "plain_text":
            self.problem(f"{path}/type", "must be plain_text here")
        text = obj.get("text")
        if not isinstance(text, str) or text == "":
            self.problem(f"{path}/text", "must be a non-empty string")
        elif limit is not None and len(text) > limit:
            self.problem(
                f"{path}/text", f"is {len(text)} characters, more than the {limit} allowed"
            )

    def option(self, opt: Any, path: str, *, plain_only: bool) -> None:
        if not isinstance(opt, dict):
            self.problem(path, "must be an option object")
            return
        self.text_object(opt.get("text"), f"{path}/text", limit=75, plain_only=plain_only)
        self.max_len(opt.get("value"), f"{path}/value", 150)

    def options(self, opts: Any, path: str, *, most: int, least: int = 0, plain_only: bool) -> None:
        if opts is None:
            return
        if not isinstance(opts, list):
            self.problem(path, "must be an array")
            return
        if len(opts) > most:
            self.problem(path, f"has {len(opts)} options, more than the {most} allowed")
        if len(opts) < least:
            self.problem(path, f"has {len(opts)} options, fewer than the {least} required")
        for i, opt in enumerate(opts):
            self.option(opt, f"{path}/{i}", plain_only=plain_only)

    # -- containers
    def blocks(self, blocks: Any, path: str, *, limit: int) -> None:
        if not isinstance(blocks, list):
            self.problem(path, "must be an array of blocks")
            return
        if len(blocks) > limit:
            self.problem(path, f"has {len(blocks)} blocks, more than the {limit} allowed")
        seen: dict[str, int] = {}
        for i, block in enumerate(blocks):
            here = f"{path}/{i}"
            if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                self.problem(here, "must be a block object with a type")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.max_len(block_id, f"{here}/block_id", 255)
                if block_id in seen:
                    self.problem(
                        f"{here}/block_id",
                        f"duplicate block_id {block_id!r} (already used by block {seen[block_id]})",
                    )
                else:
                    seen[block_id] = i
            check = getattr(self, f"block_{block['type']}", None)
            if check is not None:
                check(block, here)

    def block_section(self, block: dict, path: str) -> None:
        self.text_object(block.get("text"), f"{path}/text", limit=3000, required=False)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list):
                self.problem(f"{path}/fields", "must be an array")
            else:
                if len(fields) > 10:
                    self.problem(
                        f"{path}/fields", f"has {len(fields)} fields, more than the 10 allowed"
                    )
                for i, item in enumerate(fields):
                    self.text_object(item, f"{path}/fields/{i}", limit=2000)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{path}/accessory")

    def block_header(self, block: dict, path: str) -> None:
        self.text_object(block.get("text"), f"{path}/text", limit=150, plain_only=True)

    def block_actions(self, block: dict, path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list):
            self.problem(f"{path}/elements", "must be an array")
            return
        if len(elements) > 25:
            self.problem(
                f"{path}/elements", f"has {len(elements)} elements, more than the 25 allowed"
            )
        seen: set[str] = set()
        for i, element in enumerate(elements):
            self.element(element, f"{path}/elements/{i}")
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if action_id is not None:
                if action_id in seen:
                    self.problem(
                        f"{path}/elements/{i}/action_id",
                        f"duplicate action_id {action_id!r} within one actions block",
                    )
                seen.add(action_id)

    def block_context(self, block: dict, path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list):
            self.problem(f"{path}/elements", "must be an array")
            return
        if len(elements) > 10:
            self.problem(
                f"{path}/elements", f"has {len(elements)} elements, more than the 10 allowed"
            )
        for i, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") != "image":
                self.text_object(element, f"{path}/elements/{i}")

    def block_input(self, block: dict, path: str) -> None:
        self.text_object(block.get("label"), f"{path}/label", limit=2000, plain_only=True)
        self.text_object(
            block.get("hint"), f"{path}/hint", limit=2000, plain_only=True, required=False
        )
        if block.get("element") is None:
            self.problem(f"{path}/element", "is required")
        else:
            self.element(block["element"], f"{path}/element")

    # -- interactive elements
    def element(self, element: Any, path: str) -> None:
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            self.problem(path, "must be an element object with a type")
            return
        kind = element["type"]
        self.max_len(element.get("action_id"), f"{path}/action_id", 255)
        if kind in _USES_PLACEHOLDER or "placeholder" in element:
            self.text_object(
                element.get("placeholder"),
                f"{path}/placeholder",
                limit=150,
                plain_only=True,
                required=False,
            )
        if kind == "button":
            self.text_object(element.get("text"), f"{path}/text", limit=75, plain_only=True)
            self.max_len(element.get("value"), f"{path}/value", 2000)
            self.max_len(element.get("url"), f"{path}/url", 3000)
        elif kind in _SELECTS:
            self.options(element.get("options"), f"{path}/options", most=100, plain_only=True)
            groups = element.get("option_groups")
            if isinstance(groups, list):
                for g, group in enumerate(groups):
                    if isinstance(group, dict):
                        self.options(
                            group.get("options"),
                            f"{path}/option_groups/{g}/options",
                            most=100,
                            plain_only=True,
                        )
            if element.get("initial_option") is not None:
                self.option(element["initial_option"], f"{path}/initial_option", plain_only=True)
            for i, opt in enumerate(element.get("initial_options") or []):
                self.option(opt, f"{path}/initial_options/{i}", plain_only=True)
        elif kind == "overflow":
            self.options(
                element.get("options"), f"{path}/options", most=5, least=2, plain_only=True
            )
        elif kind in ("radio_buttons", "checkboxes"):
            self.options(element.get("options"), f"{path}/options", most=10, plain_only=False)
        elif kind == "plain_text_input":
            max_length = element.get("max_length")
            if max_length is not None and (
                not isinstance(max_length, int) or isinstance(max_length, bool) or max_length > 3000
            ):
                self.problem(f"{path}/max_length", "must be an integer of at most 3000")

    # -- views
    def view(self, view: Any, path: str, *, expected: str | None) -> None:
        if not isinstance(view, dict):
            self.problem(path, "must be a view object")
            return
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.problem(f"{path}/type", f"must be modal or home, not {kind!r}")
        elif expected is not None and kind != expected:
            self.problem(f"{path}/type", f"must be {expected} for this method, not {kind!r}")
        if kind == "modal":
            self.text_object(view.get("title"), f"{path}/title", limit=24, plain_only=True)
            for key in ("submit", "close"):
                self.text_object(
                    view.get(key), f"{path}/{key}", limit=24, plain_only=True, required=False
                )
            blocks = view.get("blocks")
            has_input = isinstance(blocks, list) and any(
                isinstance(b, dict) and b.get("type") == "input" for b in blocks
            )
            if has_input and view.get("submit") is None:
                self.problem(f"{path}/submit", "is required when the modal has input blocks")
        self.max_len(view.get("private_metadata"), f"{path}/private_metadata", 3000)
        self.max_len(view.get("callback_id"), f"{path}/callback_id", 255)
        self.max_len(view.get("external_id"), f"{path}/external_id", 255)
        if "blocks" not in view:
            self.problem(f"{path}/blocks", "is required")
        else:
            self.blocks(view["blocks"], f"{path}/blocks", limit=100)


# --------------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
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
            reply = double._route(verb, self.path, self.headers, body)
        except Exception as exc:  # a bug in the double must not pass silently
            double._violation(f"slack double internal error on {verb} {self.path}: {exc!r}")
            reply = _Reply(500, {"ok": False, "error": "internal_error"})
        if isinstance(reply.body, dict):
            payload = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            payload = reply.body.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[str | None, str | None, bytes]]:
    """(field name, file name, raw bytes) for each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    parts = []
    if message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            parts.append((name, part.get_filename(), payload))
    return parts


# --------------------------------------------------------------------------- the double


class SlackDouble:
    """A thread-safe, in-process stand-in for Slack's Web API (see module docstring)."""

    BOT_TOKEN = "xoxb-test-token"
    TEAM_ID = "T0AGILE01"
    TEAM_NAME = "Agile Test"
    TEAM_DOMAIN = "agilebot-test"
    BOT_USER_ID = "UBOTAGILE"
    BOT_ID = "BBOTAGILE"
    BOT_NAME = "agilebot"
    APP_ID = "A0AGILE01"

    def __init__(self, reference_dir: Path | None = None, scopes: set[str] | None = None) -> None:
        self.reference_dir = Path(reference_dir) if reference_dir else default_reference_dir()
        if not (self.reference_dir / "methods").is_dir():
            raise FileNotFoundError(f"no Slack method reference under {self.reference_dir}")
        self._initial_scopes = set(scopes) if scopes is not None else None
        self.scopes: set[str] | None = set(scopes) if scopes is not None else None
        self._lock = threading.RLock()
        self._schemas: dict[str, dict | None] = {}
        self._validators: dict[str, Draft7Validator] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)
        self._handlers: dict[str, Callable[[dict], dict]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "oauth.v2.access": self._oauth_v2_access,
            "team.info": self._team_info,
            "bots.info": self._bots_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.profile.get": self._users_profile_get,
            "usergroups.users.list": lambda args: {"users": []},
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "conversations.join": self._conversations_join,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.deleteScheduledMessage": self._chat_delete_scheduled_message,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }
        self._clear()

    # ------------------------------------------------------------------ lifecycle

    def _clear(self) -> None:
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.ephemeral: list[dict] = []
        self.responses: list[dict] = []
        self.views: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.scheduled: list[dict] = []
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._failures: dict[str, list[_Failure]] = defaultdict(list)
        self.slow: dict[str, float] = {}  # method -> seconds Slack takes to answer it
        self._stacks: dict[str, list[str]] = {}  # root view id -> stack of view ids
        self._home_by_user: dict[str, str] = {}
        self._opened_dms: set[str] = set()

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-double", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackDouble:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget all state (and restore the scopes given to the constructor)."""
        with self._lock:
            self._clear()
            self.scopes = set(self._initial_scopes) if self._initial_scopes is not None else None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackDouble is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ fixtures

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/Rome",
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
    ) -> dict:
        ZoneInfo(tz)  # fail fast on a bad fixture
        name = name or user_id.lower()
        user = {
            "id": user_id,
            "name": name,
            "real_name": real_name or name,
            "tz": tz,
            "locale": locale,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "deleted": deleted,
            "is_bot": is_bot,
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: Iterable[str] = (),
        bot_member: bool = True,
        is_private: bool = False,
        is_archived: bool = False,
    ) -> dict:
        channel = {
            "id": channel_id,
            "name": name,
            "members": list(members),
            "bot_member": bot_member,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_mpim": False,
            "created": 1690000000,
        }
        with self._lock:
            self.channels[channel_id] = channel
        return channel

    def new_trigger_id(self, *, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger id good for one views.open/views.push within 3 seconds.

        ``user_id`` is the user who interacted (recorded on the opened view);
        ``view_id`` is the view the interaction came from (the stack views.push adds to).
        """
        with self._lock:
            n = next(self._id_counter)
            trigger_id = f"{n}.{self.TEAM_ID[1:]}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(trigger_id, time.monotonic(), user_id, view_id)
            return trigger_id

    def new_response_url(self, channel_id: str, user_id: str) -> str:
        with self._lock:
            url_id = f"{self.TEAM_ID}/{next(self._id_counter)}/{secrets.token_hex(12)}"
            self.response_urls[url_id] = ResponseUrl(url_id, channel_id, user_id, time.monotonic())
            return f"{self.base_url}/response/{url_id}"

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail (before any other check)."""
        if status == 200 and not error:
            raise ValueError("fail_next with status 200 needs an error")
        with self._lock:
            self._failures[method].append(_Failure(error, status, retry_after, times))

    # ------------------------------------------------------------------ observation

    def calls_to(self, method: str, *, ok: bool | None = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls_to(method) if predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        with self._lock:
            seen = list(self.calls)
            violations = list(self.violations)
        lines = [
            f"wait_for({method!r}, count={count}) timed out after {timeout}s: "
            f"{len(matching)} successful matching call(s); {len(seen)} call(s) seen:"
        ]
        for c in seen:
            outcome = "ok" if c.ok else f"error={c.response.get('error')!r} status={c.status}"
            lines.append(f"  {c.method} {outcome} args={_short(c.args)}")
        if not seen:
            lines.append("  (none)")
        if violations:
            lines.append("violations:")
            lines.extend(f"  {v}" for v in violations)
        raise AssertionError("\n".join(lines))

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def notifying(self, channel_or_user_id: str) -> list[dict]:
        """The messages that told the channel's members something: new posts in the channel
        and thread replies sent to the channel too. (An edit notifies no one, and a plain
        thread reply only those who follow the thread.)"""
        return [
            m
            for m in self.messages_in(channel_or_user_id)
            if not m["thread_ts"] or m["reply_broadcast"]
        ]

    def messages_in(self, channel_or_user_id: str) -> list[dict]:
        channel = channel_or_user_id
        if channel.startswith(("U", "W")):
            channel = self.dm_channel(channel)
        with self._lock:
            return list(self.messages.get(channel, []))

    # ------------------------------------------------------------------ internals: state

    def _violation(self, text: str) -> None:
        with self._lock:
            self.violations.append(text)

    def _next_ts(self) -> str:
        micros = 100 * next(self._ts_counter)
        return f"{1700000000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):08X}"

    def _new_hash(self) -> str:
        return f"{int(time.time())}.{secrets.token_hex(4)}"

    def _dm_owner(self, dm_id: str) -> str | None:
        for user_id in self.users:
            if self.dm_channel(user_id) == dm_id:
                return user_id
        return None

    def _channel_by_ref(self, ref: str) -> dict | None:
        if ref in self.channels:
            return self.channels[ref]
        name = ref[1:] if ref.startswith("#") else ref
        for channel in self.channels.values():
            if channel["name"] == name:
                return channel
        return None

    def _postable_channel(self, ref: str) -> str:
        """The channel id the bot would post to for ``ref``, applying Slack's rules."""
        if ref.startswith(("U", "W")):
            user = self.users.get(ref)
            if user is None or user["deleted"]:
                raise _ApiError("channel_not_found")
            return self.dm_channel(ref)
        if ref.startswith("D"):
            owner = self._dm_owner(ref)
            if owner is None or self.users[owner]["deleted"]:
                raise _ApiError("channel_not_found")
            return ref
        channel = self._channel_by_ref(ref)
        if channel is None:
            raise _ApiError("channel_not_found")
        if channel["is_archived"]:
            raise _ApiError("is_archived")
        if not channel["bot_member"]:
            if channel["is_private"]:
                raise _ApiError("channel_not_found")
            if self.scopes is not None and "chat:write.public" not in self.scopes:
                raise _ApiError("not_in_channel")
        return channel["id"]

    def _visible_channel(self, ref: str) -> str:
        """A channel id the bot can see (for reads and edits of existing messages)."""
        if ref.startswith("D"):
            if self._dm_owner(ref) is None:
                raise _ApiError("channel_not_found")
            return ref
        channel = self.channels.get(ref)
        if channel is None or (channel["is_private"] and not channel["bot_member"]):
            raise _ApiError("channel_not_found")
        return ref

    def _find_message(self, channel: str, ts: str) -> dict:
        for message in self.messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise _ApiError("message_not_found")

    def _channel_members(self, channel_id: str) -> list[str]:
        if channel_id.startswith("D"):
            owner = self._dm_owner(channel_id)
            return [owner, self.BOT_USER_ID] if owner else []
        channel = self.channels[channel_id]
        members = list(channel["members"])
        if channel["bot_member"] and self.BOT_USER_ID not in members:
            members.append(self.BOT_USER_ID)
        return members

    @staticmethod
    def _public_message(message: dict) -> dict:
        return {k: v for k, v in message.items() if k != "history" and v is not None}

    def _page(self, items: list, args: dict, *, default_limit: int) -> tuple[list, dict]:
        limit = args.get("limit")
        limit = int(limit) if limit else default_limit
        start = 0
        cursor = args.get("cursor")
        if cursor:
            try:
                decoded = base64.b64decode(cursor.encode(), validate=True).decode()
                start = int(decoded.removeprefix("offset:"))
            except ValueError as exc:
                raise _ApiError("invalid_cursor") from exc
        end = len(items) if limit <= 0 else start + limit
        next_cursor = ""
        if end < len(items):
            next_cursor = base64.b64encode(f"offset:{end}".encode()).decode()
        return items[start:end], {"next_cursor": next_cursor}

    # ------------------------------------------------------------------ internals: HTTP

    def _route(self, verb: str, raw_path: str, headers: Any, body: bytes) -> _Reply:
        url = urlsplit(raw_path)
        path = url.path
        if path.startswith("/api/"):
            return self._api(path[len("/api/") :], url.query, headers, body)
        if path.startswith("/upload/") and verb == "POST":
            return self._upload(path[len("/upload/") :], headers, body)
        if path.startswith("/response/") and verb == "POST":
            return self._response_url(path[len("/response/") :], body)
        return _Reply(404, "Not Found")

    def _schema(self, method: str) -> dict | None:
        if method not in self._schemas:
            schema = None
            if _METHOD_NAME.match(method):
                file = self.reference_dir / "methods" / f"{method}.json"
                if file.is_file():
                    schema = json.loads(file.read_text(encoding="utf-8"))
                    self._validators[method] = Draft7Validator(schema.get("args") or {})
            self._schemas[method] = schema
        return self._schemas[method]

    @staticmethod
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
            for name, filename, payload in _parse_multipart(headers.get("Content-Type"), body):
                if name:
                    args[name] = payload if filename else payload.decode("utf-8", "replace")
            return args, False, None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return args, False, "form body is not UTF-8"
        args.update({k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()})
        return args, False, None

    def _api(self, method: str, query: str, headers: Any, body: bytes) -> _Reply:
        raw_args, is_json, decode_problem = self._decode_body(query, headers, body)
        token = None
        auth = headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            token = auth[len("bearer ") :].strip()
        arg_token = raw_args.pop("token", None)
        token = token or arg_token
        if self.slow.get(method):  # a slow Slack, outside the lock: other calls go on
            time.sleep(self.slow[method])
        with self._lock:
            reply, call_args = self._process(method, raw_args, is_json, decode_problem, token)
            response = reply.body if isinstance(reply.body, dict) else {}
            self.calls.append(
                Call(method, call_args, reply.status, response, response.get("ok") is True)
            )
            return reply

    @staticmethod
    def _error_reply(err: _ApiError) -> _Reply:
        body: dict[str, Any] = {"ok": False, "error": err.error, **err.extra}
        if err.messages:
            body["response_metadata"] = {"messages": err.messages}
        return _Reply(err.status, body)

    def _process(
        self,
        method: str,
        raw_args: dict,
        is_json: bool,
        decode_problem: str | None,
        token: str | None,
    ) -> tuple[_Reply, dict]:
        schema = self._schema(method)
        if schema is None:
            self.violations.append(f"{method}: not a Web API method in Slack's reference")
            return self._error_reply(_ApiError("unknown_method")), dict(raw_args)
        call_args, arg_problems = self._prepare_args(method, schema, raw_args)
        try:
            reply = self._answer(
                method, schema, call_args, arg_problems, is_json, decode_problem, token
            )
        except _ApiError as err:
            reply = self._error_reply(err)
        return reply, call_args

    def _answer(
        self,
        method: str,
        schema: dict,
        args: dict,
        arg_problems: list[tuple[str, str]],
        is_json: bool,
        decode_problem: str | None,
        token: str | None,
    ) -> _Reply:
        queue = self._failures.get(method)
        if queue:  # injected faults come from Slack's edge, before any check
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
            return self._failure_reply(failure)

        if method == "files.upload":
            self.violations.append(
                "files.upload: retired by Slack; use files.getUploadURLExternal, a POST of the "
                "bytes and files.completeUploadExternal (WebClient.files_upload_v2)"
            )
            raise _ApiError("method_deprecated")

        properties = (schema.get("args") or {}).get("properties") or {}
        if "token" in properties:
            if not token:
                raise _ApiError("not_authed")
            if token != self.BOT_TOKEN:
                raise _ApiError("invalid_auth")

        if decode_problem:
            self.violations.append(f"{method}: {decode_problem}")
            raise _ApiError("invalid_arguments", messages=[f"[ERROR] {decode_problem}"])
        if is_json and not schema.get("json_input_supported"):
            problem = "does not accept a JSON body; send form-encoded arguments"
            self.violations.append(f"{method}: {problem}")
            raise _ApiError("invalid_arguments", messages=[f"[ERROR] {problem}"])

        self._check_scope(method, schema)

        if arg_problems:
            for pointer, message in arg_problems:
                self.violations.append(f"{method}: {pointer}: {message}")
            raise _ApiError(
                "invalid_arguments",
                messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in arg_problems],
            )

        handler = self._handlers.get(method)
        output = handler(args) if handler else {}
        return _Reply(200, {"ok": True, **output})

    def _prepare_args(
        self, method: str, schema: dict, raw_args: dict
    ) -> tuple[dict, list[tuple[str, str]]]:
        """(args for Call and handlers, [(json pointer, problem)]).

        Values are coerced to the schema's types the way Slack reads form fields; the
        schema is checked against those, while Call.args also gets JSON-string arguments
        (blocks, view, files...) parsed into Python objects.
        """
        arg_schema = schema.get("args") or {}
        properties = arg_schema.get("properties") or {}
        problems: list[tuple[str, str]] = []
        checked: dict[str, Any] = {}
        call_args: dict[str, Any] = {}
        for key, value in raw_args.items():
            prop = properties.get(key)
            if prop is None and key in _UNIVERSAL_ARGS:
                call_args[key] = value
                continue
            if prop is None:
                problems.append((f"/{key}", f"unknown argument {key!r}: not in Slack's schema"))
                call_args[key] = value
                continue
            coerced = _coerce(value, prop)
            checked[key] = coerced
            call_value = coerced if isinstance(value, str) else value
            if key in _JSON_ARGS and isinstance(call_value, str):
                try:
                    call_value = json.loads(call_value)
                except ValueError:
                    problems.append((f"/{key}", "is not valid JSON"))
            call_args[key] = call_value
        if "token" in properties:  # the token itself is checked separately
            checked["token"] = "xoxb-checked"
        for error in self._validators[method].iter_errors(checked):
            problems.append((_pointer(error.absolute_path), error.message))
        return call_args, problems

    def _check_scope(self, method: str, schema: dict) -> None:
        if self.scopes is None or schema.get("no_scope_required"):
            return
        needed = (schema.get("scope") or {}).get("bot") or []
        if not needed or set(needed) & self.scopes:
            return
        self.violations.append(
            f"{method}: missing_scope: needs one of {sorted(needed)}, granted {sorted(self.scopes)}"
        )
        raise _ApiError(
            "missing_scope",
            extra={"needed": ",".join(needed), "provided": ",".join(sorted(self.scopes))},
        )

    @staticmethod
    def _failure_reply(failure: _Failure) -> _Reply:
        if failure.status == 429:
            retry_after = 1 if failure.retry_after is None else failure.retry_after
            return _Reply(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
            )
        if failure.status >= 500:
            return _Reply(failure.status, {"ok": False, "error": failure.error or "internal_error"})
        body: dict[str, Any] = {"ok": False, "error": failure.error or "fatal_error"}
        headers = {}
        if failure.retry_after is not None:
            headers["Retry-After"] = str(failure.retry_after)
        return _Reply(failure.status, body, headers)

    # ------------------------------------------------------------------ Block Kit glue

    def _check_message(self, where: str, args: dict, *, require_content: bool = True) -> None:
        """Message content rules shared by chat.*, files and response URLs."""
        text = args.get("text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        markdown_text = args.get("markdown_text")
        has_text = isinstance(text, str) and text.strip() != ""
        has_blocks = isinstance(blocks, list) and len(blocks) > 0
        if markdown_text is not None and (text is not None or blocks is not None):
            self.violations.append(f"{where}: markdown_text cannot be combined with text or blocks")
            raise _ApiError("markdown_text_conflict")
        if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
            self.violations.append(
                f"{where}: text is {len(text)} characters, more than {MESSAGE_TEXT_LIMIT}"
            )
            raise _ApiError("msg_too_long")
        if require_content and not (has_text or has_blocks or attachments or markdown_text):
            self.violations.append(f"{where}: message has neither text nor blocks")
            raise _ApiError("no_text")
        if blocks is not None:
            kit = _BlockKit()
            kit.blocks(blocks, "/blocks", limit=50)
            if kit.problems:
                for pointer, message in kit.problems:
                    self.violations.append(f"{where}: {pointer}: {message}")
                raise _ApiError(
                    "invalid_blocks",
                    messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in kit.problems],
                )
        if has_blocks and not has_text:
            # Slack accepts it (with a warning) but notifications and screen readers get nothing.
            self.violations.append(
                f"{where}: blocks without a top-level text fallback (notifications, accessibility)"
            )

    def _check_view(self, where: str, view: Any, *, expected: str | None) -> None:
        kit = _BlockKit()
        kit.view(view, "/view", expected=expected)
        if kit.problems:
            for pointer, message in kit.problems:
                self.violations.append(f"{where}: {pointer}: {message}")
            raise _ApiError(
                "invalid_arguments",
                messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in kit.problems],
            )

    # ------------------------------------------------------------------ methods: identity

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": f"https://{self.TEAM_DOMAIN}.slack.com/",
            "team": self.TEAM_NAME,
            "user": self.BOT_NAME,
            "team_id": self.TEAM_ID,
            "user_id": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: dict) -> dict:
        # Socket Mode needs an app-level token (xapp-...); the double only issues a bot token.
        raise _ApiError("not_allowed_token_type")

    def _oauth_v2_access(self, args: dict) -> dict:
        return {
            "access_token": self.BOT_TOKEN,
            "token_type": "bot",
            "scope": ",".join(sorted(self.scopes or [])),
            "bot_user_id": self.BOT_USER_ID,
            "app_id": self.APP_ID,
            "team": {"id": self.TEAM_ID, "name": self.TEAM_NAME},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _team_info(self, args: dict) -> dict:
        return {
            "team": {
                "id": self.TEAM_ID,
                "name": self.TEAM_NAME,
                "domain": self.TEAM_DOMAIN,
                "email_domain": "",
                "icon": {"image_default": True},
            }
        }

    def _bots_info(self, args: dict) -> dict:
        if args.get("bot") not in (None, self.BOT_ID):
            raise _ApiError("bot_not_found")
        return {
            "bot": {
                "id": self.BOT_ID,
                "deleted": False,
                "name": self.BOT_NAME,
                "updated": 1690000000,
                "app_id": self.APP_ID,
                "user_id": self.BOT_USER_ID,
                "icons": {},
            }
        }

    def _bot_user(self) -> dict:
        return {
            "id": self.BOT_USER_ID,
            "name": self.BOT_NAME,
            "real_name": self.BOT_NAME,
            "tz": "America/Los_Angeles",
            "locale": "en-US",
            "is_admin": False,
            "is_owner": False,
            "deleted": False,
            "is_bot": True,
        }

    def _lookup_user(self, user_id: str) -> dict | None:
        if user_id == self.BOT_USER_ID:
            return self._bot_user()
        return self.users.get(user_id)

    def _profile(self, user: dict) -> dict:
        return {
            "real_name": user["real_name"],
            "real_name_normalized": user["real_name"],
            "display_name": user["name"],
            "display_name_normalized": user["name"],
            "team": self.TEAM_ID,
        }

    def _user_payload(self, user: dict, *, include_locale: bool) -> dict:
        now = datetime.now(ZoneInfo(user["tz"]))
        offset = now.utcoffset()
        payload = {
            "id": user["id"],
            "team_id": self.TEAM_ID,
            "name": user["name"],
            "deleted": user["deleted"],
            "real_name": user["real_name"],
            "tz": user["tz"],
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": self._profile(user),
            "is_admin": user["is_admin"],
            "is_owner": user["is_owner"],
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user["is_bot"],
            "is_app_user": False,
            "updated": 1690000000,
        }
        if user["is_bot"] and user["id"] == self.BOT_USER_ID:
            payload["profile"]["bot_id"] = self.BOT_ID
        if include_locale:
            payload["locale"] = user["locale"]
        return payload

    def _users_info(self, args: dict) -> dict:
        user = self._lookup_user(args["user"])
        if user is None:
            raise _ApiError("user_not_found")
        return {"user": self._user_payload(user, include_locale=args.get("include_locale") is True)}

    def _users_list(self, args: dict) -> dict:
        everyone = [*self.users.values(), self._bot_user()]
        include_locale = args.get("include_locale") is True
        members = [self._user_payload(u, include_locale=include_locale) for u in everyone]
        page, metadata = self._page(members, args, default_limit=0)
        return {"members": page, "cache_ts": int(time.time()), "response_metadata": metadata}

    def _users_profile_get(self, args: dict) -> dict:
        user = self._lookup_user(args.get("user") or self.BOT_USER_ID)
        if user is None:
            raise _ApiError("user_not_found")
        return {"profile": self._profile(user)}

    # ------------------------------------------------------------------ methods: conversations

    def _channel_payload(self, channel: dict, *, include_num_members: bool = False) -> dict:
        payload = {
            "id": channel["id"],
            "name": channel["name"],
            "name_normalized": channel["name"],
            "is_channel": not channel["is_private"],
            "is_group": False,
            "is_im": False,
            "is_mpim": channel["is_mpim"],
            "is_private": channel["is_private"],
            "is_archived": channel["is_archived"],
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": channel["bot_member"],
            "created": channel["created"],
            "creator": "",
            "context_team_id": self.TEAM_ID,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        if include_num_members:
            payload["num_members"] = len(self._channel_members(channel["id"]))
        return payload

    def _im_payload(self, dm_id: str) -> dict:
        owner = self._dm_owner(dm_id)
        return {
            "id": dm_id,
            "created": 1690000000,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": self.TEAM_ID,
            "user": owner,
            "is_user_deleted": bool(owner and self.users[owner]["deleted"]),
            "priority": 0,
        }

    def _conversations_info(self, args: dict) -> dict:
        channel_id = self._visible_channel(args["channel"])
        if channel_id.startswith("D"):
            return {"channel": self._im_payload(channel_id)}
        include = args.get("include_num_members") is True
        return {
            "channel": self._channel_payload(self.channels[channel_id], include_num_members=include)
        }

    def _conversations_members(self, args: dict) -> dict:
        channel_id = self._visible_channel(args["channel"])
        page, metadata = self._page(self._channel_members(channel_id), args, default_limit=100)
        return {"members": page, "response_metadata": metadata}

    def _conversations_open(self, args: dict) -> dict:
        if args.get("channel"):
            channel_id = self._visible_channel(args["channel"])
            return {"channel": {"id": channel_id}}
        ids = [u.strip() for u in (args.get("users") or "").split(",") if u.strip()]
        if not ids:
            raise _ApiError("users_list_not_supplied")
        if len(ids) > 8:
            raise _ApiError("too_many_users")
        for user_id in ids:
            user = self.users.get(user_id)
            if user is None:
                raise _ApiError("user_not_found")
            if user["deleted"]:
                raise _ApiError("user_disabled")
        if len(ids) == 1:
            channel_id = self.dm_channel(ids[0])
            payload = (
                self._im_payload(channel_id)
                if args.get("return_im") is True
                else {"id": channel_id}
            )
        else:
            members = sorted(set(ids))
            channel_id = "G" + base64.b32encode(",".join(members).encode()).decode()[:10]
            if channel_id not in self.channels:
                self.add_channel(
                    channel_id,
                    "mpdm-" + "--".join(self.users[u]["name"] for u in members) + "-1",
                    members=members,
                    is_private=True,
                )
                self.channels[channel_id]["is_mpim"] = True
            payload = {"id": channel_id}
        output: dict[str, Any] = {"channel": payload}
        if channel_id in self._opened_dms:
            output.update(no_op=True, already_open=True)
        self._opened_dms.add(channel_id)
        return output

    def _conversations_join(self, args: dict) -> dict:
        ref = args["channel"]
        if ref.startswith("D"):
            raise _ApiError("method_not_supported_for_channel_type")
        channel = self.channels.get(ref)
        if channel is None or (channel["is_private"] and not channel["bot_member"]):
            raise _ApiError("channel_not_found")
        if channel["is_archived"]:
            raise _ApiError("is_archived")
        if channel["is_private"]:
            raise _ApiError("method_not_supported_for_channel_type")
        already = channel["bot_member"]
        channel["bot_member"] = True
        output: dict[str, Any] = {"channel": self._channel_payload(channel)}
        if already:
            output["warning"] = "already_in_channel"
        return output

    def _readable_channel(self, ref: str) -> str:
        channel_id = self._visible_channel(ref)
        channel = self.channels.get(channel_id)
        if channel is not None and not channel["bot_member"]:
            raise _ApiError("not_in_channel")
        return channel_id

    def _conversations_history(self, args: dict) -> dict:
        channel_id = self._readable_channel(args["channel"])
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else float("inf")
        top = [
            self._public_message(m)
            for m in reversed(self.messages.get(channel_id, []))
            if m.get("thread_ts") in (None, m["ts"]) and oldest < float(m["ts"]) < latest
        ]
        page, metadata = self._page(top, args, default_limit=100)
        return {
            "messages": page,
            "has_more": bool(metadata["next_cursor"]),
            "response_metadata": metadata,
        }

    def _conversations_replies(self, args: dict) -> dict:
        channel_id = self._readable_channel(args["channel"])
        ts = args["ts"]
        thread = [
            self._public_message(m)
            for m in self.messages.get(channel_id, [])
            if m["ts"] == ts or m.get("thread_ts") == ts
        ]
        if not thread:
            raise _ApiError("thread_not_found")
        page, metadata = self._page(thread, args, default_limit=1000)
        return {
            "messages": page,
            "has_more": bool(metadata["next_cursor"]),
            "response_metadata": metadata,
        }

    # ------------------------------------------------------------------ methods: chat

    def _store_message(self, channel_id: str, args: dict, **extra: Any) -> dict:
        message = {
            "type": "message",
            "ts": self._next_ts(),
            "user": self.BOT_USER_ID,
            "bot_id": self.BOT_ID,
            "app_id": self.APP_ID,
            "team": self.TEAM_ID,
            "text": args.get("text") or "",
            "blocks": args.get("blocks"),
            "attachments": args.get("attachments"),
            "metadata": args.get("metadata"),
            "thread_ts": args.get("thread_ts"),
            "reply_broadcast": bool(args.get("reply_broadcast")) and bool(args.get("thread_ts")),
            "edited": None,
            "history": [],
            **extra,
        }
        thread_ts = message["thread_ts"]
        if thread_ts:
            for parent in self.messages.get(channel_id, []):
                if parent["ts"] == thread_ts:
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
                    parent["latest_reply"] = message["ts"]
                    break
        self.messages[channel_id].append(message)
        return message

    def _chat_post_message(self, args: dict) -> dict:
        channel_id = self._postable_channel(args["channel"])
        self._check_message("chat.postMessage", args)
        message = self._store_message(channel_id, args)
        return {
            "channel": channel_id,
            "ts": message["ts"],
            "message": self._public_message(message),
        }

    def _chat_post_ephemeral(self, args: dict) -> dict:
        channel_id = self._postable_channel(args["channel"])
        if args["user"] not in self._channel_members(channel_id):
            raise _ApiError("user_not_in_channel")
        self._check_message("chat.postEphemeral", args)
        message_ts = self._next_ts()
        self.ephemeral.append(
            {
                "channel": channel_id,
                "user": args["user"],
                "text": args.get("text"),
                "blocks": args.get("blocks"),
                "attachments": args.get("attachments"),
                "thread_ts": args.get("thread_ts"),
                "message_ts": message_ts,
            }
        )
        return {"message_ts": message_ts}

    def _chat_update(self, args: dict) -> dict:
        channel_id = self._visible_channel(args["channel"])
        message = self._find_message(channel_id, args["ts"])
        content_keys = ("text", "blocks", "attachments", "markdown_text", "file_ids")
        if not any(key in args for key in content_keys):
            self.violations.append("chat.update: neither text nor blocks given")
            raise _ApiError("no_text")
        self._check_message("chat.update", args, require_content=False)
        message["history"].append(
            {
                "text": message["text"],
                "blocks": message["blocks"],
                "attachments": message["attachments"],
                "edited": message["edited"],
            }
        )
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key]
        message["edited"] = {"user": self.BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel_id,
            "ts": message["ts"],
            "text": message["text"],
            "message": self._public_message(message),
        }

    def _chat_delete(self, args: dict) -> dict:
        channel_id = self._visible_channel(args["channel"])
        message = self._find_message(channel_id, args["ts"])
        self.messages[channel_id].remove(message)
        return {"channel": channel_id, "ts": message["ts"]}

    def _chat_get_permalink(self, args: dict) -> dict:
        channel_id = self._visible_channel(args["channel"])
        message = self._find_message(channel_id, args["message_ts"])
        link = f"https://{self.TEAM_DOMAIN}.slack.com/archives/{channel_id}/p{message['ts'].replace('.', '')}"
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            link += f"?thread_ts={message['thread_ts']}&cid={channel_id}"
        return {"channel": channel_id, "permalink": link}

    def _chat_schedule_message(self, args: dict) -> dict:
        channel_id = self._postable_channel(args["channel"])
        post_at = args["post_at"]
        now = time.time()
        if post_at <= now:
            raise _ApiError("time_in_past")
        if post_at > now + SCHEDULE_HORIZON:
            raise _ApiError("time_too_far")
        self._check_message("chat.scheduleMessage", args)
        scheduled = {
            "id": self._new_id("Q"),
            "channel": channel_id,
            "post_at": post_at,
            "text": args.get("text") or "",
            "blocks": args.get("blocks"),
            "thread_ts": args.get("thread_ts"),
        }
        self.scheduled.append(scheduled)
        message = {
            "type": "message",
            "bot_id": self.BOT_ID,
            "user": self.BOT_USER_ID,
            "text": scheduled["text"],
            "team": self.TEAM_ID,
        }
        if scheduled["blocks"] is not None:
            message["blocks"] = scheduled["blocks"]
        return {
            "channel": channel_id,
            "scheduled_message_id": scheduled["id"],
            "post_at": post_at,
            "message": message,
        }

    def _chat_delete_scheduled_message(self, args: dict) -> dict:
        for item in self.scheduled:
            if item["id"] == args["scheduled_message_id"]:
                if item["channel"] != args["channel"]:
                    raise _ApiError("channel_not_found")
                self.scheduled.remove(item)
                return {}
        raise _ApiError("invalid_scheduled_message_id")

    # ------------------------------------------------------------------ methods: reactions

    def _reaction_target(self, args: dict) -> dict:
        if not args.get("channel") or not args.get("timestamp"):
            raise _ApiError("no_item_specified")
        channel_id = self._visible_channel(args["channel"])
        return self._find_message(channel_id, args["timestamp"])

    def _reactions_add(self, args: dict) -> dict:
        message = self._reaction_target(args)
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == args["name"]:
                if self.BOT_USER_ID in reaction["users"]:
                    raise _ApiError("already_reacted")
                reaction["users"].append(self.BOT_USER_ID)
                reaction["count"] += 1
                return {}
        reactions.append({"name": args["name"], "users": [self.BOT_USER_ID], "count": 1})
        return {}

    def _reactions_remove(self, args: dict) -> dict:
        message = self._reaction_target(args)
        for reaction in message.get("reactions", []):
            if reaction["name"] == args["name"] and self.BOT_USER_ID in reaction["users"]:
                reaction["users"].remove(self.BOT_USER_ID)
                reaction["count"] -= 1
                if reaction["count"] == 0:
                    message["reactions"].remove(reaction)
                return {}
        raise _ApiError("no_reaction")

    # ------------------------------------------------------------------ methods: views

    def _take_trigger(self, method: str, args: dict) -> Trigger:
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            self.violations.append(f"{method}: needs trigger_id (or interactivity_pointer)")
            raise _ApiError(
                "invalid_arguments", messages=["[ERROR] missing required field: trigger_id"]
            )
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise _ApiError("invalid_trigger_id")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued_at > TRIGGER_TTL:
            raise _ApiError("expired_trigger_id")
        return trigger

    def _check_external_id(self, view: dict, *, except_view: str | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for view_id, existing in self.views.items():
            if view_id != except_view and existing.get("external_id") == external_id:
                raise _ApiError("duplicate_external_id")

    def _make_view(
        self, view: dict, *, view_id: str, user: str | None, root: str, previous: str | None
    ) -> dict:
        stored = {
            "id": view_id,
            "team_id": self.TEAM_ID,
            "type": view.get("type"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": self._new_hash(),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root,
            "previous_view_id": previous,
            "app_id": self.APP_ID,
            "app_installed_team_id": self.TEAM_ID,
            "bot_id": self.BOT_ID,
            "user": user,
        }
        self.views[view_id] = stored
        return stored

    @staticmethod
    def _view_output(stored: dict) -> dict:
        return {"view": {k: v for k, v in stored.items() if k != "user" and v is not None}}

    def _views_open(self, args: dict) -> dict:
        trigger = self._take_trigger("views.open", args)
        view = args["view"]
        self._check_view("views.open", view, expected="modal")
        self._check_external_id(view)
        trigger.used = True
        view_id = self._new_id("V")
        stored = self._make_view(
            view, view_id=view_id, user=trigger.user_id, root=view_id, previous=None
        )
        self._stacks[view_id] = [view_id]
        return self._view_output(stored)

    def _stack_for(self, trigger: Trigger) -> list[str] | None:
        if trigger.view_id and trigger.view_id in self.views:
            return self._stacks.get(self.views[trigger.view_id]["root_view_id"])
        candidates = [
            stack
            for root, stack in self._stacks.items()
            if trigger.user_id is None or self.views[root]["user"] == trigger.user_id
        ]
        return candidates[-1] if candidates else None

    def _views_push(self, args: dict) -> dict:
        trigger = self._take_trigger("views.push", args)
        view = args["view"]
        self._check_view("views.push", view, expected="modal")
        stack = self._stack_for(trigger)
        if stack is None:
            raise _ApiError("not_found")
        if len(stack) >= VIEW_STACK_LIMIT:
            raise _ApiError("push_limit_reached")
        self._check_external_id(view)
        trigger.used = True
        view_id = self._new_id("V")
        root = stack[0]
        user = trigger.user_id or self.views[root]["user"]
        stored = self._make_view(view, view_id=view_id, user=user, root=root, previous=stack[-1])
        stack.append(view_id)
        return self._view_output(stored)

    def _views_update(self, args: dict) -> dict:
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            for candidate, existing in self.views.items():
                if existing.get("external_id") == args["external_id"]:
                    view_id = candidate
                    break
            else:
                raise _ApiError("not_found")
        if not view_id:
            self.violations.append("views.update: needs view_id or external_id")
            raise _ApiError(
                "invalid_arguments", messages=["[ERROR] view_id or external_id is required"]
            )
        current = self.views.get(view_id)
        if current is None:
            raise _ApiError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        view = args["view"]
        self._check_view("views.update", view, expected=current["type"])
        self._check_external_id(view, except_view=view_id)
        stored = self._make_view(
            view,
            view_id=view_id,
            user=current["user"],
            root=current["root_view_id"],
            previous=current["previous_view_id"],
        )
        return self._view_output(stored)

    def _views_publish(self, args: dict) -> dict:
        user_id = args["user_id"]
        user = self.users.get(user_id)
        if user is None or user["deleted"]:
            raise _ApiError("user_not_found")
        view = args["view"]
        self._check_view("views.publish", view, expected="home")
        view_id = self._home_by_user.get(user_id)
        if view_id is not None and args.get("hash") and args["hash"] != self.views[view_id]["hash"]:
            raise _ApiError("hash_conflict")
        view_id = view_id or self._new_id("V")
        self._check_external_id(view, except_view=view_id)
        self._home_by_user[user_id] = view_id
        stored = self._make_view(view, view_id=view_id, user=user_id, root=view_id, previous=None)
        return self._view_output(stored)

    # ------------------------------------------------------------------ methods: files v2

    def _files_get_upload_url_external(self, args: dict) -> dict:
        length = args["length"]
        if length <= 0:
            self.violations.append(
                f"files.getUploadURLExternal: length must be positive, got {length}"
            )
            raise _ApiError("invalid_arguments", messages=["[ERROR] length must be positive"])
        alt_txt = args.get("alt_txt")
        if alt_txt is not None and len(alt_txt) > 1000:
            self.violations.append(
                "files.getUploadURLExternal: alt_txt longer than 1000 characters"
            )
            raise _ApiError("alt_txt_too_large")
        file_id = self._new_id("F")
        upload_url = f"{self.base_url}/upload/{file_id}"
        self.files[file_id] = {
            "id": file_id,
            "filename": args["filename"],
            "length": length,
            "alt_txt": alt_txt,
            "snippet_type": args.get("snippet_type"),
            "upload_url": upload_url,
            "bytes": None,
            "uploaded": False,
            "title": None,
            "completed": False,
            "channel_id": None,
            "channels": [],
            "initial_comment": None,
            "thread_ts": None,
        }
        return {"upload_url": upload_url, "file_id": file_id}

    def _upload(self, file_id: str, headers: Any, body: bytes) -> _Reply:
        content_type = headers.get("Content-Type") or ""
        data = body
        if content_type.lower().startswith("multipart/form-data"):
            parts = _parse_multipart(content_type, body)
            with_name = [p for p in parts if p[1] is not None]
            chosen = (with_name or parts or [(None, None, b"")])[0]
            data = chosen[2]
        with self._lock:
            record = self.files.get(file_id)
            if record is None:
                return _Reply(404, "file_not_found")
            if record["completed"]:
                self.violations.append(f"upload of {file_id}: file already completed")
                return _Reply(400, "file_already_completed")
            if len(data) != record["length"]:
                self.violations.append(
                    f"upload of {file_id}: {len(data)} bytes sent, {record['length']} declared "
                    "to files.getUploadURLExternal"
                )
            record["bytes"] = data
            record["uploaded"] = True
            return _Reply(200, f"OK - {len(data)}")

    def _files_complete_upload_external(self, args: dict) -> dict:
        items = args["files"]
        records = []
        for item in items:
            record = self.files.get(item.get("id"))
            if record is None or not record["uploaded"]:
                raise _ApiError("file_not_found")
            records.append((item, record))
        targets: list[str] = []
        if args.get("channel_id"):
            targets.append(self._postable_channel(args["channel_id"]))
        for ref in (args.get("channels") or "").split(","):
            if ref.strip():
                targets.append(self._postable_channel(ref.strip()))
        if args.get("blocks") is not None:
            self._check_message("files.completeUploadExternal", args, require_content=False)
        for item, record in records:
            record["title"] = item.get("title") or record["filename"]
            record["completed"] = True
            record["channel_id"] = targets[0] if targets else None
            record["channels"] = list(targets)
            record["initial_comment"] = args.get("initial_comment")
            record["thread_ts"] = args.get("thread_ts")
        shared = [
            {"id": r["id"], "name": r["filename"], "title": r["title"], "size": r["length"]}
            for _, r in records
        ]
        for channel_id in targets:
            message_args = {
                "text": args.get("initial_comment") or "",
                "blocks": args.get("blocks"),
                "thread_ts": args.get("thread_ts"),
            }
            message = self._store_message(channel_id, message_args, files=shared, upload=True)
            for _, record in records:
                record.setdefault("message_ts", {})[channel_id] = message["ts"]
        return {"files": [{"id": f["id"], "title": f["title"]} for f in shared]}

    # ------------------------------------------------------------------ response URLs

    def _response_url(self, url_id: str, body: bytes) -> _Reply:
        with self._lock:
            record = self.response_urls.get(url_id)
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
            reply = self._response_url_reply(record, url_id, payload)
            entry.update(status=reply.status, ok=reply.status == 200)
            self.responses.append(entry)
            return reply

    def _response_url_reply(self, record: ResponseUrl | None, url_id: str, payload: Any) -> _Reply:
        if record is None:
            return _Reply(404, {"ok": False, "error": "invalid_url"})
        if time.monotonic() - record.issued_at > RESPONSE_URL_TTL:
            return _Reply(404, {"ok": False, "error": "expired_url"})
        if record.uses >= RESPONSE_URL_USES:
            return _Reply(404, {"ok": False, "error": "used_url"})
        record.uses += 1
        where = f"response_url {url_id}"
        if not isinstance(payload, dict):
            self.violations.append(f"{where}: body is not a JSON object")
            return _Reply(400, {"ok": False, "error": "invalid_payload"})
        response_type = payload.get("response_type")
        if response_type not in (None, "in_channel", "ephemeral"):
            self.violations.append(
                f"{where}: response_type {response_type!r} is not in_channel or ephemeral"
            )
            return _Reply(400, {"ok": False, "error": "invalid_payload"})
        try:
            self._check_message(where, payload, require_content=not payload.get("delete_original"))
        except _ApiError as err:
            reply = self._error_reply(err)
            reply.status = 400
            return reply
        return _Reply(200, {"ok": True})
