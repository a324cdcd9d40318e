"""The retrospective in the team channel: nothing about the items while they are collected,
every item (in the order given, shuffled by the service) with a Vote button while voting, the
ranked results and actions at the close; authors only when the team chose named items. The
note form and its confirmation, the health check's form and results, and the team's focus."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from bot.fields import RetroField
from bot.i18n import LANGUAGES, translator
from bot.models import RetroColumn, RetroState
from bot.models.retro import RETRO_ITEM_MAX, HealthStatement
from bot.services.retros import Health, Noted, Ranked
from bot.views.ids import Action, Callback
from bot.views.retro import (
    VOTE_ITEMS_PER_PAGE,
    health_blocks,
    health_modal,
    health_thanks_modal,
    item_modal,
    milestone_message,
    note_modal,
    note_removed_modal,
    noted_modal,
    retro_message,
    statement_text,
)
from tests.slack_double.block_kit import check_view
from tests.views.blockkit import (
    all_text,
    assert_message,
    assert_modal,
    block_with_id,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MEMBER,
    pings,
    retro,
    retro_action,
    retro_item,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)
WORKED, DID_NOT, TRY = RetroColumn
WHEN = "Mon 21 Dec 17:00"
LONGEST = worst(RETRO_ITEM_MAX)


def message(
    state=RetroState.VOTING,
    items=(),
    *,
    named=False,
    ranked=None,
    actions=(),
    earlier=(),
    authors=None,
    page=1,
    tr=EN,
    **team_fields,
):
    return retro_message(
        tr,
        team(**team_fields),
        retro(state, named=named),
        items=list(items),
        ranked=ranked,
        actions=list(actions),
        earlier_actions=list(earlier),
        authors=authors or {},
        local_time=WHEN,
        page=page,
    )


def shuffled(count: int) -> list:
    """Items in the service's shuffled order: ids not ascending, columns interleaved."""
    ids = sorted(range(1, count + 1), key=lambda n: (n * 7919) % 1009)
    return [retro_item(n, list(RetroColumn)[n % 3]) for n in ids]


def voted_ids(payload) -> list[int]:
    return [
        int(b["value"]) for b in of_type(payload, "button") if b["action_id"] == Action.RETRO_VOTE
    ]


def ranked_of(items, votes=lambda item: item.id % 4):
    ranked = {c: [] for c in RetroColumn}
    for item in items:
        ranked[item.column].append(Ranked(item, votes(item)))
    for column in ranked:
        ranked[column].sort(key=lambda r: -r.votes)
    return ranked


# --- collecting ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_while_collecting_nothing_about_the_items_is_shown(language):
    tr = translator(language)
    payload = message(RetroState.COLLECTING, shuffled(7), tr=tr)
    assert_message(payload)
    add = payload["blocks"][1]["accessory"]
    assert (add["action_id"], add["value"], add["style"]) == (Action.RETRO_ADD, "5", "primary")
    assert WHEN in payload["blocks"][1]["text"]["text"]
    text = all_text(payload)
    assert "Note" not in text and not re.search(r"\b7\b", text)  # no item, nor how many
    assert (
        tr.gettext("Items are anonymous: nobody can see who wrote what, admins included.") in text
    )


def test_a_named_retrospective_says_so_while_collecting():
    assert "Items show who wrote them." in all_text(message(RetroState.COLLECTING, named=True))


# --- voting --------------------------------------------------------------------------------


def test_voting_shows_every_item_by_column_in_the_order_given():
    items = shuffled(9)
    payload = message(RetroState.VOTING, items)
    assert_message(payload)
    expected = [i.id for column in RetroColumn for i in items if i.column is column]
    assert voted_ids(payload) == expected
    headings = [c["elements"][0]["text"] for c in of_type(payload, "context")[1:]]
    assert headings == [
        ":sunny: *What worked*",
        ":cloud: *What did not*",
        ":seedling: *What to try*",
    ]
    assert (
        block_with_id(payload, f"retro_item:{items[0].id}")["text"]["text"] == f"Note {items[0].id}"
    )
    assert "Tallies stay hidden until voting closes Mon 21 Dec 17:00." in all_text(payload)


