"""Where the bot may post and read, as Slack decides it: conversations.join,
conversations.history and conversations.open (the bot's DM with one person).

A user id as a channel means that user's DM; a channel is found by id or by name; the bot
posts where it is a member, or in any public channel with ``chat:write.public``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.slack_double.records import ApiError

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble


def postable_channel(double: SlackDouble, ref: str) -> str:
    """The channel id the bot would post to for ``ref``, applying Slack's rules."""
    if ref.startswith(("U", "W")):
        user = double.users.get(ref)
        if user is None or user["deleted"]:
            raise ApiError("channel_not_found")
        return double.dm_channel(ref)
    if ref.startswith("D"):
        owner = _dm_owner(double, ref)
        if owner is None or double.users[owner]["deleted"]:
            raise ApiError("channel_not_found")
        return ref
    channel = _channel_by_ref(double, ref)
    if channel is None:
        raise ApiError("channel_not_found")
    if channel["is_archived"]:
        raise ApiError("is_archived")
    if not channel["bot_member"]:
        if channel["is_private"]:
            raise ApiError("channel_not_found")
        if double.scopes is not None and "chat:write.public" not in double.scopes:
            raise ApiError("not_in_channel")
    return channel["id"]


def visible_channel(double: SlackDouble, ref: str) -> str:
    """A channel id the bot can see (for edits of existing messages)."""
    if ref.startswith("D"):
        if _dm_owner(double, ref) is None:
            raise ApiError("channel_not_found")
        return ref
    channel = double.channels.get(ref)
    if channel is None or (channel["is_private"] and not channel["bot_member"]):
        raise ApiError("channel_not_found")
    return ref


def channel_members(double: SlackDouble, channel_id: str) -> list[str]:
    """Everyone in the channel, the bot included when it has joined."""
    if channel_id.startswith("D"):
        owner = _dm_owner(double, channel_id)
        return [owner, double.BOT_USER_ID] if owner else []
    channel = double.channels[channel_id]
    members = list(channel["members"])
    if channel["bot_member"] and double.BOT_USER_ID not in members:
        members.append(double.BOT_USER_ID)
    return members


def conversations_join(double: SlackDouble, args: dict) -> dict:
    ref = args["channel"]
    if ref.startswith("D"):
        raise ApiError("method_not_supported_for_channel_type")
    channel = double.channels.get(ref)
    if channel is None or (channel["is_private"] and not channel["bot_member"]):
        raise ApiError("channel_not_found")
    if channel["is_archived"]:
        raise ApiError("is_archived")
    if channel["is_private"]:
        raise ApiError("method_not_supported_for_channel_type")
    already = channel["bot_member"]
    channel["bot_member"] = True
    output: dict[str, Any] = {"channel": _channel_payload(double, channel)}
    if already:
        output["warning"] = "already_in_channel"
    return output


def _channel_payload(double: SlackDouble, channel: dict) -> dict:
    return {
        "id": channel["id"],
        "name": channel["name"],
        "name_normalized": channel["name"],
        "is_channel": not channel["is_private"],
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel["is_private"],
        "is_archived": channel["is_archived"],
        "is_general": False,
        "is_shared": False,
        "is_org_shared": False,
        "is_member": channel["bot_member"],
        "created": channel["created"],
        "creator": "",
        "context_team_id": double.TEAM_ID,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }


def _dm_owner(double: SlackDouble, dm_id: str) -> str | None:
    for user_id in double.users:
        if double.dm_channel(user_id) == dm_id:
            return user_id
    return None


def _channel_by_ref(double: SlackDouble, ref: str) -> dict | None:
    if ref in double.channels:
        return double.channels[ref]
    name = ref[1:] if ref.startswith("#") else ref
    for channel in double.channels.values():
        if channel["name"] == name:
            return channel
    return None


def conversations_history(double: SlackDouble, args: dict) -> dict:
    """A channel's top-level messages (and replies broadcast to it), newest first; their
    metadata only with ``include_all_metadata``. The bot reads where it is a member."""
    ref = args["channel"]
    if ref.startswith("D"):
        # The method's scopes are per kind of conversation: a DM is read with im:history.
        if double.scopes is not None and "im:history" not in double.scopes:
            raise ApiError("missing_scope")
        channel_id = visible_channel(double, ref)
    else:
        channel = _channel_by_ref(double, ref)
        if channel is None or (channel["is_private"] and not channel["bot_member"]):
            raise ApiError("channel_not_found")
        if not channel["bot_member"]:
            raise ApiError("not_in_channel")
        channel_id = channel["id"]
    bounds = []
    for name, error in (("oldest", "invalid_ts_oldest"), ("latest", "invalid_ts_latest")):
        try:
            bounds.append(float(args[name]) if args.get(name) not in (None, "") else None)
        except (TypeError, ValueError):
            raise ApiError(error) from None
    oldest, latest = bounds
    limit = min(int(args.get("limit") or 100), 999)
    with_metadata = args.get("include_all_metadata") in (True, "true", "1", 1)
    shown = [
        {
            k: v
            for k, v in message.items()
            if k not in ("history", "thread_ts", "reply_broadcast")
            and v is not None
            and (with_metadata or k != "metadata")
        }
        for message in reversed(double.messages.get(channel_id, []))
        if (not message.get("thread_ts") or message.get("reply_broadcast"))
        and (oldest is None or float(message["ts"]) > oldest)
        and (latest is None or float(message["ts"]) < latest)
    ]
    return {
        "messages": shown[:limit],
        "has_more": len(shown) > limit,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": ""},
    }


def conversations_open(double: SlackDouble, args: dict) -> dict:
    """The bot's DM with one person (the app's Messages tab), as Slack gives it to a bot."""
    users = [u for u in str(args.get("users") or "").split(",") if u]
    if args.get("channel") or len(users) != 1:
        # Group DMs and reopening by id are not what the bot does: refused as Slack would
        # refuse a bot's call it could not serve.
        raise ApiError("not_enough_users" if not users else "method_not_supported_for_channel_type")
    user = double.users.get(users[0])
    if user is None:
        raise ApiError("user_not_found")
    if user["deleted"]:
        raise ApiError("user_disabled")
    return {"no_op": True, "already_open": True, "channel": {"id": double.dm_channel(users[0])}}


METHODS: dict[str, Handler] = {
    "conversations.join": conversations_join,
    "conversations.history": conversations_history,
    "conversations.open": conversations_open,
}
