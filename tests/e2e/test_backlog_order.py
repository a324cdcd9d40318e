"""/backlog: order by score, paging, and the owner's controls (moves, reset, rescoring)."""

from __future__ import annotations

import datetime as dt

from bot.models import BacklogItem, EventKind, ItemKind, ItemStatus, Team
from bot.services import backlog
from bot.services.backlog import IdeaDraft, Scores
from tests.conftest import MEMBER, OWNER, TEAM_CHANNEL
from tests.scenario import all_text, opened_view, set_up_team, wait_for_response

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def _seed(read, specs):
    """Ready items from (title, effort, customer, business, votes) tuples, via the services."""

    def seed(session):
        team = session.query(Team).one()
        owner = team.owner
        ids = []
        for title, effort, customer, business, votes in specs:
            draft = IdeaDraft(title, None, ItemKind.CONTENT, None, None, None, None)
            item = backlog.submit_idea(session, team, owner, draft, NOW)
            if effort:
                backlog.accept(session, item.id, owner, Scores(effort, customer, business), NOW)
            item.vote_count = votes
            ids.append(item.id)
        return ids

    return read(seed)


def _titles(message):
    return [
        b["text"]["text"].split("*#")[1].split("*")[0].split(" ", 1)[1]
        for b in message["blocks"]
        if b.get("block_id", "").startswith("item:")
    ]


def test_order_is_score_then_votes_then_age_and_ideas_last(slack, read):
    set_up_team(slack)
    _seed(
        read,
        [
            ("Low", 8, 2, 2, 0),  # 0.5
            ("Tie, few votes", 2, 3, 3, 1),  # 3.0
            ("High", 1, 5, 5, 0),  # 10
            ("Tie, many votes", 2, 3, 3, 4),  # 3.0
            ("Untriaged", None, None, None, 9),
        ],
    )
    listing = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    assert _titles(listing) == ["High", "Tie, many votes", "Tie, few votes", "Low", "Untriaged"]
    text = all_text(listing)
    assert "4 items ready" in text and "1 idea awaiting triage" in text and "score 10" in text


def test_paging(slack, double, read):
    set_up_team(slack)
    _seed(read, [(f"Item {n:02}", 1, 10 - n % 10, 1, 0) for n in range(23)])
    first = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "page 1 of 3" in all_text(first) and len(_titles(first)) == 10
    slack.click(first, "backlog.page.next", user=MEMBER, channel=TEAM_CHANNEL, ephemeral=True)
    second = wait_for_response(double, MEMBER)
    assert second["replace_original"] is True and "page 2 of 3" in all_text(second)
    assert not set(_titles(first)) & set(_titles(second))
    third = slack.command("/backlog", "3", user=MEMBER, channel=TEAM_CHANNEL).json
    assert len(_titles(third)) == 3 and "page 3 of 3" in all_text(third)
    beyond = slack.command("/backlog", "99", user=MEMBER, channel=TEAM_CHANNEL).json
    assert "page 3 of 3" in all_text(beyond)
    assert len(first["blocks"]) <= 50


def test_only_the_owner_sees_controls(slack, read):
    set_up_team(slack)
    _seed(read, [(f"Item {n}", 1, 5, 5, 0) for n in range(10)] + [("Idea", None, None, None, 0)])
    member_view = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    owner_view = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    assert "backlog.owner_menu" not in str(member_view) and "triage.accept" not in str(member_view)
    assert str(owner_view).count("backlog.owner_menu") == 10
    assert len(owner_view["blocks"]) <= 50
    page2 = slack.command("/backlog", "2", user=OWNER, channel=TEAM_CHANNEL).json
    assert "triage.accept" in str(page2)


def test_owner_moves_items_and_can_reset_to_score_order(slack, double, read):
    set_up_team(slack)
    _seed(read, [("A", 1, 9, 9, 0), ("B", 2, 9, 9, 0), ("C", 3, 9, 9, 0)])
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    c_id = read(lambda s: s.query(BacklogItem.id).filter_by(title="C").scalar())

    slack.click(
        listing,
        "backlog.owner_menu",
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=f"top:{c_id}:1",
        ephemeral=True,
    )
    moved = wait_for_response(double, OWNER)
    assert _titles(moved) == ["C", "A", "B"] and "owner's order" in all_text(moved)

    slack.click(
        moved,
        "backlog.owner_menu",
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=f"down:{c_id}:1",
        ephemeral=True,
    )
    assert _titles(wait_for_response(double, OWNER, 2)) == ["A", "C", "B"]

    # A new item is slotted by its score into the owner's order.
    _seed(read, [("D", 1, 10, 10, 0)])
    assert _titles(slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json) == [
        "D",
        "A",
        "C",
        "B",
    ]

    again = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(again, "backlog.reset_order", user=OWNER, channel=TEAM_CHANNEL, ephemeral=True)
    assert _titles(wait_for_response(double, OWNER, 3)) == ["D", "A", "B", "C"]
    kinds = [e.kind for e in read(lambda s: s.query(backlog.BacklogEvent).order_by("id").all())]
    assert kinds.count(EventKind.MOVED) == 2 and EventKind.ORDER_RESET in kinds


