"""An experiment's result: the owner's private request after the showcase, the modal that
records won, lost or inconclusive with the KPI's figure, the learning and the decision (stop,
continue or scale), the follow-up that turns a learning into a new idea in one click, the
variant form (the idea form, prefilled from its parent), and an experiment's lineage (its
parent, its variants, their decisions) as the backlog, the showcase and the result show it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.fields import LEARNING_MAX, IdeaField, ResultField
from bot.i18n import Translator
from bot.models import BacklogItem, ExperimentDecision, ExperimentResult, Sprint, Team
from bot.models.backlog import KPI_MAX, TITLE_MAX
from bot.services.activities import key_of
from bot.services.experiments import Lineage, Relative
from bot.views.ideas import idea_modal
from bot.views.ids import Action, Callback
from bot.views.text import (
    PLAIN_OPTION_MAX,
    button,
    context,
    esc,
    option,
    plain,
    result_text,
    section,
    truncate,
)

DECISION_ACTIONS = {
    ExperimentDecision.STOP: Action.EXPERIMENT_STOP,
    ExperimentDecision.CONTINUE: Action.EXPERIMENT_CONTINUE,
    ExperimentDecision.SCALE: Action.EXPERIMENT_SCALE,
}
LINEAGE_TITLE_MAX = 60  # of a parent's title in a lineage line
VARIANTS_SHOWN = 10  # numbers a lineage line lists; "…" says there are more


def decision_label(tr: Translator, decision: ExperimentDecision) -> str:
    return {
        ExperimentDecision.STOP: tr.gettext("Stop"),
        ExperimentDecision.CONTINUE: tr.gettext("Continue"),
        ExperimentDecision.SCALE: tr.gettext("Scale"),
    }[decision]


def decision_meaning(tr: Translator, decision: ExperimentDecision) -> str:
    """What each decision means, in plain words, wherever the owner makes it."""
    return {
        ExperimentDecision.STOP: tr.gettext("No more time or budget goes into it."),
        ExperimentDecision.CONTINUE: tr.gettext("Keep testing it, as it is or with a variant."),
        ExperimentDecision.SCALE: tr.gettext("It worked: give it more reach, budget or channels."),
    }[decision]


def decisions_for(result: ExperimentResult | None) -> list[ExperimentDecision]:
    """The decisions a result allows: only what won is scaled (bot.services.experiments)."""
    return [
        d
        for d in ExperimentDecision
        if d is not ExperimentDecision.SCALE or result is ExperimentResult.WON
    ]


def result_word(tr: Translator, result: ExperimentResult) -> str:
    return {
        ExperimentResult.WON: tr.gettext("won"),
        ExperimentResult.LOST: tr.gettext("lost"),
        ExperimentResult.INCONCLUSIVE: tr.gettext("inconclusive"),
    }[result]


def result_request(
    tr: Translator, team: Team, sprint: Sprint, items: Sequence[BacklogItem]
) -> dict[str, Any]:
    # Translators: {number} is the sprint's number; {team} is the team's name.
    intro = tr.gettext(
        "Sprint {number} of {team} finished these experiments. What did each one show? "
        "The result goes into the showcase thread, and a learning can become a new idea."
    ).format(number=sprint.number, team=esc(team.name))
    blocks: list[dict[str, Any]] = [section(intro)]
    for item in items[:45]:
        blocks.append(
            section(
                f":test_tube: *{esc(item.title)}*\n"
                # Translators: {kpi} is the experiment's KPI, as a person typed it.
                + tr.gettext("KPI: {kpi}").format(kpi=esc(item.kpi or "–")),
                accessory=button(
                    tr.gettext("Record the result…"),
                    Action.EXPERIMENT_RESULT,
                    str(item.id),
                    style="primary",
                ),
                block_id=f"experiment:{item.id}",
            )
        )
    return {"text": intro, "blocks": blocks}


def result_modal(tr: Translator, item: BacklogItem) -> dict[str, Any]:
    options = [
        option(tr.gettext("Won: the hypothesis held"), ExperimentResult.WON.value),
        option(tr.gettext("Lost: the hypothesis did not hold"), ExperimentResult.LOST.value),
        option(tr.gettext("Inconclusive"), ExperimentResult.INCONCLUSIVE.value),
    ]
    result: dict[str, Any] = {"type": "radio_buttons", "action_id": "value", "options": options}
    if item.result is not None:
        result["initial_option"] = next(o for o in options if o["value"] == item.result.value)
    figure: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": KPI_MAX,
    }
    if item.result_figure:
        figure["initial_value"] = item.result_figure
    learning: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": LEARNING_MAX,
    }
    if item.learning:
        learning["initial_value"] = item.learning
    return {
        "type": "modal",
        "callback_id": Callback.EXPERIMENT_RESULT,
        "title": plain(tr.gettext("Experiment result"), 24),
        "submit": plain(tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps({"item": item.id}),
        "blocks": [
            section(
                f":test_tube: *{esc(item.title)}*\n"
                # Translators: {hypothesis} is the experiment's hypothesis, as a person typed it.
                + tr.gettext("*Hypothesis:* {hypothesis}").format(
                    hypothesis=esc(item.hypothesis or "–")
                )
            ),
            {
                "type": "input",
                "block_id": ResultField.RESULT,
                "label": plain(tr.gettext("Result")),
                "element": result,
            },
            {
                "type": "input",
                "block_id": ResultField.FIGURE,
                # Translators: {kpi} is the experiment's KPI, as a person typed it.
                "label": plain(tr.gettext("KPI value ({kpi})").format(kpi=item.kpi or "KPI"), 2000),
                "element": figure,
                "hint": plain(
                    tr.gettext("The number that judged it, e.g. a click-through rate of 3.4%")
                ),
            },
            {
                "type": "input",
                "block_id": ResultField.LEARNING,
                "optional": True,
                "label": plain(tr.gettext("What we learned")),
                "element": learning,
            },
            _decision_input(tr, item),
        ],
    }


def _decision_input(tr: Translator, item: BacklogItem) -> dict[str, Any]:
    """Stop, continue or scale, each said in plain words; optional: the owner may decide
    later, from the result's message."""
    options = [
        {
            **option(decision_label(tr, d), d.value),
            "description": plain(decision_meaning(tr, d), PLAIN_OPTION_MAX),
        }
        for d in ExperimentDecision
    ]
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": "value", "options": options}
    if item.decision is not None:
        element["initial_option"] = next(o for o in options if o["value"] == item.decision.value)
    return {
        "type": "input",
        "block_id": ResultField.DECISION,
        "optional": True,
        "label": plain(tr.gettext("What now?")),
        "element": element,
        "hint": plain(tr.gettext("Only an experiment that won is scaled. You can decide later.")),
    }


