"""People as Slack knows them: their profiles read and stored (time zone, locale, name,
whether the account is still active), and the scrum master told when a member left Slack.

A profile is read when someone is named in `/agile setup` or first uses the bot, updated by
Slack's `user_change` event, and read again by the scheduler (bot.jobs.people) when it is more
than a day old."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import language_for, translator
from bot.models import Person, Team
from bot.services import workspaces
from bot.slack import error_reason, tell_admins
from bot.views.people import left_slack_message

log = logging.getLogger(__name__)

# Slack's answer about someone who is not in the workspace at all (any more).
NO_SUCH_USER = "user_not_found"


def read_profiles(
    client: WebClient,
    factory: sessionmaker[Session],
    workspace_id: int,
    slack_user_ids: Iterable[str],
    now: dt.datetime,
) -> dict[str, str]:
    """Read these people's Slack profiles and store them, between transactions (a Slack call
    never holds one open). Returns, for each profile Slack could not give, the reason
    (Slack's error code): they stay unknown and are read again within the hour."""
    profiles: dict[str, dict[str, Any]] = {}
    unreadable: dict[str, str] = {}
    for slack_user_id in dict.fromkeys(slack_user_ids):
        try:
            user = client.users_info(user=slack_user_id, include_locale=True)["user"]
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
        with unit_of_work(factory, workspace_id) as session:
            found = workspaces.people(session, list(profiles))
            for slack_user_id, user in profiles.items():
                workspaces.apply_profile(found[slack_user_id], user, now)
    return unreadable


def tell_scrum_master(
    client: WebClient,
    factory: sessionmaker[Session],
    workspace_id: int,
    team_id: int,
    person_id: int,
    now: dt.datetime,
) -> None:
    """A member left Slack: a DM in the scrum master's own language (their profile read first
    if need be); the admin channel, which is theirs too, if the DM fails: never dropped."""
    with unit_of_work(factory, workspace_id) as session:
        scrum = session.get_one(Team, team_id).scrum_master
        unknown = workspaces.needs_profile(scrum, now)
    if unknown:
        read_profiles(client, factory, workspace_id, [scrum.slack_user_id], now)
    with unit_of_work(factory, workspace_id) as session:
        team = session.get_one(Team, team_id)
        scrum = team.scrum_master
        person = session.get_one(Person, person_id)
        tr = translator(language_for(scrum.locale, team.language))
        message = left_slack_message(tr, team, person)
        # The admin channel, if it comes to that, hears it in the team's language.
        in_channel = left_slack_message(translator(team.language), team, person)
    try:
        client.chat_postMessage(channel=scrum.slack_user_id, **message)
    except Exception as error:  # noqa: BLE001 - told in the admin channel instead
        log.warning("could not DM the scrum master: %s", error_reason(error))
        tell_admins(client, team.admin_channel_id, in_channel["text"])
