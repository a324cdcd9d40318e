"""An experiment's result: the owner's private request after the showcase, the modal that
records won, lost or inconclusive with the KPI's figure and the learning, and the follow-up
that turns a learning into a new idea in one click."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.fields import LEARNING_MAX, ResultField
from bot.i18n import Translator
from bot.models import BacklogItem, ExperimentResult, Sprint, Team
from bot.models.backlog import KPI_MAX
from bot.views.ids import Action, Callback
from bot.views.text import button, context, esc, option, plain, result_text, section


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
        ],
    }


def result_recorded(tr: Translator, item: BacklogItem) -> dict[str, Any]:
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
    return {"text": text, "blocks": blocks}


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
    return {"text": text, "blocks": [section(":test_tube: " + text)]}
