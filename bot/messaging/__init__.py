"""What the bot posts on its own initiative: the sprint board, announcement, showcase and
charts (`sprints`), standup prompts, threads and blocker cards (`standups`), the
retrospective's message (`retros`), what it reads and tells about people (`people`), and the
DMs owed to an idea's followers (`follows`).
Jobs (bot.jobs) and handlers (bot.handlers) use the same functions, so a board redrawn after a
click reads exactly like the one the scheduler posted.

Slack calls and transactions, the one rule everywhere:

- A Slack call runs inside a transaction only to post or edit a message whose row that
  transaction holds: the job's claim (bot.scheduler) for a milestone post, a locked row for a
  standup thread, an answer or a blocker card. The message's `ts` is stored in the same
  transaction, so it is posted once; concurrent edits wait for the lock and land in order. A
  failure Slack may get over raises, and everything rolls back to be tried again; a channel
  closed for good (`bot.slack.CHANNEL_CLOSED`) is reported in the admin channel instead.
- Every other call (the board redrawn elsewhere, charts, DMs, reports) runs after the commit,
  as a follow-up, and succeeds or fails on its own: it never undoes what was saved, and what
  fails is logged or reported in words.

A job's post is never sent twice (`post_once`): it carries the occurrence's key in its metadata, and
when Slack's answer is lost (a 5xx, a timeout) or the job is tried again after such a failure,
the channel's latest messages are read first; a post that landed is adopted, not repeated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.scheduler import RETRY_KEY, RUN_KEY
from bot.slack import error_reason, unanswered

log = logging.getLogger(__name__)

POST_EVENT = "agilebot_post"  # the metadata event type of a job's posts
LOOK_BACK = 100  # latest messages read to find a post whose answer was lost


@dataclass(frozen=True)
class MessageUpdate:
    """A message as it should read now, to push once the transaction is over."""

    channel: str
    ts: str
    message: dict[str, Any]


def push(client: WebClient, update: MessageUpdate | None) -> bool:
    """Redraw a message in place. False when Slack refused (logged): what changed is saved
    either way, and the caller says so to whoever acted."""
    if update is None:
        return True
    try:
        client.chat_update(channel=update.channel, ts=update.ts, **update.message)
    except Exception as error:  # noqa: BLE001 - saved either way; the caller says so
        log.warning("could not update message %s in %s: %s", update.ts, update.channel, error)
        return False
    return True


def post_once(
    client: WebClient, session: Session, channel: str, message: dict[str, Any], *, part: str
) -> dict[str, Any]:
    """chat.postMessage, once: Slack's answer (`channel`, `ts`, `message`).

    In a scheduled job's transaction (bot.scheduler), the post carries the occurrence's key and
    `part` (which of the job's posts it is) in its metadata. If the job failed before, perhaps
    after Slack posted, or if Slack's answer to this post is lost, the channel's latest
    messages say whether it landed, and a post that did is adopted instead of sent again.
    Where the bot cannot read the channel (a public channel it posts in without being a
    member), the post is sent: that is the only case a repeat can double it. Outside a job
    (a person's click), a plain post: a failure is told to that person, who decides."""
    occurrence = session.info.get(RUN_KEY)
    if occurrence is None:
        return _answer(client.chat_postMessage(channel=channel, **message))
    tag = f"{occurrence}/{part}"
    if session.info.get(RETRY_KEY):
        landed = _landed(client, channel, tag)
        if landed is not None:
            return landed
    metadata = {"event_type": POST_EVENT, "event_payload": {"key": tag}}
    try:
        return _answer(client.chat_postMessage(channel=channel, metadata=metadata, **message))
    except Exception as error:
        if not unanswered(error):
            raise
        landed = _landed(client, channel, tag)
        if landed is None:
            raise
        return landed


def _landed(
    client: WebClient, channel: str, tag: str, event_type: str = POST_EVENT
) -> dict[str, Any] | None:
    """The post tagged `tag` in its metadata (of `event_type`), if it is among the channel's
    latest messages."""
    try:
        history = client.conversations_history(
            channel=channel, limit=LOOK_BACK, include_all_metadata=True
        )
    except Exception as error:  # noqa: BLE001 - cannot tell: the caller decides, and says so
        log.warning("could not look for post %s in %s: %s", tag, channel, error_reason(error))
        return None
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get("key") == tag:
            log.info("post %s had reached %s; not posting it again", tag, channel)
            return {"channel": channel, "ts": message["ts"], "message": message}
    return None


def dm_once(
    client: WebClient,
    user_id: str,
    message: dict[str, Any],
    *,
    tag: str,
    event_type: str = POST_EVENT,
    look_first: bool = False,
) -> None:
    """chat.postMessage to one person's DM, once. The DM carries `tag` in its metadata; when
    Slack's answer is lost, and first of all with `look_first` (an earlier attempt may have
    posted it before its process stopped), the DM's latest messages say whether it landed, and
    one that did is not sent again. Any other failure is raised, for the caller to record."""
    if look_first and _landed_in_dm(client, user_id, tag, event_type) is not None:
        return
    metadata = {"event_type": event_type, "event_payload": {"key": tag}}
    try:
        client.chat_postMessage(channel=user_id, metadata=metadata, **message)
    except Exception as error:
        if not unanswered(error) or _landed_in_dm(client, user_id, tag, event_type) is None:
            raise


def _landed_in_dm(
    client: WebClient, user_id: str, tag: str, event_type: str
) -> dict[str, Any] | None:
    """The bot's DM to `user_id` tagged `tag`, if it is among the DM's latest messages: a DM
    whose answer was lost, or sent by a process that stopped before recording it. None when
    it is not there, or when the DM cannot be read (the caller then sends it)."""
    try:
        opened = client.conversations_open(users=user_id)
    except Exception as error:  # noqa: BLE001 - cannot tell: the caller decides
        log.warning("could not open the DM with %s: %s", user_id, error_reason(error))
        return None
    return _landed(client, str(opened["channel"]["id"]), tag, event_type)


def _answer(response: Any) -> dict[str, Any]:
    return {
        "channel": response["channel"],
        "ts": response["ts"],
        "message": response.get("message"),
    }