def test_a_long_vote_is_paged_and_every_item_is_on_exactly_one_page():
    items = shuffled(100)
    pages = [message(RetroState.VOTING, items, page=n) for n in (1, 2, 3)]
    seen = [i for p in pages for i in voted_ids(p)]
    assert sorted(seen) == list(range(1, 101))
    assert [len(voted_ids(p)) for p in pages] == [VOTE_ITEMS_PER_PAGE, VOTE_ITEMS_PER_PAGE, 20]
    navs = [
        [(b["action_id"], b["value"]) for b in block_with_id(p, "retro_pages")["elements"]]
        for p in pages
    ]
    assert navs == [
        [(Action.RETRO_PAGE_NEXT, "5:2")],
        [(Action.RETRO_PAGE_PREVIOUS, "5:1"), (Action.RETRO_PAGE_NEXT, "5:3")],
        [(Action.RETRO_PAGE_PREVIOUS, "5:2")],
    ]
    assert voted_ids(message(RetroState.VOTING, items, page=99)) == voted_ids(pages[2])


def test_an_anonymous_item_names_no_one_and_a_named_one_its_author():
    anonymous = [retro_item(1, WORKED), retro_item(2, TRY)]
    payload = message(RetroState.VOTING, anonymous, authors={1: MEMBER, 2: MEMBER})
    assert "<@" not in all_text(payload)
    named = [retro_item(1, WORKED, author_id=9), retro_item(2, TRY)]
    payload = message(RetroState.VOTING, named, named=True, authors={9: MEMBER})
    assert block_with_id(payload, "retro_item:1")["text"]["text"] == f"Note 1 · <@{MEMBER}>"
    assert block_with_id(payload, "retro_item:2")["text"]["text"] == "Note 2"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fullest_voting_page_stays_within_slacks_limits(language):
    items = [retro_item(n, list(RetroColumn)[n % 3], LONGEST, author_id=9) for n in range(1, 121)]
    earlier = [retro_action(n, LONGEST, backlog_item_id=n % 2 or None) for n in range(1, 12)]
    for page in (1, 3):  # the first and the last; the middle one is below
        payload = message(
            RetroState.VOTING,
            items,
            named=True,
            earlier=earlier,
            authors={9: MEMBER},
            page=page,
            tr=translator(language),
            name="n" * 80,
        )
        assert_message(payload)


def test_a_middle_voting_page_is_one_slack_accepts():
    payload = message(RetroState.VOTING, shuffled(100), page=2)
    assert_message(payload)
    buttons = block_with_id(payload, "retro_pages")["elements"]
    assert all(Action.RETRO_PAGE.match(b["action_id"]) for b in buttons)


def listed_actions(payload) -> list[str]:
    return [
        b["block_id"]
        for b in payload["blocks"]
        if b.get("block_id", "").startswith("retro_action:")
    ]


def test_a_full_voting_page_still_lists_every_earlier_action():
    earlier = [retro_action(n) for n in range(1, 9)]
    payload = message(RetroState.VOTING, shuffled(100), earlier=earlier)
    assert_message(payload)
    assert listed_actions(payload) == [f"retro_action:{n}" for n in range(1, 9)]


@pytest.mark.parametrize(
    "language, more",
    [("en", "…and 3 more actions."), ("it", "…e altre 3 azioni."), ("nl", "…en nog 3 acties.")],
    ids=LANGUAGES,
)
def test_earlier_actions_past_eight_are_counted_and_every_item_still_gets_a_page(language, more):
    items = shuffled(100)
    earlier = [retro_action(n) for n in range(1, 12)]
    pages = [
        message(RetroState.VOTING, items, earlier=earlier, page=n, tr=translator(language))
        for n in range(1, 4)
    ]
    for payload in pages:
        assert_message(payload)
        assert listed_actions(payload) == [f"retro_action:{n}" for n in range(1, 9)]
        assert payload["blocks"][-1]["elements"][0]["text"] == more
    assert sorted(i for p in pages for i in voted_ids(p)) == list(range(1, 101))


# --- results -------------------------------------------------------------------------------


