"""A minimum viable campaign, end to end: the marketing owner splits an idea at triage (or an
item of the backlog) into a first slice that can go live on its own and scored follow-ups; the
backlog shows where each slice stands; the history keeps the split; the idea's followers
follow the follow-ups and hear of it; only the owner splits, and a wrong field says so on the
field, storing nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.fields import SplitField
from bot.models import BacklogEvent, BacklogItem, EventKind, IdeaFollower, ItemStatus, Team, Vote
from bot.services import backlog
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, STAKEHOLDER, TEAM_CHANNEL
from tests.scenario import (
    all_text,
    last_message,
    opened_view,
    set_up_team,
    submit_idea,
    wait_for_response,
)

FIRST, NEXT_1, NEXT_2, NEXT_3 = (SplitField.of(n) for n in range(4))
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)


def fields(slice_fields: tuple[str, ...], title: str, effort: str, customer: str, business: str):
    return dict(zip(slice_fields, (title, effort, customer, business), strict=True))


GOOD = {
    **fields(FIRST, "Offer A vs B, newsletter only", "2", "6", "7"),
    **fields(NEXT_1, "Offer A vs B on the landing page", "3", "7", "8"),
    **fields(NEXT_2, "Roll the winner out to paid social", "5", "8", "9"),
}


@pytest.fixture
def idea(slack, double, read):
    """A stakeholder's experiment idea, voted for and followed, awaiting triage."""
    set_up_team(slack)
    submit_idea(slack, user=STAKEHOLDER)
    card = next(m for m in double.messages_in(TEAM_CHANNEL) if "New idea from" in all_text(m))
    slack.click(card, Action.VOTE, user=MEMBER, channel=TEAM_CHANNEL)
    slack.click(card, Action.FOLLOW, user=ITALIAN, channel=TEAM_CHANNEL)
    slack.settle()
    return read(lambda s: s.scalars(select(BacklogItem.id)).one())


def split_form(slack, double, *, user: str = OWNER, count: int = 1) -> dict[str, Any]:
    slack.click(
        last_message(double, ADMIN_CHANNEL), Action.TRIAGE_SPLIT, user=user, channel=ADMIN_CHANNEL
    )
    slack.settle()
    return opened_view(double, Callback.SPLIT, count=count)


def items(read) -> list[BacklogItem]:
    return read(lambda s: list(s.scalars(select(BacklogItem).order_by(BacklogItem.id))))


def test_the_owner_splits_an_idea_into_a_first_slice_and_scored_follow_ups(
    slack, double, idea, read
):
    view = split_form(slack, double)
    # The form starts from the idea as it is: its title, the submitter's values.
    first_title = next(b for b in view["blocks"] if b.get("block_id") == FIRST[0])
    assert first_title["element"]["initial_value"] == "Offer A vs offer B"
    assert slack.submit(view, GOOD, user=OWNER).body == ""
    slack.settle()

    first, second, third = items(read)
    assert (first.id, first.status, first.slice_number, first.split_from_id) == (
        idea,
        ItemStatus.READY,
        1,
        None,
    )
    assert (first.title, first.effort, first.customer_value, first.business_value) == (
        "Offer A vs B, newsletter only",
        2,
        6,
        7,
    )
    assert first.score == pytest.approx(6.5) and first.vote_count == 1
    for follow_up, number, title, scores in [
        (second, 2, "Offer A vs B on the landing page", (3, 7, 8)),
        (third, 3, "Roll the winner out to paid social", (5, 8, 9)),
    ]:
        assert (follow_up.status, follow_up.split_from_id, follow_up.slice_number) == (
            ItemStatus.READY,
            idea,
            number,
        )
        assert follow_up.title == title
        assert (follow_up.effort, follow_up.customer_value, follow_up.business_value) == scores
        # Same kind of work, same hypothesis and KPI, same submitter; no votes of its own.
        assert (follow_up.kind, follow_up.hypothesis, follow_up.kpi) == (
            first.kind,
            first.hypothesis,
            first.kpi,
        )
        assert follow_up.submitter_id == first.submitter_id and follow_up.vote_count == 0
    assert read(lambda s: s.query(Vote).count()) == 1

    # The history keeps it: the first slice accepted and split, each follow-up created.
    events = read(
        lambda s: [
            (e.item_id, e.kind, e.data)
            for e in s.scalars(select(BacklogEvent).order_by(BacklogEvent.id))
        ]
    )
    split = next(data for item, kind, data in events if kind is EventKind.SPLIT)
    assert split["before"]["title"] == "Offer A vs offer B"
    assert split["before"]["status"] == "proposed"
    assert split["after"]["title"] == "Offer A vs B, newsletter only"
    assert split["follow_ups"] == [second.id, third.id]
    assert (idea, EventKind.ACCEPTED) in [(i, k) for i, k, _ in events]
    for follow_up in (second, third):
        kinds = [(k, d) for i, k, d in events if i == follow_up.id]
        assert [k for k, _ in kinds] == [EventKind.SUBMITTED, EventKind.ACCEPTED]
        assert kinds[0][1]["split_from"] == idea

    # Whoever followed the idea follows its slices, and hears of the split once.
    followers = read(lambda s: {(f.item_id, f.person_id) for f in s.scalars(select(IdeaFollower))})
    assert {item for item, _ in followers} == {first.id, second.id, third.id}
    italian = [m for m in double.messages_in(ITALIAN) if m.get("metadata")]
    assert len(italian) == 1 and f"#{second.id}" in italian[0]["text"]
    assert "first slice" not in italian[0]["text"]  # it is in Italian
    [stakeholder] = [m for m in double.messages_in(STAKEHOLDER) if m.get("metadata")]
    assert "is now the first slice of a campaign in Growth's backlog" in stakeholder["text"]
    assert "2 follow-ups" in stakeholder["text"]

    # The cards say it was split; triage is over.
    triage = last_message(double, ADMIN_CHANNEL)
    assert "first slice of a campaign" in all_text(triage)
    assert Action.TRIAGE_SPLIT not in str(triage["blocks"])

    # The backlog shows where each slice stands, and offers no second split.
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    text = all_text(listing)
    assert "slice 1 of 3" in text
    assert f"slice 2 of 3 · follows #{idea}" in text
    assert f"slice 3 of 3 · follows #{idea}" in text
    assert Action.TRIAGE_SPLIT not in json.dumps(listing)


