"""Where a split puts its follow-ups: right after the first slice, in their slice order, whatever
their scores, so that `/backlog` lists a campaign in the order it goes live and `/sprint plan`
offers slice 1 before slice 2. A team in score order moves to the owner's order, everything
else where it was, as after a move; a team in the owner's order keeps it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.fields import SplitField, SprintField
from bot.models import BacklogEvent, BacklogItem, EventKind, ItemKind, Team
from bot.services import backlog
from bot.services.backlog import IdeaDraft, Move, Scores
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import (
    all_text,
    last_message,
    opened_view,
    set_up_team,
    submit_idea,
    wait_for_response,
)

FIRST, NEXT_1, NEXT_2 = (SplitField.of(n) for n in range(3))
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)


def fields(slice_fields: tuple[str, ...], title: str, effort: int, customer: int, business: int):
    values = (title, str(effort), str(customer), str(business))
    return dict(zip(slice_fields, values, strict=True))


def seed(read, specs) -> dict[str, int]:
    """Ready items from (title, effort, customer, business) tuples, by title."""

    def add(session):
        team = session.scalars(select(Team)).one()
        ids = {}
        for title, effort, customer, business in specs:
            draft = IdeaDraft(title, None, ItemKind.CONTENT, None, None, None, None)
            item = backlog.submit_idea(session, team, team.owner, draft, NOW)
            backlog.accept(session, item.id, team.owner, Scores(effort, customer, business), NOW)
            ids[title] = item.id
        return ids

    return read(add)


def titles(message: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"].split("*#")[1].split("*")[0].split(" ", 1)[1]
        for b in message["blocks"]
        if b.get("block_id", "").startswith("item:")
    ]


def listed(slack) -> dict[str, Any]:
    return slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json


def split_event(read) -> dict[str, Any]:
    return read(
        lambda s: (
            s.scalars(select(BacklogEvent).where(BacklogEvent.kind == EventKind.SPLIT)).one().data
        )
    )


def test_a_team_in_score_order_gets_the_follow_ups_right_after_the_first_slice(slack, double, read):
    set_up_team(slack)
    seed(read, [("Other", 3, 6, 6), ("Low", 8, 2, 2)])  # scores 4 and 0.5
    submit_idea(slack, user=STAKEHOLDER)
    slack.click(
        last_message(double, ADMIN_CHANNEL), Action.TRIAGE_SPLIT, user=OWNER, channel=ADMIN_CHANNEL
    )
    slack.settle()
    view = opened_view(double, Callback.SPLIT)
    # The first slice scores 1.5; its follow-ups score better, slice 3 best of all.
    values = fields(FIRST, "First slice", 8, 6, 6)
    values |= fields(NEXT_1, "Slice two", 2, 6, 6)
    values |= fields(NEXT_2, "Slice three", 1, 6, 6)
    assert slack.submit(view, values, user=OWNER).body == ""
    slack.settle()

    listing = listed(slack)
    order = ["Other", "First slice", "Slice two", "Slice three", "Low"]
    assert titles(listing) == order
    assert "owner's order" in all_text(listing)  # as after a move: the owner may reset it

    # Planning offers the top of the backlog in that order: slice 1 before slice 2.
    by_title = read(lambda s: {i.title: i.id for i in s.scalars(select(BacklogItem))})
    slack.command("/sprint", "plan", user=OWNER, channel=TEAM_CHANNEL)
    slack.settle()
    plan = opened_view(double, Callback.SPRINT_PLAN)
    offered = next(
        b["element"]["options"] for b in plan["blocks"] if b.get("block_id") == SprintField.ITEMS
    )
    assert [int(o["value"]) for o in offered] == [by_title[t] for t in order]

    # The history says where the follow-ups went, and that the order became the owner's.
    event = split_event(read)
    assert event["follow_ups"] == [by_title["Slice two"], by_title["Slice three"]]
    assert event["order_before"] == "score"
    assert event["to_ranks"] == [3, 4]

    # Resetting returns to the score order, follow-ups included.
    reset = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(reset, Action.RESET_ORDER, user=OWNER, channel=TEAM_CHANNEL, ephemeral=True)
    assert titles(wait_for_response(double, OWNER)) == [
        "Slice three",
        "Slice two",
        "Other",
        "First slice",
        "Low",
    ]


def test_a_team_in_the_owners_order_keeps_it_with_the_follow_ups_after_the_first_slice(
    slack, double, read
):
    set_up_team(slack)
    # Scores 18, 9, 6 and 0.25; the owner puts C first.
    ids = seed(read, [("A", 1, 9, 9), ("B", 2, 9, 9), ("C", 3, 9, 9), ("D", 8, 1, 1)])

    def move_c_to_top(session):
        owner = session.scalars(select(Team)).one().owner
        backlog.move(session, ids["C"], owner, Move.TOP, NOW)

    read(move_c_to_top)
    assert titles(listed(slack)) == ["C", "A", "B", "D"]

    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(
        listing,
        Action.TRIAGE_SPLIT,
        user=OWNER,
        channel=TEAM_CHANNEL,
        value=f"{ids['B']}:1",
        ephemeral=True,
    )
    slack.settle()
    view = opened_view(double, Callback.SPLIT)
    # By score, slice 2 would go to the top and slice 3 to the bottom.
    values = fields(FIRST, "B first", 2, 9, 9)
    values |= fields(NEXT_1, "B two", 1, 10, 10)
    values |= fields(NEXT_2, "B three", 8, 1, 1)
    assert slack.submit(view, values, user=OWNER).body == ""
    slack.settle()

    order = ["C", "A", "B first", "B two", "B three", "D"]
    assert titles(wait_for_response(double, OWNER)) == order  # the list it came from, redrawn
    assert titles(listed(slack)) == order
    event = split_event(read)
    assert event["order_before"] == "owner" and event["to_ranks"] == [4, 5]
    # The split moved nothing else: no item has a move in its history but C's own.
    moved = read(
        lambda s: list(
            s.scalars(select(BacklogEvent.item_id).where(BacklogEvent.kind == EventKind.MOVED))
        )
    )
    assert moved == [ids["C"]]


def test_an_idea_split_at_triage_in_the_owners_order_is_slotted_then_followed(slack, double, read):
    set_up_team(slack)
    ids = seed(read, [("A", 1, 9, 9), ("B", 3, 9, 9), ("C", 8, 1, 1)])  # 18, 6, 0.25

    def move_b_to_top(session):
        owner = session.scalars(select(Team)).one().owner
        backlog.move(session, ids["B"], owner, Move.TOP, NOW)

    read(move_b_to_top)
    submit_idea(slack, user=STAKEHOLDER)
    slack.click(
        last_message(double, ADMIN_CHANNEL), Action.TRIAGE_SPLIT, user=OWNER, channel=ADMIN_CHANNEL
    )
    slack.settle()
    view = opened_view(double, Callback.SPLIT)
    # Slice 1 (score 2) takes the slot its score earns, before C; its follow-ups come after it.
    values = fields(FIRST, "First slice", 5, 5, 5)
    values |= fields(NEXT_1, "Slice two", 1, 10, 10)
    assert slack.submit(view, values, user=OWNER).body == ""
    slack.settle()
    assert titles(listed(slack)) == ["B", "A", "First slice", "Slice two", "C"]
    assert split_event(read)["to_ranks"] == [4]
