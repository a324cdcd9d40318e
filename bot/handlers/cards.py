"""Messages that show a backlog item and follow its changes: the triage card in the admin
channel, the public idea card in the team channel, the backlog list, and the submitter's DMs."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handlers.deps import Deps
from bot.handlers.people import person_translator, team_translator
from bot.models import BacklogItem, Person, Team
from bot.mrkdwn import channel_link
from bot.services import backlog, teams
from bot.slack import error_reason
from bot.views.backlog import backlog_message
from bot.views.failures import failure_words
from bot.views.ideas import idea_card, triage_card

log = logging.getLogger(__name__)

# A card is re-rendered until the count it shows is the count in the database: concurrent
# clicks each update the card, and Slack may apply those updates out of order. Whichever
# update lands last was verified against the database after it landed, so the card ends
# right, provided no handler gives up while the count still moves: clicks end, and so does
# the loop. The bound is only a safety net against a pathological storm.
MAX_CARD_RENDERS = 25


def render_backlog(
    session: Session, team: Team, viewer: Person, page_number: int, tr: Any
) -> dict[str, Any]:
    page = backlog.page(session, team, page_number)
    voted = backlog.voted_item_ids(session, viewer, [item.id for item in page.items])
    return backlog_message(tr, page, viewer_is_owner=teams.is_owner(team, viewer), voted=voted)


def _slack_ids(session: Session, *person_ids: int | None) -> dict[int, str]:
    wanted = [i for i in person_ids if i is not None]
    rows = session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(wanted)))
    return dict(rows.all())


def render_cards(session: Session, item: BacklogItem) -> tuple[dict[str, Any], dict[str, Any]]:
    """(triage card, idea card) for `item`, in its team's language."""
    team = session.get_one(Team, item.team_id)
    ids = _slack_ids(session, item.submitter_id, item.triaged_by_id)
    tr = team_translator(team)
    submitter = ids[item.submitter_id]
    triager = ids.get(item.triaged_by_id) if item.triaged_by_id else None
    return (
        triage_card(tr, item, team, submitter, triager),
        idea_card(tr, item, submitter, triager),
    )


def post_cards(
    deps: Deps, client: WebClient, context: BoltContext, item_id: int, tr: Any
) -> list[str]:
    """Post a new idea's triage card (admin channel) and public card (team channel), and
    remember where. The idea is already safe in the backlog: returns the problems to report."""
    with deps.transaction(context) as session:
        item = backlog.get_item(session, item_id)
        team = session.get_one(Team, item.team_id)
        triage, card = render_cards(session, item)
    problems = []
    posted: dict[str, tuple[str, str]] = {}
    for key, channel, message in (
        ("triage", team.admin_channel_id, triage),
        ("card", team.channel_id, card),
    ):
        try:
            response = client.chat_postMessage(channel=channel, **message)
            posted[key] = (response["channel"], response["ts"])
        except SlackApiError as error:
            log.warning("could not post the %s card in %s: %s", key, channel, error_reason(error))
            problems.append(
                # Translators: {channel} is a link to a Slack channel; {reason} says what went
                # wrong in a few lowercase words, e.g. "the channel is archived".
                tr.gettext(
                    "Your idea is saved, but I could not post it in {channel}: {reason}. "
                    "The marketing owner still sees it in `/backlog`."
                ).format(channel=channel_link(channel), reason=failure_words(tr, error))
            )
    if posted:
        with deps.transaction(context) as session:
            item = backlog.get_item(session, item_id)
            if "triage" in posted:
                item.triage_channel_id, item.triage_message_ts = posted["triage"]
            if "card" in posted:
                item.card_channel_id, item.card_message_ts = posted["card"]
    return problems


class CardRefresher:
    """Coalesces card updates per item within this process.

    A storm of votes on one item would otherwise send one chat.update per click and per card,
    and chat.update is rate limited (Tier 3, about 50 a minute). While a refresh of an item
    runs, further requests only mark it dirty, and the running refresh makes one more pass:
    the card still ends on the database's count, with a handful of updates.
    """

    # How long a refresh waits for a storm to settle before it renders: a click's own list
    # redraws at once; the shared card follows a quarter of a second later with every click.
    SETTLE_SECONDS = 0.25

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._dirty: set[int] = set()

    def refresh(self, deps: Deps, client: WebClient, context: BoltContext, item_id: int) -> None:
        with self._lock:
            if item_id in self._running:
                self._dirty.add(item_id)
                return
            self._running.add(item_id)
        try:
            while True:
                time.sleep(self.SETTLE_SECONDS)
                _render_until_current(deps, client, context, item_id)
                with self._lock:
                    if item_id not in self._dirty:
                        self._running.discard(item_id)
                        return
                    self._dirty.discard(item_id)
        except BaseException:
            with self._lock:
                self._running.discard(item_id)
                self._dirty.discard(item_id)
            raise


def refresh_cards(deps: Deps, client: WebClient, context: BoltContext, item_id: int) -> None:
    """Update both cards of an item in place, until they show what the database holds."""
    deps.card_refresher.refresh(deps, client, context, item_id)


def _render_until_current(
    deps: Deps, client: WebClient, context: BoltContext, item_id: int
) -> None:
    shown_votes: int | None = None
    for _ in range(MAX_CARD_RENDERS):
        with deps.transaction(context) as session:
            item = backlog.get_item(session, item_id)
            if item.vote_count == shown_votes:
                return
            triage, card = render_cards(session, item)
            shown_votes = item.vote_count
            places = [
                (item.triage_channel_id, item.triage_message_ts, triage),
                (item.card_channel_id, item.card_message_ts, card),
            ]
        for channel, ts, message in places:
            if channel and ts:
                _update(client, channel, ts, message)


def _update(client: WebClient, channel: str, ts: str, message: dict[str, Any]) -> None:
    try:
        client.chat_update(channel=channel, ts=ts, **message)
    except SlackApiError as error:
        # The card may have been deleted by someone; the item itself is safe in the backlog.
        if error.response.get("error") not in (
            "message_not_found",
            "cant_update_message",
            "channel_not_found",
        ):
            raise
        log.info("card %s/%s is gone: %s", channel, ts, error.response.get("error"))


def submitter_message(
    session: Session, item: BacklogItem, build: Any
) -> tuple[str, dict[str, Any]]:
    """(Slack id, message) for a note to the submitter, in their language."""
    team = session.get_one(Team, item.team_id)
    submitter = session.get_one(Person, item.submitter_id)
    return submitter.slack_user_id, build(person_translator(submitter, team), item, team)
