"""The team's WIP limit in words: the board's "Doing" heading, and the private nudge to whoever
starts an item over the limit. Team-level only: the numbers are the team's, never a person's.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from bot.views.help import notice
from bot.views.text import esc


def doing_heading(tr: Translator, label: str, doing: int, limit: int | None) -> str:
    """The heading of the board's Doing items: "*Doing* (2)"; with a limit, "*Doing* (2 of a
    limit of 3)", and over it a warning that says so plainly."""
    if limit is None:
        return f"*{label}* ({doing})"
    # Translators: {doing} is the number of items in progress; {limit} is the team's WIP limit.
    count = tr.gettext("{doing} of a limit of {limit}").format(doing=doing, limit=limit)
    if doing <= limit:
        return f"*{label}* ({count})"
    over = tr.gettext("Over the team's WIP limit: finish an item before starting another.")
    return f":warning: *{label}* ({count}). {over}"


def wip_nudge(tr: Translator, team_name: str, doing: int, limit: int) -> dict[str, Any]:
    """Said privately to whoever just started an item over the team's limit: the item has
    started (nothing is blocked), and finishing comes first."""
    # Translators: {team} is the team's name; {doing} is the number of items in progress now
    # (more than the limit); {limit} is the team's WIP limit.
    text = tr.gettext(
        "{team} now has {doing} items in progress, over its WIP limit of {limit}. Your item "
        "has started; finishing one before starting another gets work to customers sooner."
    ).format(team=esc(team_name), doing=doing, limit=limit)
    return notice(":warning: " + text)
