"""A minimum viable campaign: the marketing owner's form that splits an item into a first slice
that can go live on its own and follow-ups, each scored (bot.services.slices), and the
place of each slice that the backlog shows ("slice 1 of 3", "slice 2 of 3 · follows #12")."""

from __future__ import annotations

import json
from typing import Any

from bot.fields import SPLIT_FOLLOW_UPS, SplitField
from bot.i18n import Translator
from bot.models import BacklogItem
from bot.models.backlog import TITLE_MAX
from bot.services.slices import Slice
from bot.views.ideas import item_heading
from bot.views.ids import Callback
from bot.views.text import context, effort_select, plain, section, value_input


def split_modal(tr: Translator, item: BacklogItem, *, metadata: dict[str, Any]) -> dict[str, Any]:
    """The split form: the first slice (the item itself, its title and scores to start from),
    then up to SPLIT_FOLLOW_UPS follow-ups, each optional."""
    blocks: list[dict[str, Any]] = [
        section(item_heading(tr, item)),
        context(
            tr.gettext(
                "Keep here the first part that can go live on its own; what comes after it "
                "becomes follow-ups in the backlog, each with its own scores."
            )
        ),
        section("*" + tr.gettext("First slice") + "*"),
        *_slice_inputs(
            tr,
            0,
            optional=False,
            title=item.title,
            effort=item.effort,
            customer=item.customer_value or item.proposed_customer_value,
            business=item.business_value or item.proposed_business_value,
        ),
    ]
    for n in range(1, SPLIT_FOLLOW_UPS + 1):
        # Translators: {n} is the follow-up's number: 1, 2 or 3.
        blocks.append(section("*" + tr.gettext("Follow-up {n}").format(n=n) + "*"))
        blocks += _slice_inputs(tr, n, optional=True)
    blocks.append(context(tr.gettext("Score = (customer value + business value) ÷ effort.")))
    return {
        "type": "modal",
        "callback_id": Callback.SPLIT,
        "private_metadata": json.dumps(metadata),
        "title": plain(tr.gettext("Split into slices"), 24),
        "submit": plain(tr.gettext("Split"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


def _slice_inputs(
    tr: Translator,
    n: int,
    *,
    optional: bool,
    title: str | None = None,
    effort: int | None = None,
    customer: int | None = None,
    business: int | None = None,
) -> list[dict[str, Any]]:
    title_key, effort_key, customer_key, business_key = SplitField.of(n)
    title_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": title_key,
        "max_length": TITLE_MAX,
    }
    if title:
        title_input["initial_value"] = title[:TITLE_MAX]
    return [
        _input(title_key, tr.gettext("Title"), title_input, optional),
        _input(effort_key, tr.gettext("Effort"), effort_select(tr, effort_key, effort), optional),
        value_input(
            customer_key,
            tr.gettext("Value to customers, 1 to 10"),
            optional=optional,
            initial=customer,
        ),
        value_input(
            business_key,
            tr.gettext("Value to the business, 1 to 10"),
            optional=optional,
            initial=business,
        ),
    ]


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": element,
    }


def slice_text(tr: Translator, place: Slice | None) -> str | None:
    """Where an item stands in its campaign, for the backlog's list: "slice 1 of 3", or
    "slice 2 of 3 · follows #12"; None for an item that is no slice."""
    if place is None:
        return None
    # Translators: {number} and {total} are whole numbers: the item is slice {number} of the
    # {total} a campaign was split into.
    text = ":scissors: " + tr.gettext("slice {number} of {total}").format(
        number=place.number, total=place.total
    )
    if place.number > 1:
        # Translators: {id} is the number in the backlog of the campaign's first slice.
        text += " · " + tr.gettext("follows #{id}").format(id=place.first)
    return text
