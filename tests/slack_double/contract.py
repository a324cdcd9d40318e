"""Slack's contract for a Web API call, read from Slack's own method reference.

``methods/<method>.json`` in the shared slack-reference folder gives each method's
arguments as a draft-7 JSON Schema, the bot scopes it needs and whether it takes a JSON
body. A call is checked against it in the order Slack checks: the token, the encoding of
the body, the scope, then the arguments. Whatever real Slack would refuse is recorded as
a violation and refused with Slack's error.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

from tests.slack_double.records import ApiError

# slack_sdk adds `team_id` to every call of a client bound to a workspace (Bolt's per-request
# client does), and Slack accepts it on every method, for org-wide installs.
_UNIVERSAL_ARGS = frozenset({"team_id"})
# Arguments that Slack takes as JSON-encoded strings; parsed for Call.args and checks.
_JSON_ARGS = frozenset(
    {"blocks", "attachments", "view", "files", "metadata", "unfurled_attachments"}
)
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_METHOD_NAME = re.compile(r"^[A-Za-z0-9_.]+$")


def default_reference_dir() -> Path:
    """``$SLACK_REFERENCE_DIR`` if set, else ``<repo parent>/shared/slack-reference``."""
    env = os.environ.get("SLACK_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "slack-reference"


@dataclass
class ApiRequest:
    """A Web API request as it arrived: raw arguments (token removed), encoding, token."""

    method: str
    args: dict
    is_json: bool
    decode_problem: str | None
    token: str | None
    basic: tuple[str, str] | None = None  # HTTP Basic credentials (client id and secret)


class Reference:
    """Slack's method reference, each method's schema read once and kept."""

    def __init__(self, directory: Path) -> None:
        if not (directory / "methods").is_dir():
            raise FileNotFoundError(f"no Slack method reference under {directory}")
        self.directory = directory
        self._schemas: dict[str, dict | None] = {}
        self._validators: dict[str, Draft7Validator] = {}

    def schema(self, method: str) -> dict | None:
        """The method's reference entry, or None when Slack has no such method."""
        if method not in self._schemas:
            schema = None
            if _METHOD_NAME.match(method):
                file = self.directory / "methods" / f"{method}.json"
                if file.is_file():
                    schema = json.loads(file.read_text(encoding="utf-8"))
                    self._validators[method] = Draft7Validator(schema.get("args") or {})
            self._schemas[method] = schema
        return self._schemas[method]

    def prepare_args(
        self, method: str, schema: dict, raw_args: dict
    ) -> tuple[dict, list[tuple[str, str]]]:
        """(args for Call and handlers, [(json pointer, problem)]).

        Values are coerced to the schema's types the way Slack reads form fields; the
        schema is checked against those, while Call.args also gets JSON-string arguments
        (blocks, view, files...) parsed into Python objects.
        """
        arg_schema = schema.get("args") or {}
        properties = arg_schema.get("properties") or {}
        problems: list[tuple[str, str]] = []
        checked: dict[str, Any] = {}
        call_args: dict[str, Any] = {}
        for key, value in raw_args.items():
            prop = properties.get(key)
            if prop is None and key in _UNIVERSAL_ARGS:
                call_args[key] = value
                continue
            if prop is None:
                problems.append((f"/{key}", f"unknown argument {key!r}: not in Slack's schema"))
                call_args[key] = value
                continue
            coerced = _coerce(value, prop)
            checked[key] = coerced
            call_value = coerced if isinstance(value, str) else value
            if key in _JSON_ARGS and isinstance(call_value, str):
                try:
                    call_value = json.loads(call_value)
                except ValueError:
                    problems.append((f"/{key}", "is not valid JSON"))
            call_args[key] = call_value
        if "token" in properties:  # the token itself is checked separately
            checked["token"] = "xoxb-checked"
        for error in self._validators[method].iter_errors(checked):
            problems.append((_pointer(error.absolute_path), error.message))
        return call_args, problems


def check_call(
    request: ApiRequest,
    schema: dict,
    arg_problems: list[tuple[str, str]],
    *,
    tokens: dict[str, str],
    scopes: set[str] | None,
    violations: list[str],
    revoked: set[str],
) -> None:
    """Raise the ApiError Slack would answer, recording why, or return if Slack would serve it."""
    method = request.method
    if method == "files.upload":
        violations.append(
            "files.upload: retired by Slack; use files.getUploadURLExternal, a POST of the "
            "bytes and files.completeUploadExternal (WebClient.files_upload_v2)"
        )
        raise ApiError("method_deprecated")

    properties = (schema.get("args") or {}).get("properties") or {}
    if "token" in properties:
        if not request.token:
            raise ApiError("not_authed")
        if request.token not in tokens:
            raise ApiError("invalid_auth")
        if request.token in revoked:
            raise ApiError("token_revoked")

    if request.decode_problem:
        violations.append(f"{method}: {request.decode_problem}")
        raise ApiError("invalid_arguments", messages=[f"[ERROR] {request.decode_problem}"])
    if request.is_json and not schema.get("json_input_supported"):
        problem = "does not accept a JSON body; send form-encoded arguments"
        violations.append(f"{method}: {problem}")
        raise ApiError("invalid_arguments", messages=[f"[ERROR] {problem}"])

    _check_scope(method, schema, scopes, violations)

    if arg_problems:
        for pointer, message in arg_problems:
            violations.append(f"{method}: {pointer}: {message}")
        raise ApiError(
            "invalid_arguments",
            messages=[f"[ERROR] {m} [json-pointer:{p}]" for p, m in arg_problems],
        )


def _check_scope(method: str, schema: dict, scopes: set[str] | None, violations: list[str]) -> None:
    """Any one of the method's bot scopes suffices; ``scopes=None`` grants them all."""
    if scopes is None or schema.get("no_scope_required"):
        return
    needed = (schema.get("scope") or {}).get("bot") or []
    if not needed or set(needed) & scopes:
        return
    violations.append(
        f"{method}: missing_scope: needs one of {sorted(needed)}, granted {sorted(scopes)}"
    )
    raise ApiError(
        "missing_scope",
        extra={"needed": ",".join(needed), "provided": ",".join(sorted(scopes))},
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _schema_types(prop: dict) -> set[str]:
    """Every JSON type a property schema mentions (type, anyOf, oneOf, allOf)."""
    types: set[str] = set()
    declared = prop.get("type")
    if isinstance(declared, str):
        types.add(declared)
    elif isinstance(declared, list):
        types.update(declared)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in prop.get(key) or []:
            if isinstance(sub, dict):
                types |= _schema_types(sub)
    return types


def _coerce(value: Any, prop: dict) -> Any:
    """Turn a wire value into what the property schema expects, as Slack would read it."""
    types = _schema_types(prop)
    if not types:
        return value
    if isinstance(value, str):
        if "string" in types:
            return value
        text = value.strip()
        if "boolean" in types and text.lower() in _BOOLEANS:
            return _BOOLEANS[text.lower()]
        if types & {"integer", "number"} and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if "number" in types:
            try:
                return float(text)
            except ValueError:
                pass
        if types & {"array", "object"}:
            try:
                return json.loads(value)
            except ValueError:
                if "array" in types:  # Slack also takes comma-separated lists
                    return [part.strip() for part in value.split(",") if part.strip()]
        return value
    actual = _json_type(value)
    if actual in types or (actual == "integer" and "number" in types):
        return value
    if "string" in types:  # a JSON body may carry natively what forms carry as strings
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
    return value


def _pointer(path: Iterable[Any]) -> str:
    return "/" + "/".join(str(part) for part in path)
