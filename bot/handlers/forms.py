"""What a request carries: a modal's submitted values and private metadata, and the numbers
that buttons carry. A forged or stale value is a NotFound, never a crash."""

from __future__ import annotations

import json
from typing import Any

from bot.errors import Message, NotFound
from bot.i18n import N_


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's submitted values, keyed by block id, as plain Python values."""
    values: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "external_select"):
        selected = element.get("selected_option")
        return selected.get("value") if selected else None
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind == "datepicker":
        return element.get("selected_date")
    return element.get("value")


def view_metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as a dict; {} when it is missing or forged."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    return metadata if isinstance(metadata, dict) else {}


def stale_button() -> NotFound:
    """What a forged or outdated button or form value gets: nothing changes."""
    return NotFound(Message(N_("That button no longer works. Run the command again.")))


def button_int(value: Any) -> int:
    """A number carried by a button or a form; a forged or stale one is a NotFound."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise stale_button() from None


def button_numbers(value: Any, count: int) -> tuple[int, int]:
    """The numbers carried by a button such as "12:3" (an item and a page): at least `count`
    of them, the second 1 when it is not given; a forged or stale value is a NotFound."""
    try:
        numbers = [int(part) for part in str(value or "").split(":")]
    except ValueError:
        numbers = []
    if len(numbers) < count:
        raise stale_button()
    first, second = (numbers + [1, 1])[:2]
    return first, second
