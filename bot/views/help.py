"""`/agile help`: what the bot does and every command."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.views.text import context, esc, section


def help_message(tr: Translator, unknown: str | None = None) -> dict[str, Any]:
    """An ephemeral message (text + blocks) listing every command, for the person asking."""
    intro = tr.gettext(
        "*agilebot* runs your marketing team's agile cadence in Slack: ideas go into one "
        "shared backlog that everyone can see and vote on, and the marketing owner orders it "
        "by effort, customer value and business value."
    )
    commands = "\n".join(
        [
            tr.gettext("`/idea [title]`: submit an idea (anyone, stakeholders included)."),
            tr.gettext(
                "`/backlog`: the team's ordered backlog, with votes; the marketing owner can "
                "triage, reorder and rescore from it."
            ),
            tr.gettext(
                "`/sprint`: the team's sprint board; `/sprint plan`, `edit`, `start`, `end` for "
                "the marketing owner and the scrum master; `/sprint velocity`. `/sprint help` "
                "tells more."
            ),
            tr.gettext("`/burnup`: post the sprint's burnup chart in the channel."),
            tr.gettext(
                "`/retro`: the team's retrospective (it also opens by itself when a sprint "
                "closes): add items, then vote; anonymous unless the scrum master names them. "
                "`/retro note`: keep an item for the next one, unseen until it opens."
            ),
            tr.gettext(
                "`/standup`: answer today's standup (I also ask each member privately at the "
                "team's standup time, in their own time zone); `/standup time 08:30` for a time "
                "of your own, `/standup week` for the team's week, `/standup help` for more."
            ),
            tr.gettext(
                "`/agile setup`: set up or edit the team of this channel (name, admin channel, "
                "marketing owner, scrum master, members, sprint length, standup time, working "
                "days, language, Definition of Done, showcase channel)."
            ),
            tr.gettext(
                "`/agile activities`: the team's activities (content, community, outreach…) in "
                "its own words, for the marketing owner and the scrum master; the sprint "
                "planning shows how long each really takes."
            ),
            tr.gettext(
                "`/agile export`: the team's backlog, sprints and experiments as CSV files in "
                "your DMs (the team's members, marketing owner and scrum master)."
            ),
            tr.gettext("`/agile help`: this help."),
        ]
    )
    scoring = tr.gettext(
        "Score = (customer value + business value) ÷ effort points; more votes break ties. "
        "Once the marketing owner moves an item, their order stands."
    )
    blocks: list[dict[str, Any]] = []
    fallback = intro
    if unknown is not None:
        # Translators: {command} is the command as the person typed it.
        warning = tr.gettext("I don't know the command `{command}`. Here is what I can do:").format(
            command=esc(unknown[:100])
        )
        blocks.append(section(":grey_question: " + warning))
        fallback = warning
    blocks += [section(intro), section(commands), context(scoring)]
    return {"text": fallback, "blocks": blocks}


def sprint_help(tr: Translator, unknown: str | None = None) -> dict[str, Any]:
    """`/sprint help`: the sprint commands and how the cadence runs."""
    lines = "\n".join(
        [
            tr.gettext("`/sprint`: the current sprint: goal, dates, days left, points, items."),
            tr.gettext(
                "`/sprint plan`: plan the next sprint (marketing owner or scrum master): goal, "
                "start, length, capacity, and items from the top of the backlog."
            ),
            tr.gettext("`/sprint edit`: change the current sprint's goal, capacity or items."),
            tr.gettext("`/sprint start` and `/sprint end`: start or end the sprint now."),
            tr.gettext("`/sprint velocity`: committed against completed, sprint by sprint."),
            tr.gettext("`/burnup`: the burnup chart of the running sprint."),
        ]
    )
    cadence = tr.gettext(
        "A sprint starts at 9:00 on its first working day and closes at 17:00 on its last, in "
        "the team's time zone: I announce it, take a snapshot every working day, and post the "
        "showcase with the charts at the close. Unfinished items go back to the top of the "
        "backlog."
    )
    blocks: list[dict[str, Any]] = []
    fallback = lines
    if unknown is not None:
        # Translators: {command} is the command as the person typed it.
        warning = tr.gettext("I don't know the command `{command}`. Here is what I can do:").format(
            command=esc(unknown[:100])
        )
        blocks.append(section(":grey_question: " + warning))
        fallback = warning
    blocks += [section(lines), context(cadence)]
    return {"text": fallback, "blocks": blocks}


def notice(text: str) -> dict[str, Any]:
    """A one-line private answer (text already escaped where it carries user input)."""
    return {"text": text, "blocks": [section(text)]}
