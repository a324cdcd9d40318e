"""What the bot posts on its own initiative: the sprint board, announcement, showcase and
charts (`sprints`), standup prompts, threads and blocker cards (`standups`), the
retrospective's message (`retros`), and what it reads and tells about people (`people`).
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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

log = logging.getLogger(__name__)


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
