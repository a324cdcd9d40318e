"""The sprint in Slack: the board (announced at the start, redrawn as items move, closed at
the end), the showcase with its charts, and the owner's questions about finished experiments.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Translator, language_for, translator
from bot.messaging import MessageUpdate, post_once, push
from bot.models import BacklogItem, ItemKind, Sprint, SprintState, Team
from bot.mrkdwn import esc
from bot.scheduler import FollowUp
from bot.services import experiments, retros, sprints
from bot.services.sprints import Closed
from bot.slack import CHANNEL_CLOSED, error_reason, tell_admins
from bot.views.charts import Chart, burnup_chart, velocity_chart
from bot.views.experiments import result_request
from bot.views.failures import failure_words
from bot.views.sprint import Board, board_message, showcase_message

log = logging.getLogger(__name__)

UPLOAD_ATTEMPTS = 3
UPLOAD_PAUSE = 2.0  # seconds before the second attempt, twice that before the third


# --- the board -------------------------------------------------------------------------------


def board(session: Session, team: Team, sprint: Sprint, now: dt.datetime) -> Board:
    focus = retros.focus(session, team) if sprint.state is not SprintState.CLOSED else None
    return Board(
        team=team,
        sprint=sprint,
        entries=sprints.entries(session, sprint),
        totals=sprints.totals(session, sprint.id),
        days_left=sprints.days_left(team, sprint, now),
        working_days=len(sprints.working_days(team, sprint)),
        focus=focus.text if focus else None,
    )


def announce(client: WebClient, session: Session, sprint: Sprint, now: dt.datetime) -> None:
    """The sprint starts: its goal and committed items in the team channel, as the board that
    the team then moves items on. Raises if Slack fails for now (the start is retried on the
    next tick); if the channel is gone for good, the sprint starts anyway and the admin
    channel is told."""
    team = session.get_one(Team, sprint.team_id)
    tr = translator(team.language)
    message = board_message(
        tr,
        board(session, team, sprint, now),
        headline=":rocket: " + tr.gettext("*The sprint starts!*"),
    )
    reply = _post_or_report(client, session, team, tr, team.channel_id, message, sprint, "board")
    if reply is not None:
        sprint.message_channel_id = reply["channel"]
        sprint.message_ts = reply["ts"]


def board_update(session: Session, sprint: Sprint, now: dt.datetime) -> MessageUpdate | None:
    """The board as it should read now, to `push` once the transaction is over."""
    if not sprint.message_ts or not sprint.message_channel_id:
        return None
    team = session.get_one(Team, sprint.team_id)
    tr = translator(team.language)
    headline = (
        ":checkered_flag: " + tr.gettext("*This sprint is closed.*")
        if sprint.state is SprintState.CLOSED
        else ":rocket: " + tr.gettext("*The sprint is running.*")
    )
    message = board_message(tr, board(session, team, sprint, now), headline=headline)
    return MessageUpdate(sprint.message_channel_id, sprint.message_ts, message)


# --- the close -------------------------------------------------------------------------------


def showcase(client: WebClient, session: Session, closed: Closed, now: dt.datetime) -> FollowUp:
    """Post the showcase where the team configured it, in the close's transaction (if Slack
    fails for now, the close is retried). Returns the follow-up to run after the commit: the
    charts, the closed board, and the owner's questions about finished experiments, each
    retried or reported, none able to undo the close."""
    team, sprint = closed.team, closed.sprint
    tr = translator(team.language)
    burnup = burnup_chart(tr, team, sprint, sprints.burnup_data(session, team, sprint, now))
    outcomes = sprints.outcomes(session, team)
    velocity = velocity_chart(tr, team, outcomes) if outcomes else None
    channel = team.showcase_channel_id or team.channel_id
    shown = [(e.item_id, e.kind, e.variant_of_id) for e in closed.finished + closed.unfinished]
    lineage = experiments.lineage(session, [s for s in shown if s[1] is ItemKind.EXPERIMENT])
    message = showcase_message(tr, closed, burnup.alt_text, outcomes, lineage)
    reply = _post_or_report(client, session, team, tr, channel, message, sprint, "showcase")
    if reply is not None:
        sprint.showcase_channel_id, sprint.showcase_ts = reply["channel"], reply["ts"]
    closed_board = board_update(session, sprint, now)
    request = _result_request(session, closed)

    def follow_up() -> None:
        if reply is not None:
            upload(client, team, tr, burnup, channel)
            if velocity is not None:
                upload(client, team, tr, velocity, channel, reply["ts"])
        push(client, closed_board)
        if request is not None:
            _send_result_request(client, team, tr, closed.sprint.number, request)

    return follow_up


def _result_request(session: Session, closed: Closed) -> dict[str, Any] | None:
    finished = [e for e in closed.finished if e.kind is ItemKind.EXPERIMENT]
    if not finished:
        return None
    items = session.scalars(
        select(BacklogItem).where(BacklogItem.id.in_([e.item_id for e in finished]))
    ).all()
    # Addressed to one person: in the owner's language (their Slack locale), else the team's.
    owner = closed.team.owner
    tr = translator(language_for(owner.locale, closed.team.language))
    return result_request(tr, closed.team, closed.sprint, items)


def _send_result_request(
    client: WebClient, team: Team, tr: Translator, number: int, message: dict[str, Any]
) -> None:
    owner = team.owner.slack_user_id
    try:
        client.chat_postMessage(channel=owner, **message)
    except Exception as error:  # noqa: BLE001 - reported to the scrum master's channel
        log.warning("could not ask %s for results: %s", owner, error_reason(error))
        tell_admins(
            client,
            team.admin_channel_id,
            # Translators: {owner} is a Slack user id inside Slack's mention markup <@…>, which
            # stays as it is; {number} is the sprint's number; {reason} says why, in a few
            # lowercase words such as "the channel is archived".
            tr.gettext(
                "I could not ask <@{owner}> for the results of sprint {number}'s "
                "experiments ({reason})."
            ).format(owner=owner, number=number, reason=failure_words(tr, error)),
        )


def _post_or_report(
    client: WebClient,
    session: Session,
    team: Team,
    tr: Translator,
    channel: str,
    message: dict[str, Any],
    sprint: Sprint,
    part: str,
) -> dict[str, Any] | None:
    """Post a milestone message. A failure Slack may get over (rate limits, outages) raises,
    so the milestone is retried on the next tick; a channel that is gone for good is reported
    in the admin channel instead, and the milestone goes on without it."""
    try:
        return post_once(client, session, channel, message, part=part)
    except SlackApiError as error:
        if error_reason(error) not in CHANNEL_CLOSED:
            raise
        log.warning("could not post in %s: %s", channel, error_reason(error))
        tell_admins(
            client,
            team.admin_channel_id,
            # Translators: {number} is the sprint's number; {channel} is a Slack channel id
            # inside Slack's link markup <#…>, which stays as it is; {reason} says why, in a
            # few lowercase words such as "the channel is archived".
            tr.gettext(
                "I could not post the update of sprint {number} in <#{channel}> ({reason}). "
                "Invite me there, or choose another channel in `/agile setup`."
            ).format(number=sprint.number, channel=channel, reason=failure_words(tr, error)),
        )
        return None


# --- charts ----------------------------------------------------------------------------------


def upload(
    client: WebClient,
    team: Team,
    tr: Translator,
    chart: Chart,
    channel: str,
    thread_ts: str | None = None,
    *,
    pause: float | None = None,
) -> bool:
    """Upload a chart (files upload v2), retried; reported in the admin channel if it still
    fails. Never raises: the text it belongs with is already posted."""
    pause = UPLOAD_PAUSE if pause is None else pause
    error: Exception | None = None
    png: bytes | None = None
    for attempt in range(1, UPLOAD_ATTEMPTS + 1):
        try:
            png = png if png is not None else chart.render()
            args: dict[str, Any] = {
                "channel": channel,
                "file": png,
                "filename": chart.filename,
                "title": chart.title,
                "alt_txt": chart.alt_text,
            }
            if thread_ts:
                args["thread_ts"] = thread_ts
            client.files_upload_v2(**args)
            return True
        except Exception as exc:  # noqa: BLE001 - retried, then reported
            error = exc
            log.warning("upload of %s failed (attempt %d): %s", chart.filename, attempt, exc)
            if attempt < UPLOAD_ATTEMPTS:
                time.sleep(pause * attempt)
    tell_admins(
        client,
        team.admin_channel_id,
        # Translators: {title} is the chart's title; {channel} is a Slack channel id inside
        # Slack's link markup <#…>, which stays as it is; {reason} says why, in a few
        # lowercase words such as "the channel is archived".
        tr.gettext("I could not upload the chart “{title}” to <#{channel}> ({reason}).").format(
            title=esc(chart.title), channel=channel, reason=failure_words(tr, error)
        ),
    )
    return False
