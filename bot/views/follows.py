"""Followed ideas: the DM a follower gets when an idea's status changes, the private answers
to Follow and Stop following, and the buttons that do it (the idea card's, the Home tab's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.i18n import Translator, day_label
from bot.models import BacklogItem, NoticeKind
from bot.services.follows import Owed
from bot.views.ideas import follow_button, idea_accepted, idea_declined
from bot.views.ids import Action
from bot.views.text import (
    button,
    context,
    esc,
    mention,
    option,
    result_text,
    score_text,
    section,
    truncate,
)

TITLE_SHOWN_MAX = 120  # of an escaped title in a DM's sentence or a menu's option
MENU_OPTIONS_MAX = 5  # the options of an overflow menu (Slack's limit)

EMOJI = {
    NoticeKind.ACCEPTED: ":white_check_mark:",
    NoticeKind.DECLINED: ":no_entry_sign:",
    NoticeKind.SPLIT: ":scissors:",
    NoticeKind.PLANNED: ":calendar:",
    NoticeKind.DONE: ":tada:",
    NoticeKind.RESULT: ":test_tube:",
}


def _item(item_id: int, title: str, link: str | None = None) -> str:
    """ "*#12 Offer A vs B*", the title linked to the idea's card when there is a link."""
    shown = truncate(esc(title), TITLE_SHOWN_MAX)
    return f"*#{item_id} <{link}|{shown}>*" if link else f"*#{item_id} {shown}*"


def notice_message(tr: Translator, owed: Owed, link: str | None) -> dict[str, Any]:
    """The DM that tells a follower what changed: in their language (`tr`), linked to the
    idea's card (`link`, its permalink) when it has one, with Stop following."""
    item, team, data = owed.item, owed.team, owed.notice.data
    kind = owed.notice.kind
    shown = _item(item.id, item.title, link)
    if kind is NoticeKind.ACCEPTED and owed.submitter:  # the note submitters always got
        text = idea_accepted(tr, item, team)["text"]
    elif kind is NoticeKind.DECLINED and owed.submitter:
        text = idea_declined(tr, item, team)["text"]
    elif kind is NoticeKind.ACCEPTED:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {team} is the team's name; {score} is a score with up to two decimals, such as
        # "1.67", in the reader's number format.
        text = tr.gettext(
            "{item}, an idea you follow, was accepted into {team}'s backlog (score {score})."
        ).format(item=shown, team=esc(team.name), score=score_text(tr, item.score))
    elif kind is NoticeKind.DECLINED:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {owner} is the marketing owner, shown as their Slack name; {reason} is the
        # marketing owner's reason, as a person typed it.
        text = tr.gettext(
            "{item}, an idea you follow, was declined by {owner}. Their reason: {reason}"
        ).format(
            item=shown,
            owner=mention(team.owner.slack_user_id),
            reason=truncate(esc(str(data.get("reason") or item.decline_reason or "")), 1500),
        )
    elif kind is NoticeKind.SPLIT:
        follow_ups = ", ".join(_item(i, title) for i, title in owed.slices)
        n = len(owed.slices)
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {team} is the team's name; {n} is the number of follow-ups; {follow_ups} lists
        # them, each as its number and title in bold.
        text = tr.ngettext(
            "{item} is now the first slice of a campaign in {team}'s backlog, one that can go "
            "live on its own, with {n} follow-up: {follow_ups}. You follow it too.",
            "{item} is now the first slice of a campaign in {team}'s backlog, one that can go "
            "live on its own, with {n} follow-ups: {follow_ups}. You follow them too.",
            n,
        ).format(item=shown, team=esc(team.name), n=n, follow_ups=follow_ups)
    elif kind is NoticeKind.PLANNED and data.get("running"):
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {number} is the sprint's number; {team} is the team's name.
        text = tr.gettext(
            "{item} was added to sprint {number} of {team}, which is running."
        ).format(item=shown, number=data.get("sprint"), team=esc(team.name))
    elif kind is NoticeKind.PLANNED:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {number} is the sprint's number; {team} is the team's name; {day} is a day such
        # as "Mon 7 Dec".
        text = tr.gettext(
            "{item} is planned into sprint {number} of {team}, which starts on {day}."
        ).format(
            item=shown,
            number=data.get("sprint"),
            team=esc(team.name),
            day=day_label(tr, dt.date.fromisoformat(str(data.get("start")))),
        )
    elif kind is NoticeKind.DONE:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs
        # B"; {team} is the team's name; {number} is the sprint's number.
        text = tr.gettext("{item} is done: {team} finished it in sprint {number}.").format(
            item=shown, team=esc(team.name), number=data.get("sprint")
        )
    else:
        # Translators: {item} is the experiment's number and title in bold, such as "#12 Offer
        # A vs B"; {result} is the result, such as "won (Open rate: 3.4%)".
        text = tr.gettext("The experiment {item} has its result: {result}.").format(
            item=shown,
            result=result_text(
                tr, str(data.get("result")), str(data.get("figure") or ""), item.kpi
            ),
        )
        if item.learning:
            # Translators: {learning} is what the experiment taught, as a person typed it.
            text += "\n" + tr.gettext("*Learning:* {learning}").format(
                learning=truncate(esc(item.learning), 1000)  # escaped, then cut: it fits
            )
    footer = tr.gettext("You follow this idea, so I tell you when its status changes.")
    if link:
        footer += f" <{link}|" + tr.gettext("See the idea") + ">"
    return {
        "text": text,
        "blocks": [
            section(f"{EMOJI[kind]} {text}"),
            context(footer),
            {
                "type": "actions",
                "block_id": f"notice:{item.id}",
                "elements": [unfollow_button(tr, item.id)],
            },
        ],
    }


