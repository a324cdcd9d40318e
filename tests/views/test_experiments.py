"""An experiment's result: the owner's request after the showcase, the form that records won,
lost or inconclusive, and what is said once it is recorded (privately and in the showcase
thread), with the one click that turns a learning into an idea."""

from __future__ import annotations

import json

import pytest

from bot.fields import LEARNING_MAX, ResultField
from bot.i18n import LANGUAGES, translator
from bot.models import ExperimentResult
from bot.models.backlog import KPI_MAX
from bot.views.experiments import (
    result_in_thread,
    result_modal,
    result_recorded,
    result_request,
)
from bot.views.ids import Action, Callback
from tests.views.blockkit import (
    assert_message,
    assert_modal,
    block_with_id,
    mrkdwn_texts,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    WORST_TITLE,
    experiment,
    pings,
    sprint,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)


def recorded(**fields):
    values = {"result": ExperimentResult.WON, "result_figure": "31%", "learning": "Emoji works"}
    return experiment(**(values | fields))


def test_the_owner_is_asked_for_each_finished_experiment():
    message = result_request(EN, team(), sprint(), [experiment(21), experiment(22, kpi=None)])
    assert_message(message)
    assert message["text"].startswith("Sprint 4 of Growth finished these experiments.")
    for item_id, kpi in ((21, "KPI: Open rate"), (22, "KPI: –")):
        block = block_with_id(message, f"experiment:{item_id}")
        assert block["text"]["text"].endswith(f"\n{kpi}")
        record = block["accessory"]
        assert (record["action_id"], record["value"]) == (Action.EXPERIMENT_RESULT, str(item_id))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_request_stays_within_slacks_limits(language):
    many = [experiment(n, title=WORST_TITLE, kpi=WORST_TITLE) for n in range(1, 61)]
    assert_message(result_request(translator(language), team(name="n" * 80), sprint(), many))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_form_starts_from_what_was_recorded(language):
    tr = translator(language)
    item = recorded(
        result=ExperimentResult.LOST,
        result_figure="f" * KPI_MAX,
        learning="l" * LEARNING_MAX,
        title=WORST_TITLE,
        hypothesis=WORST_TITLE * 3,
        kpi=WORST_TITLE,
    )
    view = result_modal(tr, item)
    assert_modal(view)
    assert view["callback_id"] == Callback.EXPERIMENT_RESULT
    assert json.loads(view["private_metadata"]) == {"item": 21}
    result = block_with_id(view, ResultField.RESULT)["element"]
    assert [o["value"] for o in result["options"]] == [r.value for r in ExperimentResult]
    assert result["initial_option"]["value"] == "lost"
    assert block_with_id(view, ResultField.FIGURE)["element"]["initial_value"] == "f" * KPI_MAX
    assert (
        block_with_id(view, ResultField.LEARNING)["element"]["initial_value"] == "l" * LEARNING_MAX
    )
    assert block_with_id(view, ResultField.LEARNING)["optional"] is True


def test_a_first_result_form_is_empty_and_names_the_kpi():
    view = result_modal(NL, experiment())
    assert_modal(view)
    assert "initial_option" not in block_with_id(view, ResultField.RESULT)["element"]
    assert "initial_value" not in block_with_id(view, ResultField.FIGURE)["element"]
    assert block_with_id(view, ResultField.FIGURE)["label"]["text"] == "KPI-waarde (Open rate)"


@pytest.mark.parametrize(
    "language, said",
    [
        ("en", "Recorded for *Subject line with an emoji*: :trophy: won (Open rate: 31%)."),
        ("it", "Registrato per *Subject line with an emoji*: :trophy: vinto (Open rate: 31%)."),
        ("nl", "Vastgelegd voor *Subject line with an emoji*: :trophy: gewonnen (Open rate: 31%)."),
    ],
    ids=LANGUAGES,
)
def test_a_recorded_result_offers_to_turn_the_learning_into_an_idea(language, said):
    tr = translator(language)
    message = result_recorded(tr, recorded())
    assert_message(message)
    assert message["text"] == said
    learning = message["blocks"][1]
    assert learning["text"]["text"] == tr.gettext("*Learning:* {learning}").format(
        learning="Emoji works"
    )
    to_idea = learning["accessory"]
    assert (to_idea["action_id"], to_idea["value"]) == (Action.LEARNING_TO_IDEA, "21")


def test_without_a_learning_there_is_nothing_to_turn_into_an_idea():
    message = result_recorded(
        EN, recorded(result=ExperimentResult.INCONCLUSIVE, result_figure=None, learning=None)
    )
    assert (
        message["text"]
        == "Recorded for *Subject line with an emoji*: :grey_question: inconclusive."
    )
    # No learning to turn into an idea; the decision and a variant are still offered, and
    # what did not win is not scaled.
    assert [b["action_id"] for b in of_type(message, "button")] == [
        Action.EXPERIMENT_STOP,
        Action.EXPERIMENT_CONTINUE,
        Action.EXPERIMENT_VARIANT,
    ]


def test_the_showcase_thread_hears_the_result_and_the_learning():
    message = result_in_thread(IT, recorded(result=ExperimentResult.LOST))
    assert_message(message)
    assert message["text"].startswith(
        "Esperimento *Subject line with an emoji*: :x: perso (Open rate: 31%).\n"
    )
    assert message["text"].endswith("Emoji works")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_result_stays_within_slacks_limits(language):
    tr = translator(language)
    item = recorded(
        title=WORST_TITLE,
        kpi=WORST_TITLE,
        result_figure=WORST_TITLE,
        learning=worst(LEARNING_MAX),
    )
    assert_message(result_recorded(tr, item))
    assert_message(result_in_thread(tr, item))


def test_everything_people_typed_is_escaped():
    item = recorded(
        title=HOSTILE, kpi=HOSTILE, result_figure=HOSTILE, learning=HOSTILE, hypothesis=HOSTILE
    )
    payloads = [
        result_request(EN, team(name=HOSTILE), sprint(), [item]),
        result_modal(EN, item),
        result_recorded(EN, item),
        result_in_thread(EN, item),
    ]
    for payload in payloads:
        assert not pings(payload)
        assert HOSTILE_ESCAPED in "\n".join(mrkdwn_texts(payload))
