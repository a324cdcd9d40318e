"""Slack's Block Kit rules, checked on what a builder returns, so that a message or a form that
Slack would refuse (`invalid_blocks`, a modal that does not open) fails here instead.

The limits are Slack's documented ones (the text limits shared with tests/text_limits.py, the
rest from Slack's Block Kit reference). The check walks the whole payload and names each
problem with its path, e.g. `blocks[3].accessory.text: 81 characters, over 75`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tests.text_limits import (
    BUTTON_TEXT_MAX,
    CONFIRM_BUTTON_MAX,
    CONFIRM_TEXT_MAX,
    CONFIRM_TITLE_MAX,
    HEADER_TEXT_MAX,
    LABEL_MAX,
    MODAL_TEXT_MAX,
    OPTION_TEXT_MAX,
    PLACEHOLDER_MAX,
)

MESSAGE_BLOCKS_MAX = 50
MODAL_BLOCKS_MAX = 100  # a modal or the App Home
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
FIELDS_MAX = 10
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
ID_MAX = 255  # block_id, action_id, callback_id
BUTTON_VALUE_MAX = 2000
OPTION_VALUE_MAX = 150
SELECT_OPTIONS_MAX = 100
OVERFLOW_OPTIONS_MAX = 5
RADIO_OPTIONS_MAX = 10
TEXT_INPUT_MAX = 3000
PRIVATE_METADATA_MAX = 3000

SELECTS = {"static_select", "multi_static_select"}
PICKERS = {"users_select", "multi_users_select", "conversations_select", "datepicker", "timepicker"}


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.block_ids: set[str] = set()

    def fail(self, path: str, what: str) -> None:
        self.problems.append(f"{path}: {what}")

    def text(self, path: str, obj: Any, limit: int, kinds: tuple[str, ...]) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            self.fail(path, f"not a text object of type {' or '.join(kinds)}")
            return
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            self.fail(path, "empty text")  # Slack refuses an empty text object
        elif len(text) > limit:
            self.fail(path, f"{len(text)} characters, over {limit}")

    def identifier(self, path: str, value: Any) -> None:
        if not isinstance(value, str) or not value or len(value) > ID_MAX:
            self.fail(path, f"an id must be 1 to {ID_MAX} characters, got {value!r}")

    def blocks(self, path: str, blocks: Any, limit: int) -> None:
        if not isinstance(blocks, list):
            self.fail(path, "blocks must be a list")
            return
        if len(blocks) > limit:
            self.fail(path, f"{len(blocks)} blocks, over {limit}")
        for n, block in enumerate(blocks):
            self.block(f"{path}[{n}]", block)

    def block(self, path: str, block: dict[str, Any]) -> None:
        if "block_id" in block:
            block_id = block["block_id"]
            self.identifier(f"{path}.block_id", block_id)
            if block_id in self.block_ids:
                self.fail(f"{path}.block_id", f"{block_id!r} used twice")
            self.block_ids.add(block_id)
        kind = block.get("type")
        if kind == "section":
            self.section(path, block)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= CONTEXT_ELEMENTS_MAX:
                self.fail(path, f"{len(elements)} context elements, not 1 to 10")
            for n, element in enumerate(elements):
                self.text(
                    f"{path}.elements[{n}]", element, SECTION_TEXT_MAX, ("mrkdwn", "plain_text")
                )
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= ACTIONS_ELEMENTS_MAX:
                self.fail(path, f"{len(elements)} action elements, not 1 to 25")
            action_ids = [e.get("action_id") for e in elements]
            if len(set(action_ids)) != len(action_ids):
                self.fail(path, f"action ids repeat within the block: {action_ids}")
            for n, element in enumerate(elements):
                self.element(f"{path}.elements[{n}]", element)
        elif kind == "input":
            self.text(f"{path}.label", block.get("label"), LABEL_MAX, ("plain_text",))
            if "hint" in block:
                self.text(f"{path}.hint", block["hint"], LABEL_MAX, ("plain_text",))
            self.identifier(f"{path}.element.action_id", block.get("element", {}).get("action_id"))
            self.element(f"{path}.element", block.get("element", {}))
        elif kind == "header":
            self.text(f"{path}.text", block.get("text"), HEADER_TEXT_MAX, ("plain_text",))
        elif kind != "divider":
            self.fail(path, f"a block type this check does not know: {kind!r}")

    def section(self, path: str, block: dict[str, Any]) -> None:
        if "text" not in block and "fields" not in block:
            self.fail(path, "a section needs text or fields")
        if "text" in block:
            self.text(f"{path}.text", block["text"], SECTION_TEXT_MAX, ("mrkdwn", "plain_text"))
        fields = block.get("fields", [])
        if len(fields) > FIELDS_MAX:
            self.fail(path, f"{len(fields)} fields, over {FIELDS_MAX}")
        for n, field in enumerate(fields):
            self.text(f"{path}.fields[{n}]", field, FIELD_TEXT_MAX, ("mrkdwn", "plain_text"))
        if "accessory" in block:
            self.element(f"{path}.accessory", block["accessory"])

    def element(self, path: str, element: dict[str, Any]) -> None:
        kind = element.get("type")
        if "action_id" in element:
            self.identifier(f"{path}.action_id", element["action_id"])
        if "placeholder" in element:
            self.text(
                f"{path}.placeholder", element["placeholder"], PLACEHOLDER_MAX, ("plain_text",)
            )
        if kind == "button":
            self.text(f"{path}.text", element.get("text"), BUTTON_TEXT_MAX, ("plain_text",))
            value = element.get("value", "")
            if len(value) > BUTTON_VALUE_MAX:
                self.fail(f"{path}.value", f"{len(value)} characters, over {BUTTON_VALUE_MAX}")
            if element.get("style") not in (None, "primary", "danger"):
                self.fail(f"{path}.style", f"unknown style {element['style']!r}")
            if "confirm" in element:
                self.confirm(f"{path}.confirm", element["confirm"])
        elif kind in SELECTS:
            self.options(path, element, SELECT_OPTIONS_MAX)
        elif kind == "overflow":
            self.options(path, element, OVERFLOW_OPTIONS_MAX)
        elif kind == "radio_buttons":
            self.options(path, element, RADIO_OPTIONS_MAX)
        elif kind == "plain_text_input":
            self.text_input(path, element)
        elif kind == "number_input":
            self.number_input(path, element)
        elif kind == "datepicker" and "initial_date" in element:
            try:
                dt.date.fromisoformat(element["initial_date"])
            except ValueError:
                self.fail(f"{path}.initial_date", f"not YYYY-MM-DD: {element['initial_date']!r}")
        elif kind == "timepicker" and "initial_time" in element:
            try:
                dt.datetime.strptime(element["initial_time"], "%H:%M")
            except ValueError:
                self.fail(f"{path}.initial_time", f"not HH:mm: {element['initial_time']!r}")
        elif kind not in PICKERS:
            self.fail(path, f"an element type this check does not know: {kind!r}")

    def options(self, path: str, element: dict[str, Any], limit: int) -> None:
        options = element.get("options", [])
        if not 1 <= len(options) <= limit:
            self.fail(f"{path}.options", f"{len(options)} options, not 1 to {limit}")
        for n, option in enumerate(options):
            self.text(
                f"{path}.options[{n}].text",
                option.get("text"),
                OPTION_TEXT_MAX,
                ("plain_text", "mrkdwn"),
            )
            value = option.get("value")
            if not isinstance(value, str) or not value or len(value) > OPTION_VALUE_MAX:
                self.fail(f"{path}.options[{n}].value", f"1 to 150 characters, got {value!r}")
        values = [o.get("value") for o in options]
        if len(set(values)) != len(values):
            self.fail(f"{path}.options", "option values repeat")
        initial = element.get("initial_options", [])
        if "initial_option" in element:
            initial = [element["initial_option"]]
        for option in initial:
            if option not in options:
                self.fail(path, f"initial option {option!r} is not one of the options")

    def text_input(self, path: str, element: dict[str, Any]) -> None:
        limit = element.get("max_length", TEXT_INPUT_MAX)
        if not 1 <= limit <= TEXT_INPUT_MAX:
            self.fail(f"{path}.max_length", f"{limit}, not 1 to {TEXT_INPUT_MAX}")
        initial = element.get("initial_value")
        if initial is not None and len(initial) > limit:
            self.fail(f"{path}.initial_value", f"{len(initial)} characters, over {limit}")

    def number_input(self, path: str, element: dict[str, Any]) -> None:
        low, high = element.get("min_value"), element.get("max_value")
        initial = element.get("initial_value")
        number = float if element.get("is_decimal_allowed") else int
        try:
            bounds = [number(v) for v in (low, initial, high) if v is not None]
        except ValueError:
            self.fail(path, f"not a number: {low!r} <= {initial!r} <= {high!r}")
            return
        if bounds != sorted(bounds):
            self.fail(path, f"out of order: {low!r} <= {initial!r} <= {high!r}")

    def confirm(self, path: str, confirm: dict[str, Any]) -> None:
        self.text(f"{path}.title", confirm.get("title"), CONFIRM_TITLE_MAX, ("plain_text",))
        self.text(f"{path}.text", confirm.get("text"), CONFIRM_TEXT_MAX, ("plain_text", "mrkdwn"))
        self.text(f"{path}.confirm", confirm.get("confirm"), CONFIRM_BUTTON_MAX, ("plain_text",))
        self.text(f"{path}.deny", confirm.get("deny"), CONFIRM_BUTTON_MAX, ("plain_text",))


def message_problems(message: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a message (chat.postMessage, an ephemeral answer)."""
    check = _Check()
    if not isinstance(message.get("text"), str) or not message["text"].strip():
        check.fail("text", "a message needs a fallback text for notifications")
    check.blocks("blocks", message.get("blocks"), MESSAGE_BLOCKS_MAX)
    return check.problems


