"""The retrospective in the team channel: collecting (nothing about the items, so no item can
be tied to the moment someone added it), voting (every item, shuffled, with a Vote button, no
tallies), and the ranked results with the actions. Authors are shown only when the team chose named items."""

from __future__ import annotations

import json
from typing import Any

from bot.fields import RetroField
from bot.i18n import Translator
from bot.models import Retro, RetroAction, RetroColumn, RetroItem, RetroState, Team
from bot.models.retro import RETRO_ITEM_MAX, VOTES_PER_MEMBER
from bot.services.retros import Ranked
from bot.views.ids import Action, Callback
from bot.views.text import button, context, esc, mention, option, plain, section, truncate

MESSAGE_BLOCKS_MAX = 50  # Slack's limit for a message
VOTE_ITEMS_PER_PAGE = 40  # one block each, at most: a page also holds earlier actions
EARLIER_ACTIONS_MAX = 8  # listed under "Did we do it?"; the rest are counted
# A voting page's blocks besides its items and earlier actions: the title, the voting rules,
# up to three column headings and the paging buttons.
VOTE_PAGE_FIXED_BLOCKS = 6


def column_label(tr: Translator, column: RetroColumn) -> str:
    return {
        RetroColumn.WORKED: tr.gettext("What worked"),
        RetroColumn.DID_NOT: tr.gettext("What did not"),
        RetroColumn.TRY: tr.gettext("What to try"),
    }[column]


COLUMN_EMOJI = {
    RetroColumn.WORKED: ":sunny:",
    RetroColumn.DID_NOT: ":cloud:",
    RetroColumn.TRY: ":seedling:",
}


