"""Standups: the private prompt, the form, the day's thread (a parent with the team's count, a
reply per answer) and blockers in the admin channel. Participation is a team count only."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.fields import StandupField
from bot.i18n import LANGUAGES, translator
from bot.models import Blocker, StandupAnswer
from bot.models.standup import ANSWER_MAX
from bot.views.ids import Action, Callback
from bot.views.standup import (
    answer_reply,
    blocker_message,
    prompt_message,
    standup_modal,
    thread_parent,
)
from tests.views.blockkit import (
    all_text,
    assert_message,
    assert_modal,
    block_with_id,
    mrkdwn_texts,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MEMBER,
    SCRUM,
    WORST_TITLE,
    pings,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)
WEDNESDAY = dt.date(2026, 12, 9)
LONGEST = worst(ANSWER_MAX)


def answer(**fields) -> StandupAnswer:
    values = {"done": "Wrote the copy", "next": "Send it", "blockers": None, "item_ids": []}
    return StandupAnswer(**(values | fields))


@pytest.mark.parametrize(
    "language, day", [("en", "Wed 9 Dec"), ("it", "mer 9 dic"), ("nl", "wo 9 dec")], ids=LANGUAGES
)
def test_the_prompt_names_the_day_and_opens_the_form_for_it(language, day):
    tr = translator(language)
    for reminder in (False, True):
        message = prompt_message(tr, team(), WEDNESDAY, reminder=reminder)
        assert_message(message)
        assert f"Growth ({day})" in message["text"]
        answer_button = message["blocks"][0]["accessory"]
        assert (answer_button["action_id"], answer_button["value"]) == (
            Action.STANDUP_OPEN,
            "7:2026-12-09",
        )
    assert prompt_message(EN, team(), WEDNESDAY, reminder=True)["text"].startswith(
        "A friendly reminder"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_starts_from_the_answer_given_and_offers_the_sprint_items(language):
    items = [(n, f"{n:03} " + WORST_TITLE) for n in range(1, 151)]
    given = answer(done=LONGEST, next=LONGEST, blockers=LONGEST, item_ids=[2, 150, 99])
    view = standup_modal(
        translator(language), team(name="n" * 80), WEDNESDAY, answer=given, items=items
    )
    assert_modal(view)
    assert view["callback_id"] == Callback.STANDUP
    assert json.loads(view["private_metadata"]) == {"team": 7, "day": "2026-12-09"}
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        StandupField.DONE,
        StandupField.NEXT,
        StandupField.BLOCKERS,
        StandupField.ITEMS,
    ]
    for field in (StandupField.DONE, StandupField.NEXT, StandupField.BLOCKERS):
        element = block_with_id(view, field)["element"]
        assert element["initial_value"] == LONGEST and element["max_length"] == ANSWER_MAX
    chosen = block_with_id(view, StandupField.ITEMS)["element"]
    assert len(chosen["options"]) == 100
    assert [o["value"] for o in chosen["initial_options"]] == ["2", "99"]  # 150 is not offered


def test_a_first_answer_starts_empty_and_without_items_there_is_nothing_to_pick():
    view = standup_modal(NL, team(), WEDNESDAY, answer=None, items=[])
    assert_modal(view)
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        StandupField.DONE,
        StandupField.NEXT,
        StandupField.BLOCKERS,
    ]
    assert not [b for b in view["blocks"][1:] if "initial_value" in b["element"]]
    assert view["blocks"][0]["elements"][0]["text"] == "Growth · standup van wo 9 dec"


@pytest.mark.parametrize(
    "language, heading, count",
    [
        ("en", "*Standup of Wed 9 Dec* · Growth", "Answered: 3 of 5"),
        ("it", "*Standup di mer 9 dic* · Growth", "Risposte: 3 su 5"),
        ("nl", "*Standup van wo 9 dec* · Growth", "Geantwoord: 3 van 5"),
    ],
    ids=LANGUAGES,
)
def test_the_thread_parent_counts_the_team_answers_and_names_no_one(language, heading, count):
    message = thread_parent(translator(language), team(), WEDNESDAY, answered=3, asked=5)
    assert_message(message)
    assert message["text"] == f"{heading} · {count}"
    assert message["blocks"][1]["elements"][0]["text"].startswith(f"{count} · ")
    assert "<@" not in all_text(message)


def test_a_reply_shows_each_answer_given_and_whether_it_was_late():
    full = answer_reply(
        EN, MEMBER, answer(blockers="No access to the CMS"), ["Item 2", "Item 5"], late=True
    )
    assert_message(full)
    assert full["text"] == (
        f"<@{MEMBER}> · late answer\n*Done:* Wrote the copy\n*Next:* Send it\n"
        ":construction: *Blocked:* No access to the CMS\n*Items:* Item 2, Item 5"
    )
    short = answer_reply(IT, MEMBER, answer(done=None), [], late=False)
    assert short["text"] == f"<@{MEMBER}>\n*Prossimi passi:* Send it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_reply_stays_within_slacks_limits(language):
    given = answer(done=LONGEST, next=LONGEST, blockers=LONGEST)
    message = answer_reply(translator(language), MEMBER, given, [WORST_TITLE] * 30, late=True)
    assert_message(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_answer_still_shows_its_blocker_and_items_in_the_thread(language):
    tr = translator(language)
    given = answer(done="d" * ANSWER_MAX, next="n" * ANSWER_MAX, blockers="No access to the CMS")
    message = answer_reply(tr, MEMBER, given, ["Item 2"], late=False)
    assert_message(message)
    blocked = tr.gettext("*Blocked:* {text}").format(text="No access to the CMS")
    items = tr.gettext("*Items:* {items}").format(items="Item 2")
    assert f":construction: {blocked}\n{items}" in sections_text(message)
    worst = answer(done=LONGEST, next=LONGEST, blockers=LONGEST)
    assert sections_text(answer_reply(tr, MEMBER, worst, ["Item 2"], late=False)).endswith(items)


def sections_text(message) -> str:
    return "\n".join(s["text"]["text"] for s in of_type(message, "section"))


def test_a_short_answer_is_one_section():
    message = answer_reply(EN, MEMBER, answer(blockers="No access"), ["Item 2"], late=False)
    assert [s["text"]["text"] for s in of_type(message, "section")] == [message["text"]]


def test_a_new_blocker_can_be_resolved_from_its_card():
    message = blocker_message(EN, team(), Blocker(id=8, text="No access"), MEMBER)
    assert_message(message)
    assert message["text"] == f":construction: *New blocker* · Growth\n<@{MEMBER}>: No access"
    resolve = message["blocks"][0]["accessory"]
    assert (resolve["action_id"], resolve["value"], resolve["style"]) == (
        Action.BLOCKER_RESOLVE,
        "8",
        "primary",
    )
    again = blocker_message(NL, team(), Blocker(id=8, text="No access"), MEMBER, again=True)
    assert again["text"].startswith(":construction: *Nog steeds geblokkeerd na twee werkdagen* · ")
    assert again["blocks"][0]["accessory"]["value"] == "8"


def test_a_resolved_blocker_says_who_resolved_it_and_has_no_button():
    message = blocker_message(
        IT, team(), Blocker(id=8, text="No access"), MEMBER, resolved_by=SCRUM
    )
    assert_message(message)
    assert message["text"].startswith(":white_check_mark: *Impedimento risolto* · Growth\n")
    assert of_type(message, "button") == []
    assert message["blocks"][1]["elements"][0]["text"] == f"Risolto da <@{SCRUM}>."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_blocker_stays_within_slacks_limits(language):
    for resolved_by in (None, SCRUM):
        message = blocker_message(
            translator(language),
            team(name="n" * 80),
            Blocker(id=8, text=LONGEST),
            MEMBER,
            resolved_by=resolved_by,
        )
        assert_message(message)


def test_everything_people_typed_is_escaped():
    hostile_team = team(name=HOSTILE)
    given = answer(done=HOSTILE, next=HOSTILE, blockers=HOSTILE)
    payloads = [
        prompt_message(EN, hostile_team, WEDNESDAY, reminder=False),
        standup_modal(EN, hostile_team, WEDNESDAY, answer=given, items=[(1, HOSTILE)]),
        thread_parent(EN, hostile_team, WEDNESDAY, 1, 2),
        answer_reply(EN, MEMBER, given, [HOSTILE], late=False),
        blocker_message(EN, hostile_team, Blocker(id=8, text=HOSTILE), MEMBER),
        blocker_message(EN, hostile_team, Blocker(id=8, text=HOSTILE), MEMBER, resolved_by=SCRUM),
    ]
    for payload in payloads:
        assert not pings(payload)
        assert HOSTILE_ESCAPED in "\n".join(mrkdwn_texts(payload))
