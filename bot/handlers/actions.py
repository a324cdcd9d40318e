"""Button clicks and menus: votes, paging, triage, and the owner's backlog controls.

Every privileged action is checked on the server (services raise NotAllowed): a hand-made
payload changes nothing."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.handlers.cards import refresh_cards, render_backlog
from bot.handlers.deps import Deps
from bot.handlers.forms import stale_button
from bot.handlers.listeners import listen
from bot.handlers.people import load_person, person_translator
from bot.models import ItemStatus
from bot.services import backlog, teams, workspaces
from bot.services.backlog import Move
from bot.views.ideas import decline_modal, scores_modal
from bot.views.ids import Action


def _numbers(value: str, count: int) -> list[int]:
    """Parse an action value such as "12:3"; a forged or stale value is a NotFound."""
    parts = (value or "").split(":")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) < count:
        raise stale_button()
    return numbers + [1] * (2 - len(numbers))


def register(app: App, deps: Deps) -> None:
    def refresh_list(
        context: BoltContext, respond: Respond, user_id: str, team_id: int, page: int
    ) -> None:
        person = load_person(deps, context, user_id)
        with deps.transaction(context) as session:
            team = teams.get_team(session, team_id)
            message = render_backlog(session, team, person, page, person_translator(person, team))
        respond(replace_original=True, **message)

    def vote(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        value = action.get("value") or ""
        item_id, page = _numbers(value, 1)
        user_id = body["user"]["id"]
        now = deps.now()
        result = deps.run(
            context,
            lambda s: backlog.toggle_vote(s, item_id, workspaces.person(s, user_id), now),
        )
        if ":" in value:  # clicked in someone's /backlog list
            refresh_list(context, respond, user_id, result.item.team_id, page)
        refresh_cards(deps, client, context, item_id)

    def turn_page(
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        team_id, page = _numbers(action.get("value"), 2)
        refresh_list(context, respond, body["user"]["id"], team_id, page)

    def reset_order(
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        team_id, page = _numbers(action.get("value"), 2)
        user_id = body["user"]["id"]
        now = deps.now()

        def reset(session: Any) -> None:
            team = teams.get_team(session, team_id)
            backlog.reset_order(session, team, workspaces.person(session, user_id), now)

        deps.run(context, reset)
        refresh_list(context, respond, user_id, team_id, page)

    def owner_menu(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        verb, _, rest = ((action.get("selected_option") or {}).get("value") or "").partition(":")
        item_id, page = _numbers(rest, 2)
        user_id = body["user"]["id"]
        if verb == "edit":
            open_scores(client, context, body, item_id, page, accepting=False)
            return
        try:
            direction = Move(verb)
        except ValueError:
            raise stale_button() from None
        now = deps.now()
        item = deps.run(
            context,
            lambda s: backlog.move(s, item_id, workspaces.person(s, user_id), direction, now),
        )
        refresh_list(context, respond, user_id, item.team_id, page)

    def triage_accept(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        item_id, page = _numbers(action.get("value"), 1)
        open_scores(client, context, body, item_id, page, accepting=True)

    def triage_decline(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        item_id, page = _numbers(action.get("value"), 1)
        person = load_person(deps, context, body["user"]["id"], ask_slack=False)
        with deps.transaction(context) as session:
            item, team = backlog.owned_item(session, item_id, person, ItemStatus.PROPOSED)
            view = decline_modal(
                person_translator(person, team), item, metadata=_metadata(body, item_id, page)
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)
        load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack

    def open_scores(
        client: WebClient,
        context: BoltContext,
        body: dict[str, Any],
        item_id: int,
        page: int,
        *,
        accepting: bool,
    ) -> None:
        person = load_person(deps, context, body["user"]["id"], ask_slack=False)
        with deps.transaction(context) as session:
            status = ItemStatus.PROPOSED if accepting else ItemStatus.READY
            item, team = backlog.owned_item(session, item_id, person, status)
            view = scores_modal(
                person_translator(person, team),
                item,
                accepting=accepting,
                metadata=_metadata(body, item_id, page),
            )
        client.views_open(trigger_id=body["trigger_id"], view=view)
        load_person(deps, context, body["user"]["id"])  # the trigger is spent: now ask Slack

    listen(app.action(Action.VOTE), later=vote)
    listen(app.action(Action.PAGE_ANY), later=turn_page)
    listen(app.action(Action.RESET_ORDER), later=reset_order)
    listen(app.action(Action.OWNER_MENU), later=owner_menu)
    listen(app.action(Action.TRIAGE_ACCEPT), later=triage_accept)
    listen(app.action(Action.TRIAGE_DECLINE), later=triage_decline)


def _metadata(body: dict[str, Any], item_id: int, page: int) -> dict[str, Any]:
    """What a modal needs to finish: the item, and the /backlog list to refresh if it was
    opened from one (its response URL)."""
    metadata: dict[str, Any] = {"item_id": item_id}
    container = body.get("container") or {}
    if container.get("is_ephemeral") and body.get("response_url"):
        metadata["response_url"] = body["response_url"]
        metadata["page"] = page
    return metadata
