"""The edge of /slack/events, as an attacker or a broken proxy would find it: whatever arrives,
the answer is a 4xx with no traceback and no change, the signature is checked before a byte of
the body is parsed, and a refused body is logged by its first bytes only."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
import urllib.request

import pytest

from bot.web import LOGGED_PREFIX, MAX_BODY
from tests.conftest import MEMBER, TEAM_CHANNEL
from tests.slack_requests import Response, sign

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def errors(caplog):
    """ERROR records and tracebacks, which no request may cause."""
    caplog.set_level(logging.INFO)
    yield lambda: [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def raw(slack, body: bytes, headers: dict[str, str]) -> Response:
    request = urllib.request.Request(slack.app_url + "/slack/events", body, headers)
    return slack.send(request)


def signed_headers(body: bytes, content_type: str = FORM) -> dict[str, str]:
    now = int(time.time())
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(body.decode("utf-8", "replace"), now),
    }


def click(slack, **changes) -> dict:
    """A real block_actions payload (a vote), with `changes` made to it."""
    payload = {
        "type": "block_actions",
        "api_app_id": "A0AGILEBOT",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "response_url": slack.double.new_response_url(TEAM_CHANNEL, MEMBER),
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": TEAM_CHANNEL},
        "channel": {"id": TEAM_CHANNEL, "name": "team"},
        "actions": [{"type": "button", "action_id": "idea.vote", "block_id": "b", "value": "1:1"}],
        **slack._actor(MEMBER),
    }
    payload.update(changes)
    return payload


def form(payload) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


@pytest.mark.parametrize(
    "body, headers, status",
    [
        # Unsigned: refused on the signature before the body is read as anything.
        (b"payload=%7Bnot+json", {"Content-Type": FORM}, 401),
        (b'{"type":', {"Content-Type": "application/json"}, 401),
        (
            b"command=%2Fagile",
            {
                "Content-Type": FORM,
                "X-Slack-Request-Timestamp": "soon",
                "X-Slack-Signature": "v0=1",
            },
            401,
        ),
        # Content types Slack never sends.
        (b"hello", {"Content-Type": "text/plain"}, 415),
        (b"--x\r\n\r\n--x--", {"Content-Type": "multipart/form-data; boundary=x"}, 415),
        (b"<payload/>", {"Content-Type": "application/xml"}, 415),
    ],
)
def test_unsigned_or_foreign_requests_are_refused_quietly(slack, errors, body, headers, status):
    assert raw(slack, body, headers).status == status
    assert errors() == []
    assert slack.double.calls == []


def test_a_body_over_the_cap_is_refused_unread_and_logged_short(slack, errors, caplog):
    body = b"payload=" + b"x" * (MAX_BODY + 1)
    assert raw(slack, body, {"Content-Type": FORM}).status == 413
    bad = b"command=%2Fagile&" + b"y" * 200_000
    assert raw(slack, bad, {"Content-Type": FORM, "X-Slack-Signature": "v0=0"}).status == 401
    refused = [r.getMessage() for r in caplog.records if r.name == "bot.web"]
    assert refused and all(len(m) < LOGGED_PREFIX + 200 for m in refused)
    assert errors() == []


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param([1, 2], id="payload-not-an-object"),
        pytest.param("click", id="payload-a-string"),
        pytest.param({"actions": []}, id="no-actions"),
        pytest.param({"team": {"id": "T" + "0" * 40}}, id="team-id-longer-than-slack-makes"),
        pytest.param({"user": {"id": ""}}, id="empty-user-id"),
        pytest.param({"user": "U0MEMBER1"}, id="user-not-an-object"),
        pytest.param({"actions": [{"action_id": 7}]}, id="action-id-not-a-string"),
        pytest.param({"channel": []}, id="channel-not-an-object"),
        pytest.param(
            {"view": {"type": "modal", "state": {}, "private_metadata": True}},
            id="private-metadata-not-a-string",  # found by the fuzz test
        ),
        pytest.param(
            {"view": None, "actions": [{"action_id": "nobody.listens"}]},
            id="a-null-view-on-a-click-no-listener-takes",  # found by the fuzz test
        ),
        pytest.param(
            {"response_url": {"url": "https://hooks.slack.com/x"}},
            id="response-url-not-a-string",  # found by the fuzz test
        ),
    ],
)
def test_signed_payloads_slack_would_never_send_are_a_400(slack, errors, read, payload):
    body = form(click(slack, **payload) if isinstance(payload, dict) else payload)
    assert raw(slack, body, signed_headers(body)).status == 400
    assert errors() == []
    assert slack.double.calls == []


def test_a_signed_form_labelled_json_and_broken_json_are_a_400(slack, errors):
    body = urllib.parse.urlencode(
        slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
    ).encode()
    assert raw(slack, body, signed_headers(body, "application/json")).status == 400
    broken = b"payload=%7Bnot+json"
    assert raw(slack, broken, signed_headers(broken)).status == 400
    assert errors() == []


def test_a_real_request_still_passes_the_edge(slack, errors):
    assert slack.command("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL).status == 200
    assert errors() == []


@pytest.mark.parametrize("event", ["x", 0, [1]], ids=["a-string", "a-number", "a-list"])
def test_a_signed_json_body_of_a_type_the_events_api_never_sends_is_a_400(slack, errors, event):
    body = json.dumps(
        {"type": "0", "team_id": "T0AGILE01", "api_app_id": "A0AGILEBOT", "event": event}
    ).encode()  # found by the fuzz test: Bolt's own middleware failed on it
    assert raw(slack, body, signed_headers(body, "application/json")).status == 400
    assert errors() == []
