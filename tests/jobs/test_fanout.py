"""One tick serves many workspaces: side by side on a bounded pool of workers, each with its
own token and its own pace, each workspace's occurrences in due order in one worker; claims
exactly once, suspension and backoff per workspace, as with one worker; a 429 pauses only the
workspace Slack answered it to."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from dataclasses import dataclass, replace

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot import installs
from bot.db import unscoped_unit_of_work
from bot.jobs import standups as standup_jobs
from bot.models import JobFailure, Person, Team, TeamMember, Workspace
from bot.scheduler import FollowUp, Occurrence, TickReport, make_scheduler, tick
from bot.settings import Settings
from bot.slack import ClientFor, clients_for
from tests.conftest import test_settings as settings_for
from tests.e2e.installs import distribution_settings
from tests.jobs.test_scheduler import _slack_error
from tests.slack_double import SlackDouble

MONDAY_MORNING = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)  # 10:30 in Rome
CREATED = dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)


# --- many workspaces, each installed with its own token ---------------------------------------


@dataclass(frozen=True)
class Installed:
    """A workspace of the fleet: its ids here and in Slack, its bot token and its members."""

    id: int
    team_id: str
    token: str
    members: tuple[str, ...]


def seed_fleet(
    factory: sessionmaker[Session], double: SlackDouble, workspaces: int, members: int
) -> list[Installed]:
    """`workspaces` workspaces in Slack and in the database, each with one team of `members`
    people in Rome whose standup is at 9:00 on working days (so one prompt occurrence per
    team), its channel, and a bot token of its own. Bulk inserts: quick for hundreds."""
    fleet = []
    with unscoped_unit_of_work(factory) as session:
        team_ids = [f"TF{n:05d}" for n in range(workspaces)]
        ids = list(
            session.scalars(
                insert(Workspace).returning(Workspace.id, sort_by_parameter_order=True),
                [{"slack_team_id": t, "created_at": CREATED} for t in team_ids],
            )
        )
        people, channels = [], []
        for n, (workspace_id, team_id) in enumerate(zip(ids, team_ids, strict=True)):
            token = f"xoxb-{team_id}-fanout"
            double.add_team(team_id, f"Company {n}")
            double.tokens[token] = team_id
            users = tuple(f"UF{n:05d}{m:03d}" for m in range(members))
            for user in users:
                double.add_user(user, real_name=user, tz="Europe/Rome", team=team_id)
                people.append(
                    {
                        "workspace_id": workspace_id,
                        "slack_user_id": user,
                        "time_zone": "Europe/Rome",
                        "locale": "en-GB",
                        "is_workspace_admin": False,
                        "created_at": CREATED,
                    }
                )
            channel = f"CF{n:05d}"
            double.add_channel(channel, f"marketing-{n}", members=users, team=team_id)
            channels.append(channel)
            fleet.append(Installed(workspace_id, team_id, token, users))
        person_ids = list(
            session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True), people
            )
        )
        teams = list(
            session.scalars(
                insert(Team).returning(Team.id, sort_by_parameter_order=True),
                [
                    {
                        "workspace_id": w.id,
                        "name": f"Marketing {n}",
                        "channel_id": channels[n],
                        "admin_channel_id": channels[n],
                        "owner_id": person_ids[n * members],
                        "scrum_master_id": person_ids[n * members],
                        "standup_time": dt.time(9, 0),
                        "working_days": 0b0011111,
                        "time_zone": "Europe/Rome",
                        "language": "en",
                        "created_at": CREATED,
                        "updated_at": CREATED,
                    }
                    for n, w in enumerate(fleet)
                ],
            )
        )
        session.execute(
            insert(TeamMember),
            [
                {
                    "workspace_id": fleet[i // members].id,
                    "team_id": teams[i // members],
                    "person_id": person_id,
                    "joined_at": CREATED,
                }
                for i, person_id in enumerate(person_ids)
            ],
        )
    return fleet


def install_fleet(store: SQLAlchemyInstallationStore, fleet: list[Installed]) -> None:
    """Each workspace's installation, as Add to Slack stores it."""
    for workspace in fleet:
        store.save(
            Installation(
                app_id=SlackDouble.APP_ID,
                team_id=workspace.team_id,
                bot_token=workspace.token,
                bot_id=SlackDouble.BOT_ID,
                bot_user_id=SlackDouble.BOT_USER_ID,
                bot_scopes="chat:write,im:write,users:read",
                user_id=workspace.members[0],
                installed_at=CREATED.timestamp(),
            )
        )