def test_results_rank_each_column_by_votes_and_list_the_actions():
    items = [retro_item(1, WORKED), retro_item(2, WORKED, author_id=9), retro_item(3, TRY)]
    ranked = {
        WORKED: [Ranked(items[1], 3), Ranked(items[0], 1)],
        DID_NOT: [],
        TRY: [Ranked(items[2], 2)],
    }
    actions = [
        retro_action(7, "Fewer meetings", backlog_item_id=44),
        retro_action(8, "Pair on copy"),
    ]
    payload = message(
        RetroState.CLOSED,
        items,
        named=True,
        ranked=ranked,
        actions=actions,
        earlier=[retro_action(1)],
        authors={9: MEMBER},
    )
    assert_message(payload)
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert sections[1:4] == [
        f":sunny: *What worked*\n3 · Note 2 · <@{MEMBER}>\n1 · Note 1",
        ":seedling: *What to try*\n2 · Note 3",
        "*Actions for the next sprint*",
    ]
    menu = block_with_id(payload, "retro_action:7")
    assert menu["text"]["text"] == ":seedling: Fewer meetings · idea #44"
    assert menu["accessory"]["action_id"] == Action.RETRO_ACTION_MENU
    assert [o["value"] for o in menu["accessory"]["options"]] == ["done:7", "backlog:7", "focus:7"]
    assert "retro_action:1" not in {b.get("block_id") for b in payload["blocks"]}
    assert voted_ids(payload) == []


def test_a_done_action_has_nothing_left_to_choose():
    done = retro_action(1, done_at=dt.datetime(2026, 12, 10, tzinfo=dt.UTC))
    payload = message(RetroState.COLLECTING, earlier=[done, retro_action(2)], tr=IT)
    block = block_with_id(payload, "retro_action:1")
    assert block["text"]["text"] == f":seedling: Action 1 · :white_check_mark: {IT.gettext('done')}"
    assert "accessory" not in block
    assert "accessory" in block_with_id(payload, "retro_action:2")


def test_results_without_a_voted_try_item_say_there_are_no_actions():
    items = [retro_item(1, WORKED)]
    payload = message(RetroState.CLOSED, items, ranked=ranked_of(items))
    assert 'No "try" item got a vote: no actions this time.' in all_text(payload)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_biggest_results_stay_within_slacks_limits(language):
    items = [retro_item(n, list(RetroColumn)[n % 3], LONGEST, author_id=9) for n in range(1, 121)]
    actions = [retro_action(n, LONGEST) for n in range(1, 15)]
    payload = message(
        RetroState.CLOSED,
        items,
        named=True,
        ranked=ranked_of(items),
        actions=actions,
        earlier=actions,
        authors={9: MEMBER},
        tr=translator(language),
    )
    assert_message(payload)


def test_everything_people_typed_is_escaped():
    items = [retro_item(1, WORKED, HOSTILE), retro_item(2, TRY, HOSTILE)]
    actions = [retro_action(3, HOSTILE)]
    for state in RetroState:
        payload = message(
            state, items, ranked=ranked_of(items), actions=actions, earlier=actions, name=HOSTILE
        )
        assert not pings(payload)
        assert payload["text"] == f"Retrospective · {HOSTILE_ESCAPED}"
        assert f":seedling: {HOSTILE_ESCAPED}" in all_text(payload)


# --- the item form and the milestones ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_item_form_says_whether_the_name_is_kept(language):
    tr = translator(language)
    for named, note in (
        (False, "Anonymous: your name is not stored with the item."),
        (True, "Named: your name is shown with the item."),
    ):
        view = item_modal(tr, retro(named=named))
        assert_modal(view)
        assert view["callback_id"] == Callback.RETRO_ITEM
        assert json.loads(view["private_metadata"]) == {"retro": 5}
        assert [b.get("block_id") for b in view["blocks"][:2]] == [
            RetroField.COLUMN,
            RetroField.ITEM,
        ]
        column = view["blocks"][0]["element"]
        assert [o["value"] for o in column["options"]] == [c.value for c in RetroColumn]
        assert view["blocks"][1]["element"]["max_length"] == RETRO_ITEM_MAX
        assert view["blocks"][2]["elements"][0]["text"] == tr.gettext(note)


