"""Private answers to the person who acted: through the response URL of their click or
command where Slack gave one, else as a DM from the app."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.views.help import notice

log = logging.getLogger(__name__)


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


def dm(client: WebClient, slack_user_id: str, message: dict[str, Any]) -> None:
    """A direct message from the app: the person's DM channel is their user id."""
    client.chat_postMessage(channel=slack_user_id, **message)


def report_problems(client: WebClient, slack_user_id: str, problems: list[str]) -> None:
    """What could not be done after a saved change (a post, a join), in one DM; none, no DM."""
    if problems:
        dm(client, slack_user_id, notice(":warning: " + "\n".join(problems)))
