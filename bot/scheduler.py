"""The cadence scheduler: exactly once, whatever the number of processes and restarts.

APScheduler only wakes the process up (`tick` every minute). What is due is decided from the
database and the clock: each job source lists the occurrences due up to an instant, and each
occurrence is claimed by inserting its unique key into `job_runs` in the same transaction that
does its work. A second process, a restart or a repeated tick finds the key taken and skips it;
a failed run rolls its claim back and is tried again on the next tick. Occurrences older than
their `stale_after` are recorded as skipped instead of run (a reminder from yesterday helps
no one), and the log says so. An occurrence that fails is not tried on every tick forever
(`job_failures`): a failure Slack may get over backs off, 1, 2, 4... minutes up to an hour,
with one traceback in the log and a line for each later attempt; one that no retry can cure
(a permission the app lacks) stops that occurrence for good, said once. When Slack refuses a
workspace's token itself (revoked, the workspace disabled), the workspace is suspended, said
once: none of its occurrences runs until its token works again (bot.jobs.workspaces), and then
they resume where they stopped, late ones skipped as stale like after any downtime.

One tick serves every workspace: their occurrences are grouped by workspace, each workspace's
run in due order, one after the other, and with `workers` > 1 the workspaces run side by side on
a bounded pool of threads, each workspace in one worker from its first occurrence to its last
follow-up. Slow Slack calls of one workspace (its DMs, a 429's Retry-After, its posts paced
under Slack's limits by its client, bot.pacing) then delay no other. Claims, failures, backoff
and suspension are per occurrence and per workspace, as with one worker.

The job sources live with the jobs (bot.jobs.job_sources): people's Slack profiles read
again when a day old, and the scrum master told when a member left Slack; sprint starts,
daily snapshots and closes; retrospectives opening, voting and closing; standup prompts,
resends, reminders and blockers raised again; the weekly digests; the DMs owed to an idea's
followers that their request did not send. This module knows none of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import logs
from bot.db import unit_of_work, unscoped_unit_of_work
from bot.models import JobFailure, JobRun, Workspace
from bot.slack import TOKEN_REFUSED, UNCURABLE, error_reason

if TYPE_CHECKING:  # APScheduler is imported when a scheduler is made, not with this module
    from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger(__name__)

TICK_SECONDS = 60
BACKOFF_MAX = dt.timedelta(hours=1)
# For occurrences that must happen however late (a sprint always closes, voting always ends).
NEVER_STALE = dt.timedelta(days=3650)


# What a run finds in its session's `info`: the occurrence's key, and whether an earlier attempt
# failed, perhaps after Slack did the work (bot.messaging.post looks before posting again).
RUN_KEY = "occurrence"
RETRY_KEY = "retry"


@dataclass(frozen=True)
class Occurrence:
    key: str  # unique forever: job name + its subject + its local date/time
    workspace_id: int
    due_at: dt.datetime  # UTC
    # The work, in the claim's transaction. It may return a follow-up, run after the commit:
    # the slow Slack calls that come after the main post (charts, DMs), which must neither
    # hold the transaction open nor undo the post if they fail.
    run: Callable[[Session, dt.datetime], FollowUp | None]
    stale_after: dt.timedelta = dt.timedelta(hours=12)


JobSource = Callable[[Session, dt.datetime], Iterable[Occurrence]]
FollowUp = Callable[[], None]


@dataclass
class TickReport:
    ran: list[str] = field(default_factory=list)
    skipped_stale: list[str] = field(default_factory=list)
    already_done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # failed before: backing off, or stopped
    suspended: list[str] = field(default_factory=list)  # their workspace's token is refused

    def extend(self, other: TickReport) -> None:
        """Add another report's outcomes after this one's (another workspace's)."""
        self.ran += other.ran
        self.skipped_stale += other.skipped_stale
        self.already_done += other.already_done
        self.failed += other.failed
        self.waiting += other.waiting
        self.suspended += other.suspended

    def counts(self) -> dict[str, int]:
        """How many occurrences had each outcome (the metrics' labels)."""
        return {
            "ran": len(self.ran),
            "failed": len(self.failed),
            "stale": len(self.skipped_stale),
            "waiting": len(self.waiting),
            "suspended": len(self.suspended),
            "already_done": len(self.already_done),
        }


def tick(
    factory: sessionmaker[Session],
    at: dt.datetime,
    sources: list[JobSource],
    *,
    workers: int = 1,
) -> TickReport:
    """Run, once, everything due up to `at` that has not run yet: each workspace's occurrences
    in due order, up to `workers` workspaces at a time. The report lists each workspace's
    outcomes in its order, workspaces in the order of their first due occurrence."""
    if at.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    with unscoped_unit_of_work(factory) as session:
        due = [
            occurrence
            for source in sources
            for occurrence in source(session, at)
            if occurrence.due_at <= at
        ]
        keys = [o.key for o in due]
        done: set[str] = set()
        failures: dict[str, JobFailure] = {}
        suspended: set[int] = set()
        if keys:  # a quiet tick asks nothing more
            done = set(session.scalars(select(JobRun.job_key).where(JobRun.job_key.in_(keys))))
            failures = {
                f.job_key: f
                for f in session.scalars(select(JobFailure).where(JobFailure.job_key.in_(keys)))
            }
            suspended = set(
                session.scalars(select(Workspace.id).where(Workspace.suspended_at.is_not(None)))
            )
    by_workspace: dict[int, list[Occurrence]] = {}
    for occurrence in sorted(due, key=lambda o: (o.due_at, o.key)):
        by_workspace.setdefault(occurrence.workspace_id, []).append(occurrence)

    def run_workspace(occurrences: list[Occurrence]) -> TickReport:
        report = TickReport()
        refused = occurrences[0].workspace_id in suspended
        for occurrence in occurrences:
            if occurrence.key in done:
                report.already_done.append(occurrence.key)
            elif refused:
                report.suspended.append(occurrence.key)
            elif _waiting(failures.get(occurrence.key), at):
                report.waiting.append(occurrence.key)
            else:  # after a refused token, the workspace's others would fail alike
                with logs.working_on(job=occurrence.key):  # its log lines name it
                    refused = not _run_once(
                        factory, occurrence, at, report, failures.get(occurrence.key)
                    )
        return report

    groups = list(by_workspace.values())
    if workers > 1 and len(groups) > 1:
        # Each workspace in one worker; map returns the reports in the workspaces' order.
        with ThreadPoolExecutor(min(workers, len(groups)), thread_name_prefix="tick") as pool:
            parts = list(pool.map(run_workspace, groups))
    else:
        parts = [run_workspace(group) for group in groups]
    report = TickReport()
    for part in parts:
        report.extend(part)
    return report


def _waiting(failure: JobFailure | None, at: dt.datetime) -> bool:
    """The occurrence failed before: it waits for its next try, or for ever if it stopped."""
    return failure is not None and (failure.next_try_at is None or failure.next_try_at > at)


def _run_once(
    factory: sessionmaker[Session],
    occurrence: Occurrence,
    at: dt.datetime,
    report: TickReport,
    failure: JobFailure | None,
) -> bool:
    """Run the occurrence, or record why not; False when its workspace's token is refused."""
    stale = at - occurrence.due_at > occurrence.stale_after
    follow_up = None
    try:
        with unit_of_work(factory, occurrence.workspace_id) as session:
            session.info[RUN_KEY], session.info[RETRY_KEY] = occurrence.key, failure is not None
            session.add(
                JobRun(
                    job_key=occurrence.key,
                    due_at=occurrence.due_at,
                    outcome="skipped" if stale else "done",
                    ran_at=at,
                )
            )
            session.flush()  # the claim: a concurrent process blocks here, then fails
            if not stale:
                follow_up = occurrence.run(session, at)
            if failure is not None:
                session.execute(delete(JobFailure).where(JobFailure.job_key == occurrence.key))
    except IntegrityError:
        report.already_done.append(occurrence.key)
        return True
    except Exception as error:  # noqa: BLE001 - recorded, backed off or stopped, and logged
        report.failed.append(occurrence.key)
        return _record_failure(factory, occurrence, at, error, failure)
    if stale:
        log.warning(
            "skipped %s: due %s, too late to be useful now",
            occurrence.key,
            occurrence.due_at.isoformat(),
        )
        report.skipped_stale.append(occurrence.key)
    else:
        log.info("ran %s (due %s)", occurrence.key, occurrence.due_at.isoformat())
        report.ran.append(occurrence.key)
    if follow_up is not None:
        try:
            follow_up()
        except Exception:  # the job is done; its follow-up reports its own failures
            log.exception("the follow-up of %s failed", occurrence.key)
    return True


def _record_failure(
    factory: sessionmaker[Session],
    occurrence: Occurrence,
    at: dt.datetime,
    error: Exception,
    before: JobFailure | None,
) -> bool:
    """When the occurrence may be tried again, or that it never will; the log says it once
    with its traceback, then one line per attempt. False when the workspace's token is
    refused: the workspace is suspended, and the occurrence will be tried when it resumes."""
    reason = error_reason(error)
    refused = reason in TOKEN_REFUSED
    attempts = (before.attempts if before is not None else 0) + 1
    stopped = reason in UNCURABLE and not refused
    wait = min(dt.timedelta(minutes=2 ** (attempts - 1)), BACKOFF_MAX)
    next_try = None if stopped else at + wait
    if refused:
        _suspend(factory, occurrence, at, reason)  # which says so, once for the workspace
    elif stopped:
        log.error(
            "job %s stopped: Slack answered %s, which no retry cures (the app lacks a "
            "permission: update it from `agilebot manifest` and install it again); it will "
            "not run again",
            occurrence.key,
            reason,
        )
    elif before is None:
        log.exception("job %s failed; it will be tried again at %s", occurrence.key, next_try)
    else:
        log.warning(
            "job %s failed again (%s, attempt %d); next try at %s",
            occurrence.key,
            reason,
            attempts,
            next_try,
        )
    try:
        with unit_of_work(factory, occurrence.workspace_id) as session:
            row = session.scalar(select(JobFailure).where(JobFailure.job_key == occurrence.key))
            if row is None:
                row = JobFailure(job_key=occurrence.key, attempts=0, reason=reason, failed_at=at)
                session.add(row)
            row.attempts, row.reason = attempts, reason[:100]
            row.failed_at, row.next_try_at = at, next_try
    except IntegrityError:  # another process recorded the same failure first
        log.debug("failure of %s already recorded", occurrence.key)
    return not refused


def _suspend(
    factory: sessionmaker[Session], occurrence: Occurrence, at: dt.datetime, reason: str
) -> None:
    """Suspend the occurrence's workspace; the process that does it says so, once."""
    with unit_of_work(factory, occurrence.workspace_id) as session:
        changed = session.scalar(
            update(Workspace)
            .where(Workspace.id == occurrence.workspace_id, Workspace.suspended_at.is_(None))
            .values(suspended_at=at, suspended_reason=reason[:100])
            .returning(Workspace.id)
        )
    if changed is not None:
        log.error(
            "workspace %d suspended: Slack answered %s to job %s. None of its jobs will run "
            "until its token works again (a new SLACK_BOT_TOKEN and a restart, or the app "
            "installed again); they resume where they stopped",
            occurrence.workspace_id,
            reason,
            occurrence.key,
        )


@dataclass
class Heartbeat:
    """When the scheduler of this process last finished a tick, for the health check."""

    started: dt.datetime
    last_tick: dt.datetime | None = None

    def beat(self, at: dt.datetime) -> None:
        self.last_tick = at

    def state(self, now: dt.datetime) -> str:
        """ "ok", or "late" when no tick has finished for three tick intervals (a tick that
        hangs, a scheduler thread that died)."""
        since = self.last_tick or self.started
        return "ok" if now - since <= dt.timedelta(seconds=3 * TICK_SECONDS) else "late"


def make_scheduler(
    factory: sessionmaker[Session],
    sources: list[JobSource],
    *,
    now: Callable[[], dt.datetime],
    heartbeat: Heartbeat | None = None,
    on_tick: Callable[[TickReport, float], None] | None = None,
    workers: int = 1,
) -> BackgroundScheduler:
    """An APScheduler that ticks every minute, in its own threads: beside the web server
    (`run`) or alone (`clock`), serving up to `workers` workspaces at once (SCHEDULER_WORKERS).
    `on_tick` hears each tick's report and duration (the metrics)."""

    def run_tick() -> None:
        started = time.monotonic()
        report = tick(factory, now(), sources, workers=workers)
        if on_tick is not None:
            on_tick(report, time.monotonic() - started)
        if heartbeat is not None:
            heartbeat.beat(now())

    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(timezone=dt.UTC)
    scheduler.add_job(
        run_tick,
        IntervalTrigger(seconds=TICK_SECONDS),
        id="cadence-tick",
        replace_existing=True,
        # A tick catches up everything due since the last one, so a missed tick need not be
        # replayed (coalesce), never overlaps itself (max_instances), and a late one still runs.
        coalesce=True,
        max_instances=1,
        misfire_grace_time=TICK_SECONDS * 5,
        next_run_time=now(),
    )
    return scheduler
