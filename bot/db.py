"""Engine, sessions and the unit of work.

Every session is scoped to one Slack workspace: an ORM query through it only sees rows of that
workspace (`with_loader_criteria`), and a flush refuses rows of another. Work that spans
workspaces (the scheduler) must ask for an unscoped session explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from bot.models.base import WorkspaceOwned

WORKSPACE_KEY = "workspace_id"
UNSCOPED_KEY = "unscoped"


class CrossWorkspaceWrite(RuntimeError):
    """A session scoped to one workspace tried to write a row of another."""


def make_engine(
    url: str, *, immediate: bool = True, scheduler_workers: int = 0, **kwargs: Any
) -> Engine:
    """Create the engine for `url`, with the connection settings each backend needs. On
    SQLite, `immediate=False` makes an engine whose transactions take the write lock only when
    they write, for reads that must not wait for a writer (WAL lets them). On PostgreSQL, the
    pool grows by two connections for each of the scheduler's `scheduler_workers`: a worker
    may hold its claim's and, inside it, look its workspace's token up (bot.installs)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _configure_sqlite(engine, immediate=immediate)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20 + 2 * scheduler_workers)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Take the write lock up front: a deferred transaction that reads and then writes can
        # fail at once with SQLITE_BUSY when another writer got there first, while an
        # immediate one waits its turn (busy_timeout). SQLite is the small embedded default.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], workspace_id: int) -> Iterator[Session]:
    """A session scoped to one workspace, inside one transaction: committed on success,
    rolled back on any exception."""
    with factory() as session:
        session.info[WORKSPACE_KEY] = workspace_id
        with session.begin():
            yield session


@contextmanager
def unscoped_unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that may read every workspace: for resolving a workspace and for scheduler
    jobs that iterate over teams. Use sparingly."""
    with factory() as session:
        session.info[UNSCOPED_KEY] = True
        with session.begin():
            yield session


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    info = state.session.info
    if info.get(UNSCOPED_KEY):
        return
    if WORKSPACE_KEY not in info:
        raise RuntimeError("Sessions must come from unit_of_work() or unscoped_unit_of_work().")
    if state.is_select or state.is_update or state.is_delete:
        workspace_id = info[WORKSPACE_KEY]
        state.statement = state.statement.options(
            with_loader_criteria(
                WorkspaceOwned,
                lambda cls: cls.workspace_id == workspace_id,
                include_aliases=True,
            )
        )


@event.listens_for(Session, "before_flush")
def _refuse_cross_workspace_writes(session: Session, _context: Any, _instances: Any) -> None:
    workspace_id = session.info.get(WORKSPACE_KEY)
    if workspace_id is None:
        return
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, WorkspaceOwned):
            continue
        if obj.workspace_id is None and obj in session.new:
            obj.workspace_id = workspace_id
        elif obj.workspace_id != workspace_id:
            raise CrossWorkspaceWrite(
                f"{type(obj).__name__} of workspace {obj.workspace_id} in a session "
                f"scoped to workspace {workspace_id}"
            )
