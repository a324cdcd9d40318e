"""What every Slack surface shares: dependencies, the workspace of a request, form values,
people's profiles and language, and private answers to the person."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work, unscoped_unit_of_work
from bot.errors import AgileError, Invalid, Message, NotFound
from bot.i18n import N_, Translator, language_for, shipped_language, translator
from bot.models import Person, Team, utcnow
from bot.services import teams, workspaces
from bot.slack import error_reason

log = logging.getLogger(__name__)


@dataclass
class Deps:
    session_factory: sessionmaker[Session]
    profile_client: WebClient  # no retries, short timeout: used before answering Slack
    # No retries, a shorter timeout still: used before spending a trigger id (3 s from the
    # click), so that a first-contact modal still opens in time if Slack is slow.
    first_contact_client: WebClient
    now: Callable[[], dt.datetime] = utcnow

    def __post_init__(self) -> None:
        from bot.handlers.cards import CardRefresher  # cards builds on this module

        self._workspace_ids: dict[str, int] = {}
        self.card_refresher = CardRefresher()

    def workspace_id(self, slack_team_id: str, enterprise_id: str | None) -> int:
        cached = self._workspace_ids.get(slack_team_id)
        if cached is None:
            with unscoped_unit_of_work(self.session_factory) as session:
                cached = workspaces.ensure_workspace(session, slack_team_id, enterprise_id)
            self._workspace_ids[slack_team_id] = cached
        return cached

    @contextmanager
    def transaction(self, context: BoltContext) -> Iterator[Session]:
        with unit_of_work(self.session_factory, context["workspace_id"]) as session:
            yield session

    def run(self, context: BoltContext, work: Callable[[Session], Any], attempts: int = 3) -> Any:
        """Run `work` in a transaction, retrying when a concurrent request won a race (a unique
        key, a serialization failure, a deadlock). The database is unchanged unless it returns."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction(context) as session:
                    return work(session)
            except (IntegrityError, OperationalError) as exc:
                if attempt == attempts or not _is_transient(exc):
                    raise
                log.info("retrying a transaction after %s", type(exc.orig).__name__)
        raise AssertionError("unreachable")


def _is_transient(exc: IntegrityError | OperationalError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a concurrent insert of the same unique key: the retry sees it
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01") or "database is locked" in str(exc.orig)


def workspace_middleware(deps: Deps) -> Callable[..., Any]:
    """Resolve (or create, on first contact) the workspace of every request."""

    def middleware(context: BoltContext, body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002
        team_id = context.team_id or (body.get("team") or {}).get("id") or body.get("team_id")
        if team_id:
            context["workspace_id"] = deps.workspace_id(team_id, context.enterprise_id)
        return next()

    return middleware


# --- form values -----------------------------------------------------------------------------


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's submitted values, keyed by block id, as plain Python values."""
    values: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        selected = element.get("selected_option")
        return selected.get("value") if selected else None
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


def view_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as a dict; {} when it is missing or forged."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    return metadata if isinstance(metadata, dict) else {}


def stale_button() -> NotFound:
    """What a forged or outdated button or form value gets: nothing changes."""
    return NotFound(Message(N_("That button no longer works. Run the command again.")))


def button_int(value: Any) -> int:
    """A number carried by a button or a form; a forged or stale one is a NotFound."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise stale_button() from None


def reject_submission(ack: Ack, tr: Translator, error: AgileError, first_field: str) -> None:
    """Refuse a modal submission on its fields (`response_action: errors`): each field's
    message where validation put it, any other refusal on `first_field`. Nothing is stored."""
    errors = error.errors if isinstance(error, Invalid) else {first_field: error.message}
    ack(response_action="errors", errors=field_errors(tr, errors))


def field_errors(tr: Translator, errors: dict[str, Any]) -> dict[str, str]:
    """Validation messages for `ack(response_action="errors")`. Slack shows them as plain
    text, so they are rendered plain: no mrkdwn escapes, people by name rather than `<@U…>`."""
    return {field: message.render(tr, plain=True) for field, message in errors.items()}


# --- people ----------------------------------------------------------------------------------


def load_person(
    deps: Deps,
    context: BoltContext,
    slack_user_id: str,
    *,
    ask_slack: bool = True,
    first_contact: bool = True,
) -> Person:
    """The person, with a Slack profile (time zone, locale, admin) no older than a day.

    With `ask_slack=False`, for a flow that must spend its trigger id at once (a modal, which
    then calls again after views.open), Slack is asked only on first contact (unless
    `first_contact=False`), with a one-second timeout: so that even a stranger's first form is
    in their language. The Slack call happens between two short transactions, never inside
    one.
    """
    now = deps.now()
    with deps.transaction(context) as session:
        person = workspaces.person(session, slack_user_id)
        first_contact = first_contact and person.profile_refreshed_at is None
        if not workspaces.needs_profile(person, now) or not (ask_slack or first_contact):
            return person
    client = deps.profile_client if ask_slack else deps.first_contact_client
    try:
        user = client.users_info(user=slack_user_id, include_locale=True)["user"]
    except Exception as exc:  # noqa: BLE001 - a profile is a nicety; answer without it
        log.warning("could not refresh the profile of %s: %s", slack_user_id, exc)
        return person
    with deps.transaction(context) as session:
        person = workspaces.person(session, slack_user_id)
        workspaces.apply_profile(person, user, now)
    return person


def person_translator(person: Person | None, team: Team | None) -> Translator:
    return translator(
        language_for(person.locale if person else None, team.language if team else None)
    )


def reader_translator(deps: Deps, context: BoltContext, person: Person | None) -> Translator:
    """The translator for a private answer when the request names no team (a modal, a DM):
    the person's language where we ship it, else the language of the team of the channel,
    else of the person's own team."""
    team = None
    if person is not None and shipped_language(person.locale) is None:  # the team's, then
        with deps.transaction(context) as session:
            team = teams.team_for_channel(session, context.channel_id) or teams.team_of(
                session, person
            )
    return person_translator(person, team)


def team_translator(team: Team | None) -> Translator:
    return translator(team.language if team else "en")


def lookup_person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


# --- talking to the person -------------------------------------------------------------------


def tell_privately(
    client: WebClient, body: dict[str, Any], message: dict[str, Any], respond: Any | None = None
) -> None:
    """Send `message` ({text, blocks}) to the person behind `body`, privately: through the
    response URL where Slack gave one, else as a DM from the app."""
    user_id = (body.get("user") or {}).get("id") or body.get("user_id")
    response_url = body.get("response_url") or next(
        (u.get("response_url") for u in body.get("response_urls") or []), None
    )
    if respond is not None and response_url:
        try:
            respond(response_type="ephemeral", replace_original=False, **message)
            return
        except Exception as exc:  # noqa: BLE001 - fall back to a DM
            log.warning("response_url failed (%s); sending a DM instead", exc)
    if user_id:
        client.chat_postMessage(channel=user_id, **message)


def slack_error_reason(error: SlackApiError) -> str:
    return error_reason(error)
