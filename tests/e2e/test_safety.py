"""User text never becomes markup; Slack failures are retried or reported; a request either
completes or leaves the database unchanged; people see their own language."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.models import BacklogEvent, BacklogItem, ItemStatus
from bot.services import backlog
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import (
    all_text,
    every_payload_text,
    last_message,
    opened_view,
    set_up_team,
    submit_idea,
    wait_for_response,
)

HOSTILE = "<!channel> <@U0OWNER01> <http://evil.example|click> & <!here>"


def test_user_text_never_pings_or_links(slack, double, read):
    set_up_team(slack, team_name="Team <!everyone>")
    submit_idea(
        slack,
        user=STAKEHOLDER,
        title=HOSTILE,
        description=HOSTILE,
        hypothesis=HOSTILE,
        kpi="<!subteam^S1>",
    )
    slack.click(
        last_message(double, ADMIN_CHANNEL), "triage.decline", user=OWNER, channel=ADMIN_CHANNEL
    )
    slack.submit(opened_view(double, "triage.decline"), {"reason": HOSTILE}, user=OWNER)
    slack.settle()
    slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL)
    sent = every_payload_text(double)
    for markup in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<http://evil.example|click>",
        "<!subteam^S1>",
    ):
        assert markup not in sent
    assert "&lt;!channel&gt;" in sent and "&lt;http://evil.example|click&gt;" in sent
    # The text is stored as typed: escaping happens only where it is shown.
    assert read(lambda s: s.query(BacklogItem.title).scalar()) == HOSTILE


def test_rate_limited_post_is_retried_after_retry_after(slack, double, read):
    set_up_team(slack)
    double.fail_next("chat.postMessage", status=429, retry_after=1)
    submit_idea(slack, user=STAKEHOLDER)
    statuses = [c.status for c in double.calls_to("chat.postMessage", ok=None)]
    assert 429 in statuses
    posted = [m for m in double.messages_in(ADMIN_CHANNEL) if "Offer A vs offer B" in all_text(m)]
    assert len(posted) == 1  # retried once, posted once
    item = read(lambda s: s.query(BacklogItem).one())
    assert item.triage_message_ts == posted[0]["ts"]


def test_server_error_on_views_open_is_retried(slack, double):
    set_up_team(slack)
    double.fail_next("views.open", status=503)
    slack.command("/idea", "", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    assert opened_view(double, "idea.submit")["callback_id"] == "idea.submit"


def test_failed_post_is_reported_to_the_submitter_and_the_idea_is_kept(slack, double, read, caplog):
    set_up_team(slack)
    double.fail_next("chat.postMessage", error="not_in_channel")
    submit_idea(slack, user=STAKEHOLDER)
    assert read(lambda s: s.query(BacklogItem).count()) == 1
    notes = all_text(
        {"blocks": [], "text": "\n".join(m["text"] for m in double.messages_in(STAKEHOLDER))}
    )
    # In words for the person; Slack's code only in the log.
    assert "Your idea is saved, but I could not post it in" in notes
    assert "I am not in that channel" in notes and "not_in_channel" not in notes
    assert "not_in_channel" in caplog.text


def test_unrecoverable_slack_error_on_a_click_is_reported(slack, double):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    double.fail_next("views.open", error="invalid_trigger_id")
    slack.click(
        last_message(double, ADMIN_CHANNEL), "triage.accept", user=OWNER, channel=ADMIN_CHANNEL
    )
    told = all_text(wait_for_response(double, OWNER))
    assert "Slack refused the request" in told and "invalid_trigger_id" not in told


def test_a_failure_inside_a_request_leaves_the_database_unchanged(slack, double, read, monkeypatch):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    events_before = read(lambda s: s.query(BacklogEvent).count())
    real_record = backlog.record

    def failing_record(session, team_id, item_id, actor, kind, now, **data):
        real_record(session, team_id, item_id, actor, kind, now, **data)
        session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(backlog, "record", failing_record)
    slack.click(
        last_message(double, ADMIN_CHANNEL), "triage.accept", user=OWNER, channel=ADMIN_CHANNEL
    )
    response = slack.submit(
        opened_view(double, "triage.accept"),
        {"effort": "2", "customer_value": "5", "business_value": "5"},
        user=OWNER,
    )
    assert response.status == 200
    slack.settle()
    item = read(lambda s: s.query(BacklogItem).one())
    assert item.status is ItemStatus.PROPOSED and item.effort is None
    assert read(lambda s: s.query(BacklogEvent).count()) == events_before
    assert "nothing was changed" in double.messages_in(OWNER)[-1]["text"]


IDEA_HELP = "`/idea [title]`: submit an idea (anyone, stakeholders included)."


@pytest.mark.parametrize(("user", "language"), [(ITALIAN, "it"), (MEMBER, "en")])
def test_each_person_sees_their_slack_language(slack, user, language):
    help_text = all_text(slack.command("/agile", "help", user=user, channel=TEAM_CHANNEL).json)
    expected = translator(language).gettext(IDEA_HELP)
    assert expected in help_text
    assert (expected != IDEA_HELP) == (language != "en")


def test_team_language_is_the_fallback_and_channel_messages_use_it(slack, double):
    set_up_team(slack, language="nl")
    double.add_user("U0FRENCH1", real_name="Zoé", locale="fr-FR")
    double.add_channel("C0FRENCH1", "fr", members=["U0FRENCH1"])
    help_text = all_text(slack.command("/agile", "", user="U0FRENCH1", channel=TEAM_CHANNEL).json)
    assert translator("nl").gettext(IDEA_HELP) in help_text
    announcement = (
        translator("nl").gettext("*{team}* is set up in this channel.").format(team="Growth")
    )
    assert last_message(double, TEAM_CHANNEL)["text"] == announcement
