"""Text helpers for Block Kit: escaping user text for mrkdwn, and Slack's length limits."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator, decimal
from bot.models import ItemKind, ItemStatus
from bot.models.backlog import EFFORT_POINTS
from bot.mrkdwn import Markup, esc, mention
from bot.mrkdwn import channel_link as channel

__all__ = ["Markup", "channel", "esc", "mention"]

SECTION_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
PLAIN_OPTION_MAX = 75


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:  # never split an escape such as &amp;
        cut = cut[:entity]
    return cut.rstrip() + "…"


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_MAX)}


def section(
    text: str, accessory: dict[str, Any] | None = None, block_id: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def sections(lines: list[str]) -> list[dict[str, Any]]:
    """Lines of mrkdwn in as few sections as hold them whole within Slack's 3000 characters:
    one long line is cut alone, so what comes after it (a blocker after a long answer, the
    count of titles not shown) still shows, where one section would have lost it."""
    blocks: list[dict[str, Any]] = []
    text = ""
    for line in (truncate(line, SECTION_TEXT_MAX) for line in lines):
        if text and len(text) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append(section(text))
            text = line
        else:
            text = f"{text}\n{line}" if text else line
    if text:
        blocks.append(section(text))
    return blocks


def context(*texts: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def button(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, PLAIN_OPTION_MAX), "value": value}


def points_label(tr: Translator, n: int) -> str:
    # Translators: {n} is a number of points.
    return tr.ngettext("{n} point", "{n} points", n).format(n=n)


def effort_select(
    tr: Translator, action_id: str, initial: int | None = None, placeholder: str | None = None
) -> dict[str, Any]:
    """A select of the backlog's effort points (an estimate, or what an item really took)."""
    options = [option(points_label(tr, p), str(p)) for p in EFFORT_POINTS]
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id, "options": options}
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if initial in EFFORT_POINTS:
        element["initial_option"] = options[EFFORT_POINTS.index(initial)]
    return element


def value_input(
    block_id: str, label: str, *, optional: bool, initial: int | None
) -> dict[str, Any]:
    """A customer or business value, a whole number from 1 to 10."""
    element: dict[str, Any] = {
        "type": "number_input",
        "action_id": block_id,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "10",
    }
    if initial is not None:
        element["initial_value"] = str(initial)
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": element,
    }


KIND_EMOJI = {
    ItemKind.EXPERIMENT: ":test_tube:",
    ItemKind.CAMPAIGN: ":mega:",
    ItemKind.CONTENT: ":pencil2:",
    ItemKind.KEEP_THE_LIGHTS_ON: ":wrench:",
}


def kind_label(tr: Translator, kind: ItemKind) -> str:
    return {
        ItemKind.EXPERIMENT: tr.gettext("Experiment"),
        ItemKind.CAMPAIGN: tr.gettext("Campaign"),
        ItemKind.CONTENT: tr.gettext("Content"),
        ItemKind.KEEP_THE_LIGHTS_ON: tr.gettext("Keep the lights on"),
    }[kind]


def status_label(tr: Translator, status: ItemStatus) -> str:
    return {
        ItemStatus.PROPOSED: tr.gettext("Awaiting triage"),
        ItemStatus.READY: tr.gettext("Ready"),
        ItemStatus.DECLINED: tr.gettext("Declined"),
        ItemStatus.PLANNED: tr.gettext("In a sprint"),
        ItemStatus.DONE: tr.gettext("Done"),
    }[status]


def score_text(tr: Translator, score: float | None) -> str:
    """A backlog score with up to two decimals, in the reader's locale: "1.67", "1,67"."""
    return "–" if score is None else decimal(tr, score)


def result_text(tr: Translator, result: str, figure: str | None, kpi: str | None) -> str:
    """An experiment's result as the showcase and its thread say it: ":trophy: won (Open
    rate: 3.4%)"."""
    label = {
        "won": ":trophy: " + tr.gettext("won"),
        "lost": ":x: " + tr.gettext("lost"),
        "inconclusive": ":grey_question: " + tr.gettext("inconclusive"),
    }[result]
    if figure:
        label += f" ({esc(kpi) + ': ' if kpi else ''}{esc(figure)})"
    return label
