"""Proves the Slack Web API double with slack_sdk's real WebClient over HTTP."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.slack_double import RESPONSE_URL_TTL, TRIGGER_TTL, SlackDouble

ALICE = "U0ALICE01"
BOB = "U0BOB0001"
GONE = "U0GONE001"
TEAM_CHANNEL = "C0TEAM001"


@pytest.fixture(scope="module")
def started_slack_double():
    double = SlackDouble()
    double.start()
    yield double
    double.stop()


@pytest.fixture
def double(started_slack_double: SlackDouble) -> SlackDouble:
    started_slack_double.reset()
    started_slack_double.add_user(ALICE, name="alice", real_name="Alice Rossi", locale="it-IT")
    started_slack_double.add_user(BOB, name="bob", tz="America/New_York")
    started_slack_double.add_user(GONE, name="gone", deleted=True)
    started_slack_double.add_channel(TEAM_CHANNEL, "marketing-team", members=[ALICE, BOB])
    return started_slack_double


@pytest.fixture
def client(double: SlackDouble) -> WebClient:
    return WebClient(base_url=double.api_url, token=double.BOT_TOKEN)


@pytest.fixture
def raw_client(double: SlackDouble) -> WebClient:
    """A client that surfaces 429/5xx answers instead of retrying them."""
    return WebClient(base_url=double.api_url, token=double.BOT_TOKEN, retry_handlers=[])


def error_of(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return excinfo.value.response["error"]


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str = "Plan sprint", **extra) -> dict:
    return {
        "type": "modal",
        "callback_id": "plan_sprint",
        "title": {"type": "plain_text", "text": title},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [section("Pick the sprint goal")],
        **extra,
    }


# --------------------------------------------------------------------------- arguments


def test_valid_call_is_recorded_without_violations(client, double):
    response = client.chat_postMessage(channel=TEAM_CHANNEL, text="Sprint 4 starts today")

    assert response["ok"] is True
    assert response["channel"] == TEAM_CHANNEL
    [call] = double.calls_to("chat.postMessage")
    assert call.args == {"channel": TEAM_CHANNEL, "text": "Sprint 4 starts today"}
    assert call.status == 200 and call.ok
    assert double.violations == []


def test_unknown_argument_is_rejected_and_recorded(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=TEAM_CHANNEL, text="hi", colour="blue")

    assert error_of(excinfo) == "invalid_arguments"
    assert any("colour" in m for m in excinfo.value.response["response_metadata"]["messages"])
    assert len(double.violations) == 1
    assert "chat.postMessage" in double.violations[0] and "colour" in double.violations[0]
    assert double.calls_to("chat.postMessage", ok=False)[0].args["colour"] == "blue"
    assert double.messages_in(TEAM_CHANNEL) == []


def test_missing_required_argument_is_rejected(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"text": "where does this go?"})

    assert error_of(excinfo) == "invalid_arguments"
    assert any("'channel' is a required property" in v for v in double.violations)


def test_form_values_are_coerced_to_schema_types(client, double):
    # slack_sdk sends include_locale=True as the form field "1", and length=24 as "24"
    client.users_info(user=ALICE, include_locale=True)
    client.files_getUploadURLExternal(filename="a.txt", length=24)
    # and by hand, as a GET with the token in the query string
    url = f"{double.api_url}users.info?token={double.BOT_TOKEN}&user={BOB}&include_locale=true"
    with urllib.request.urlopen(url) as answer:
        body = json.loads(answer.read())

    assert body["ok"] is True and body["user"]["locale"] == "en-US"
    assert [c.args for c in double.calls_to("users.info")] == [
        {"user": ALICE, "include_locale": True},
        {"user": BOB, "include_locale": True},
    ]
    assert double.calls_to("files.getUploadURLExternal")[0].args == {
        "filename": "a.txt",
        "length": 24,
    }
    assert double.violations == []


def test_wrong_type_is_a_violation(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call(
            "files.getUploadURLExternal", params={"filename": "a.txt", "length": "lots"}
        )

    assert error_of(excinfo) == "invalid_arguments"
    assert any("files.getUploadURLExternal: /length" in v for v in double.violations)


def test_wrong_or_missing_token(double):
    wrong = WebClient(base_url=double.api_url, token="xoxb-not-the-right-one")
    with pytest.raises(SlackApiError) as excinfo:
        wrong.auth_test()
    assert error_of(excinfo) == "invalid_auth"

    anonymous = WebClient(base_url=double.api_url)
    with pytest.raises(SlackApiError) as excinfo:
        anonymous.auth_test()
    assert error_of(excinfo) == "not_authed"


def test_auth_test_identifies_the_bot(client, double):
    response = client.auth_test()

    assert response["user_id"] == double.BOT_USER_ID
    assert response["bot_id"] == double.BOT_ID
    assert response["team_id"] == double.TEAM_ID


def test_a_revoked_token_is_refused_on_every_call(client, double):
    double.revoke_tokens()
    with pytest.raises(SlackApiError) as excinfo:
        client.auth_test()
    assert error_of(excinfo) == "token_revoked"


def test_history_is_newest_first_with_metadata_only_when_asked(client, double):
    metadata = {"event_type": "agilebot_post", "event_payload": {"key": "k"}}
    first = client.chat_postMessage(channel=TEAM_CHANNEL, text="one", metadata=metadata)
    client.chat_postMessage(channel=TEAM_CHANNEL, text="reply", thread_ts=first["ts"])
    client.chat_postMessage(channel=TEAM_CHANNEL, text="two")
    plain = client.conversations_history(channel=TEAM_CHANNEL)["messages"]
    assert [m["text"] for m in plain] == ["two", "one"]  # thread replies stay in their thread
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel=TEAM_CHANNEL, limit=1, include_all_metadata=True)
    assert [m["text"] for m in full["messages"]] == ["two"] and full["has_more"]
    every = client.conversations_history(channel=TEAM_CHANNEL, include_all_metadata=True)
    assert every["messages"][1]["metadata"] == metadata


def test_history_of_a_channel_the_bot_is_not_in(client, double):
    double.add_channel("C0ELSEWHR", "elsewhere", members=[ALICE], bot_member=False)
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_history(channel="C0ELSEWHR")
    assert error_of(excinfo) == "not_in_channel"


def test_unknown_retired_and_unserved_methods(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessages", json={"channel": TEAM_CHANNEL, "text": "typo"})
    assert error_of(excinfo) == "unknown_method"

    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("files.upload", params={"channels": TEAM_CHANNEL, "content": "x"})
    assert error_of(excinfo) == "method_deprecated"

    # a real Slack method that the app does not use: the double refuses to fake an answer
    with pytest.raises(SlackApiError) as excinfo:
        client.reactions_add(channel=TEAM_CHANNEL, timestamp="1700000000.000100", name="tada")
    assert error_of(excinfo) == "unknown_method"
    assert len(double.violations) == 3
    assert "reactions.add" in double.violations[2] and "does not serve" in double.violations[2]


def test_json_body_only_where_supported(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("users.info", json={"user": ALICE})

    assert error_of(excinfo) == "invalid_arguments"
    assert any("JSON body" in v for v in double.violations)


# --------------------------------------------------------------------------- scopes


def test_missing_scope(client, double):
    double.scopes = {"users:read", "im:write"}

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=TEAM_CHANNEL, text="hi")

    body = excinfo.value.response
    assert body["error"] == "missing_scope"
    assert body["needed"] == "chat:write"
    assert set(body["provided"].split(",")) == {"users:read", "im:write"}
    assert any("missing_scope" in v for v in double.violations)
    # any one of a method's scopes suffices; views.* need none
    assert client.users_info(user=ALICE)["ok"]
    assert client.views_open(trigger_id=double.new_trigger_id(), view=modal())["ok"]


def test_reset_restores_the_constructor_scopes(started_slack_double):
    started_slack_double.scopes = {"users:read"}
    started_slack_double.reset()
    assert started_slack_double.scopes is None


def test_public_channel_without_membership_needs_chat_write_public(client, double):
    double.add_channel("C0PUBLIC1", "announcements", bot_member=False)
    double.scopes = {"chat:write"}
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0PUBLIC1", text="hello")
    assert error_of(excinfo) == "not_in_channel"

    double.scopes = {"chat:write", "chat:write.public"}
    assert client.chat_postMessage(channel="C0PUBLIC1", text="hello")["ok"]
    assert double.violations == []


def test_channel_rules(client, double):
    double.add_channel("C0OLD0001", "old-sprint", is_archived=True)
    double.add_channel("G0SECRET1", "leadership", is_private=True, bot_member=False)
    for channel, error in [
        ("C0OLD0001", "is_archived"),
        ("G0SECRET1", "channel_not_found"),
        ("C0NOWHERE", "channel_not_found"),
        (GONE, "channel_not_found"),
    ]:
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel=channel, text="hello")
        assert error_of(excinfo) == error, channel
    assert double.violations == []


# --------------------------------------------------------------------------- messages


def test_dm_by_user_id_lands_in_the_users_dm(client, double):
    response = client.chat_postMessage(channel=ALICE, text="Your standup is due")

    dm = double.dm_channel(ALICE)
    assert response["channel"] == dm
    assert [m["text"] for m in double.messages_in(ALICE)] == ["Your standup is due"]
    assert double.messages[dm] == double.messages_in(ALICE)
    assert double.messages_in(ALICE)[0]["user"] == double.BOT_USER_ID

    client.chat_postMessage(channel=dm, text="Thanks")
    assert [m["text"] for m in double.messages_in(ALICE)] == ["Your standup is due", "Thanks"]


def test_timestamps_are_unique_and_increasing_and_threads_work(client, double):
    parent = client.chat_postMessage(channel=TEAM_CHANNEL, text="Retro notes")["ts"]
    reply = client.chat_postMessage(channel=TEAM_CHANNEL, text="First note", thread_ts=parent)["ts"]

    assert float(reply) > float(parent)
    messages = double.messages_in(TEAM_CHANNEL)
    assert [m["text"] for m in messages] == ["Retro notes", "First note"]
    assert messages[0]["thread_ts"] is None and messages[1]["thread_ts"] == parent


def test_chat_update_keeps_history(client, double):
    ts = client.chat_postMessage(channel=TEAM_CHANNEL, text="Vote: 0 yes")["ts"]
    client.chat_update(channel=TEAM_CHANNEL, ts=ts, text="Vote: 1 yes")
    client.chat_update(channel=TEAM_CHANNEL, ts=ts, text="Vote: 2 yes")

    [message] = double.messages_in(TEAM_CHANNEL)
    assert message["text"] == "Vote: 2 yes"
    assert [h["text"] for h in message["history"]] == ["Vote: 0 yes", "Vote: 1 yes"]
    assert message["edited"]["user"] == double.BOT_USER_ID

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel=TEAM_CHANNEL, ts="1600000000.000100", text="nope")
    assert error_of(excinfo) == "message_not_found"


def test_ephemeral_needs_a_channel_member(client, double):
    response = client.chat_postEphemeral(channel=TEAM_CHANNEL, user=BOB, text="Only you")
    assert response["message_ts"]
    assert double.ephemeral[0]["user"] == BOB and double.ephemeral[0]["text"] == "Only you"

    double.add_user("U0CAROL01", name="carol")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postEphemeral(channel=TEAM_CHANNEL, user="U0CAROL01", text="x")
    assert error_of(excinfo) == "user_not_in_channel"


def test_text_limits(client, double):
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=TEAM_CHANNEL, text="x" * 40_001)
    assert error_of(excinfo) == "msg_too_long"

    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"channel": TEAM_CHANNEL})
    assert error_of(excinfo) == "no_text"
    assert len(double.violations) == 2


# --------------------------------------------------------------------------- Block Kit


def test_fifty_one_blocks_are_rejected(client, double):
    fifty = [section(f"item {i}") for i in range(50)]
    assert client.chat_postMessage(channel=TEAM_CHANNEL, text="50", blocks=fifty)["ok"]
    assert double.violations == []

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(
            channel=TEAM_CHANNEL, text="51", blocks=[*fifty, section("one too many")]
        )

    assert error_of(excinfo) == "invalid_blocks"
    assert excinfo.value.response["response_metadata"]["messages"]
    assert any("51 blocks" in v for v in double.violations)
    assert len(double.messages_in(TEAM_CHANNEL)) == 1


def test_blocks_without_text_fallback_are_a_violation(client, double):
    with pytest.warns(UserWarning):  # slack_sdk itself warns about it
        client.chat_postMessage(channel=TEAM_CHANNEL, blocks=[section("no fallback")])

    assert any("fallback" in v for v in double.violations)


@pytest.mark.parametrize(
    ("block", "fragment"),
    [
        ({"type": "header", "text": {"type": "mrkdwn", "text": "Sprint"}}, "plain_text"),
        ({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}, "150"),
        ({"type": "section", "text": {"type": "mrkdwn", "text": ""}}, "non-empty"),
        ({"type": "section", "text": {"type": "markdown", "text": "x"}}, "plain_text or mrkdwn"),
        ({"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}, "3000"),
        (
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "1"},
                    },
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "2"},
                    },
                ],
            },
            "duplicate action_id",
        ),
        (
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "pick"},
                "accessory": {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [{"text": {"type": "plain_text", "text": "only"}, "value": "1"}],
                },
            },
            "fewer than the 2",
        ),
        (
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "pick"},
                "accessory": {
                    "type": "static_select",
                    "action_id": "pick",
                    "options": [{"text": {"type": "plain_text", "text": "v"}, "value": "v" * 151}],
                },
            },
            "150",
        ),
    ],
)
def test_block_kit_limits(client, double, block, fragment):
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel=TEAM_CHANNEL, text="fallback", blocks=[block])

    assert error_of(excinfo) == "invalid_blocks"
    assert any(fragment in v for v in double.violations), double.violations


def test_duplicate_block_ids(client, double):
    blocks = [dict(section("a"), block_id="same"), dict(section("b"), block_id="same")]
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=TEAM_CHANNEL, text="dup", blocks=blocks)
    assert any("duplicate block_id" in v for v in double.violations)


# --------------------------------------------------------------------------- views


def test_trigger_id_is_single_use(client, double):
    trigger = double.new_trigger_id(user_id=ALICE)

    opened = client.views_open(trigger_id=trigger, view=modal())
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=trigger, view=modal())

    assert error_of(excinfo) == "exchanged_trigger_id"
    view = opened["view"]
    assert view["id"] in double.views and double.views[view["id"]]["user"] == ALICE
    assert view["root_view_id"] == view["id"] and view["hash"]
    assert view["callback_id"] == "plan_sprint" and view["state"] == {"values": {}}
    assert double.violations == []


def test_trigger_id_expires_after_three_seconds(client, double):
    trigger = double.new_trigger_id()
    double.triggers[trigger].issued_at -= TRIGGER_TTL + 0.1

    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=trigger, view=modal())
    assert error_of(excinfo) == "expired_trigger_id"

    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id="123.456.never-issued", view=modal())
    assert error_of(excinfo) == "invalid_trigger_id"


def test_modal_title_of_25_characters_is_rejected(client, double):
    assert client.views_open(trigger_id=double.new_trigger_id(), view=modal("t" * 24))["ok"]

    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=double.new_trigger_id(), view=modal("t" * 25))

    assert error_of(excinfo) == "invalid_arguments"
    assert any("/view/title/text" in v and "24" in v for v in double.violations)


def test_views_update_checks_hash(client, double):
    view = client.views_open(trigger_id=double.new_trigger_id(), view=modal())["view"]

    updated = client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Step 2"))
    assert updated["view"]["hash"] != view["hash"]
    assert double.views[view["id"]]["title"]["text"] == "Step 2"

    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal("Step 3"))
    assert error_of(excinfo) == "hash_conflict"

    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id="V0NOTHERE", view=modal())
    assert error_of(excinfo) == "not_found"


# --------------------------------------------------------------------------- faults


def test_rate_limited_answer_has_retry_after(raw_client, double):
    double.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as excinfo:
        raw_client.chat_postMessage(channel=TEAM_CHANNEL, text="hi")

    response = excinfo.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response["error"] == "ratelimited"
    # the fault was used up: the retry goes through
    assert raw_client.chat_postMessage(channel=TEAM_CHANNEL, text="hi")["ok"]
    assert [c.status for c in double.calls_to("chat.postMessage", ok=None)] == [429, 200]
    assert double.violations == []


def test_rate_limit_retry_handler_recovers(double):
    patient = WebClient(
        base_url=double.api_url,
        token=double.BOT_TOKEN,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    double.fail_next("users.info", status=429, retry_after=0, times=2)

    assert patient.users_info(user=ALICE)["ok"]
    assert [c.status for c in double.calls_to("users.info", ok=None)] == [429, 429, 200]


def test_server_error(raw_client, double):
    double.fail_next("views.open", status=503)

    with pytest.raises(SlackApiError) as excinfo:
        raw_client.views_open(trigger_id=double.new_trigger_id(), view=modal())

    assert excinfo.value.response.status_code == 503
    [call] = double.calls_to("views.open", ok=False)
    assert call.status == 503 and call.args["view"]["type"] == "modal"


def test_injected_error_with_status_200(client, double):
    double.fail_next("chat.postMessage", error="channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel=TEAM_CHANNEL, text="hi")
        assert error_of(excinfo) == "channel_not_found"
    assert client.chat_postMessage(channel=TEAM_CHANNEL, text="hi")["ok"]


# --------------------------------------------------------------------------- files v2


def test_files_upload_v2_round_trip(client, double):
    payload = b"week,velocity\n1,21\n2,34\n"

    response = client.files_upload_v2(
        channel=TEAM_CHANNEL,
        content=payload,
        filename="velocity.csv",
        title="Velocity",
        alt_txt="Velocity per week",
        initial_comment="Sprint report",
    )

    file_id = response["file"]["id"]
    stored = double.files[file_id]
    assert stored["bytes"] == payload
    assert stored["length"] == len(payload)
    assert stored["completed"] and stored["channel_id"] == TEAM_CHANNEL
    assert stored["title"] == "Velocity" and stored["alt_txt"] == "Velocity per week"
    [message] = double.messages_in(TEAM_CHANNEL)
    assert message["text"] == "Sprint report"
    assert [f["id"] for f in message["files"]] == [file_id]
    complete = double.calls_to("files.completeUploadExternal")[0]
    assert complete.args["files"][0]["id"] == file_id  # JSON string parsed for Call.args
    assert double.violations == []


def test_upload_length_must_match_and_files_must_be_uploaded(client, double):
    ticket = client.files_getUploadURLExternal(filename="a.txt", length=10)
    with pytest.raises(SlackApiError) as excinfo:
        client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    assert error_of(excinfo) == "file_not_found"

    request = urllib.request.Request(ticket["upload_url"], data=b"short", method="POST")
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200 and answer.read() == b"OK - 5"
    assert any("5 bytes sent, 10 declared" in v for v in double.violations)


# --------------------------------------------------------------------------- response URLs


def test_response_url_works_five_times(double):
    url = double.new_response_url(TEAM_CHANNEL, ALICE)
    webhook = WebhookClient(url)

    for i in range(5):
        assert webhook.send(text=f"update {i}", replace_original=True).status_code == 200
    sixth = webhook.send(text="one too many")

    assert sixth.status_code == 404
    assert json.loads(sixth.body)["error"] == "used_url"
    assert [r["body"]["text"] for r in double.responses[:5]] == [f"update {i}" for i in range(5)]
    assert double.responses[0]["channel"] == TEAM_CHANNEL and double.responses[0]["user"] == ALICE
    assert double.violations == []


def test_response_url_expires_and_checks_blocks(double):
    url = double.new_response_url(TEAM_CHANNEL, ALICE)
    webhook = WebhookClient(url)
    bad = webhook.send(text="x", blocks=[section("b") for _ in range(51)])
    assert bad.status_code == 400
    assert any("51 blocks" in v for v in double.violations)

    url_id = url.rsplit("/response/", 1)[1]
    double.response_urls[url_id].issued_at -= RESPONSE_URL_TTL + 1
    expired = webhook.send(text="too late")
    assert expired.status_code == 404 and json.loads(expired.body)["error"] == "expired_url"


# --------------------------------------------------------------------------- users


def test_users_info_with_locale(client, double):
    user = client.users_info(user=ALICE, include_locale=True)["user"]

    assert user["id"] == ALICE and user["team_id"] == double.TEAM_ID
    assert user["real_name"] == "Alice Rossi" and user["profile"]["real_name"] == "Alice Rossi"
    assert user["locale"] == "it-IT"
    assert user["tz"] == "Europe/Rome" and user["tz_offset"] in (3600, 7200)

    without = client.users_info(user=BOB)["user"]
    assert "locale" not in without
    assert without["tz_offset"] in (-18000, -14400)

    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0NOBODY1")
    assert error_of(excinfo) == "user_not_found"


# --------------------------------------------------------------------------- observation


def test_wait_for_sees_calls_from_other_threads(client, double):
    def post_later():
        for i in range(3):
            client.chat_postMessage(channel=TEAM_CHANNEL, text=f"msg {i}")

    worker = threading.Thread(target=post_later)
    worker.start()
    calls = double.wait_for("chat.postMessage", lambda c: c.args["text"].startswith("msg"), count=3)
    worker.join()
    assert len(calls) == 3


def test_wait_for_timeout_summarises_calls(client, double):
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0NOWHERE", text="lost")

    with pytest.raises(AssertionError) as excinfo:
        double.wait_for("chat.postMessage", timeout=0.1)

    assert "channel_not_found" in str(excinfo.value)


def test_concurrent_calls_are_all_recorded(client, double):
    def post(i: int) -> None:
        client.chat_postMessage(channel=TEAM_CHANNEL, text=f"parallel {i}")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    timestamps = [m["ts"] for m in double.messages_in(TEAM_CHANNEL)]
    assert len(timestamps) == 20 == len(set(timestamps))
    assert timestamps == sorted(timestamps, key=float)
