"""The Home tab: one person's agile week at a glance, across all their teams, in their language.

For each team (a header, then short lines a phone shows whole): their roles, the running
sprint (goal, committed and done points, working days left), today's standup for whom it asks
(answered, or a button to answer) and their standup time with Change…, the ideas awaiting
triage with Accept and Decline for the marketing owner, the open blockers with Resolve for the
scrum master, and Plan a sprint for either. Then the person's own ideas with their status, and what they voted for. Someone in no
team is told what agilebot is and how to start.

Slack allows 100 blocks in a Home tab: the lists are shortened (5 rows each, then 3, 1, none)
until the tab fits, then teams are left out; what is left out is always counted and pointed
to. Team-level only, like everything the bot shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from babel.dates import format_time

from bot.i18n import Translator, day_label
from bot.models import Sprint
from bot.services.home import (
    Home,
    ItemLine,
    NoStandup,
    OpenBlocker,
    Role,
    StandupToday,
    TeamHome,
)
from bot.views.follows import follow_menu
from bot.views.ideas import item_facts, item_heading, triage_buttons
from bot.views.ids import Action
from bot.views.sprint import goal_lines
from bot.views.text import (
    KIND_EMOJI,
    button,
    channel,
    context,
    esc,
    mention,
    plain,
    section,
    status_label,
    truncate,
)

HOME_BLOCKS_MAX = 100  # Slack's limit for a Home tab
HEADER_TEXT_MAX = 150
# Rows of each list, tried in turn until the tab fits in HOME_BLOCKS_MAX blocks.
LIST_CAPS = (5, 3, 1, 0)
TITLE_SHOWN_MAX = 200  # of an escaped title in a one-line list
BLOCKER_SHOWN_MAX = 600  # of an escaped blocker's text


class HomeAction:
    """The Home tab's own buttons; the others reuse the ids of the messages they mirror
    (Accept, Decline, Resolve, Answer the standup)."""

    SUBMIT_IDEA = "home.submit_idea"
    PLAN_SPRINT = "home.plan_sprint"
    STANDUP_TIME = "home.standup_time"  # Change… a standup time of one's own


def home_view(tr: Translator, home: Home) -> dict[str, Any]:
    """The Home tab (`views.publish`) for `home.person`, in `tr`'s language."""
    return {"type": "home", "blocks": _fitting(tr, home)}


def _fitting(tr: Translator, home: Home) -> list[dict[str, Any]]:
    """The fullest tab within Slack's 100 blocks: shorter lists first, then fewer teams."""
    everyone = len(home.teams)
    for cap in LIST_CAPS:
        blocks = _blocks(tr, home, cap, everyone)
        if len(blocks) <= HOME_BLOCKS_MAX:
            return blocks
    for shown in range(everyone - 1, -1, -1):
        blocks = _blocks(tr, home, 0, shown)
        if len(blocks) <= HOME_BLOCKS_MAX:
            return blocks
    return blocks[:HOME_BLOCKS_MAX]  # unreachable: no team, no list, a handful of blocks


def _blocks(tr: Translator, home: Home, cap: int, teams_shown: int) -> list[dict[str, Any]]:
    if not home.teams:
        blocks = _welcome(tr, home)
    else:
        blocks = _greeting(tr, home)
        for team_home in home.teams[:teams_shown]:
            blocks += _team(tr, team_home, cap)
        left_out = len(home.teams) - teams_shown
        if left_out:
            blocks.append(
                context(
                    # Translators: {n} is a number of teams not shown on the Home tab.
                    tr.ngettext(
                        "…and {n} more team: see its channel.",
                        "…and {n} more teams: see their channels.",
                        left_out,
                    ).format(n=left_out)
                )
            )
    return blocks + _mine(tr, home, cap)


# --- the top ---------------------------------------------------------------------------------


def _submit_idea_button(tr: Translator) -> dict[str, Any]:
    return button(tr.gettext("Submit an idea"), HomeAction.SUBMIT_IDEA, "idea", style="primary")


