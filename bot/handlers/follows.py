"""Following ideas in Slack: Follow on an idea's public card, Stop following on the answer to
it and on every notice DM, and the Home tab's menu beside the person's ideas and votes. Anyone
in the workspace may follow any idea (bot.services.follows); the answer is private, in their
language. `deliver_notices` is what the listeners that change an item's status call once
their change is committed (bot.messaging.follows)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from bot.handlers.deps import Deps
from bot.handlers.forms import button_int, stale_button
from bot.handlers.home import clicked_in_home, refresh_home
from bot.handlers.listeners import listen
from bot.handlers.readers import load_person, person_translator
from bot.handlers.replies import tell_privately
from bot.messaging import follows as notices
from bot.models import Team
from bot.services import follows, workspaces
from bot.views.follows import follow_answer
from bot.views.ids import Action


def register(app: App) -> None:
    listen(app.action(Action.FOLLOW), later=follow_or_not)
    listen(app.action(Action.UNFOLLOW), later=follow_or_not)
    listen(app.action(Action.FOLLOW_MENU), later=follow_from_home)


def follow_or_not(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """Follow, or Stop following (on a card, a notice, the answer to Follow)."""
    following = action.get("action_id") == Action.FOLLOW
    _follow_or_not(body, client, context, respond, deps, button_int(action.get("value")), following)


def follow_from_home(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
) -> None:
    """The Home tab's menu: Follow or Stop following one of the ideas it lists."""
    value = (action.get("selected_option") or {}).get("value") or action.get("value") or ""
    verb, _, raw_id = str(value).partition(":")
    if verb not in ("follow", "unfollow"):
        raise stale_button()
    _follow_or_not(body, client, context, respond, deps, button_int(raw_id), verb == "follow")


def _follow_or_not(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Respond,
    deps: Deps,
    item_id: int,
    following: bool,
) -> None:
    user_id = body["user"]["id"]
    person = load_person(deps, context, user_id)
    now = deps.now()

    def change(session: Any) -> tuple[Any, bool]:
        who = workspaces.person(session, user_id)
        if following:
            return follows.follow(session, item_id, who, now)
        return follows.unfollow(session, item_id, who)

    item, changed = deps.run(context, change)
    if clicked_in_home(body):  # the tab's menu says what they follow now
        refresh_home(client, context, deps, user_id)
        return
    with deps.transaction(context) as session:
        tr = person_translator(person, session.get_one(Team, item.team_id))
    tell_privately(
        client, body, follow_answer(tr, item, following=following, changed=changed), respond
    )


def deliver_notices(
    client: WebClient, context: BoltContext, deps: Deps, item_ids: list[int]
) -> None:
    """After a committed change of these items: their followers' DMs (what does not go now,
    the scheduler sends)."""
    notices.deliver(client, deps.session_factory, context["workspace_id"], item_ids, deps.now())
