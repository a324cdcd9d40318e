"""The Slack app manifest: every slash command, scope, event and the interactivity URL."""

from __future__ import annotations

from typing import Any

import yaml

from bot.web import SLACK_PATH

COMMANDS = (
    ("/agile", "Help, and the team set-up of this channel", "[help | setup | export]"),
    ("/idea", "Submit an idea to the team's marketing backlog", "[title]"),
    ("/backlog", "See the team's ordered backlog, and vote", "[page]"),
    (
        "/sprint",
        "The team's sprint: board, plan, start, end, velocity",
        "[plan | edit | start | end | velocity | help]",
    ),
    ("/burnup", "Post the sprint's burnup chart in the channel", ""),
    (
        "/retro",
        "The team's retrospective: open it, add to it, or note an item for the next",
        "[note | named | anonymous | health on|off]",
    ),
    (
        "/standup",
        "Answer today's standup; your own time, the week, away days, the team's set-up",
        "[time HH:MM | week | away FROM TO | back | holiday DATE | setup | help]",
    ),
)

BOT_SCOPES = (
    "app_mentions:read",  # app_mention: answer an @mention with help
    "channels:join",  # join the team's public channels when a team is set up
    "chat:write",  # cards, confirmations, DMs to submitters
    "chat:write.public",  # post idea cards in a public team channel before being invited
    # A scheduled post whose answer was lost (a 5xx, a timeout) is looked for among the
    # channel's latest messages before it is sent again: never posted twice (bot.messaging).
    "channels:history",
    "groups:history",
    # The same for a DM to one person (a followed idea's news, a standup prompt): open the
    # DM, read it back.
    "im:write",
    "im:history",
    "commands",  # the slash commands
    "files:write",  # burnup and velocity charts (files upload v2)
    "users:read",  # profiles (time zone, locale, admin, deactivated) and the user_change event
)

BOT_EVENTS = (
    "app_mention",  # answer an @mention with help
    "user_change",  # a profile changed: time zone, language, a deactivated account
    "app_home_opened",  # publish the person's Home tab each time they open it
    "app_uninstalled",  # the workspace goes quiet at once (bot.handlers.installs)
    "tokens_revoked",
)


def manifest(url: str | None, *, socket_mode: bool = False) -> dict[str, Any]:
    """The manifest as a dict. `url` is the public base URL of `agilebot run` (HTTP mode)."""
    request_url = f"{url.rstrip('/')}{SLACK_PATH}" if url else None
    commands = []
    for name, description, hint in COMMANDS:
        command: dict[str, Any] = {
            "command": name,
            "description": description,
            "should_escape": False,
        }
        if hint:
            command["usage_hint"] = hint
        if request_url:
            command["url"] = request_url
        commands.append(command)
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    oauth: dict[str, Any] = {"scopes": {"bot": list(BOT_SCOPES)}}
    if url:  # where Add to Slack comes back to (bot.installs), when installed that way
        oauth["redirect_urls"] = [f"{url.rstrip('/')}/slack/oauth_redirect"]
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "display_information": {
            "name": "agilebot",
            "description": "Agile marketing in Slack: backlog, sprints, standups, showcase.",
            "long_description": (
                "agilebot runs the agile marketing cadence for marketing and social-media teams "
                "inside Slack. Stakeholders submit ideas with /idea, everyone can vote, and the "
                "marketing owner triages the backlog and orders it by effort, customer value and "
                "business value. Sprints, asynchronous daily standups, the showcase with "
                "committed vs completed, retrospectives and burnup charts follow. Metrics are "
                "team-level only: never a ranking of people."
            ),
            "background_color": "#2d5f73",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "agilebot", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(url: str | None, *, socket_mode: bool = False) -> str:
    return yaml.safe_dump(
        manifest(url, socket_mode=socket_mode), sort_keys=False, allow_unicode=True
    )
