"""auth.test and users.info: who the bot is, and people's profiles, time zones and locales."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tests.slack_double.records import ApiError

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble


def auth_test(double: SlackDouble, args: dict) -> dict:
    """Who the bot is, in the workspace of the token."""
    team = double.teams[double.current_team]
    return {
        "url": f"https://{double.TEAM_DOMAIN}.slack.com/",
        "team": team["name"],
        "user": double.BOT_NAME,
        "team_id": team["id"],
        "user_id": double.BOT_USER_ID,
        "bot_id": double.BOT_ID,
        "is_enterprise_install": False,
    }


def users_info(double: SlackDouble, args: dict) -> dict:
    user = _lookup_user(double, args["user"])
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_payload(double, user, include_locale=args.get("include_locale") is True)}


def user_payload(double: SlackDouble, user: dict, *, include_locale: bool) -> dict:
    """A user as Slack describes one, with the offset of their time zone right now."""
    now = datetime.now(ZoneInfo(user["tz"]))
    offset = now.utcoffset()
    payload = {
        "id": user["id"],
        "team_id": user["team"],
        "name": user["name"],
        "deleted": user["deleted"],
        "real_name": user["real_name"],
        "tz": user["tz"],
        "tz_label": now.tzname(),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": _profile(double, user),
        "is_admin": user["is_admin"],
        "is_owner": user["is_owner"],
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user["is_bot"],
        "is_app_user": False,
        "updated": 1690000000,
    }
    if user["is_bot"] and user["id"] == double.BOT_USER_ID:
        payload["profile"]["bot_id"] = double.BOT_ID
    if include_locale:
        payload["locale"] = user["locale"]
    return payload


def _lookup_user(double: SlackDouble, user_id: str) -> dict | None:
    if user_id == double.BOT_USER_ID:
        return _bot_user(double)
    return double.users.get(user_id)


def _bot_user(double: SlackDouble) -> dict:
    return {
        "id": double.BOT_USER_ID,
        "name": double.BOT_NAME,
        "real_name": double.BOT_NAME,
        "tz": "America/Los_Angeles",
        "locale": "en-US",
        "is_admin": False,
        "is_owner": False,
        "deleted": False,
        "is_bot": True,
    }


def _profile(double: SlackDouble, user: dict) -> dict:
    return {
        "real_name": user["real_name"],
        "real_name_normalized": user["real_name"],
        "display_name": user["name"],
        "display_name_normalized": user["name"],
        "team": double.TEAM_ID,
    }


METHODS: dict[str, Handler] = {"auth.test": auth_test, "users.info": users_info}