def test_moving_past_the_top_is_explained(slack, double, read):
    set_up_team(slack)
    a_id, _ = _seed(read, [("A", 1, 9, 9, 0), ("B", 2, 9, 9, 0)])
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(
        listing,
        "backlog.owner_menu",
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=f"up:{a_id}:1",
        ephemeral=True,
    )
    answer = wait_for_response(double, OWNER)
    assert "already at the top" in all_text(answer) and answer.get("replace_original") is False


def test_forged_owner_controls_change_nothing(slack, double, read):
    set_up_team(slack)
    _, b_id = _seed(read, [("A", 1, 9, 9, 0), ("B", 2, 9, 9, 0)])
    team_id = read(lambda s: s.query(Team.id).scalar())
    actions = [
        {
            "type": "overflow",
            "action_id": "backlog.owner_menu",
            "block_id": "x",
            "selected_option": {
                "text": {"type": "plain_text", "text": "t"},
                "value": f"top:{b_id}:1",
            },
            "action_ts": "1",
        },
        {
            "type": "button",
            "action_id": "backlog.reset_order",
            "block_id": "x",
            "value": f"{team_id}:1",
            "action_ts": "1",
        },
        {
            "type": "overflow",
            "action_id": "backlog.owner_menu",
            "block_id": "x",
            "selected_option": {
                "text": {"type": "plain_text", "text": "t"},
                "value": f"edit:{b_id}:1",
            },
            "action_ts": "1",
        },
    ]
    for number, action in enumerate(actions, 1):
        slack.block_action([action], user=MEMBER, channel=TEAM_CHANNEL, ephemeral=True)
        assert "Only the marketing owner" in all_text(wait_for_response(double, MEMBER, number))
    assert _titles(slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json) == [
        "A",
        "B",
    ]
    assert (
        read(lambda s: s.query(BacklogItem).filter(BacklogItem.position.is_not(None)).count()) == 0
    )
    assert double.calls_to("views.open") == [
        c for c in double.calls_to("views.open") if c.args["view"]["callback_id"] == "team.setup"
    ]


def test_owner_edits_scores_and_the_change_is_recorded(slack, double, read):
    set_up_team(slack)
    a_id, b_id = _seed(read, [("A", 1, 9, 9, 0), ("B", 8, 1, 1, 0)])
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(
        listing,
        "backlog.owner_menu",
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=f"edit:{b_id}:1",
        ephemeral=True,
    )
    view = opened_view(double, "backlog.rescore")
    assert slack.submit(
        view, {"effort": "5", "customer_value": "12", "business_value": "1"}, user=OWNER
    ).json["errors"].keys() == {"customer_value"}
    assert (
        slack.submit(
            view, {"effort": "5", "customer_value": "10", "business_value": "10"}, user=OWNER
        ).body
        == ""
    )
    slack.settle()
    item = read(lambda s: backlog.get_item(s, b_id))
    assert (item.effort, item.customer_value, item.business_value, item.score) == (5, 10, 10, 4.0)
    refreshed = wait_for_response(double, OWNER)
    assert _titles(refreshed) == ["A", "B"] and "score 4" in all_text(refreshed)
    event = read(lambda s: [e for e in backlog.history(s, b_id) if e.kind is EventKind.RESCORED][0])
    assert event.data == {
        "before": {"effort": 8, "customer_value": 1, "business_value": 1},
        "after": {"effort": 5, "customer_value": 10, "business_value": 10},
    }


def test_owner_triages_from_the_list(slack, double, read):
    set_up_team(slack)
    (idea_id,) = _seed(read, [("Idea", None, None, None, 0)])
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(listing, "triage.accept", user=OWNER, channel=TEAM_CHANNEL, ephemeral=True)
    view = opened_view(double, "triage.accept")
    slack.submit(view, {"effort": "2", "customer_value": "4", "business_value": "4"}, user=OWNER)
    slack.settle()
    assert read(lambda s: backlog.get_item(s, idea_id)).status is ItemStatus.READY
    assert "1 item ready" in all_text(wait_for_response(double, OWNER))
