"""The log a collector reads: one JSON object a line with LOG_FORMAT=json, the traceback inside
it, and a wrong setting said rather than fatal."""

from __future__ import annotations

import json
import logging
import sys

from bot.logs import JsonFormatter, configure


def test_a_json_line_holds_the_record_and_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("bot.scheduler").makeRecord(
            "bot.scheduler", logging.ERROR, __file__, 1, "job %s failed", ("k",), None
        )
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "ERROR" and entry["logger"] == "bot.scheduler"
    assert entry["message"] == "job k failed"
    assert entry["time"].endswith("+00:00") and "ValueError: boom" in entry["traceback"]


def test_wrong_settings_are_said_not_fatal():
    problems = configure({"LOG_LEVEL": "LOUD", "LOG_FORMAT": "xml"})
    assert len(problems) == 2 and "INFO is used" in problems[0] and "text is used" in problems[1]
    assert configure({"LOG_LEVEL": "debug", "LOG_FORMAT": "JSON"}) == []