def result_recorded(
    tr: Translator, item: BacklogItem, lineage: Lineage | None = None
) -> dict[str, Any]:
    """The owner's private message once a result is recorded: the learning to turn into an
    idea, the decision to make or change, a variant to start, and the experiment's lineage."""
    # Translators: {title} is a backlog item's title, as a person typed it; {result} is a lowercase
    # word, "won", "lost" or "inconclusive" (already translated), maybe followed by the KPI's value
    # in brackets.
    text = tr.gettext("Recorded for *{title}*: {result}.").format(
        title=esc(item.title),
        result=result_text(tr, item.result.value, item.result_figure, item.kpi),  # type: ignore[union-attr]
    )
    blocks: list[dict[str, Any]] = [section(":white_check_mark: " + text)]
    if item.learning:
        blocks.append(
            section(
                # Translators: {learning} is what the experiment taught, as a person typed it.
                tr.gettext("*Learning:* {learning}").format(learning=esc(item.learning)),
                accessory=button(
                    tr.gettext("Turn into an idea"), Action.LEARNING_TO_IDEA, str(item.id)
                ),
            )
        )
        blocks.append(
            context(tr.gettext("The idea goes to triage like any other, with the learning."))
        )
    blocks.append(section(decision_line(tr, item.decision)))
    allowed = decisions_for(item.result)
    blocks.append(
        {
            "type": "actions",
            "block_id": f"decide:{item.id}",
            "elements": [
                button(
                    decision_label(tr, d),
                    DECISION_ACTIONS[d],
                    str(item.id),
                    style="primary" if d is item.decision else None,
                )
                for d in allowed
            ]
            + [button(tr.gettext("Start a variant…"), Action.EXPERIMENT_VARIANT, str(item.id))],
        }
    )
    blocks.append(
        context(*[f"*{decision_label(tr, d)}*: {decision_meaning(tr, d)}" for d in allowed])
    )
    if lineage is not None:
        blocks.append(context("\n".join(lineage_lines(tr, lineage))))
    return {"text": text, "blocks": blocks}


def decision_line(tr: Translator, decision: ExperimentDecision | None) -> str:
    if decision is None:
        return tr.gettext("*Decision:* not made yet. Stop, continue or scale?")
    # Translators: {decision} is "Stop", "Continue" or "Scale" (already translated); {meaning}
    # says what it means, in a sentence.
    return tr.gettext("*Decision:* {decision}. {meaning}").format(
        decision=decision_label(tr, decision), meaning=decision_meaning(tr, decision)
    )


def result_in_thread(tr: Translator, item: BacklogItem) -> dict[str, Any]:
    # Translators: {title} is a backlog item's title, as a person typed it; {result} is a lowercase
    # word, "won", "lost" or "inconclusive" (already translated), maybe followed by the KPI's value
    # in brackets.
    text = tr.gettext("Experiment *{title}*: {result}.").format(
        title=esc(item.title),
        result=result_text(tr, item.result.value, item.result_figure, item.kpi),  # type: ignore[union-attr]
    )
    if item.learning:
        # Translators: {learning} is what the experiment taught, as a person typed it.
        text += "\n" + tr.gettext("*Learning:* {learning}").format(learning=esc(item.learning))
    if item.decision is not None:
        text += "\n" + decision_line(tr, item.decision)
    return {"text": text, "blocks": [section(":test_tube: " + text)]}


