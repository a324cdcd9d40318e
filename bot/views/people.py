"""Messages about people as Slack knows them: a member who left Slack, profiles not read yet."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.models import Person, Team
from bot.views.text import context, esc, mention, section


def left_slack_message(tr: Translator, team: Team, person: Person) -> dict[str, Any]:
    """To the scrum master, once: a member's Slack account was deactivated."""
    # Translators: {person} is a Slack mention of the member; {team} is the team's name.
    text = tr.gettext(
        "{person} has left this Slack workspace, so I no longer send them standup prompts for "
        "{team}."
    ).format(person=mention(person.slack_user_id), team=esc(team.name))
    hint = tr.gettext("You can take them off the team with `/agile setup`.")
    return {"text": text, "blocks": [section(":wave: " + text), context(hint)]}


def profiles_unknown(tr: Translator, slack_user_ids: list[str]) -> str:
    """To whoever set the team up: profiles Slack did not give us yet."""
    # Translators: {people} is a list of Slack mentions.
    return tr.gettext(
        "I could not read the Slack profiles of {people} yet, so until I can, their standup "
        "goes out at the team's time, in the team's time zone and language. I will try again "
        "within the hour."
    ).format(people=", ".join(mention(u) for u in slack_user_ids))
