"""The weekly digest for stakeholders, in the team's language: the running sprint's goal and
progress, the top of the backlog, the ideas accepted and declined this week (declined with
their reasons) and the experiment results recorded. User text is escaped; long lists are cut
and counted, so the message stays within Slack's limits whatever the week held."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator, day_label
from bot.models import ItemKind
from bot.services.digests import Digest, Item
from bot.views.sprint import goal_lines, sprint_title
from bot.views.text import KIND_EMOJI, context, esc, result_text, section, sections, truncate

LIST_MAX = 10  # entries a list of the digest names; the rest are counted
REASON_MAX = 300  # characters of a decline reason or a learning, in a digest
TITLE_MAX = 150


def digest_message(tr: Translator, digest: Digest) -> dict[str, Any]:
    team = digest.team
    zone = ZoneInfo(team.time_zone)
    # Translators: {team} is the team's name.
    title = tr.gettext("Weekly digest of {team}")
    # Translators: {start} and {end} are days such as "Mon 23 Mar": the week the digest tells.
    week = tr.gettext("{start} → {end}").format(
        start=day_label(tr, digest.start.astimezone(zone).date()),
        end=day_label(tr, digest.end.astimezone(zone).date()),
    )
    blocks: list[dict[str, Any]] = [
        section(":newspaper: *" + title.format(team=esc(team.name)) + "*"),
        context(week),
        section(_sprint(tr, digest)),
    ]
    top = [f"{n}. {KIND_EMOJI[item.kind]} {_title(item)}" for n, item in enumerate(digest.top, 1)]
    blocks += _listed(
        tr,
        ":bookmark_tabs: " + tr.gettext("Top of the backlog"),
        top or [tr.gettext("The backlog has no ready items.")],
    )
    if digest.accepted:
        lines = [f"• {KIND_EMOJI[item.kind]} {_title(item)}" for item in digest.accepted]
        blocks += _listed(tr, ":white_check_mark: " + tr.gettext("Ideas accepted this week"), lines)
    if digest.declined:
        lines = [_declined(tr, item) for item in digest.declined]
        blocks += _listed(tr, ":no_entry_sign: " + tr.gettext("Ideas declined this week"), lines)
    if digest.results:
        lines = []
        for result in digest.results:
            line = (
                f"• {KIND_EMOJI[ItemKind.EXPERIMENT]} *{esc(truncate(result.title, TITLE_MAX))}*"
                f": {result_text(tr, result.result, result.figure, result.kpi)}"
            )
            if result.learning:
                # Translators: {learning} is what the experiment taught, as a person typed it.
                line += "\n    " + tr.gettext("*Learning:* {learning}").format(
                    learning=esc(truncate(result.learning, REASON_MAX))
                )
            lines.append(line)
        blocks += _listed(tr, ":test_tube: " + tr.gettext("Experiment results this week"), lines)
    if not (digest.accepted or digest.declined or digest.results):
        blocks.append(
            context(
                tr.gettext(
                    "No ideas were accepted or declined this week, and no experiment results "
                    "were recorded."
                )
            )
        )
    blocks.append(
        context(
            tr.gettext(
                "Anyone can submit an idea with `/idea` and see the backlog with `/backlog`."
            )
        )
    )
    return {"text": esc(title.format(team=team.name)) + " · " + week, "blocks": blocks}


def _sprint(tr: Translator, digest: Digest) -> str:
    team, sprint = digest.team, digest.sprint
    if sprint is None:
        # Translators: {team} is the team's name.
        text = ":zzz: " + tr.gettext("No sprint is running in {team}.").format(team=esc(team.name))
        if digest.upcoming is not None and digest.upcoming_start is not None:
            # Translators: {day} is a day such as "Tue 24 Nov".
            starts = tr.gettext("starts {day}").format(day=day_label(tr, digest.upcoming_start))
            text += (
                f"\n:calendar: *{sprint_title(tr, team, digest.upcoming)}* · {starts}\n"
                + goal_lines(tr, digest.upcoming)
            )
        return text
    done, scope = (
        (digest.totals.done_points, digest.totals.scope_points) if digest.totals else (0, 0)
    )
    # Translators: {done} and {scope} are each a whole number of points: those done so far of
    # those the sprint holds.
    progress = tr.gettext("*Progress:* {done} of {scope} points done").format(
        done=done, scope=scope
    )
    # Translators: {n} is a number of working days.
    left = tr.ngettext("{n} working day left", "{n} working days left", digest.days_left).format(
        n=digest.days_left
    )
    return (
        f":runner: *{sprint_title(tr, team, sprint)}*\n{goal_lines(tr, sprint)}\n"
        f"{progress} · {left}"
    )


def _title(item: Item) -> str:
    return esc(truncate(item.title, TITLE_MAX))


def _declined(tr: Translator, item: Item) -> str:
    line = f"• {KIND_EMOJI[item.kind]} {_title(item)}"
    if item.reason:
        # Translators: {why} is why the marketing owner declined the idea, as they typed it.
        line += ": " + tr.gettext("“{why}”").format(why=esc(truncate(item.reason, REASON_MAX)))
    return line


def _listed(tr: Translator, heading: str, lines: list[str]) -> list[dict[str, Any]]:
    """A heading and its first lines, with how many more there are, in as many sections as
    Slack's 3000 characters a section need."""
    more = len(lines) - LIST_MAX
    shown = [f"*{heading}*", *lines[:LIST_MAX]]
    if more > 0:
        # Translators: {n} is a number of entries not shown.
        shown.append(tr.ngettext("…and {n} more.", "…and {n} more.", more).format(n=more))
    return sections(shown)
