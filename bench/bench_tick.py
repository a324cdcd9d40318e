"""How long does one scheduler tick take for many teams, and does it scale linearly?

Seeds N teams (default 500), each with a sprint of 10 items running in its own channel, and
times the ticks that a sprint day brings: the start (an announcement per team, posted to the
Slack double over HTTP), a daily snapshot (database only), and a quiet tick (nothing due). The
same ticks for a tenth of the teams, in the same run, are the baseline: the ratio
`time(N) / (10 × time(N/10))` is 1.0 when a tick scales linearly with the number of teams.
SQL statements per team are counted too.

    .venv/bin/python -m bench.bench_tick [--teams 500] [--database-url URL] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.engine import make_url

from bench.unpaced import unpaced
from bot.db import make_engine, make_session_factory, unscoped_unit_of_work
from bot.jobs import sprints as sprint_jobs
from bot.messaging import sprints as _loaded  # noqa: F401 - loaded as in a running bot, not timed
from bot.models import (
    BacklogItem,
    ChangeKind,
    ItemStatus,
    Person,
    Sprint,
    SprintChange,
    SprintItem,
    SprintState,
    Team,
    Workspace,
)
from bot.scheduler import tick
from bot.services import sprints
from bot.settings import Settings, normalize_database_url
from tests.databases import prepare_database
from tests.slack_double import SlackDouble

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/agilebot_bench_tick"
GOAL = 1.5  # time(N) / (10 × time(N/10)): at most 1.5, i.e. close to linear
ITEMS_PER_SPRINT = 10
MONDAY = dt.date(2026, 11, 2)
ZONE = "Europe/Amsterdam"
PLANNED_AT = dt.datetime(2026, 10, 30, 9, 0, tzinfo=dt.UTC)


def seed(factory, double: SlackDouble, workspace_slack_id: str, teams: int) -> int:
    """A workspace with `teams` teams, each with a planned sprint starting on MONDAY."""
    with unscoped_unit_of_work(factory) as session:
        workspace = Workspace(slack_team_id=workspace_slack_id)
        session.add(workspace)
        session.flush()
        wid = workspace.id
        owner = Person(workspace_id=wid, slack_user_id=f"U{workspace_slack_id[1:]}OWN")
        session.add(owner)
        session.flush()
        team_rows = []
        for n in range(teams):
            channel = f"C{workspace_slack_id[1:5]}{n:05d}"
            double.add_channel(channel, f"team-{workspace_slack_id.lower()}-{n}", members=[])
            team_rows.append(
                {
                    "workspace_id": wid,
                    "name": f"Team {n}",
                    "channel_id": channel,
                    "admin_channel_id": channel,
                    "owner_id": owner.id,
                    "scrum_master_id": owner.id,
                    "sprint_length_weeks": 2,
                    "standup_time": dt.time(9, 30),
                    "working_days": 0b0011111,
                    "time_zone": ZONE,
                    "language": "en",
                    "created_at": PLANNED_AT,
                    "updated_at": PLANNED_AT,
                }
            )
        team_ids = list(
            session.scalars(
                insert(Team).returning(Team.id, sort_by_parameter_order=True), team_rows
            )
        )
        end = sprints.end_date_for(MONDAY, 2)
        sprint_ids = list(
            session.scalars(
                insert(Sprint).returning(Sprint.id, sort_by_parameter_order=True),
                [
                    {
                        "workspace_id": wid,
                        "team_id": team_id,
                        "number": 1,
                        "goal": "Goal",
                        "start_date": MONDAY,
                        "end_date": end,
                        "length_weeks": 2,
                        "capacity": 30,
                        "state": SprintState.PLANNED,
                        "created_by_id": owner.id,
                        "created_at": PLANNED_AT,
                        "updated_at": PLANNED_AT,
                    }
                    for team_id in team_ids
                ],
            )
        )
        item_rows = [
            {
                "workspace_id": wid,
                "team_id": team_id,
                "title": f"Item {k}",
                "kind": "content",
                "submitter_id": owner.id,
                "status": ItemStatus.PLANNED,
                "effort": 3,
                "customer_value": 5,
                "business_value": 5,
                "score": 10 / 3,
                "vote_count": 0,
                "created_at": PLANNED_AT,
                "updated_at": PLANNED_AT,
            }
            for team_id in team_ids
            for k in range(ITEMS_PER_SPRINT)
        ]
        item_ids = list(
            session.scalars(
                insert(BacklogItem).returning(BacklogItem.id, sort_by_parameter_order=True),
                item_rows,
            )
        )
        sprint_items, changes = [], []
        for index, item_id in enumerate(item_ids):
            sprint_id = sprint_ids[index // ITEMS_PER_SPRINT]
            sprint_items.append(
                {
                    "workspace_id": wid,
                    "sprint_id": sprint_id,
                    "item_id": item_id,
                    "state": "todo",
                    "points": 3,
                    "committed": True,
                    "added_at": PLANNED_AT,
                }
            )
            changes.append(
                {
                    "workspace_id": wid,
                    "sprint_id": sprint_id,
                    "item_id": item_id,
                    "kind": ChangeKind.COMMITTED,
                    "scope_points": 3,
                    "scope_items": 1,
                    "done_points": 0,
                    "done_items": 0,
                    "data": {},
                    "occurred_at": PLANNED_AT,
                }
            )
        session.execute(insert(SprintItem), sprint_items)
        session.execute(insert(SprintChange), changes)
        return wid


class Counter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.count += 1


def timed_tick(factory, at, sources, counter: Counter) -> tuple[float, int, int]:
    before = counter.count
    started = time.perf_counter()
    report = tick(factory, at, sources)
    seconds = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"tick failed: {report.failed[:3]}")
    return seconds, len(report.ran), counter.count - before


def run_one(url: str, teams: int, double: SlackDouble, settings: Settings) -> dict[str, dict]:
    prepare_database(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        seed(factory, double, f"T{teams:08d}", teams)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        counter = Counter(engine)
        sources = sprint_jobs.sources(unpaced(settings), factory)
        start_at = sprints.local_instant_in(ZONE, MONDAY, sprints.DAY_STARTS)
        snapshot_at = sprints.local_instant_in(ZONE, MONDAY, sprints.DAY_ENDS)
        cases = {}
        for name, at in (
            ("start (announce)", start_at),
            ("quiet", start_at + dt.timedelta(hours=1)),
            ("daily snapshot", snapshot_at),
        ):
            seconds, ran, statements = timed_tick(factory, at, sources, counter)
            expected = 0 if name == "quiet" else teams
            if ran != expected:
                raise SystemExit(f"{name}: expected {expected} jobs to run, {ran} ran")
            cases[name] = {"seconds": seconds, "ran": ran, "statements": statements}
        return cases
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio misses 1.5")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    small = max(1, args.teams // 10)
    double = SlackDouble()
    double.start()
    try:
        with tempfile.TemporaryDirectory(prefix="agilebot-tick-") as tmp:
            url = normalize_database_url(args.database_url or DEFAULT_PG_URL)
            if url == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'tick.db'}"
            print(f"database: {make_url(url).render_as_string(hide_password=True)}", flush=True)
            settings = Settings.from_env(
                {
                    "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
                    "SLACK_API_URL": double.api_url,
                    "DATABASE_URL": url,
                }
            )
            baseline = run_one(url, small, double, settings)
            full = run_one(url, args.teams, double, settings)
    finally:
        double.stop()

    print(f"\nOne tick, {args.teams} teams against {small} teams (same run):")
    print(f"{'case':<18}{'time (s)':>10}{'base (s)':>10}{'stmts/team':>12}{'ratio':>8}  ok?")
    ok = True
    out = {}
    for name, result in full.items():
        base = baseline[name]
        ratio = result["seconds"] / (10 * base["seconds"]) if base["seconds"] else float("nan")
        per_team = result["statements"] / args.teams
        good = ratio <= GOAL
        ok = ok and (good or name == "quiet")  # a quiet tick is a few ms: too noisy to judge
        print(
            f"{name:<18}{result['seconds']:>10.3f}{base['seconds']:>10.3f}{per_team:>12.1f}"
            f"{ratio:>8.2f}  {'yes' if good else 'NO'}"
        )
        out[name] = {**result, "baseline_seconds": base["seconds"], "ratio": ratio}
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "tick.json").write_text(
        json.dumps({"teams": args.teams, "cases": out}, indent=1)
    )
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
