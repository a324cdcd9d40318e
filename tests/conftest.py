"""Shared fixtures: the database (from Alembic, on SQLite or on PostgreSQL when
TEST_DATABASE_URL is set), the Slack Web API double, and the app served over real HTTP."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from bot.db import make_engine, make_session_factory, unit_of_work, unscoped_unit_of_work
from bot.manifest import BOT_SCOPES
from bot.models import Base, Workspace
from bot.settings import Settings, normalize_database_url
from bot.web import WebApp
from tests.databases import prepare_database
from tests.slack_double import SlackDouble
from tests.slack_requests import SIGNING_SECRET, Slack

# People and channels of the test workspace.
OWNER = "U0OWNER01"
SCRUM = "U0SCRUM01"
MEMBER = "U0MEMBER1"
STAKEHOLDER = "U0STAKE01"
ADMIN = "U0ADMIN01"
ITALIAN = "U0ITALIA1"
TEAM_CHANNEL = "C0TEAM001"
ADMIN_CHANNEL = "C0ADMIN01"
OTHER_CHANNEL = "C0OTHER01"


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = normalize_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1... when the suite runs in parallel
    if worker:  # each worker process its own database, created if missing
        target = make_url(url)
        url = target.set(database=f"{target.database}_{worker}").render_as_string(
            hide_password=False
        )
    return url


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = database_url(tmp_path_factory)
    prepare_database(url)
    return url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _wipe(engine: Engine) -> None:
    # Ours, and those of slack_sdk's installation and state stores (migrations/env.py).
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    tables += ["slack_installations", "slack_bots", "slack_oauth_states"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.exec_driver_sql(f"DELETE FROM {table}")


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    _wipe(engine)
    yield make_session_factory(engine)


@pytest.fixture
def workspace_id(session_factory: sessionmaker[Session]) -> int:
    with unscoped_unit_of_work(session_factory) as session:
        workspace = Workspace(slack_team_id=SlackDouble.TEAM_ID)
        session.add(workspace)
        session.flush()
        return workspace.id


@pytest.fixture
def session(session_factory: sessionmaker[Session], workspace_id: int) -> Iterator[Session]:
    """A workspace-scoped session in a transaction that the test may flush; rolled back."""
    with session_factory() as session:
        session.info["workspace_id"] = workspace_id
        session.begin()
        yield session
        session.rollback()


@pytest.fixture
def read(session_factory: sessionmaker[Session]) -> Callable[..., Any]:
    """Run `fn(session)` in a fresh transaction scoped to the test workspace."""

    def run(fn: Callable[[Session], Any]) -> Any:
        with unscoped_unit_of_work(session_factory) as session:
            workspace = session.query(Workspace).filter_by(slack_team_id=SlackDouble.TEAM_ID).one()
        with unit_of_work(session_factory, workspace.id) as session:
            return fn(session)

    return run


# --- Slack ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slack_double() -> Iterator[SlackDouble]:
    double = SlackDouble(scopes=set(BOT_SCOPES))
    double.start()
    yield double
    double.stop()


def _people_and_channels(double: SlackDouble) -> None:
    double.add_user(OWNER, real_name="Olivia Owner", tz="Europe/Rome", locale="en-GB")
    double.add_user(SCRUM, real_name="Sam Scrum", tz="Europe/Amsterdam", locale="en-US")
    double.add_user(MEMBER, real_name="Mia Member", tz="Europe/Amsterdam", locale="en-US")
    double.add_user(
        STAKEHOLDER, real_name="Stan Stakeholder", tz="America/New_York", locale="en-US"
    )
    double.add_user(ADMIN, real_name="Ada Admin", tz="UTC", locale="en-US", is_admin=True)
    double.add_user(ITALIAN, real_name="Giulia Bianchi", tz="Europe/Rome", locale="it-IT")
    everyone = [OWNER, SCRUM, MEMBER, STAKEHOLDER, ADMIN, ITALIAN]
    double.add_channel(TEAM_CHANNEL, "marketing", members=everyone)
    double.add_channel(ADMIN_CHANNEL, "marketing-admin", members=[OWNER, SCRUM], is_private=True)
    double.add_channel(OTHER_CHANNEL, "random", members=everyone)


@pytest.fixture
def double(slack_double: SlackDouble) -> Iterator[SlackDouble]:
    slack_double.reset()
    _people_and_channels(slack_double)
    yield slack_double
    assert slack_double.violations == [], "the app broke Slack's contract:\n" + "\n".join(
        slack_double.violations
    )


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, with a way to wait until every listener has finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=16, thread_name_prefix="listener")
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def drain(self, timeout: float = 20) -> None:
        while True:
            with self._lock:
                pending = [f for f in self._futures if not f.done()]
            if not pending:
                return
            done, not_done = wait(pending, timeout=timeout)
            assert not not_done, "listeners still running"


class Clock:
    """The app's notion of now; real time unless a test sets it."""

    def __init__(self) -> None:
        self.fixed: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        return self.fixed or dt.datetime.now(dt.UTC)


class Switch:
    """A WSGI app whose target changes per test, behind one long-lived server."""

    def __init__(self) -> None:
        self.target: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.target(environ, start_response)


@pytest.fixture(scope="session")
def server() -> Iterator[tuple[str, Switch]]:
    from waitress.server import create_server

    switch = Switch()
    httpd = create_server(switch, host="127.0.0.1", port=0, threads=16, ident="agilebot-test")
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}", switch
    httpd.close()


def test_settings(double: SlackDouble, db_url: str) -> Settings:
    return Settings.from_env(
        {
            "SLACK_BOT_TOKEN": SlackDouble.BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": double.api_url,
            "DATABASE_URL": db_url,
        }
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(autouse=True)
def no_channel_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticks days apart come a second apart here: Slack's second per channel is not waited
    for (tests/test_pacing.py proves the pace with a clock of its own)."""
    monkeypatch.setattr("bot.pacing.CHANNEL_SECONDS", 0.0)


@pytest.fixture(autouse=True)
def no_upload_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chart uploads that fail are tried again at once: the double answers at once too."""
    monkeypatch.setattr("bot.messaging.sprints.UPLOAD_PAUSE", 0.0)


@pytest.fixture
def app_listeners() -> Iterator[TrackingExecutor]:
    executor = TrackingExecutor()
    yield executor
    executor.drain()
    executor.shutdown(wait=True)


@pytest.fixture
def slack(
    server: tuple[str, Switch],
    double: SlackDouble,
    db_url: str,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: Clock,
    app_listeners: TrackingExecutor,
) -> Iterator[Slack]:
    """Slack, talking to a fresh app over HTTP. `slack.settle()` waits for the app's work."""
    url, switch = server
    app = build_app(
        test_settings(double, db_url),
        session_factory,
        now=clock,
        listener_executor=app_listeners,
        form_executor=app_listeners,
    )
    switch.target = WebApp(app, engine, signing_secret=SIGNING_SECRET)
    driver = Slack(url, double)
    driver.settle = app_listeners.drain  # type: ignore[attr-defined]
    yield driver
    app_listeners.drain()
