"""The WIP limit and the weekly digest, end to end through signed requests and the Slack double:
the scrum master sets both in `/agile setup` (errors on the fields; the marketing owner, who may
change the set-up, cannot change these, and a member's forged form changes nothing); the board
shows the limit and says when it is over; starting an item over the limit still starts it and
nudges its starter privately, in their language; the digest chosen in the form is posted at
its time, in the team's language."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.fields import SprintField, TeamField
from bot.jobs import digests as digest_jobs
from bot.models import ItemKind, SprintItem, Team, WorkState
from bot.scheduler import tick
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.slack import web_client
from tests.conftest import ITALIAN, MEMBER, OTHER_CHANNEL, OWNER, SCRUM, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import (
    TEAM_FORM,
    all_text,
    last_message,
    opened_view,
    responses_to,
    set_up_team,
    wait_for_response,
)

# Thursday 22 October 2026, 10:00 in Rome (the team's time zone in the scenario).
NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)


def open_setup(slack, double, user: str) -> dict:
    before = len(double.calls_to("views.open"))
    slack.command("/agile", "setup", user=user, channel=TEAM_CHANNEL)
    slack.settle()
    return opened_view(double, "team.setup", count=before + 1)


def saved_team(read) -> Team:
    return read(lambda s: teams.team_for_channel(s, TEAM_CHANNEL))


def form(**changes):
    return {**TEAM_FORM, **changes}


def test_the_scrum_master_sets_the_wip_limit_and_the_digest_with_errors_on_the_fields(
    slack, double, read, clock
):
    clock.fixed = NOW
    set_up_team(slack)  # by the marketing owner: no limit, no digest
    view = open_setup(slack, double, SCRUM)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs[TeamField.WIP_LIMIT]["optional"] is True
    assert inputs[TeamField.WIP_LIMIT]["element"]["type"] == "number_input"
    assert inputs[TeamField.DIGEST_DAY]["element"]["initial_option"]["value"] == "off"

    # Refused on each field, nothing stored.
    bad = slack.submit(
        view,
        form(wip_limit="0", digest_day="9", digest_time="25:99"),
        user=SCRUM,
    ).json
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"wip_limit", "digest_day", "digest_time"}
    assert "from 1 to 99, or leave it empty for no limit" in bad["errors"]["wip_limit"]
    for wip in ("2.5", "100", "three"):
        refused = slack.submit(view, form(wip_limit=wip), user=SCRUM).json
        assert set(refused["errors"]) == {"wip_limit"}, wip
    no_time = slack.submit(view, form(digest_day="0", digest_time=None), user=SCRUM).json
    assert set(no_time["errors"]) == {"digest_time"}
    team = saved_team(read)
    assert (team.wip_limit, team.digest_weekday) == (None, None)

    # The scrum master's values are saved and announced in the team channel.
    ok = slack.submit(view, form(wip_limit="3", digest_day="0", digest_time="08:45"), user=SCRUM)
    assert ok.status == 200 and ok.body == ""
    slack.settle()
    team = saved_team(read)
    assert (team.wip_limit, team.digest_weekday, team.digest_time) == (3, 0, dt.time(8, 45))
    announced = all_text(last_message(double, TEAM_CHANNEL))
    assert "WIP limit: 3 items in progress" in announced
    assert "Weekly digest for stakeholders: Monday at 08:45" in announced
    # The form opens with them.
    again = {b["block_id"]: b for b in open_setup(slack, double, SCRUM)["blocks"] if "element" in b}
    assert again[TeamField.WIP_LIMIT]["element"]["initial_value"] == "3"
    assert again[TeamField.DIGEST_DAY]["element"]["initial_option"]["value"] == "0"
    assert again[TeamField.DIGEST_TIME]["element"]["initial_time"] == "08:45"


def test_only_the_scrum_master_changes_them_whatever_the_form_says(slack, double, read, clock):
    clock.fixed = NOW
    set_up_team(slack)
    view = open_setup(slack, double, SCRUM)
    saved = form(wip_limit="3", digest_day="0", digest_time="09:00")
    slack.submit(view, saved, user=SCRUM)
    slack.settle()
    scrum_name = read(lambda s: workspaces.person(s, SCRUM).display_name)

    # The marketing owner may change the set-up, but not these: refused on their fields.
    owners = open_setup(slack, double, OWNER)
    refused = slack.submit(owners, {**saved, "wip_limit": "8", "digest_day": "4"}, user=OWNER).json
    assert refused["errors"] == {
        "wip_limit": f"Only the scrum master, @{scrum_name}, sets the WIP limit.",
        "digest_day": f"Only the scrum master, @{scrum_name}, schedules the weekly digest.",
    }
    emptied = slack.submit(owners, {**saved, "wip_limit": None}, user=OWNER).json
    assert set(emptied["errors"]) == {"wip_limit"}
    moved = slack.submit(owners, {**saved, "digest_time": "17:00"}, user=OWNER).json
    assert set(moved["errors"]) == {"digest_time"}
    # In the owner's language, when it is Italian.
    read(lambda s: setattr(workspaces.person(s, OWNER), "locale", "it-IT"))
    italian = slack.submit(owners, {**saved, "wip_limit": "8"}, user=OWNER).json
    assert italian["errors"]["wip_limit"] == (
        f"Solo lo scrum master, @{scrum_name}, imposta il limite WIP."
    )
    team = saved_team(read)
    assert (team.wip_limit, team.digest_weekday, team.digest_time) == (3, 0, dt.time(9))

    # The owner's other changes are saved, and the scrum master's values kept.
    renamed = slack.submit(owners, {**saved, "team_name": "Growth Team"}, user=OWNER)
    assert renamed.body == ""
    team = saved_team(read)
    assert team.name == "Growth Team" and (team.wip_limit, team.digest_weekday) == (3, 0)

    # A member's forged submission (a form they could never open) changes nothing.
    forged = slack.submit(view, {**saved, "wip_limit": "50", "digest_day": "off"}, user=MEMBER)
    assert "Only the scrum master, the marketing owner" in forged.json["errors"]["team_name"]
    team = saved_team(read)
    assert (team.wip_limit, team.digest_weekday) == (3, 0)


# --- the WIP limit on the board --------------------------------------------------------------


@pytest.fixture
def running(slack, double, read, clock):
    """Growth with a WIP limit of 1 and a running sprint of three items, its board posted."""
    clock.fixed = NOW
    set_up_team(slack, members=[MEMBER, SCRUM, ITALIAN])
    view = open_setup(slack, double, SCRUM)
    slack.submit(view, form(members=[MEMBER, SCRUM, ITALIAN], wip_limit="1"), user=SCRUM)
    slack.settle()

    def plan(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        owner = workspaces.person(session, OWNER)
        ids = []
        for title in ("Offer A vs offer B", "Autumn newsletter", "Case study video"):
            draft = IdeaDraft(title, None, ItemKind.CONTENT, None, None, None, None)
            item = backlog.submit_idea(session, team, owner, draft, NOW)
            backlog.accept(session, item.id, owner, Scores(3, 8, 8), NOW)
            ids.append(item.id)
        draft = sprints.SprintDraft.validate(
            {
                SprintField.GOAL: "200 trial sign-ups",
                SprintField.START: "2026-10-26",
                SprintField.LENGTH: "2",
                SprintField.CAPACITY: "10",
                SprintField.ITEMS: [str(i) for i in ids],
            },
            today=NOW.date(),
        )
        sprints.plan(session, team, owner, draft, NOW)

    read(plan)
    slack.command("/sprint", "start", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    return board(double)


def board(double) -> dict:
    """The sprint board as it stands in the channel (updated in place)."""
    return next(
        m
        for m in double.messages_in(TEAM_CHANNEL)
        if any(b.get("block_id") == "sprint_nav" for b in m.get("blocks", []))
    )


def start(slack, double, user: str) -> None:
    """`user` clicks Start on the board's first item still to do."""
    message = board(double)
    button = next(
        b["accessory"]
        for b in message["blocks"]
        if b.get("block_id", "").startswith("sprint_item:")
        and b["accessory"]["value"].endswith(":doing")  # a Start button (or Reopen)
        and b["accessory"]["text"]["text"] == "Start"
    )
    slack.click(
        message,
        button["action_id"],
        user=user,
        channel=TEAM_CHANNEL,
        value=button["value"],
        ts=message["ts"],
    )
    slack.settle()


