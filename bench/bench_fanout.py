"""One standup tick for 200 workspaces of 25 members, against a Slack that answers in 100 ms.

Each workspace is installed with Add to Slack (its own bot token in the installation store),
has one team of 25 members whose standup is at 9:00, and the one tick after 9:00 sends all
5,000 prompts, each with its workspace's token, through the scheduler's clients (one per
workspace, each with its pace). The Slack double answers every call after `--latency` seconds.

The same tick runs with the scheduler's workers (SCHEDULER_WORKERS: its PostgreSQL default,
16, then 8) and, as the baseline, one call at a time (one worker), in the same run, each on a
freshly migrated and seeded database. For each it reports the time from the tick to the last
prompt answered, how many prompts were answered within 60 s, the SQL statements per team, and
the most posts any workspace sent in any 60 seconds (its budget is SLACK_POST_BUDGET).

    .venv/bin/python -m bench.bench_fanout [--workspaces 200] [--members 25] [--workers 16,8]
        [--latency 0.1] [--database-url URL] [--quick] [--check]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot import installs
from bot.db import make_engine, make_session_factory
from bot.jobs import standups as standup_jobs
from bot.messaging import standups as _loaded  # noqa: F401 - loaded as in a running bot, not timed
from bot.scheduler import tick
from bot.settings import DEFAULT_WORKERS_POSTGRESQL, Settings, normalize_database_url
from tests.databases import prepare_database
from tests.jobs.test_fanout import MONDAY_MORNING, install_fleet, seed_fleet
from tests.slack_double import SlackDouble
from tests.slack_double.double import METHODS
from tests.slack_double.oauth import CLIENT_ID, CLIENT_SECRET

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/agilebot_bench_fanout"
GOAL_SECONDS = 60.0  # every prompt answered within a minute of the tick
WINDOW = 60.0


@dataclass
class Posts:
    """chat.postMessage as the double saw it: when each arrived and was answered, by whom."""

    arrived: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    answered: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, double: SlackDouble) -> None:
        """Wrap the double's answering of Web API calls to time the posts."""
        answer = double._api

        def timed(request: Any) -> Any:
            arrived = time.perf_counter()
            reply = answer(request)
            if request.method == "chat.postMessage" and reply.status == 200:
                with self.lock:
                    self.arrived[double.tokens.get(request.token or "", "?")].append(arrived)
                    self.answered.append(time.perf_counter())
            return reply

        double._api = timed  # type: ignore[method-assign]


def most_in_any_window(times: list[float]) -> int:
    """The most posts in any span [t, t + 60 s): the spans that matter start at a post."""
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - WINDOW:
            first += 1
        most = max(most, last - first + 1)
    return most


