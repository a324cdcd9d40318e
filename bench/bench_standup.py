"""One scheduler tick that prompts 5,000 members across 200 teams for their standup.

Seeds 200 teams of 25 members each (in three European time zones, so each team has members
asked at different instants) and runs the one tick, after everyone's 9:00, that sends all the
prompts to the Slack double over HTTP. It counts the SQL statements, and does the same for 200
teams of 5 members in the same run: statements per team must not grow with the members per
team (the ratio is printed), and the time per DM is printed for both.

    .venv/bin/python -m bench.bench_standup [--teams 200] [--members 25] [--database-url URL]
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
from bot.jobs import standups as standup_jobs
from bot.messaging import standups as _loaded  # noqa: F401 - loaded as in a running bot, not timed
from bot.models import Person, Team, TeamMember, Workspace
from bot.scheduler import tick
from bot.settings import Settings, normalize_database_url
from tests.databases import prepare_database
from tests.slack_double import SlackDouble

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/agilebot_bench_standup"
ZONES = ("Europe/Rome", "Europe/London", "Europe/Lisbon")
MONDAY = dt.date(2026, 11, 2)
AFTER_NINE = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)  # 9:00 is past in all three zones
GOAL = 1.2  # statements per team, many members against few


def seed(factory, double: SlackDouble, teams: int, members: int, tag: str) -> None:
    now = dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)
    with unscoped_unit_of_work(factory) as session:
        workspace = Workspace(slack_team_id=f"T{tag}")
        session.add(workspace)
        session.flush()
        wid = workspace.id
        people = []
        for t in range(teams):
            for m in range(members):
                user = f"U{tag}{t:04d}{m:03d}"
                zone = ZONES[m % len(ZONES)]
                double.add_user(user, real_name=user, tz=zone, locale="en-GB")
                people.append(
                    {
                        "workspace_id": wid,
                        "slack_user_id": user,
                        "time_zone": zone,
                        "locale": "en-GB",
                        "is_workspace_admin": False,
                        "created_at": now,
                    }
                )
        person_ids = list(
            session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True), people
            )
        )
        team_rows = []
        for t in range(teams):
            channel = f"C{tag}{t:05d}"
            double.add_channel(channel, f"team-{tag.lower()}-{t}", members=[])
            lead = person_ids[t * members]
            team_rows.append(
                {
                    "workspace_id": wid,
                    "name": f"Team {t}",
                    "channel_id": channel,
                    "admin_channel_id": channel,
                    "owner_id": lead,
                    "scrum_master_id": lead,
                    "sprint_length_weeks": 2,
                    "standup_time": dt.time(9, 0),
                    "working_days": 0b0011111,
                    "time_zone": "Europe/Rome",
                    "language": "en",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        team_ids = list(
            session.scalars(
                insert(Team).returning(Team.id, sort_by_parameter_order=True), team_rows
            )
        )
        session.execute(
            insert(TeamMember),
            [
                {
                    "workspace_id": wid,
                    "team_id": team_ids[i // members],
                    "person_id": person_id,
                    "joined_at": now,
                }
                for i, person_id in enumerate(person_ids)
            ],
        )


def measure(url: str, teams: int, members: int, double: SlackDouble, settings: Settings) -> dict:
    prepare_database(url)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        seed(factory, double, teams, members, f"{members:03d}")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        statements = [0]
        event.listen(
            engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
        )
        sent_before = len(double.calls_to("chat.postMessage"))
        sources = standup_jobs.sources(unpaced(settings), factory)
        started = time.perf_counter()
        report = tick(factory, AFTER_NINE, sources)
        seconds = time.perf_counter() - started
        sent = len(double.calls_to("chat.postMessage")) - sent_before
        if report.failed or sent != teams * members:
            raise SystemExit(
                f"expected {teams * members} prompts, sent {sent}: {report.failed[:3]}"
            )
        return {
            "teams": teams,
            "members": members,
            "seconds": seconds,
            "dms": sent,
            "statements": statements[0],
            "statements_per_team": statements[0] / teams,
            "ms_per_dm": 1000 * seconds / sent,
        }
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--members", type=int, default=25)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    double = SlackDouble()
    double.start()
    try:
        with tempfile.TemporaryDirectory(prefix="agilebot-standup-") as tmp:
            url = args.database_url or DEFAULT_PG_URL
            url = (
                f"sqlite:///{Path(tmp) / 'standup.db'}"
                if url == "sqlite"
                else normalize_database_url(url)
            )
            print(f"database: {make_url(url).render_as_string(hide_password=True)}", flush=True)
            settings = Settings.from_env(
                {"SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN, "SLACK_API_URL": double.api_url}
            )
            few = measure(url, args.teams, 5, double, settings)
            many = measure(url, args.teams, args.members, double, settings)
    finally:
        double.stop()
    ratio = many["statements_per_team"] / few["statements_per_team"]
    print(f"\nOne standup tick, {args.teams} teams (Slack double over HTTP):")
    print(f"{'members/team':>13}{'DMs':>7}{'time (s)':>10}{'ms/DM':>8}{'stmts/team':>12}")
    for r in (few, many):
        print(
            f"{r['members']:>13}{r['dms']:>7}{r['seconds']:>10.2f}{r['ms_per_dm']:>8.2f}"
            f"{r['statements_per_team']:>12.1f}"
        )
    ok = ratio <= GOAL
    print(
        f"statements per team, {args.members} members against 5: {ratio:.2f} "
        f"(goal ≤ {GOAL}: {'yes' if ok else 'NO'})"
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "standup.json").write_text(
        json.dumps({"few": few, "many": many, "ratio": ratio})
    )
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
