"""`/backlog`: one page of the ordered backlog, with votes for everyone and the owner's controls,
within Slack's limits on the fullest page."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, translator
from bot.models import ItemStatus
from bot.services.backlog import PAGE_SIZE, BacklogPage
from bot.views.backlog import backlog_message
from bot.views.ids import Action
from tests.views.blockkit import (
    assert_message,
    block_with_id,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    WORST_TITLE,
    experiment,
    item,
    pings,
    team,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)


def backlog_page(
    items=None, page: int = 2, pages: int = 3, manually_ordered: bool = True, **team_fields
) -> BacklogPage:
    shown = (
        [item(1, vote_count=4), item(2, status=ItemStatus.PROPOSED, score=None)]
        if items is None
        else items
    )
    return BacklogPage(
        team=team(**team_fields),
        items=shown,
        page=page,
        pages=pages,
        ready_count=21,
        proposed_count=1,
        first_rank=11,
        manually_ordered=manually_ordered,
    )


def nav(message) -> list[tuple[str, str]]:
    return [(b["action_id"], b["value"]) for b in block_with_id(message, "backlog_nav")["elements"]]


@pytest.mark.parametrize(
    "language, summary",
    [
        ("en", "21 items ready · 1 idea awaiting triage · page 2 of 3"),
        ("it", "21 elementi pronti · 1 idea da valutare · pagina 2 di 3"),
        ("nl", "21 items geaccepteerd · 1 idee wacht op beoordeling · pagina 2 van 3"),
    ],
    ids=LANGUAGES,
)
def test_the_page_says_how_much_is_ready_and_awaiting_triage(language, summary):
    message = backlog_message(
        translator(language), backlog_page(), viewer_is_owner=False, voted=set()
    )
    assert_message(message)
    assert message["blocks"][0]["text"]["text"].endswith(f": backlog*\n{summary}")
    assert message["text"] == f"Growth: {summary}"


def test_ready_items_are_ranked_and_ideas_awaiting_triage_are_not():
    message = backlog_message(EN, backlog_page(), viewer_is_owner=False, voted=set())
    first, second = (block_with_id(message, f"item:{n}")["text"]["text"] for n in (1, 2))
    assert first.startswith("11. :mega: *#1 Offer A vs offer B*\nCampaign · Ready · score 1.67")
    assert second.startswith("• :mega: *#2 Offer A vs offer B*\nCampaign · Awaiting triage")


def test_each_item_has_a_vote_button_that_remembers_the_page_and_the_viewers_vote():
    message = backlog_message(IT, backlog_page(), viewer_is_owner=False, voted={1})
    voted, not_yet = (block_with_id(message, f"item:{n}")["accessory"] for n in (1, 2))
    assert (voted["action_id"], voted["value"], voted["style"]) == (Action.VOTE, "1:2", "primary")
    assert voted["text"]["text"] == ":+1: Votato (4)"
    assert (not_yet["value"], not_yet["text"]["text"]) == ("2:2", ":+1: Vota (0)")
    assert "style" not in not_yet


def test_paging_buttons_point_to_the_neighbouring_pages():
    middle = backlog_message(EN, backlog_page(page=2, pages=3), viewer_is_owner=False, voted=set())
    assert nav(middle) == [
        (Action.PAGE_PREVIOUS, "7:1"),
        (Action.PAGE_NEXT, "7:3"),
        (Action.PAGE_REFRESH, "7:2"),
    ]
    only = backlog_message(EN, backlog_page(page=1, pages=1), viewer_is_owner=False, voted=set())
    assert nav(only) == [(Action.PAGE_REFRESH, "7:1")]
    assert all(Action.PAGE_ANY.match(action) for action, _ in nav(middle))


def test_the_owner_triages_ideas_and_moves_ready_items_from_the_page():
    message = backlog_message(EN, backlog_page(), viewer_is_owner=True, voted=set())
    menu = block_with_id(message, "owner:1")["elements"][0]
    assert menu["action_id"] == Action.OWNER_MENU
    assert [o["value"] for o in menu["options"]] == ["top:1:2", "up:1:2", "down:1:2", "edit:1:2"]
    split = block_with_id(message, "owner:1")["elements"][1]
    assert (split["action_id"], split["value"]) == (Action.TRIAGE_SPLIT, "1:2")
    triage = block_with_id(message, "owner:2")["elements"]
    assert [(b["action_id"], b["value"]) for b in triage] == [
        (Action.TRIAGE_ACCEPT, "2:2"),
        (Action.TRIAGE_DECLINE, "2:2"),
        (Action.TRIAGE_SPLIT, "2:2"),  # a minimum viable campaign
    ]
    reset = block_with_id(message, "backlog_nav")["elements"][-1]
    assert (reset["action_id"], reset["value"]) == (Action.RESET_ORDER, "7:2")
    assert reset["confirm"]["title"]["text"] == "Reset the order?"


def test_others_see_no_owner_controls_and_score_order_has_nothing_to_reset():
    viewer = backlog_message(EN, backlog_page(), viewer_is_owner=False, voted=set())
    assert not [b for b in viewer["blocks"] if b.get("block_id", "").startswith("owner:")]
    assert Action.RESET_ORDER not in {a for a, _ in nav(viewer)}
    by_score = backlog_message(
        EN, backlog_page(manually_ordered=False), viewer_is_owner=True, voted=set()
    )
    assert Action.RESET_ORDER not in {a for a, _ in nav(by_score)}
    assert by_score["blocks"][1]["elements"][0]["text"].startswith("Ordered by score = (customer")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fullest_page_stays_within_slacks_limits(language):
    """A full page of the longest experiments, seen by the owner: every block Slack allows."""
    items = [
        experiment(
            n,
            title=WORST_TITLE,
            vote_count=10**6,
            status=ItemStatus.READY if n % 2 else ItemStatus.PROPOSED,
        )
        for n in range(123_456, 123_456 + PAGE_SIZE)
    ]
    page = backlog_page(items, page=5000, pages=9999, name="n" * 80)
    message = backlog_message(translator(language), page, viewer_is_owner=True, voted={123_456})
    assert_message(message)
    assert len(of_type(message, "overflow")) == PAGE_SIZE // 2


def test_an_empty_backlog_points_to_idea():
    message = backlog_message(
        NL, backlog_page([], page=1, pages=1), viewer_is_owner=True, voted=set()
    )
    assert_message(message)
    assert "`/idea`" in message["blocks"][3]["text"]["text"]


def test_team_names_and_titles_are_escaped():
    page = backlog_page([item(1, title=HOSTILE)], name=HOSTILE)
    message = backlog_message(EN, page, viewer_is_owner=True, voted=set())
    assert not pings(message)
    assert message["blocks"][0]["text"]["text"].startswith(f"*{HOSTILE_ESCAPED}: backlog*")
    assert f"*#1 {HOSTILE_ESCAPED}*" in block_with_id(message, "item:1")["text"]["text"]
