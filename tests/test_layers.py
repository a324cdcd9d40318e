"""The house's rules, read from the code's imports: no circles anywhere in `bot/`, the domain
free of Slack, views, charts and handlers, the scheduler knowing none of its jobs, views and
messaging below the handlers. A change that breaks a rule fails here, naming the import."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"

# Who may not import whom (prefixes of module names).
FORBIDDEN = {
    "bot.models": (
        "bot.services",
        "bot.views",
        "bot.handlers",
        "bot.jobs",
        "bot.messaging",
        "slack_sdk",
        "slack_bolt",
        "charts",
    ),
    "bot.services": (
        "bot.views",
        "bot.handlers",
        "bot.jobs",
        "bot.messaging",
        "bot.mrkdwn",
        "bot.slack",
        "slack_sdk",
        "slack_bolt",
        "charts",
        "matplotlib",
    ),
    # Views may name Slack's error codes (bot.slack), never call Slack or the database.
    "bot.views": (
        "bot.handlers",
        "bot.jobs",
        "bot.messaging",
        "bot.db",
        "slack_sdk",
        "slack_bolt",
        "sqlalchemy",
    ),
    "bot.scheduler": ("bot.jobs", "bot.messaging", "bot.handlers", "bot.services", "bot.views"),
    "bot.jobs": ("bot.handlers", "bot.views"),
    "bot.messaging": ("bot.handlers", "bot.jobs"),
}


def _module(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module of `bot/` and what it imports, at any depth of its code."""
    graph: dict[str, set[str]] = {}
    for path in BOT.rglob("*.py"):
        module, names = _module(path), set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[module] = names
    return graph


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_each_layer_imports_only_what_is_below_it():
    broken = [
        f"{module} imports {name}"
        for module, names in sorted(_imports().items())
        for layer, forbidden in FORBIDDEN.items()
        if _within(module, layer)
        for name in sorted(names)
        if any(_within(name, f) for f in forbidden)
    ]
    assert not broken, "\n".join(broken)


def test_no_import_circles_in_bot():
    graph = _imports()
    modules = set(graph)
    edges = {m: {n for n in names if n in modules and n != m} for m, names in graph.items()}
    # A package's __init__ may gather its own modules (bot.jobs lists its jobs): not a circle.
    edges = {m: {n for n in ns if not _within(m, n)} for m, ns in edges.items()}
    circles, done, path = [], set(), []

    def visit(module: str) -> None:
        if module in path:
            circles.append(" -> ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        path.append(module)
        for name in sorted(edges[module]):
            visit(name)
        path.pop()
        done.add(module)

    for module in sorted(modules):
        visit(module)
    assert not circles, "\n".join(circles)
