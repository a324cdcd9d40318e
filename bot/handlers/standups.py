"""Standups in Slack: `/standup` opens the standup form (also from the prompt's button), whose
answer goes to the day's thread; `/standup setup` opens the scrum master's form (questions,
days, who is asked); `/standup time [HH:MM|reset]` is a time of one's own, also set from the
Home tab's Change… (a form); `/standup week` the week at a glance; `/standup away|back|holiday|holidays` sets the days without standups; the
scrum master's Resolve button closes a blocker.

Only the people a team asks (and its members) answer, only its people see its week and set a
time of their own, only the scrum master sets the standup up, sets team holidays and resolves
blockers (checked on the server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Invalid, Message
from bot.fields import StandupField, StandupSetupField, StandupTimeField
from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.home import clicked_in_home, from_home, opened_from_home, refresh_home
from bot.handlers.listeners import listen, listen_to_modal, other_subcommand, subcommand
from bot.handlers.readers import load_person, person_translator, reader_translator
from bot.handlers.replies import dm
from bot.i18n import N_, Translator, day_label
from bot.messaging import MessageUpdate, push
from bot.messaging import standups as standup_posts
from bot.models import (
    Person,
    Team,
)
from bot.mrkdwn import esc
from bot.services import standups, teams, workspaces
from bot.services.standups import AnswerDraft, StandupSetup
from bot.views.failures import failure_words
from bot.views.help import notice
from bot.views.home import HomeAction
from bot.views.ids import Action, Callback
from bot.views.standup import own_time_modal, standup_modal, standup_setup_modal, week_message

# The words of /standup that open the scrum master's set-up form.
SETUP = ("setup", "questions")


def register(app: App) -> None:
    # No words: the form; `setup`: the scrum master's form. The other words answer privately.
    listen(
        app.command("/standup", matchers=[subcommand("")]), later=open_standup_form, opens_form=True
    )
    listen(
        app.command("/standup", matchers=[subcommand(*SETUP)]),
        later=open_setup_form,
        opens_form=True,
    )
    listen(app.command("/standup", matchers=[other_subcommand("", *SETUP)]), manage_standups)
    listen(app.action(Action.STANDUP_OPEN), later=open_form_from_prompt, opens_form=True)
    listen_to_modal(
        app.view(Callback.STANDUP), save_answer, publish_answer, refuse_on=StandupField.DONE
    )
    listen_to_modal(
        app.view(Callback.STANDUP_SETUP),
        save_setup,
        refuse_on=StandupSetupField.QUESTION.format(n=1),
    )
    listen(app.action(HomeAction.STANDUP_TIME), later=open_own_time_form, opens_form=True)
    listen_to_modal(
        app.view(Callback.STANDUP_TIME),
        save_own_time,
        after_own_time,
        refuse_on=StandupTimeField.TIME,
    )
    listen(app.action(Action.BLOCKER_RESOLVE), later=resolve_blocker)


def _day(value: object) -> dt.date:
    """The standup's day carried by a button or a modal; a forged one is a NotFound."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise stale_button() from None


def _open_form(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    user_id: str,
    trigger_id: str,
    team_id: int | None,
    channel_id: str | None,
    day: dt.date | None,
    *,
    home: bool = False,
) -> None:
    """The standup form of `day` (default: the person's today), with their answer if any;
    `home` when asked for from the Home tab, which the answer then refreshes."""
    person = load_person(deps, context, user_id, ask_slack=False)
    with deps.transaction(context) as session:
        team = (
            teams.get_team(session, team_id)
            if team_id is not None
            else standups.standup_team(session, person, channel_id)
        )
        standups.require_participant(session, team, person)
        day = day or standups.local_today(team, person, deps.now())
        answer = standups.answer_of(session, team, person, day)
        # An answer being edited keeps the questions it answered.
        questions = (
            standups.question_set(session, team, answer.question_set_id)
            if answer
            else standups.current_questions(session, team)
        )
        view = standup_modal(
            person_translator(person, team),
            team,
            day,
            questions=questions,
            answer=answer,
            items=standups.sprint_items(session, team),
            weekly=standups.is_weekly(team),
        )
    client.views_open(trigger_id=trigger_id, view=from_home(view) if home else view)


# --- the standup form ------------------------------------------------------------------------


def open_standup_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    _open_form(
        deps,
        client,
        context,
        command["user_id"],
        command["trigger_id"],
        None,
        command.get("channel_id"),
        None,
    )


