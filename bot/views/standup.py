"""Standup messages: the private prompt and reminders, the answer form (the questions the
team asks, or those an answer being edited answered), the day's thread in the team channel (a
parent with the team's participation, one reply per answer under its questions), blockers in
the admin channel, the scrum master's set-up form, the form for a standup time of one's own,
and the week at a glance. Participation is a team count: no list of who did not answer,
anywhere."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.fields import NO_BLOCKER_QUESTION, StandupField, StandupSetupField, StandupTimeField
from bot.i18n import Translator, day_label, weekday_names
from bot.models import Blocker, Preset, QuestionKind, StandupAnswer, Team
from bot.models.standup import ANSWER_MAX, QUESTION_MAX, QUESTIONS_MAX
from bot.services.standups import (
    PRESET_WORDS,
    CurrentSetup,
    Question,
    QuestionSet,
    Week,
    WeekBlocker,
    WeekDay,
)
from bot.views.ids import Action, Callback
from bot.views.text import (
    button,
    channel,
    context,
    esc,
    mention,
    option,
    plain,
    section,
    sections,
    truncate,
)

WEEK_BLOCKERS_SHOWN = 10


def question_words(tr: Translator, question: Question) -> str:
    """A question as the reader sees it: a preset in their language, the scrum master's own
    words as written."""
    if question.preset is not None:
        return tr.gettext(PRESET_WORDS[question.preset])
    return question.text or ""


def prompt_message(
    tr: Translator,
    team: Team,
    day: dt.date,
    *,
    reminder: bool,
    questions: int = 3,
    weekly: bool = False,
) -> dict[str, Any]:
    if weekly:
        text = (
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            tr.gettext(
                "A friendly reminder: your weekly check-in for {team} ({day}) is still open."
            )
            if reminder
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            else tr.gettext("Good morning! Time for your weekly check-in for {team} ({day}).")
        )
    else:
        text = (
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            tr.gettext("A friendly reminder: your standup for {team} ({day}) is still open.")
            if reminder
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            else tr.gettext("Good morning! Time for your standup for {team} ({day}).")
        )
    text = text.format(team=esc(team.name), day=day_label(tr, day))
    # Translators: {n} is the number of questions the standup asks, 1 to 5.
    count = tr.ngettext(
        "One question; the answer goes to the team's thread for the day.",
        "{n} questions; the answers go to the team's thread for the day.",
        questions,
    ).format(n=questions)
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
            context(count),
        ],
    }


def standup_modal(
    tr: Translator,
    team: Team,
    day: dt.date,
    *,
    questions: QuestionSet,
    answer: StandupAnswer | None,
    items: list[tuple[int, str]],
    weekly: bool = False,
) -> dict[str, Any]:
    """The answer form: a field per question of `questions` (the answer's own when it is
    edited), the blocker question as yes or no with what blocks, and the sprint items."""
    replies = list(answer.replies or []) if answer else []
    replies += [None] * (len(questions.questions) - len(replies))

    def text_input(
        block_id: str, label: str, value: str | None, hint: str | None = None
    ) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": True,
            "max_length": ANSWER_MAX,
        }
        if value:
            element["initial_value"] = value
        block: dict[str, Any] = {
            "type": "input",
            "block_id": block_id,
            "label": plain(label, 2000),
            "element": element,
            "optional": True,
        }
        if hint:
            block["hint"] = plain(hint, 2000)
        return block

    blocks: list[dict[str, Any]] = [
        context(
            # Translators: {team} is the team's name; {day} is a day such as "Tue 24 Nov".
            tr.gettext("{team} · standup of {day}").format(
                team=esc(team.name), day=day_label(tr, day)
            )
        )
    ]
    for position, (question, reply) in enumerate(zip(questions.questions, replies, strict=True)):
        words = question_words(tr, question)
        if question.kind is QuestionKind.TEXT:
            block_id = StandupField.text_reply(position, question.preset)
            blocks.append(text_input(block_id, words, reply))
            continue
        no = option(tr.gettext("No"), StandupField.NO)
        yes = option(tr.gettext("Yes"), StandupField.YES)
        blocks.append(
            {
                "type": "input",
                "block_id": StandupField.BLOCKED,
                "label": plain(words, 2000),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": [no, yes],
                    "initial_option": yes if reply else no,
                },
            }
        )
        blocks.append(
            text_input(
                StandupField.BLOCKERS,
                tr.gettext("What is blocking me"),
                reply,
                tr.gettext("If yes: what, and who could help. It goes to the scrum master."),
            )
        )
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
    title = tr.gettext("Weekly check-in") if weekly else tr.gettext("Daily standup")
    return {
        "type": "modal",
        "callback_id": Callback.STANDUP,
        "title": plain(title, 24),
        "submit": plain(tr.gettext("Send"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "private_metadata": json.dumps(
            {"team": team.id, "day": day.isoformat(), "questions": questions.id}
        ),
        "blocks": blocks,
    }


def thread_parent(
    tr: Translator,
    team: Team,
    day: dt.date,
    answered: int,
    asked: int,
    *,
    weekly: bool = False,
) -> dict[str, Any]:
    heading = (
        # Translators: {day} is a day such as "Tue 24 Nov"; {team} is the team's name.
        tr.gettext("*Weekly check-in of {day}* · {team}")
        if weekly
        # Translators: {day} is a day such as "Tue 24 Nov"; {team} is the team's name.
        else tr.gettext("*Standup of {day}* · {team}")
    )
    text = heading.format(day=day_label(tr, day), team=esc(team.name))
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
    tr: Translator,
    slack_user_id: str,
    questions: QuestionSet,
    replies: list[str | None],
    item_titles: list[str],
    late: bool,
) -> dict[str, Any]:
    """An answer in the day's thread, each reply under the question it answered (the presets
    by their short names). Answers as long as the form allows pass the 3000 characters of a
    section, so the lines take as many sections as they need: a long answer is cut on its own
    and the blocker and the items after it still reach the team."""
    lines = [mention(slack_user_id) + (" · " + tr.gettext("late answer") if late else "")]
    for question, reply in zip(questions.questions, replies, strict=False):
        if reply:
            lines.append(_reply_line(tr, question, reply))
    if item_titles:
        lines.append(
            # Translators: {items} is a comma-separated list of sprint items' titles.
            tr.gettext("*Items:* {items}").format(items=", ".join(esc(t) for t in item_titles))
        )
    return {"text": "\n".join(lines), "blocks": sections(lines)}


def _reply_line(tr: Translator, question: Question, reply: str) -> str:
    text = esc(reply)
    blocker = question.kind is QuestionKind.BLOCKER
    if question.preset is Preset.DONE and not blocker:
        # Translators: {text} is what the member finished, as they typed it.
        return tr.gettext("*Done:* {text}").format(text=text)
    if question.preset is Preset.NEXT and not blocker:
        # Translators: {text} is what the member will do next, as they typed it.
        return tr.gettext("*Next:* {text}").format(text=text)
    if question.preset is Preset.BLOCKERS and blocker:
        # Translators: {text} is what blocks the member, as they typed it.
        return ":construction: " + tr.gettext("*Blocked:* {text}").format(text=text)
    line = f"*{esc(question_words(tr, question))}* {text}"
    return ":construction: " + line if blocker else line


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


# --- the scrum master's set-up ---------------------------------------------------------------


def standup_setup_modal(tr: Translator, team: Team, current: CurrentSetup) -> dict[str, Any]:
    """The standup of `team` as the scrum master sets it up: its questions (the presets in the
    reader's words; kept as they are, they stay presets for everyone), which one is the yes/no
    blocker question, its days, and who is asked."""
    questions = current.questions.questions
    blocks: list[dict[str, Any]] = [
        section(
            # Translators: {team} is the team's name.
            tr.gettext("The standup of *{team}*: its questions, its days and who is asked.").format(
                team=esc(team.name)
            )
        )
    ]
    for n in range(1, QUESTIONS_MAX + 1):
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "max_length": QUESTION_MAX,
        }
        if n <= len(questions):
            element["initial_value"] = question_words(tr, questions[n - 1])
        block: dict[str, Any] = {
            "type": "input",
            "block_id": StandupSetupField.QUESTION.format(n=n),
            "optional": n > 1,
            # Translators: {n} is the question's number, 1 to 5.
            "label": plain(tr.gettext("Question {n}").format(n=n)),
            "element": element,
        }
        if n == 1:
            block["hint"] = plain(
                tr.gettext(
                    "Up to five questions; empty one to drop it. Answers already given keep "
                    "the questions they answered."
                )
            )
        blocks.append(block)
    none = option(tr.gettext("None"), NO_BLOCKER_QUESTION)
    numbered = [
        # Translators: {n} is the question's number, 1 to 5.
        option(tr.gettext("Question {n}").format(n=n), str(n))
        for n in range(1, QUESTIONS_MAX + 1)
    ]
    position = current.questions.blocker_position
    blocks.append(
        {
            "type": "input",
            "block_id": StandupSetupField.BLOCKER_QUESTION,
            "label": plain(tr.gettext("The yes/no blocker question")),
            "hint": plain(
                tr.gettext(
                    "Answered yes or no; a yes comes to you as a blocker, with what is blocking."
                )
            ),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [none, *numbered],
                "initial_option": none if position is None else numbered[position],
            },
        }
    )
    day_options = [option(name, str(i)) for i, name in enumerate(weekday_names(tr))]
    working = [name for i, name in enumerate(weekday_names(tr)) if team.working_days & (1 << i)]
    blocks.append(
        {
            "type": "input",
            "block_id": StandupSetupField.DAYS,
            "label": plain(tr.gettext("Standup days")),
            "hint": plain(
                # Translators: {days} is a comma-separated list of weekday names.
                tr.gettext(
                    "One day makes it a weekly check-in. The team's working days: {days}."
                ).format(days=", ".join(working))
            ),
            "element": {
                "type": "multi_static_select",
                "action_id": "value",
                "options": day_options,
                "initial_options": [
                    o for i, o in enumerate(day_options) if current.days & (1 << i)
                ],
            },
        }
    )
    asked: dict[str, Any] = {"type": "multi_users_select", "action_id": "value"}
    if current.asked:
        asked["initial_users"] = [p.slack_user_id for p in current.asked]
    blocks.append(
        {
            "type": "input",
            "block_id": StandupSetupField.ASKED,
            "label": plain(tr.gettext("Who is asked")),
            "hint": plain(
                tr.gettext(
                    "The team's members, and the marketing owner or you if you take part. "
                    "Each can choose a time of their own with /standup time."
                )
            ),
            "element": asked,
        }
    )
    return {
        "type": "modal",
        "callback_id": Callback.STANDUP_SETUP,
        "private_metadata": json.dumps({"team": team.id}),
        "title": plain(tr.gettext("Standup set-up"), 24),
        "submit": plain(tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


# --- a standup time of one's own ------------------------------------------------------------


def own_time_modal(
    tr: Translator, team: Team, own_time: dt.time | None, zone: str
) -> dict[str, Any]:
    """The form for a standup time of one's own for `team`, in the reader's time `zone`: the
    time (their own, else the team's), and a box to go back to the team's."""
    team_time = team.standup_time.strftime("%H:%M")
    use_teams = option(tr.gettext("Use the team's time"), StandupTimeField.USE_TEAMS)
    blocks: list[dict[str, Any]] = [
        section(
            # Translators: {team} is the team's name; {zone} is a time zone such as
            # "Europe/Rome".
            tr.gettext(
                "When *{team}* asks you for your standup, in your time zone ({zone})."
            ).format(team=esc(team.name), zone=esc(zone))
        ),
        {
            "type": "input",
            "block_id": StandupTimeField.TIME,
            "label": plain(tr.gettext("Your standup time")),
            # Translators: {time} is the team's standup time, such as "09:30".
            "hint": plain(tr.gettext("The team's time is {time}.").format(time=team_time)),
            "element": {
                "type": "timepicker",
                "action_id": "value",
                "initial_time": (own_time or team.standup_time).strftime("%H:%M"),
            },
        },
        {
            "type": "input",
            "block_id": StandupTimeField.TEAMS_TIME,
            "optional": True,
            "label": plain(tr.gettext("The team's time")),
            "element": {"type": "checkboxes", "action_id": "value", "options": [use_teams]},
        },
    ]
    return {
        "type": "modal",
        "callback_id": Callback.STANDUP_TIME,
        "private_metadata": json.dumps({"team": team.id}),
        "title": plain(tr.gettext("Standup time"), 24),
        "submit": plain(tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


# --- the week at a glance --------------------------------------------------------------------


def week_message(tr: Translator, week: Week) -> dict[str, Any]:
    """`/standup week`, privately: each standup day with the team's count and the reader's
    own answer, then the blockers raised and resolved. Counts only: who answered is in each
    day's thread."""
    team = week.team
    heading = (
        # Translators: {team} is the team's name; {day} is a Monday such as "Mon 23 Nov".
        tr.gettext("*{team}* · weekly check-ins of the week of {day}")
        if week.weekly
        # Translators: {team} is the team's name; {day} is a Monday such as "Mon 23 Nov".
        else tr.gettext("*{team}* · standups of the week of {day}")
    ).format(team=esc(team.name), day=day_label(tr, week.monday))
    lines = [heading]
    for day in week.days:
        lines.append(f"• *{day_label(tr, day.day)}* · " + _week_day(tr, week, day))
    if not week.days:
        lines.append(tr.gettext("No standup this week."))
    raised = sum(week.monday <= b.raised_on for b in week.blockers)
    resolved = sum(b.resolved_on is not None for b in week.blockers)
    lines.append(
        "\n"
        # Translators: {raised} and {resolved} are numbers of blockers this week.
        + tr.gettext("*Blockers:* {raised} raised, {resolved} resolved this week").format(
            raised=raised, resolved=resolved
        )
    )
    for blocker in week.blockers[:WEEK_BLOCKERS_SHOWN]:
        lines.append(_week_blocker(tr, blocker))
    more = len(week.blockers) - WEEK_BLOCKERS_SHOWN
    if more > 0:
        # Translators: {n} is a number of blockers not listed.
        lines.append(tr.ngettext("…and {n} more.", "…and {n} more.", more).format(n=more))
    lines.append(
        # Translators: {channel} is a link to the team's channel.
        tr.gettext("The answers are in each day's thread in {channel}.").format(
            channel=channel(team.channel_id)
        )
    )
    return {"text": heading, "blocks": sections(lines)}


def _week_day(tr: Translator, week: Week, day: WeekDay) -> str:
    if day.holiday is not None:
        text = tr.gettext("no standup: a team holiday")
        return text + (f" ({esc(day.holiday)})" if day.holiday else "")
    if day.to_come:
        return tr.gettext("to come")
    # Translators: {answered} and {asked} are numbers: the people who answered that day's
    # standup, of those asked.
    count = tr.gettext("Answered: {answered} of {asked}").format(
        answered=day.answered, asked=day.asked
    )
    if day.day == week.today:
        count += " " + tr.gettext("so far")
    mine = tr.gettext("you answered") if day.mine else tr.gettext("not answered by you")
    return f"{count} · {mine}"


def _week_blocker(tr: Translator, blocker: WeekBlocker) -> str:
    # Translators: {person} is who is blocked, shown as their Slack name; {text} is the blocker
    # as they wrote it; {day} is a day such as "Tue 24 Nov".
    raised = tr.gettext("{person}: {text} (raised {day})").format(
        person=mention(blocker.raised_by),
        text=esc(truncate(blocker.text, 300)),
        day=day_label(tr, blocker.raised_on),
    )
    if blocker.resolved_on is None:
        return ":construction: " + raised
    # Translators: {day} is a day such as "Tue 24 Nov".
    resolved = tr.gettext("resolved {day}").format(day=day_label(tr, blocker.resolved_on))
    return f":white_check_mark: {raised} · {resolved}"