def measure(
    url: str, double: SlackDouble, args: argparse.Namespace, workers: int, budget: int
) -> dict[str, Any]:
    """One tick for the whole fleet with `workers` workers, on a fresh database."""
    double.reset()
    double.slow = dict.fromkeys(METHODS, args.latency)
    prepare_database(url)
    engine = make_engine(url, scheduler_workers=workers)  # the pool `agilebot clock` would have
    try:
        factory = make_session_factory(engine)
        fleet = seed_fleet(factory, double, args.workspaces, args.members)
        settings = Settings.from_env(
            {
                "SLACK_CLIENT_ID": CLIENT_ID,
                "SLACK_CLIENT_SECRET": CLIENT_SECRET,
                "SLACK_API_URL": double.api_url,
                "DATABASE_URL": url,
                "SLACK_POST_BUDGET": str(budget),
            },
            dotenv=False,
        )
        store, _ = installs.stores(settings, engine)
        install_fleet(store, fleet)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        statements = [0]

        def count(*_: Any) -> None:
            statements[0] += 1  # under the GIL: a lost count would show as a difference

        for counted in {engine, store.engine}:  # one engine on PostgreSQL, two on SQLite
            event.listen(counted, "before_cursor_execute", count)
        posts = Posts()
        posts.watch(double)
        clients = installs.clients_for(settings, store)
        started = time.perf_counter()
        try:
            report = tick(
                factory, MONDAY_MORNING, standup_jobs.sources(clients, factory), workers=workers
            )
        finally:
            del double._api  # the double's own again
        seconds = time.perf_counter() - started
        expected = args.workspaces * args.members
        sent = Counter((c.args["channel"], c.team_id) for c in double.calls_to("chat.postMessage"))
        own = (
            all(sent[(user, w.team_id)] == 1 for w in fleet for user in w.members)
            and sum(sent.values()) == expected
        )
        if report.failed or not own or double.violations:
            raise SystemExit(
                f"expected {expected} prompts, each once with its workspace's token; sent "
                f"{sum(sent.values())}; failed {report.failed[:3]}; {double.violations[:3]}"
            )
        after = sorted(t - started for t in posts.answered)
        return {
            "workers": workers,
            "workspaces": args.workspaces,
            "members": args.members,
            "prompts": expected,
            "tick_seconds": seconds,
            "last_prompt_seconds": after[-1],
            "within_goal": sum(1 for t in after if t <= GOAL_SECONDS),
            "statements": statements[0],
            "statements_per_team": statements[0] / args.workspaces,
            "budget": budget,
            "most_posts_in_60s": max(most_in_any_window(t) for t in posts.arrived.values()),
        }
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=200)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument(
        "--workers",
        default=",".join(str(w) for w in dict.fromkeys([DEFAULT_WORKERS_POSTGRESQL, 8, 16])),
        help="worker counts to compare with one worker, the first judged against the goal "
        "(default: SCHEDULER_WORKERS's default on PostgreSQL, then 8 and 16)",
    )
    parser.add_argument("--latency", type=float, default=0.1, help="seconds Slack takes")
    parser.add_argument("--budget", type=int, default=300, help="SLACK_POST_BUDGET")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--quick", action="store_true", help="20 workspaces: a try-out")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.workspaces = 20
    logging.basicConfig(level=logging.WARNING)
    double = SlackDouble()
    double.start()
    runs = []
    try:
        with tempfile.TemporaryDirectory(prefix="agilebot-fanout-") as tmp:
            url = args.database_url or DEFAULT_PG_URL
            url = (
                f"sqlite:///{Path(tmp) / 'fanout.db'}"
                if url == "sqlite"
                else normalize_database_url(url)
            )
            print(f"database: {make_url(url).render_as_string(hide_password=True)}", flush=True)
            for workers in [int(w) for w in args.workers.split(",")] + [1]:
                run = measure(url, double, args, workers, args.budget)
                print(
                    f"  {workers:>2} worker(s): last prompt after {run['last_prompt_seconds']:.1f} s",
                    flush=True,
                )
                runs.append(run)
    finally:
        double.stop()
    baseline = runs[-1]
    print(
        f"\nOne standup tick: {args.workspaces} workspaces x {args.members} members = "
        f"{baseline['prompts']} prompts, Slack answering in {args.latency * 1000:.0f} ms"
    )
    print(
        f"{'workers':>8}{'last prompt (s)':>17}{'within 60 s':>13}{'speed-up':>10}"
        f"{'stmts/team':>12}{'most posts/60 s':>17}"
    )
    ok = True
    for run in runs:
        speedup = baseline["last_prompt_seconds"] / run["last_prompt_seconds"]
        run["speedup"] = speedup
        print(
            f"{run['workers']:>8}{run['last_prompt_seconds']:>17.1f}"
            f"{run['within_goal']:>8}/{run['prompts']:<4}{speedup:>10.2f}"
            f"{run['statements_per_team']:>12.1f}{run['most_posts_in_60s']:>11} of {run['budget']}"
        )
    default = next(r for r in runs if r["workers"] == int(args.workers.split(",")[0]))
    same_sql = len({r["statements"] for r in runs}) == 1
    under_budget = all(r["most_posts_in_60s"] <= r["budget"] for r in runs)
    in_time = default["within_goal"] == default["prompts"]
    for goal, met in (
        (f"all prompts within {GOAL_SECONDS:.0f} s with {default['workers']} workers", in_time),
        ("the same SQL statements per team, parallel and one at a time", same_sql),
        ("no workspace over its budget in any 60 s", under_budget),
    ):
        print(f"{goal}: {'yes' if met else 'NO'}")
        ok = ok and met
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "fanout.json").write_text(json.dumps({"latency": args.latency, "runs": runs}))
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
