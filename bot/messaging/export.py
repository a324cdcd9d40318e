"""`/agile export` in Slack: the CSV files in the requester's DM, with files upload v2."""

from __future__ import annotations

import logging
import time

from slack_sdk import WebClient

from bot.views.export import CsvFile

log = logging.getLogger(__name__)

UPLOAD_ATTEMPTS = 3
UPLOAD_PAUSE = 1.0  # seconds before the second attempt, twice that before the third


def send_to_dm(
    client: WebClient,
    user_id: str,
    intro: str,
    files: list[CsvFile],
    *,
    pause: float | None = None,
) -> None:
    """Post `intro` in the person's DM with the bot, then the files there, retried. Raises the
    last error if they still cannot be sent.

    The intro comes first because its reply names the DM's channel (D…): files upload v2
    shares files in channels only, and refuses a user id."""
    pause = UPLOAD_PAUSE if pause is None else pause
    reply = client.chat_postMessage(channel=user_id, text=intro)
    dm = str(reply["channel"])
    uploads = [{"file": f.content, "filename": f.filename, "title": f.title} for f in files]
    for attempt in range(1, UPLOAD_ATTEMPTS + 1):
        try:
            client.files_upload_v2(channel=dm, file_uploads=uploads)
            return
        except Exception as error:
            log.warning("upload of the export failed (attempt %d): %s", attempt, error)
            if attempt == UPLOAD_ATTEMPTS:
                raise
            time.sleep(pause * attempt)