def doing(read) -> int:
    return read(lambda s: s.query(SprintItem).filter(SprintItem.state == WorkState.DOING).count())


def test_starting_over_the_wip_limit_still_starts_and_nudges_privately(
    slack, double, read, running
):
    assert "*Doing*" not in all_text(running)
    start(slack, double, MEMBER)
    assert "*Doing* (1 of a limit of 1)" in all_text(board(double))
    assert responses_to(double, MEMBER) == []  # within the limit: nothing to say

    start(slack, double, MEMBER)
    assert doing(read) == 2  # never blocked: the item started
    text = all_text(board(double))
    assert ":warning: *Doing* (2 of a limit of 1). Over the team's WIP limit" in text
    nudge = wait_for_response(double, MEMBER)
    assert nudge["response_type"] == "ephemeral" and nudge.get("replace_original") is False
    assert "Growth now has 2 items in progress, over its WIP limit of 1" in all_text(nudge)
    assert "Your item has started" in all_text(nudge)
    # To the channel it is the team's count only: nobody's name, nobody's share.
    channel_text = "\n".join(all_text(m) for m in double.messages_in(TEAM_CHANNEL))
    assert "items in progress" not in channel_text
    for user in (MEMBER, ITALIAN):
        assert f"<@{user}>" not in str(board(double))

    # An Italian member starting one more hears it in Italian.
    start(slack, double, ITALIAN)
    assert doing(read) == 3
    italian = all_text(wait_for_response(double, ITALIAN))
    assert "Growth ha ora 3 elementi in corso, oltre il suo limite WIP di 1" in italian
    assert len(responses_to(double, MEMBER)) == 1


