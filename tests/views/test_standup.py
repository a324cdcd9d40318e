"""Standups: the private prompt, the form with the team's questions, the day's thread (a parent
with the team's count, a reply per answer under its questions), blockers in the admin channel,
the scrum master's set-up form and the week at a glance. Participation is a team count only."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.fields import NO_BLOCKER_QUESTION, StandupField, StandupSetupField
from bot.i18n import LANGUAGES, translator
from bot.models import Blocker, Preset, QuestionKind, StandupAnswer
from bot.models.standup import ANSWER_MAX, QUESTION_MAX
from bot.services.standups import (
    DEFAULT_SET,
    CurrentSetup,
    Question,
    QuestionSet,
    Week,
    WeekBlocker,
    WeekDay,
)
from bot.views.ids import Action, Callback
from bot.views.standup import (
    answer_reply,
    blocker_message,
    prompt_message,
    standup_modal,
    standup_setup_modal,
    thread_parent,
    week_message,
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
    person,
    pings,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)
WEDNESDAY = dt.date(2026, 12, 9)
LONGEST = worst(ANSWER_MAX)
# The scrum master's own questions: two of their words, a preset kept, their blocker question.
OWN = QuestionSet(
    42,
    (
        Question(QuestionKind.TEXT, text="What did a customer tell you?"),
        Question(QuestionKind.TEXT, Preset.NEXT),
        Question(QuestionKind.BLOCKER, text="Do you need help from anyone?"),
        Question(QuestionKind.TEXT, text=HOSTILE),
    ),
)


def answer(*replies, item_ids=(), question_set_id=None) -> StandupAnswer:
    given = list(replies) or ["Wrote the copy", "Send it", None]
    return StandupAnswer(replies=given, item_ids=list(item_ids), question_set_id=question_set_id)


def reply(tr, questions, replies, titles=(), late=False):
    return answer_reply(tr, MEMBER, questions, list(replies), list(titles), late)


@pytest.mark.parametrize(
    "language, day", [("en", "Wed 9 Dec"), ("it", "mer 9 dic"), ("nl", "wo 9 dec")], ids=LANGUAGES
)
def test_the_prompt_names_the_day_and_opens_the_form_for_it(language, day):
    tr = translator(language)
    for reminder in (False, True):
        for weekly in (False, True):
            message = prompt_message(tr, team(), WEDNESDAY, reminder=reminder, weekly=weekly)
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


def test_the_prompt_says_how_many_questions_and_a_weekly_check_in_says_so():
    one = prompt_message(EN, team(), WEDNESDAY, reminder=False, questions=1, weekly=True)
    assert one["text"] == "Good morning! Time for your weekly check-in for Growth (Wed 9 Dec)."
    assert one["blocks"][1]["elements"][0]["text"].startswith("One question;")
    five = prompt_message(IT, team(), WEDNESDAY, reminder=True, questions=5)
    assert "5 domande" in all_text(five)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_starts_from_the_answer_given_and_offers_the_sprint_items(language):
    items = [(n, f"{n:03} " + WORST_TITLE) for n in range(1, 151)]
    given = answer(LONGEST, LONGEST, LONGEST, item_ids=[2, 150, 99])
    view = standup_modal(
        translator(language),
        team(name="n" * 80),
        WEDNESDAY,
        questions=DEFAULT_SET,
        answer=given,
        items=items,
    )
    assert_modal(view)
    assert view["callback_id"] == Callback.STANDUP
    assert json.loads(view["private_metadata"]) == {
        "team": 7,
        "day": "2026-12-09",
        "questions": None,
    }
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        StandupField.DONE,
        StandupField.NEXT,
        StandupField.BLOCKED,
        StandupField.BLOCKERS,
        StandupField.ITEMS,
    ]
    for field in (StandupField.DONE, StandupField.NEXT, StandupField.BLOCKERS):
        element = block_with_id(view, field)["element"]
        assert element["initial_value"] == LONGEST and element["max_length"] == ANSWER_MAX
    said = block_with_id(view, StandupField.BLOCKED)["element"]
    assert said["type"] == "radio_buttons" and said["initial_option"]["value"] == StandupField.YES
    chosen = block_with_id(view, StandupField.ITEMS)["element"]
    assert len(chosen["options"]) == 100
    assert [o["value"] for o in chosen["initial_options"]] == ["2", "99"]  # 150 is not offered


def test_a_first_answer_starts_empty_and_without_items_there_is_nothing_to_pick():
    view = standup_modal(NL, team(), WEDNESDAY, questions=DEFAULT_SET, answer=None, items=[])
    assert_modal(view)
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        StandupField.DONE,
        StandupField.NEXT,
        StandupField.BLOCKED,
        StandupField.BLOCKERS,
    ]
    texts = [b for b in view["blocks"][1:] if b["element"]["type"] == "plain_text_input"]
    assert not [b for b in texts if "initial_value" in b["element"]]
    said = block_with_id(view, StandupField.BLOCKED)["element"]
    assert said["initial_option"]["value"] == StandupField.NO  # nothing blocks, to start with
    assert view["blocks"][0]["elements"][0]["text"] == "Growth · standup van wo 9 dec"
    assert view["title"]["text"] == NL.gettext("Daily standup")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_asks_the_teams_own_questions_as_written_and_the_presets_in_the_readers_words(
    language,
):
    tr = translator(language)
    view = standup_modal(tr, team(), WEDNESDAY, questions=OWN, answer=None, items=[], weekly=True)
    assert_modal(view)
    assert json.loads(view["private_metadata"])["questions"] == 42
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:3] == [
        "What did a customer tell you?",  # as the scrum master wrote it, in every language
        tr.gettext("What I will do next"),
        "Do you need help from anyone?",
    ]
    assert labels[4] == HOSTILE  # plain text: shown as typed, pings no one
    assert [b.get("block_id") for b in view["blocks"][1:]] == [
        "standup_q1",
        StandupField.NEXT,
        StandupField.BLOCKED,
        StandupField.BLOCKERS,
        "standup_q4",
    ]
    assert view["title"]["text"] == tr.gettext("Weekly check-in")


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
    weekly = thread_parent(EN, team(), WEDNESDAY, 3, 5, weekly=True)
    assert weekly["text"].startswith("*Weekly check-in of Wed 9 Dec* · Growth")


def test_a_reply_shows_each_answer_given_and_whether_it_was_late():
    full = reply(
        EN,
        DEFAULT_SET,
        ["Wrote the copy", "Send it", "No access to the CMS"],
        ["Item 2", "Item 5"],
        late=True,
    )
    assert_message(full)
    assert full["text"] == (
        f"<@{MEMBER}> · late answer\n*Done:* Wrote the copy\n*Next:* Send it\n"
        ":construction: *Blocked:* No access to the CMS\n*Items:* Item 2, Item 5"
    )
    short = reply(IT, DEFAULT_SET, [None, "Send it", None])
    assert short["text"] == f"<@{MEMBER}>\n*Prossimi passi:* Send it"


def test_a_reply_to_the_teams_own_questions_shows_each_under_its_question():
    message = reply(NL, OWN, ["A lot", "Ads", "Legal", HOSTILE])
    assert_message(message)
    assert message["text"] == (
        f"<@{MEMBER}>\n*What did a customer tell you?* A lot\n*Hierna:* Ads\n"
        f":construction: *Do you need help from anyone?* Legal\n*{HOSTILE_ESCAPED}* "
        + HOSTILE_ESCAPED
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_reply_stays_within_slacks_limits(language):
    message = reply(translator(language), OWN, [LONGEST] * 4, [WORST_TITLE] * 30, late=True)
    assert_message(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_answer_still_shows_its_blocker_and_items_in_the_thread(language):
    tr = translator(language)
    given = ["d" * ANSWER_MAX, "n" * ANSWER_MAX, "No access to the CMS"]
    message = reply(tr, DEFAULT_SET, given, ["Item 2"])
    assert_message(message)
    blocked = tr.gettext("*Blocked:* {text}").format(text="No access to the CMS")
    items = tr.gettext("*Items:* {items}").format(items="Item 2")
    assert f":construction: {blocked}\n{items}" in sections_text(message)
    worst_reply = reply(tr, DEFAULT_SET, [LONGEST] * 3, ["Item 2"])
    assert sections_text(worst_reply).endswith(items)


def sections_text(message) -> str:
    return "\n".join(s["text"]["text"] for s in of_type(message, "section"))


def test_a_short_answer_is_one_section():
    message = reply(EN, DEFAULT_SET, ["Wrote the copy", "Send it", "No access"], ["Item 2"])
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


# --- the scrum master's set-up ---------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_set_up_form_shows_the_questions_days_and_who_is_asked(language):
    tr = translator(language)
    current = CurrentSetup(DEFAULT_SET, 0b0010101, [person(MEMBER, 3), person(SCRUM, 2)])
    view = standup_setup_modal(tr, team(), current)
    assert_modal(view)
    assert view["callback_id"] == Callback.STANDUP_SETUP
    assert json.loads(view["private_metadata"]) == {"team": 7}
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [
        *(StandupSetupField.QUESTION.format(n=n) for n in range(1, 6)),
        StandupSetupField.BLOCKER_QUESTION,
        StandupSetupField.DAYS,
        StandupSetupField.ASKED,
    ]
    questions = [inputs[StandupSetupField.QUESTION.format(n=n)]["element"] for n in range(1, 6)]
    # The presets in the reader's words; two empty places for more.
    assert [q.get("initial_value") for q in questions] == [
        tr.gettext("What I finished since last time"),
        tr.gettext("What I will do next"),
        tr.gettext("Anything blocking me"),
        None,
        None,
    ]
    assert all(q["max_length"] == QUESTION_MAX for q in questions)
    blocker = inputs[StandupSetupField.BLOCKER_QUESTION]["element"]
    assert blocker["initial_option"]["value"] == "3"
    assert blocker["options"][0]["value"] == NO_BLOCKER_QUESTION
    days = inputs[StandupSetupField.DAYS]["element"]
    assert [o["value"] for o in days["initial_options"]] == ["0", "2", "4"]
    assert inputs[StandupSetupField.ASKED]["element"]["initial_users"] == [MEMBER, SCRUM]


def test_the_set_up_form_of_own_questions_keeps_them_as_written():
    current = CurrentSetup(OWN, 0b0001000, [])
    view = standup_setup_modal(IT, team(name=HOSTILE), current)
    assert_modal(view)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["standup_question_1"]["element"]["initial_value"] == (
        "What did a customer tell you?"
    )
    assert inputs["standup_question_2"]["element"]["initial_value"] == IT.gettext(
        "What I will do next"
    )
    assert inputs[StandupSetupField.BLOCKER_QUESTION]["element"]["initial_option"]["value"] == "3"
    assert "initial_users" not in inputs[StandupSetupField.ASKED]["element"]
    assert not pings(view)


# --- the week at a glance --------------------------------------------------------------------


def a_week(**fields) -> Week:
    monday = dt.date(2026, 12, 7)
    values = {
        "team": team(),
        "monday": monday,
        "today": monday + dt.timedelta(days=2),
        "weekly": False,
        "standup_days": 0b0010101,
        "days": [
            WeekDay(monday, None, 4, 6, True, False),
            WeekDay(monday + dt.timedelta(days=2), None, 2, 6, False, False),
            WeekDay(monday + dt.timedelta(days=4), None, 0, 0, False, True),
        ],
        "blockers": [
            WeekBlocker(MEMBER, "Waiting for legal", monday, monday + dt.timedelta(days=1)),
            WeekBlocker(SCRUM, HOSTILE, monday + dt.timedelta(days=2), None),
        ],
    }
    return Week(**(values | fields))


def test_the_week_counts_each_day_and_the_blockers_and_ranks_no_one():
    message = week_message(EN, a_week())
    assert_message(message)
    text = all_text(message)
    assert "*Growth* · standups of the week of Mon 7 Dec" in text
    assert "• *Mon 7 Dec* · Answered: 4 of 6 · you answered" in text
    assert "• *Wed 9 Dec* · Answered: 2 of 6 so far · not answered by you" in text
    assert "• *Fri 11 Dec* · to come" in text
    assert "*Blockers:* 2 raised, 1 resolved this week" in text
    assert (
        f":white_check_mark: <@{MEMBER}>: Waiting for legal (raised Mon 7 Dec) · resolved Tue 8 Dec"
        in text
    )
    assert f":construction: <@{SCRUM}>: {HOSTILE_ESCAPED} (raised Wed 9 Dec)" in text
    assert not pings(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_week_stays_within_slacks_limits(language):
    monday = dt.date(2026, 12, 7)
    many = [WeekBlocker(MEMBER, LONGEST, monday, None) for _ in range(40)]
    holiday = WeekDay(monday, "n" * 80, 0, 0, False, False)
    message = week_message(
        translator(language), a_week(team=team(name="n" * 80), blockers=many, days=[holiday])
    )
    assert_message(message)
    assert "40" in all_text(message) and "30" in all_text(message)  # raised, and more not shown
    empty = week_message(translator(language), a_week(days=[], blockers=[], weekly=True))
    assert_message(empty)


def test_everything_people_typed_is_escaped():
    hostile_team = team(name=HOSTILE)
    given = answer(HOSTILE, HOSTILE, HOSTILE)
    payloads = [
        prompt_message(EN, hostile_team, WEDNESDAY, reminder=False),
        standup_modal(
            EN, hostile_team, WEDNESDAY, questions=DEFAULT_SET, answer=given, items=[(1, HOSTILE)]
        ),
        thread_parent(EN, hostile_team, WEDNESDAY, 1, 2),
        reply(EN, DEFAULT_SET, [HOSTILE] * 3, [HOSTILE]),
        blocker_message(EN, hostile_team, Blocker(id=8, text=HOSTILE), MEMBER),
        blocker_message(EN, hostile_team, Blocker(id=8, text=HOSTILE), MEMBER, resolved_by=SCRUM),
        week_message(EN, a_week(team=hostile_team)),
    ]
    for payload in payloads:
        assert not pings(payload)
        assert HOSTILE_ESCAPED in "\n".join(mrkdwn_texts(payload))
