"""People as Slack knows them: their profiles read as soon as the bot learns of them and kept
fresh for the cadence, and the scrum master told, once, when a member has left Slack.

A profile (time zone, locale, name, whether the account is still active) is read from Slack
when someone is named in `/agile setup` or first uses the bot, updated by Slack's
`user_change` event, and read again by the scheduler when it is more than a day old: at most
once a day per person, never on every tick, so a team of 25 costs 25 `users.info` calls a day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import language_for, translator
from bot.models import Person, Team, TeamMember
from bot.scheduler import FollowUp, JobSource, Occurrence
from bot.services import workspaces
from bot.slack import error_reason, tell_admins
from bot.views.people import left_slack_message

log = logging.getLogger(__name__)

REFRESH_BATCH = 50  # profiles read per workspace and hour, at most
REFRESH_STALE = dt.timedelta(hours=1)  # the next hour's refresh does the same work
# Each hour's refresh runs at 50 minutes past, away from the round hours and half hours when
# standups are most often due (a tick runs its occurrences one after the other).
REFRESH_MINUTE = 50
TELL_STALE = dt.timedelta(days=7)
# Slack's answer about someone who is not in the workspace at all (any more).
NO_SUCH_USER = "user_not_found"


@dataclass
class People:
    client: WebClient
    factory: sessionmaker[Session]

    def sources(self) -> list[JobSource]:
        return [self._refreshes, self._departures]

    # --- reading profiles --------------------------------------------------------------------

    def read_profiles(
        self, workspace_id: int, slack_user_ids: Iterable[str], now: dt.datetime
    ) -> dict[str, str]:
        """Read these people's Slack profiles and store them, between transactions (a Slack
        call never holds one open). Returns, for each profile Slack could not give, the
        reason (Slack's error code): they stay unknown and are read again within the hour."""
        profiles: dict[str, dict] = {}
        unreadable: dict[str, str] = {}
        for slack_user_id in dict.fromkeys(slack_user_ids):
            try:
                user = self.client.users_info(user=slack_user_id, include_locale=True)["user"]
            except Exception as error:  # noqa: BLE001 - one profile never stops the others
                reason = error_reason(error)
                if reason == NO_SUCH_USER:  # gone from the workspace altogether
                    profiles[slack_user_id] = {"deleted": True, "locale": None}
                    continue
                log.warning("could not read the profile of %s: %s", slack_user_id, reason)
                unreadable[slack_user_id] = reason
                continue
            profiles[slack_user_id] = user
        if profiles:
            with unit_of_work(self.factory, workspace_id) as session:
                found = workspaces.people(session, list(profiles))
                for slack_user_id, user in profiles.items():
                    workspaces.apply_profile(found[slack_user_id], user, now)
        return unreadable

    def _refreshes(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        """Per workspace, once an hour while any team person's profile is unknown or more
        than a day old."""
        stale = select(Person.workspace_id).where(
            Person.id.in_(select(workspaces.team_people().c[0])),
            or_(
                Person.profile_refreshed_at.is_(None),
                Person.profile_refreshed_at < until - workspaces.REFRESH_AFTER,
            ),
        )
        hour = until.replace(minute=REFRESH_MINUTE, second=0, microsecond=0)
        if hour > until:
            hour -= dt.timedelta(hours=1)
        for workspace_id in session.scalars(stale.distinct()):
            yield Occurrence(
                key=f"people_refresh:workspace={workspace_id}:{hour.isoformat()}",
                workspace_id=workspace_id,
                due_at=hour,
                run=self._refresh_job(workspace_id),
                stale_after=REFRESH_STALE,
            )

    def _refresh_job(self, workspace_id: int) -> Callable[[Session, dt.datetime], FollowUp]:
        def run(session: Session, at: dt.datetime) -> FollowUp:
            due = workspaces.stale_profiles(session, at, REFRESH_BATCH)
            return lambda: self._log_unreadable(self.read_profiles(workspace_id, due, at))

        return run

    @staticmethod
    def _log_unreadable(unreadable: dict[str, str]) -> None:
        if unreadable:
            log.warning("%d profiles could not be read; next hour again", len(unreadable))

    # --- members who left Slack --------------------------------------------------------------

    def _departures(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        """A member whose account Slack deactivated: their scrum master is told, once."""
        rows = session.execute(
            select(TeamMember.team_id, TeamMember.person_id, TeamMember.workspace_id)
            .join(Person, Person.id == TeamMember.person_id)
            .where(Person.deleted, TeamMember.left_slack_told_at.is_(None))
        ).all()
        for team_id, person_id, workspace_id in rows:
            yield Occurrence(
                key=f"left_slack:team={team_id}:person={person_id}",
                workspace_id=workspace_id,
                due_at=until,
                run=self._departure_job(team_id, person_id),
                stale_after=TELL_STALE,
            )

    def _departure_job(
        self, team_id: int, person_id: int
    ) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            member = session.scalar(
                select(TeamMember)
                .where(TeamMember.team_id == team_id, TeamMember.person_id == person_id)
                .with_for_update()
            )
            if member is None or member.left_slack_told_at is not None:
                return None
            member.left_slack_told_at = at
            workspace_id = member.workspace_id
            return lambda: self._tell_scrum_master(workspace_id, team_id, person_id, at)

        return run

    def _tell_scrum_master(
        self, workspace_id: int, team_id: int, person_id: int, now: dt.datetime
    ) -> None:
        """A DM in the scrum master's own language (their profile read first if need be); the
        admin channel, which is theirs too, if the DM fails: never dropped."""
        with unit_of_work(self.factory, workspace_id) as session:
            scrum = session.get_one(Team, team_id).scrum_master
            unknown = workspaces.needs_profile(scrum, now)
        if unknown:
            self.read_profiles(workspace_id, [scrum.slack_user_id], now)
        with unit_of_work(self.factory, workspace_id) as session:
            team = session.get_one(Team, team_id)
            scrum = team.scrum_master
            person = session.get_one(Person, person_id)
            tr = translator(language_for(scrum.locale, team.language))
            message = left_slack_message(tr, team, person)
            # The admin channel, if it comes to that, hears it in the team's language.
            in_channel = left_slack_message(translator(team.language), team, person)
        try:
            self.client.chat_postMessage(channel=scrum.slack_user_id, **message)
        except Exception as error:  # noqa: BLE001 - told in the admin channel instead
            log.warning("could not DM the scrum master: %s", error_reason(error))
            tell_admins(self.client, team.admin_channel_id, in_channel["text"])
