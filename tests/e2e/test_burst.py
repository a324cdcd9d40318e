"""A burst: a busy team's background work queued (idea cards posted to a slow Slack) while 50
people open a form at once. A form opens from a trigger Slack takes for 3 seconds only, so
forms run on a pool of their own and never wait behind the rest: every one of them opens."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from bot.app import build_app
from bot.web import WebApp
from tests.conftest import MEMBER, OWNER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import IDEA_FORM, opened_view, set_up_team
from tests.slack_requests import SIGNING_SECRET

FORMS = 50
BACKGROUND = 20  # idea submissions, each posting two cards and a DM to a Slack slow to answer


def test_every_form_of_a_burst_opens_while_other_work_is_queued(
    slack, double, db_url, engine, session_factory, server
):
    set_up_team(slack, user=OWNER)
    slack.command("/idea", "", user=MEMBER, channel=TEAM_CHANNEL)
    idea_form = opened_view(double, "idea.submit")
    slack.settle()
    # The app as it runs in production: a pool of five threads for background work (Bolt's
    # default), and the forms' own pool.
    background, forms = ThreadPoolExecutor(5), ThreadPoolExecutor(16)
    url, switch = server
    app = build_app(
        settings_for(double, db_url),
        session_factory,
        listener_executor=background,
        form_executor=forms,
    )
    switch.target = WebApp(app, engine, signing_secret=SIGNING_SECRET)
    double.slow["chat.postMessage"] = 0.5
    opened_before = len(double.calls_to("views.open"))
    with ThreadPoolExecutor(FORMS + BACKGROUND) as people:
        submitted = [
            people.submit(slack.submit, idea_form, IDEA_FORM, user=MEMBER)
            for _ in range(BACKGROUND)
        ]
        for future in submitted:
            assert future.result().status == 200
        asked = time.monotonic()
        commands = [
            people.submit(slack.command, "/idea", "", user=MEMBER, channel=TEAM_CHANNEL)
            for _ in range(FORMS)
        ]
        assert all(c.result().status == 200 for c in commands)
        calls = double.wait_for("views.open", count=opened_before + FORMS, timeout=20)
    for pool in (forms, background):  # the queued work finishes before Slack goes away
        pool.shutdown(wait=True)
    opened = [c for c in calls[opened_before:] if c.ok]
    refused = [c.response.get("error") for c in calls[opened_before:] if not c.ok]
    assert len(opened) == FORMS, refused  # none expired_trigger_id
    assert time.monotonic() - asked < 10