def test_without_a_limit_no_one_is_nudged(slack, double, read, running):
    read(lambda s: setattr(teams.team_for_channel(s, TEAM_CHANNEL), "wip_limit", None))
    start(slack, double, MEMBER)
    start(slack, double, MEMBER)
    assert doing(read) == 2
    assert "*Doing* (2)" in all_text(board(double))
    assert responses_to(double, MEMBER) == []


# --- the digest chosen in the form -----------------------------------------------------------


def test_the_digest_chosen_in_the_form_is_posted_at_its_time_in_the_teams_language(
    slack, double, read, clock, db_url, session_factory
):
    clock.fixed = NOW  # Thursday 22 October
    set_up_team(slack, language="nl", showcase_channel=OTHER_CHANNEL)
    view = open_setup(slack, double, SCRUM)
    slack.submit(
        view,
        form(language="nl", showcase_channel=OTHER_CHANNEL, digest_day="4", digest_time="16:00"),
        user=SCRUM,
    )
    slack.settle()
    client = web_client(settings_for(double, db_url))
    sources = digest_jobs.sources(lambda _: client, session_factory)
    friday_4pm = dt.datetime(2026, 10, 23, 14, 0, tzinfo=dt.UTC)  # 16:00 in Rome
    assert tick(session_factory, friday_4pm - dt.timedelta(minutes=1), sources).ran == []
    assert len(tick(session_factory, friday_4pm, sources).ran) == 1
    digest = last_message(double, OTHER_CHANNEL)
    text = all_text(digest)
    assert "Weekoverzicht van Growth" in text and "vr 16 okt → vr 23 okt" in text
    assert "Er loopt geen sprint in Growth." in text
    assert "De backlog heeft geen geaccepteerde items." in text
