"""Teams in Slack: `/agile setup` in a team's channel opens the form of that team (name,
channels, marketing owner, scrum master, members, cadence, language). A saved team has the
bot join its channels, read the Slack profiles of the people named, and announce the team in
its channel; whatever could not be done is told to whoever saved it.

Anyone may set up a new team; then only its scrum master, its marketing owner or a workspace
admin changes it (checked on the server).

`/agile export` sends the team's backlog, sprints and experiments as CSV files to the DM of
whoever asked, if they are one of the team's people."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import AgileError, Invalid, Message, NoTeam
from bot.fields import TeamField
from bot.handlers.deps import Deps
from bot.handlers.forms import state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal, subcommand
from bot.handlers.readers import load_person, lookup_person, person_translator, team_translator
from bot.handlers.replies import report_problems
from bot.i18n import N_, Translator
from bot.messaging.export import send_to_dm
from bot.messaging.people import read_profiles
from bot.models import Team
from bot.mrkdwn import channel_link, esc
from bot.services import export, teams, workspaces
from bot.services.teams import TeamSettings
from bot.slack import error_reason
from bot.views.export import export_files
from bot.views.failures import failure_words
from bot.views.help import notice
from bot.views.ids import Callback
from bot.views.people import profiles_unknown
from bot.views.team import setup_modal, team_saved_message

log = logging.getLogger(__name__)

# The words of /agile with a route here: the set-up form and the export; the rest of /agile is
# the help (bot.handlers.help).
SETUP = "setup"
EXPORT = "export"


def register(app: App) -> None:
    listen(
        app.command("/agile", matchers=[subcommand(SETUP)]), later=open_setup_form, opens_form=True
    )
    listen_to_modal(
        app.view(Callback.TEAM_SETUP), save_team, announce_team, refuse_on=TeamField.NAME
    )
    listen(app.command("/agile", matchers=[subcommand(EXPORT)]), later=send_export)


def open_setup_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The set-up form of the team of this channel: a new one, or the team as it is."""
    channel_id = command.get("channel_id") or ""
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, channel_id)
    if team is not None and not teams.can_configure(team, person):
        # Only a workspace admin's flag can change the answer: ask Slack before refusing.
        person = load_person(deps, context, command["user_id"])
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, channel_id)
        tr = person_translator(person, team)
        if not channel_id.startswith(("C", "G")):
            raise AgileError(Message(N_("Run `/agile setup` in the channel where the team works.")))
        if team is not None:
            teams.require_configurer(team, person)
        view = setup_modal(
            tr,
            channel_id=channel_id,
            team=team,
            member_ids=teams.member_ids(session, team) if team else [],
            creator_id=command["user_id"],
            default_time_zone=person.time_zone or "UTC",
        )
    client.views_open(trigger_id=command["trigger_id"], view=view)
    load_person(deps, context, command["user_id"])  # the trigger is spent: now ask Slack


def save_team(body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    channel_id = str(view_metadata(view).get("channel_id") or "")
    settings = TeamSettings.validate(state_values(view))
    if not teams.CHANNEL_ID.match(channel_id):
        raise Invalid({TeamField.NAME: Message(N_("Run `/agile setup` in the team's channel."))})
    now = deps.now()
    context["saved_team_id"], context["team_created"] = deps.run(
        context, lambda s: _save(s, channel_id, settings, user_id, now)
    )


def _save(
    session: Session, channel_id: str, settings: TeamSettings, user_id: str, now: dt.datetime
) -> tuple[int, bool]:
    """(the team's id, whether it is new)."""
    team, created = teams.save_team(
        session, channel_id, settings, workspaces.person(session, user_id), now
    )
    return team.id, created


def announce_team(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """Read the profiles of the people named, join the team's channels and announce the team;
    tell whoever saved it what could not be done."""
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
    unreadable = read_profiles(client, deps.session_factory, context["workspace_id"], unread, now)
    with deps.transaction(context) as session:
        tr = person_translator(lookup_person(session, user_id), team)
    problems: list[str | None] = [profiles_unknown(tr, list(unreadable))] if unreadable else []
    channels = [team.channel_id, team.admin_channel_id, team.showcase_channel_id]
    for channel in dict.fromkeys(c for c in channels if c):
        problems.append(_join(client, channel, tr))
    created = bool(context.get("team_created"))
    problems.append(_post_team(client, team, member_ids, created, tr))
    report_problems(client, user_id, [p for p in problems if p])


def _post_team(
    client: WebClient, team: Team, member_ids: list[str], created: bool, tr: Translator
) -> str | None:
    """The team, as saved, in its channel. Returns a problem to report, or None."""
    try:
        client.chat_postMessage(
            channel=team.channel_id,
            **team_saved_message(team_translator(team), team, member_ids, created),
        )
        return None
    except SlackApiError as error:
        log.warning(
            "could not announce team %s in %s: %s", team.id, team.channel_id, error_reason(error)
        )
        # Translators: {channel} is a link to a Slack channel; {reason} says what went
        # wrong in a few lowercase words, e.g. "the channel is archived".
        return tr.gettext("The team is saved, but I could not post in {channel}: {reason}.").format(
            channel=channel_link(team.channel_id), reason=failure_words(tr, error)
        )


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


# --- /agile export ---------------------------------------------------------------------------


def send_export(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """The team's backlog, sprints and experiments as CSV files in the requester's DM, in their
    language; then a private word in the channel that they are there (or why not)."""
    user_id = command["user_id"]
    person = load_person(deps, context, user_id)
    with deps.transaction(context) as session:
        team = teams.team_for_channel(session, command.get("channel_id"))
        tr = person_translator(person, team)
        if team is None:
            raise NoTeam(
                Message(
                    N_(
                        "This channel has no team. Run `/agile export` in your team's channel, "
                        "or set one up here with `/agile setup`."
                    )
                )
            )
        export.require_exporter(session, team, person)
        files = export_files(tr, export.team_export(session, team))
        team_name = team.name
    # Translators: {team} is the team's name.
    intro = tr.gettext("The export of {team}: its backlog, sprints and experiments.").format(
        team=esc(team_name)
    )
    try:
        send_to_dm(client, user_id, intro, files)
    except Exception as error:  # noqa: BLE001 - logged with its reason, told to the person
        log.warning("could not send the export of %s: %s", team_name, error_reason(error))
        # Translators: {reason} says what went wrong in a few lowercase words, e.g. "the
        # channel is archived".
        failed = tr.gettext(
            "I could not send the export to your DMs ({reason}). Try again in a while."
        ).format(reason=failure_words(tr, error))
        respond(response_type="ephemeral", **notice(":warning: " + failed))
        return
    # Translators: {team} is the team's name.
    sent = tr.gettext(
        "I sent you the export of {team} in your DMs: three CSV files (backlog, sprints, "
        "experiments)."
    ).format(team=esc(team_name))
    respond(response_type="ephemeral", **notice(":inbox_tray: " + sent))
