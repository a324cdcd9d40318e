"""A vote of more items than one message holds, paged through Slack: Previous and Next have
ids of their own within their actions block (Slack refuses a block that repeats one), and the
one handler that turns the page answers both."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from bot.db import unit_of_work
from bot.messaging import retros as retro_posts
from bot.models import Team
from bot.services import retros, teams, workspaces
from bot.slack import web_client
from bot.views.ids import Action
from tests.conftest import MEMBER, OWNER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, team_settings, wait_for_response

MONDAY = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def voting(slack, double, db_url, session_factory, workspace_id, clock):
    """A team whose retrospective has 90 items open to vote on: three pages."""
    clock.fixed = MONDAY
    with unit_of_work(session_factory, workspace_id) as session:
        owner = workspaces.person(session, OWNER)
        settings = team_settings(sprint_length_weeks=1)
        team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, MONDAY)
        retro = retros.open_retro(session, session.get_one(Team, team.id), None, MONDAY)
        member = workspaces.person(session, MEMBER)
        for n in range(90):
            retros.add_item(session, retro.id, member, "try", f"Idea {n}", MONDAY)
        retro_id = retro.id
    client = web_client(settings_for(double, db_url))
    with unit_of_work(session_factory, workspace_id) as session:
        retro_posts.post(client, session, retros.start_voting(session, retro_id, MONDAY))
    return next(m for m in double.messages_in(TEAM_CHANNEL) if "Retrospective" in all_text(m))


def vote_values(page) -> list[str]:
    return [
        b["accessory"]["value"]
        for b in page["blocks"]
        if b.get("accessory", {}).get("action_id") == Action.RETRO_VOTE
    ]


def nav(page) -> list[str]:
    pages = next(b for b in page["blocks"] if b.get("block_id") == "retro_pages")
    return [e["action_id"] for e in pages["elements"]]


def test_previous_and_next_both_turn_the_page(voting, slack, double):
    first = voting
    assert nav(first) == [Action.RETRO_PAGE_NEXT]
    slack.click(first, Action.RETRO_PAGE_NEXT, user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    second = wait_for_response(double, MEMBER)
    assert nav(second) == [Action.RETRO_PAGE_PREVIOUS, Action.RETRO_PAGE_NEXT]
    slack.click(second, Action.RETRO_PAGE_NEXT, user=MEMBER, channel=TEAM_CHANNEL, ephemeral=True)
    slack.settle()
    third = wait_for_response(double, MEMBER, count=2)
    assert nav(third) == [Action.RETRO_PAGE_PREVIOUS]
    slack.click(
        second, Action.RETRO_PAGE_PREVIOUS, user=MEMBER, channel=TEAM_CHANNEL, ephemeral=True
    )
    slack.settle()
    back = wait_for_response(double, MEMBER, count=3)
    assert vote_values(back) == vote_values(first)
    shown = vote_values(first) + vote_values(second) + vote_values(third)
    assert len(shown) == len(set(shown)) == 90


def test_a_next_button_posted_before_the_ids_were_split_still_turns_the_page(voting, slack, double):
    """A vote that was open when the bot was upgraded still shows the old `retro.page` id."""
    before = copy.deepcopy(voting)
    pages = next(b for b in before["blocks"] if b.get("block_id") == "retro_pages")
    pages["elements"][0]["action_id"] = "retro.page"
    slack.click(before, "retro.page", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    second = wait_for_response(double, MEMBER)
    assert nav(second) == [Action.RETRO_PAGE_PREVIOUS, Action.RETRO_PAGE_NEXT]
    assert not set(vote_values(second)) & set(vote_values(voting))
