"""Add to Slack, end to end over HTTP: two workspaces installed through the app's page and
Slack's, each served with its own token by the listeners and the scheduler; an install
cancelled, replayed, or made for a whole organization gets a page that says why; an
uninstalled workspace goes quiet at once, resumes when installed again, and is purged after
its period."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot import installs
from bot.__main__ import main
from bot.app import build_app
from bot.db import unit_of_work, unscoped_unit_of_work
from bot.jobs import job_sources
from bot.models import Person, Team, Workspace
from bot.scheduler import tick
from bot.services import teams, workspaces
from bot.web import WebApp
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, SCRUM, TEAM_CHANNEL
from tests.e2e.installs import (
    ENTERPRISE,
    SECOND,
    SECOND_ADMIN,
    SECOND_CHANNEL,
    SECOND_MEMBER,
    SECOND_OWNER,
    Browser,
    distribution_settings,
    install,
    second_workspace,
)
from tests.scenario import team_settings
from tests.slack_double import SlackDouble
from tests.slack_requests import SIGNING_SECRET, Slack

MONDAY = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def app_url(server, double, db_url, engine, session_factory, clock, app_listeners):
    url, switch = server
    second_workspace(double)
    double.oauth_redirect_url = url + "/slack/oauth_redirect"
    app = build_app(
        distribution_settings(double, db_url),
        session_factory,
        now=clock,
        listener_executor=app_listeners,
        form_executor=app_listeners,
    )
    switch.target = WebApp(app, engine, signing_secret=SIGNING_SECRET)
    return url


@pytest.fixture
def store(double, db_url, engine):
    return installs.stores(distribution_settings(double, db_url), engine)[0]


def workspace_of(session_factory, team_id):
    with unscoped_unit_of_work(session_factory) as session:
        return session.scalar(select(Workspace).where(Workspace.slack_team_id == team_id))


def set_up_teams(session_factory):
    """A marketing team in each workspace: in English in the first, in Dutch in the second."""
    set_up_team(
        session_factory,
        SlackDouble.TEAM_ID,
        TEAM_CHANNEL,
        ADMIN_CHANNEL,
        OWNER,
        (MEMBER, SCRUM),
        "en",
    )
    set_up_team(
        session_factory, SECOND, SECOND_CHANNEL, SECOND_ADMIN, SECOND_OWNER, (SECOND_MEMBER,), "nl"
    )


def set_up_team(session_factory, team_id, channel, admin, owner, members, language):
    with unscoped_unit_of_work(session_factory) as session:
        workspace_id = workspaces.ensure_workspace(session, team_id, None)  # made at install
    with unit_of_work(session_factory, workspace_id) as session:
        settings = team_settings(
            admin_channel_id=admin,
            owner_user_id=owner,
            scrum_master_user_id=owner,
            member_user_ids=members,
            language=language,
        )
        teams.save_team(session, channel, settings, workspaces.person(session, owner), MONDAY)
    return workspace_id


def test_two_workspaces_installed_each_served_with_its_own_token(
    app_url, double, session_factory, store, app_listeners, db_url
):
    first = install(app_url, SlackDouble.TEAM_ID)
    assert first.status == 200 and "agilebot is installed in <b>Agile Test</b>" in first.html
    assert "/agile setup" in first.html
    second = install(app_url, SECOND)
    assert second.status == 200 and "Second Co" in second.html
    first_bot = store.find_bot(enterprise_id=None, team_id=SlackDouble.TEAM_ID)
    second_bot = store.find_bot(enterprise_id=ENTERPRISE, team_id=SECOND)
    assert first_bot.bot_token == double.token_of(SlackDouble.TEAM_ID)
    assert second_bot.bot_token == double.token_of(SECOND) != first_bot.bot_token
    assert workspace_of(session_factory, SECOND).enterprise_id == ENTERPRISE

    # Requests: each workspace's listeners call Slack with that workspace's token.
    set_up_teams(session_factory)
    for team_id, user, channel in (
        (SlackDouble.TEAM_ID, MEMBER, TEAM_CHANNEL),
        (SECOND, SECOND_MEMBER, SECOND_CHANNEL),
    ):
        enterprise = ENTERPRISE if team_id == SECOND else None
        response = Slack(app_url, double, team_id=team_id, enterprise_id=enterprise).command(
            "/idea", "", user=user, channel=channel
        )
        assert response.status == 200
        app_listeners.drain()
    opened = double.wait_for("views.open", count=2)
    assert [c.team_id for c in opened] == [SlackDouble.TEAM_ID, SECOND]

    # The scheduler: each workspace's standup prompts with its own token.
    settings = distribution_settings(double, db_url)
    clients = installs.clients_for(settings, store)
    before = len(double.calls)
    sources = job_sources(clients, session_factory)
    for hour in (3, 9):  # 9:00 in Rome, then in New York
        report = tick(session_factory, MONDAY + dt.timedelta(hours=hour), sources)
        assert report.failed == [] and report.ran
    calls = double.calls[before:]
    users = {c.args.get("channel") or c.args.get("user"): c.team_id for c in calls}
    assert users.get(MEMBER) == SlackDouble.TEAM_ID and users.get(SECOND_MEMBER) == SECOND
    assert {c.team_id for c in calls} == {SlackDouble.TEAM_ID, SECOND}
    # (the double refuses, and records as a violation, any call about one workspace's channel
    # or person made with the other's token)


def test_a_cancelled_install_says_so_and_installs_nothing(app_url, double, store):
    page = install(app_url, SECOND, decision="cancel")
    assert page.status == 400 and "cancelled" in page.html and 'href="/slack/install"' in page.html
    assert store.find_bot(enterprise_id=ENTERPRISE, team_id=SECOND) is None


def test_a_link_used_twice_or_from_another_browser_installs_nothing_more(app_url, double, store):
    browser = Browser()
    start = browser.get(app_url + "/slack/install")
    slack_page = browser.get(browser.link(start, "add-to-slack"))
    assert browser.decide(slack_page, "allow", SECOND).status == 200
    again = browser.decide(slack_page, "allow", SECOND)  # the same state, replayed
    assert again.status >= 400 and "expired or was already used" in again.html
    stranger = Browser().decide(slack_page, "allow", SECOND)  # no cookie of that install
    assert stranger.status >= 400 and "another browser" in stranger.html


def test_an_install_for_a_whole_organization_is_refused_with_a_clear_page(
    app_url, double, store, session_factory
):
    page = install(app_url, f"org:{ENTERPRISE}")
    assert page.status == 400 and "each workspace" in page.html
    assert (
        store.find_bot(enterprise_id=ENTERPRISE, team_id=None, is_enterprise_install=True) is None
    )
    assert workspace_of(session_factory, ENTERPRISE) is None


def test_an_uninstalled_workspace_goes_quiet_then_resumes_or_is_purged(
    app_url, double, session_factory, store, db_url, monkeypatch, clock, app_listeners
):
    install(app_url, SlackDouble.TEAM_ID)
    install(app_url, SECOND)
    set_up_teams(session_factory)
    clock.fixed = MONDAY
    second = Slack(app_url, double, team_id=SECOND, enterprise_id=ENTERPRISE)
    assert second.event({"type": "app_uninstalled"}).status == 200
    app_listeners.drain()
    assert store.find_bot(enterprise_id=ENTERPRISE, team_id=SECOND) is None  # tokens deleted
    assert workspace_of(session_factory, SECOND).suspended_reason == "app_uninstalled"

    settings = distribution_settings(double, db_url)
    clients = installs.clients_for(settings, store)
    before = len(double.calls)
    report = tick(
        session_factory, MONDAY + dt.timedelta(hours=3), job_sources(clients, session_factory)
    )
    assert report.failed == [] and report.suspended  # the second's prompts wait, untried
    assert {c.team_id for c in double.calls[before:]} == {SlackDouble.TEAM_ID}

    # Installed again within the period: its team is where it was, and its jobs run.
    assert "where you left them" in install(app_url, SECOND).html
    assert workspace_of(session_factory, SECOND).suspended_at is None
    report = tick(
        session_factory,
        MONDAY + dt.timedelta(hours=3, minutes=1),
        job_sources(clients, session_factory),
    )
    assert report.suspended == [] and report.failed == []

    # Uninstalled again, and kept for 30 days: `agilebot purge` then deletes it, and only it.
    second.event({"type": "tokens_revoked", "tokens": {"bot": [double.BOT_USER_ID]}})
    app_listeners.drain()
    assert workspace_of(session_factory, SECOND).suspended_reason == "tokens_revoked"
    env = {
        "SLACK_CLIENT_ID": settings.slack_client_id,
        "SLACK_CLIENT_SECRET": settings.slack_client_secret,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": double.api_url,
        "DATABASE_URL": db_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["purge"]) == 0
    assert workspace_of(session_factory, SECOND) is not None  # not yet: within its 30 days
    monkeypatch.setattr(
        "bot.models.utcnow", lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    )
    assert main(["purge"]) == 0
    assert workspace_of(session_factory, SECOND) is None
    with unscoped_unit_of_work(session_factory) as session:
        assert session.scalars(select(Team.name)).all() == ["Growth"]  # the first's, kept
        assert SECOND_OWNER not in session.scalars(select(Person.slack_user_id)).all()
