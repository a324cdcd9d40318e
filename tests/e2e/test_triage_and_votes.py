"""Triage by the marketing owner, votes by anyone, and forged clicks that change nothing."""

from __future__ import annotations

import json

from bot.models import BacklogItem, ItemStatus
from bot.services import backlog
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import (
    all_text,
    last_message,
    opened_view,
    set_up_team,
    submit_idea,
    wait_for_response,
)


def _item(read):
    return read(lambda s: s.query(BacklogItem).one())


def test_idea_field_errors_store_nothing(slack, double, read):
    set_up_team(slack)
    cases = [
        ({"title": ""}, {"title"}),
        ({"title": "x" * 151}, {"title"}),
        ({"kind": "experiment", "hypothesis": "", "kpi": "CTR"}, {"hypothesis"}),
        ({"kind": "experiment", "hypothesis": "B wins", "kpi": ""}, {"kpi"}),
        ({"customer_value": "11"}, {"customer_value"}),
        ({"business_value": "0"}, {"business_value"}),
        ({"kind": "podcast"}, {"kind"}),
    ]
    for number, (changes, fields) in enumerate(cases, 1):
        slack.command("/idea", "", user=STAKEHOLDER, channel=TEAM_CHANNEL)
        view = opened_view(double, "idea.submit", count=number)
        form = {"title": "Offer A vs B", "kind": "content", **changes}
        response = slack.submit(view, form, user=STAKEHOLDER)
        assert response.json.get("response_action") == "errors", changes
        assert set(response.json["errors"]) == fields, changes
    assert read(lambda s: s.query(BacklogItem).count()) == 0


def test_a_campaign_needs_no_hypothesis(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, kind="campaign", hypothesis="", kpi="", title="Black Friday")
    item = _item(read)
    assert item.kind.value == "campaign" and item.hypothesis is None


def test_non_owner_cannot_triage_even_with_a_forged_payload(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    card = last_message(double, ADMIN_CHANNEL)

    slack.click(card, "triage.accept", user=SCRUM, channel=ADMIN_CHANNEL)
    assert "Only the marketing owner" in all_text(wait_for_response(double, SCRUM))
    assert double.calls_to("views.open", ok=None)[-1].args["view"]["callback_id"] == "idea.submit"

    item_id = _item(read).id
    forged = {
        "type": "modal",
        "callback_id": "triage.accept",
        "private_metadata": json.dumps({"item_id": item_id}),
        "title": {"type": "plain_text", "text": "Accept idea"},
        "blocks": [
            {
                "type": "input",
                "block_id": "effort",
                "label": {"type": "plain_text", "text": "E"},
                "element": {"type": "static_select", "action_id": "effort", "options": []},
            },
            {
                "type": "input",
                "block_id": "customer_value",
                "label": {"type": "plain_text", "text": "C"},
                "element": {
                    "type": "number_input",
                    "action_id": "customer_value",
                    "is_decimal_allowed": False,
                },
            },
            {
                "type": "input",
                "block_id": "business_value",
                "label": {"type": "plain_text", "text": "B"},
                "element": {
                    "type": "number_input",
                    "action_id": "business_value",
                    "is_decimal_allowed": False,
                },
            },
        ],
    }
    response = slack.submit(
        forged, {"effort": "1", "customer_value": "10", "business_value": "10"}, user=MEMBER
    )
    assert "Only the marketing owner" in response.json["errors"]["effort"]
    forged["callback_id"] = "triage.decline"
    forged["blocks"] = [
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "R"},
            "element": {"type": "plain_text_input", "action_id": "reason"},
        },
    ]
    response = slack.submit(forged, {"reason": "nope"}, user=MEMBER)
    assert "Only the marketing owner" in response.json["errors"]["reason"]
    assert _item(read).status is ItemStatus.PROPOSED


def _decline_form(slack, double):
    """A stakeholder's idea, and the owner's decline form for it, opened from its card."""
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    slack.click(
        last_message(double, ADMIN_CHANNEL), "triage.decline", user=OWNER, channel=ADMIN_CHANNEL
    )
    return opened_view(double, "triage.decline")


