"""The Web API client's retries, against a Slack that did the work and then failed to answer:
what could post twice is never sent twice; what Slack did not do is tried again."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bot.slack import web_client
from tests.conftest import TEAM_CHANNEL
from tests.conftest import test_settings as settings_for


@pytest.mark.parametrize("status", [500, 503])
def test_a_post_answered_with_a_5xx_after_slack_posted_it_is_not_sent_again(double, db_url, status):
    client = web_client(settings_for(double, db_url))
    double.fail_next("chat.postMessage", status=status, after_processing=True)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=TEAM_CHANNEL, text="Sprint 4 starts")
    assert len(double.messages_in(TEAM_CHANNEL)) == 1  # posted once, by Slack, not twice
    assert len(double.calls_to("chat.postMessage", ok=None)) == 1


def test_what_slack_did_not_do_is_tried_again(double, db_url):
    client = web_client(settings_for(double, db_url))
    posted = client.chat_postMessage(channel=TEAM_CHANNEL, text="Board")
    double.fail_next("chat.update", status=500, after_processing=True)  # an edit: harmless twice
    client.chat_update(channel=TEAM_CHANNEL, ts=posted["ts"], text="Board, updated")
    double.fail_next("chat.postMessage", status=429, retry_after=0)  # Slack did nothing
    client.chat_postMessage(channel=TEAM_CHANNEL, text="Showcase")
    texts = [m.get("text") for m in double.messages_in(TEAM_CHANNEL)]
    assert texts == ["Board, updated", "Showcase"]


def test_every_attempt_is_counted_by_method_and_outcome(double, db_url):
    from bot.metrics import REGISTRY

    def count(method, outcome):
        labels = {"method": method, "outcome": outcome}
        return REGISTRY.get_sample_value("agilebot_slack_calls_total", labels) or 0

    outcomes = [
        ("chat.postMessage", "ok"),
        ("chat.postMessage", "ratelimited"),
        ("chat.postMessage", "http_5xx"),
        ("chat.postMessage", "channel_not_found"),
        ("chat.update", "http_5xx"),
        ("chat.update", "ok"),
    ]
    before = {key: count(*key) for key in outcomes}
    client = web_client(settings_for(double, db_url))
    double.fail_next("chat.postMessage", status=429, retry_after=0)  # retried, then posted
    posted = client.chat_postMessage(channel=TEAM_CHANNEL, text="Board")
    double.fail_next("chat.postMessage", status=503)  # not retried: it could post twice
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=TEAM_CHANNEL, text="Showcase")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0NOWHERE", text="Lost")
    double.fail_next("chat.update", status=500)  # retried: an edit is harmless twice
    client.chat_update(channel=TEAM_CHANNEL, ts=posted["ts"], text="Board, updated")
    grown = {key: count(*key) - before[key] for key in outcomes}
    assert grown == {
        ("chat.postMessage", "ok"): 1,
        ("chat.postMessage", "ratelimited"): 1,
        ("chat.postMessage", "http_5xx"): 1,
        ("chat.postMessage", "channel_not_found"): 1,
        ("chat.update", "http_5xx"): 1,
        ("chat.update", "ok"): 1,
    }
