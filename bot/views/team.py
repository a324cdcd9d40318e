"""The team set-up modal and the announcement of a team."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.fields import (
    DIGEST_OFF,
    DOD_MAX,
    REMINDER_CHOICES,
    RETRO_WINDOW_CHOICES,
    SECOND_REMINDER_CHOICES,
    WIP_LIMIT_MAX,
)
from bot.fields import TEAM_NAME_MAX as NAME_MAX
from bot.fields import TeamField as Field
from bot.i18n import LANGUAGES, Translator, weekday_names
from bot.models import MONDAY_TO_FRIDAY, Team
from bot.views.ids import Callback
from bot.views.text import channel, esc, mention, option, plain, section

LANGUAGE_NAMES = {"en": "English", "it": "Italiano", "nl": "Nederlands"}


def setup_modal(
    tr: Translator,
    *,
    channel_id: str,
    team: Team | None,
    member_ids: list[str],
    creator_id: str,
    default_time_zone: str,
) -> dict[str, Any]:
    """Create (team is None) or edit the team bound to `channel_id`."""
    weeks = team.sprint_length_weeks if team else 2
    days = team.working_days if team else MONDAY_TO_FRIDAY
    standup = team.standup_time if team else dt.time(9, 30)
    language = team.language if team else tr.language
    day_options = [option(name, str(i)) for i, name in enumerate(weekday_names(tr))]
    length_options = [
        # Translators: {n} is a number of weeks, 1 to 4.
        option(tr.ngettext("{n} week", "{n} weeks", n).format(n=n), str(n))
        for n in range(1, 5)
    ]
    language_options = [option(LANGUAGE_NAMES[code], code) for code in LANGUAGES]

    def users_select(block_id: str, label: str, initial: str | None) -> dict[str, Any]:
        element: dict[str, Any] = {"type": "users_select", "action_id": block_id}
        if initial:
            element["initial_user"] = initial
        return {"type": "input", "block_id": block_id, "label": plain(label), "element": element}

    members_element: dict[str, Any] = {"type": "multi_users_select", "action_id": Field.MEMBERS}
    if member_ids:
        members_element["initial_users"] = member_ids
    admin_element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": Field.ADMIN_CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if team:
        admin_element["initial_conversation"] = team.admin_channel_id

    blocks = [
        # Translators: {channel} is a link to a Slack channel.
        section(tr.gettext("This team works in {channel}.").format(channel=channel(channel_id))),
        {
            "type": "input",
            "block_id": Field.NAME,
            "label": plain(tr.gettext("Team name")),
            "element": {
                "type": "plain_text_input",
                "action_id": Field.NAME,
                "max_length": NAME_MAX,
                **({"initial_value": team.name} if team else {}),
            },
        },
        {
            "type": "input",
            "block_id": Field.ADMIN_CHANNEL,
            "label": plain(tr.gettext("Admin channel")),
            "hint": plain(
                tr.gettext(
                    "Triage cards and blockers go here, for the marketing owner and the scrum "
                    "master."
                )
            ),
            "element": admin_element,
        },
        users_select(
            Field.OWNER,
            tr.gettext("Marketing owner"),
            team.owner.slack_user_id if team else creator_id,
        ),
        users_select(
            Field.SCRUM_MASTER,
            tr.gettext("Scrum master"),
            team.scrum_master.slack_user_id if team else None,
        ),
        {
            "type": "input",
            "block_id": Field.MEMBERS,
            "label": plain(tr.gettext("Team members")),
            "element": members_element,
        },
        {
            "type": "input",
            "block_id": Field.SPRINT_LENGTH,
            "label": plain(tr.gettext("Sprint length")),
            "element": {
                "type": "static_select",
                "action_id": Field.SPRINT_LENGTH,
                "options": length_options,
                "initial_option": length_options[weeks - 1],
            },
        },
        {
            "type": "input",
            "block_id": Field.STANDUP_TIME,
            "label": plain(tr.gettext("Daily standup time")),
            "hint": plain(
                tr.gettext(
                    "Each member is asked at this time in their own time zone, unless they "
                    "choose a time of their own with /standup time."
                )
            ),
            "element": {
                "type": "timepicker",
                "action_id": Field.STANDUP_TIME,
                "initial_time": standup.strftime("%H:%M"),
            },
        },
        {
            "type": "input",
            "block_id": Field.WORKING_DAYS,
            "label": plain(tr.gettext("Working days")),
            "element": {
                "type": "multi_static_select",
                "action_id": Field.WORKING_DAYS,
                "options": day_options,
                "initial_options": [o for i, o in enumerate(day_options) if days & (1 << i)],
            },
        },
        {
            "type": "input",
            "block_id": Field.TIME_ZONE,
            "label": plain(tr.gettext("Team time zone")),
            "hint": plain(
                tr.gettext("For sprint start and close. An IANA name, such as Europe/Rome.")
            ),
            "element": {
                "type": "plain_text_input",
                "action_id": Field.TIME_ZONE,
                "initial_value": team.time_zone if team else default_time_zone,
                "max_length": 64,
            },
        },
        {
            "type": "input",
            "block_id": Field.LANGUAGE,
            "label": plain(tr.gettext("Team language")),
            "hint": plain(
                tr.gettext(
                    "For the team's channels; each person sees their own Slack language where we have it."
                )
            ),
            "element": {
                "type": "static_select",
                "action_id": Field.LANGUAGE,
                "options": language_options,
                "initial_option": language_options[LANGUAGES.index(language)],
            },
        },
        _dod_input(tr, team),
        _showcase_input(tr, team),
        _reminder_input(tr, team),
        _second_reminder_input(tr, team),
        _retro_window_input(tr, team),
        *_wip_and_digest_inputs(tr, team),
    ]
    return {
        "type": "modal",
        "callback_id": Callback.TEAM_SETUP,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": plain(tr.gettext("Team set-up"), 24),
        "submit": plain(tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


def _dod_input(tr: Translator, team: Team | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": Field.DEFINITION_OF_DONE,
        "multiline": True,
        "max_length": DOD_MAX,
    }
    if team and team.definition_of_done:
        element["initial_value"] = team.definition_of_done
    return {
        "type": "input",
        "block_id": Field.DEFINITION_OF_DONE,
        "optional": True,
        "label": plain(tr.gettext("Definition of Done")),
        "hint": plain(
            tr.gettext(
                "What every item needs before it counts as done, e.g. proofread, approved, "
                "scheduled. Shown to confirm when someone marks an item done."
            )
        ),
        "element": element,
    }


def _reminder_label(tr: Translator, minutes: int) -> str:
    if minutes < 60:
        # Translators: {n} is a number of minutes.
        return tr.ngettext("After {n} minute", "After {n} minutes", minutes).format(n=minutes)
    hours = minutes // 60
    # Translators: {n} is a number of hours.
    return tr.ngettext("After {n} hour", "After {n} hours", hours).format(n=hours)


def _reminder_input(tr: Translator, team: Team | None) -> dict[str, Any]:
    def label(minutes: int) -> str:
        return tr.gettext("No reminder") if minutes == 0 else _reminder_label(tr, minutes)

    options = [option(label(m), str(m)) for m in REMINDER_CHOICES]
    current = team.standup_reminder_minutes if team else 120
    return {
        "type": "input",
        "block_id": Field.STANDUP_REMINDER,
        "label": plain(tr.gettext("Standup reminder")),
        "hint": plain(
            tr.gettext(
                "A private reminder to those who have not answered their standup yet, this "
                "long after they were asked."
            )
        ),
        "element": {
            "type": "static_select",
            "action_id": Field.STANDUP_REMINDER,
            "options": options,
            "initial_option": options[REMINDER_CHOICES.index(current)]
            if current in REMINDER_CHOICES
            else options[3],
        },
    }


def _second_reminder_input(tr: Translator, team: Team | None) -> dict[str, Any]:
    def label(minutes: int) -> str:
        return tr.gettext("No second reminder") if minutes == 0 else _reminder_label(tr, minutes)

    options = [option(label(m), str(m)) for m in SECOND_REMINDER_CHOICES]
    current = team.standup_second_reminder_minutes if team else 0
    return {
        "type": "input",
        "block_id": Field.STANDUP_SECOND_REMINDER,
        "label": plain(tr.gettext("Second standup reminder")),
        "hint": plain(tr.gettext("Later than the first, to those who still have not answered.")),
        "element": {
            "type": "static_select",
            "action_id": Field.STANDUP_SECOND_REMINDER,
            "options": options,
            "initial_option": options[SECOND_REMINDER_CHOICES.index(current)]
            if current in SECOND_REMINDER_CHOICES
            else options[0],
        },
    }


def _retro_window_input(tr: Translator, team: Team | None) -> dict[str, Any]:
    options = [
        # Translators: {n} is a number of working days.
        option(tr.ngettext("{n} working day", "{n} working days", n).format(n=n), str(n))
        for n in RETRO_WINDOW_CHOICES
    ]
    current = team.retro_window_days if team else 1
    return {
        "type": "input",
        "block_id": Field.RETRO_WINDOW,
        "label": plain(tr.gettext("Retrospective duration")),
        "hint": plain(
            tr.gettext(
                "After each sprint: this many working days to add items, then as many to vote."
            )
        ),
        "element": {
            "type": "static_select",
            "action_id": Field.RETRO_WINDOW,
            "options": options,
            "initial_option": options[RETRO_WINDOW_CHOICES.index(current)]
            if current in RETRO_WINDOW_CHOICES
            else options[0],
        },
    }


def _showcase_input(tr: Translator, team: Team | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": Field.SHOWCASE_CHANNEL,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if team and team.showcase_channel_id:
        element["initial_conversation"] = team.showcase_channel_id
    return {
        "type": "input",
        "block_id": Field.SHOWCASE_CHANNEL,
        "optional": True,
        "label": plain(tr.gettext("Showcase channel")),
        "hint": plain(
            tr.gettext(
                "Where stakeholders follow the sprint showcase. Leave empty for the team channel."
            )
        ),
        "element": element,
    }


def _wip_and_digest_inputs(tr: Translator, team: Team | None) -> list[dict[str, Any]]:
    """The scrum master's WIP limit and weekly digest (the service refuses anyone else's
    change)."""
    wip: dict[str, Any] = {
        "type": "number_input",
        "action_id": Field.WIP_LIMIT,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(WIP_LIMIT_MAX),
    }
    if team and team.wip_limit:
        wip["initial_value"] = str(team.wip_limit)
    days = [option(tr.gettext("No weekly digest"), DIGEST_OFF)] + [
        option(name, str(i)) for i, name in enumerate(weekday_names(tr))
    ]
    weekday = team.digest_weekday if team else None
    time = (team.digest_time if team else None) or dt.time(9, 0)
    return [
        {
            "type": "input",
            "block_id": Field.WIP_LIMIT,
            "optional": True,
            "label": plain(tr.gettext("WIP limit (items in progress)")),
            "hint": plain(
                tr.gettext(
                    "The most items the team works on at once. Over it, the board says so and "
                    "whoever starts one more is asked to finish one first; nothing is blocked. "
                    "Empty: no limit. Set by the scrum master."
                )
            ),
            "element": wip,
        },
        {
            "type": "input",
            "block_id": Field.DIGEST_DAY,
            "label": plain(tr.gettext("Weekly digest for stakeholders")),
            "hint": plain(
                tr.gettext(
                    "Once a week on this day: the sprint's progress, the top of the backlog, the "
                    "ideas accepted and declined, and the experiment results, in the showcase "
                    "channel (else the team channel). Set by the scrum master."
                )
            ),
            "element": {
                "type": "static_select",
                "action_id": Field.DIGEST_DAY,
                "options": days,
                "initial_option": days[0 if weekday is None else weekday + 1],
            },
        },
        {
            "type": "input",
            "block_id": Field.DIGEST_TIME,
            "label": plain(tr.gettext("Digest time")),
            "hint": plain(tr.gettext("In the team's time zone.")),
            "element": {
                "type": "timepicker",
                "action_id": Field.DIGEST_TIME,
                "initial_time": time.strftime("%H:%M"),
            },
        },
    ]


def _wip_and_digest_lines(tr: Translator, team: Team) -> list[str]:
    lines = []
    if team.wip_limit:
        lines.append(
            # Translators: {n} is the team's limit of items in progress at once.
            tr.ngettext(
                "WIP limit: {n} item in progress",
                "WIP limit: {n} items in progress",
                team.wip_limit,
            ).format(n=team.wip_limit)
        )
    if team.digest_weekday is not None:
        lines.append(
            # Translators: {day} is a weekday such as "Monday"; {time} is a time of day such as
            # "09:00".
            tr.gettext("Weekly digest for stakeholders: {day} at {time}").format(
                day=weekday_names(tr)[team.digest_weekday],
                time=team.digest_time.strftime("%H:%M"),
            )
        )
    return lines


def team_saved_message(
    tr: Translator, team: Team, member_ids: list[str], created: bool
) -> dict[str, Any]:
    """Posted in the team's channel, so everyone sees who plays which role."""
    headline = (
        # Translators: {team} is the team's name.
        tr.gettext("*{team}* is set up in this channel.")
        if created
        # Translators: {team} is the team's name.
        else tr.gettext("The set-up of *{team}* was updated.")
    ).format(team=esc(team.name))
    days = [name for i, name in enumerate(weekday_names(tr)) if team.working_days & (1 << i)]
    details = "\n".join(
        [
            # Translators: {person} is the marketing owner, shown as their Slack name.
            tr.gettext("Marketing owner: {person}").format(
                person=mention(team.owner.slack_user_id)
            ),
            # Translators: {person} is the scrum master, shown as their Slack name.
            tr.gettext("Scrum master: {person}").format(
                person=mention(team.scrum_master.slack_user_id)
            ),
            # Translators: {people} is a comma-separated list of people, shown as their Slack names.
            tr.gettext("Members: {people}").format(
                people=", ".join(mention(m) for m in member_ids)
            ),
            # Translators: {n} is a number of weeks, 1 to 4.
            tr.ngettext(
                "Sprints of {n} week", "Sprints of {n} weeks", team.sprint_length_weeks
            ).format(n=team.sprint_length_weeks)
            + " · "
            # Translators: {time} is a time of day such as "9:30".
            + tr.gettext("standup at {time}").format(time=team.standup_time.strftime("%H:%M"))
            + " · "
            + ", ".join(days)
            + f" · {esc(team.time_zone)}",
            # Translators: {channel} is a link to a Slack channel.
            tr.gettext("Admin channel: {channel}").format(channel=channel(team.admin_channel_id)),
        ]
    )
    details += "".join("\n" + line for line in _wip_and_digest_lines(tr, team))
    hint = tr.gettext("Anyone can submit an idea with `/idea` and see the backlog with `/backlog`.")
    return {"text": headline, "blocks": [section(headline), section(details), section(hint)]}
