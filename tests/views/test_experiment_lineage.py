"""Experiments that lead somewhere, as drawn: the owner's decision (stop, continue, scale) in
the result form and on the result's message, each said in plain words; the variant form, the
idea form prefilled from its parent; and an experiment's lineage (its parent with its result
and decision, its variants) in the backlog, the showcase and the result, within Slack's limits
and with what people typed escaped."""

from __future__ import annotations

import json

import pytest

from bot.fields import IdeaField, ResultField
from bot.i18n import LANGUAGES, translator
from bot.models import (
    Activity,
    ExperimentDecision,
    ExperimentResult,
    ItemKind,
    ItemStatus,
    WorkState,
)
from bot.models.backlog import TITLE_MAX
from bot.services.experiments import Lineage, Relative
from bot.views.backlog import backlog_message
from bot.views.experiments import (
    decision_in_thread,
    lineage_lines,
    result_in_thread,
    result_modal,
    result_recorded,
    variant_modal,
)
from bot.views.ideas import idea_card, triage_card
from bot.views.ids import Action, Callback
from bot.views.sprint import showcase_message
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
    WORST_TITLE,
    closed,
    entry,
    experiment,
    pings,
    team,
)
from tests.views.test_backlog import backlog_page

EN, IT, NL = (translator(language) for language in LANGUAGES)
WON = {"result": ExperimentResult.WON, "result_figure": "31%", "learning": "Emoji works"}


def parent(**fields) -> Relative:
    values = {
        "id": 12,
        "title": "Offer A vs offer B",
        "result": ExperimentResult.WON,
        "decision": ExperimentDecision.CONTINUE,
    }
    return Relative(**(values | fields))


def variants(*ids: int) -> tuple[Relative, ...]:
    return tuple(Relative(n, f"Variant {n}", None, None) for n in ids)


def test_the_result_form_asks_what_now_in_plain_words_and_remembers_it():
    view = result_modal(EN, experiment(**WON, decision=ExperimentDecision.SCALE))
    assert_modal(view)
    block = block_with_id(view, ResultField.DECISION)
    assert block["optional"] is True  # the owner may decide later
    options = block["element"]["options"]
    assert [o["value"] for o in options] == ["stop", "continue", "scale"]
    assert [o["description"]["text"] for o in options] == [
        "No more time or budget goes into it.",
        "Keep testing it, as it is or with a variant.",
        "It worked: give it more reach, budget or channels.",
    ]
    assert block["element"]["initial_option"]["value"] == "scale"
    assert (
        "initial_option"
        not in block_with_id(result_modal(EN, experiment()), "experiment_decision")["element"]
    )


@pytest.mark.parametrize(
    "result, offered",
    [
        (ExperimentResult.WON, ["stop", "continue", "scale"]),
        (ExperimentResult.LOST, ["stop", "continue"]),
        (ExperimentResult.INCONCLUSIVE, ["stop", "continue"]),
    ],
)
def test_the_result_message_offers_the_decisions_its_result_allows(result, offered):
    message = result_recorded(EN, experiment(**(WON | {"result": result})))
    assert_message(message)
    decide = block_with_id(message, "decide:21")["elements"]
    assert [b["action_id"].rsplit(".", 1)[-1] for b in decide[:-1]] == offered
    assert all(b["value"] == "21" and "style" not in b for b in decide[:-1])
    assert (decide[-1]["action_id"], decide[-1]["value"]) == (Action.EXPERIMENT_VARIANT, "21")
    assert "*Decision:* not made yet. Stop, continue or scale?" in all_text(message)
    # What each choice means, said under the buttons.
    assert "*Stop*: No more time or budget goes into it." in all_text(message)


