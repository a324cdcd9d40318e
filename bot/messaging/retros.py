"""The retrospective's message in the team channel: posted when it opens, and followed in
place through voting and results, with the news of each phase in its thread (and, with the
results of a team that checks its health, the health trend chart). The scheduler and the
`/retro` command and buttons draw it the same way."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from babel.dates import format_datetime
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Translator, translator
from bot.messaging import MessageUpdate, post_once
from bot.messaging.sprints import upload
from bot.models import Person, Retro, RetroState, Team
from bot.scheduler import FollowUp
from bot.services import retros
from bot.services.sprints import zone
from bot.slack import CHANNEL_CLOSED, MESSAGE_GONE, error_reason, tell_admins
from bot.views.charts import Chart
from bot.views.failures import failure_words
from bot.views.retro import health_chart, milestone_message, retro_message

log = logging.getLogger(__name__)


def message(
    session: Session, retro: Retro, results: retros.Results | None = None, page: int = 1
) -> dict[str, Any]:
    """The retrospective as it reads now: items to add to, to vote on, or the results."""
    team = session.get_one(Team, retro.team_id)
    tr = translator(team.language)
    when = retro.voting_at if retro.state is RetroState.COLLECTING else retro.closes_at
    items = retros.items(session, retro)
    authors: dict[int, str] = {}
    if retro.named:
        ids = {i.author_id for i in items if i.author_id}
        query = select(Person.id, Person.slack_user_id).where(Person.id.in_(ids))
        authors = dict(session.execute(query).tuples().all())
    ranked = (
        results.ranked
        if results
        else (retros.tallies(session, retro) if retro.state is RetroState.CLOSED else None)
    )
    actions = results.actions if results else []
    if retro.state is RetroState.CLOSED and not results:
        actions = [a for a in retros.open_actions(session, team) if a.retro_id == retro.id]
    health = retros.health(session, retro) if retro.state is RetroState.CLOSED else None
    return retro_message(
        tr,
        team,
        retro,
        items=items,
        ranked=ranked,
        actions=actions,
        earlier_actions=retros.open_actions(session, team, retro.id),
        authors=authors,
        local_time=local_time(tr, team, when),
        page=page,
        health=health,
    )


def post(client: WebClient, session: Session, retro: Retro) -> None:
    """Post the retrospective in the team channel (raises if Slack fails: retried)."""
    team = session.get_one(Team, retro.team_id)
    reply = post_once(client, session, team.channel_id, message(session, retro), part="retro")
    retro.channel_id, retro.message_ts = reply["channel"], reply["ts"]


def update(session: Session, retro: Retro) -> MessageUpdate | None:
    """The retrospective's message as it should read now, to push after the commit."""
    if not retro.message_ts or not retro.channel_id:
        return None
    return MessageUpdate(retro.channel_id, retro.message_ts, message(session, retro))


def milestone(
    client: WebClient, session: Session, retro: Retro, results: retros.Results | None = None
) -> FollowUp | None:
    """Voting is open, or the results are in: the retrospective's message follows, in place,
    in the phase's transaction (Slack failures raise, and the phase is retried; an edit does
    no harm when repeated). Returns the news for after the commit: a reply in the message's
    thread, sent to the channel too, since an edit notifies no one. Posted once, and never
    holding up the phase. If the message was gone and is posted anew, that post is the news.
    With the results of a team that checks its health, and enough answers to show it, the
    health trend chart follows in the message's thread (retried, else reported)."""
    team = session.get_one(Team, retro.team_id)
    tr = translator(team.language)
    chart = _health_chart(session, tr, team, retro) if results else None
    posted_before = retro.message_ts
    if not _show(client, session, retro, message(session, retro, results)):
        if chart is None or retro.message_ts == posted_before or retro.channel_id is None:
            return None  # nowhere to post the chart: the channel is closed to the bot
        return partial(_upload_chart, client, team, tr, chart, retro.channel_id, retro.message_ts)
    news = milestone_message(
        tr,
        team,
        retro,
        items=len(retros.items(session, retro)),
        actions=len(results.actions) if results else 0,
        local_time=local_time(tr, team, retro.closes_at),
    )
    channel, ts, admin_channel = retro.channel_id, retro.message_ts, team.admin_channel_id
    assert channel is not None and ts is not None  # shown: the message is there

    def tell_the_team() -> None:
        try:
            client.chat_postMessage(channel=channel, thread_ts=ts, reply_broadcast=True, **news)
        except Exception as error:  # noqa: BLE001 - the message itself is up to date
            log.warning("could not announce a retrospective milestone: %s", error)
            # Translators: {news} is the announcement that could not be posted;
            # {reason} says why, in a few lowercase words.
            text = tr.gettext("I could not tell the team channel: {news} ({reason})").format(
                news=news["text"], reason=failure_words(tr, error)
            )
            tell_admins(client, admin_channel, text)
        if chart is not None:
            _upload_chart(client, team, tr, chart, channel, ts)

    return tell_the_team


def _health_chart(session: Session, tr: Translator, team: Team, retro: Retro) -> Chart | None:
    """The health trend to post with the results, when this retrospective's averages show."""
    health = retros.health(session, retro)
    if health is None or health.averages is None:
        return None
    points = retros.health_trend(session, retro)
    return health_chart(tr, team, points) if points else None


def _upload_chart(
    client: WebClient,
    team: Team,
    tr: Translator,
    chart: Chart,
    channel: str,
    thread_ts: str | None,
) -> None:
    upload(client, team, tr, chart, channel, thread_ts)  # retried, else reported


def _show(client: WebClient, session: Session, retro: Retro, text: dict[str, Any]) -> bool:
    """Update the retrospective's message in place (True); if it is gone (deleted, its channel
    archived or closed to the bot), post it anew in the team channel (False). If that channel
    is closed for good too, the admin channel hears it and the phase goes on (False). Other
    failures raise, and the phase is retried."""
    if retro.message_ts and retro.channel_id:
        try:
            client.chat_update(channel=retro.channel_id, ts=retro.message_ts, **text)
            return True
        except SlackApiError as error:
            if error_reason(error) not in MESSAGE_GONE | CHANNEL_CLOSED:
                raise
            log.warning("retrospective %s: its message is gone; posting it again", retro.id)
    team = session.get_one(Team, retro.team_id)
    try:
        reply = post_once(client, session, team.channel_id, text, part="retro")
    except SlackApiError as error:
        if error_reason(error) not in CHANNEL_CLOSED:
            raise
        log.warning("retrospective %s: cannot post in the team channel", retro.id)
        tr = translator(team.language)
        tell_admins(
            client,
            team.admin_channel_id,
            # Translators: {channel} is a Slack channel id inside Slack's link markup <#…>,
            # which stays as it is; {reason} says why, in a few lowercase words such as "the
            # channel is archived".
            tr.gettext(
                "I could not post the retrospective in <#{channel}> ({reason}). Invite me "
                "there, or choose another channel in `/agile setup`."
            ).format(channel=team.channel_id, reason=failure_words(tr, error)),
        )
        return False
    retro.channel_id, retro.message_ts = reply["channel"], reply["ts"]
    return False


def local_time(tr: Translator, team: Team, when: dt.datetime) -> str:
    return format_datetime(when.astimezone(zone(team)), "EEE d MMM HH:mm", locale=tr.language)
