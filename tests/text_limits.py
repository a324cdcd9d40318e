"""Where each translatable text goes in Block Kit, and the length Slack allows there, found by
reading the source (AST) rather than from a hand-kept list.

A text reaches Slack as a plain-text object: `plain(text[, limit])` or a literal
`{"type": "plain_text", "text": ...}`, or through the helpers `button(text, ...)` and
`option(text, ...)`. Its limit follows from where the object sits: the key of the dict it is a
value of, and what that dict is (a modal, a confirm dialog, an option, a header). The text
itself is followed back to its msgids through variables (`title = tr.gettext("Plan a sprint")
if ... else tr.gettext("Edit the sprint")`), parameters (the arguments at the function's call
sites), helper functions (what `column_label(...)` returns) and f-strings.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

Msgid = str | tuple[str, str]

# Slack's limits (https://api.slack.com/reference/block-kit/composition-objects and /surfaces)
MODAL_TEXT_MAX = 24  # a modal's title, submit and close
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30  # a confirm dialog's confirm and deny
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
PLACEHOLDER_MAX = 150
HEADER_TEXT_MAX = 150
LABEL_MAX = 2000  # an input block's label and hint
HELPERS = {"button": BUTTON_TEXT_MAX, "option": OPTION_TEXT_MAX}
GETTEXT = {"gettext", "ngettext", "N_"}


class Module:
    """One source file: its functions, and each node's enclosing function."""

    def __init__(self, path: Path, registry: dict[str, list[tuple[Module, ast.FunctionDef]]]):
        self.path = path
        self.registry = registry  # the module-level functions of every module, by name
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parent: dict[ast.AST, ast.AST] = {}
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
            if isinstance(node, ast.FunctionDef):
                self.functions.setdefault(node.name, []).append(node)
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef):
                registry.setdefault(node.name, []).append((self, node))
        self.constants = {
            target.id: node.value.value
            for node in self.tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    # --- from an expression to its msgids ---------------------------------------------------

    def msgids(self, expr: ast.AST, seen: frozenset = frozenset()) -> set[Msgid]:
        """The msgids whose translation can end up in the value of `expr`."""
        if (id(expr)) in seen:
            return set()
        seen = seen | {id(expr)}
        found: set[Msgid] = set()
        for node in _walk_value(expr):
            if isinstance(node, ast.Call):
                name = _call_name(node)
                if name in GETTEXT:
                    msgid = _msgid(node, name)
                    if msgid is not None:
                        found.add(msgid)
                elif isinstance(node.func, ast.Name):
                    # a helper such as column_label(): what it returns, here or imported
                    here = [(self, f) for f in self.functions.get(name, [])]
                    for module, function in here or self.registry.get(name or "", []):
                        found |= module.returned(function, seen)
            elif isinstance(node, ast.Name):
                found |= self._name(node, seen)
        return found

    def returned(self, function: ast.FunctionDef, seen: frozenset) -> set[Msgid]:
        found: set[Msgid] = set()
        for node in ast.walk(function):
            mine = isinstance(node, ast.Return) and self.function_of(node) is function
            if mine and node.value is not None:
                found |= self.msgids(node.value, seen)
        return found

    def _name(self, name: ast.Name, seen: frozenset) -> set[Msgid]:
        function = self.function_of(name)
        found: set[Msgid] = set()
        while function is not None:
            assigned = [
                node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign | ast.AnnAssign)
                and node.value is not None
                and any(
                    isinstance(t, ast.Name) and t.id == name.id
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                )
            ]
            for value in assigned:
                found |= self.msgids(value, seen)
            params = [a.arg for a in function.args.args + function.args.kwonlyargs]
            if name.id in params:
                found |= self._arguments(function, params.index(name.id), name.id, seen)
            if assigned or name.id in params:
                return found
            function = self.function_of(function)
        return found

    def _arguments(
        self, function: ast.FunctionDef, index: int, keyword: str, seen: frozenset
    ) -> set[Msgid]:
        """What the call sites of `function` (in this module) pass as this parameter."""
        found: set[Msgid] = set()
        for call in ast.walk(self.tree):
            if isinstance(call, ast.Call) and _call_name(call) == function.name:
                if index < len(call.args):
                    found |= self.msgids(call.args[index], seen)
                for kw in call.keywords:
                    if kw.arg == keyword:
                        found |= self.msgids(kw.value, seen)
        return found

    # --- where each plain-text object goes ---------------------------------------------------

    def limits(self) -> Iterator[tuple[Msgid, int, str]]:
        """(msgid, limit, where) for every text this module puts in a length-limited place."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and _call_name(node) in HELPERS and node.args:
                name = _call_name(node)
                for msgid in self.msgids(node.args[0]):
                    yield msgid, HELPERS[name], f"{self.path.name}:{node.lineno} {name}()"
            text = self._plain_text(node)
            if text is None:
                continue
            limit = self._explicit_limit(node)
            if limit is None:
                limit = self._limit_from_place(node)
            if limit is None:
                continue
            for msgid in self.msgids(text):
                yield msgid, limit, f"{self.path.name}:{node.lineno}"

    def _plain_text(self, node: ast.AST) -> ast.AST | None:
        """The text of a plain-text object: `plain(text, ...)` or a plain_text dict."""
        if isinstance(node, ast.Call) and _call_name(node) == "plain" and node.args:
            return node.args[0]
        if isinstance(node, ast.Dict) and _dict_str(node, "type") == "plain_text":
            return _dict_value(node, "text")
        return None

    def _explicit_limit(self, node: ast.AST) -> int | None:
        if isinstance(node, ast.Call) and len(node.args) > 1:
            limit = node.args[1]
            if isinstance(limit, ast.Constant) and isinstance(limit.value, int):
                return limit.value
            if isinstance(limit, ast.Name) and isinstance(self.constants.get(limit.id), int):
                return self.constants[limit.id]
        return None

    def _limit_from_place(self, node: ast.AST) -> int | None:
        parent = self.parent.get(node)
        if not isinstance(parent, ast.Dict):
            return None
        key = next(
            (k.value for k, v in zip(parent.keys, parent.values, strict=True) if v is node), None
        )
        keys = {k.value for k in parent.keys if isinstance(k, ast.Constant)}
        is_confirm = {"confirm", "deny"} <= keys or ("title" in keys and "confirm" in keys)
        is_modal = _dict_str(parent, "type") == "modal" or bool({"submit", "close"} & keys)
        if key in ("submit", "close") or (key == "title" and is_modal):
            return MODAL_TEXT_MAX
        if is_confirm:
            return {
                "title": CONFIRM_TITLE_MAX,
                "text": CONFIRM_TEXT_MAX,
                "confirm": CONFIRM_BUTTON_MAX,
                "deny": CONFIRM_BUTTON_MAX,
            }.get(key)
        if key == "placeholder":
            return PLACEHOLDER_MAX
        if key in ("label", "hint"):
            return LABEL_MAX
        if key == "text" and "value" in keys:
            return OPTION_TEXT_MAX
        if key == "text" and _dict_str(parent, "type") == "header":
            return HEADER_TEXT_MAX
        if key == "text" and _dict_str(parent, "type") == "button":
            return BUTTON_TEXT_MAX
        return None


def _walk_value(expr: ast.AST) -> Iterator[ast.AST]:
    """The nodes of an expression whose text can flow into its value: not into a nested dict
    (a different Block Kit object) nor into the arguments of `.format()` (placeholders)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
            stack.extend(node.value.values)  # a lookup table: {kind: tr.gettext(...)}[kind]
            continue
        if isinstance(node, ast.Dict | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
                stack.append(node.func.value)
                continue
            if _call_name(node) in GETTEXT:
                continue
            if _call_name(node) in ("len", "str", "int", "json.dumps"):
                continue
        stack.extend(ast.iter_child_nodes(node))


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _msgid(call: ast.Call, name: str) -> Msgid | None:
    texts = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if name == "ngettext":
        return (texts[0], texts[1]) if len(texts) >= 2 else None
    return texts[0] if texts else None


def _dict_value(node: ast.Dict, key: str) -> ast.AST | None:
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == key:
            return v
    return None


def _dict_str(node: ast.Dict, key: str) -> str | None:
    value = _dict_value(node, key)
    return value.value if isinstance(value, ast.Constant) else None


@cache
def text_limits(root: Path) -> dict[Msgid, tuple[int, str]]:
    """msgid -> (the tightest limit of the places it goes, one such place), over bot/."""
    limits: dict[Msgid, tuple[int, str]] = {}
    registry: dict[str, list[tuple[Module, ast.FunctionDef]]] = {}
    modules = [Module(path, registry) for path in sorted((root / "bot").rglob("*.py"))]
    for module in modules:
        for msgid, limit, where in module.limits():
            if msgid not in limits or limit < limits[msgid][0]:
                limits[msgid] = (limit, where)
    return limits