def open_form_from_prompt(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The prompt's button (or the Home tab's): the form of its team and day."""
    raw_team, _, raw_day = (action.get("value") or "").partition(":")
    team_id, day = button_int(raw_team), _day(raw_day)
    user_id, trigger_id = body["user"]["id"], body["trigger_id"]
    home = clicked_in_home(body)
    _open_form(deps, client, context, user_id, trigger_id, team_id, None, day, home=home)


def save_answer(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    metadata = view_metadata(view)
    now = deps.now()
    team_id, day = button_int(metadata.get("team")), _day(metadata.get("day"))
    set_id = metadata.get("questions")
    set_id = None if set_id is None else button_int(set_id)
    values = state_values(view)

    def save(session: Session) -> int:
        team = teams.get_team(session, team_id)
        # The questions the form showed: those the answer answers.
        draft = AnswerDraft.validate(values, standups.question_set(session, team, set_id))
        person = workspaces.person(session, user_id)
        return standups.save_answer(session, team, person, day, draft, now).answer.id

    try:
        context["saved_answer_id"] = deps.run(context, save)
    except AgileError as error:
        if isinstance(error, Invalid):
            raise
        # Refused as a whole: said on the form's first field, whatever the questions are.
        raise Invalid({_first_input(view): error.message}) from error


def _first_input(view: dict[str, Any]) -> str:
    return next(
        (b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"),
        StandupField.DONE,
    )


def publish_answer(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The answer in the day's thread, its blocker in the admin channel; what fails is told."""
    answer_id = context.get("saved_answer_id")
    if not answer_id:
        return  # the submission was refused
    problems = standup_posts.publish(
        client, deps.session_factory, context["workspace_id"], answer_id, deps.now()
    )
    if problems:
        person = load_person(deps, context, body["user"]["id"])
        tr = reader_translator(deps, context, person)
        dm(
            client,
            body["user"]["id"],
            notice(
                ":warning: "
                # Translators: {reason} says why, in a few lowercase words such as "the channel
                # is archived".
                + tr.gettext(
                    "Your standup is saved, but I could not post it in the team's thread "
                    "({reason})."
                ).format(reason=", ".join(dict.fromkeys(failure_words(tr, p) for p in problems)))
            ),
        )
    if opened_from_home(body["view"]):
        refresh_home(client, context, deps, body["user"]["id"])


# --- the scrum master's set-up --------------------------------------------------------------


