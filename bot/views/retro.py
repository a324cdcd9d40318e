"""The retrospective in the team channel: collecting (nothing about the items, so no item can
be tied to the moment someone added it), voting (every item, shuffled, with a Vote button, no
tallies), and the ranked results with the actions, the team's focus and, if the team checks
it, its health (averages only, from three answers). Authors are shown only when the team chose
named items. Also the forms: an item, a note for the next retrospective (and its private
confirmation), the health check; and the health trend chart."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from bot.fields import RetroField
from bot.i18n import Translator, day_label, decimal
from bot.models import Retro, RetroAction, RetroColumn, RetroItem, RetroState, Team
from bot.models.retro import (
    HEALTH_MIN_ANSWERS,
    HEALTH_SCALE,
    RETRO_ITEM_MAX,
    VOTES_PER_MEMBER,
    HealthStatement,
)
from bot.services.retros import Health, HealthPoint, Noted, Ranked
from bot.views.charts import ALT_TEXT_MAX, Chart
from bot.views.ids import Action, Callback
from bot.views.text import button, context, esc, mention, option, plain, section, truncate

MESSAGE_BLOCKS_MAX = 50  # Slack's limit for a message
VOTE_ITEMS_PER_PAGE = 40  # one block each, at most: a page also holds earlier actions
EARLIER_ACTIONS_MAX = 8  # listed under "Did we do it?"; the rest are counted
# A voting page's blocks besides its items, earlier actions and health check: the title, the
# voting rules, up to three column headings and the paging buttons.
VOTE_PAGE_FIXED_BLOCKS = 6
FOCUS_EMOJI = ":dart:"


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


def statement_text(tr: Translator, statement: HealthStatement) -> str:
    """A health statement as the team rates it."""
    return {
        HealthStatement.VALUE: tr.gettext("We deliver value to our customers."),
        HealthStatement.GOAL: tr.gettext("We know what we are working towards."),
        HealthStatement.PACE: tr.gettext("Our pace is sustainable."),
        HealthStatement.LEARNING: tr.gettext("We try things out and learn from them."),
        HealthStatement.TOGETHER: tr.gettext("We enjoy working together."),
    }[statement]


def statement_label(tr: Translator, statement: HealthStatement) -> str:
    """A health statement in two or three words, for the chart's legend."""
    return {
        HealthStatement.VALUE: tr.gettext("Value to customers"),
        HealthStatement.GOAL: tr.gettext("Clear goal"),
        HealthStatement.PACE: tr.gettext("Sustainable pace"),
        HealthStatement.LEARNING: tr.gettext("Learning"),
        HealthStatement.TOGETHER: tr.gettext("Working together"),
    }[statement]


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
    health: Health | None = None,
) -> dict[str, Any]:
    """The retrospective's message in its phase. `health`: its health results, once closed."""
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
        if retro.health:
            blocks.append(_health_invitation(tr, retro))
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
        if retro.health:
            blocks.append(_health_invitation(tr, retro))
        ordered = [i for c in RetroColumn for i in items if i.column is c]
        per_page = _vote_items_per_page(len(earlier_actions), health=retro.health)
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
                blocks.append(_action_block(tr, action, can_focus=True))
            if not any(a.focus for a in actions):
                blocks.append(
                    context(
                        tr.gettext(
                            "The scrum master can make one action the team's focus for the next "
                            "sprint, from its menu: it goes on the sprint board."
                        )
                    )
                )
        else:
            blocks.append(context(tr.gettext('No "try" item got a vote: no actions this time.')))
        if health is not None:
            blocks += health_blocks(tr, health)
    if earlier_actions and retro.state is not RetroState.CLOSED:
        blocks += _earlier_blocks(tr, earlier_actions)
    return {"text": title, "blocks": blocks}


def _health_invitation(tr: Translator, retro: Retro) -> dict[str, Any]:
    # Translators: {min} is the fewest answers whose averages are shown, 3.
    text = tr.gettext(
        "How is the team doing? Rate five statements from 1 to 5, anonymously: only the "
        "team's averages are shown, from {min} answers."
    ).format(min=HEALTH_MIN_ANSWERS)
    return section(
        ":stethoscope: " + text,
        accessory=button(tr.gettext("Rate the team's health"), Action.RETRO_HEALTH, str(retro.id)),
        block_id="retro_health",
    )


