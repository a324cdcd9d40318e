"""The process's log: plain lines for a person at a terminal, or one JSON object a line for a
log collector (LOG_FORMAT=json), at LOG_LEVEL (default INFO). Read from the environment before
anything else, so that even a configuration error is logged the chosen way."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the
    traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(env: Mapping[str, str]) -> list[str]:
    """Set up the root logger; returns what in `env` could not be used, to log once set up."""
    problems = []
    level_name = (env.get("LOG_LEVEL") or "INFO").upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        problems.append(f"LOG_LEVEL={level_name!r} is not a level; INFO is used")
        level = logging.INFO
    kind = (env.get("LOG_FORMAT") or "text").lower()
    if kind not in ("text", "json"):
        problems.append(f"LOG_FORMAT={kind!r} is neither text nor json; text is used")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])  # a no-op where logging is set up
    return problems
