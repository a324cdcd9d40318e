"""Escaping for Slack's mrkdwn. User text is always escaped; only markup the bot builds itself
from validated Slack ids (mentions, channel links) is marked safe."""

from __future__ import annotations


class Markup(str):
    """mrkdwn the bot built itself, safe to insert unescaped."""

    __slots__ = ()


def esc(text: str | None) -> str:
    """Escape user text for mrkdwn: `<!channel>`, `<@U123>` and `<http://x|y>` stay literal.

    In mrkdwn only `&`, `<` and `>` are control characters (Slack's formatting reference).
    """
    if not text:
        return ""
    if isinstance(text, Markup):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(slack_user_id: str) -> Markup:
    return Markup(f"<@{esc(slack_user_id)}>")


def channel_link(channel_id: str) -> Markup:
    return Markup(f"<#{esc(channel_id)}>")