def health_blocks(tr: Translator, health: Health) -> list[dict[str, Any]]:
    """The team's health with the results: each statement's average, or, under three
    answers, how many there were (never who)."""
    heading = "*" + tr.gettext("Team health") + "*"
    if health.averages is None:
        # Translators: {n} is how many people rated the team's health; {min} is the fewest
        # answers whose averages are shown, 3.
        text = tr.ngettext(
            "{n} person rated the team's health: the averages are shown from {min} answers.",
            "{n} people rated the team's health: the averages are shown from {min} answers.",
            health.answers,
        ).format(n=health.answers, min=HEALTH_MIN_ANSWERS)
        return [section(f":stethoscope: {heading}\n{text}")]
    low, high = HEALTH_SCALE
    # Translators: {n} is how many people rated; {low} and {high} are the ends of the scale, 1
    # and 5.
    about = tr.ngettext(
        "{n} answer; averages from {low} to {high}.",
        "{n} answers; averages from {low} to {high}.",
        health.answers,
    ).format(n=health.answers, low=low, high=high)
    lines = [
        f"*{decimal(tr, health.averages[s], 1)}* · {statement_text(tr, s)}"
        for s in HealthStatement
        if s in health.averages
    ]
    return [section(f":stethoscope: {heading} · {about}\n" + "\n".join(lines))]


def _vote_items_per_page(earlier_actions: int, *, health: bool = False) -> int:
    """Items on a voting page: 40, or fewer when the earlier actions under "Did we do it?"
    (and the health check's button) need the room, so that the page stays within Slack's 50
    blocks without dropping any."""
    fixed = VOTE_PAGE_FIXED_BLOCKS + (1 if health else 0)
    room = MESSAGE_BLOCKS_MAX - fixed - _earlier_block_count(earlier_actions)
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
    # The team's focus comes first (open_actions orders it so), marked as the focus.
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


def _action_block(
    tr: Translator, action: RetroAction, *, can_focus: bool = False
) -> dict[str, Any]:
    """An action with its menu: done, to the backlog, and (`can_focus`: on its own
    retrospective's results) the team's focus, which the scrum master alone may choose."""
    state = ""
    if action.done_at is not None:
        state = " · :white_check_mark: " + tr.gettext("done")
    elif action.backlog_item_id:
        # Translators: {id} is the idea's number in the backlog.
        state = " · " + tr.gettext("idea #{id}").format(id=action.backlog_item_id)
    emoji = ":seedling:"
    if action.focus and action.done_at is None:
        emoji = FOCUS_EMOJI
        state += " · *" + tr.gettext("the team's focus") + "*"
    block = section(f"{emoji} {esc(action.text)}{state}", block_id=f"retro_action:{action.id}")
    if action.done_at is None:
        options = [
            option(tr.gettext("We did it"), f"done:{action.id}"),
            option(tr.gettext("Add to the backlog"), f"backlog:{action.id}"),
        ]
        if can_focus and not action.focus:
            options.append(option(tr.gettext("Make it the team's focus"), f"focus:{action.id}"))
        block["accessory"] = {
            "type": "overflow",
            "action_id": Action.RETRO_ACTION_MENU,
            "options": options,
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
            _column_input(tr),
            _text_input(tr, tr.gettext("Your item")),
            context(
                tr.gettext("Named: your name is shown with the item.")
                if retro.named
                else tr.gettext("Anonymous: your name is not stored with the item.")
            ),
        ],
    }


# --- a note for the next retrospective -------------------------------------------------------


def _column_input(tr: Translator) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": RetroField.COLUMN,
        "label": plain(tr.gettext("Where it goes")),
        "element": {
            "type": "radio_buttons",
            "action_id": "value",
            "options": [option(truncate(column_label(tr, c), 75), c.value) for c in RetroColumn],
        },
    }


