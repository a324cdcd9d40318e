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


def test_each_line_names_its_request_even_from_the_listeners_threads(slack, double):
    import io
    import urllib.parse

    from bot.logs import WorkFilter
    from tests.conftest import MEMBER, TEAM_CHANNEL

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(WorkFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        double.fail_next("users.info", status=500, times=6)  # a warning, in a listener
        slack.command("/idea", "", user=MEMBER, channel=TEAM_CHANNEL)
        slack.settle()
        body = urllib.parse.urlencode(
            slack.command_body("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL)
        )
        slack.post(body, signature="v0=" + "0" * 64)  # refused at the edge: a warning there
    finally:
        logging.getLogger().removeHandler(handler)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    profile = [e for e in entries if "could not refresh the profile" in e["message"]]
    refused = [e for e in entries if "refused a request" in e["message"]]
    assert profile and refused
    assert len({e["request_id"] for e in profile}) == 1  # one request, whatever the thread
    assert refused[0]["request_id"] != profile[0]["request_id"]


def test_a_jobs_lines_name_the_job():
    from bot.logs import WorkFilter, working_on

    record = logging.getLogger("bot.jobs").makeRecord(
        "bot.jobs", logging.INFO, __file__, 1, "prompted", (), None
    )
    with working_on(job="standup_prompt:team=3:2026-11-02T08:00:00+00:00"):
        WorkFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["job"] == "standup_prompt:team=3:2026-11-02T08:00:00+00:00"
    assert "request_id" not in entry
