"""The weekly digest in Slack: posted in the team's showcase channel (else its channel), in the
team's language, once per occurrence of its job (post_once)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.i18n import translator
from bot.messaging import post_once
from bot.services.digests import Digest
from bot.slack import CHANNEL_CLOSED, error_reason, tell_admins
from bot.views.digest import digest_message
from bot.views.failures import failure_words

log = logging.getLogger(__name__)


def post_digest(client: WebClient, session: Session, digest: Digest) -> None:
    """Post the digest in the job's transaction: a failure Slack may get over raises, and the
    job is tried again; a channel gone for good is reported in the admin channel instead, and
    that week's digest is over."""
    team = digest.team
    tr = translator(team.language)
    channel = team.showcase_channel_id or team.channel_id
    try:
        post_once(client, session, channel, digest_message(tr, digest), part="digest")
    except SlackApiError as error:
        if error_reason(error) not in CHANNEL_CLOSED:
            raise
        log.warning("could not post the digest in %s: %s", channel, error_reason(error))
        tell_admins(
            client,
            team.admin_channel_id,
            # Translators: {channel} is a Slack channel id inside Slack's link markup <#…>, which
            # stays as it is; {reason} says why, in a few lowercase words such as "the channel
            # is archived".
            tr.gettext(
                "I could not post the weekly digest in <#{channel}> ({reason}). Invite me "
                "there, or choose another channel in `/agile setup`."
            ).format(channel=channel, reason=failure_words(tr, error)),
        )
