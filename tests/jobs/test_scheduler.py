"""The scheduler's core: what is due runs exactly once, across ticks, restarts and processes;
what is stale after downtime is skipped and logged; failures are retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from bot.db import unscoped_unit_of_work
from bot.models import JobRun
from bot.scheduler import Occurrence, make_scheduler, tick

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
