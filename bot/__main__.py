"""The command line: agilebot migrate | run | clock | tick --at ISO-8601 | purge | manifest."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import logs
from bot.settings import ConfigError, Settings

if TYPE_CHECKING:  # the CLI imports what a command needs when it runs
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.slack import ClientFor

log = logging.getLogger("agilebot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agilebot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    commands.add_parser(
        "run", help="serve Slack (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)"
    )
    commands.add_parser("clock", help="run the scheduler alone, as its own process")
    tick_parser = commands.add_parser(
        "tick", help="run once what is due up to an instant, then exit"
    )
    tick_parser.add_argument(
        "--at",
        required=True,
        help="an ISO-8601 instant with its offset, e.g. 2026-11-23T09:00:00+01:00",
    )
    purge_parser = commands.add_parser(
        "purge", help="delete the data of workspaces uninstalled more than 30 days ago"
    )
    purge_parser.add_argument(
        "--workspace", metavar="TEAM_ID", help="delete one workspace's data now (e.g. T0123ABCD)"
    )
    manifest_parser = commands.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest_parser.add_argument(
        "--url", help="public base URL of `agilebot run`, e.g. https://agilebot.example.com"
    )
    manifest_parser.add_argument(
        "--socket-mode", action="store_true", help="a manifest for Socket Mode (no URLs)"
    )
    args = parser.parse_args(argv)

    for problem in logs.configure(os.environ):
        log.warning("%s", problem)
    # Hosts stop processes with SIGTERM: leave as cleanly as on Ctrl-C (finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if args.command == "manifest":
            return _manifest(args.url, args.socket_mode, parser)
        settings = Settings.from_env()
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "run":
            return _run(settings)
        if args.command == "clock":
            return _clock(settings)
        if args.command == "purge":
            return _purge(settings, args.workspace)
        return _tick(settings, args.at)
    except ConfigError as error:
        print(f"agilebot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        log.info("stopped")
        return 0


def _manifest(url: str | None, socket_mode: bool, parser: argparse.ArgumentParser) -> int:
    from bot.manifest import manifest_yaml

    if not url and not socket_mode:
        parser.error("manifest needs --url URL (HTTP mode) or --socket-mode")
    if url and not url.startswith("https://") and not url.startswith("http://"):
        raise ConfigError("--url must start with https://")
    sys.stdout.write(manifest_yaml(url, socket_mode=socket_mode))
    return 0


def _migrate(settings: Settings) -> int:
    from bot.migrate import upgrade

    upgrade(settings.database_url)
    log.info("database is at the latest schema")
    return 0


def _database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    from sqlalchemy.exc import OperationalError

    from bot.db import make_engine, make_session_factory
    from bot.migrate import is_current

    engine = make_engine(settings.database_url, scheduler_workers=settings.scheduler_workers)
    try:
        current = is_current(engine)
    except OperationalError as error:
        raise ConfigError(f"DATABASE_URL: cannot connect to the database ({error.orig}).") from None
    if not current:
        raise ConfigError("The database schema is not up to date: run `agilebot migrate` first.")
    return engine, make_session_factory(engine)


def _run(settings: Settings) -> int:
    from bot.app import build_app
    from bot.jobs import job_sources, workspaces
    from bot.metrics import count_tick
    from bot.models import utcnow
    from bot.scheduler import Heartbeat, make_scheduler

    settings.require_for_serving()
    engine, factory = _database(settings)
    app = build_app(settings, factory)
    clients = _clients(settings, engine, factory)
    heartbeat = Heartbeat(started=utcnow()) if settings.scheduler else None
    scheduler = (
        make_scheduler(
            factory,
            job_sources(clients, factory),
            now=utcnow,
            heartbeat=heartbeat,
            on_tick=count_tick,
            workers=settings.scheduler_workers,
        )
        if settings.scheduler
        else None
    )
    if scheduler:
        workspaces.resume(clients, factory)  # before any job: those whose token works again
        scheduler.start()
    try:
        if settings.socket_mode:
            from bot.operations import Operations, serve_in_background
            from bot.socket_mode import SocketModeClient, serve_socket_mode

            stops = []

            def serve_health(client: SocketModeClient) -> None:
                operations = Operations(engine, heartbeat=heartbeat, connected=client.connected)
                stops.append(serve_in_background(operations, settings.port))

            log.info("serving Slack over Socket Mode (health: /healthz on port %d)", settings.port)
            try:
                serve_socket_mode(app, settings, started=serve_health)
            finally:
                for stop_serving in stops:
                    stop_serving()
        else:
            from bot.web import WebApp, serve

            log.info(
                "serving Slack at http://0.0.0.0:%d/slack/events (health: /healthz)", settings.port
            )
            serve(
                WebApp(
                    app,
                    engine,
                    signing_secret=settings.slack_signing_secret or "",
                    heartbeat=heartbeat,
                ),
                settings.port,
            )
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
    return 0


def _clock(settings: Settings) -> int:
    import threading

    from bot.jobs import job_sources, workspaces
    from bot.metrics import count_tick
    from bot.models import utcnow
    from bot.operations import Operations, serve_in_background
    from bot.scheduler import Heartbeat, make_scheduler

    settings.require_bot_token()
    engine, factory = _database(settings)
    # The scheduler runs in its own threads; this thread only waits for a stop signal, so a
    # signal never lands in the middle of the scheduler's work, and a tick that is running
    # finishes (its claims committed) before the process exits.
    stop = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop.set())
    clients = _clients(settings, engine, factory)
    workspaces.resume(clients, factory)
    heartbeat = Heartbeat(started=utcnow())
    scheduler = make_scheduler(
        factory,
        job_sources(clients, factory),
        now=utcnow,
        heartbeat=heartbeat,
        on_tick=count_tick,
        workers=settings.scheduler_workers,
    )
    scheduler.start()
    log.info("scheduler running; it ticks every minute")
    stop_serving = serve_in_background(Operations(engine, heartbeat=heartbeat), settings.port)
    stop.wait()
    log.info("stopping: waiting for a running tick to finish")
    scheduler.shutdown(wait=True)
    stop_serving()
    log.info("stopped")
    return 0


def _clients(settings: Settings, engine: Engine, factory: sessionmaker[Session]) -> ClientFor:
    """Each workspace's Web API client for the scheduler: with SLACK_BOT_TOKEN, or with the
    token of its installation (Add to Slack, bot.installs)."""
    from bot.slack import clients_for

    if not settings.distribution:
        return clients_for(settings)
    from bot import installs

    store, _ = installs.stores(settings, engine)
    return installs.clients_for(settings, store)


def _purge(settings: Settings, team_id: str | None) -> int:
    """Delete the data of workspaces uninstalled more than 30 days ago, or of one now."""
    from bot.db import unscoped_unit_of_work
    from bot.models import utcnow
    from bot.services import workspaces

    engine, factory = _database(settings)
    with unscoped_unit_of_work(factory) as session:
        doomed = [team_id] if team_id else workspaces.to_purge(session, utcnow())
    if settings.distribution:
        from bot import installs

        store, _ = installs.stores(settings, engine)
    missing = 0
    for slack_team_id in doomed:
        with unscoped_unit_of_work(factory) as session:
            purged = workspaces.purge(session, slack_team_id)
        if purged is None:
            log.warning("no workspace %s to purge", slack_team_id)
            missing += 1
            continue
        if settings.distribution:  # its tokens too, if a reinstall stored new ones meanwhile
            store.delete_all(enterprise_id=purged.enterprise_id, team_id=slack_team_id)
        log.info("purged workspace %s: its teams, backlog, sprints and people", slack_team_id)
    if not doomed:
        log.info("nothing to purge")
    return 1 if missing else 0


def _tick(settings: Settings, at: str) -> int:
    from bot.jobs import job_sources, workspaces
    from bot.scheduler import tick

    try:
        instant = dt.datetime.fromisoformat(at)
    except ValueError:
        raise ConfigError(f"--at must be an ISO-8601 instant, not {at!r}.") from None
    if instant.tzinfo is None:
        raise ConfigError("--at needs a UTC offset (e.g. 2026-11-23T09:00:00Z) to be exact.")
    settings.require_bot_token()
    engine, factory = _database(settings)
    clients = _clients(settings, engine, factory)
    workspaces.resume(clients, factory)
    report = tick(
        factory,
        instant.astimezone(dt.UTC),
        job_sources(clients, factory),
        workers=settings.scheduler_workers,
    )
    log.info(
        "tick at %s: %d ran, %d skipped as stale, %d already done, %d failed, %d waiting for "
        "a suspended workspace",
        instant.isoformat(),
        len(report.ran),
        len(report.skipped_stale),
        len(report.already_done),
        len(report.failed),
        len(report.suspended),
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
