"""chat.postMessage, chat.postEphemeral, chat.update and chat.getPermalink, on the messages the
double keeps.

Each stored message keeps the ``history`` of its earlier versions, so a test can tell an
edit from a new post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.slack_double.block_kit import check_message
from tests.slack_double.conversations import channel_members, postable_channel, visible_channel
from tests.slack_double.records import ApiError

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble


def store_message(double: SlackDouble, channel_id: str, args: dict, **extra: Any) -> dict:
    """Post a message from the bot in the channel (also what a file share posts)."""
    message = {
        "type": "message",
        "ts": double.next_ts(),
        "user": double.BOT_USER_ID,
        "bot_id": double.BOT_ID,
        "app_id": double.APP_ID,
        "team": double.TEAM_ID,
        "text": args.get("text") or "",
        "blocks": args.get("blocks"),
        "attachments": args.get("attachments"),
        "metadata": args.get("metadata"),
        "thread_ts": args.get("thread_ts"),
        "reply_broadcast": bool(args.get("reply_broadcast")) and bool(args.get("thread_ts")),
        "edited": None,
        "history": [],
        **extra,
    }
    double.messages[channel_id].append(message)
    return message


def chat_post_message(double: SlackDouble, args: dict) -> dict:
    channel_id = postable_channel(double, args["channel"])
    check_message(double.violations, "chat.postMessage", args)
    message = store_message(double, channel_id, args)
    return {"channel": channel_id, "ts": message["ts"], "message": _public_message(message)}


def chat_post_ephemeral(double: SlackDouble, args: dict) -> dict:
    channel_id = postable_channel(double, args["channel"])
    if args["user"] not in channel_members(double, channel_id):
        raise ApiError("user_not_in_channel")
    check_message(double.violations, "chat.postEphemeral", args)
    message_ts = double.next_ts()
    double.ephemeral.append(
        {
            "channel": channel_id,
            "user": args["user"],
            "text": args.get("text"),
            "blocks": args.get("blocks"),
            "attachments": args.get("attachments"),
            "thread_ts": args.get("thread_ts"),
            "message_ts": message_ts,
        }
    )
    return {"message_ts": message_ts}


def chat_update(double: SlackDouble, args: dict) -> dict:
    channel_id = visible_channel(double, args["channel"])
    message = _find_message(double, channel_id, args["ts"])
    content_keys = ("text", "blocks", "attachments", "markdown_text", "file_ids")
    if not any(key in args for key in content_keys):
        double.violations.append("chat.update: neither text nor blocks given")
        raise ApiError("no_text")
    check_message(double.violations, "chat.update", args, require_content=False)
    message["history"].append(
        {
            "text": message["text"],
            "blocks": message["blocks"],
            "attachments": message["attachments"],
            "edited": message["edited"],
        }
    )
    for key in ("text", "blocks", "attachments", "metadata"):
        if key in args:
            message[key] = args[key]
    message["edited"] = {"user": double.BOT_USER_ID, "ts": double.next_ts()}
    return {
        "channel": channel_id,
        "ts": message["ts"],
        "text": message["text"],
        "message": _public_message(message),
    }


def chat_get_permalink(double: SlackDouble, args: dict) -> dict:
    """A link to a message the bot can see, in the workspace's own domain."""
    channel_id = visible_channel(double, args["channel"])
    message = _find_message(double, channel_id, args["message_ts"])
    digits = message["ts"].replace(".", "")
    return {
        "channel": channel_id,
        "permalink": f"https://{double.TEAM_DOMAIN}.slack.com/archives/{channel_id}/p{digits}",
    }


def _find_message(double: SlackDouble, channel: str, ts: str) -> dict:
    for message in double.messages.get(channel, []):
        if message["ts"] == ts:
            return message
    raise ApiError("message_not_found")


def _public_message(message: dict) -> dict:
    """The message as Slack returns it: without the double's history and empty fields."""
    return {k: v for k, v in message.items() if k != "history" and v is not None}


METHODS: dict[str, Handler] = {
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.getPermalink": chat_get_permalink,
}