@pytest.mark.parametrize(
    "language, five, one",
    [
        (
            "en",
            "Voting is open in the retrospective of Growth: 5 notes, 3 votes each, until {when}.",
            "Voting is open in the retrospective of Growth: 1 note, 1 vote each, until {when}.",
        ),
        (
            "it",
            "Il voto è aperto nella retrospettiva di Growth: 5 note, 3 voti a testa. Chiusura del "
            "voto: {when}.",
            "Il voto è aperto nella retrospettiva di Growth: 1 nota, 1 voto a testa. Chiusura del "
            "voto: {when}.",
        ),
        (
            "nl",
            "Het stemmen is open in de retrospective van Growth: 5 retropunten, 3 stemmen per "
            "persoon, tot {when}.",
            "Het stemmen is open in de retrospective van Growth: 1 retropunt, 1 stem per persoon, "
            "tot {when}.",
        ),
    ],
    ids=LANGUAGES,
)
def test_voting_opens_with_the_votes_each_member_has(language, five, one, monkeypatch):
    tr = translator(language)
    opened = milestone_message(
        tr, team(), retro(RetroState.VOTING), items=5, actions=0, local_time=WHEN
    )
    assert opened["text"] == ":ballot_box_with_ballot: " + five.format(when=WHEN)
    monkeypatch.setattr("bot.views.retro.VOTES_PER_MEMBER", 1)
    alone = milestone_message(
        tr, team(), retro(RetroState.VOTING), items=1, actions=0, local_time=WHEN
    )
    assert alone["text"] == ":ballot_box_with_ballot: " + one.format(when=WHEN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_milestones_tell_the_channel_when_voting_opens_and_when_results_are_in(language):
    tr = translator(language)
    opened = milestone_message(
        tr, team(name=HOSTILE), retro(RetroState.VOTING), items=5, actions=0, local_time=WHEN
    )
    assert_message(opened)
    assert opened["text"].startswith(":ballot_box_with_ballot: ")
    assert "5" in opened["text"] and WHEN in opened["text"] and HOSTILE_ESCAPED in opened["text"]
    results = milestone_message(
        tr, team(), retro(RetroState.CLOSED), items=5, actions=1, local_time=WHEN
    )
    assert_message(results)
    assert results["text"].startswith(":bar_chart: ") and " 1 " in results["text"]


# --- notes, the team's health and its focus --------------------------------------------------


def assert_notice(view) -> None:
    """A modal that only tells (a confirmation): no inputs, so no submit button, which Slack
    allows; checked against Slack's rules as the double applies them."""
    problems: list[str] = []
    check_view(problems, "views.update", view, expected="modal")
    assert not problems, problems
    assert "submit" not in view and not [b for b in view["blocks"] if b["type"] == "input"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_note_form_takes_the_items_fields_and_says_whether_the_name_is_kept(language):
    tr = translator(language)
    for named, privacy in (
        (
            False,
            "Anonymous: your name is not stored with the note. Nobody sees it until the "
            "retrospective's items are shown for the vote.",
        ),
        (
            True,
            "Named: the note will show your name. Nobody sees it until the retrospective's "
            "items are shown for the vote.",
        ),
    ):
        view = note_modal(tr, team(name=HOSTILE, retro_named=named), LONGEST)
        assert_modal(view)
        assert not pings(view)
        assert view["callback_id"] == Callback.RETRO_NOTE
        assert json.loads(view["private_metadata"]) == {"team": 7}
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        assert [b["block_id"] for b in inputs] == [RetroField.COLUMN, RetroField.ITEM]
        assert inputs[1]["element"]["initial_value"] == LONGEST
        assert view["blocks"][-1]["elements"][0]["text"] == tr.gettext(privacy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notes_confirmation_shows_it_and_offers_its_removal_while_it_waits(language):
    tr = translator(language)
    waiting = Noted(team(name=HOSTILE), named=False, note_id=12, removal_key="k3y")
    view = noted_modal(tr, waiting, RetroColumn.TRY, LONGEST)
    assert_notice(view)
    assert not pings(view)
    assert "submit" not in view and view["callback_id"] == Callback.RETRO_NOTED
    (remove,) = [b for b in of_type(view, "button") if b["action_id"] == Action.RETRO_NOTE_REMOVE]
    assert remove["value"] == "12:k3y" and remove["style"] == "danger" and "confirm" in remove
    assert tr.gettext(
        "Nothing ties this note to you, so once you close this window nobody can remove "
        "it, you included."
    ) in all_text(view)
    # Straight into the collecting retrospective: an item now, nothing left to remove.
    into_open = noted_modal(tr, Noted(team(), named=False, into_open=True), RetroColumn.TRY, "x")
    assert_notice(into_open)
    assert of_type(into_open, "button") == []
    removed = note_removed_modal(tr)
    assert_notice(removed)
    assert tr.gettext("Note removed: nothing of it is kept.") in all_text(removed)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_health_form_asks_each_statement_from_one_to_five(language):
    tr = translator(language)
    view = health_modal(tr, team(name=HOSTILE), retro(RetroState.VOTING, health=True))
    assert_modal(view)
    assert not pings(view)
    assert json.loads(view["private_metadata"]) == {"retro": 5}
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [
        RetroField.HEALTH_PREFIX + s.value for s in HealthStatement
    ]
    assert [b["label"]["text"] for b in inputs] == [statement_text(tr, s) for s in HealthStatement]
    for block in inputs:
        assert not block.get("optional")
        assert [o["value"] for o in block["element"]["options"]] == ["1", "2", "3", "4", "5"]
    assert_notice(health_thanks_modal(tr))


def test_the_retro_offers_the_health_check_only_while_open_and_only_if_on():
    for state in (RetroState.COLLECTING, RetroState.VOTING):
        with_check = retro_message(
            EN,
            team(),
            retro(state, health=True),
            items=[],
            ranked=None,
            actions=[],
            earlier_actions=[],
            authors={},
            local_time=WHEN,
        )
        assert block_with_id(with_check, "retro_health")["accessory"]["value"] == "5"
        assert "retro_health" not in {b.get("block_id") for b in message(state)["blocks"]}


def test_a_full_voting_page_with_the_health_check_stays_within_slacks_blocks():
    payload = retro_message(
        EN,
        team(),
        retro(RetroState.VOTING, health=True),
        items=shuffled(100),
        ranked=None,
        actions=[],
        earlier_actions=[retro_action(n) for n in range(1, 12)],
        authors={},
        local_time=WHEN,
    )
    assert_message(payload)
    assert len(payload["blocks"]) <= 50


@pytest.mark.parametrize("language", LANGUAGES)
def test_health_results_are_averages_from_three_answers_else_how_many_answered(language):
    tr = translator(language)
    few = health_blocks(tr, Health(2, None))
    assert tr.ngettext(
        "{n} person rated the team's health: the averages are shown from {min} answers.",
        "{n} people rated the team's health: the averages are shown from {min} answers.",
        2,
    ).format(n=2, min=3) in all_text({"blocks": few})
    averages = dict.fromkeys(HealthStatement, 3.0) | {HealthStatement.PACE: 2.5}
    shown = all_text({"blocks": health_blocks(tr, Health(3, averages))})
    pace = "2.5" if language == "en" else "2,5"
    assert f"*{pace}* · {statement_text(tr, HealthStatement.PACE)}" in shown


def test_the_results_offer_the_focus_and_mark_it_and_the_next_retro_asks_it_first():
    chosen = retro_action(8, "Pair on copy", focus=True)
    results = message(
        RetroState.CLOSED,
        ranked={c: [] for c in RetroColumn},
        actions=[retro_action(7, "Fewer meetings"), chosen],
    )
    assert_message(results)
    first = block_with_id(results, "retro_action:7")
    assert "focus:7" in [o["value"] for o in first["accessory"]["options"]]
    focus = block_with_id(results, "retro_action:8")
    assert focus["text"]["text"] == ":dart: Pair on copy · *the team's focus*"
    assert "focus:8" not in [o["value"] for o in focus["accessory"]["options"]]
    # At the next retrospective (the service lists the focus first): marked, no focus option.
    later = message(RetroState.COLLECTING, earlier=[chosen, retro_action(9)])
    listed = [b["block_id"] for b in later["blocks"] if b.get("block_id", "").startswith("retro_")]
    assert listed[:2] == ["retro_action:8", "retro_action:9"]
    assert block_with_id(later, "retro_action:8")["text"]["text"].startswith(":dart: ")
    menus = [o["options"] for o in of_type(later, "overflow")]
    assert all(not o["value"].startswith("focus:") for options in menus for o in options)
