"""The backlog in Slack, as the bot posts it: a new idea's triage card in the admin channel and
its public card (with the Vote button) in the team channel, kept up to date in place as votes
and triage change them, and the notes to the idea's submitter.

Cards are posted and redrawn after the transaction that changed the item (bot.messaging): the
item is safe in the backlog whatever Slack answers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import Translator, language_for, translator
from bot.models import BacklogItem, Person, Team
from bot.mrkdwn import channel_link
from bot.services import backlog
from bot.services.activities import team_activities
from bot.slack import MESSAGE_GONE, error_reason
from bot.views.activities import item_activity
from bot.views.failures import failure_words
from bot.views.ideas import idea_card, triage_card

log = logging.getLogger(__name__)

# A card is re-rendered until the count it shows is the count in the database: concurrent
# clicks each update the card, and Slack may apply those updates out of order. Whichever
# update lands last was verified against the database after it landed, so the card ends
# right, provided no handler gives up while the count still moves: clicks end, and so does
# the loop. The bound is only a safety net against a pathological storm.
MAX_CARD_RENDERS = 25

# A note to the submitter: (their translator, the item, its team) -> message.
SubmitterNote = Callable[[Translator, BacklogItem, Team], dict[str, Any]]


def render_cards(session: Session, item: BacklogItem) -> tuple[dict[str, Any], dict[str, Any]]:
    """(triage card, idea card) for `item`, in its team's language."""
    team = session.get_one(Team, item.team_id)
    ids = _slack_ids(session, item.submitter_id, item.triaged_by_id)
    tr = translator(team.language)
    submitter = ids[item.submitter_id]
    triager = ids.get(item.triaged_by_id) if item.triaged_by_id else None
    has_activity = item.activity is not None or item.activity_id is not None
    activity = item_activity(tr, team_activities(session, team), item) if has_activity else None
    return (
        triage_card(tr, item, team, submitter, triager, activity),
        idea_card(tr, item, submitter, triager, activity),
    )


def _slack_ids(session: Session, *person_ids: int | None) -> dict[int, str]:
    wanted = [i for i in person_ids if i is not None]
    rows = session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(wanted)))
    return {person_id: slack_user_id for person_id, slack_user_id in rows}


def post_cards(
    client: WebClient,
    factory: sessionmaker[Session],
    workspace_id: int,
    item_id: int,
    tr: Translator,
) -> list[str]:
    """Post a new idea's triage card (admin channel) and public card (team channel), and
    remember where. The idea is already safe in the backlog: returns the problems to tell
    whoever added it, in their words (`tr`)."""
    with unit_of_work(factory, workspace_id) as session:
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
        with unit_of_work(factory, workspace_id) as session:
            item = backlog.get_item(session, item_id)
            if "triage" in posted:
                item.triage_channel_id, item.triage_message_ts = posted["triage"]
            if "card" in posted:
                item.card_channel_id, item.card_message_ts = posted["card"]
    return problems


class CardRefresher:
    """Updates both cards of an item in place until they show what the database holds,
    coalescing the updates per item within this process.

    A storm of votes on one item would otherwise send one chat.update per click and per card,
    and chat.update is rate limited (Tier 3, about 50 a minute). While a refresh of an item
    runs, further requests only mark it dirty, and the running refresh makes one more pass:
    the card still ends on the database's count, with a handful of updates. One refresher
    serves the whole app (built in bot.app).
    """

    # How long a refresh waits for a storm to settle before it renders: a click's own list
    # redraws at once; the shared card follows a quarter of a second later with every click.
    SETTLE_SECONDS = 0.25

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._dirty: set[int] = set()

    def refresh(
        self, client: WebClient, factory: sessionmaker[Session], workspace_id: int, item_id: int
    ) -> None:
        with self._lock:
            if item_id in self._running:
                self._dirty.add(item_id)
                return
            self._running.add(item_id)
        try:
            while True:
                time.sleep(self.SETTLE_SECONDS)
                _render_until_current(client, factory, workspace_id, item_id)
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


def _render_until_current(
    client: WebClient, factory: sessionmaker[Session], workspace_id: int, item_id: int
) -> None:
    shown_votes: int | None = None
    for _ in range(MAX_CARD_RENDERS):
        with unit_of_work(factory, workspace_id) as session:
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
        # The card may have been deleted, or its channel closed to the bot; the item itself is
        # safe in the backlog, and its other card is still worth updating.
        if error_reason(error) not in MESSAGE_GONE:
            raise
        log.info("card %s/%s is gone: %s", channel, ts, error_reason(error))


def submitter_message(
    session: Session, item: BacklogItem, note: SubmitterNote
) -> tuple[str, dict[str, Any]]:
    """(Slack id, message) for a note to the submitter, in their language (else the team's)."""
    team = session.get_one(Team, item.team_id)
    submitter = session.get_one(Person, item.submitter_id)
    tr = translator(language_for(submitter.locale, team.language))
    return submitter.slack_user_id, note(tr, item, team)
