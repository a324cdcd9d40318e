"""The sprint on the scheduler, by time travel: a two-week sprint in Rome across the end of
summer time, with its announcement, daily snapshots (caught up after downtime), scope added
mid-sprint, the showcase with charts, unfinished work back on the backlog, and never a post
twice, whether the tick repeats, runs as a separate process, or races another one."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import unit_of_work
from bot.fields import SprintField
from bot.jobs import sprints as sprint_jobs
from bot.messaging import sprints as sprint_posts
from bot.models import BacklogItem, ItemKind, ItemStatus, SprintSnapshot, Team, WorkState
from bot.scheduler import tick
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.services.sprints import SprintDraft
from bot.slack import clients_for, web_client
from tests.conftest import (
    ADMIN_CHANNEL,
    MEMBER,
    OWNER,
    SCRUM,
    TEAM_CHANNEL,
)
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, team_settings

REPO = Path(__file__).resolve().parents[2]
ROME = "Europe/Rome"
MONDAY = dt.date(2026, 10, 19)  # the sprint: Mon 19 to Fri 30 October; clocks go back on 25
PLANNED_AT = dt.datetime(2026, 10, 16, 10, 0, tzinfo=dt.UTC)


def rome(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return sprints.local_instant_in(ROME, day, dt.time(hour, minute))


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


class Sprint:
    def __init__(self, double, db_url, session_factory, workspace_id):
        self.double = double
        self.factory = session_factory
        self.workspace_id = workspace_id
        self.settings = settings_for(double, db_url)
        self.client = web_client(self.settings)
        with self.session() as session:
            owner = workspaces.person(session, OWNER)
            settings = team_settings(name="Growth <!channel>", standup_time=dt.time(9, 30))
            team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, PLANNED_AT)
            team.definition_of_done = "Proofread; approved by legal; scheduled."
            self.team_id = team.id
            self.items = []
            specs = [
                ("Offer A vs offer B", ItemKind.EXPERIMENT, 5),
                ("Autumn newsletter", ItemKind.CAMPAIGN, 3),
                ("Case study video", ItemKind.CONTENT, 8),
                ("Landing page refresh", ItemKind.CAMPAIGN, 2),
            ]
            for title, kind, effort in specs:
                experiment = kind is ItemKind.EXPERIMENT
                draft = IdeaDraft(
                    title,
                    None,
                    kind,
                    "B doubles clicks" if experiment else None,
                    "Click-through rate" if experiment else None,
                    None,
                    None,
                )
                item = backlog.submit_idea(session, team, owner, draft, PLANNED_AT)
                backlog.accept(session, item.id, owner, Scores(effort, 8, 8), PLANNED_AT)
                self.items.append(item.id)
            sprint = sprints.plan(
                session,
                team,
                owner,
                SprintDraft.validate(
                    {
                        SprintField.GOAL: "Win <@U0STAKE01> 200 sign-ups",
                        SprintField.START: MONDAY.isoformat(),
                        SprintField.LENGTH: "2",
                        SprintField.CAPACITY: "15",
                        SprintField.ITEMS: [str(i) for i in self.items[:3]],
                    },
                    today=PLANNED_AT.date(),
                ),
                PLANNED_AT,
            )
            self.sprint_id = sprint.id

    def session(self):
        return unit_of_work(self.factory, self.workspace_id)

    def tick(self, at: dt.datetime):
        return tick(self.factory, at, sprint_jobs.sources(lambda _: self.client, self.factory))

    def move(self, item_index: int, state: WorkState, at: dt.datetime) -> None:
        with self.session() as session:
            sprint = sprints.get_sprint(session, self.sprint_id)
            entry = next(
                e for e in sprints.entries(session, sprint) if e.item_id == self.items[item_index]
            )
            sprints.move(
                session, entry.sprint_item_id, workspaces.person(session, MEMBER), state, at
            )

    def snapshots(self) -> list[tuple[dt.date, int, int]]:
        with self.session() as session:
            rows = session.scalars(
                select(SprintSnapshot)
                .where(SprintSnapshot.sprint_id == self.sprint_id)
                .order_by(SprintSnapshot.day)
            )
            return [(s.day, s.scope_points, s.done_points) for s in rows]


@pytest.fixture
def sprint(double, db_url, session_factory, workspace_id):
    return Sprint(double, db_url, session_factory, workspace_id)


def test_a_two_week_sprint_across_the_end_of_summer_time(sprint, double, caplog):
    caplog.set_level("INFO")
    # Nothing before 9:00 in Rome on the first day (7:00 UTC in summer time).
    assert sprint.tick(rome(MONDAY, 8, 59)).ran == []
    assert sprint.tick(rome(MONDAY, 9)).ran == [f"sprint_start:sprint={sprint.sprint_id}"]
    sprint.tick(rome(MONDAY, 9, 1))  # a repeated tick posts nothing more
    announcements = double.messages_in(TEAM_CHANNEL)
    assert len(announcements) == 1
    text = all_text(announcements[0])
    assert "The sprint starts" in text and "Offer A vs offer B" in text
    assert "&lt;@U0STAKE01&gt;" in text and "&lt;!channel&gt;" in text  # user text escaped
    assert "0 of 16 points done" in text

    sprint.move(0, WorkState.DONE, rome(day(1), 10))  # Tue: 5 points done
    assert sprint.tick(rome(day(1), 17)).ran == [
        f"sprint_snapshot:sprint={sprint.sprint_id}:{day(1).isoformat()}"
    ]
    assert sprint.snapshots() == [(day(0), 16, 0), (day(1), 16, 5)]

    # Wed: scope added mid-sprint.
    with sprint.session() as session:
        sprints.edit(
            session,
            sprint.sprint_id,
            workspaces.person(session, SCRUM),
            SprintDraft.validate(
                {
                    SprintField.GOAL: "Win <@U0STAKE01> 200 sign-ups",
                    SprintField.START: MONDAY.isoformat(),
                    SprintField.LENGTH: "2",
                    SprintField.CAPACITY: "15",
                    SprintField.ITEMS: [str(i) for i in sprint.items],
                },
                today=day(2),
                started=True,
            ),
            rome(day(2), 11),
        )
    sprint.move(1, WorkState.DONE, rome(day(7), 15))  # 2nd Tue, after the clocks changed
    # The scheduler was down from Wednesday to the second Wednesday: one tick catches up, and
    # every snapshot is what it was at 17:00 that day.
    report = sprint.tick(rome(day(9), 17))
    assert report.ran == [f"sprint_snapshot:sprint={sprint.sprint_id}:{day(9).isoformat()}"]
    assert [s[1:] for s in sprint.snapshots()] == [
        (16, 0),
        (16, 5),
        (18, 5),
        (18, 5),
        (18, 5),
        (18, 8),
        (18, 8),
        (18, 8),
    ]
    assert [s[0] for s in sprint.snapshots()][-1] == day(9)

    # Thursday's snapshot, then Friday 30 October: 17:00 in Rome is now 16:00 UTC, not 15:00.
    assert sprint.tick(rome(day(10), 17)).ran == [
        f"sprint_snapshot:sprint={sprint.sprint_id}:{day(10).isoformat()}"
    ]
    assert sprint.tick(dt.datetime(2026, 10, 30, 15, 30, tzinfo=dt.UTC)).ran == []
    close = sprint.tick(dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC))
    assert close.ran == [f"sprint_close:sprint={sprint.sprint_id}"]
    assert sprint.tick(dt.datetime(2026, 10, 30, 16, 5, tzinfo=dt.UTC)).ran == []

    showcase = [m for m in double.messages_in(TEAM_CHANNEL) if "showcase" in all_text(m)]
    assert len(showcase) == 1
    text = all_text(showcase[0])
    assert "Committed:* 16 points in 3 items" in text and "Completed:* 8 points in 2 items" in text
    # Say/do: the 8 points done were both committed at the start (5 + 3 of 16); the first
    # sprint has no trend yet.
    assert "*Say/do:* 50%" in text and "*Say/do:* 50% ·" not in text
    assert "Goal not met" in text and "+2 points" in text
    assert "Autumn newsletter" in text  # reached customers
    assert "Case study video" in text  # back to the backlog
    # The burnup chart in the channel, with its numbers in the alt text; velocity in the thread.
    uploads = double.calls_to("files.getUploadURLExternal")
    assert [c.args["filename"] for c in uploads] == ["burnup-sprint-1.png", "velocity.png"]
    assert "8 of 18 points completed after 10 of 10 working days" in uploads[0].args["alt_txt"]
    assert "Sprint 1: 8 of 16 points, say/do 50%" in uploads[1].args["alt_txt"]
    completes = double.calls_to("files.completeUploadExternal")
    assert completes[0].args["channel_id"] == TEAM_CHANNEL
    assert completes[1].args["thread_ts"] == showcase[0]["ts"]
    png = next(iter(double.files.values()))["bytes"]
    assert png.startswith(b"\x89PNG")
    # The board in the channel now says the sprint is closed, without buttons.
    board = double.messages_in(TEAM_CHANNEL)[0]
    assert "This sprint is closed" in all_text(board)
    # The owner is asked, privately, for the experiment's result.
    asks = double.messages_in(OWNER)
    assert len(asks) == 1 and "Offer A vs offer B" in all_text(asks[0])
    # Unfinished work is back at the top of the backlog; finished work is done.
    with sprint.session() as session:
        team = session.get_one(Team, sprint.team_id)
        page = backlog.page(session, team, 1)
        assert [i.title for i in page.items][:2] == ["Case study video", "Landing page refresh"]
        assert session.get_one(BacklogItem, sprint.items[0]).status is ItemStatus.DONE
    assert any("ran sprint_close" in r.getMessage() for r in caplog.records)


def test_a_failed_chart_upload_is_retried_then_reported(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    double.fail_next("files.getUploadURLExternal", error="internal_error", times=6)
    sprint.tick(dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC))
    assert any("showcase" in all_text(m) for m in double.messages_in(TEAM_CHANNEL))
    reports = [all_text(m) for m in double.messages_in(ADMIN_CHANNEL)]
    assert any("could not upload the chart" in r for r in reports), reports


def test_a_showcase_that_slack_refuses_is_posted_on_the_next_tick(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    double.fail_next("chat.postMessage", error="internal_error", times=1)  # for now
    close_at = dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)
    assert sprint.tick(close_at).failed == [f"sprint_close:sprint={sprint.sprint_id}"]
    assert sprint.tick(close_at + dt.timedelta(minutes=1)).ran == [
        f"sprint_close:sprint={sprint.sprint_id}"
    ]
    showcases = [m for m in double.messages_in(TEAM_CHANNEL) if "showcase" in all_text(m)]
    assert len(showcases) == 1


def boards(double):
    return [m for m in double.messages_in(TEAM_CHANNEL) if "The sprint starts" in all_text(m)]


def test_a_start_whose_answer_slack_lost_is_not_posted_twice(sprint, double):
    double.fail_next("chat.postMessage", status=500, after_processing=True)  # posted, then 500
    assert sprint.tick(rome(MONDAY, 9)).ran == [f"sprint_start:sprint={sprint.sprint_id}"]
    assert len(boards(double)) == 1
    with sprint.session() as session:  # the board the team sees is the one later edits reach
        assert sprints.get_sprint(session, sprint.sprint_id).message_ts == boards(double)[0]["ts"]


def test_a_start_retried_after_a_lost_answer_looks_before_posting_again(sprint, double):
    double.fail_next("chat.postMessage", status=503, after_processing=True)
    double.fail_next("conversations.history", status=500, times=3)  # and Slack cannot tell yet
    start = f"sprint_start:sprint={sprint.sprint_id}"
    assert sprint.tick(rome(MONDAY, 9)).failed == [start]
    assert sprint.tick(rome(MONDAY, 9, 2)).ran == [start]
    assert len(boards(double)) == 1


def test_a_start_that_never_reached_slack_is_posted_once(sprint, double):
    double.fail_next("chat.postMessage", status=500)  # refused at Slack's edge: nothing posted
    start = f"sprint_start:sprint={sprint.sprint_id}"
    assert sprint.tick(rome(MONDAY, 9)).failed == [start]  # looked, and found nothing
    assert sprint.tick(rome(MONDAY, 9, 2)).ran == [start]
    assert len(boards(double)) == 1


def test_a_showcase_whose_answer_slack_lost_is_posted_once_with_its_charts(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    double.fail_next("chat.postMessage", status=502, after_processing=True)
    close_at = dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)
    report = sprint.tick(close_at)
    assert report.failed == [] and f"sprint_close:sprint={sprint.sprint_id}" in report.ran
    showcases = [m for m in double.messages_in(TEAM_CHANNEL) if "showcase" in all_text(m)]
    assert len(showcases) == 1
    assert len(double.calls_to("files.completeUploadExternal")) == 2  # burnup and velocity


def test_two_ticks_racing_post_the_showcase_once(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    close_at = dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)
    barrier = threading.Barrier(3)
    reports = []

    def race():
        sources = sprint_jobs.sources(clients_for(sprint.settings), sprint.factory)  # a process
        barrier.wait()
        reports.append(tick(sprint.factory, close_at, sources))

    threads = [threading.Thread(target=race) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ran = sorted(key for r in reports for key in r.ran)
    assert ran == [  # each once, whichever process won it
        f"sprint_close:sprint={sprint.sprint_id}",
        f"sprint_snapshot:sprint={sprint.sprint_id}:{day(10).isoformat()}",
    ]
    assert sum("showcase" in all_text(m) for m in double.messages_in(TEAM_CHANNEL)) == 1
    assert len(double.calls_to("files.getUploadURLExternal")) == 2  # burnup and velocity


def test_agilebot_tick_at_runs_the_cadence_from_the_command_line(
    sprint, double, db_url, monkeypatch, tmp_path, caplog, request
):
    """`agilebot tick --at` with nothing but its settings: its own engine, sessions and Slack
    client, as in a process of its own (the entry point's own process: test_processes.py)."""
    import signal

    from bot.__main__ import main

    # `main` makes SIGTERM leave cleanly, as a host expects of a process; not of this one.
    sigterm = signal.getsignal(signal.SIGTERM)
    request.addfinalizer(lambda: signal.signal(signal.SIGTERM, sigterm))
    monkeypatch.chdir(tmp_path)  # no `.env`
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", sprint.settings.slack_bot_token)
    monkeypatch.setenv("SLACK_API_URL", double.api_url)
    monkeypatch.setenv("DATABASE_URL", db_url)
    caplog.set_level("INFO", logger="agilebot")

    def cli_tick(at: str) -> tuple[int, str]:
        """The exit code and the tick's report, as logged."""
        caplog.clear()
        code = main(["tick", "--at", at])
        return code, "\n".join(r.getMessage() for r in caplog.records if r.name == "agilebot")

    code, report = cli_tick("2026-10-19T09:00:00+02:00")
    assert code == 0, report
    # The sprint's start, and the team's Slack profiles read for the first time.
    assert ": 2 ran," in report
    code, report = cli_tick("2026-10-19T09:00:00+02:00")
    assert code == 0 and ": 0 ran," in report  # it started: nothing to do
    assert len(double.messages_in(TEAM_CHANNEL)) == 1
    code, report = cli_tick("2026-10-30T17:00:00+01:00")
    assert code == 0, report
    assert any("showcase" in all_text(m) for m in double.messages_in(TEAM_CHANNEL))


def test_a_sprint_ended_by_hand_is_not_closed_again_by_the_scheduler(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    with sprint.session() as session:
        closed = sprints.close(
            session, sprint.sprint_id, rome(day(3), 12), actor=workspaces.person(session, SCRUM)
        )
        follow_up = sprint_posts.showcase(sprint.client, session, closed, rome(day(3), 12))
    follow_up()
    report = sprint.tick(dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC))
    assert report.ran == [] and report.failed == []
    assert sum("showcase" in all_text(m) for m in double.messages_in(TEAM_CHANNEL)) == 1


def test_after_downtime_through_a_whole_sprint_the_start_is_skipped_and_the_close_runs(
    sprint, double, caplog
):
    caplog.set_level("INFO")
    report = sprint.tick(dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC))  # the Monday after
    assert report.skipped_stale == [f"sprint_start:sprint={sprint.sprint_id}"]
    assert report.ran == [f"sprint_close:sprint={sprint.sprint_id}"]
    assert any("skipped sprint_start" in r.getMessage() for r in caplog.records)
    showcases = [m for m in double.messages_in(TEAM_CHANNEL) if "showcase" in all_text(m)]
    assert len(showcases) == 1  # and no announcement of a sprint that is already over
    assert "The sprint starts" not in "".join(all_text(m) for m in double.messages_in(TEAM_CHANNEL))
    assert "Completed:* 0 points in 0 items" in all_text(showcases[0])


