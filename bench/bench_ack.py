"""How long does agilebot take to acknowledge Slack, compared with a bare Bolt app?

Measures the time from sending a signed HTTP request to receiving the HTTP response (Slack's
"ack") for `/idea`, a vote click and `/backlog` (in a team with 10 items and in one with 10,000),
against a bare `slack_bolt.App` that makes the same Slack calls without a database, in the same
run, with the two apps' requests interleaved. See bench/README.md.

    .venv/bin/python -m bench.bench_ack [--samples N] [--database-url URL] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from bot.db import make_engine, make_session_factory, unit_of_work, unscoped_unit_of_work
from bot.i18n import translator
from bot.messaging.backlog import render_cards
from bot.models import (
    BacklogEvent,
    BacklogItem,
    EventKind,
    ItemKind,
    ItemStatus,
    Team,
    Vote,
    Workspace,
)
from bot.models.backlog import EFFORT_POINTS
from bot.services import backlog, teams, workspaces
from bot.settings import Settings, normalize_database_url
from bot.slack import web_client
from bot.views.ideas import idea_modal
from bot.views.ids import Action
from bot.web import SLACK_PATH, WebApp
from tests.databases import prepare_database
from tests.slack_double import SlackDouble
from tests.slack_requests import SIGNING_SECRET, Response, Slack

log = logging.getLogger("bench")

RESULTS_DIR = Path(__file__).resolve().parent / "results"
GOAL = 1.5  # ours p95 / bare p95, and /backlog p95 at 10,000 items / at 10 items
BIG_ITEMS = 10_000
BIG_PROPOSED = 25  # of the 10,000, ideas still awaiting triage; the rest are ready
SMALL_READY, SMALL_PROPOSED = 8, 2  # the small team's 10 items
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/agilebot_bench"

# People and channels of the benchmark workspace.
OWNER, SCRUM, MEMBER = "U0BOWNER1", "U0BSCRUM1", "U0BMEMBER"
VOTERS = [f"U0BVOTER{i}" for i in range(1, 6)]  # take turns clicking, so votes go on and off
CROWD = [f"U0BCROWD{i:02d}" for i in range(1, 41)]  # the people behind the seeded votes
SMALL_CHANNEL, SMALL_ADMIN = "C0BSMALL1", "C0BSMALLA"
BIG_CHANNEL, BIG_ADMIN = "C0BBIG001", "C0BBIGADM"


# --- HTTP: Slack's side, timed ---------------------------------------------------------------


class TimedSlack(Slack):
    """The tests' Slack driver; it also records how long the app took to answer, from the
    moment the signed request is sent to the moment the whole response is read."""

    last_ms: float = 0.0

    def send(self, request: urllib.request.Request) -> Response:
        started = time.perf_counter()
        try:
            return super().send(request)
        finally:
            self.last_ms = (time.perf_counter() - started) * 1000


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, with a way to wait until the work after an ack is done."""

    def __init__(self, name: str) -> None:
        super().__init__(max_workers=8, thread_name_prefix=name)
        self._pending: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.append(future)
        return future

    def drain(self, timeout: float = 60) -> None:
        while True:
            with self._lock:
                pending, self._pending = self._pending, []
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                raise RuntimeError("listeners still running after the ack")