def _greeting(tr: Translator, home: Home) -> list[dict[str, Any]]:
    # Translators: {person} is the reader, shown as their Slack name.
    hello = tr.gettext("Hi {person}! Your teams, sprints and standups, and your ideas.").format(
        person=mention(home.person.slack_user_id)
    )
    blocks = [section(":wave: " + hello, accessory=_submit_idea_button(tr))]
    if home.away:
        periods = ", ".join(
            # Translators: {start} is a short date such as "Mon 7 Dec"; {end} is another.
            tr.gettext("{start} → {end}").format(start=day_label(tr, s), end=day_label(tr, e))
            for s, e in home.away
        )
        blocks.append(
            context(
                ":palm_tree: "
                # Translators: {periods} is a list of date ranges such as "Mon 21 Dec → Sun 3
                # Jan".
                + tr.gettext("Away: {periods}. Back earlier? `/standup back`.").format(
                    periods=periods
                )
            )
        )
    return blocks


def _welcome(tr: Translator, home: Home) -> list[dict[str, Any]]:
    """For someone in no team: what agilebot is, and how to start."""
    intro = tr.gettext(
        "*agilebot* runs your marketing team's agile cadence in Slack: ideas go into one "
        "shared backlog that everyone can see and vote on, and the marketing owner orders it "
        "by effort, customer value and business value."
    )
    start = "\n".join(
        [
            tr.gettext(
                "`/agile setup`: set up or edit the team of this channel (name, admin channel, "
                "marketing owner, scrum master, members, sprint length, standup time, working "
                "days, language, Definition of Done, showcase channel)."
            ),
            tr.gettext("`/idea [title]`: submit an idea (anyone, stakeholders included)."),
        ]
    )
    where = (
        tr.gettext(
            "You are not in a team yet: a team's scrum master can add you with `/agile setup` "
            "in the team's channel. Meanwhile you can submit ideas and vote."
        )
        if home.workspace_has_teams
        else tr.gettext("No team is set up yet. Run `/agile setup` in your team's channel.")
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(tr.gettext("Welcome to agilebot"), HEADER_TEXT_MAX)},
        section(intro),
        section(start),
        context(where),
    ]
    if home.workspace_has_teams:
        blocks.append({"type": "actions", "elements": [_submit_idea_button(tr)]})
    return blocks


# --- a team ----------------------------------------------------------------------------------


def _role_label(tr: Translator, role: Role) -> str:
    return {
        Role.OWNER: tr.gettext("Marketing owner"),
        Role.SCRUM_MASTER: tr.gettext("Scrum master"),
        Role.MEMBER: tr.gettext("Member"),
    }[role]


def _team(tr: Translator, home: TeamHome, cap: int) -> list[dict[str, Any]]:
    team = home.team
    roles = [_role_label(tr, role) for role in Role if role in home.roles]
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        {
            "type": "header",
            "block_id": f"team:{team.id}",
            "text": plain(team.name, HEADER_TEXT_MAX),
        },
        context(" · ".join([*roles, channel(team.channel_id)])),
        _sprint(tr, home),
    ]
    if home.standup is not None:
        blocks += _standup(tr, home, home.standup)
    if home.triage_total:
        blocks += _triage(tr, home, cap)
    if home.blockers_total:
        blocks += _blockers(tr, home, cap)
    return blocks


def _sprint(tr: Translator, home: TeamHome) -> dict[str, Any]:
    """The running sprint (else the next one): goal, committed and done, days left."""
    plan = None
    if home.can_plan and home.next_sprint is None:
        plan = button(tr.gettext("Plan a sprint"), HomeAction.PLAN_SPRINT, str(home.team.id))
    if home.running is not None:
        sprint, totals = home.running.sprint, home.running.totals
        # Translators: {n} is a number of working days.
        left = tr.ngettext("{n} working day left", "{n} working days left", home.running.days_left)
        # Translators: {done}, {scope} and {capacity} are each a whole number of points.
        progress = tr.gettext("{done} of {scope} points done · capacity {capacity}").format(
            done=totals.done_points, scope=totals.scope_points, capacity=sprint.capacity
        )
        lines = [
            f":runner: *{_sprint_number(tr, sprint.number)}* · "
            + left.format(n=home.running.days_left),
            goal_lines(tr, sprint),
            progress,
        ]
        if home.next_sprint is not None:
            lines.append(_next_sprint(tr, home.next_sprint))
    elif home.next_sprint is not None:
        lines = [_next_sprint(tr, home.next_sprint), goal_lines(tr, home.next_sprint)]
    else:
        lines = [":zzz: " + tr.gettext("No sprint is running.")]
    return section("\n".join(lines), accessory=plan)


def _next_sprint(tr: Translator, sprint: Sprint) -> str:
    return (
        f":calendar: *{_sprint_number(tr, sprint.number)}* · "
        # Translators: {day} is a day such as "Tue 24 Nov".
        + tr.gettext("starts {day}").format(day=day_label(tr, sprint.start_date))
    )


