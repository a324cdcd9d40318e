"""The Block Kit limits Slack documents, and the content rules of messages and views.

Every problem found is recorded as a violation and refused the way Slack refuses it
(``invalid_blocks`` for messages, ``invalid_arguments`` for views).
"""

from __future__ import annotations

from typing import Any

from tests.slack_double.records import ApiError

MESSAGE_TEXT_LIMIT = 40_000
_SELECTS = frozenset(
    {"static_select", "multi_static_select", "external_select", "multi_external_select"}
)
_USES_PLACEHOLDER = frozenset(
    {
        "static_select",
        "multi_static_select",
        "external_select",
        "multi_external_select",
        "users_select",
        "multi_users_select",
        "conversations_select",
        "multi_conversations_select",
        "channels_select",
        "multi_channels_select",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "plain_text_input",
        "email_text_input",
        "url_text_input",
        "number_input",
    }
)


class BlockKit:
    """Checks the Block Kit limits Slack documents; collects (path, problem) pairs."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    # -- primitives
    def max_len(self, value: Any, path: str, limit: int) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.problem(path, "must be a string")
        elif len(value) > limit:
            self.problem(path, f"is {len(value)} characters, more than the {limit} allowed")

    def text_object(
        self,
        obj: Any,
        path: str,
        *,
        limit: int | None = None,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        if obj is None:
            if required:
                self.problem(path, "is required")
            return
        if not isinstance(obj, dict):
            self.problem(path, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.problem(f"{path}/type", f"must be plain_text or mrkdwn, not {kind!r}")
        elif plain_only and kind != "plain_text":
            self.problem(f"{path}/type", "must be plain_text here")
        text = obj.get("text")
        if not isinstance(text, str) or text == "":
            self.problem(f"{path}/text", "must be a non-empty string")
        elif limit is not None and len(text) > limit:
            self.problem(
                f"{path}/text", f"is {len(text)} characters, more than the {limit} allowed"
            )

    def option(self, opt: Any, path: str, *, plain_only: bool) -> None:
        if not isinstance(opt, dict):
            self.problem(path, "must be an option object")
            return
        self.text_object(opt.get("text"), f"{path}/text", limit=75, plain_only=plain_only)
        self.max_len(opt.get("value"), f"{path}/value", 150)

    def options(self, opts: Any, path: str, *, most: int, least: int = 0, plain_only: bool) -> None:
        if opts is None:
            return
        if not isinstance(opts, list):
            self.problem(path, "must be an array")
            return
        if len(opts) > most:
            self.problem(path, f"has {len(opts)} options, more than the {most} allowed")
        if len(opts) < least:
            self.problem(path, f"has {len(opts)} options, fewer than the {least} required")
        for i, opt in enumerate(opts):
            self.option(opt, f"{path}/{i}", plain_only=plain_only)

    # -- containers
    def blocks(self, blocks: Any, path: str, *, limit: int) -> None:
        if not isinstance(blocks, list):
            self.problem(path, "must be an array of blocks")
            return
        if len(blocks) > limit:
            self.problem(path, f"has {len(blocks)} blocks, more than the {limit} allowed")
        seen: dict[str, int] = {}
        for i, block in enumerate(blocks):
            here = f"{path}/{i}"
            if not isinstance(block, dict) or not isinstance(block.get("type"), str):
                self.problem(here, "must be a block object with a type")
                continue
            block_id = block.get("block_id")
            if block_id is not None:
                self.max_len(block_id, f"{here}/block_id", 255)
                if block_id in seen:
                    self.problem(
                        f"{here}/block_id",
                        f"duplicate block_id {block_id!r} (already used by block {seen[block_id]})",
                    )
                else:
                    seen[block_id] = i
            check = getattr(self, f"block_{block['type']}", None)
            if check is not None:
                check(block, here)

    def block_section(self, block: dict, path: str) -> None:
        self.text_object(block.get("text"), f"{path}/text", limit=3000, required=False)
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list):
                self.problem(f"{path}/fields", "must be an array")
            else:
                if len(fields) > 10:
                    self.problem(
                        f"{path}/fields", f"has {len(fields)} fields, more than the 10 allowed"
                    )
                for i, item in enumerate(fields):
                    self.text_object(item, f"{path}/fields/{i}", limit=2000)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{path}/accessory")

    def block_header(self, block: dict, path: str) -> None:
        self.text_object(block.get("text"), f"{path}/text", limit=150, plain_only=True)

    def block_actions(self, block: dict, path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list):
            self.problem(f"{path}/elements", "must be an array")
            return
        if len(elements) > 25:
            self.problem(
                f"{path}/elements", f"has {len(elements)} elements, more than the 25 allowed"
            )
        seen: set[str] = set()
        for i, element in enumerate(elements):
            self.element(element, f"{path}/elements/{i}")
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if action_id is not None:
                if action_id in seen:
                    self.problem(
                        f"{path}/elements/{i}/action_id",
                        f"duplicate action_id {action_id!r} within one actions block",
                    )
                seen.add(action_id)

    def block_context(self, block: dict, path: str) -> None:
        elements = block.get("elements")
        if not isinstance(elements, list):
            self.problem(f"{path}/elements", "must be an array")
            return
        if len(elements) > 10:
            self.problem(
                f"{path}/elements", f"has {len(elements)} elements, more than the 10 allowed"
            )
        for i, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") != "image":
                self.text_object(element, f"{path}/elements/{i}")

    def block_input(self, block: dict, path: str) -> None:
        self.text_object(block.get("label"), f"{path}/label", limit=2000, plain_only=True)
        self.text_object(
            block.get("hint"), f"{path}/hint", limit=2000, plain_only=True, required=False
        )
        if block.get("element") is None:
            self.problem(f"{path}/element", "is required")
        else:
            self.element(block["element"], f"{path}/element")

    # -- interactive elements
    def element(self, element: Any, path: str) -> None:
        if not isinstance(element, dict) or not isinstance(element.get("type"), str):
            self.problem(path, "must be an element object with a type")
            return
        kind = element["type"]
        self.max_len(element.get("action_id"), f"{path}/action_id", 255)
        if kind in _USES_PLACEHOLDER or "placeholder" in element:
            self.text_object(
                element.get("placeholder"),
                f"{path}/placeholder",
                limit=150,
                plain_only=True,
                required=False,
            )
        if kind == "button":
            self.text_object(element.get("text"), f"{path}/text", limit=75, plain_only=True)
            self.max_len(element.get("value"), f"{path}/value", 2000)
            self.max_len(element.get("url"), f"{path}/url", 3000)
        elif kind in _SELECTS:
            self.options(element.get("options"), f"{path}/options", most=100, plain_only=True)
            groups = element.get("option_groups")
            if isinstance(groups, list):
                for g, group in enumerate(groups):
                    if isinstance(group, dict):
                        self.options(
                            group.get("options"),
                            f"{path}/option_groups/{g}/options",
                            most=100,
                            plain_only=True,
                        )
            if element.get("initial_option") is not None:
                self.option(element["initial_option"], f"{path}/initial_option", plain_only=True)
            for i, opt in enumerate(element.get("initial_options") or []):
                self.option(opt, f"{path}/initial_options/{i}", plain_only=True)
        elif kind == "overflow":
            self.options(
                element.get("options"), f"{path}/options", most=5, least=2, plain_only=True
            )
        elif kind in ("radio_buttons", "checkboxes"):
            self.options(element.get("options"), f"{path}/options", most=10, plain_only=False)
        elif kind == "plain_text_input":
            max_length = element.get("max_length")
            if max_length is not None and (
                not isinstance(max_length, int) or isinstance(max_length, bool) or max_length > 3000
            ):
                self.problem(f"{path}/max_length", "must be an integer of at most 3000")

    # -- views
    def view(self, view: Any, path: str, *, expected: str | None) -> None:
        if not isinstance(view, dict):
            self.problem(path, "must be a view object")
            return
        kind = view.get("type")
        if kind not in ("modal", "home"):
            self.problem(f"{path}/type", f"must be modal or home, not {kind!r}")
        elif expected is not None and kind != expected:
            self.problem(f"{path}/type", f"must be {expected} for this method, not {kind!r}")
        if kind == "modal":
            self.text_object(view.get("title"), f"{path}/title", limit=24, plain_only=True)
            for key in ("submit", "close"):
                self.text_object(
                    view.get(key), f"{path}/{key}", limit=24, plain_only=True, required=False
                )
            blocks = view.get("blocks")
            has_input = isinstance(blocks, list) and any(
                isinstance(b, dict) and b.get("type") == "input" for b in blocks
            )
            if has_input and view.get("submit") is None:
                self.problem(f"{path}/submit", "is required when the modal has input blocks")
        self.max_len(view.get("private_metadata"), f"{path}/private_metadata", 3000)
        self.max_len(view.get("callback_id"), f"{path}/callback_id", 255)
        self.max_len(view.get("external_id"), f"{path}/external_id", 255)
        if "blocks" not in view:
            self.problem(f"{path}/blocks", "is required")
        else:
            self.blocks(view["blocks"], f"{path}/blocks", limit=100)


def check_message(
    violations: list[str], where: str, args: dict, *, require_content: bool = True
) -> None:
    """Message content rules shared by chat.*, files and response URLs."""
    text = args.get("text")
    blocks = args.get("blocks")
    attachments = args.get("attachments")
    markdown_text = args.get("markdown_text")
    has_text = isinstance(text, str) and text.strip() != ""
    has_blocks = isinstance(blocks, list) and len(blocks) > 0
    if markdown_text is not None and (text is not None or blocks is not None):
        violations.append(f"{where}: markdown_text cannot be combined with text or blocks")
        raise ApiError("markdown_text_conflict")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
        violations.append(
            f"{where}: text is {len(text)} characters, more than {MESSAGE_TEXT_LIMIT}"
        )
        raise ApiError("msg_too_long")
    if require_content and not (has_text or has_blocks or attachments or markdown_text):
        violations.append(f"{where}: message has neither text nor blocks")
        raise ApiError("no_text")
    if blocks is not None:
        kit = BlockKit()
        kit.blocks(blocks, "/blocks", limit=50)
        if kit.problems:
            for pointer, message in kit.problems:
                violations.append(f"{where}: {pointer}: {message}")
            raise ApiError(
                "invalid_blocks",
                messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in kit.problems],
            )
    if has_blocks and not has_text:
        # Slack accepts it (with a warning) but notifications and screen readers get nothing.
        violations.append(
            f"{where}: blocks without a top-level text fallback (notifications, accessibility)"
        )


def check_view(violations: list[str], where: str, view: Any, *, expected: str | None) -> None:
    """A modal's or home tab's limits; ``expected`` is the type the method takes."""
    kit = BlockKit()
    kit.view(view, "/view", expected=expected)
    if kit.problems:
        for pointer, message in kit.problems:
            violations.append(f"{where}: {pointer}: {message}")
        raise ApiError(
            "invalid_arguments",
            messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in kit.problems],
        )