@contextmanager
def serve(wsgi_app: Any, name: str) -> Iterator[str]:
    """`wsgi_app` in its own waitress server on loopback, in a thread."""
    from waitress.server import create_server

    httpd = create_server(wsgi_app, host="127.0.0.1", port=0, threads=8, ident=name)
    thread = threading.Thread(target=httpd.run, name=f"waitress-{name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.effective_port}"
    finally:
        # Let the worker threads finish their last response before the sockets close.
        httpd.task_dispatcher.shutdown(cancel_pending=False, timeout=5)
        httpd.close()


# --- database ----------------------------------------------------------------------------------


def team_form(name: str, admin_channel: str) -> dict[str, Any]:
    return {
        "team_name": name,
        "admin_channel": admin_channel,
        "owner": OWNER,
        "scrum_master": SCRUM,
        "members": [MEMBER, SCRUM, OWNER],
        "sprint_length": "2",
        "standup_time": "09:30",
        "working_days": ["0", "1", "2", "3", "4"],
        "time_zone": "Europe/Rome",
        "language": "en",
    }


VERBS = ["Launch", "Test", "Refresh", "Rewrite", "Measure", "Localise", "Promote", "Retire"]
THINGS = [
    "the spring newsletter",
    "pricing page copy",
    "webinar funnel",
    "partner co-marketing kit",
    "onboarding email series",
    "case study with a retailer",
    "LinkedIn ad variants",
    "product tour video",
    "SEO cluster on budgeting",
    "referral programme",
]


def idea_text(rng: random.Random, n: int) -> tuple[str, str, ItemKind]:
    title = f"{rng.choice(VERBS)} {rng.choice(THINGS)} ({n})"
    description = " ".join(
        rng.choice(THINGS).capitalize() + " needs attention before the quarter ends."
        for _ in range(rng.randint(1, 4))
    )
    return title, description, rng.choice(list(ItemKind))


@dataclass
class Seeded:
    workspace_id: int
    small_team_id: int
    big_team_id: int
    seconds: float


def seed(factory: sessionmaker[Session], client: Any, rng: random.Random, engine: Engine) -> Seeded:
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    with unscoped_unit_of_work(factory) as session:
        workspace = Workspace(slack_team_id=SlackDouble.TEAM_ID)
        session.add(workspace)
        session.flush()
        workspace_id = workspace.id

    # Two teams, and ten ideas in the small one, through the services (as the app does it).
    with unit_of_work(factory, workspace_id) as session:
        people = workspaces.people(session, [OWNER, SCRUM, MEMBER, *VOTERS, *CROWD])
        owner = people[OWNER]
        small, _ = teams.save_team(
            session,
            SMALL_CHANNEL,
            teams.TeamSettings.validate(team_form("Growth", SMALL_ADMIN)),
            owner,
            now,
        )
        big, _ = teams.save_team(
            session,
            BIG_CHANNEL,
            teams.TeamSettings.validate(team_form("Brand", BIG_ADMIN)),
            owner,
            now,
        )
        small_ids = []
        for n in range(1, SMALL_READY + SMALL_PROPOSED + 1):
            title, description, _ = idea_text(rng, n)
            draft = backlog.IdeaDraft.validate(
                {
                    "title": title,
                    "description": description,
                    "kind": "experiment",
                    "hypothesis": "Concrete offers get more clicks.",
                    "kpi": "Click-through rate",
                    "customer_value": str(rng.randint(1, 10)),
                    "business_value": str(rng.randint(1, 10)),
                }
            )
            submitter = people[rng.choice([MEMBER, *CROWD])]
            item = backlog.submit_idea(session, small, submitter, draft, now)
            if n <= SMALL_READY:
                scores = backlog.Scores(
                    rng.choice(EFFORT_POINTS), rng.randint(1, 10), rng.randint(1, 10)
                )
                backlog.accept(session, item.id, owner, scores, now)
            small_ids.append(item.id)
        for voter in rng.sample(CROWD, 12):  # a few votes already there
            backlog.toggle_vote(session, rng.choice(small_ids), people[voter], now)
        small_id, big_id = small.id, big.id
        crowd_ids = [people[c].id for c in CROWD]
        owner_id = owner.id

    # The small team's triage and idea cards, posted in Slack, so that a vote updates them.
    with unit_of_work(factory, workspace_id) as session:
        cards = {}
        for item_id in small_ids:
            item = backlog.get_item(session, item_id)
            cards[item_id] = render_cards(session, item)
    placed = {}
    for item_id, (triage, card) in cards.items():
        triage_ts = client.chat_postMessage(channel=SMALL_ADMIN, **triage)["ts"]
        card_ts = client.chat_postMessage(channel=SMALL_CHANNEL, **card)["ts"]
        placed[item_id] = (triage_ts, card_ts)
    with unit_of_work(factory, workspace_id) as session:
        for item_id, (triage_ts, card_ts) in placed.items():
            item = backlog.get_item(session, item_id)
            item.triage_channel_id, item.triage_message_ts = SMALL_ADMIN, triage_ts
            item.card_channel_id, item.card_message_ts = SMALL_CHANNEL, card_ts

    # The big team: 10,000 items in one transaction, by bulk inserts.
    with unit_of_work(factory, workspace_id) as session:
        rows, votes_per_item = [], []
        for n in range(1, BIG_ITEMS + 1):
            title, description, kind = idea_text(rng, n)
            ready = n > BIG_PROPOSED
            effort = rng.choice(EFFORT_POINTS) if ready else None
            customer, business = rng.randint(1, 10), rng.randint(1, 10)
            votes = min(len(crowd_ids), int(rng.expovariate(1 / 3)))
            created = now - dt.timedelta(days=rng.uniform(1, 3 * 365))
            rows.append(
                {
                    "workspace_id": workspace_id,
                    "team_id": big_id,
                    "title": title,
                    "description": description,
                    "kind": kind,
                    "hypothesis": "It will move the KPI." if kind is ItemKind.EXPERIMENT else None,
                    "kpi": "Sign-ups" if kind is ItemKind.EXPERIMENT else None,
                    "submitter_id": rng.choice(crowd_ids),
                    "proposed_customer_value": customer,
                    "proposed_business_value": business,
                    "status": ItemStatus.READY if ready else ItemStatus.PROPOSED,
                    "effort": effort,
                    "customer_value": customer if ready else None,
                    "business_value": business if ready else None,
                    "triaged_by_id": owner_id if ready else None,
                    "triaged_at": created + dt.timedelta(days=1) if ready else None,
                    "score": backlog.score_of(effort, customer, business) if ready else None,
                    "vote_count": votes,
                    "position": None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            votes_per_item.append(votes)
        session.execute(insert(BacklogItem), rows)
        ids = list(
            session.scalars(
                select(BacklogItem.id).where(BacklogItem.team_id == big_id).order_by(BacklogItem.id)
            )
        )
        vote_rows, event_rows = [], []
        for item_id, count, row in zip(ids, votes_per_item, rows, strict=True):
            for person_id in rng.sample(crowd_ids, count):
                vote_rows.append(
                    {
                        "workspace_id": workspace_id,
                        "item_id": item_id,
                        "person_id": person_id,
                        "created_at": row["created_at"],
                    }
                )
            base = {"workspace_id": workspace_id, "team_id": big_id, "item_id": item_id}
            event_rows.append(
                base
                | {
                    "actor_id": row["submitter_id"],
                    "kind": EventKind.SUBMITTED,
                    "data": {"item_kind": row["kind"].value},
                    "occurred_at": row["created_at"],
                }
            )
            if row["status"] is ItemStatus.READY:
                event_rows.append(
                    base
                    | {
                        "actor_id": owner_id,
                        "kind": EventKind.ACCEPTED,
                        "data": {"effort": row["effort"]},
                        "occurred_at": row["triaged_at"],
                    }
                )
        if vote_rows:
            session.execute(insert(Vote), vote_rows)
        session.execute(insert(BacklogEvent), event_rows)
    if engine.dialect.name == "postgresql":
        # What autovacuum does shortly after a bulk load: statistics for the planner, and the
        # dead versions of the team row that the count triggers left, one per inserted item.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return Seeded(workspace_id, small_id, big_id, time.perf_counter() - started)


# --- the bare app --------------------------------------------------------------------------------


def bare_app(
    settings: Settings,
    executor: ThreadPoolExecutor,
    *,
    modal: dict[str, Any],
    page: dict[str, Any],
    card: dict[str, Any],
    card_places: list[tuple[str, str]],
    lazy: bool = False,
) -> App:
    """A plain Bolt app with the same settings and the same Slack calls, and no database.

    By default it runs in Bolt's default mode (`process_before_response=False`: the listener
    runs in a thread and Bolt polls for its ack every 10 ms). With `lazy`, it runs the way
    agilebot does: ack functions answer at once, the Slack calls run in lazy listeners.
    """
    app = App(
        client=web_client(settings),
        signing_secret=settings.slack_signing_secret,
        process_before_response=lazy,
        token_verification_enabled=False,
        listener_executor=executor,
    )

    def open_modal(command: dict[str, Any], client: Any) -> None:
        client.views_open(trigger_id=command["trigger_id"], view=modal)

    def update_messages(respond: Any, client: Any) -> None:
        respond(replace_original=True, **page)
        for channel, ts in card_places:
            client.chat_update(channel=channel, ts=ts, **card)

    def backlog_command(ack: Any) -> None:
        ack(response_type="ephemeral", **page)

    app.command("/backlog")(backlog_command)
    if lazy:
        app.command("/idea")(ack=lambda ack: ack(), lazy=[open_modal])
        app.action(Action.VOTE)(ack=lambda ack: ack(), lazy=[update_messages])
    else:

        @app.command("/idea")
        def idea(ack: Any, command: dict[str, Any], client: Any) -> None:
            ack()
            open_modal(command, client)

        @app.action(Action.VOTE)
        def vote(ack: Any, respond: Any, client: Any) -> None:
            ack()
            update_messages(respond, client)

    return app


# --- measuring ---------------------------------------------------------------------------------


class BenchFailure(Exception):
    """The benchmark itself went wrong (an app answered unexpectedly): exit code 2."""


@dataclass
class Case:
    name: str
    ours: Callable[[TimedSlack], Response]
    bare: Callable[[TimedSlack], Response]
    ours_ms: list[float] = field(default_factory=list)
    bare_ms: list[float] = field(default_factory=list)


def expect(response: Response, case: str, *, body: bool) -> Response:
    if response.status != 200 or bool(response.body) != body:
        raise BenchFailure(f"{case}: unexpected answer {response.status}: {response.body[:300]!r}")
    return response


def vote_buttons(message: dict[str, Any]) -> list[str]:
    return [
        block["accessory"]["value"]
        for block in message.get("blocks", [])
        if (block.get("accessory") or {}).get("action_id") == Action.VOTE
    ]


def summary(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50": statistics.median(samples),
        "p95": cuts[94],
        "mean": statistics.fmean(samples),
        "min": min(samples),
        "max": max(samples),
    }


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    rng = random.Random(20240501)

    url = args.database_url or os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="agilebot-bench-") as tmp:
        url = normalize_database_url(url) if url else f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(f"database: {make_url(url).render_as_string(hide_password=True)}", flush=True)
        prepare_database(url)
        double = SlackDouble()
        double.start()
        engine = make_engine(url)
        try:
            return measure(args, url, engine, double, rng, errors)
        finally:
            engine.dispose()
            double.stop()


def measure(
    args: argparse.Namespace,
    url: str,
    engine: Engine,
    double: SlackDouble,
    rng: random.Random,
    errors: ErrorCounter,
) -> int:
    for user in [OWNER, SCRUM, MEMBER, *VOTERS, *CROWD]:
        double.add_user(user, real_name=user.title(), tz="Europe/Rome", locale="en-US")
    everyone = [OWNER, SCRUM, MEMBER, *VOTERS, *CROWD]
    double.add_channel(SMALL_CHANNEL, "growth", members=everyone)
    double.add_channel(BIG_CHANNEL, "brand", members=everyone)
    double.add_channel(SMALL_ADMIN, "growth-admin", members=[OWNER, SCRUM], is_private=True)
    double.add_channel(BIG_ADMIN, "brand-admin", members=[OWNER, SCRUM], is_private=True)
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": double.api_url,
            "DATABASE_URL": url,
            "SCHEDULER": "off",
        }
    )
    factory = make_session_factory(engine)
    client = web_client(settings)
    seeded = seed(factory, client, rng, engine)
    print(
        f"seeded: 2 teams, {SMALL_READY + SMALL_PROPOSED} and {BIG_ITEMS:,} items "
        f"in {seeded.seconds:.1f} s",
        flush=True,
    )

    ours_exec, bare_exec = TrackingExecutor("ours"), TrackingExecutor("bare")
    ours_app = build_app(settings, factory, listener_executor=ours_exec, form_executor=ours_exec)
    secret = settings.slack_signing_secret or ""
    with serve(WebApp(ours_app, engine, signing_secret=secret), "agilebot-bench") as ours_url:
        ours = TimedSlack(ours_url, double)
        # The page as our app renders it: where the vote buttons come from, and the bare app's
        # static /backlog page.
        first = expect(
            ours.command("/backlog", "", user=MEMBER, channel=SMALL_CHANNEL), "backlog", body=True
        ).json
        ours_exec.drain()
        page = {k: v for k, v in first.items() if k != "response_type"}
        buttons = vote_buttons(first)
        if len(buttons) != SMALL_READY + SMALL_PROPOSED:
            raise BenchFailure(f"expected 10 vote buttons on the page, found {len(buttons)}")
        with unit_of_work(factory, seeded.workspace_id) as session:
            team = session.get_one(Team, seeded.small_team_id)
            modal = idea_modal(
                translator("en"), title=None, teams=[], team_id=team.id, channel_id=SMALL_CHANNEL
            )
            triage, card = render_cards(
                session, backlog.get_item(session, int(buttons[0].split(":")[0]))
            )
        bare_places = [
            (SMALL_ADMIN, client.chat_postMessage(channel=SMALL_ADMIN, **triage)["ts"]),
            (SMALL_CHANNEL, client.chat_postMessage(channel=SMALL_CHANNEL, **card)["ts"]),
        ]
        bare = bare_app(
            settings,
            bare_exec,
            modal=modal,
            page=page,
            card=card,
            card_places=bare_places,
            lazy=args.bare_mode == "lazy",
        )
        with serve(SlackRequestHandler(bare, path=SLACK_PATH), "bare-bench") as bare_url:
            cases = make_cases(first, buttons)
            results = interleave(
                cases, ours, TimedSlack(bare_url, double), ours_exec, bare_exec, args
            )
            explained = explain(engine, ours, ours_exec) if args.explain else None
    ours_exec.shutdown()
    bare_exec.shutdown()
    return report(args, engine, seeded, results, double, errors, explained)


