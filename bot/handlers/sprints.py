"""Sprints in Slack: `/sprint` (the board, or what happened and what comes next between two
sprints), `/sprint start`, `/sprint end`, `/sprint velocity`, `/burnup`, and the board's
buttons: moving items (Start, Done, Reopen), redrawing it, charting it, and the owner's
estimate menu. Planning is in sprint_planning, experiment results in experiments.

Every privileged action is checked on the server (services raise NotAllowed): only the owner
or scrum master starts or ends a sprint, only team members move items. A hand-made payload
changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Message, NotAllowed, NoTeam
from bot.handlers.deps import Deps
from bot.handlers.follows import deliver_notices
from bot.handlers.forms import button_int, stale_button
from bot.handlers.listeners import listen, other_subcommand, subcommand
from bot.handlers.readers import load_person, person_translator, team_translator
from bot.handlers.replies import tell_privately
from bot.i18n import N_
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.models import Person, Sprint, SprintState, Team, WorkState
from bot.mrkdwn import channel_link, esc
from bot.scheduler import FollowUp
from bot.services import activities, backlog, sprints, teams, workspaces
from bot.views.charts import burnup_chart, velocity_chart
from bot.views.help import notice, sprint_help
from bot.views.ideas import scores_modal
from bot.views.ids import Action
from bot.views.sprint import between_sprints_message, board_message
from bot.views.wip import wip_nudge

# The words of `/sprint` with a route of their own: here, and in sprint_planning.
SUBCOMMANDS = ("start", "end", "velocity", "plan", "edit")


def register(app: App) -> None:
    listen(app.command("/sprint", matchers=[other_subcommand(*SUBCOMMANDS)]), show_sprint)
    listen(app.command("/sprint", matchers=[subcommand("start")]), later=start_sprint_now)
    listen(app.command("/sprint", matchers=[subcommand("end")]), later=end_sprint_now)
    listen(app.command("/sprint", matchers=[subcommand("velocity")]), later=post_velocity)
    listen(app.command("/burnup"), later=post_burnup)
    listen(app.action(Action.SPRINT_BURNUP), later=post_sprint_burnup)
    listen(app.action(Action.SPRINT_MOVE), later=move_item)
    listen(app.action(Action.SPRINT_REFRESH), later=refresh_board)
    listen(app.action(Action.SPRINT_ESTIMATE), later=open_estimate_form, opens_form=True)


def team_here(session: Session, channel_id: str | None) -> Team:
    """The team of the channel a sprint command came from."""
    team = teams.team_for_channel(session, channel_id)
    if team is None:
        raise NoTeam(
            Message(
                N_(
                    "This channel has no team. Run `/sprint` in your team's channel, or set "
                    "one up here with `/agile setup`."
                )
            )
        )
    return team


# --- /sprint ---------------------------------------------------------------------------------


def show_sprint(ack: Ack, command: dict[str, Any], context: BoltContext, deps: Deps) -> None:
    """The team's current sprint (or what happened and what comes next), privately; the help
    for `/sprint help` or a word it does not know."""
    words = (command.get("text") or "").lower().split()
    person = load_person(deps, context, command["user_id"])
    with deps.transaction(context) as session:
        tr = person_translator(person, teams.team_for_channel(session, command.get("channel_id")))
        if words:  # help, or a subcommand we do not know
            unknown = None if words[0] == "help" else "/sprint " + command["text"].strip()
            ack(response_type="ephemeral", **sprint_help(tr, unknown=unknown))
            return
        try:
            team = team_here(session, command.get("channel_id"))
            message = _current_board(session, team, person, deps.now())
        except AgileError as error:
            message = notice(error.message.render(tr))
    ack(response_type="ephemeral", **message)


def _current_board(
    session: Session, team: Team, person: Person, now: dt.datetime
) -> dict[str, Any]:
    tr = person_translator(person, team)
    running = sprints.active_sprint(session, team)
    if running is not None:
        return board_for(session, team, running, person, now)
    last = sprints.last_closed(session, team)
    upcoming = sprints.next_sprint(session, team)
    if last is None and upcoming is None:
        return notice(
            # Translators: {team} is the team's name.
            tr.gettext(
                "{team} has no sprint yet. The marketing owner or scrum master plans one "
                "with `/sprint plan`."
            ).format(team=esc(team.name))
        )
    # Between two sprints: not the closed board, but what happened and what comes next.
    return between_sprints_message(
        tr,
        team,
        sprints.recap(session, team, last) if last else None,
        upcoming,
        sprints.local_date(team, sprints.starts_at(team, upcoming)) if upcoming else None,
    )


def board_for(
    session: Session, team: Team, sprint: Sprint, viewer: Person, now: dt.datetime
) -> dict[str, Any]:
    """The board for one viewer's private answer (with the owner's estimate menu)."""
    return board_message(
        person_translator(viewer, team),
        sprint_posts.board(session, team, sprint, now),
        owner_controls=teams.is_owner(team, viewer),
    )


def start_sprint_now(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """The next planned sprint starts now, and runs its full length from today."""
    user_id, channel_id = command["user_id"], command.get("channel_id")
    person = load_person(deps, context, user_id)
    now = deps.now()
    text = deps.run(context, lambda s: _start_next(s, client, channel_id, user_id, person, now))
    respond(response_type="ephemeral", **notice(":rocket: " + text))


def _start_next(
    session: Session,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    reader: Person,
    now: dt.datetime,
) -> str:
    """Start the team's next sprint and announce it (in the start's transaction, see
    bot.messaging); returns what to tell `reader`."""
    team = team_here(session, channel_id)
    actor = workspaces.person(session, user_id)
    sprints.require_planner(team, actor)
    upcoming = sprints.next_sprint(session, team)
    if upcoming is None:
        running = sprints.active_sprint(session, team)
        if running is not None:
            raise Conflict(
                Message(
                    # Translators: {number} is the sprint's number.
                    N_("Sprint {number} is already running."),
                    {"number": running.number},
                )
            )
        raise Conflict(Message(N_("There is no planned sprint to start.")))
    sprint = sprints.start(session, upcoming.id, now, actor=actor)
    assert sprint is not None  # with an actor, a sprint that cannot start raises
    sprint_posts.announce(client, session, sprint, now)
    return (
        person_translator(reader, team)
        # Translators: {number} is the sprint's number; {channel} is a link to a Slack
        # channel.
        .gettext("Sprint {number} has started; the board is in {channel}.")
        .format(number=sprint.number, channel=channel_link(team.channel_id))
    )


def end_sprint_now(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """The running sprint closes now; the scheduler then does not close it again."""
    user_id, channel_id = command["user_id"], command.get("channel_id")
    person = load_person(deps, context, user_id)
    now = deps.now()
    text, follow_up = deps.run(
        context, lambda s: _close_running(s, client, channel_id, user_id, person, now)
    )
    respond(response_type="ephemeral", **notice(":checkered_flag: " + text))
    follow_up()  # charts, the closed board, the owner's questions: after the commit


def _close_running(
    session: Session,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    reader: Person,
    now: dt.datetime,
) -> tuple[str, FollowUp]:
    """Close the team's running sprint and post its showcase (in the close's transaction);
    returns what to tell `reader`, and what to post once it is committed."""
    team = team_here(session, channel_id)
    actor = workspaces.person(session, user_id)
    sprints.require_planner(team, actor)
    running = sprints.active_sprint(session, team)
    if running is None:
        raise Conflict(Message(N_("No sprint is running.")))
    closed = sprints.close(session, running.id, now, actor=actor)
    assert closed is not None  # with an actor, a sprint that cannot close raises
    follow_up = sprint_posts.showcase(client, session, closed, now)
    channel = team.showcase_channel_id or team.channel_id
    text = (
        person_translator(reader, team)
        # Translators: {number} is the sprint's number; {channel} is a link to a Slack
        # channel.
        .gettext("Sprint {number} is closed; the showcase is in {channel}.")
        .format(number=running.number, channel=channel_link(channel))
    )
    return text, follow_up


# --- charts ----------------------------------------------------------------------------------


def post_velocity(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """The velocity chart in the team channel: committed against completed, sprint by sprint."""
    person = load_person(deps, context, command["user_id"])
    with deps.transaction(context) as session:
        team = team_here(session, command.get("channel_id"))
        tr = team_translator(team)
        outcomes = sprints.outcomes(session, team)
        if not outcomes:
            respond(
                response_type="ephemeral",
                **notice(
                    person_translator(person, team).gettext(
                        "No sprint has finished yet, so there is no velocity to show."
                    )
                ),
            )
            return
        chart = velocity_chart(tr, team, outcomes)
    if not sprint_posts.upload(client, team, tr, chart, team.channel_id, pause=0.5):
        raise _chart_not_uploaded()


def post_burnup(
    command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond, deps: Deps
) -> None:
    """`/burnup`: the chart of the team's running sprint, or of its last one."""
    _post_burnup(command, client, context, respond, deps, command.get("channel_id"), None)


