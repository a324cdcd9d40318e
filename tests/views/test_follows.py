"""Followed ideas and campaign slices, as drawn: each notice DM in every language within Slack's
limits, with hostile text escaped; the Home tab's Follow menu; the split form; where a slice
stands in the backlog."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.fields import LEARNING_MAX, SPLIT_FOLLOW_UPS, SplitField
from bot.i18n import LANGUAGES, translator
from bot.models import IdeaNotice, ItemKind, NoticeKind
from bot.models.backlog import DECLINE_REASON_MAX
from bot.services.follows import Owed
from bot.services.slices import Slice
from bot.views.follows import follow_answer, follow_menu, notice_message
from bot.views.ids import Action, Callback
from bot.views.slices import slice_text, split_modal
from tests.views.blockkit import assert_message, assert_modal, of_type
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    WORST_TITLE,
    item,
    person,
    pings,
    team,
)

NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
DATA = {
    NoticeKind.ACCEPTED: {"score": 2.5},
    NoticeKind.DECLINED: {"reason": HOSTILE},
    NoticeKind.SPLIT: {"accepted": True, "follow_ups": [13, 14]},
    NoticeKind.PLANNED: {"sprint": 4, "start": "2026-12-07", "running": False},
    NoticeKind.DONE: {"sprint": 4},
    NoticeKind.RESULT: {"result": "won", "figure": "3.4%"},
}


def owed(kind: NoticeKind, *, submitter: bool = False, title: str = HOSTILE) -> Owed:
    idea = item(
        title=title,
        kind=ItemKind.EXPERIMENT,
        kpi="Open rate",
        learning=HOSTILE,
        decline_reason=HOSTILE,
    )
    follower = person("U0FOLLOW1", 9)
    notice = IdeaNotice(id=5, item_id=idea.id, person_id=9, kind=kind, change=kind.value)
    notice.data = DATA[kind]
    return Owed(
        notice=notice,
        item=idea,
        team=team(),
        follower=follower,
        submitter=submitter,
        slices=[(13, HOSTILE), (14, WORST_TITLE)],
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_notice_fits_slack_and_escapes_what_people_typed(kind, language):
    tr = translator(language)
    for submitter in (False, True):
        link = "https://agilebot-test.slack.com/archives/C0TEAM001/p1700000000000100"
        message = notice_message(tr, owed(kind, submitter=submitter), link)
        assert_message(message)
        assert pings(message) == []
        assert HOSTILE_ESCAPED in message["text"]
        [stop] = of_type(message, "button")
        assert (stop["action_id"], stop["value"]) == (Action.UNFOLLOW, "12")
    worst = notice_message(tr, owed(kind, title=WORST_TITLE), None)
    assert_message(worst)


@pytest.mark.parametrize("kind", [NoticeKind.DECLINED, NoticeKind.RESULT])
def test_the_longest_reason_or_learning_of_escaped_characters_still_fits(kind):
    """Escaping makes "&" five characters: what a person typed is cut after it is escaped."""
    for submitter in (False, True):
        notice = owed(kind, submitter=submitter, title=WORST_TITLE)
        notice.item.decline_reason = "&" * DECLINE_REASON_MAX
        notice.item.learning = "&" * LEARNING_MAX
        notice.notice.data = {**DATA[kind], "reason": notice.item.decline_reason}
        assert_message(notice_message(translator("it"), notice, None))


def test_a_planned_notice_says_when_the_sprint_starts_in_the_readers_words():
    text = notice_message(translator("nl"), owed(NoticeKind.PLANNED), None)["text"]
    assert "sprint 4" in text and "ma 7 dec" in text


def test_the_home_menu_follows_or_stops_following_each_idea_shown():
    tr = translator("en")
    assert follow_menu(tr, []) is None
    one = follow_menu(tr, [(12, True)])
    assert one is not None and (one["type"], one["value"]) == ("button", "unfollow:12")
    many = follow_menu(tr, [(12, True), (13, False), *[(n, False) for n in range(20, 30)]])
    assert many is not None and many["action_id"] == Action.FOLLOW_MENU
    assert [o["value"] for o in many["options"]] == [
        "unfollow:12",
        "follow:13",
        "follow:20",
        "follow:21",
        "follow:22",
    ]
    assert many["options"][0]["text"]["text"] == "Stop following #12"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answers_to_follow_offer_the_way_back(language):
    tr = translator(language)
    for following, changed in ((True, True), (True, False), (False, True)):
        answer = follow_answer(tr, item(title=HOSTILE), following=following, changed=changed)
        assert_message(answer)
        assert pings(answer) == []
        [button] = of_type(answer, "button")
        assert button["action_id"] == (Action.UNFOLLOW if following else Action.FOLLOW)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_split_form_starts_from_the_item_and_fits_slack(language):
    view = split_modal(
        translator(language),
        item(title=WORST_TITLE, effort=5, customer_value=None, proposed_customer_value=4),
        metadata={"item_id": 12},
    )
    assert_modal(view)
    assert view["callback_id"] == Callback.SPLIT
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert len(inputs) == 4 * (1 + SPLIT_FOLLOW_UPS)
    title, effort, customer, business = (inputs[key] for key in SplitField.of(0))
    assert title["element"]["initial_value"] == WORST_TITLE and not title["optional"]
    assert effort["element"]["initial_option"]["value"] == "5"
    assert customer["element"]["initial_value"] == "4"
    assert business["element"]["initial_value"] == "3"
    assert all(inputs[key]["optional"] for n in (1, 2, 3) for key in SplitField.of(n))


def test_where_a_slice_stands():
    tr = translator("en")
    assert slice_text(tr, None) is None
    assert slice_text(tr, Slice(1, 3, 12)) == ":scissors: slice 1 of 3"
    assert slice_text(tr, Slice(2, 3, 12)) == ":scissors: slice 2 of 3 · follows #12"
    assert slice_text(translator("it"), Slice(2, 3, 12)) == ":scissors: parte 2 di 3 · dopo #12"
