"""The person behind a request, who reads its answer: their Slack profile, read on first
contact and when it is more than a day old, and the language to answer them in."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handlers.deps import Deps
from bot.i18n import Translator, language_for, shipped_language, translator
from bot.models import Person, Team
from bot.services import teams, workspaces

log = logging.getLogger(__name__)


def load_person(
    deps: Deps,
    context: BoltContext,
    slack_user_id: str,
    *,
    ask_slack: bool = True,
    first_contact: bool = True,
) -> Person:
    """The person, with a Slack profile (time zone, locale, admin) no older than a day.

    With `ask_slack=False`, for a flow that must spend its trigger id at once (a modal, which
    then calls again after views.open), Slack is asked only on first contact (unless
    `first_contact=False`), with a one-second timeout: so that even a stranger's first form is
    in their language. The Slack call happens between two short transactions, never inside
    one.
    """
    now = deps.now()
    with deps.transaction(context) as session:
        person = workspaces.person(session, slack_user_id)
        first_contact = first_contact and person.profile_refreshed_at is None
        if not workspaces.needs_profile(person, now) or not (ask_slack or first_contact):
            return person
    client = deps.profile_client if ask_slack else deps.first_contact_client
    try:
        user = client.users_info(user=slack_user_id, include_locale=True, token=context.bot_token)[
            "user"
        ]
    except Exception as exc:  # noqa: BLE001 - a profile is a nicety; answer without it
        log.warning("could not refresh the profile of %s: %s", slack_user_id, exc)
        return person
    with deps.transaction(context) as session:
        person = workspaces.person(session, slack_user_id)
        workspaces.apply_profile(person, user, now)
    return person


def lookup_person(session: Session, slack_user_id: str) -> Person | None:
    """The person if the bot knows them; nobody is created."""
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def person_translator(person: Person | None, team: Team | None) -> Translator:
    """For what one person reads: their language where we ship it, else their team's."""
    return translator(
        language_for(person.locale if person else None, team.language if team else None)
    )


def reader_translator(deps: Deps, context: BoltContext, person: Person | None) -> Translator:
    """The translator for a private answer when the request names no team (a modal, a DM):
    the person's language where we ship it, else the language of the team of the channel,
    else of the person's own team."""
    team = None
    if person is not None and shipped_language(person.locale) is None:  # the team's, then
        with deps.transaction(context) as session:
            team = teams.team_for_channel(session, context.channel_id) or teams.team_of(
                session, person
            )
    return person_translator(person, team)


def team_translator(team: Team | None) -> Translator:
    """For what the bot posts in a team's channels: the team's language."""
    return translator(team.language if team else "en")