def post_sprint_burnup(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """The board's Burnup button: the chart of that sprint."""
    _post_burnup(body, client, context, respond, deps, None, button_int(action.get("value")))


def _post_burnup(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
    channel_id: str | None,
    sprint_id: int | None,
) -> None:
    user_id = body.get("user_id") or body["user"]["id"]
    person = load_person(deps, context, user_id)
    with deps.transaction(context) as session:
        sprint: Sprint | None
        if sprint_id is not None:
            sprint = sprints.get_sprint(session, sprint_id)
            team = session.get_one(Team, sprint.team_id)
            _require_viewer(session, team, workspaces.person(session, user_id), body)
        else:
            team = team_here(session, channel_id)
            sprint = sprints.active_sprint(session, team) or sprints.last_closed(session, team)
        if sprint is None or sprint.state is SprintState.PLANNED:
            respond(
                response_type="ephemeral",
                **notice(
                    person_translator(person, team).gettext(
                        "There is no running or finished sprint to chart yet."
                    )
                ),
            )
            return
        tr = team_translator(team)
        chart = burnup_chart(
            tr, team, sprint, sprints.burnup_data(session, team, sprint, deps.now())
        )
    if not sprint_posts.upload(client, team, tr, chart, team.channel_id, pause=0.5):
        raise _chart_not_uploaded()


def _chart_not_uploaded() -> Conflict:
    return Conflict(Message(N_("I could not upload the chart; the admin channel has the details.")))


def _require_viewer(session: Session, team: Team, person: Person, body: dict[str, Any]) -> None:
    """Read-only sprint actions (redraw, chart) come from the team's own channels or from
    someone on the team: a forged sprint id cannot reveal another team's board."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    if channel and channel in (team.channel_id, team.admin_channel_id, team.showcase_channel_id):
        return
    if sprints.can_plan(team, person) or teams.is_member(session, team, person):
        return
    raise NotAllowed(
        Message(
            # Translators: {team} is the team's name.
            N_("That sprint belongs to {team}: its board is in the team's channel."),
            {"team": team.name},
        )
    )


# --- the board's buttons ---------------------------------------------------------------------


def move_item(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Start, Done (after the Definition of Done) or Reopen an item of the sprint."""
    raw_id, _, raw_state = (action.get("value") or "").partition(":")
    sprint_item_id = button_int(raw_id)
    try:
        to = WorkState(raw_state)
    except ValueError:
        raise stale_button() from None
    user_id = body["user"]["id"]
    now = deps.now()
    result, over = deps.run(context, lambda s: _move(s, sprint_item_id, user_id, to, now))
    _redraw_board(body, client, context, respond, deps, result.sprint.id)
    if result.item_id is not None:  # done: its followers hear so
        deliver_notices(client, context, deps, [result.item_id])
    if over is not None and over.limit is not None:
        # Over the team's WIP limit: the item has started; its starter hears so privately.
        person = load_person(deps, context, user_id)
        nudge = wip_nudge(
            person_translator(person, result.team), result.team.name, over.doing, over.limit
        )
        tell_privately(client, body, nudge, respond)


def _move(
    session: Session, sprint_item_id: int, user_id: str, to: WorkState, now: dt.datetime
) -> tuple[sprints.MoveResult, sprints.Wip | None]:
    """Move the item; with the team's work in progress if the move took it over its limit."""
    result = sprints.move(session, sprint_item_id, workspaces.person(session, user_id), to, now)
    return result, sprints.started_over_limit(session, result, to)


def refresh_board(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    _redraw_board(body, client, context, respond, deps, button_int(action.get("value")))


def _redraw_board(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
    sprint_id: int,
) -> None:
    """Redraw the board where it was clicked: the shared message in the channel (for
    everyone), or the person's own `/sprint` answer; the channel board follows either way."""
    user_id = body["user"]["id"]
    with deps.transaction(context) as session:
        sprint = sprints.get_sprint(session, sprint_id)
        team = session.get_one(Team, sprint.team_id)
        viewer = workspaces.person(session, user_id)
        _require_viewer(session, team, viewer, body)
        in_channel = (body.get("container") or {}).get("message_ts") == sprint.message_ts
        update = sprint_posts.board_update(session, sprint, deps.now())
        mine = None if in_channel else board_for(session, team, sprint, viewer, deps.now())
        tr = person_translator(viewer, team)
    refreshed = push(client, update)
    if mine is not None:
        respond(replace_original=True, **mine)
    if not refreshed:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **notice(
                ":warning: "
                + tr.gettext(
                    "Your change is saved, but I could not update the sprint board in the "
                    "channel. `/sprint` shows it as it is."
                )
            ),
        )


def open_estimate_form(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
) -> None:
    """The owner's estimate menu on the board: the scores form of an item (bot.handlers.backlog
    stores it, as a change of the sprint's scope)."""
    item_id = button_int((action.get("selected_option") or {}).get("value"))
    person = load_person(deps, context, body["user"]["id"], ask_slack=False)
    with deps.transaction(context) as session:
        item, team = backlog.owned_item(session, item_id, person, backlog.SCORABLE)
        view = scores_modal(
            person_translator(person, team),
            item,
            accepting=False,
            metadata={"item_id": item_id},
            activities=activities.team_activities(session, team),
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)