def make_cases(page: dict[str, Any], buttons: list[str]) -> list[Case]:
    pairs = [(voter, value) for value in buttons for voter in VOTERS]
    turns = {"ours": 0, "bare": 0}

    def click(which: str) -> Callable[[TimedSlack], Response]:
        def go(slack: TimedSlack) -> Response:
            voter, value = pairs[turns[which] % len(pairs)]
            turns[which] += 1
            return expect(
                slack.click(
                    page,
                    Action.VOTE,
                    user=voter,
                    channel=SMALL_CHANNEL,
                    value=value,
                    ephemeral=True,
                ),
                "vote",
                body=False,
            )

        return go

    def command(name: str, channel: str, body: bool) -> Callable[[TimedSlack], Response]:
        def go(slack: TimedSlack) -> Response:
            return expect(slack.command(name, "", user=MEMBER, channel=channel), name, body=body)

        return go

    return [
        Case(
            "/idea", command("/idea", SMALL_CHANNEL, False), command("/idea", SMALL_CHANNEL, False)
        ),
        Case("vote click", click("ours"), click("bare")),
        Case(
            "/backlog @10",
            command("/backlog", SMALL_CHANNEL, True),
            command("/backlog", SMALL_CHANNEL, True),
        ),
        Case(
            f"/backlog @{BIG_ITEMS:,}",
            command("/backlog", BIG_CHANNEL, True),
            command("/backlog", BIG_CHANNEL, True),
        ),
    ]