def _text_input(tr: Translator, label: str, initial: str = "") -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": True,
        "max_length": RETRO_ITEM_MAX,
    }
    if initial:
        element["initial_value"] = initial
    return {"type": "input", "block_id": RetroField.ITEM, "label": plain(label), "element": element}


def note_modal(tr: Translator, team: Team, text: str = "") -> dict[str, Any]:
    """The form to note an item for the team's next retrospective, while it is fresh (`text`:
    what `/retro note` was given, to start from)."""
    privacy = (
        tr.gettext(
            "Named: the note will show your name. Nobody sees it until the retrospective's "
            "items are shown for the vote."
        )
        if team.retro_named
        else tr.gettext(
            "Anonymous: your name is not stored with the note. Nobody sees it until the "
            "retrospective's items are shown for the vote."
        )
    )
    return {
        "type": "modal",
        "callback_id": Callback.RETRO_NOTE,
        "title": plain(tr.gettext("Note for the retro"), 24),
        "submit": plain(tr.gettext("Note it"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps({"team": team.id}),
        "blocks": [
            context(
                # Translators: {team} is the team's name.
                tr.gettext(
                    "Something for the next retrospective of {team}? Note it now, while you "
                    "remember."
                ).format(team=esc(team.name))
            ),
            _column_input(tr),
            _text_input(tr, tr.gettext("Your note"), text),
            context(privacy),
        ],
    }


def noted_modal(tr: Translator, noted: Noted, column: RetroColumn, text: str) -> dict[str, Any]:
    """The note's private confirmation, in place of its form: where it went, the note itself,
    and (while it waits) the button that removes it, which carries the note's removal key."""
    team = esc(noted.team.name)
    if noted.into_open:
        # Translators: {team} is the team's name.
        said = tr.gettext(
            "Added to the open retrospective of {team}. It shows with the other items when "
            "voting opens."
        ).format(team=team)
    else:
        # Translators: {team} is the team's name.
        said = tr.gettext("Noted for the next retrospective of {team}.").format(team=team)
        if noted.after_voting:
            said += " " + tr.gettext(
                "The retrospective open now is already voting, so the note waits for the next one."
            )
    blocks: list[dict[str, Any]] = [
        section(":white_check_mark: " + said),
        section(f"{COLUMN_EMOJI[column]} *{column_label(tr, column)}*\n{esc(text)}"),
    ]
    if noted.note_id is not None and noted.removal_key is not None:
        confirm = {
            "title": plain(tr.gettext("Remove the note?"), 100),
            "text": plain(tr.gettext("It will not reach the retrospective.")),
            "confirm": plain(tr.gettext("Remove"), 30),
            "deny": plain(tr.gettext("Keep it"), 30),
        }
        blocks.append(
            {
                "type": "actions",
                "block_id": "retro_note",
                "elements": [
                    button(
                        tr.gettext("Remove the note"),
                        Action.RETRO_NOTE_REMOVE,
                        f"{noted.note_id}:{noted.removal_key}",
                        "danger",
                        confirm,
                    )
                ],
            }
        )
        blocks.append(
            context(
                tr.gettext("You can remove it here until you close this window.")
                if noted.named
                else tr.gettext(
                    "Nothing ties this note to you, so once you close this window nobody can "
                    "remove it, you included."
                )
            )
        )
    return _notice_modal(tr, Callback.RETRO_NOTED, tr.gettext("Note for the retro"), blocks)


def note_removed_modal(tr: Translator, said: str | None = None) -> dict[str, Any]:
    """The confirmation once its note is removed (or `said`: why it could not be)."""
    text = said or ":wastebasket: " + tr.gettext("Note removed: nothing of it is kept.")
    return _notice_modal(
        tr, Callback.RETRO_NOTED, tr.gettext("Note for the retro"), [section(text)]
    )


def _notice_modal(
    tr: Translator, callback_id: str, title: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "close": plain(tr.gettext("Done"), 24),
        "blocks": blocks,
    }


# --- the team's health ------------------------------------------------------------------------


def health_modal(tr: Translator, team: Team, retro: Retro) -> dict[str, Any]:
    """The health check: each statement rated 1 to 5, all of them required."""
    low, high = HEALTH_SCALE
    scale = [str(n) for n in range(low, high + 1)]
    # Translators: a rating of 1 on a scale of 1 to 5, as in "1 · not at all".
    scale[0] += " · " + tr.gettext("not at all")
    # Translators: a rating of 5 on a scale of 1 to 5, as in "5 · fully".
    scale[-1] += " · " + tr.gettext("fully")
    blocks: list[dict[str, Any]] = [
        context(
            # Translators: {team} is the team's name; {min} is the fewest answers whose
            # averages are shown, 3.
            tr.gettext(
                "How true is each statement for {team} this sprint? Anonymous: your ratings are "
                "added to the team's totals, not stored with your name, and only the averages "
                "are shown, from {min} answers."
            ).format(team=esc(team.name), min=HEALTH_MIN_ANSWERS)
        )
    ]
    for statement in HealthStatement:
        blocks.append(
            {
                "type": "input",
                "block_id": RetroField.HEALTH_PREFIX + statement.value,
                "label": plain(statement_text(tr, statement), 2000),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": [
                        option(label, str(n))
                        for n, label in zip(range(low, high + 1), scale, strict=True)
                    ],
                },
            }
        )
    return {
        "type": "modal",
        "callback_id": Callback.RETRO_HEALTH,
        "title": plain(tr.gettext("Team health"), 24),
        "submit": plain(tr.gettext("Send"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps({"retro": retro.id}),
        "blocks": blocks,
    }


def health_thanks_modal(tr: Translator) -> dict[str, Any]:
    text = tr.gettext(
        "Thank you: your ratings are in, anonymously. The team's averages come with the "
        "retrospective's results."
    )
    return _notice_modal(
        tr, Callback.RETRO_HEALTH_THANKS, tr.gettext("Team health"), [section(":heart: " + text)]
    )


def health_chart(tr: Translator, team: Team, points: list[HealthPoint]) -> Chart:
    """The team's health across its last retrospectives, each statement's average."""
    from charts.health import HealthLabels, HealthSeries, render_health

    names = [_point_name(tr, team, p) for p in points]
    shown = [s for s in HealthStatement if all(s in p.averages for p in points)]
    series = [HealthSeries(statement_label(tr, s), [p.averages[s] for p in points]) for s in shown]
    # Translators: {team} is the team's name.
    title = tr.gettext("{team}: team health").format(team=team.name)
    low, high = HEALTH_SCALE
    # Translators: {low} and {high} are the ends of the scale, 1 and 5.
    y_axis = tr.gettext("Average ({low}–{high})").format(low=low, high=high)
    labels = HealthLabels(title=title, y_axis=y_axis, language=tr.language)
    latest = points[-1]
    figures = "; ".join(
        f"{statement_label(tr, s)} {decimal(tr, latest.averages[s], 1)}" for s in shown
    )
    # Translators: {n} is a number of retrospectives; {low} and {high} are the ends of the
    # scale, 1 and 5.
    alt = tr.ngettext(
        "Team health chart: each statement's average from {low} to {high}, at {n} retrospective.",
        "Team health chart: each statement's average from {low} to {high}, at the last {n} "
        "retrospectives.",
        len(points),
    ).format(n=len(points), low=low, high=high)
    alt += f" {names[-1]}: {figures}."
    if len(points) > 1:
        earlier = "; ".join(
            f"{statement_label(tr, s)} {decimal(tr, points[0].averages[s], 1)}" for s in shown
        )
        alt += f" {names[0]}: {earlier}."
    return Chart(
        draw=lambda: render_health(names, series, labels),
        filename=f"team-health-{_slug(names[-1])}.png",
        title=title,
        alt_text=alt[:ALT_TEXT_MAX],
    )


def _point_name(tr: Translator, team: Team, point: HealthPoint) -> str:
    if point.sprint_number is not None:
        # Translators: {number} is the sprint's number.
        return tr.gettext("Sprint {number}").format(number=point.sprint_number)
    return day_label(tr, _local_day(team, point.day))


def _local_day(team: Team, instant: dt.datetime) -> dt.date:
    return instant.astimezone(ZoneInfo(team.time_zone)).date()


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "retro"


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
