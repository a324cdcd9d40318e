"""`/backlog`: one page of a team's ordered backlog, for one viewer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import Translator
from bot.models import BacklogItem, ItemKind, ItemStatus
from bot.services.activities import Activities
from bot.services.backlog import BacklogPage
from bot.services.experiments import Lineage
from bot.services.slices import Slice
from bot.views.activities import item_activity
from bot.views.experiments import lineage_lines
from bot.views.ideas import item_facts, item_heading, split_button, triage_buttons, vote_button
from bot.views.ids import Action
from bot.views.slices import slice_text
from bot.views.text import button, context, esc, option, section


def backlog_message(
    tr: Translator,
    page: BacklogPage,
    *,
    viewer_is_owner: bool,
    voted: set[int],
    lineage: Mapping[int, Lineage] | None = None,
    slices: Mapping[int, Slice] | None = None,
    activities: Activities | None = None,
) -> dict[str, Any]:
    """`lineage`: the parent and variants of the page's experiments that have either;
    `slices`: where the page's slices of a campaign stand (views.slices); `activities`: the
    team's, to name each item's."""
    team = page.team
    # Translators: {team} is the team's name.
    title = tr.gettext("*{team}: backlog*").format(team=esc(team.name))
    summary = " · ".join(
        [
            # Translators: {n} is a number of backlog items.
            tr.ngettext("{n} item ready", "{n} items ready", page.ready_count).format(
                n=page.ready_count
            ),
            # Translators: {n} is a number of ideas.
            tr.ngettext(
                "{n} idea awaiting triage", "{n} ideas awaiting triage", page.proposed_count
            ).format(n=page.proposed_count),
            # Translators: {page} is a page number; {pages} is the number of pages.
            tr.gettext("page {page} of {pages}").format(page=page.page, pages=page.pages),
        ]
    )
    order = (
        tr.gettext("In the marketing owner's order.")
        if page.manually_ordered
        else tr.gettext(
            "Ordered by score = (customer value + business value) ÷ effort; votes break ties."
        )
    )
    blocks: list[dict[str, Any]] = [
        section(f"{title}\n{summary}"),
        context(order),
        {"type": "divider"},
    ]
    if not page.items:
        blocks.append(
            section(tr.gettext("The backlog is empty. Submit the first idea with `/idea`."))
        )

    for rank, item in enumerate(page.items, page.first_rank):
        label = f"{rank}." if item.status is ItemStatus.READY else "•"
        related = (lineage or {}).get(item.id)
        activity = item_activity(tr, activities, item) if activities else None
        lines = [f"{label} {item_heading(tr, item)}", item_facts(tr, item, activity)]
        lines += lineage_lines(tr, related) if related else []
        place = slice_text(tr, (slices or {}).get(item.id))
        lines += [place] if place else []
        blocks.append(
            section(
                "\n".join(lines),
                accessory=vote_button(tr, item, voted=item.id in voted, page=page.page),
                block_id=f"item:{item.id}",
            )
        )
        if viewer_is_owner:
            blocks.append(_owner_controls(tr, item, page.page))

    nav: list[dict[str, Any]] = []
    if page.page > 1:
        nav.append(
            button(tr.gettext("◀ Previous"), Action.PAGE_PREVIOUS, f"{team.id}:{page.page - 1}")
        )
    if page.page < page.pages:
        nav.append(button(tr.gettext("Next ▶"), Action.PAGE_NEXT, f"{team.id}:{page.page + 1}"))
    nav.append(button(tr.gettext("Refresh"), Action.PAGE_REFRESH, f"{team.id}:{page.page}"))
    if viewer_is_owner and page.manually_ordered:
        nav.append(
            button(
                tr.gettext("Reset to score order"),
                Action.RESET_ORDER,
                f"{team.id}:{page.page}",
                confirm={
                    "title": {"type": "plain_text", "text": tr.gettext("Reset the order?")[:100]},
                    "text": {
                        "type": "plain_text",
                        "text": tr.gettext("Your manual order is replaced by the score order."),
                    },
                    "confirm": {"type": "plain_text", "text": tr.gettext("Reset")},
                    "deny": {"type": "plain_text", "text": tr.gettext("Keep my order")},
                },
            )
        )
    blocks.append({"type": "actions", "block_id": "backlog_nav", "elements": nav})
    fallback = f"{team.name}: {summary}"
    return {"text": esc(fallback), "blocks": blocks}


def _owner_controls(tr: Translator, item: BacklogItem, page: int) -> dict[str, Any]:
    item_id = item.id
    if item.status is ItemStatus.PROPOSED:
        elements = triage_buttons(tr, f"{item_id}:{page}")
    else:
        elements = [
            {
                "type": "overflow",
                "action_id": Action.OWNER_MENU,
                "options": [
                    option(tr.gettext("Move to top"), f"top:{item_id}:{page}"),
                    option(tr.gettext("Move up"), f"up:{item_id}:{page}"),
                    option(tr.gettext("Move down"), f"down:{item_id}:{page}"),
                    option(tr.gettext("Edit scores…"), f"edit:{item_id}:{page}"),
                ],
            }
        ]
        if item.kind is ItemKind.EXPERIMENT:  # test it again, differently: an A/B pair
            menu = elements[0]["options"]
            menu.append(option(tr.gettext("Start a variant…"), f"variant:{item_id}:{page}"))
    if item.slice_number is None:  # a button, the menu being full: a campaign's first slice
        elements.append(split_button(tr, f"{item_id}:{page}"))
    return {"type": "actions", "block_id": f"owner:{item_id}", "elements": elements}
