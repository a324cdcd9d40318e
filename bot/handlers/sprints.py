"""Sprints in Slack: `/sprint` (board, plan, edit, start, end, velocity), `/burnup`, moving
items on the board, the planning modal with its live total, and experiment results.

Every privileged action is checked on the server (services raise NotAllowed): only the owner
or scrum master plans, starts or ends a sprint, only team members move items, only the owner
records an experiment's result. A hand-made payload changes nothing."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.errors import AgileError, Conflict, Invalid, Message, NotAllowed, NoTeam
from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button, state_values, view_metadata
from bot.handlers.listeners import listen, listen_to_modal
from bot.handlers.readers import load_person, person_translator, team_translator
from bot.i18n import N_, Translator
from bot.messaging import push
from bot.messaging import sprints as sprint_posts
from bot.messaging.backlog import post_cards
from bot.models import (
    BacklogItem,
    ExperimentResult,
    ItemKind,
    Person,
    Sprint,
    SprintState,
    Team,
    WorkState,
)
from bot.models.backlog import KPI_MAX
from bot.mrkdwn import channel_link, esc
from bot.services import backlog, retros, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft
from bot.services.sprints import SprintDraft, SprintField
from bot.slack import error_reason
from bot.views.charts import burnup_chart, velocity_chart
from bot.views.experiments import (
    LEARNING_MAX,
    ResultField,
    result_in_thread,
    result_modal,
    result_recorded,
)
from bot.views.failures import failure_words
from bot.views.help import notice, sprint_help
from bot.views.ideas import scores_modal
from bot.views.ids import Action, Callback
from bot.views.sprint import (
    PlanForm,
    between_sprints_message,
    board_message,
    day_label,
    plan_modal,
    zoned_time,
)

log = logging.getLogger(__name__)


def _words(command: dict[str, Any]) -> list[str]:
    return (command.get("text") or "").lower().split()


def _team_here(session: Session, channel_id: str | None) -> Team:
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


def _result_values(values: dict[str, Any]) -> tuple[ExperimentResult, str, str | None]:
    """The experiment-result modal's values, or Invalid with a message per bad field."""
    errors: dict[str, Message] = {}
    result = None
    try:
        result = ExperimentResult(values.get(ResultField.RESULT))
    except ValueError:
        errors[ResultField.RESULT] = Message(N_("Choose won, lost or inconclusive."))
    figure = (values.get(ResultField.FIGURE) or "").strip()
    if not figure:
        errors[ResultField.FIGURE] = Message(N_("Give the KPI's value, e.g. 3.4%."))
    elif len(figure) > KPI_MAX:
        errors[ResultField.FIGURE] = Message(
            # Translators: {limit} is a number of characters.
            N_("Keep this under {limit} characters."),
            {"limit": KPI_MAX},
        )
    learning = (values.get(ResultField.LEARNING) or "").strip() or None
    if learning and len(learning) > LEARNING_MAX:
        errors[ResultField.LEARNING] = Message(
            # Translators: {limit} is a number of characters.
            N_("Keep this under {limit} characters."),
            {"limit": LEARNING_MAX},
        )
    if errors:
        raise Invalid(errors)
    return result, figure, learning  # type: ignore[return-value]


def require_viewer(session: Session, team: Team, person: Person, body: dict[str, Any]) -> None:
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


def plan_form(
    session: Session, team: Team, now: dt.datetime, sprint: Sprint | None = None
) -> PlanForm:
    """The planning modal's starting values: the team's default length, the day after the
    last sprint (or today), the suggested capacity; for an edit, the sprint's own values."""
    candidates = sprints.plan_candidates(session, team)
    suggestion = sprints.suggested_capacity(session, team)
    actions = tuple(a.text for a in retros.open_actions(session, team))
    today = sprints.local_date(team, now)
    if sprint is not None:
        entries = sprints.entries(session, sprint)
        own = [session.get_one(BacklogItem, e.item_id) for e in entries]
        own_ids = {e.item_id for e in entries}
        choices = own + [c for c in candidates if c.id not in own_ids]
        points = {c.id: c.effort or 0 for c in candidates}
        points.update({e.item_id: e.points for e in entries})
        return PlanForm(
            team=team, choices=choices[: sprints.PLAN_CHOICES], points=points,
            suggestion=suggestion, start=sprint.start_date, length_weeks=sprint.length_weeks,
            capacity=sprint.capacity, goal=sprint.goal, serves=sprint.serves or "",
            selected=tuple(i.id for i in own), sprint=sprint, actions=actions,
        )  # fmt: skip
    start = today
    latest = sprints.latest_end(session, team)
    if latest is not None and latest >= today:
        start = latest + dt.timedelta(days=1)
    while not sprints.is_working_day(team, start):
        start += dt.timedelta(days=1)
    return PlanForm(
        team=team, choices=candidates, points={c.id: c.effort or 0 for c in candidates},
        suggestion=suggestion, start=start, length_weeks=team.sprint_length_weeks,
        capacity=suggestion, actions=actions,
    )  # fmt: skip