def fleet_clients(settings: Settings, engine: Engine, fleet: list[Installed]) -> ClientFor:
    """The scheduler's clients in distribution mode: one per workspace, with its token."""
    store, _ = installs.stores(settings, engine)
    install_fleet(store, fleet)
    return installs.clients_for(settings, store)


@pytest.fixture
def fleet_settings(double, db_url) -> Settings:
    return distribution_settings(double, db_url)


def prompts_to(double: SlackDouble) -> Counter[tuple[str, str | None]]:
    """How many DMs each member got, and with whose token: (member, workspace) -> count."""
    return Counter((c.args["channel"], c.team_id) for c in double.calls_to("chat.postMessage"))


def test_each_workspace_is_prompted_with_its_own_token_exactly_once(
    double, session_factory, engine, fleet_settings
):
    fleet = seed_fleet(session_factory, double, workspaces=5, members=3)
    clients = fleet_clients(fleet_settings, engine, fleet)
    sources = standup_jobs.sources(clients, session_factory)

    report = tick(session_factory, MONDAY_MORNING, sources, workers=3)
    assert report.failed == [] and len(report.ran) == 5
    expected = Counter({(user, w.team_id): 1 for w in fleet for user in w.members})
    assert prompts_to(double) == expected  # each with its own workspace's token
    again = tick(session_factory, MONDAY_MORNING + dt.timedelta(minutes=1), sources, workers=3)
    assert again.ran == [] and prompts_to(double) == expected


def test_each_workspace_posts_at_its_own_pace_kept_across_a_new_token(
    double, session_factory, engine, fleet_settings
):
    fleet = seed_fleet(session_factory, double, workspaces=2, members=1)
    store, _ = installs.stores(fleet_settings, engine)
    install_fleet(store, fleet)
    clients = installs.clients_for(fleet_settings, store)
    first, second = (clients(w.id) for w in fleet)
    assert first.pace is not None and second.pace is not None and first.pace is not second.pace
    assert first.pace.budget == fleet_settings.slack_post_budget == 300
    assert clients(fleet[0].id) is first
    # Installed again: a new token, a new client, the same workspace's pace.
    double.tokens["xoxb-new-token"] = fleet[0].team_id
    install_fleet(store, [replace(fleet[0], token="xoxb-new-token")])
    again = clients(fleet[0].id)
    assert again is not first and again.token == "xoxb-new-token" and again.pace is first.pace


def test_one_token_for_every_workspace_is_one_pace(double, db_url):
    clients = clients_for(settings_for(double, db_url))
    assert clients(1) is clients(2) and clients(1).pace.budget == 300


def test_two_ticks_racing_prompt_each_member_once(
    double, session_factory, engine, fleet_settings, is_postgres
):
    if not is_postgres:
        pytest.skip("two scheduler processes share a database only on PostgreSQL")
    fleet = seed_fleet(session_factory, double, workspaces=6, members=3)
    clients = fleet_clients(fleet_settings, engine, fleet)
    sources = standup_jobs.sources(clients, session_factory)
    barrier = threading.Barrier(2)
    reports: list[TickReport] = []

    def process() -> None:
        barrier.wait()
        reports.append(tick(session_factory, MONDAY_MORNING, sources, workers=3))

    racing = [threading.Thread(target=process) for _ in range(2)]
    for thread in racing:
        thread.start()
    for thread in racing:
        thread.join(timeout=60)
    assert sorted(len(r.ran) + len(r.already_done) for r in reports) == [6, 6]
    assert sum(len(r.ran) for r in reports) == 6
    assert prompts_to(double) == Counter({(u, w.team_id): 1 for w in fleet for u in w.members})