def test_the_owner_splits_a_ready_item_from_the_backlog(slack, double, idea, read):
    def accept(session):
        team = session.get_one(Team, session.get_one(BacklogItem, idea).team_id)
        backlog.accept(session, idea, team.owner, backlog.Scores(8, 6, 6), NOW)

    read(accept)
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    slack.click(
        listing,
        Action.TRIAGE_SPLIT,
        user=OWNER,
        channel=TEAM_CHANNEL,
        value=f"{idea}:1",
        ephemeral=True,
    )
    slack.settle()
    view = opened_view(double, Callback.SPLIT)
    values = {**fields(FIRST, "Newsletter only", "3", "6", "6")}
    values |= fields(NEXT_1, "Landing page", "5", "6", "6")
    assert slack.submit(view, values, user=OWNER).body == ""
    slack.settle()
    # The list it was opened from is redrawn with the lineage.
    redrawn = wait_for_response(double, OWNER)
    assert redrawn["replace_original"] is True
    assert "slice 2 of 2" in all_text(redrawn) and "Landing page" in all_text(redrawn)
    first, second = items(read)
    assert (first.status, first.slice_number, first.effort) == (ItemStatus.READY, 1, 3)
    assert (second.split_from_id, second.slice_number) == (first.id, 2)
    split = read(
        lambda s: s.scalars(select(BacklogEvent).where(BacklogEvent.kind == EventKind.SPLIT)).one()
    )
    assert split.data["before"]["status"] == "ready" and split.data["before"]["effort"] == 8


def test_only_the_owner_splits_even_with_a_forged_form(slack, double, idea, read):
    slack.click(
        last_message(double, ADMIN_CHANNEL),
        Action.TRIAGE_SPLIT,
        user=MEMBER,
        channel=ADMIN_CHANNEL,
    )
    assert "Only the marketing owner" in all_text(wait_for_response(double, MEMBER))
    assert not [
        c for c in double.calls_to("views.open") if c.args["view"]["callback_id"] == Callback.SPLIT
    ]
    view = split_form(slack, double)  # the owner's form, submitted by someone else
    response = slack.submit(view, GOOD, user=MEMBER)
    assert "Only the marketing owner" in response.json["errors"][FIRST[0]]
    assert [i.status for i in items(read)] == [ItemStatus.PROPOSED]


def test_a_split_form_with_forged_metadata_is_refused_in_words(slack, double, idea, read, caplog):
    view = {**split_form(slack, double), "private_metadata": '{"item_id": "x"}'}
    response = slack.submit(view, GOOD, user=OWNER)
    assert response.status == 200 and "ERROR" not in caplog.text
    assert [i.status for i in items(read)] == [ItemStatus.PROPOSED]


def test_field_errors_show_on_their_fields_and_store_nothing(slack, double, idea, read):
    view = split_form(slack, double)
    cases = [
        # No follow-up at all: a split needs one.
        (fields(FIRST, "Newsletter only", "2", "6", "7"), {NEXT_1[0]}),
        # The first slice needs a title, and an effort from the scale.
        ({**GOOD, FIRST[0]: "  ", FIRST[1]: "4"}, {FIRST[0], FIRST[1]}),
        # A follow-up begun needs its title and its three scores.
        ({**GOOD, NEXT_3[0]: "Retargeting"}, {NEXT_3[1], NEXT_3[2], NEXT_3[3]}),
        ({**GOOD, NEXT_3[2]: "5"}, {NEXT_3[0], NEXT_3[1], NEXT_3[3]}),
        ({**GOOD, NEXT_1[2]: "11"}, {NEXT_1[2]}),
        ({**GOOD, NEXT_2[0]: "x" * 151}, {NEXT_2[0]}),
    ]
    for values, wrong in cases:
        answer = slack.submit(view, values, user=OWNER).json
        assert answer.get("response_action") == "errors", values
        assert set(answer["errors"]) == wrong, values
    assert "Give this follow-up a title" in answer_for(slack, view, {**GOOD, NEXT_3[2]: "5"})
    assert [(i.status, i.slice_number) for i in items(read)] == [(ItemStatus.PROPOSED, None)]


def answer_for(slack, view, values) -> str:
    return json.dumps(slack.submit(view, values, user=OWNER).json["errors"])


def test_a_slice_is_not_split_again(slack, double, idea, read):
    view = split_form(slack, double)
    assert slack.submit(view, GOOD, user=OWNER).body == ""
    slack.settle()
    again = slack.submit(view, GOOD, user=OWNER).json  # the same form, submitted twice
    assert "already slice 1 of a campaign" in again["errors"][FIRST[0]]
    assert len(items(read)) == 3