def _sprint_number(tr: Translator, number: int) -> str:
    # Translators: {number} is the sprint's number.
    return tr.gettext("Sprint {number}").format(number=number)


def _standup(tr: Translator, home: TeamHome, standup: StandupToday) -> list[dict[str, Any]]:
    """Today's standup, then the reader's standup time with Change…: in the same block when
    the standup has no button of its own (a block fewer in the tab's budget), else in a block
    of its own, since a section holds one button."""
    status, answer = _standup_today(tr, home, standup)
    when = _standup_time(tr, home, standup)
    change = button(tr.gettext("Change…"), HomeAction.STANDUP_TIME, str(home.team.id))
    block_id = f"standup_time:{home.team.id}"
    if answer is None:
        return [section(f"{status}\n{when}", accessory=change, block_id=block_id)]
    return [section(status, accessory=answer), section(when, accessory=change, block_id=block_id)]


def _standup_today(
    tr: Translator, home: TeamHome, standup: StandupToday
) -> tuple[str, dict[str, Any] | None]:
    """Where today's standup stands, and the button to answer it (or edit the answer) if any."""
    value = f"{home.team.id}:{standup.day.isoformat()}"
    if standup.answered:
        return (
            ":white_check_mark: " + tr.gettext("Today's standup: answered."),
            button(tr.gettext("Edit my answer"), Action.STANDUP_OPEN, value),
        )
    if standup.none_because is NoStandup.DAY_OFF and standup.next_day is not None:
        # Translators: {day} is a day such as "Tue 24 Nov".
        text = tr.gettext("No standup today: the next one is on {day}.").format(
            day=day_label(tr, standup.next_day)
        )
        return ":zzz: " + text, None
    if standup.none_because is NoStandup.DAY_OFF:
        return ":zzz: " + tr.gettext("No standup today: not a working day."), None
    if standup.none_because is NoStandup.HOLIDAY:
        text = tr.gettext("No standup today: a team holiday.")
        note = f" ({esc(standup.holiday_note)})" if standup.holiday_note else ""
        return ":palm_tree: " + text + note, None
    if standup.none_because is NoStandup.AWAY and standup.away_until is not None:
        # Translators: {day} is a day such as "Tue 24 Nov".
        text = tr.gettext("No standup today: you are away until {day}.").format(
            day=day_label(tr, standup.away_until)
        )
        return ":palm_tree: " + text, None
    return (
        ":sunrise: " + tr.gettext("Today's standup is waiting for your answer."),
        button(tr.gettext("Answer the standup"), Action.STANDUP_OPEN, value, style="primary"),
    )


def _standup_time(tr: Translator, home: TeamHome, standup: StandupToday) -> str:
    """The reader's standup time for the team: their own (with the team's beside it), or the
    team's. Both are read on the reader's clock: the team's time is theirs too, in their own
    time zone, unless they chose another."""
    team_time = clock(tr, home.team.standup_time)
    if standup.own_time is None:
        # Translators: {time} is a time of day such as "9:30", in the reader's time zone.
        text = tr.gettext("Your standup: at the team's time, {time} your time.")
        return ":alarm_clock: " + text.format(time=team_time)
    # Translators: {time} is the reader's own standup time, such as "8:30", in their time
    # zone; {team_time} is the team's standup time, such as "9:30".
    text = tr.gettext("Your standup: {time} your time (the team's: {team_time}).")
    return ":alarm_clock: " + text.format(time=clock(tr, standup.own_time), team_time=team_time)


def clock(tr: Translator, time: dt.time) -> str:
    """A time of day as the reader writes it, on a 24-hour clock: "9:30", "17:00"."""
    return format_time(time, "H:mm", locale=tr.language)


def _triage(tr: Translator, home: TeamHome, cap: int) -> list[dict[str, Any]]:
    """The ideas awaiting the owner's triage, each with Accept and Decline."""
    total = home.triage_total
    # Translators: {n} is a number of ideas.
    title = tr.ngettext("{n} idea awaiting triage", "{n} ideas awaiting triage", total)
    blocks: list[dict[str, Any]] = [section(":inbox_tray: *" + title.format(n=total) + "*")]
    shown = home.triage[:cap]
    for item in shown:
        blocks.append(section(f"{item_heading(tr, item)}\n{item_facts(tr, item)}"))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"triage:{item.id}",
                "elements": triage_buttons(tr, str(item.id)),
            }
        )
    more = total - len(shown)
    if more:
        blocks.append(
            context(
                # Translators: {n} is a number of ideas not shown; {channel} is a link to the
                # team's channel.
                tr.ngettext(
                    "…and {n} more idea: `/backlog` in {channel}.",
                    "…and {n} more ideas: `/backlog` in {channel}.",
                    more,
                ).format(n=more, channel=channel(home.team.channel_id))
            )
        )
    return blocks