def register(app: App, deps: Deps) -> None:
    def board_for(session: Session, team: Team, sprint: Sprint, viewer: Person) -> dict[str, Any]:
        """The board for one viewer's private answer (with the owner's estimate menu)."""
        return board_message(
            person_translator(viewer, team),
            sprint_posts.board(session, team, sprint, deps.now()),
            owner_controls=teams.is_owner(team, viewer),
        )

    def current_board(session: Session, team: Team, person: Person) -> dict[str, Any]:
        tr = person_translator(person, team)
        running = sprints.active_sprint(session, team)
        if running is not None:
            return board_for(session, team, running, person)
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
            tr, team, sprints.recap(session, team, last) if last else None, upcoming,
            sprints.local_date(team, sprints.starts_at(team, upcoming)) if upcoming else None,
        )  # fmt: skip

    # --- /sprint ---------------------------------------------------------------------------

    def sprint_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        words = _words(command)
        sub = words[0] if words else ""
        if sub in ("plan", "edit", "start", "end", "velocity"):
            ack()  # the lazy part opens the modal, or posts
            return
        person = load_person(deps, context, command["user_id"])
        with deps.transaction(context) as session:
            here = teams.team_for_channel(session, command.get("channel_id"))
            tr = person_translator(person, here)
            if sub:  # help, or a subcommand we do not know
                unknown = None if sub == "help" else "/sprint " + command.get("text", "").strip()
                ack(response_type="ephemeral", **sprint_help(tr, unknown=unknown))
                return
            try:
                message = current_board(
                    session, _team_here(session, command.get("channel_id")), person
                )
            except AgileError as error:
                message = notice(error.message.render(tr))
        ack(response_type="ephemeral", **message)

    def sprint_later(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        words = _words(command)
        sub = words[0] if words else ""
        if sub in ("plan", "edit"):
            open_plan(command, client, context, editing=sub == "edit")
        elif sub == "start":
            start_now(command, client, context, respond)
        elif sub == "end":
            end_now(command, client, context, respond)
        elif sub == "velocity":
            post_velocity(command, client, context, respond)

    def open_plan(
        command: dict[str, Any], client: WebClient, context: BoltContext, *, editing: bool
    ) -> None:
        user_id = command["user_id"]
        person = load_person(deps, context, user_id, ask_slack=False)
        with deps.transaction(context) as session:
            team = _team_here(session, command.get("channel_id"))
            sprints.require_planner(team, person)
            sprint = None
            if editing:
                sprint = sprints.current_sprint(session, team)
                if sprint is None:
                    raise Conflict(
                        Message(N_("There is no sprint to edit. Plan one with `/sprint plan`."))
                    )
            view = plan_modal(
                person_translator(person, team), plan_form(session, team, deps.now(), sprint)
            )
        client.views_open(trigger_id=command["trigger_id"], view=view)

    def start_now(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        user_id = command["user_id"]
        person = load_person(deps, context, user_id)
        now = deps.now()

        def start(session: Session) -> str:
            team = _team_here(session, command.get("channel_id"))
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
            sprint_posts.announce(client, session, sprint, now)  # type: ignore[arg-type]
            return (
                person_translator(person, team)
                # Translators: {number} is the sprint's number; {channel} is a link to a Slack
                # channel.
                .gettext("Sprint {number} has started; the board is in {channel}.")
                .format(number=sprint.number, channel=channel_link(team.channel_id))
            )  # type: ignore[union-attr]

        respond(response_type="ephemeral", **notice(":rocket: " + deps.run(context, start)))

    def end_now(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        user_id = command["user_id"]
        person = load_person(deps, context, user_id)
        now = deps.now()

        def end(session: Session) -> tuple[str, Any]:
            team = _team_here(session, command.get("channel_id"))
            actor = workspaces.person(session, user_id)
            sprints.require_planner(team, actor)
            running = sprints.active_sprint(session, team)
            if running is None:
                raise Conflict(Message(N_("No sprint is running.")))
            closed = sprints.close(session, running.id, now, actor=actor)
            follow_up = sprint_posts.showcase(client, session, closed, now)  # type: ignore[arg-type]
            channel = team.showcase_channel_id or team.channel_id
            text = (
                person_translator(person, team)
                # Translators: {number} is the sprint's number; {channel} is a link to a Slack
                # channel.
                .gettext("Sprint {number} is closed; the showcase is in {channel}.")
                .format(number=running.number, channel=channel_link(channel))
            )
            return text, follow_up

        text, follow_up = deps.run(context, end)
        respond(response_type="ephemeral", **notice(":checkered_flag: " + text))
        follow_up()  # charts, the closed board, the owner's questions: after the commit

    def post_velocity(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        person = load_person(deps, context, command["user_id"])
        with deps.transaction(context) as session:
            team = _team_here(session, command.get("channel_id"))
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
            raise Conflict(
                Message(N_("I could not upload the chart; the admin channel has the details."))
            )

    listen(app.command("/sprint"), sprint_command, sprint_later)

    # --- /burnup and the board's buttons -------------------------------------------------------

    def post_burnup(
        context: BoltContext, client: WebClient, body: dict[str, Any], channel_id: str | None,
        sprint_id: int | None, respond: Respond,
    ) -> None:  # fmt: skip
        user_id = body.get("user_id") or body["user"]["id"]
        person = load_person(deps, context, user_id)
        with deps.transaction(context) as session:
            if sprint_id is not None:
                sprint = sprints.get_sprint(session, sprint_id)
                team = session.get_one(Team, sprint.team_id)
                require_viewer(session, team, workspaces.person(session, user_id), body)
            else:
                team = _team_here(session, channel_id)
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
            raise Conflict(
                Message(N_("I could not upload the chart; the admin channel has the details."))
            )

    def burnup_command(
        command: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        post_burnup(context, client, command, command.get("channel_id"), None, respond)

    def burnup_button(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        post_burnup(context, client, body, None, button_int(action.get("value")), respond)

    listen(app.command("/burnup"), later=burnup_command)
    listen(app.action(Action.SPRINT_BURNUP), later=burnup_button)

    def redraw(
        body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond,
        sprint_id: int,
    ) -> None:  # fmt: skip
        """Redraw the board where it was clicked: the shared message in the channel (for
        everyone), or the person's own `/sprint` answer; the channel board follows either way."""
        user_id = body["user"]["id"]
        with deps.transaction(context) as session:
            sprint = sprints.get_sprint(session, sprint_id)
            team = session.get_one(Team, sprint.team_id)
            viewer = workspaces.person(session, user_id)
            require_viewer(session, team, viewer, body)
            in_channel = (body.get("container") or {}).get("message_ts") == sprint.message_ts
            update = sprint_posts.board_update(session, sprint, deps.now())
            mine = None if in_channel else board_for(session, team, sprint, viewer)
            tr = person_translator(viewer, team)
        refreshed = push(client, update)
        if mine is not None:
            respond(replace_original=True, **mine)
        if not refreshed:
            respond(
                response_type="ephemeral", replace_original=False,
                **notice(":warning: " + tr.gettext(
                    "Your change is saved, but I could not update the sprint board in the "
                    "channel. `/sprint` shows it as it is."
                )),
            )  # fmt: skip

    def move_item(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        raw_id, _, raw_state = (action.get("value") or "").partition(":")
        sprint_item_id = button_int(raw_id)
        try:
            to = WorkState(raw_state)
        except ValueError:
            raise stale_button() from None
        user_id = body["user"]["id"]
        now = deps.now()
        result = deps.run(
            context,
            lambda s: sprints.move(s, sprint_item_id, workspaces.person(s, user_id), to, now),
        )
        redraw(body, client, context, respond, result.sprint.id)

    def refresh(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        redraw(body, client, context, respond, button_int(action.get("value")))

    def open_estimate(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        item_id = button_int((action.get("selected_option") or {}).get("value"))
        person = load_person(deps, context, body["user"]["id"], ask_slack=False)
        with deps.transaction(context) as session:
            item, team = backlog.owned_item(session, item_id, person, backlog.SCORABLE)
            view = scores_modal(
                person_translator(person, team), item, accepting=False,
                metadata={"item_id": item_id},
            )  # fmt: skip
        client.views_open(trigger_id=body["trigger_id"], view=view)

    listen(app.action(Action.SPRINT_ESTIMATE), later=open_estimate)
    listen(app.action(Action.SPRINT_MOVE), later=move_item)
    listen(app.action(Action.SPRINT_REFRESH), later=refresh)

    # --- the planning modal ----------------------------------------------------------------------

    def plan_changed(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Items or capacity changed in the open modal: redraw its committed total."""
        view = body["view"]
        metadata = view_metadata(view)
        values = state_values(view)
        person = load_person(deps, context, body["user"]["id"], ask_slack=False)
        with deps.transaction(context) as session:
            team = teams.get_team(session, button_int(metadata.get("team")))
            sprints.require_planner(team, person)
            sprint = (
                sprints.get_sprint(session, button_int(metadata["sprint"]))
                if metadata.get("sprint")
                else None
            )
            form = plan_form(session, team, deps.now(), sprint)
            selected = tuple(
                int(v) for v in values.get(SprintField.ITEMS) or [] if str(v).isdigit()
            )
            capacity = str(values.get(SprintField.CAPACITY) or "").strip()
            updated = replace(
                form,
                selected=selected,
                capacity=int(capacity) if capacity.isdigit() else None,
                goal=values.get(SprintField.GOAL) or "",
                serves=values.get(SprintField.SERVES) or "",
            )
            modal = plan_modal(person_translator(person, team), updated)
        try:
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
        except SlackApiError as error:
            if error_reason(error) != "hash_conflict":  # a newer redraw is on its way
                raise

    listen(app.action(Action.SPRINT_PLAN_ITEMS), later=plan_changed)
    listen(app.action(Action.SPRINT_PLAN_CAPACITY), later=plan_changed)

    def plan_submitted(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id = body["user"]["id"]
        load_person(deps, context, user_id)
        metadata = view_metadata(view)
        now = deps.now()

        def save(session: Session) -> int:
            team = teams.get_team(session, button_int(metadata.get("team")))
            actor = workspaces.person(session, user_id)
            today = sprints.local_date(team, now)
            values = state_values(view)
            if metadata.get("sprint"):
                sprint = sprints.get_sprint(session, button_int(metadata["sprint"]))
                started = sprint.state is not SprintState.PLANNED
                if started:  # dates are not in a running sprint's modal
                    values[SprintField.START] = sprint.start_date.isoformat()
                    values[SprintField.LENGTH] = str(sprint.length_weeks)
                draft = SprintDraft.validate(values, today, started=started)
                return sprints.edit(session, sprint.id, actor, draft, now).id
            draft = SprintDraft.validate(values, today)
            return sprints.plan(session, team, actor, draft, now).id

        context["saved_sprint_id"] = deps.run(context, save)

    def plan_saved(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        sprint_id = context.get("saved_sprint_id")
        if not sprint_id:
            return
        user_id = body["user"]["id"]
        with deps.transaction(context) as session:
            sprint = sprints.get_sprint(session, sprint_id)
            team = session.get_one(Team, sprint.team_id)
            viewer = workspaces.person(session, user_id)
            tr = person_translator(viewer, team)
            update = sprint_posts.board_update(session, sprint, deps.now())
            totals = sprints.totals(session, sprint.id)
            # Translators: {number} is the sprint's number; {points} and {capacity} are whole
            # numbers of points; {day} is a short date such as "Mon 7 Dec"; {time} is a time
            # with its zone such as "9:00 (Italy Time)".
            text = tr.gettext(
                "Sprint {number} is saved: {points} points committed against a capacity of "
                "{capacity}. It starts on its own on {day} at {time}; `/sprint start` starts "
                "it now."
            ).format(
                number=sprint.number, points=totals.scope_points, capacity=sprint.capacity,
                day=day_label(tr, sprints.local_date(team, sprints.starts_at(team, sprint))),
                time=zoned_time(tr, sprints.DAY_STARTS, team.time_zone),
            )  # fmt: skip
            if sprint.state is not SprintState.PLANNED:
                # Translators: {number} is the sprint's number.
                text = tr.gettext("Sprint {number} is updated.").format(number=sprint.number)
        push(client, update)
        client.chat_postMessage(channel=user_id, **notice(":white_check_mark: " + text))

    listen_to_modal(
        app.view(Callback.SPRINT_PLAN), plan_submitted, plan_saved, refuse_on=SprintField.GOAL
    )

    # --- experiment results ------------------------------------------------------------------

    def open_result(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        item_id = button_int(action.get("value"))
        person = load_person(deps, context, body["user"]["id"], ask_slack=False)
        with deps.transaction(context) as session:
            item = backlog.get_item(session, item_id)
            team = session.get_one(Team, item.team_id)
            teams.require_owner(team, person)
            if item.kind is not ItemKind.EXPERIMENT:
                raise Conflict(Message(N_("Only experiments have a result to record.")))
            view = result_modal(person_translator(person, team), item)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    listen(app.action(Action.EXPERIMENT_RESULT), later=open_result)

    def result_submitted(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        user_id = body["user"]["id"]
        load_person(deps, context, user_id)
        values = state_values(view)
        now = deps.now()
        item_id = button_int(view_metadata(view).get("item"))
        result, figure, learning = _result_values(values)

        def record(session: Session) -> None:
            item = backlog.get_item(session, item_id, for_update=True)
            team = session.get_one(Team, item.team_id)
            teams.require_owner(team, workspaces.person(session, user_id))
            item.result, item.result_figure, item.learning = result, figure, learning
            item.result_recorded_at = now

        deps.run(context, record)
        context["saved_item_id"] = item_id

    def result_saved(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        item_id = context.get("saved_item_id")
        if not item_id:
            return
        user_id = body["user"]["id"]
        with deps.transaction(context) as session:
            item = backlog.get_item(session, item_id)
            team = session.get_one(Team, item.team_id)
            showcase = sprints.showcase_of(session, item)
            viewer_tr = person_translator(workspaces.person(session, user_id), team)
            recorded = result_recorded(viewer_tr, item)
            in_thread = result_in_thread(team_translator(team), item)
        problems = []
        if showcase is not None and showcase.showcase_ts:
            try:
                client.chat_postMessage(
                    channel=showcase.showcase_channel_id,
                    thread_ts=showcase.showcase_ts,
                    **in_thread,
                )
            except SlackApiError as error:
                log.warning("could not post a result in the showcase thread: %s", error)
                problems.append(
                    # Translators: {reason} says why, in a few lowercase words such as "the
                    # channel is archived".
                    viewer_tr.gettext(
                        "The result is saved, but I could not post it in the showcase thread "
                        "({reason})."
                    ).format(reason=failure_words(viewer_tr, error))
                )
        client.chat_postMessage(channel=user_id, **recorded)
        if problems:
            client.chat_postMessage(channel=user_id, **notice(":warning: " + problems[0]))

    listen_to_modal(
        app.view(Callback.EXPERIMENT_RESULT),
        result_submitted,
        result_saved,
        refuse_on=ResultField.RESULT,
    )

    def learning_to_idea(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        item_id = button_int(action.get("value"))
        user_id = body["user"]["id"]
        now = deps.now()

        def create(session: Session) -> tuple[int, Translator]:
            source = backlog.get_item(session, item_id, for_update=True)
            team = session.get_one(Team, source.team_id)
            actor = workspaces.person(session, user_id)
            teams.require_owner(team, actor)
            if not source.learning:
                raise Conflict(Message(N_("This experiment has no learning recorded.")))
            if source.follow_up_id is not None:
                raise Conflict(
                    # Translators: {id} is that idea's number in the backlog.
                    Message(N_("This learning is already idea #{id}."), {"id": source.follow_up_id})
                )
            tr = team_translator(team)
            # Translators: {title} is the experiment's title, as a person typed it.
            title = tr.gettext("Follow-up: {title}").format(title=source.title)
            draft = IdeaDraft(
                title=title[: backlog.TITLE_MAX],
                # Translators: {id} is the experiment's number in the backlog; {learning} is what
                # the experiment taught, as a person typed it.
                description=tr.gettext("Learned from experiment #{id}: {learning}").format(
                    id=source.id, learning=source.learning
                )[: backlog.DESCRIPTION_MAX],
                kind=ItemKind.CAMPAIGN,
                hypothesis=None, kpi=None, customer_value=None, business_value=None,
            )  # fmt: skip
            idea = backlog.submit_idea(session, team, actor, draft, now)
            source.follow_up_id = idea.id
            return idea.id, tr

        new_id, _ = deps.run(context, create)
        person = load_person(deps, context, user_id)
        with deps.transaction(context) as session:
            team = session.get_one(Team, backlog.get_item(session, new_id).team_id)
            tr = person_translator(person, team)
        problems = post_cards(client, deps.session_factory, context["workspace_id"], new_id, tr)
        # Translators: {id} is the new idea's number in the backlog.
        text = tr.gettext(
            "The learning is now idea #{id}, waiting for triage in the admin channel."
        ).format(id=new_id)
        respond(
            response_type="ephemeral", replace_original=False,
            **notice(":bulb: " + " ".join([text, *problems])),
        )  # fmt: skip

    listen(app.action(Action.LEARNING_TO_IDEA), later=learning_to_idea)
