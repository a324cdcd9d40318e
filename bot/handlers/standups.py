"""Standups in Slack: `/standup` (answer, away, back, holidays), the prompt's button, the
standup modal, and the scrum master's Resolve button on blockers."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Message, NoTeam
from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, reader_translator
from bot.i18n import N_, day_label
from bot.messaging import MessageUpdate, push
from bot.messaging import standups as standup_posts
from bot.models import (
    BacklogItem,
    Person,
    SprintItem,
    StandupAnswer,
    StandupDay,
    Team,
    TeamMember,
)
from bot.mrkdwn import esc
from bot.services import sprints, standups, teams, workspaces
from bot.services.standups import AnswerDraft, StandupField
from bot.views.failures import failure_words
from bot.views.help import notice
from bot.views.ids import Action, Callback
from bot.views.standup import standup_modal

log = logging.getLogger(__name__)


def _day(value: object) -> dt.date:
    """The standup's day carried by a button or a modal; a forged one is a NotFound."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise stale_button() from None


def _team_for(session: Session, person: Person, channel_id: str | None) -> Team:
    """The channel's team, or the person's only team (from a DM)."""
    team = teams.team_for_channel(session, channel_id)
    if team is not None:
        return team
    mine = list(
        session.scalars(
            select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.person_id == person.id)
        )
    )
    if len(mine) == 1:
        return mine[0]
    raise NoTeam(Message(N_("Run `/standup` in your team's channel.")))


def _sprint_items(session: Session, team: Team) -> list[tuple[int, str]]:
    sprint = sprints.active_sprint(session, team)
    if sprint is None:
        return []
    return [
        (item_id, title)
        for item_id, title in session.execute(
            select(BacklogItem.id, BacklogItem.title)
            .join(SprintItem, SprintItem.item_id == BacklogItem.id)
            .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_at.is_(None))
            .order_by(SprintItem.id)
        )
    ]


def _open_modal(
    deps: Deps, client: WebClient, context: BoltContext, user_id: str, trigger_id: str,
    team_id: int | None, channel_id: str | None, day: dt.date | None,
) -> None:  # fmt: skip
    person = load_person(deps, context, user_id, ask_slack=False)
    with deps.transaction(context) as session:
        team = (
            teams.get_team(session, team_id)
            if team_id is not None
            else _team_for(session, person, channel_id)
        )
        standups.require_member(session, team, person)
        day = day or standups.local_today(team, person, deps.now())
        answer = session.scalar(
            select(StandupAnswer)
            .join(StandupDay, StandupDay.id == StandupAnswer.standup_day_id)
            .where(
                StandupDay.team_id == team.id,
                StandupDay.day == day,
                StandupAnswer.person_id == person.id,
            )
        )
        view = standup_modal(
            person_translator(person, team), team, day, answer=answer,
            items=_sprint_items(session, team),
        )  # fmt: skip
    client.views_open(trigger_id=trigger_id, view=view)