def test_a_429_pauses_only_the_workspace_it_was_answered_to(
    double, session_factory, engine, fleet_settings
):
    fleet = seed_fleet(session_factory, double, workspaces=2, members=4)
    clients = fleet_clients(fleet_settings, engine, fleet)
    # The first DM of the tick, whichever workspace sends it, is answered 429, Retry-After 2.
    double.fail_next("chat.postMessage", status=429, retry_after=2)

    report = tick(
        session_factory, MONDAY_MORNING, standup_jobs.sources(clients, session_factory), workers=2
    )
    assert report.failed == [] and len(report.ran) == 2
    calls = double.calls_to("chat.postMessage", ok=None)
    limited = next(c for c in calls if c.status == 429)
    paused = [i for i, c in enumerate(calls) if c.team_id == limited.team_id and c.ok]
    others = [i for i, c in enumerate(calls) if c.team_id != limited.team_id]
    assert len(paused) == 4 and len(others) == 4  # everyone asked, once
    # The other workspace's prompts all went out while the limited one slept its 2 seconds.
    assert max(others) < min(paused)


# --- the scheduler's workers, with jobs that only record ---------------------------------------


class Jobs:
    """Sources of occurrences in several workspaces; each run records its workspace, its key
    and its thread, and may raise. With a barrier, each workspace's first run waits at it in
    its follow-up (after its commit, where the DMs go out): all meet only if they run at once."""

    def __init__(self, due: dict[int, list[dt.datetime]]) -> None:
        self.due = due
        self.runs: list[tuple[int, str, str]] = []
        self.met: list[int] = []  # the workspaces whose first run passed the barrier
        self.lock = threading.Lock()
        self.barrier: threading.Barrier | None = None
        self.errors: dict[str, Exception] = {}

    @staticmethod
    def key(workspace_id: int, due_at: dt.datetime) -> str:
        return f"test:{workspace_id}:{due_at:%H%M}"

    def run(self, workspace_id: int, key: str, first: bool):
        def job(session: Session, now: dt.datetime) -> FollowUp | None:
            with self.lock:
                self.runs.append((workspace_id, key, threading.current_thread().name))
            if key in self.errors:
                raise self.errors[key]
            barrier = self.barrier
            if not first or barrier is None:
                return None

            def meet() -> None:
                barrier.wait()
                with self.lock:
                    self.met.append(workspace_id)

            return meet

        return job

    def __call__(self, session: Session, until: dt.datetime):
        for workspace_id, times in self.due.items():
            for n, due_at in enumerate(times):
                key = self.key(workspace_id, due_at)
                yield Occurrence(
                    key, workspace_id, due_at, self.run(workspace_id, key, n == 0), dt.timedelta(1)
                )


def make_workspaces(factory: sessionmaker[Session], count: int) -> list[int]:
    with unscoped_unit_of_work(factory) as session:
        return list(
            session.scalars(
                insert(Workspace).returning(Workspace.id, sort_by_parameter_order=True),
                [{"slack_team_id": f"TW{n:04d}", "created_at": CREATED} for n in range(count)],
            )
        )


T0 = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)


def minutes(*offsets: int) -> list[dt.datetime]:
    return [T0 + dt.timedelta(minutes=m) for m in offsets]


