"""Suspended workspaces resumed: when Slack refused a workspace's token for good, the scheduler
suspended it (bot.scheduler); once its token works again (a new SLACK_BOT_TOKEN and a restart,
or the app installed again), its jobs resume where they stopped.

`resume` runs when a process that runs jobs starts (`agilebot run`, `clock` and `tick`): one
query, and one `auth.test` per suspended workspace, none when nothing is suspended."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work, unscoped_unit_of_work
from bot.models import Workspace
from bot.services import workspaces
from bot.slack import ClientFor, error_reason

log = logging.getLogger(__name__)


def resume(clients: ClientFor, factory: sessionmaker[Session]) -> list[int]:
    """Resume each suspended workspace whose token Slack accepts again; their ids."""
    with unscoped_unit_of_work(factory) as session:
        suspended = session.execute(
            select(Workspace.id, Workspace.slack_team_id, Workspace.suspended_reason).where(
                Workspace.suspended_at.is_not(None),
                # An uninstalled workspace comes back only when installed again (bot.installs).
                Workspace.suspended_reason.not_in(workspaces.UNINSTALLED),
            )
        ).all()
    resumed = []
    for workspace_id, team_id, reason in suspended:
        try:
            answer = clients(workspace_id).auth_test()
        except Exception as error:  # noqa: BLE001 - still refused, or Slack unreachable: said
            log.warning(
                "workspace %d (%s) stays suspended: Slack answers %s (it answered %s before)",
                workspace_id,
                team_id,
                error_reason(error),
                reason,
            )
            continue
        if answer.get("team_id") != team_id:
            log.warning(
                "workspace %d (%s) stays suspended: the token is for workspace %s",
                workspace_id,
                team_id,
                answer.get("team_id"),
            )
            continue
        with unit_of_work(factory, workspace_id) as session:
            workspaces.resume(session, workspace_id)
        log.info("workspace %d (%s) resumed: its token works again", workspace_id, team_id)
        resumed.append(workspace_id)
    return resumed