def interleave(
    cases: list[Case],
    ours: TimedSlack,
    bare: TimedSlack,
    ours_exec: TrackingExecutor,
    bare_exec: TrackingExecutor,
    args: argparse.Namespace,
) -> list[Case]:
    """Round after round: every case once, ours then bare. After each request the work the
    listener does after its ack (views.open, chat.update, ...) is waited for, untimed, so that
    each request meets an idle server."""
    total = args.warmup + args.samples
    started = time.perf_counter()
    for round_number in range(total):
        keep = round_number >= args.warmup
        for case in cases:
            case.ours(ours)
            ours_ms = ours.last_ms
            ours_exec.drain()
            case.bare(bare)
            bare_ms = bare.last_ms
            bare_exec.drain()
            if keep:
                case.ours_ms.append(ours_ms)
                case.bare_ms.append(bare_ms)
        if (round_number + 1) % 50 == 0:
            print(f"  {round_number + 1}/{total} rounds", file=sys.stderr, flush=True)
    print(f"measured in {time.perf_counter() - started:.0f} s", flush=True)
    return cases


# --- where /backlog spends its time at 10,000 items ------------------------------------------------


def explain(
    engine: Engine, ours: TimedSlack, ours_exec: TrackingExecutor
) -> dict[str, list[dict[str, Any]]]:
    """The SELECTs of one /backlog in each team, each with its query plan and its median time
    over 20 runs."""
    return {
        "/backlog @10": explain_one(engine, ours, ours_exec, SMALL_CHANNEL),
        f"/backlog @{BIG_ITEMS:,}": explain_one(engine, ours, ours_exec, BIG_CHANNEL),
    }


