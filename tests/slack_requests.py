"""Talk to the app the way Slack does: signed HTTP requests with Slack's payload shapes
(`shared/slack-reference/payloads/`), trigger ids and response URLs issued by the double."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tests.slack_double import SlackDouble

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "shared" / "slack-reference"
SIGNING_SECRET = "test-signing-secret"
API_APP_ID = "A0AGILEBOT"


@cache
def sample_payload(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE_DIR / "payloads" / f"{name}.json").read_text())


@dataclass
class Response:
    status: int
    body: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class Slack:
    """Slack's side of the conversation with the app under test."""

    def __init__(
        self,
        app_url: str,
        double: SlackDouble,
        team_id: str = SlackDouble.TEAM_ID,
        enterprise_id: str | None = None,  # a workspace of an Enterprise Grid organization
    ):
        self.app_url = app_url
        self.double = double
        self.team_id = team_id
        self.enterprise_id = enterprise_id

    # --- transport ---------------------------------------------------------------------------

    def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature or sign(body, timestamp),
        }
        return self.send(
            urllib.request.Request(self.app_url + "/slack/events", body.encode(), headers)
        )

    def send(self, request: urllib.request.Request) -> Response:
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode())

    def _actor(self, user: str) -> dict[str, Any]:
        """The `team` and `user` parts of an interaction payload."""
        return {
            "team": {
                "id": self.team_id,
                "domain": "agile-marketing",
                "enterprise_id": self.enterprise_id or "",
                "enterprise_name": self.enterprise_id or "",
            },
            "user": {
                "id": user,
                "username": user.lower(),
                "name": user.lower(),
                "team_id": self.team_id,
            },
        }

    def _interaction(self, payload: dict[str, Any]) -> Response:
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))

    # --- slash commands ----------------------------------------------------------------------

    def command_body(
        self, command: str, text: str = "", *, user: str, channel: str
    ) -> dict[str, Any]:
        body = copy.deepcopy(sample_payload("SlashCommandPayload"))
        body.update(
            token="legacy-verification-token",
            api_app_id=API_APP_ID,
            team_id=self.team_id,
            team_domain="agile-marketing",
            enterprise_id=self.enterprise_id or "",
            enterprise_name=self.enterprise_id or "",
            channel_id=channel,
            channel_name="team",
            user_id=user,
            user_name=user.lower(),
            command=command,
            text=text,
            response_url=self.double.new_response_url(channel, user),
            trigger_id=self.double.new_trigger_id(user_id=user),
            is_enterprise_install="false",
        )
        return body

    def command(self, command: str, text: str = "", *, user: str, channel: str) -> Response:
        return self.post(
            urllib.parse.urlencode(self.command_body(command, text, user=user, channel=channel))
        )

    # --- block actions -----------------------------------------------------------------------

    def click(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        user: str,
        channel: str,
        value: str | None = None,
        option_value: str | None = None,
        ts: str | None = None,
        ephemeral: bool = False,
    ) -> Response:
        """Click the element `action_id` (with `value`, if several) that the bot rendered in
        `message` (a dict with `blocks`), as `user` would."""
        block, element = find_element(message, action_id, value=value, option_value=option_value)
        action: dict[str, Any] = {
            "type": element["type"],
            "action_id": action_id,
            "block_id": block.get("block_id", "b"),
            "action_ts": f"{time.time():.6f}",
        }
        if element["type"] in ("overflow", "static_select"):
            action["selected_option"] = next(
                o for o in element["options"] if o["value"] == option_value
            )
        else:
            action["value"] = element.get("value")
            action["text"] = element.get("text")
        ts = ts or message.get("ts") or "1700000000.000001"
        return self.block_action(
            [action], user=user, channel=channel, message=message, ts=ts, ephemeral=ephemeral
        )

    def block_action(
        self,
        actions: list[dict[str, Any]],
        *,
        user: str,
        channel: str,
        message: dict[str, Any] | None = None,
        ts: str = "1700000000.000001",
        ephemeral: bool = False,
    ) -> Response:
        payload = copy.deepcopy(sample_payload("BlockActionPayload"))
        payload.update(
            type="block_actions",
            **self._actor(user),
            enterprise=None,
            api_app_id=API_APP_ID,
            token="legacy-verification-token",
            container={
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            },
            trigger_id=self.double.new_trigger_id(user_id=user),
            channel={"id": channel, "name": "team"},
            message={
                "type": "message",
                "ts": ts,
                "text": (message or {}).get("text", ""),
                "blocks": (message or {}).get("blocks", []),
            },
            response_url=self.double.new_response_url(channel, user),
            actions=actions,
            is_enterprise_install=False,
        )
        for key in (
            "view",
            "state",
            "function_data",
            "interactivity",
            "bot_access_token",
            "is_cleared",
        ):
            payload.pop(key, None)
        return self._interaction(payload)

    def view_action(
        self, view: dict[str, Any], block_id: str, values: dict[str, Any], *, user: str
    ) -> Response:
        """Change the dispatching input `block_id` of an open modal (`view`, as the double
        holds it, with its id and hash) to `values[block_id]`, with the modal's other inputs
        as in `values`: the block_actions payload Slack sends for `dispatch_action` inputs."""
        state = state_for(view, values)
        current = copy.deepcopy(view)
        current["state"] = {"values": state}
        block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
        element = block["element"]
        action = {
            "type": element["type"],
            "action_id": element["action_id"],
            "block_id": block_id,
            "action_ts": f"{time.time():.6f}",
            **state[block_id][element["action_id"]],
        }
        action["type"] = element["type"]
        return self.action_in_view(view["id"], current, action, user=user)

    def click_in_view(
        self, view: dict[str, Any], action_id: str, *, user: str, value: str | None = None
    ) -> Response:
        """Click the button `action_id` (with `value`, if several) of an open modal, as `user`
        would: `view` is the modal as the person sees it, with its `id` (the one views.open
        gave it, kept when the app replaced its content in answer to a submission)."""
        block, element = find_element(view, action_id, value=value)
        action = {
            "type": element["type"],
            "action_id": action_id,
            "block_id": block.get("block_id", "b"),
            "action_ts": f"{time.time():.6f}",
            "value": element.get("value"),
            "text": element.get("text"),
        }
        current = copy.deepcopy(view)
        current.setdefault("state", {"values": {}})
        current.setdefault("hash", "1700000000.hash")
        return self.action_in_view(view["id"], current, action, user=user)

    def action_in_view(
        self, view_id: str, view: dict[str, Any], action: dict[str, Any], *, user: str
    ) -> Response:
        """The block_actions payload Slack sends for `action` in a view (a modal or the Home
        tab, as `view` shows it): the container is the view, and there is no channel, message
        or response URL."""
        payload = copy.deepcopy(sample_payload("BlockActionPayload"))
        payload.update(
            type="block_actions",
            **self._actor(user),
            enterprise=None,
            api_app_id=API_APP_ID,
            token="legacy-verification-token",
            container={"type": "view", "view_id": view_id},
            trigger_id=self.double.new_trigger_id(user_id=user, view_id=view_id),
            view=view,
            actions=[action],
            is_enterprise_install=False,
        )
        for key in (
            "channel",
            "message",
            "response_url",
            "state",
            "app_unfurl",
            "function_data",
            "interactivity",
            "bot_access_token",
            "is_cleared",
        ):
            payload.pop(key, None)
        return self._interaction(payload)

    # --- view submissions --------------------------------------------------------------------

    def submit(self, view: dict[str, Any], values: dict[str, Any], *, user: str) -> Response:
        """Submit a modal the bot opened (`view`, as the double holds it) with `values` keyed
        by block id, as plain Python values; they are put into Slack's state shape."""
        payload = copy.deepcopy(sample_payload("ViewSubmissionPayload"))
        submitted = copy.deepcopy(view)
        submitted["state"] = {"values": state_for(view, values)}
        submitted.setdefault("id", "V0TEST")
        submitted.setdefault("private_metadata", "")
        payload.update(
            type="view_submission",
            **self._actor(user),
            enterprise=None,
            api_app_id=API_APP_ID,
            token="legacy-verification-token",
            trigger_id=self.double.new_trigger_id(user_id=user),
            view=submitted,
            response_urls=[],
            is_enterprise_install=False,
        )
        for key in ("function_data", "interactivity", "bot_access_token", "is_cleared"):
            payload.pop(key, None)
        return self._interaction(payload)

    # --- events ------------------------------------------------------------------------------

    def event(self, event: dict[str, Any]) -> Response:
        body = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            **({"enterprise_id": self.enterprise_id} if self.enterprise_id else {}),
            "api_app_id": API_APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{int(time.time() * 1000)}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    "team_id": self.team_id,
                    "user_id": SlackDouble.BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
        return self.post(json.dumps(body), "application/json")

    def home_opened(
        self, user: str, *, tab: str = "home", view: dict[str, Any] | None = None
    ) -> Response:
        """`user` opened the app's Home tab (`tab="messages"`: its Messages tab). Slack adds
        the Home tab's current `view` once the app has published one."""
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.double.dm_channel(user),
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        if view is not None:
            event["view"] = view
        return self.event(event)