def test_the_decision_made_shows_on_the_result_and_in_the_thread():
    item = experiment(**WON, decision=ExperimentDecision.SCALE)
    message = result_recorded(EN, item)
    scale = next(b for b in of_type(message, "button") if b["action_id"] == Action.EXPERIMENT_SCALE)
    assert scale["style"] == "primary"
    said = "*Decision:* Scale. It worked: give it more reach, budget or channels."
    assert said in all_text(message)
    assert result_in_thread(EN, item)["text"].endswith(said)
    changed = decision_in_thread(IT, item, ExperimentDecision.CONTINUE)
    assert_message(changed)
    assert changed["text"].startswith(
        "Decisione su *Subject line with an emoji* cambiata da Continuare a Scalare."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_variant_form_is_the_idea_form_prefilled_from_its_parent(language):
    tr = translator(language)
    source = experiment(
        title=WORST_TITLE,
        description="Two offers on the spring newsletter.",
        hypothesis="Offer B doubles clicks",
        kpi="Click-through",
        activity=Activity.OUTREACH,
        **WON,
    )
    view = variant_modal(tr, source, team(), {"result": ["D0OWNER01", "1700000000.000100"]})
    assert_modal(view)
    assert view["callback_id"] == Callback.EXPERIMENT_VARIANT
    assert json.loads(view["private_metadata"]) == {
        "result": ["D0OWNER01", "1700000000.000100"],
        "parent": 21,
    }
    title = block_with_id(view, IdeaField.TITLE)["element"]["initial_value"]
    assert len(title) == TITLE_MAX and title.startswith(tr.gettext("Variant: {title}")[:6])
    assert block_with_id(view, IdeaField.KIND)["element"]["initial_option"]["value"] == "experiment"
    assert block_with_id(view, IdeaField.HYPOTHESIS)["element"]["initial_value"] == (
        "Offer B doubles clicks"
    )
    assert block_with_id(view, IdeaField.KPI)["element"]["initial_value"] == "Click-through"
    assert block_with_id(view, IdeaField.DESCRIPTION)["element"]["initial_value"] == (
        "Two offers on the spring newsletter."
    )
    # The same part of the team's work as its parent, to start with.
    chosen = block_with_id(view, IdeaField.ACTIVITY)["element"]["initial_option"]
    assert chosen["value"] == Activity.OUTREACH.value


def test_lineage_says_the_parent_its_result_and_decision_and_the_variants():
    lines = lineage_lines(EN, Lineage(parent(), variants(15, 16)))
    assert lines == [
        ":arrow_right_hook: Variant of #12 Offer A vs offer B (won, decision: Continue)",
        ":twisted_rightwards_arrows: Variants: #15, #16",
    ]
    nl = lineage_lines(NL, Lineage(parent(result=None, decision=None), variants(*range(1, 13))))
    assert nl[0] == ":arrow_right_hook: Variant van #12 Offer A vs offer B"
    assert nl[1].endswith("#9, #10, …")


def test_the_backlog_shows_lineage_and_offers_the_owner_a_variant_of_an_experiment():
    shown = [experiment(12, status=ItemStatus.READY), experiment(15, variant_of_id=12)]
    lineage = {
        12: Lineage(None, variants(15)),
        15: Lineage(parent(decision=ExperimentDecision.STOP), ()),
    }
    message = backlog_message(
        EN, backlog_page(shown), viewer_is_owner=True, voted=set(), lineage=lineage
    )
    assert_message(message)
    assert block_with_id(message, "item:12")["text"]["text"].endswith("Variant: #15")
    assert block_with_id(message, "item:15")["text"]["text"].endswith(
        "Variant of #12 Offer A vs offer B (won, decision: Stop)"
    )
    menu = block_with_id(message, "owner:12")["elements"][0]["options"]
    assert menu[-1]["value"] == "variant:12:2"
    campaign = backlog_message(
        EN, backlog_page(), viewer_is_owner=True, voted=set(), lineage=lineage
    )
    assert "variant" not in json.dumps(block_with_id(campaign, "owner:1"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fullest_backlog_page_with_lineage_stays_within_slacks_limits(language):
    shown = [experiment(n, title=WORST_TITLE, variant_of_id=99) for n in range(1, 11)]
    relatives = Lineage(parent(title=WORST_TITLE), variants(*range(100, 140)))
    lineage = {n: relatives for n in range(1, 11)}
    message = backlog_message(
        translator(language),
        backlog_page(shown),
        viewer_is_owner=True,
        voted=set(),
        lineage=lineage,
    )
    assert_message(message)


def test_the_cards_of_a_variant_name_its_parent():
    variant = experiment(15, variant_of_id=12, status=ItemStatus.PROPOSED)
    for card in (
        triage_card(EN, variant, team(), "U0OWNER01"),
        idea_card(EN, variant, "U0OWNER01"),
    ):
        assert "Variant of experiment #12" in all_text(card)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_showcase_shows_each_experiments_lineage_within_slacks_limits(language):
    done = [
        entry(
            n,
            kind=ItemKind.EXPERIMENT,
            title=WORST_TITLE,
            state=WorkState.DONE,
            result="won",
            result_figure=WORST_TITLE,
            kpi=WORST_TITLE,
            decision="scale",
            variant_of_id=9,
        )
        for n in range(1, 61)
    ]
    relatives = Lineage(parent(title=WORST_TITLE), variants(*range(100, 140)))
    lineage = {n: relatives for n in range(1, 61)}
    message = showcase_message(translator(language), closed(done, []), "a" * 1000, (), lineage)
    assert_message(message)


def test_the_showcase_says_a_variants_parent_and_its_decision():
    variant = entry(15, kind=ItemKind.EXPERIMENT, state=WorkState.DONE, variant_of_id=12)
    message = showcase_message(EN, closed([variant], []), "alt", (), {15: Lineage(parent(), ())})
    assert "Variant of #12 Offer A vs offer B (won, decision: Continue)" in all_text(message)


def test_what_people_typed_is_escaped_in_lineage_and_the_variant_form():
    hostile = experiment(title=HOSTILE, hypothesis=HOSTILE, kpi=HOSTILE, **WON)
    relatives = Lineage(parent(title=HOSTILE), variants(15))
    payloads = [
        result_recorded(EN, hostile, relatives),
        decision_in_thread(EN, experiment(title=HOSTILE, decision=ExperimentDecision.STOP), None),
        variant_modal(EN, hostile, team(), {}),
        showcase_message(
            EN,
            closed([entry(1, kind=ItemKind.EXPERIMENT, state=WorkState.DONE)], []),
            "alt",
            (),
            {1: relatives},
        ),
    ]
    for payload in payloads:
        assert not pings(payload)
        assert HOSTILE_ESCAPED in "\n".join(mrkdwn_texts(payload))
