"""Two one-week sprints on the real scheduler (every job source, ticking every two hours of
the working day and every six hours at night), with
members in Rome, Amsterdam and New York, across the end of summer time in Europe: each sprint
starts and closes once, each close opens its retrospective, standups go to each member on each
working day at their own 9:00, and nothing is ever posted twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from bot.db import unit_of_work
from bot.fields import SprintField
from bot.i18n import translator
from bot.jobs import job_sources
from bot.scheduler import tick
from bot.services import sprints, teams, workspaces
from bot.services.sprints import SprintDraft
from bot.slack import clients_for
from tests.conftest import ITALIAN, MEMBER, OWNER, STAKEHOLDER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, team_settings, ticks

ZONES = {ITALIAN: "Europe/Rome", MEMBER: "Europe/Amsterdam", STAKEHOLDER: "America/New_York"}
START = dt.datetime(2026, 10, 18, 0, 0, tzinfo=dt.UTC)  # Sunday before the first sprint


def test_two_sprints_on_the_scheduler(double, db_url, session_factory, workspace_id):
    with unit_of_work(session_factory, workspace_id) as session:
        owner = workspaces.person(session, OWNER)
        for user, zone in ZONES.items():
            workspaces.person(session, user).time_zone = zone
        settings = team_settings(member_user_ids=tuple(ZONES), sprint_length_weeks=1)
        team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, START)
        for start in ("2026-10-19", "2026-10-26"):
            draft = SprintDraft.validate(
                {
                    SprintField.GOAL: f"Goal from {start}",
                    SprintField.START: start,
                    SprintField.LENGTH: "1",
                    SprintField.CAPACITY: "10",
                },
                today=START.date(),
            )
            sprints.plan(session, team, owner, draft, START)
    sources = job_sources(clients_for(settings_for(double, db_url)), session_factory)
    ran: list[str] = []
    # Through the second retrospective's close.
    for at in ticks(START, START + dt.timedelta(days=17), every=2):
        report = tick(session_factory, at, sources)
        assert report.failed == [], report.failed
        ran += report.ran

    kinds = Counter(key.split(":")[0] for key in ran)
    assert kinds["sprint_start"] == 2 and kinds["sprint_close"] == 2
    assert kinds["retro_open"] == 2 and kinds["retro_voting"] == 2 and kinds["retro_close"] == 2
    assert len(ran) == len(set(ran))  # every occurrence once
    channel = [all_text(m) for m in double.messages_in(TEAM_CHANNEL)]
    assert sum("This sprint is closed" in t for t in channel) == 2  # each board, closed
    assert sum("Sprint showcase" in t for t in channel) == 2
    assert sum("Retrospective · Growth" in t for t in channel) == 2
    # Twelve working days (two sprints and the next Monday and Tuesday), one prompt each, at
    # each member's own 9:00, in their own language (read from Slack: Giulia's is Italian).
    for user in ZONES:
        language = "it" if user == ITALIAN else "en"
        said = (
            translator(language)
            .gettext("Good morning! Time for your standup for {team} ({day}).")
            .split("{")[0]
        )
        prompts = [m for m in double.messages_in(user) if said in all_text(m)]
        assert len(prompts) == 12, (user, len(prompts))
