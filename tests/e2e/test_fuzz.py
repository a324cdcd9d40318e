"""Signed requests mutated from real ones, of every kind the app handles (slash commands,
clicks, modal submissions, events): whatever Slack's signature covers, the app answers without
a 5xx or an ERROR record, and a request it refuses changes nothing.

Runs a short profile in every CI run; `HYPOTHESIS_PROFILE=deep` runs a thousand examples."""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.parse
import urllib.request
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.fields import SplitField
from bot.models import BacklogItem, Person, Team, Vote
from bot.services.activities import new_field
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, TEAM_CHANNEL
from tests.scenario import last_message, opened_view, set_up_team, submit_idea
from tests.slack_requests import Slack, sign

settings.register_profile("ci", max_examples=40, deadline=None)
settings.register_profile("deep", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Values Slack never puts where these land: wrong types, empty, too long, nested wrongly.
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=33, max_size=60),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@pytest.fixture
def recorded(slack: Slack, double, monkeypatch) -> list[tuple[str, str]]:
    """Real requests, as the app received them while a team was set up, its activities
    renamed, an idea submitted, voted for, followed, split at triage and listed, and a profile
    changed."""
    bodies: list[tuple[str, str]] = []
    real_post = Slack.post

    def post(self, body, content_type="application/x-www-form-urlencoded", **kwargs):
        bodies.append((body, content_type))
        return real_post(self, body, content_type, **kwargs)

    monkeypatch.setattr(Slack, "post", post)
    set_up_team(slack, user=OWNER)
    slack.command("/agile", "activities", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    activities = opened_view(double, Callback.ACTIVITIES)
    slack.submit(activities, {new_field(1): "Influencer partnerships"}, user=OWNER)
    submit_idea(slack, user=MEMBER)
    card = last_message(double, TEAM_CHANNEL)
    slack.click(card, Action.VOTE, user=MEMBER, channel=TEAM_CHANNEL)
    slack.click(card, Action.FOLLOW, user=OWNER, channel=TEAM_CHANNEL)
    slack.click(
        last_message(double, ADMIN_CHANNEL), Action.TRIAGE_SPLIT, user=OWNER, channel=ADMIN_CHANNEL
    )
    slack.settle()
    split = {
        **dict(zip(SplitField.of(0), ("First slice", "2", "6", "7"), strict=True)),
        **dict(zip(SplitField.of(1), ("Follow-up", "3", "7", "8"), strict=True)),
    }
    slack.submit(opened_view(double, Callback.SPLIT), split, user=OWNER)
    slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL)
    slack.event({"type": "user_change", "user": {"id": MEMBER, "tz": "Europe/Rome"}})
    slack.settle()
    monkeypatch.undo()
    submitted = {(_fields(b, c)[0].get("view") or {}).get("callback_id") for b, c in bodies}
    assert {Callback.ACTIVITIES, Callback.SPLIT} <= submitted  # the recording went as planned
    return bodies


def _fields(body: str, content_type: str) -> tuple[dict[str, Any], str | None]:
    """The request as a dict to mutate, and the form field holding it as JSON, if any."""
    if content_type == "application/json":
        return json.loads(body), None
    form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        return json.loads(form["payload"]), "payload"
    return form, ""


def _encode(value: dict[str, Any], content_type: str, field: str | None) -> bytes:
    if field is None:
        return json.dumps(value).encode()
    if field == "payload":
        return urllib.parse.urlencode({"payload": json.dumps(value)}).encode()
    return urllib.parse.urlencode({k: str(v) for k, v in value.items()}).encode()


def _mutate(value: dict[str, Any], data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        target = value
        keys = list(target)
        if not keys:
            return
        key = data.draw(st.sampled_from(sorted(keys)))
        if isinstance(target[key], dict) and target[key] and data.draw(st.booleans()):
            target, key = target[key], data.draw(st.sampled_from(sorted(target[key])))
        if data.draw(st.booleans()):
            del target[key]
        else:
            target[key] = data.draw(ODD)


def _counts(read) -> tuple[int, ...]:
    def count(session):
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Team, Person, BacklogItem, Vote)
        )

    return read(count)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_signed_requests_never_fail_the_app(slack, recorded, read, caplog, data):
    body, content_type = data.draw(st.sampled_from(recorded))
    value, field = _fields(body, content_type)
    if "trigger_id" in value:  # Slack never sends a trigger twice: a fresh one, as Slack would
        value["trigger_id"] = slack.double.new_trigger_id(user_id=MEMBER)
    _mutate(value, data)
    encoded = _encode(value, content_type, field)
    now = int(time.time())
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": sign(encoded.decode(), now),
    }
    before = _counts(read)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        reply = slack.send(
            urllib.request.Request(slack.app_url + "/slack/events", encoded, headers)
        )
        slack.settle()
    assert reply.status < 500, (reply, encoded[:300])
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
    if reply.status >= 400:
        assert _counts(read) == before