def test_decline_needs_a_reason_which_the_submitter_receives(slack, double, read):
    view = _decline_form(slack, double)
    assert slack.submit(view, {"reason": "   "}, user=OWNER).json["response_action"] == "errors"
    assert _item(read).status is ItemStatus.PROPOSED

    assert slack.submit(view, {"reason": "Not this quarter <!here>"}, user=OWNER).body == ""
    slack.settle()
    item = _item(read)
    assert item.status is ItemStatus.DECLINED and item.decline_reason == "Not this quarter <!here>"
    note = last_message(double, STAKEHOLDER)["text"]
    assert "Not this quarter &lt;!here&gt;" in note and "<!here>" not in note
    assert "Declined" in all_text(last_message(double, ADMIN_CHANNEL))
    assert not [b for b in last_message(double, ADMIN_CHANNEL)["blocks"] if b["type"] == "actions"]


def test_an_idea_is_triaged_once(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    card = last_message(double, ADMIN_CHANNEL)
    slack.click(card, "triage.accept", user=OWNER, channel=ADMIN_CHANNEL)
    slack.click(card, "triage.decline", user=OWNER, channel=ADMIN_CHANNEL)
    accept_view = opened_view(double, "triage.accept")
    decline_view = opened_view(double, "triage.decline")
    assert slack.submit(decline_view, {"reason": "No"}, user=OWNER).body == ""
    response = slack.submit(
        accept_view, {"effort": "2", "customer_value": "5", "business_value": "5"}, user=OWNER
    )
    assert "already been triaged" in response.json["errors"]["effort"]
    assert _item(read).status is ItemStatus.DECLINED


def test_vote_on_the_idea_card_toggles_and_updates_in_place(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    card = last_message(double, TEAM_CHANNEL)
    assert "Vote (0)" in all_text(card)

    slack.click(card, "backlog.vote", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    updated = double.messages_in(TEAM_CHANNEL)[-1]
    assert updated["ts"] == card["ts"] and "Vote (1)" in all_text(updated)
    assert _item(read).vote_count == 1

    slack.click(updated, "backlog.vote", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    assert _item(read).vote_count == 0
    assert "Vote (0)" in all_text(double.messages_in(TEAM_CHANNEL)[-1])


def test_vote_from_the_backlog_list_redraws_the_list(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    listing = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    slack.click(listing, "backlog.vote", user=MEMBER, channel=TEAM_CHANNEL, ephemeral=True)
    redrawn = wait_for_response(double, MEMBER)
    assert redrawn["replace_original"] is True and "Voted (1)" in all_text(redrawn)
    # The public card follows too.
    slack.settle()
    assert "Vote (1)" in all_text(double.messages_in(TEAM_CHANNEL)[-1])


def test_declined_ideas_take_no_votes(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    card = last_message(double, TEAM_CHANNEL)
    item_id = _item(read).id
    read(lambda s: backlog.decline(s, item_id, _owner(s), "no", _now()))
    slack.click(card, "backlog.vote", user=MEMBER, channel=TEAM_CHANNEL)
    assert "declined" in all_text(wait_for_response(double, MEMBER))
    assert _item(read).vote_count == 0


def _owner(session):
    from bot.models import Team

    return session.query(Team).one().owner


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def test_forged_vote_for_an_unknown_item_changes_nothing(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    action = {
        "type": "button",
        "action_id": "backlog.vote",
        "block_id": "x",
        "value": "999999",
        "action_ts": "1",
    }
    slack.block_action([action], user=MEMBER, channel=TEAM_CHANNEL)
    assert "no longer exists" in all_text(wait_for_response(double, MEMBER))
    action["value"] = "'; DROP TABLE votes; --"
    slack.block_action([action], user=MEMBER, channel=TEAM_CHANNEL)
    assert "no longer works" in all_text(wait_for_response(double, MEMBER, count=2))
    assert _item(read).vote_count == 0


def test_a_card_that_cannot_be_updated_keeps_no_one_from_the_decision(slack, double, read):
    view = _decline_form(slack, double)
    double.fail_next("chat.update", error="not_in_channel")  # the bot left the admin channel
    assert slack.submit(view, {"reason": "Not this quarter"}, user=OWNER).body == ""
    slack.settle()
    assert _item(read).status is ItemStatus.DECLINED
    # The submitter still hears the decision and its reason.
    assert "Not this quarter" in last_message(double, STAKEHOLDER)["text"]
    # The owner hears exactly what happened: saved, one card not updated, in words.
    told = all_text(last_message(double, OWNER))
    assert "saved" in told and "card" in told and "not_in_channel" not in told
    assert "try again" not in told.lower()