def open_setup_form(
    command: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """`/standup setup`: the standup of the channel's team (or of the person's only team), for
    its scrum master."""
    person = load_person(deps, context, command["user_id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = standups.standup_team(session, person, command.get("channel_id"))
        current = standups.current_setup(session, team, person)
        view = standup_setup_modal(person_translator(person, team), team, current)
    client.views_open(trigger_id=command["trigger_id"], view=view)


def save_setup(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """Refused on the field whatever the form cannot take; nothing is stored then."""
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    team_id = button_int(view_metadata(view).get("team"))
    setup = StandupSetup.validate(state_values(view))
    now = deps.now()
    deps.run(
        context,
        lambda s: standups.save_setup(
            s, teams.get_team(s, team_id), workspaces.person(s, user_id), setup, now
        ),
    )


# --- words: a time of one's own, the week, days without standups -----------------------------


def manage_standups(ack: Ack, command: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    """`/standup time [HH:MM|reset]`, `week`, `away FROM TO`, `back`, `holiday DATE [name]`,
    `holiday remove DATE`, `holidays`; the usage for anything else. The answer is the
    command's own, private."""
    words = command["text"].split()
    user_id, channel_id = command["user_id"], command.get("channel_id")
    person = load_person(deps, context, user_id)
    now = deps.now()
    try:
        message = deps.run(context, lambda s: _answer_words(s, words, user_id, channel_id, now))
    except AgileError as error:
        with deps.transaction(context) as session:
            tr = person_translator(person, teams.team_for_channel(session, channel_id))
        message = notice(error.message.render(tr))
    ack(response_type="ephemeral", **message)


def _answer_words(
    session: Session, words: list[str], user_id: str, channel_id: str | None, now: dt.datetime
) -> dict[str, Any]:
    """Do what `words` ask; returns the answer, in the person's words."""
    actor = workspaces.person(session, user_id)
    sub = words[0].lower()
    if sub == "week" and len(words) == 1:
        team = standups.standup_team(session, actor, channel_id)
        week = standups.week(session, team, actor, now)
        return week_message(person_translator(actor, team), week)
    if sub == "time" and len(words) <= 2:
        team = standups.standup_team(session, actor, channel_id)
        return notice(_own_time(session, team, actor, words[1:], now))
    return notice(_change_days_off(session, words, actor, channel_id, now))


def _own_time(
    session: Session, team: Team, actor: Person, words: list[str], now: dt.datetime
) -> str:
    """`/standup time`: say it; `/standup time HH:MM`: set it; `/standup time reset`: the
    team's again."""
    tr = person_translator(actor, team)
    zone = standups.member_zone(actor, team).key
    if words and words[0].lower() == "reset":
        standups.reset_own_time(session, team, actor, now)
        # Translators: {team} is the team's name; {time} is a time of day such as "09:30";
        # {zone} is a time zone such as "Europe/Rome".
        text = tr.gettext("Your standup time for {team} is the team's again: {time} ({zone}).")
        time = team.standup_time
    elif words:
        time = standups.set_own_time(session, team, actor, words[0], now)
        # Translators: {team} is the team's name; {time} is a time of day such as "08:30";
        # {zone} is a time zone such as "Europe/Rome".
        text = tr.gettext("Your standup time for {team} is now {time} ({zone}).")
    else:
        standups.require_in_team(session, team, actor)
        own = standups.own_time(session, team, actor)
        time = own or team.standup_time
        text = (
            # Translators: {team} is the team's name; {time} is a time of day such as "08:30";
            # {zone} is a time zone such as "Europe/Rome".
            tr.gettext(
                "Your standup time for {team} is {time} ({zone}), your own. "
                "`/standup time reset` returns to the team's."
            )
            if own
            # Translators: {team} is the team's name; {time} is a time of day such as "09:30";
            # {zone} is a time zone such as "Europe/Rome".
            else tr.gettext(
                "Your standup time for {team} is the team's, {time} ({zone}). "
                "`/standup time 08:30` sets your own."
            )
        )
    text = text.format(team=esc(team.name), time=time.strftime("%H:%M"), zone=esc(zone))
    if not standups.takes_part(session, team, actor):
        # Translators: {team} is the team's name.
        text += " " + tr.gettext(
            "You are not asked for the standups of {team} at the moment."
        ).format(team=esc(team.name))
    return text


def open_own_time_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The Home tab's Change…: the form for a standup time of one's own, for one of the
    person's teams (the button's team, checked here and again on saving)."""
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        team = teams.get_team(session, button_int(action.get("value")))
        standups.require_in_team(session, team, person)
        view = own_time_modal(
            person_translator(person, team),
            team,
            standups.own_time(session, team, person),
            standups.member_zone(person, team).key,
        )
    client.views_open(trigger_id=body["trigger_id"], view=from_home(view))


def save_own_time(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, deps: Deps
) -> None:
    """The form's time, or the team's when its box is ticked, through the services of
    `/standup time`: same check of the time, same refusal of a team the person is not in (the
    team comes from the form's metadata, so it is checked here, not trusted)."""
    user_id = body["user"]["id"]
    load_person(deps, context, user_id)
    team_id = button_int(view_metadata(view).get("team"))
    values = state_values(view)
    reset = StandupTimeField.USE_TEAMS in (values.get(StandupTimeField.TEAMS_TIME) or [])
    text = str(values.get(StandupTimeField.TIME) or "")
    now = deps.now()
    deps.run(context, lambda s: _save_own_time(s, team_id, user_id, text, reset, now))
    context["saved_own_time"] = True


def _save_own_time(
    session: Session, team_id: int, user_id: str, text: str, reset: bool, now: dt.datetime
) -> None:
    team = teams.get_team(session, team_id)
    person = workspaces.person(session, user_id)
    # The form starts at the team's time for whoever follows it: saving it unchanged keeps
    # them following the team's, rather than pinning today's team time as their own.
    unchanged = (
        standups.own_time(session, team, person) is None
        and standups.parse_time(text) == team.standup_time
    )
    if reset or unchanged:
        standups.reset_own_time(session, team, person, now)
    else:
        standups.set_own_time(session, team, person, text, now)


def after_own_time(
    body: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps
) -> None:
    """The Home tab shows the time just saved."""
    if context.get("saved_own_time") and opened_from_home(body["view"]):
        refresh_home(client, context, deps, body["user"]["id"])


def _change_days_off(
    session: Session, words: list[str], actor: Person, channel_id: str | None, now: dt.datetime
) -> str:
    """Do what `words` ask; returns the confirmation, in the person's words."""
    here = teams.team_for_channel(session, channel_id)
    tr = person_translator(actor, here)
    sub = words[0].lower()
    if sub == "away" and len(words) == 3:
        zone_today = standups.person_today(actor, here, now)
        period = standups.set_away(session, actor, words[1], words[2], zone_today, now)
        # Translators: {start} and {end} are days such as "Mon 21 Dec".
        return tr.gettext(
            "You are away from {start} to {end}: no standup prompts until you are back."
        ).format(start=day_label(tr, period.start_date), end=day_label(tr, period.end_date))
    if sub == "back":
        standups.come_back(session, actor, standups.person_today(actor, here, now))
        return tr.gettext("Welcome back: your standup prompts resume today.")
    if sub == "holiday" and len(words) == 3 and words[1].lower() == "remove":
        team = standups.standup_team(session, actor, channel_id)
        day = standups.remove_holiday(session, team, actor, words[2])
        # Translators: {day} is a day such as "Thu 24 Dec"; {team} is the team's name.
        return tr.gettext("{day} is a working day for {team} again.").format(
            day=day_label(tr, day), team=esc(team.name)
        )
    if sub == "holiday" and len(words) >= 2:
        team = standups.standup_team(session, actor, channel_id)
        holiday = standups.add_holiday(
            session,
            team,
            actor,
            words[1],
            " ".join(words[2:]) or None,
            standups.local_today(team, actor, now),
            now,
        )
        # Translators: {day} is a day such as "Thu 24 Dec"; {team} is the team's name.
        return tr.gettext("{day} is a holiday for {team}: no standup that day.").format(
            day=day_label(tr, holiday.day), team=esc(team.name)
        )
    if sub == "holidays":
        return _holidays(session, standups.standup_team(session, actor, channel_id), actor, tr, now)
    raise Conflict(
        Message(
            N_(
                "`/standup`: answer today's standup. `/standup time HH:MM`: a standup time "
                "of your own, in your time zone (`/standup time` says it, `/standup time "
                "reset` returns to the team's). `/standup week`: the team's week. `/standup "
                "away YYYY-MM-DD YYYY-MM-DD`: no prompts while you are away; `/standup back` "
                "to resume. `/standup holiday YYYY-MM-DD [name]` (scrum master): a team "
                "holiday, `/standup holiday remove YYYY-MM-DD` to take it back; `/standup "
                "holidays` lists them. `/standup setup` (scrum master): the questions, the "
                "days and who is asked."
            )
        )
    )


def _holidays(session: Session, team: Team, actor: Person, tr: Translator, now: dt.datetime) -> str:
    """The team's holidays from today on, one a line."""
    days = standups.holidays(session, team, standups.local_today(team, actor, now))
    if not days:
        # Translators: {team} is the team's name.
        return tr.gettext("{team} has no holidays ahead.").format(team=esc(team.name))
    return (
        # Translators: {team} is the team's name; a list of days follows.
        tr.gettext("Holidays of {team}:").format(team=esc(team.name))
        + "\n"
        + ("\n".join(f"• {day_label(tr, h.day)} {esc(h.note or '')}".rstrip() for h in days))
    )


# --- blockers --------------------------------------------------------------------------------


def resolve_blocker(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The scrum master resolves a blocker: its author is told, and every message of it (raised,
    raised again) says so."""
    blocker_id = button_int(action.get("value"))
    user_id = body["user"]["id"]
    now = deps.now()
    cards, person_id, told = deps.run(context, lambda s: _resolve(s, blocker_id, user_id, now))
    # The person first: the admin messages are the scrum master's, who sees the result.
    dm(client, person_id, notice(":white_check_mark: " + told))
    clicked = (
        (body.get("channel") or {}).get("id"),
        (body.get("container") or {}).get("message_ts"),
    )
    if cards and clicked[0] and clicked[1] and clicked not in {(c.channel, c.ts) for c in cards}:
        # A card from before cards were kept (raised again): it says so too.
        cards.append(MessageUpdate(clicked[0], clicked[1], cards[-1].message))
    for card in cards:  # every card of the blocker, not only the clicked one
        push(client, card)  # one gone card does not keep the others stale
    if clicked_in_home(body):
        refresh_home(client, context, deps, user_id)


def _resolve(
    session: Session, blocker_id: int, user_id: str, now: dt.datetime
) -> tuple[list[MessageUpdate], str, str]:
    """(the blocker's cards as they now read, its author's Slack id, what to tell them)."""
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
    return standup_posts.blocker_cards(session, blocker), person.slack_user_id, told
