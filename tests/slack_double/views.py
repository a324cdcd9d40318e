"""views.open and views.update: modals opened with a trigger_id, updated by id or external id;
views.publish: a person's Home tab.

A trigger_id works once and expires after three seconds; an update with a stale ``hash``
is refused, as Slack does when two updates race. A Home tab is published for a user of the
workspace (``user_id``), needs no trigger, keeps its view id from one publish to the next, and
is refused with a stale ``hash`` too; it is a ``home`` view of at most 100 blocks.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from tests.slack_double.block_kit import check_view
from tests.slack_double.records import TRIGGER_TTL, ApiError, Trigger

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble


def views_open(double: SlackDouble, args: dict) -> dict:
    trigger = _take_trigger(double, "views.open", args)
    view = args["view"]
    check_view(double.violations, "views.open", view, expected="modal")
    _check_external_id(double, view)
    trigger.used = True
    view_id = double.new_id("V")
    stored = _store_view(
        double, view, view_id=view_id, user=trigger.user_id, root=view_id, previous=None
    )
    return _view_output(stored)


def views_update(double: SlackDouble, args: dict) -> dict:
    view_id = args.get("view_id")
    if not view_id and args.get("external_id"):
        for candidate, existing in double.views.items():
            if existing.get("external_id") == args["external_id"]:
                view_id = candidate
                break
        else:
            raise ApiError("not_found")
    if not view_id:
        double.violations.append("views.update: needs view_id or external_id")
        raise ApiError("invalid_arguments", messages=["[ERROR] view_id or external_id is required"])
    current = double.views.get(view_id)
    if current is None:
        raise ApiError("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    view = args["view"]
    check_view(double.violations, "views.update", view, expected=current["type"])
    _check_external_id(double, view, except_view=view_id)
    stored = _store_view(
        double,
        view,
        view_id=view_id,
        user=current["user"],
        root=current["root_view_id"],
        previous=current["previous_view_id"],
    )
    return _view_output(stored)


def views_publish(double: SlackDouble, args: dict) -> dict:
    user_id = args["user_id"]  # required: the contract refuses a call without it
    user = double.users.get(user_id)
    if user is None:
        raise ApiError("invalid_arguments", messages=["invalid `user_id`"])
    if user["team"] != double.current_team:  # a person of another workspace: no such user
        double.violations.append(
            f"views.publish: user {user_id} is in workspace {user['team']}, published with the "
            f"token of {double.current_team}"
        )
        raise ApiError("invalid_arguments", messages=["invalid `user_id`"])
    view = args["view"]
    check_view(double.violations, "views.publish", view, expected="home")
    current = published_home(double, user_id)
    if current is not None and args.get("hash") and args["hash"] != current["hash"]:
        raise ApiError("hash_conflict")
    _check_external_id(double, view, except_view=current["id"] if current else None)
    view_id = current["id"] if current else double.new_id("V")
    stored = _store_view(double, view, view_id=view_id, user=user_id, root=view_id, previous=None)
    return _view_output(stored)


def published_home(double: SlackDouble, user_id: str) -> dict | None:
    """The Home tab the app last published for `user_id`, as the double holds it."""
    return next(
        (v for v in double.views.values() if v["type"] == "home" and v["user"] == user_id), None
    )


def _take_trigger(double: SlackDouble, method: str, args: dict) -> Trigger:
    trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
    if not trigger_id:
        double.violations.append(f"{method}: needs trigger_id (or interactivity_pointer)")
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: trigger_id"])
    trigger = double.triggers.get(trigger_id)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("exchanged_trigger_id")
    if time.monotonic() - trigger.issued_at > TRIGGER_TTL:
        raise ApiError("expired_trigger_id")
    return trigger


def _check_external_id(double: SlackDouble, view: dict, *, except_view: str | None = None) -> None:
    external_id = view.get("external_id")
    if not external_id:
        return
    for view_id, existing in double.views.items():
        if view_id != except_view and existing.get("external_id") == external_id:
            raise ApiError("duplicate_external_id")


def _store_view(
    double: SlackDouble,
    view: dict,
    *,
    view_id: str,
    user: str | None,
    root: str,
    previous: str | None,
) -> dict:
    """Keep the view as Slack holds it, with a new hash, and the user who sees it."""
    stored = {
        "id": view_id,
        "team_id": double.TEAM_ID,
        "type": view.get("type"),
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root,
        "previous_view_id": previous,
        "app_id": double.APP_ID,
        "app_installed_team_id": double.TEAM_ID,
        "bot_id": double.BOT_ID,
        "user": user,
    }
    double.views[view_id] = stored
    return stored


def _view_output(stored: dict) -> dict:
    return {"view": {k: v for k, v in stored.items() if k != "user" and v is not None}}


METHODS: dict[str, Handler] = {
    "views.open": views_open,
    "views.update": views_update,
    "views.publish": views_publish,
}
