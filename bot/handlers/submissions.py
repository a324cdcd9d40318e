"""The team set-up form's submission.

Validation errors go back onto the field (`response_action: errors`) and nothing is stored;
a valid submission is stored in one transaction before the modal closes, and the Slack
messages that follow are reported to the person if they fail."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import Invalid, Message
from bot.handlers.deps import Deps
from bot.handlers.forms import state_values, view_metadata
from bot.handlers.listeners import listen_to_modal
from bot.handlers.readers import (
    load_person,
    lookup_person,
    person_translator,
    team_translator,
)
from bot.handlers.replies import report_problems
from bot.i18n import N_, Translator
from bot.messaging.people import read_profiles
from bot.mrkdwn import channel_link
from bot.services import teams, workspaces
from bot.services.teams import Field, TeamSettings
from bot.slack import error_reason
from bot.views.failures import failure_words
from bot.views.ids import Callback
from bot.views.people import profiles_unknown
from bot.views.team import team_saved_message

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    # --- team set-up ---------------------------------------------------------------------

    def team_setup(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id = body["user"]["id"]
        load_person(deps, context, user_id)
        channel_id = str(view_metadata(view).get("channel_id") or "")
        settings = TeamSettings.validate(state_values(view))
        if not teams.CHANNEL_ID.match(channel_id):
            raise Invalid({Field.NAME: Message(N_("Run `/agile setup` in the team's channel."))})
        now = deps.now()

        def save(session: Any) -> tuple[int, bool]:
            actor = workspaces.person(session, user_id)
            team, created = teams.save_team(session, channel_id, settings, actor, now)
            return team.id, created

        context["saved_team_id"], context["team_created"] = deps.run(context, save)

    def team_saved(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Join the team's channels and announce the team; report what could not be done."""
        if not context.get("saved_team_id"):
            return  # the submission was refused
        user_id = body["user"]["id"]
        now = deps.now()
        with deps.transaction(context) as session:
            team = teams.get_team(session, context["saved_team_id"])
            member_ids = teams.member_ids(session, team)
            named = [team.owner.slack_user_id, team.scrum_master.slack_user_id, *member_ids]
            unread = [
                u
                for u, p in workspaces.people(session, named).items()
                if workspaces.needs_profile(p, now)
            ]
        # Who they are in Slack (time zone, language), before the cadence needs it.
        unreadable = read_profiles(
            client, deps.session_factory, context["workspace_id"], unread, now
        )
        with deps.transaction(context) as session:
            tr = person_translator(lookup_person(session, user_id), team)
        created = bool(context.get("team_created"))
        problems = [profiles_unknown(tr, list(unreadable))] if unreadable else []
        channels = [team.channel_id, team.admin_channel_id, team.showcase_channel_id]
        for channel in dict.fromkeys(c for c in channels if c):
            problem = _join(client, channel, tr)
            if problem:
                problems.append(problem)
        try:
            client.chat_postMessage(
                channel=team.channel_id,
                **team_saved_message(team_translator(team), team, member_ids, created),
            )
        except SlackApiError as error:
            log.warning(
                "could not announce team %s in %s: %s",
                team.id, team.channel_id, error_reason(error),
            )  # fmt: skip
            problems.append(
                # Translators: {channel} is a link to a Slack channel; {reason} says what went
                # wrong in a few lowercase words, e.g. "the channel is archived".
                tr.gettext(
                    "The team is saved, but I could not post in {channel}: {reason}."
                ).format(channel=channel_link(team.channel_id), reason=failure_words(tr, error))
            )
        report_problems(client, user_id, problems)

    listen_to_modal(app.view(Callback.TEAM_SETUP), team_setup, team_saved, refuse_on=Field.NAME)


def _join(client: WebClient, channel: str, tr: Translator) -> str | None:
    """Join a public channel so the bot can post there; for a private one, say how to invite
    it. Returns a problem to report, or None."""
    try:
        client.conversations_join(channel=channel)
        return None
    except SlackApiError as error:
        reason = error_reason(error)
        if reason == "already_in_channel":
            return None
        if reason in (
            "method_not_supported_for_channel_type",
            "channel_not_found",
            "missing_scope",
        ):
            # Translators: {channel} is a link to a Slack channel.
            return tr.gettext(
                "I am not in {channel} yet. Invite me there with `/invite @agilebot`."
            ).format(channel=channel_link(channel))
        log.warning("could not join %s: %s", channel, reason)
        # Translators: {channel} is a link to a Slack channel; {reason} says what went wrong in a
        # few lowercase words, e.g. "the channel is archived".
        return tr.gettext("I could not join {channel}: {reason}.").format(
            channel=channel_link(channel), reason=failure_words(tr, reason)
        )