def test_a_showcase_channel_gone_for_good_is_reported_and_the_sprint_still_closes(sprint, double):
    sprint.tick(rome(MONDAY, 9))
    double.fail_next("chat.postMessage", error="is_archived", times=1)
    close_at = dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC)
    assert f"sprint_close:sprint={sprint.sprint_id}" in sprint.tick(close_at).ran
    reports = [all_text(m) for m in double.messages_in(ADMIN_CHANNEL)]
    # In words for the scrum master; Slack's code only in the log.
    assert any(
        "could not post the update of sprint 1" in r and "the channel is archived" in r
        for r in reports
    )
    assert not any("is_archived" in r for r in reports)
    with sprint.session() as session:
        assert sprints.get_sprint(session, sprint.sprint_id).state.value == "closed"


def test_a_team_name_with_dollars_draws_as_text(sprint, double):
    with sprint.session() as session:
        session.get_one(Team, sprint.team_id).name = "$$ Growth $x^2$"
    sprint.tick(rome(MONDAY, 9))
    sprint.tick(dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC))
    uploads = double.calls_to("files.getUploadURLExternal")
    assert [c.args["filename"] for c in uploads] == ["burnup-sprint-1.png", "velocity.png"]


def test_the_owner_is_asked_for_results_in_the_owners_language(sprint, double):
    # An English-speaking team whose marketing owner reads Slack in Italian: the showcase in
    # the channel stays English, the private request speaks Italian.
    with sprint.session() as session:
        workspaces.person(session, OWNER).locale = "it-IT"
    sprint.tick(rome(MONDAY, 9))
    sprint.move(0, WorkState.DONE, rome(day(1), 10))  # the experiment is finished
    sprint.tick(dt.datetime(2026, 10, 30, 16, 0, tzinfo=dt.UTC))
    assert any("Sprint showcase" in all_text(m) for m in double.messages_in(TEAM_CHANNEL))
    asks = double.messages_in(OWNER)
    assert len(asks) == 1
    assert "ha concluso questi esperimenti" in all_text(asks[0])
    assert "Registra il risultato" in all_text(asks[0])