def test_workspaces_run_side_by_side_each_in_due_order_in_one_worker(session_factory):
    ids = make_workspaces(session_factory, 6)
    # Interleaved due times: workspace n's occurrences at n, n + 10, n + 20 minutes.
    jobs = Jobs({w: minutes(n, n + 10, n + 20) for n, w in enumerate(ids)})
    jobs.barrier = threading.Barrier(6, timeout=30)  # passes only if all six run at once

    report = tick(session_factory, T0 + dt.timedelta(hours=1), [jobs], workers=6)
    assert report.failed == [] and sorted(jobs.met) == ids
    # The report: each workspace's outcomes in its due order, workspaces by first due.
    assert report.ran == [jobs.key(w, d) for w in ids for d in jobs.due[w]]
    for w in ids:
        mine = [(key, thread) for workspace, key, thread in jobs.runs if workspace == w]
        assert [key for key, _ in mine] == [jobs.key(w, d) for d in jobs.due[w]]
        assert len({thread for _, thread in mine}) == 1  # one worker, one after the other


def test_a_bounded_pool_serves_more_workspaces_than_workers(session_factory):
    ids = make_workspaces(session_factory, 9)
    jobs = Jobs({w: minutes(n, 30 + n) for n, w in enumerate(ids)})
    report = tick(session_factory, T0 + dt.timedelta(hours=1), [jobs], workers=3)
    assert report.ran == [jobs.key(w, d) for w in ids for d in jobs.due[w]]
    assert len({thread for *_, thread in jobs.runs}) <= 3
    again = tick(session_factory, T0 + dt.timedelta(hours=1), [jobs], workers=3)
    assert again.ran == [] and len(again.already_done) == 18  # exactly once


def test_suspension_and_backoff_stay_per_workspace_with_workers(session_factory):
    refused, failing, fine = make_workspaces(session_factory, 3)
    jobs = Jobs({refused: minutes(0, 3, 4), failing: minutes(1, 3), fine: minutes(2, 3)})
    first_of = {w: jobs.due[w][0] for w in jobs.due}
    jobs.errors = {
        jobs.key(refused, first_of[refused]): _slack_error("token_revoked"),
        jobs.key(failing, first_of[failing]): RuntimeError("Slack is down"),
    }

    first = tick(session_factory, T0 + dt.timedelta(minutes=5), [jobs], workers=3)
    assert first.failed == [jobs.key(refused, T0), jobs.key(failing, first_of[failing])]
    # The refused workspace's others are not tried: they would fail alike.
    assert first.suspended == [jobs.key(refused, d) for d in minutes(3, 4)]
    assert first.ran == [jobs.key(failing, d) for d in minutes(3)] + [
        jobs.key(fine, d) for d in minutes(2, 3)
    ]

    jobs.errors = {}
    later = tick(session_factory, T0 + dt.timedelta(minutes=5, seconds=30), [jobs], workers=3)
    assert later.suspended == [jobs.key(refused, d) for d in minutes(0, 3, 4)]
    assert later.waiting == [jobs.key(failing, first_of[failing])]  # backing off a minute
    retried = tick(session_factory, T0 + dt.timedelta(minutes=6), [jobs], workers=3)
    assert retried.ran == [jobs.key(failing, first_of[failing])]
    with unscoped_unit_of_work(session_factory) as session:
        suspended = set(
            session.scalars(select(Workspace.id).where(Workspace.suspended_at.is_not(None)))
        )
        assert suspended == {refused}
        assert session.scalars(select(JobFailure.job_key)).all() == [jobs.key(refused, T0)]


def test_the_clock_ticks_with_its_workers(session_factory):
    ids = make_workspaces(session_factory, 2)
    jobs = Jobs({w: minutes(0) for w in ids})
    jobs.barrier = threading.Barrier(2, timeout=30)  # one worker alone would never pass it
    reports: list[TickReport] = []
    scheduler = make_scheduler(
        session_factory,
        [jobs],
        now=lambda: T0,
        on_tick=lambda report, _seconds: reports.append(report),
        workers=2,
    )
    scheduler.get_job("cadence-tick").func()
    assert reports[0].failed == [] and len(reports[0].ran) == 2
    assert sorted(jobs.met) == ids