def _blockers(tr: Translator, home: TeamHome, cap: int) -> list[dict[str, Any]]:
    """The team's open blockers, each with Resolve, for its scrum master."""
    total = home.blockers_total
    # Translators: {n} is a number of blockers.
    title = tr.ngettext("{n} open blocker", "{n} open blockers", total).format(n=total)
    blocks: list[dict[str, Any]] = [section(":construction: *" + title + "*")]
    shown = home.blockers[:cap]
    blocks += [_blocker(tr, blocker) for blocker in shown]
    more = total - len(shown)
    if more:
        blocks.append(
            context(
                # Translators: {n} is a number of blockers not shown; {channel} is a link to the
                # team's admin channel.
                tr.ngettext(
                    "…and {n} more blocker in {channel}.",
                    "…and {n} more blockers in {channel}.",
                    more,
                ).format(n=more, channel=channel(home.team.admin_channel_id))
            )
        )
    return blocks


def _blocker(tr: Translator, blocker: OpenBlocker) -> dict[str, Any]:
    # Translators: {person} is the member who is blocked, shown as their Slack name; {text} is
    # the blocker, as the member typed it.
    text = tr.gettext("{person}: {text}").format(
        person=mention(blocker.raised_by), text=truncate(esc(blocker.text), BLOCKER_SHOWN_MAX)
    )
    return section(
        text,
        accessory=button(tr.gettext("Resolve"), Action.BLOCKER_RESOLVE, str(blocker.id), "primary"),
        block_id=f"blocker:{blocker.id}",
    )


# --- the person's own ideas and votes --------------------------------------------------------


def _mine(tr: Translator, home: Home, cap: int) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    lists: list[tuple[str, list[ItemLine], int, Callable[[int], str]]] = [
        (tr.gettext("Your ideas"), home.ideas, home.ideas_total, lambda n: _more_ideas(tr, n)),
        (tr.gettext("Your votes"), home.votes, home.votes_total, lambda n: _more_votes(tr, n)),
    ]
    for title, lines, total, more_text in lists:
        if not total:
            continue
        blocks += [{"type": "divider"}, {"type": "header", "text": plain(title, HEADER_TEXT_MAX)}]
        shown = lines[:cap]
        if shown:  # with Follow or Stop following each (views.follows)
            menu = follow_menu(tr, [(line.id, line.following) for line in shown])
            blocks.append(section("\n".join(_item_line(tr, line) for line in shown), menu))
        if total > len(shown):
            blocks.append(context(more_text(total - len(shown))))
    if home.teams and not home.ideas_total:
        blocks.append(
            context(tr.gettext("Your ideas and their status show here once you submit one."))
        )
    return blocks


def _more_ideas(tr: Translator, n: int) -> str:
    # Translators: {n} is a number of the reader's ideas not shown.
    return tr.ngettext(
        "…and {n} more idea: see `/backlog`.", "…and {n} more ideas: see `/backlog`.", n
    ).format(n=n)


def _more_votes(tr: Translator, n: int) -> str:
    # Translators: {n} is a number of the reader's votes not shown.
    return tr.ngettext(
        "…and {n} more vote: see `/backlog`.", "…and {n} more votes: see `/backlog`.", n
    ).format(n=n)


def _item_line(tr: Translator, line: ItemLine) -> str:
    """One line of a list, such as "• :test_tube: #12 *Offer A vs B* · Growth · Ready · 3 votes"."""
    title = truncate(esc(line.title), TITLE_SHOWN_MAX)
    facts = [
        f"{KIND_EMOJI[line.kind]} #{line.id} *{title}*",
        esc(line.team_name),
        status_label(tr, line.status),
        # Translators: {n} is a number of votes.
        tr.ngettext("{n} vote", "{n} votes", line.votes).format(n=line.votes),
    ]
    if line.following:
        facts.append(":bell: " + tr.gettext("following"))
    return "• " + " · ".join(facts)