def register(app: App, deps: Deps) -> None:
    def standup_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        words = (command.get("text") or "").split()
        if not words:
            ack()  # the modal opens right after
            return
        user_id = command["user_id"]
        person = load_person(deps, context, user_id)
        now = deps.now()
        sub = words[0].lower()

        def act(session: Session) -> str:
            actor = workspaces.person(session, user_id)
            here = teams.team_for_channel(session, command.get("channel_id"))
            tr = person_translator(actor, here)
            zone_today = standups.person_today(actor, here, now)
            if sub == "away" and len(words) == 3:
                period = standups.set_away(session, actor, words[1], words[2], zone_today, now)
                # Translators: {start} and {end} are days such as "Mon 21 Dec".
                return tr.gettext(
                    "You are away from {start} to {end}: no standup prompts until you are back."
                ).format(start=day_label(tr, period.start_date), end=day_label(tr, period.end_date))
            if sub == "back":
                standups.come_back(session, actor, zone_today)
                return tr.gettext("Welcome back: your standup prompts resume today.")
            if sub == "holiday" and len(words) == 3 and words[1].lower() == "remove":
                team = _team_for(session, actor, command.get("channel_id"))
                day = standups.remove_holiday(session, team, actor, words[2])
                # Translators: {day} is a day such as "Thu 24 Dec"; {team} is the team's name.
                return tr.gettext("{day} is a working day for {team} again.").format(
                    day=day_label(tr, day), team=esc(team.name)
                )
            if sub == "holiday" and len(words) >= 2:
                team = _team_for(session, actor, command.get("channel_id"))
                holiday = standups.add_holiday(
                    session, team, actor, words[1], " ".join(words[2:]) or None,
                    standups.local_today(team, actor, now), now,
                )  # fmt: skip
                # Translators: {day} is a day such as "Thu 24 Dec"; {team} is the team's name.
                return tr.gettext("{day} is a holiday for {team}: no standup that day.").format(
                    day=day_label(tr, holiday.day), team=esc(team.name)
                )
            if sub == "holidays":
                team = _team_for(session, actor, command.get("channel_id"))
                days = standups.holidays(session, team, standups.local_today(team, actor, now))
                if not days:
                    # Translators: {team} is the team's name.
                    return tr.gettext("{team} has no holidays ahead.").format(team=esc(team.name))
                # Translators: {team} is the team's name; a list of days follows.
                return tr.gettext("Holidays of {team}:").format(team=esc(team.name)) + "\n" + (
                    "\n".join(
                        f"• {day_label(tr, h.day)} {esc(h.note or '')}".rstrip() for h in days
                    )
                )  # fmt: skip
            raise Conflict(
                Message(
                    N_(
                        "`/standup`: answer today's standup. `/standup away YYYY-MM-DD "
                        "YYYY-MM-DD`: no prompts while you are away; `/standup back` to resume. "
                        "`/standup holiday YYYY-MM-DD [name]` (scrum master): a team holiday, "
                        "`/standup holiday remove YYYY-MM-DD` to take it back; `/standup "
                        "holidays` lists them."
                    )
                )
            )

        try:
            text = deps.run(context, act)
        except AgileError as error:
            with deps.transaction(context) as session:
                tr = person_translator(
                    person, teams.team_for_channel(session, command.get("channel_id"))
                )
            text = error.message.render(tr)
        ack(response_type="ephemeral", **notice(text))

    def standup_later(command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if (command.get("text") or "").strip():
            return
        _open_modal(
            deps, client, context, command["user_id"], command["trigger_id"], None,
            command.get("channel_id"), None,
        )  # fmt: skip

    listen(app.command("/standup"), standup_command, standup_later)

    def open_from_prompt(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        raw_team, _, raw_day = (action.get("value") or "").partition(":")
        team_id, day = button_int(raw_team), _day(raw_day)
        _open_modal(
            deps, client, context, body["user"]["id"], body["trigger_id"], team_id, None, day
        )

    listen(app.action(Action.STANDUP_OPEN), later=open_from_prompt)

    def submitted(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id = body["user"]["id"]
        load_person(deps, context, user_id)
        metadata = view_metadata(view)
        now = deps.now()
        team_id, day = button_int(metadata.get("team")), _day(metadata.get("day"))
        draft = AnswerDraft.validate(state_values(view))

        def save(session: Session) -> int:
            team = teams.get_team(session, team_id)
            saved = standups.save_answer(
                session, team, workspaces.person(session, user_id), day, draft, now
            )
            return saved.answer.id

        context["saved_answer_id"] = deps.run(context, save)

    def publish(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        answer_id = context.get("saved_answer_id")
        if not answer_id:
            return
        problems = standup_posts.publish(
            client, deps.session_factory, context["workspace_id"], answer_id, deps.now()
        )
        if problems:
            person = load_person(deps, context, body["user"]["id"])
            tr = reader_translator(deps, context, person)
            client.chat_postMessage(
                channel=body["user"]["id"],
                # Translators: {reason} says why, in a few lowercase words such as "the channel
                # is archived".
                **notice(":warning: " + tr.gettext(
                    "Your standup is saved, but I could not post it in the team's thread "
                    "({reason})."
                ).format(reason=", ".join(dict.fromkeys(failure_words(tr, p) for p in problems)))),
            )  # fmt: skip

    listen_to_modal(app.view(Callback.STANDUP), submitted, publish, refuse_on=StandupField.DONE)

    def resolve(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        blocker_id = button_int(action.get("value"))
        user_id = body["user"]["id"]
        now = deps.now()

        def act(session: Session) -> tuple[list[MessageUpdate], str, str]:
            actor = workspaces.person(session, user_id)
            blocker = standups.resolve_blocker(session, blocker_id, actor, now)
            team = session.get_one(Team, blocker.team_id)
            person = session.get_one(Person, blocker.person_id)
            tr = person_translator(person, team)
            # Translators: {scrum} is a Slack mention of the scrum master; {text} is the
            # blocker as the member wrote it.
            told = tr.gettext("{scrum} resolved your blocker: {text}").format(
                scrum=f"<@{actor.slack_user_id}>", text=esc(blocker.text)
            )
            cards = standup_posts.blocker_cards(session, blocker)
            return cards, person.slack_user_id, told

        cards, person_id, told = deps.run(context, act)
        # The person first: the admin messages are the scrum master's, who sees the result.
        client.chat_postMessage(channel=person_id, **notice(":white_check_mark: " + told))
        clicked = (
            (body.get("channel") or {}).get("id"),
            (body.get("container") or {}).get("message_ts"),
        )
        if (
            cards
            and clicked[0]
            and clicked[1]
            and clicked not in {(c.channel, c.ts) for c in cards}
        ):
            # A card from before cards were kept (raised again): it says so too.
            cards.append(MessageUpdate(clicked[0], clicked[1], cards[-1].message))
        for card in cards:  # every card of the blocker, not only the clicked one
            push(client, card)  # one gone card does not keep the others stale

    listen(app.action(Action.BLOCKER_RESOLVE), later=resolve)
