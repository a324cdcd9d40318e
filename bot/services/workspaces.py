"""Workspaces and people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import Person, Team, TeamMember, Workspace

# Slack profiles change rarely (a move, a new locale), and Slack's `user_change` event tells us
# when they do; read a profile again when it is older than this, before the cadence relies on it.
PROFILE_MAX_AGE = dt.timedelta(days=1)
# The scheduler's hourly refresh takes profiles an hour early, so that each is read about
# once a day at the same hour rather than an hour later every day.
REFRESH_AFTER = PROFILE_MAX_AGE - dt.timedelta(hours=1)


def ensure_workspace(session: Session, slack_team_id: str, enterprise_id: str | None) -> int:
    """The id of the workspace row for `slack_team_id`, created on first contact.

    Needs an unscoped session. Safe when two first requests race: the unique key decides.
    """
    found = session.scalar(select(Workspace.id).where(Workspace.slack_team_id == slack_team_id))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            workspace = Workspace(slack_team_id=slack_team_id, enterprise_id=enterprise_id or None)
            session.add(workspace)
        return workspace.id
    except IntegrityError:
        return session.scalars(
            select(Workspace.id).where(Workspace.slack_team_id == slack_team_id)
        ).one()


# Why a workspace is suspended when it was uninstalled (Slack's events), rather than its token
# refused by a call: it comes back only when the app is installed again.
UNINSTALLED = frozenset({"app_uninstalled", "tokens_revoked"})
# How long an uninstalled workspace's data is kept, so that a reinstall resumes where the team
# left off; `agilebot purge` deletes it after that.
KEEP_AFTER_UNINSTALL = dt.timedelta(days=30)


def suspend(session: Session, slack_team_id: str, reason: str, now: dt.datetime) -> bool:
    """Suspend the workspace (none of its jobs runs); False if it was already, or unknown."""
    workspace = session.scalar(select(Workspace).where(Workspace.slack_team_id == slack_team_id))
    if workspace is None or workspace.suspended_at is not None:
        if workspace is not None and reason in UNINSTALLED:
            workspace.suspended_reason = reason  # an uninstall says more than a refused call
        return False
    workspace.suspended_at, workspace.suspended_reason = now, reason[:100]
    return True


def resume(session: Session, workspace_id: int) -> bool:
    """Lift the workspace's suspension; False if it was not suspended."""
    workspace = session.get_one(Workspace, workspace_id)
    if workspace.suspended_at is None:
        return False
    workspace.suspended_at = workspace.suspended_reason = None
    return True


def to_purge(session: Session, now: dt.datetime) -> list[str]:
    """The Slack ids of workspaces uninstalled longer ago than KEEP_AFTER_UNINSTALL."""
    return list(
        session.scalars(
            select(Workspace.slack_team_id).where(
                Workspace.suspended_reason.in_(UNINSTALLED),
                Workspace.suspended_at < now - KEEP_AFTER_UNINSTALL,
            )
        )
    )


def purge(session: Session, slack_team_id: str) -> Workspace | None:
    """Delete the workspace and everything in it (every row cascades from the workspace's);
    the workspace deleted, or None if there was none. Needs an unscoped session."""
    workspace = session.scalar(select(Workspace).where(Workspace.slack_team_id == slack_team_id))
    if workspace is not None:
        session.delete(workspace)
        session.flush()
    return workspace


def person(session: Session, slack_user_id: str) -> Person:
    """The person with this Slack id, created (without a profile yet) on first contact."""
    found = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            created = Person(slack_user_id=slack_user_id)
            session.add(created)
        return created
    except IntegrityError:
        return session.scalars(select(Person).where(Person.slack_user_id == slack_user_id)).one()


def people(session: Session, slack_user_ids: list[str]) -> dict[str, Person]:
    """Several people at once, keyed by Slack id, creating the missing ones."""
    found = {
        p.slack_user_id: p
        for p in session.scalars(select(Person).where(Person.slack_user_id.in_(slack_user_ids)))
    }
    for slack_user_id in slack_user_ids:
        if slack_user_id not in found:
            found[slack_user_id] = person(session, slack_user_id)
    return found


def needs_profile(person: Person, now: dt.datetime) -> bool:
    refreshed = person.profile_refreshed_at
    return refreshed is None or now - refreshed > PROFILE_MAX_AGE


def apply_profile(person: Person, user: dict[str, Any], now: dt.datetime) -> None:
    """Copy what we use from a Slack user object (`users.info`, or a `user_change` event).

    The profile counts as read only with the locale in it (`users.info` with include_locale):
    an event without one updates the rest, and the locale is read again in its time."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
    )
    if name:
        person.display_name = name[:200]
    person.time_zone = user.get("tz") or person.time_zone
    person.locale = user.get("locale") or person.locale
    person.is_workspace_admin = bool(user.get("is_admin") or user.get("is_owner"))
    person.deleted = bool(user.get("deleted"))
    person.is_bot = bool(user.get("is_bot"))
    if "locale" in user:
        person.profile_refreshed_at = now


def team_people() -> Any:
    """The ids of everyone with a part in a team (member, owner, scrum master): the people the
    cadence speaks to, whose profiles it relies on."""
    return union(
        select(TeamMember.person_id),
        select(Team.owner_id),
        select(Team.scrum_master_id),
    ).subquery()


def stale_profiles(session: Session, now: dt.datetime, limit: int) -> list[str]:
    """Slack ids of team people whose profile was never read or is older than a day, the
    oldest first (never read: first of all)."""
    ids = team_people()
    return list(
        session.scalars(
            select(Person.slack_user_id)
            .where(
                Person.id.in_(select(ids.c[0])),
                or_(
                    Person.profile_refreshed_at.is_(None),
                    Person.profile_refreshed_at < now - REFRESH_AFTER,
                ),
            )
            .order_by(Person.profile_refreshed_at.is_not(None), Person.profile_refreshed_at)
            .limit(limit)
        )
    )
