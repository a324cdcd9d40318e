"""Modal submissions: team set-up, ideas, and the owner's triage and scores.

Validation errors go back onto the field (`response_action: errors`) and nothing is stored;
a valid submission is stored in one transaction before the modal closes, and the Slack
messages that follow are reported to the person if they fail."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.errors import Invalid, Message
from bot.handlers.cards import post_cards, refresh_cards, render_backlog, submitter_message
from bot.handlers.deps import Deps
from bot.handlers.forms import state_values, view_metadata
from bot.handlers.listeners import listen_to_modal
from bot.handlers.people import (
    load_person,
    lookup_person,
    person_translator,
    team_translator,
)
from bot.handlers.replies import dm, report_problems
from bot.i18n import N_, Translator
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.messaging.people import read_profiles
from bot.models import BacklogItem, Person, Team
from bot.mrkdwn import channel_link
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import (
    DeclineField,
    IdeaDraft,
    IdeaField,
    ScoreField,
    Scores,
    validate_decline_reason,
)
from bot.services.teams import Field, TeamSettings
from bot.slack import error_reason
from bot.views.failures import failure_words
from bot.views.ideas import idea_accepted, idea_declined, idea_received
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

    # --- ideas -----------------------------------------------------------------------------

    def submit_idea(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id = body["user"]["id"]
        load_person(deps, context, user_id)
        values = state_values(view)
        team_id = view_metadata(view).get("team_id") or values.get(IdeaField.TEAM)
        now = deps.now()
        draft = IdeaDraft.validate(values)
        try:
            team_id = int(team_id)
        except (TypeError, ValueError):
            raise Invalid({IdeaField.TEAM: Message(N_("Choose the team."))}) from None

        def submit(session: Any) -> int:
            team = teams.get_team(session, team_id)
            return backlog.submit_idea(
                session, team, workspaces.person(session, user_id), draft, now
            ).id

        context["saved_item_id"] = deps.run(context, submit)

    def announce_idea(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Triage card to the admin channel, idea card to the team channel, thanks to the
        submitter. The idea is already safe in the backlog; failures are reported."""
        item_id = context.get("saved_item_id")
        if not item_id:
            return  # the submission was refused
        user_id = body["user"]["id"]
        with deps.transaction(context) as session:
            item = backlog.get_item(session, item_id)
            submitter_id, thanks = submitter_message(session, item, idea_received)
            tr = person_translator(
                session.get_one(Person, item.submitter_id), session.get_one(Team, item.team_id)
            )
        problems = post_cards(deps, client, context, item_id, tr)
        dm(client, submitter_id, thanks)
        report_problems(client, user_id, problems)

    # --- triage and scores -----------------------------------------------------------------

    def owner_listeners(parse: Any, apply: Any, tell_submitter: Any) -> tuple[Any, Any]:
        """(ack function, lazy function) for a modal of the marketing owner's: accept,
        rescore or decline. The change is checked and stored before the modal closes."""

        def submitted(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
            user_id = body["user"]["id"]
            load_person(deps, context, user_id)
            now = deps.now()
            parsed = parse(state_values(view))
            item_id = int(view_metadata(view).get("item_id") or 0)

            def act(session: Any) -> BacklogItem:
                return apply(session, item_id, workspaces.person(session, user_id), parsed, now)

            deps.run(context, act)
            context["saved_item_id"] = item_id

        def follow_up(
            body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
        ) -> None:
            """Update the cards, tell the submitter, redraw the owner's /backlog list."""
            item_id = context.get("saved_item_id")
            if not item_id:
                return  # the submission was refused
            refresh_cards(deps, client, context, item_id)
            with deps.transaction(context) as session:  # an estimate change in a sprint
                sprint = sprints.open_sprint_of(session, item_id)
                update = sprint_posts.board_update(session, sprint, deps.now()) if sprint else None
            push(client, update)
            if tell_submitter is not None:
                with deps.transaction(context) as session:
                    submitter_id, message = submitter_message(
                        session, backlog.get_item(session, item_id), tell_submitter
                    )
                dm(client, submitter_id, message)
            metadata = view_metadata(view)
            if metadata.get("response_url"):
                with deps.transaction(context) as session:
                    item = backlog.get_item(session, item_id)
                    team = session.get_one(Team, item.team_id)
                    viewer = workspaces.person(session, body["user"]["id"])
                    page = int(metadata.get("page") or 1)
                    message = render_backlog(
                        session, team, viewer, page, person_translator(viewer, team)
                    )
                try:
                    WebhookClient(metadata["response_url"]).send(replace_original=True, **message)
                except Exception:  # noqa: BLE001 - the list is a convenience; the change is saved
                    log.info("could not refresh a backlog list", exc_info=True)

        return submitted, follow_up

    owner_modals = (
        (Callback.ACCEPT, Scores.validate, backlog.accept, ScoreField.EFFORT, idea_accepted),
        (Callback.RESCORE, Scores.validate, sprints.rescore, ScoreField.EFFORT, None),
        (
            Callback.DECLINE,
            validate_decline_reason,
            backlog.decline,
            DeclineField.REASON,
            idea_declined,
        ),
    )
    listen_to_modal(app.view(Callback.TEAM_SETUP), team_setup, team_saved, refuse_on=Field.NAME)
    listen_to_modal(app.view(Callback.IDEA), submit_idea, announce_idea, refuse_on=IdeaField.TITLE)
    for callback_id, parse, apply, first_field, tell in owner_modals:
        listen_to_modal(
            app.view(callback_id), *owner_listeners(parse, apply, tell), refuse_on=first_field
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