def unfollow_button(tr: Translator, item_id: int) -> dict[str, Any]:
    return button(tr.gettext("Stop following"), Action.UNFOLLOW, str(item_id))


def follow_answer(
    tr: Translator, item: BacklogItem, *, following: bool, changed: bool
) -> dict[str, Any]:
    """The private answer to Follow or Stop following, with the button that undoes it."""
    shown = _item(item.id, item.title)
    if following and changed:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs B".
        text = tr.gettext(
            "You follow {item} now: I'll send you a message when its status changes."
        ).format(item=shown)
    elif following:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs B".
        text = tr.gettext("You already follow {item}.").format(item=shown)
    else:
        # Translators: {item} is the idea's number and title in bold, such as "#12 Offer A vs B".
        text = tr.gettext("You don't follow {item}: no more messages about it.").format(item=shown)
    again = unfollow_button(tr, item.id) if following else follow_button(tr, item.id)
    emoji = ":bell:" if following else ":no_bell:"
    return {
        "text": text,
        "blocks": [
            section(f"{emoji} {text}"),
            {"type": "actions", "block_id": f"follow:{item.id}", "elements": [again]},
        ],
    }


def follow_menu(tr: Translator, lines: list[tuple[int, bool]]) -> dict[str, Any] | None:
    """The Home tab's menu beside a list of ideas: Follow or Stop following each one shown
    ((id, followed) each), up to Slack's five options; a button for a list of one (a menu
    needs two options)."""
    choices = [
        (_follow_label(tr, item_id, followed), f"{'unfollow' if followed else 'follow'}:{item_id}")
        for item_id, followed in lines[:MENU_OPTIONS_MAX]
    ]
    if not choices:
        return None
    if len(choices) == 1:
        return button(choices[0][0], Action.FOLLOW_MENU, choices[0][1])
    options = [option(label, value) for label, value in choices]
    return {"type": "overflow", "action_id": Action.FOLLOW_MENU, "options": options}


def _follow_label(tr: Translator, item_id: int, followed: bool) -> str:
    if followed:
        # Translators: {id} is an idea's number in the backlog.
        return tr.gettext("Stop following #{id}").format(id=item_id)
    # Translators: {id} is an idea's number in the backlog.
    return tr.gettext("Follow #{id}").format(id=item_id)
