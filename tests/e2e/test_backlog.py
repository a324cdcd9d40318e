"""The backlog end to end: set up a team, submit an idea, triage it, vote, see the backlog."""

from __future__ import annotations

from bot.models import BacklogItem, EventKind, ItemStatus, Team
from bot.services import backlog
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import all_text, last_message, opened_view, set_up_team, submit_idea


def test_team_setup_creates_the_team_and_announces_it(slack, double, read):
    response = set_up_team(slack)
    assert response.status == 200 and response.body == ""

    team = read(lambda s: s.query(Team).one())
    assert (team.name, team.channel_id, team.admin_channel_id) == (
        "Growth",
        TEAM_CHANNEL,
        ADMIN_CHANNEL,
    )
    assert team.sprint_length_weeks == 2 and team.time_zone == "Europe/Rome"
    announcement = last_message(double, TEAM_CHANNEL)
    assert "Growth" in announcement["text"]
    assert f"<@{OWNER}>" in all_text(announcement) and f"<@{SCRUM}>" in all_text(announcement)


def test_idea_goes_to_triage_and_the_submitter_is_thanked(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)

    item = read(lambda s: s.query(BacklogItem).one())
    assert item.status is ItemStatus.PROPOSED and item.title == "Offer A vs offer B"
    triage = last_message(double, ADMIN_CHANNEL)
    assert "Offer A vs offer B" in all_text(triage)
    assert (item.triage_channel_id, item.triage_message_ts) == (ADMIN_CHANNEL, triage["ts"])
    thanks = last_message(double, STAKEHOLDER)
    assert f"#{item.id}" in thanks["text"]


def test_owner_accepts_from_the_triage_card(slack, double, read):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    item_id = read(lambda s: s.query(BacklogItem.id).scalar())
    card = last_message(double, ADMIN_CHANNEL)

    slack.click(card, "triage.accept", user=OWNER, channel=ADMIN_CHANNEL)
    view = opened_view(double, "triage.accept")
    response = slack.submit(
        view, {"effort": "3", "customer_value": "7", "business_value": "8"}, user=OWNER
    )
    assert response.status == 200 and response.body == ""
    slack.settle()

    item = read(lambda s: backlog.get_item(s, item_id))
    assert item.status is ItemStatus.READY and item.score == 5.0
    assert "Accepted" in all_text(last_message(double, ADMIN_CHANNEL))
    assert "accepted" in last_message(double, STAKEHOLDER)["text"]
    kinds = [e.kind for e in read(lambda s: backlog.history(s, item_id))]
    assert kinds == [EventKind.SUBMITTED, EventKind.ACCEPTED]


def test_backlog_lists_items_for_everyone(slack, double):
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    response = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL)
    assert response.status == 200
    assert response.json["response_type"] == "ephemeral"
    assert "Offer A vs offer B" in all_text(response.json)