def retro_message(
    tr: Translator,
    team: Team,
    retro: Retro,
    *,
    items: list[RetroItem],
    ranked: dict[RetroColumn, list[Ranked]] | None,
    actions: list[RetroAction],
    earlier_actions: list[RetroAction],
    authors: dict[int, str],
    local_time: str,
    page: int = 1,
) -> dict[str, Any]:
    # Translators: {team} is the team's name.
    title = tr.gettext("Retrospective · {team}").format(team=esc(team.name))
    privacy = (
        tr.gettext("Items show who wrote them.")
        if retro.named
        else tr.gettext("Items are anonymous: nobody can see who wrote what, admins included.")
    )
    blocks: list[dict[str, Any]] = [section(f":mirror: *{title}*")]
    if retro.state is RetroState.COLLECTING:
        blocks.append(
            section(
                # Translators: {when} is a day and time such as "Tue 24 Nov 17:00", when voting
                # opens.
                tr.gettext(
                    "Add what worked, what did not, and what to try. Voting opens {when}."
                ).format(when=local_time),
                accessory=button(
                    tr.gettext("Add an item"), Action.RETRO_ADD, str(retro.id), "primary"
                ),
            )
        )
        # No running counts: an update as each item arrives would tie it to its author.
        blocks.append(context(privacy))
    elif retro.state is RetroState.VOTING:
        blocks.append(
            context(
                # Translators: {n} is the votes each person has; {when} is a day and time such as
                # "Tue 24 Nov 17:00", when voting closes.
                tr.ngettext(
                    "Vote for what matters most: {n} vote each; click again to take a vote "
                    "back. Tallies stay hidden until voting closes {when}.",
                    "Vote for what matters most: {n} votes each; click again to take a vote "
                    "back. Tallies stay hidden until voting closes {when}.",
                    VOTES_PER_MEMBER,
                ).format(n=VOTES_PER_MEMBER, when=local_time)
            )
        )
        ordered = [i for c in RetroColumn for i in items if i.column is c]
        per_page = _vote_items_per_page(len(earlier_actions))
        pages = max(1, -(-len(ordered) // per_page))
        page = min(max(1, page), pages)
        shown = ordered[(page - 1) * per_page : page * per_page]
        current = None
        for item in shown:
            if item.column is not current:
                current = item.column
                blocks.append(context(f"{COLUMN_EMOJI[current]} *{column_label(tr, current)}*"))
            blocks.append(
                section(
                    _item_text(item, authors),
                    accessory=button(tr.gettext("Vote"), Action.RETRO_VOTE, str(item.id)),
                    block_id=f"retro_item:{item.id}",
                )
            )
        if pages > 1:
            nav = []
            if page > 1:
                previous = f"{retro.id}:{page - 1}"
                nav.append(button(tr.gettext("◀ Previous"), Action.RETRO_PAGE_PREVIOUS, previous))
            if page < pages:
                nav.append(
                    button(tr.gettext("Next ▶"), Action.RETRO_PAGE_NEXT, f"{retro.id}:{page + 1}")
                )
            blocks.append({"type": "actions", "block_id": "retro_pages", "elements": nav})
    else:
        assert ranked is not None
        for column in RetroColumn:
            lines = [
                f"{r.votes} · {_item_text(r.item, authors, limit=180)}" for r in ranked[column][:12]
            ]
            if lines:
                blocks.append(
                    section(
                        f"{COLUMN_EMOJI[column]} *{column_label(tr, column)}*\n" + "\n".join(lines)
                    )
                )
        if actions:
            blocks.append(section("*" + tr.gettext("Actions for the next sprint") + "*"))
            for action in actions[:10]:
                blocks.append(_action_block(tr, action))
        else:
            blocks.append(context(tr.gettext('No "try" item got a vote: no actions this time.')))
    if earlier_actions and retro.state is not RetroState.CLOSED:
        blocks += _earlier_blocks(tr, earlier_actions)
    return {"text": title, "blocks": blocks}


def _vote_items_per_page(earlier_actions: int) -> int:
    """Items on a voting page: 40, or fewer when the earlier actions under "Did we do it?"
    need the room, so that the page stays within Slack's 50 blocks without dropping any."""
    room = MESSAGE_BLOCKS_MAX - VOTE_PAGE_FIXED_BLOCKS - _earlier_block_count(earlier_actions)
    return min(VOTE_ITEMS_PER_PAGE, room)


def _earlier_block_count(earlier_actions: int) -> int:
    if not earlier_actions:
        return 0
    more = 1 if earlier_actions > EARLIER_ACTIONS_MAX else 0
    return 1 + min(earlier_actions, EARLIER_ACTIONS_MAX) + more


def _earlier_blocks(tr: Translator, earlier_actions: list[RetroAction]) -> list[dict[str, Any]]:
    """The "Did we do it?" list: the first earlier actions, each with its menu, and how many
    more there are."""
    blocks = [section("*" + tr.gettext("Did we do it?") + "*")]
    blocks += [_action_block(tr, a) for a in earlier_actions[:EARLIER_ACTIONS_MAX]]
    more = len(earlier_actions) - EARLIER_ACTIONS_MAX
    if more > 0:
        # Translators: {n} is a number of earlier retrospective actions not shown.
        blocks.append(
            context(
                tr.ngettext("…and {n} more action.", "…and {n} more actions.", more).format(n=more)
            )
        )
    return blocks


def _item_text(item: RetroItem, authors: dict[int, str], limit: int = 2800) -> str:
    text = truncate(esc(item.text), limit)
    if item.author_id is not None and item.author_id in authors:
        text += f" · {mention(authors[item.author_id])}"
    return text


def _action_block(tr: Translator, action: RetroAction) -> dict[str, Any]:
    state = ""
    if action.done_at is not None:
        state = " · :white_check_mark: " + tr.gettext("done")
    elif action.backlog_item_id:
        # Translators: {id} is the idea's number in the backlog.
        state = " · " + tr.gettext("idea #{id}").format(id=action.backlog_item_id)
    block = section(f":seedling: {esc(action.text)}{state}", block_id=f"retro_action:{action.id}")
    if action.done_at is None:
        block = {
            "type": "section",
            "text": block["text"],
            "block_id": block["block_id"],
            "accessory": {
                "type": "overflow",
                "action_id": Action.RETRO_ACTION_MENU,
                "options": [
                    option(tr.gettext("We did it"), f"done:{action.id}"),
                    option(tr.gettext("Add to the backlog"), f"backlog:{action.id}"),
                ],
            },
        }
    return block


def item_modal(tr: Translator, retro: Retro) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": Callback.RETRO_ITEM,
        "title": plain(tr.gettext("Retrospective"), 24),
        "submit": plain(tr.gettext("Add"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps({"retro": retro.id}),
        "blocks": [
            {
                "type": "input",
                "block_id": RetroField.COLUMN,
                "label": plain(tr.gettext("Where it goes")),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": [
                        option(truncate(column_label(tr, c), 75), c.value) for c in RetroColumn
                    ],
                },
            },
            {
                "type": "input",
                "block_id": RetroField.ITEM,
                "label": plain(tr.gettext("Your item")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "max_length": RETRO_ITEM_MAX,
                },
            },
            context(
                tr.gettext("Named: your name is shown with the item.")
                if retro.named
                else tr.gettext("Anonymous: your name is not stored with the item.")
            ),
        ],
    }


def milestone_message(
    tr: Translator, team: Team, retro: Retro, *, items: int, actions: int, local_time: str
) -> dict[str, Any]:
    """A reply in the retrospective's thread, also sent to the channel, when voting opens and
    when the results are in: a new post notifies the team, where an edit of the retrospective
    message (which follows too) notifies no one."""
    if retro.state is RetroState.VOTING:
        # Translators: {n} is the votes each member has; it fills {votes} in "Voting is open in
        # the retrospective of {team}: {n} notes, {votes}, until {when}."
        votes = tr.ngettext("{n} vote each", "{n} votes each", VOTES_PER_MEMBER).format(
            n=VOTES_PER_MEMBER
        )
        # Translators: {team} is the team's name; {n} is the number of retrospective notes to
        # vote on; {votes} is the votes each member has, such as "3 votes each"; {when} is a day
        # and time such as "Tue 24 Nov 17:00".
        text = ":ballot_box_with_ballot: " + tr.ngettext(
            "Voting is open in the retrospective of {team}: {n} note, {votes}, until {when}.",
            "Voting is open in the retrospective of {team}: {n} notes, {votes}, until {when}.",
            items,
        ).format(team=esc(team.name), n=items, votes=votes, when=local_time)
    else:
        # Translators: {team} is the team's name; {n} is the number of actions agreed.
        text = ":bar_chart: " + tr.ngettext(
            "The results of the retrospective of {team} are in, with {n} action for the next "
            "sprint.",
            "The results of the retrospective of {team} are in, with {n} actions for the next "
            "sprint.",
            actions,
        ).format(team=esc(team.name), n=actions)
    return {"text": text, "blocks": [section(text)]}