def find_element(
    message: dict[str, Any],
    action_id: str,
    *,
    value: str | None = None,
    option_value: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    for block in message.get("blocks", []):
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements.append(block["accessory"])
        for element in elements:
            if element.get("action_id") != action_id:
                continue
            if value is not None and element.get("value") != value:
                continue
            if option_value is not None and option_value not in [
                o["value"] for o in element.get("options", [])
            ]:
                continue
            return block, element
    raise AssertionError(
        f"no element {action_id!r} (value={value!r}, option={option_value!r}) in the message"
    )


def state_for(view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Slack's `view.state.values` for the input blocks of `view`, filled from `values`."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        raw = values.get(block["block_id"])
        entry: dict[str, Any] = {"type": kind}
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            entry["value"] = None if raw is None else str(raw)
        elif kind in ("static_select", "radio_buttons"):
            entry["selected_option"] = (
                None
                if raw is None
                else {"text": {"type": "plain_text", "text": str(raw)}, "value": str(raw)}
            )
        elif kind in ("multi_static_select", "checkboxes"):
            entry["selected_options"] = [
                {"text": {"type": "plain_text", "text": str(v)}, "value": str(v)} for v in raw or []
            ]
        elif kind == "users_select":
            entry["selected_user"] = raw
        elif kind == "multi_users_select":
            entry["selected_users"] = list(raw or [])
        elif kind == "conversations_select":
            entry["selected_conversation"] = raw
        elif kind == "timepicker":
            entry["selected_time"] = raw
        elif kind == "datepicker":
            entry["selected_date"] = raw
        else:
            raise AssertionError(f"state_for does not know {kind}")
        state[block["block_id"]] = {element["action_id"]: entry}
    return state
