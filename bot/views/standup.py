"""Standup messages: the private prompt and reminder, the modal, the day's thread in the team
channel (a parent with the team's participation, one reply per answer), and blockers in the
admin channel. Participation is a team count: no list of who did not answer, anywhere."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.fields import StandupField
from bot.i18n import Translator, day_label
from bot.models import Blocker, StandupAnswer, Team
from bot.models.standup import ANSWER_MAX
from bot.views.ids import Action, Callback
from bot.views.text import (
    button,
    context,
    esc,
    mention,
    option,
    plain,
    section,
    sections,
    truncate,
)


def prompt_message(tr: Translator, team: Team, day: dt.date, *, reminder: bool) -> dict[str, Any]:
    text = (
        # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
        tr.gettext("A friendly reminder: your standup for {team} ({day}) is still open.")
        if reminder
        # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
        else tr.gettext("Good morning! Time for your standup for {team} ({day}).")
    ).format(team=esc(team.name), day=day_label(tr, day))
    return {
        "text": text,
        "blocks": [
            section(
                ":sunrise: " + text,
                accessory=button(
                    tr.gettext("Answer the standup"),
                    Action.STANDUP_OPEN,
                    f"{team.id}:{day.isoformat()}",
                    style="primary",
                ),
            ),
            context(tr.gettext("Three short answers; they go to the team's thread for the day.")),
        ],
    }


def standup_modal(
    tr: Translator,
    team: Team,
    day: dt.date,
    *,
    answer: StandupAnswer | None,
    items: list[tuple[int, str]],
) -> dict[str, Any]:
    def text_input(block_id: str, label: str, value: str | None, optional: bool) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": True,
            "max_length": ANSWER_MAX,
        }
        if value:
            element["initial_value"] = value
        return {
            "type": "input",
            "block_id": block_id,
            "label": plain(label, 2000),
            "element": element,
            "optional": optional,
        }

    blocks: list[dict[str, Any]] = [
        context(
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            tr.gettext("{team} · standup of {day}").format(
                team=esc(team.name), day=day_label(tr, day)
            )
        ),
        text_input(
            StandupField.DONE,
            tr.gettext("What I finished since last time"),
            answer.done if answer else None,
            True,
        ),
        text_input(
            StandupField.NEXT,
            tr.gettext("What I will do next"),
            answer.next if answer else None,
            True,
        ),
        text_input(
            StandupField.BLOCKERS,
            tr.gettext("Anything blocking me"),
            answer.blockers if answer else None,
            True,
        ),
    ]
    if items:
        options = [option(truncate(title, 70), str(item_id)) for item_id, title in items[:100]]
        element: dict[str, Any] = {
            "type": "multi_static_select",
            "action_id": "value",
            "options": options,
            "placeholder": plain(tr.gettext("Sprint items this is about")),
        }
        chosen = [o for o in options if answer and int(o["value"]) in (answer.item_ids or [])]
        if chosen:
            element["initial_options"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": StandupField.ITEMS,
                "optional": True,
                "label": plain(tr.gettext("Sprint items")),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": Callback.STANDUP,
        "title": plain(tr.gettext("Daily standup"), 24),
        "submit": plain(tr.gettext("Send"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps({"team": team.id, "day": day.isoformat()}),
        "blocks": blocks,
    }


def thread_parent(
    tr: Translator, team: Team, day: dt.date, answered: int, asked: int
) -> dict[str, Any]:
    # Translators: {day} is a day such as "Tue 24 Nov"; {team} is the team's name.
    text = tr.gettext("*Standup of {day}* · {team}").format(
        day=day_label(tr, day), team=esc(team.name)
    )
    # No plural to agree with: "1 of 5 members answered" would have the noun follow one
    # number and the verb the other, which Italian and Dutch cannot both get right.
    # Translators: {answered} and {asked} are numbers: the members who answered today's
    # standup, of those asked today.
    count = tr.gettext("Answered: {answered} of {asked}").format(answered=answered, asked=asked)
    return {
        "text": f"{text} · {count}",
        "blocks": [
            section(":spiral_calendar_pad: " + text),
            context(count + " · " + tr.gettext("Answers are in the thread.")),
        ],
    }


def answer_reply(
    tr: Translator, slack_user_id: str, answer: StandupAnswer, item_titles: list[str], late: bool
) -> dict[str, Any]:
    """A member's answer in the day's thread. Three answers as long as the form allows pass
    the 3000 characters of a section, so the lines take as many sections as they need: a long
    answer is cut on its own and the blocker and the items after it still reach the team."""
    lines = [mention(slack_user_id) + (" · " + tr.gettext("late answer") if late else "")]
    if answer.done:
        # Translators: {text} is what the member finished, as they typed it.
        lines.append(tr.gettext("*Done:* {text}").format(text=esc(answer.done)))
    if answer.next:
        # Translators: {text} is what the member will do next, as they typed it.
        lines.append(tr.gettext("*Next:* {text}").format(text=esc(answer.next)))
    if answer.blockers:
        blocked = esc(answer.blockers)
        # Translators: {text} is what blocks the member, as they typed it.
        lines.append(":construction: " + tr.gettext("*Blocked:* {text}").format(text=blocked))
    if item_titles:
        lines.append(
            # Translators: {items} is a comma-separated list of sprint items' titles.
            tr.gettext("*Items:* {items}").format(items=", ".join(esc(t) for t in item_titles))
        )
    return {"text": "\n".join(lines), "blocks": sections(lines)}


def blocker_message(
    tr: Translator,
    team: Team,
    blocker: Blocker,
    slack_user_id: str,
    *,
    again: bool = False,
    resolved_by: str | None = None,
) -> dict[str, Any]:
    if resolved_by:
        head = tr.gettext("Blocker resolved")
    elif again:
        head = tr.gettext("Still blocked after two working days")
    else:
        head = tr.gettext("New blocker")
    # Translators: {person} is the member who is blocked, shown as their Slack name; {text} is the
    # blocker, as the member typed it.
    text = f":construction: *{head}* · {esc(team.name)}\n" + tr.gettext("{person}: {text}").format(
        person=mention(slack_user_id), text=esc(blocker.text)
    )
    blocks: list[dict[str, Any]] = []
    if resolved_by:
        text = text.replace(":construction:", ":white_check_mark:", 1)
        blocks = [
            section(text),
            # Translators: {person} is the scrum master, shown as their Slack name.
            context(tr.gettext("Resolved by {person}.").format(person=mention(resolved_by))),
        ]
    else:
        blocks = [
            section(
                text,
                accessory=button(
                    tr.gettext("Resolve"), Action.BLOCKER_RESOLVE, str(blocker.id), "primary"
                ),
            )
        ]
    return {"text": text, "blocks": blocks}