def decision_in_thread(
    tr: Translator, item: BacklogItem, previous: ExperimentDecision | None
) -> dict[str, Any]:
    """A decision made or changed after the result: in the showcase's thread too."""
    decision = item.decision
    assert decision is not None  # posted once decided
    if previous is None:
        # Translators: {title} is the experiment's title, as a person typed it; {decision} is
        # "Stop", "Continue" or "Scale" (already translated).
        text = tr.gettext("Decision on *{title}*: {decision}.")
    else:
        # Translators: {title} is the experiment's title, as a person typed it; {previous} and
        # {decision} are each "Stop", "Continue" or "Scale" (already translated).
        text = tr.gettext("Decision on *{title}* changed from {previous} to {decision}.")
    text = text.format(
        title=esc(item.title),
        decision=decision_label(tr, decision),
        previous=decision_label(tr, previous) if previous else "",
    )
    text += " " + decision_meaning(tr, decision)
    return {"text": text, "blocks": [section(":compass: " + text)]}


# --- variants --------------------------------------------------------------------------------


def variant_modal(
    tr: Translator, parent: BacklogItem, team: Team, metadata: dict[str, Any], **form: Any
) -> dict[str, Any]:
    """The idea form (`form`: what else it takes, such as the team's activities), prefilled
    from the parent experiment for the owner to change what the variant tests; `metadata` says
    where it was opened from, to redraw it once submitted."""
    view = idea_modal(
        tr, title=None, teams=[], team_id=team.id, channel_id=None, activity=key_of(parent), **form
    )
    # Translators: {title} is the parent experiment's title, as a person typed it.
    title = tr.gettext("Variant: {title}").format(title=parent.title)
    _prefill(
        view,
        {
            IdeaField.TITLE: title[:TITLE_MAX],
            IdeaField.DESCRIPTION: parent.description,
            IdeaField.KIND: parent.kind.value,
            IdeaField.HYPOTHESIS: parent.hypothesis,
            IdeaField.KPI: parent.kpi,
        },
    )
    # Translators: {id} is the parent experiment's number in the backlog; {title} is its title,
    # as a person typed it.
    intro = tr.gettext(
        "A variant of *#{id} {title}*. Change what it tests: the offer, the audience, the "
        "channel. It goes to triage like any idea."
    ).format(id=parent.id, title=esc(truncate(parent.title, LINEAGE_TITLE_MAX)))
    view["blocks"].insert(0, context(":twisted_rightwards_arrows: " + intro))
    view["callback_id"] = Callback.EXPERIMENT_VARIANT
    view["title"] = plain(tr.gettext("New variant"), 24)
    view["private_metadata"] = json.dumps({**metadata, "parent": parent.id})
    return view


def _prefill(view: dict[str, Any], values: dict[str, str | None]) -> None:
    """Start the form's inputs from `values` (by block id), whatever other fields it has."""
    for block in view["blocks"]:
        value = values.get(block.get("block_id", ""))
        if block.get("type") != "input" or not value:
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            element["initial_value"] = value[: element.get("max_length", len(value))]
        elif element["type"] in ("radio_buttons", "static_select"):
            chosen = next((o for o in element.get("options", []) if o["value"] == value), None)
            if chosen is not None:
                element["initial_option"] = chosen


# --- lineage ---------------------------------------------------------------------------------


def lineage_lines(tr: Translator, lineage: Lineage) -> list[str]:
    """An experiment's parent (with its result and decision) and its variants, a line each."""
    lines = []
    if lineage.parent is not None:
        lines.append(":arrow_right_hook: " + _parent_text(tr, lineage.parent))
    if lineage.variants:
        shown = ", ".join(f"#{v.id}" for v in lineage.variants[:VARIANTS_SHOWN])
        if len(lineage.variants) > VARIANTS_SHOWN:
            shown += ", …"
        # Translators: {ids} is a list of numbers in the backlog, such as "#15, #16".
        variants = tr.ngettext("Variant: {ids}", "Variants: {ids}", len(lineage.variants))
        lines.append(":twisted_rightwards_arrows: " + variants.format(ids=shown))
    return lines


def _parent_text(tr: Translator, parent: Relative) -> str:
    # Translators: {id} is the parent experiment's number in the backlog; {title} is its title,
    # as a person typed it.
    text = tr.gettext("Variant of #{id} {title}").format(
        id=parent.id, title=esc(truncate(parent.title, LINEAGE_TITLE_MAX))
    )
    outcome = []
    if parent.result is not None:
        outcome.append(result_word(tr, parent.result))
    if parent.decision is not None:
        # Translators: {decision} is "Stop", "Continue" or "Scale" (already translated).
        decided = tr.gettext("decision: {decision}")
        outcome.append(decided.format(decision=decision_label(tr, parent.decision)))
    return text + (f" ({', '.join(outcome)})" if outcome else "")
