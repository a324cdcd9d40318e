"""The Home tab in Slack: published for a person each time they open it (`app_home_opened`,
for the Home tab only: Slack sends the event for the Messages tab too), and again after an
action they take from it (Accept, Decline, Resolve, a standup, a standup time, an idea, a
sprint plan).

A click on the Home tab comes without a channel, a message or a response URL: its container is
the view. The listeners of the buttons it shares with messages (triage, Resolve, the standup)
serve it as they are; they call `refresh_home` when `clicked_in_home`. A form opened from the
tab carries `"home": true` in its private metadata (`from_home`), so that its submission
refreshes the tab too (`opened_from_home`). The tab's own buttons open the idea form
(bot.handlers.backlog), the planning form (bot.handlers.sprint_planning) and the form for a
standup time of one's own (bot.handlers.standups).

Every action on the tab is checked on the server as it is from a message: the tab shows the
owner's and the scrum master's buttons to them only, and the services refuse anyone else."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.handlers.deps import Deps
from bot.handlers.forms import view_metadata
from bot.handlers.listeners import listen
from bot.handlers.readers import load_person, person_translator
from bot.models import Person
from bot.services import home as homes
from bot.services import workspaces
from bot.slack import error_reason
from bot.views.home import home_view

log = logging.getLogger(__name__)


def register(app: App) -> None:
    listen(app.event("app_home_opened"), later=show_home)


def show_home(event: dict[str, Any], client: WebClient, context: BoltContext, deps: Deps) -> None:
    if event.get("tab") != "home" or not isinstance(event.get("user"), str):
        return
    publish_home(client, context, deps, event["user"])


def publish_home(client: WebClient, context: BoltContext, deps: Deps, slack_user_id: str) -> None:
    """Publish the person's Home tab as it is now: one transaction, unless their profile
    (time zone, language) must first be read from Slack, as on any first contact."""
    view = None
    with deps.transaction(context) as session:
        person = workspaces.person(session, slack_user_id)
        if not workspaces.needs_profile(person, deps.now()):
            view = _render(session, person, deps.now())
    if view is None:  # first contact, or a day-old profile: ask Slack first
        person = load_person(deps, context, slack_user_id)
        with deps.transaction(context) as session:
            view = _render(session, person, deps.now())
    client.views_publish(user_id=slack_user_id, view=view)


def _render(session: Session, person: Person, now: dt.datetime) -> dict[str, Any]:
    home = homes.home(session, person, now)
    # Their Slack language where we ship it, else that of their first team.
    return home_view(person_translator(person, home.teams[0].team if home.teams else None), home)


def refresh_home(client: WebClient, context: BoltContext, deps: Deps, slack_user_id: str) -> None:
    """After an action taken from the Home tab: the tab shows its result. The action is done
    whatever happens here, so a tab that Slack refuses is logged, not reported to the person;
    it is drawn again when they next open it."""
    try:
        publish_home(client, context, deps, slack_user_id)
    except SlackApiError as error:
        log.warning("the Home tab of %s was not refreshed: %s", slack_user_id, error_reason(error))
    except Exception:  # the action is saved: no "nothing was changed" for the person
        log.exception("the Home tab of %s was not refreshed", slack_user_id)


def clicked_in_home(body: dict[str, Any]) -> bool:
    """Whether a click came from the Home tab (its container is the Home tab's view)."""
    return (body.get("view") or {}).get("type") == "home"


def from_home(modal: dict[str, Any]) -> dict[str, Any]:
    """`modal`, marked as opened from the Home tab (in its private metadata), so that its
    submission refreshes the tab."""
    metadata = view_metadata(modal)
    return {**modal, "private_metadata": json.dumps({**metadata, "home": True})}


def opened_from_home(modal: dict[str, Any]) -> bool:
    """Whether a submitted modal was opened from the Home tab (see `from_home`)."""
    return view_metadata(modal).get("home") is True