def modal_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a modal (views.open, views.update, views.push)."""
    check = _Check()
    if view.get("type") != "modal":
        check.fail("type", f"not a modal: {view.get('type')!r}")
    check.identifier("callback_id", view.get("callback_id"))
    for key in ("title", "submit", "close"):
        if key in view:
            check.text(key, view[key], MODAL_TEXT_MAX, ("plain_text",))
        elif key != "close":
            check.fail(key, "missing")
    metadata = view.get("private_metadata", "")
    if len(metadata) > PRIVATE_METADATA_MAX:
        check.fail("private_metadata", f"{len(metadata)} characters, over 3000")
    check.blocks("blocks", view.get("blocks"), MODAL_BLOCKS_MAX)
    return check.problems


def assert_message(message: dict[str, Any]) -> None:
    problems = message_problems(message)
    assert not problems, "Slack would refuse this message:\n" + "\n".join(problems)


def assert_modal(view: dict[str, Any]) -> None:
    problems = modal_problems(view)
    assert not problems, "Slack would refuse this modal:\n" + "\n".join(problems)


# --- reading a payload -------------------------------------------------------------------------


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a payload, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def of_type(payload: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Every block or element of a type, e.g. every button, in order."""
    return [d for d in walk(payload.get("blocks", [])) if d.get("type") == kind]


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    """The texts that Slack parses as mrkdwn, where `<!channel>` would ping: every mrkdwn
    object, and a message's fallback `text` (shown in notifications, parsed too)."""
    texts = [d["text"] for d in walk(payload.get("blocks", [])) if d.get("type") == "mrkdwn"]
    if payload.get("type") != "modal" and isinstance(payload.get("text"), str):
        texts.append(payload["text"])
    return texts


def all_text(payload: dict[str, Any]) -> str:
    """Every word of a payload (mrkdwn, plain text, the fallback), one piece a line."""
    return "\n".join(d["text"] for d in walk(payload) if isinstance(d.get("text"), str))


def block_with_id(payload: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in payload["blocks"] if b.get("block_id") == block_id)