def explain_one(
    engine: Engine, ours: TimedSlack, ours_exec: TrackingExecutor, channel: str
) -> list[dict[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        ours.command("/backlog", "", user=MEMBER, channel=channel)
        ours_exec.drain()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    postgres = engine.dialect.name == "postgresql"
    out = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
            plan = [row[0] if postgres else row[-1] for row in rows]
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                conn.exec_driver_sql(statement, parameters).all()
                times.append((time.perf_counter() - t0) * 1000)
            out.append(
                {
                    "sql": " ".join(statement.split()),
                    "params": repr(parameters),
                    "median_ms": statistics.median(times),
                    "plan": plan,
                }
            )
    return out


# --- the report ------------------------------------------------------------------------------------


class ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def report(
    args: argparse.Namespace,
    engine: Engine,
    seeded: Seeded,
    cases: list[Case],
    double: SlackDouble,
    errors: ErrorCounter,
    explained: dict[str, list[dict[str, Any]]] | None,
) -> int:
    rows, out_cases, all_ok = [], {}, True
    for case in cases:
        ours, bare = summary(case.ours_ms), summary(case.bare_ms)
        ratio = ours["p95"] / bare["p95"]
        ok = ratio <= GOAL
        all_ok &= ok
        rows.append((case.name, ours, bare, ratio, ok))
        out_cases[case.name] = {
            "ours": ours,
            "bare": bare,
            "ratio_p95": ratio,
            "goal": GOAL,
            "ok": ok,
            "ours_ms": [round(x, 3) for x in case.ours_ms],
            "bare_ms": [round(x, 3) for x in case.bare_ms],
        }
    small, big = out_cases["/backlog @10"]["ours"], out_cases[f"/backlog @{BIG_ITEMS:,}"]["ours"]
    scale = big["p95"] / small["p95"]
    scale_ok = scale <= GOAL
    all_ok &= scale_ok

    print()
    print(
        f"Time to acknowledge, ms ({engine.dialect.name}, {args.samples} samples per app and case, "
        f"bare app in Bolt's {args.bare_mode} mode)"
    )
    header = (
        f"{'case':<18}{'ours p50':>10}{'ours p95':>10}{'bare p50':>10}{'bare p95':>10}"
        f"{'p95 ratio':>11}{'goal':>8}  ok?"
    )
    print(header)
    print("-" * len(header))
    for name, ours, bare, ratio, ok in rows:
        print(
            f"{name:<18}{ours['p50']:>10.1f}{ours['p95']:>10.1f}{bare['p50']:>10.1f}"
            f"{bare['p95']:>10.1f}{ratio:>11.2f}{'≤' + format(GOAL, '.1f'):>8}  "
            f"{'yes' if ok else 'NO'}"
        )
    print(
        f"/backlog {BIG_ITEMS:,} vs 10 items (ours p95): {big['p95']:.1f} / {small['p95']:.1f} ms"
        f" = {scale:.2f} (goal ≤ {GOAL:.1f}): {'yes' if scale_ok else 'NO'}"
    )
    if errors.count:
        print(f"warning: {errors.count} error(s) logged during the run", file=sys.stderr)
    if double.violations:
        print(f"warning: {len(double.violations)} Slack contract violation(s):", file=sys.stderr)
        for violation in double.violations[:5]:
            print(f"  {violation}", file=sys.stderr)
    for name, queries in (explained or {}).items():
        total = sum(q["median_ms"] for q in queries)
        print(f"\nThe SELECTs of one {name} ({len(queries)}, {total:.1f} ms in all):")
        for query in queries:
            sql = query["sql"] if len(query["sql"]) < 400 else query["sql"][:400] + " ..."
            print(f"\n[{query['median_ms']:.2f} ms] {sql}\n  params: {query['params']}")
            for line in query["plan"]:
                print(f"    {line}")

    result = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": engine.dialect.name,
        "bare_mode": args.bare_mode,
        "database_url": make_url(str(engine.url)).render_as_string(hide_password=True),
        "samples": args.samples,
        "warmup": args.warmup,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "seed_seconds": round(seeded.seconds, 2),
        "cases": out_cases,
        "backlog_10000_vs_10": {
            "ours_p95_10000": big["p95"],
            "ours_p95_10": small["p95"],
            "ratio_p95": scale,
            "goal": GOAL,
            "ok": scale_ok,
        },
        "all_ok": all_ok,
        "errors_logged": errors.count,
        "slack_violations": double.violations,
        "explain": explained,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    for name in ("latest.json", f"latest-{engine.dialect.name}.json"):
        (RESULTS_DIR / name).write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {RESULTS_DIR / 'latest.json'}")
    if args.check and not all_ok:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_ack",
        description="Time to acknowledge Slack: agilebot against a bare Bolt app, interleaved.",
    )
    parser.add_argument("--samples", type=int, default=200, help="per app and case (200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (20)")
    parser.add_argument(
        "--database-url",
        help="default: $BENCH_DATABASE_URL, else SQLite in a temporary directory; "
        f"e.g. {DEFAULT_PG_URL} (its public schema is dropped)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio misses its goal")
    parser.add_argument(
        "--bare-mode",
        choices=("default", "lazy"),
        default="default",
        help="the bare app in Bolt's default mode (listener thread, ack polled every 10 ms), or "
        "with ack functions and lazy listeners as agilebot runs (default: default)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also show the query plans and times of /backlog's SELECTs at 10,000 items",
    )
    args = parser.parse_args(argv)
    if args.samples < 2 or args.warmup < 0:
        parser.error("--samples must be at least 2 and --warmup at least 0")
    try:
        return run(args)
    except BenchFailure as failure:
        print(f"bench failed: {failure}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
