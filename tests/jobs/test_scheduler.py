"""The scheduler's core: what is due runs exactly once, across ticks, restarts and processes;
what is stale after downtime is skipped and logged; failures are retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import select

from bot.db import unscoped_unit_of_work
from bot.jobs import workspaces
from bot.models import JobFailure, JobRun, Workspace
from bot.scheduler import Occurrence, make_scheduler, tick
from tests.slack_double import SlackDouble

T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


class Recorder:
    def __init__(
        self, workspace_id, due_times, *, stale_after=dt.timedelta(hours=1), fail_first=False
    ):
        self.workspace_id = workspace_id
        self.due_times = due_times
        self.stale_after = stale_after
        self.runs: list[str] = []
        self.fail_first = fail_first
        self.lock = threading.Lock()

    def run(self, key):
        def job(session, now):
            with self.lock:
                if self.fail_first:
                    self.fail_first = False
                    raise RuntimeError("Slack is down")
                self.runs.append(key)

        return job

    def __call__(self, session, until):
        for due in self.due_times:
            key = f"test:{due.isoformat()}"
            yield Occurrence(key, self.workspace_id, due, self.run(key), self.stale_after)


def test_each_occurrence_runs_once_however_often_we_tick(session_factory, workspace_id):
    source = Recorder(workspace_id, [T0, T0 + dt.timedelta(days=1)])
    assert tick(session_factory, T0 - dt.timedelta(minutes=1), [source]).ran == []
    assert tick(session_factory, T0, [source]).ran == [f"test:{T0.isoformat()}"]
    assert tick(session_factory, T0 + dt.timedelta(minutes=5), [source]).already_done == [
        f"test:{T0.isoformat()}"
    ]
    tick(session_factory, T0 + dt.timedelta(days=1, minutes=1), [source])
    tick(session_factory, T0 + dt.timedelta(days=1, minutes=1), [source])  # repeated tick
    assert source.runs == [
        f"test:{T0.isoformat()}",
        f"test:{(T0 + dt.timedelta(days=1)).isoformat()}",
    ]


def test_after_downtime_stale_work_is_skipped_and_logged(session_factory, workspace_id, caplog):
    source = Recorder(
        workspace_id, [T0, T0 + dt.timedelta(hours=5)], stale_after=dt.timedelta(hours=2)
    )
    report = tick(session_factory, T0 + dt.timedelta(hours=6), [source])
    assert report.skipped_stale == [f"test:{T0.isoformat()}"]
    assert report.ran == [f"test:{(T0 + dt.timedelta(hours=5)).isoformat()}"]
    assert "too late to be useful" in caplog.text
    with unscoped_unit_of_work(session_factory) as session:
        assert sorted(session.scalars(select(JobRun.outcome))) == ["done", "skipped"]


def test_a_failed_run_is_retried_on_the_next_tick(session_factory, workspace_id):
    source = Recorder(workspace_id, [T0], fail_first=True)
    assert tick(session_factory, T0, [source]).failed == [f"test:{T0.isoformat()}"]
    assert tick(session_factory, T0 + dt.timedelta(minutes=1), [source]).ran == [
        f"test:{T0.isoformat()}"
    ]
    assert source.runs == [f"test:{T0.isoformat()}"]


def test_racing_schedulers_run_each_occurrence_once(session_factory, workspace_id, is_postgres):
    if not is_postgres:
        pytest.skip("two scheduler processes share a database only on PostgreSQL")
    source = Recorder(workspace_id, [T0 + dt.timedelta(minutes=m) for m in range(20)])
    barrier = threading.Barrier(4)

    def process():
        barrier.wait()
        tick(session_factory, T0 + dt.timedelta(hours=1), [source])

    threads = [threading.Thread(target=process) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(source.runs) == sorted(set(source.runs)) and len(source.runs) == 20


def test_naive_instants_are_refused(session_factory):
    with pytest.raises(ValueError, match="aware"):
        tick(session_factory, dt.datetime(2026, 11, 23, 9, 0), [])


def test_the_clock_ticks_every_minute_without_overlap(session_factory):
    scheduler = make_scheduler(session_factory, [], now=lambda: T0)
    job = scheduler.get_job("cadence-tick")
    assert job.trigger.interval == dt.timedelta(minutes=1)
    assert (job.coalesce, job.max_instances) == (True, 1)
    assert job.misfire_grace_time >= 60


class Failing:
    """A source of one occurrence whose job raises `error` on its first `times` runs."""

    def __init__(self, workspace_id, error, times):
        self.workspace_id, self.error, self.times, self.runs = workspace_id, error, times, 0

    def job(self, session, now):
        self.runs += 1
        if self.runs <= self.times:
            raise self.error

    def __call__(self, session, until):
        yield Occurrence("test:failing", self.workspace_id, T0, self.job, dt.timedelta(days=1))


def _minutes(n):
    return T0 + dt.timedelta(minutes=n)


def test_a_failing_job_backs_off_instead_of_running_every_minute(
    session_factory, workspace_id, caplog
):
    source = Failing(workspace_id, RuntimeError("Slack is down"), times=3)
    tried = [m for m in range(7) if tick(session_factory, _minutes(m), [source]).failed]
    assert tried == [0, 1, 3]  # then 1, 2, 4 minutes apart: the fourth run, at 7, succeeds
    assert tick(session_factory, _minutes(7), [source]).ran == ["test:failing"]
    assert tick(session_factory, _minutes(8), [source]).already_done == ["test:failing"]
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1  # the first failure; the others are one line each
    with unscoped_unit_of_work(session_factory) as session:
        assert session.scalars(select(JobFailure)).all() == []  # ran: nothing left to wait for


def _slack_error(code):
    return SlackApiError(
        code,
        SlackResponse(
            client=None,
            http_verb="POST",
            api_url="chat.postMessage",
            req_args={},
            data={"ok": False, "error": code},
            headers={},
            status_code=200,
        ),
    )


def test_a_job_slack_will_never_take_stops_and_says_so_once(session_factory, workspace_id, caplog):
    source = Failing(workspace_id, _slack_error("missing_scope"), times=100)
    reports = [tick(session_factory, _minutes(m), [source]) for m in range(0, 120, 7)]
    assert source.runs == 1
    assert reports[0].failed == ["test:failing"]
    assert all(r.waiting == ["test:failing"] for r in reports[1:])
    said = [r for r in caplog.records if "test:failing" in r.getMessage()]
    assert len(said) == 1 and "missing_scope" in said[0].getMessage() and not said[0].exc_info


class AuthTest:
    """A Web API client whose auth.test answers for `team_id`, or raises `error`."""

    def __init__(self, team_id, error=None):
        self.team_id, self.error = team_id, error

    def auth_test(self):
        if self.error is not None:
            raise self.error
        return {"ok": True, "team_id": self.team_id}


def test_a_refused_token_suspends_its_workspace_once_until_the_token_works_again(
    session_factory, workspace_id, caplog
):
    with unscoped_unit_of_work(session_factory) as session:
        other = Workspace(slack_team_id="T0OTHER01")
        session.add(other)
        session.flush()
        other_id = other.id
    revoked = Failing(workspace_id, _slack_error("token_revoked"), times=1)
    mine = Recorder(workspace_id, [_minutes(1), _minutes(30)], stale_after=dt.timedelta(days=1))
    theirs = Recorder(other_id, [_minutes(2)])
    sources = [revoked, mine, theirs]

    first = tick(session_factory, _minutes(1), sources)
    assert first.failed == ["test:failing"]
    assert first.suspended == [f"test:{_minutes(1).isoformat()}"]  # it would fail alike
    later = [tick(session_factory, _minutes(m), sources) for m in range(1, 120, 7)]
    assert revoked.runs == 1 and mine.runs == []
    assert theirs.runs == [f"test:{_minutes(2).isoformat()}"]  # unaffected
    assert set(later[-1].suspended) == {
        "test:failing",
        *(f"test:{d.isoformat()}" for d in mine.due_times),
    }
    said = [r for r in caplog.records if "suspended" in r.getMessage()]
    assert len(said) == 1 and "token_revoked" in said[0].getMessage() and not said[0].exc_info
    with unscoped_unit_of_work(session_factory) as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace.suspended_reason == "token_revoked"

    # Still refused: it stays suspended, and says so.
    assert (
        workspaces.resume(lambda _: AuthTest(None, _slack_error("token_revoked")), session_factory)
        == []
    )
    assert tick(session_factory, _minutes(121), sources).ran == []
    # A new token: everything resumes where it stopped.
    assert workspaces.resume(lambda _: AuthTest(SlackDouble.TEAM_ID), session_factory) == [
        workspace_id
    ]
    resumed = tick(session_factory, _minutes(122), sources)
    assert set(resumed.ran) == {"test:failing", *(f"test:{d.isoformat()}" for d in mine.due_times)}
    assert tick(session_factory, _minutes(123), sources).suspended == []


def test_a_token_for_another_workspace_resumes_nothing(session_factory, workspace_id):
    with unscoped_unit_of_work(session_factory) as session:
        session.get(Workspace, workspace_id).suspended_at = T0
    assert workspaces.resume(lambda _: AuthTest("T0SOMEONE"), session_factory) == []
