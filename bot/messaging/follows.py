"""Followed ideas in Slack: the DMs owed to an idea's followers (bot.services.follows), each
sent once, in the follower's language, after the transaction that changed the idea.

`deliver` is what a request calls once its change is committed, for the items it changed;
`attempt` is what it and the scheduler (bot.jobs.follows) do for each notice: lock the notice
and, if it is still owed, post the DM and record it sent, in one transaction (the rule of
bot.messaging: a Slack call inside a transaction only for a row that transaction holds). The
request and the scheduler may race for a notice: the second to lock it finds it sent.

What fails: a failure Slack may get over (a rate limit, an outage) counts an attempt and leaves
the notice to the scheduler, which tries again after 1, 2, 4... minutes (up to an hour, for a
week); at the third failed attempt the team's admin channel hears of it, once, in words.
Someone Slack cannot reach (they left the workspace) is not tried again. A token Slack refuses
raises, so that the scheduler suspends the workspace, and the notice waits for it.

Never twice: each DM carries its notice's key in its metadata. When Slack's answer is lost
(a 5xx, a timeout after the post), and before every attempt of the scheduler's (the request's
may have stopped between Slack's answer and its commit), the DM's latest messages say whether
it landed, and one that did is recorded sent instead of sent again.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import language_for, translator
from bot.messaging import dm_once
from bot.scheduler import FollowUp
from bot.services import follows
from bot.slack import TOKEN_REFUSED, UNCURABLE, error_reason, tell_admins
from bot.views.failures import failure_words
from bot.views.follows import notice_message

log = logging.getLogger(__name__)

NOTICE_EVENT = "agilebot_notice"  # the metadata event type of a notice's DM
# Slack's refusals that the scheduler must see: the workspace's token, or a permission the app
# lacks. ("account_inactive" is a follower who left, when a DM is refused with it.)
RAISED = (TOKEN_REFUSED | UNCURABLE) - follows.UNREACHABLE


def deliver(
    client: WebClient,
    factory: sessionmaker[Session],
    workspace_id: int,
    item_ids: list[int],
    now: dt.datetime,
) -> None:
    """Send what the followers of these items are owed, once the change is committed. What
    does not go now is the scheduler's: nothing here fails the request that made the change."""
    with unit_of_work(factory, workspace_id) as session:
        owed = follows.pending(session, item_ids)
    if not owed:
        return
    links: dict[int, str | None] = {}
    for notice_id in owed:
        try:
            with unit_of_work(factory, workspace_id) as session:
                report = attempt(client, session, notice_id, now, links)
        except Exception as error:  # noqa: BLE001 - the scheduler sends it, or suspends
            log.warning("notice %s not sent now: %s", notice_id, error_reason(error))
            continue
        if report is not None:
            report()


def attempt(
    client: WebClient,
    session: Session,
    notice_id: int,
    now: dt.datetime,
    links: dict[int, str | None] | None = None,
    *,
    look_first: bool = False,
) -> FollowUp | None:
    """Send one notice if it is still owed, in `session`'s transaction, which holds its row
    until the commit. Returns the report to make after the commit, if this failure is the one
    to report. `look_first`: an earlier attempt may have posted it (the scheduler's attempts)."""
    owed = follows.claim(session, notice_id, now)
    if owed is None:
        return None
    links = {} if links is None else links
    if owed.item.id not in links:
        links[owed.item.id] = _link(client, owed)
    tr = translator(language_for(owed.follower.locale, owed.team.language))
    message = notice_message(tr, owed, links[owed.item.id])
    try:
        dm_once(
            client,
            owed.follower.slack_user_id,
            {**message, "unfurl_links": False},
            tag=f"notice/{notice_id}",
            event_type=NOTICE_EVENT,
            look_first=look_first or owed.notice.attempts > 0,
        )
    except Exception as error:
        reason = error_reason(error)
        if reason in RAISED:
            raise
        log.warning("notice %s to %s failed: %s", notice_id, owed.follower.slack_user_id, reason)
        if not follows.not_sent(owed.notice, reason, now):
            return None
        team_tr = translator(owed.team.language)
        # Who follows what is theirs alone: the channel hears which idea, not whose DM.
        text = (
            # Translators: {id} is an idea's number in the backlog; {reason} says in words what
            # went wrong, e.g. "Slack did not answer in time".
            team_tr.gettext(
                "I could not tell one of the followers of idea #{id} about its change: "
                "{reason}. I'll keep trying."
            ).format(id=owed.item.id, reason=failure_words(team_tr, reason))
        )
        return partial(tell_admins, client, owed.team.admin_channel_id, text)
    follows.sent(owed.notice, now)
    return None


def _link(client: WebClient, owed: follows.Owed) -> str | None:
    """The idea card's permalink, if it has a card Slack still has."""
    item = owed.item
    if not (item.card_channel_id and item.card_message_ts):
        return None
    try:
        answer = client.chat_getPermalink(
            channel=item.card_channel_id, message_ts=item.card_message_ts
        )
    except Exception as error:  # noqa: BLE001 - the DM goes without its link
        log.info("no link to the card of item %s: %s", item.id, error_reason(error))
        return None
    return str(answer.get("permalink") or "") or None
