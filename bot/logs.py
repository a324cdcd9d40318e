"""The process's log: plain lines for a person at a terminal, or one JSON object a line for a
log collector (LOG_FORMAT=json), at LOG_LEVEL (default INFO). Read from the environment before
anything else, so that even a configuration error is logged the chosen way.

Each line says what it belongs to: the request from Slack (`request_id`, one per request, the
same in the listeners that run after the answer) or the scheduled occurrence (`job`, its key),
set with `working_on` by the edge, the listener plumbing and the scheduler."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# What the thread is working on: a request from Slack, or a scheduled occurrence.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
JOB: ContextVar[str | None] = ContextVar("job", default=None)


# Where a request's id travels with it in Bolt's context, to the listeners' threads.
REQUEST_KEY = "request_id"


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def working_on(*, request_id: str | None = None, job: str | None = None) -> Iterator[None]:
    """Log lines written meanwhile, in this thread, name this request or job."""
    tokens = []
    if request_id is not None:
        tokens.append((REQUEST_ID, REQUEST_ID.set(request_id)))
    if job is not None:
        tokens.append((JOB, JOB.set(job)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class WorkFilter(logging.Filter):
    """Stamps each record, as it is written, with the request or job its thread works on."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, var in (("request_id", REQUEST_ID), ("job", JOB)):
            if not hasattr(record, key):
                setattr(record, key, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request or
    job it belongs to, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", REQUEST_ID), ("job", JOB)):
            value = getattr(record, key, None) or var.get()
            if value is not None:
                entry[key] = value
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
    handler.addFilter(WorkFilter())
    handler.setFormatter(JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])  # a no-op where logging is set up
    return problems
