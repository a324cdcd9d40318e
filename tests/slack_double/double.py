"""The double itself: its lifecycle, the workspace tests set up, faults, and what it saw."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tests.slack_double import chat, conversations, files, oauth, responses, users, views
from tests.slack_double.contract import ApiRequest, Reference, check_call, default_reference_dir
from tests.slack_double.records import ApiError, Call, Failure, Reply, ResponseUrl, Trigger
from tests.slack_double.server import Server, decode_api_request

Handler = Callable[["SlackDouble", dict], dict]

# Every Web API method the double serves, by family; a call to any other method of Slack's
# reference is a violation, so a method the app starts to use is added here, never faked.
METHODS: dict[str, Handler] = {
    **users.METHODS,
    **conversations.METHODS,
    **chat.METHODS,
    **views.METHODS,
    **files.METHODS,
    **oauth.METHODS,
}


class SlackDouble:
    """A thread-safe, in-process stand-in for Slack's Web API (see the package docstring)."""

    BOT_TOKEN = "xoxb-test-token"
    TEAM_ID = "T0AGILE01"
    TEAM_NAME = "Agile Test"
    TEAM_DOMAIN = "agilebot-test"
    BOT_USER_ID = "UBOTAGILE"
    BOT_ID = "BBOTAGILE"
    BOT_NAME = "agilebot"
    APP_ID = "A0AGILE01"

    def __init__(self, reference_dir: Path | None = None, scopes: set[str] | None = None) -> None:
        self.reference = Reference(
            Path(reference_dir) if reference_dir else default_reference_dir()
        )
        self._initial_scopes = set(scopes) if scopes is not None else None
        self.scopes: set[str] | None = set(scopes) if scopes is not None else None
        self._lock = threading.RLock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)
        self._clear()

    # ------------------------------------------------------------------ lifecycle

    def _clear(self) -> None:
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.messages: dict[str, list[dict]] = defaultdict(list)
        self.ephemeral: list[dict] = []
        self.responses: list[dict] = []
        self.views: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._failures: dict[str, list[Failure]] = defaultdict(list)
        self.slow: dict[str, float] = {}  # method -> seconds Slack takes to answer it
        # Workspaces and their bot tokens: the test workspace's, and any installed with OAuth
        # (tests.slack_double.oauth); a revoked token is refused on every call.
        self.teams: dict[str, dict] = {
            self.TEAM_ID: {"id": self.TEAM_ID, "name": self.TEAM_NAME, "enterprise_id": None}
        }
        self.tokens: dict[str, str] = {self.BOT_TOKEN: self.TEAM_ID}
        self.revoked: set[str] = set()
        self.codes: dict[str, dict] = {}  # OAuth codes issued by the authorize page
        self.oauth_redirect_url: str | None = None  # the app's configured redirect URL
        self.current: ApiRequest | None = None  # the call being answered, under the lock
        self.current_team: str = self.TEAM_ID

    def start(self) -> None:
        if self._server is not None:
            return
        self._server = Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-double", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackDouble:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget all state (and restore the scopes given to the constructor)."""
        with self._lock:
            self._clear()
            self.scopes = set(self._initial_scopes) if self._initial_scopes is not None else None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SlackDouble is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ fixtures

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "Europe/Rome",
        locale: str = "en-US",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        team: str | None = None,
    ) -> dict:
        ZoneInfo(tz)  # fail fast on a bad fixture
        name = name or user_id.lower()
        user = {
            "id": user_id,
            "name": name,
            "real_name": real_name or name,
            "tz": tz,
            "locale": locale,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "deleted": deleted,
            "is_bot": is_bot,
            "team": team or self.TEAM_ID,
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: Iterable[str] = (),
        bot_member: bool = True,
        is_private: bool = False,
        is_archived: bool = False,
        team: str | None = None,
    ) -> dict:
        channel = {
            "id": channel_id,
            "name": name,
            "members": list(members),
            "bot_member": bot_member,
            "is_private": is_private,
            "is_archived": is_archived,
            "created": 1690000000,
            "team": team or self.TEAM_ID,
        }
        with self._lock:
            self.channels[channel_id] = channel
        return channel

    def add_team(self, team_id: str, name: str, *, enterprise_id: str | None = None) -> dict:
        """Another workspace, where the app can be installed with OAuth."""
        team = {"id": team_id, "name": name, "enterprise_id": enterprise_id}
        with self._lock:
            self.teams[team_id] = team
        return team

    def revoke_tokens(self, team_id: str | None = None) -> None:
        """An admin revoked the bot's token, or uninstalled the app: every call with any of
        the workspace's tokens is refused with token_revoked."""
        team_id = team_id or self.TEAM_ID
        with self._lock:
            self.revoked |= {t for t, team in self.tokens.items() if team == team_id}

    def reinstate_tokens(self, team_id: str | None = None) -> None:
        team_id = team_id or self.TEAM_ID
        with self._lock:
            self.revoked -= {t for t, team in self.tokens.items() if team == team_id}

    def token_of(self, team_id: str) -> str:
        """The workspace's newest bot token."""
        with self._lock:
            return [t for t, team in self.tokens.items() if team == team_id][-1]

    def new_trigger_id(self, *, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger id good for one views.open within 3 seconds.

        ``user_id`` is the user who interacted (recorded on the opened view);
        ``view_id`` is the view the interaction came from.
        """
        with self._lock:
            n = next(self._id_counter)
            trigger_id = f"{n}.{self.TEAM_ID[1:]}.{secrets.token_hex(16)}"
            self.triggers[trigger_id] = Trigger(trigger_id, time.monotonic(), user_id, view_id)
            return trigger_id

    def new_response_url(self, channel_id: str, user_id: str) -> str:
        with self._lock:
            url_id = f"{self.TEAM_ID}/{next(self._id_counter)}/{secrets.token_hex(12)}"
            self.response_urls[url_id] = ResponseUrl(url_id, channel_id, user_id, time.monotonic())
            return f"{self.base_url}/response/{url_id}"

    def fail_next(
        self,
        method: str,
        *,
        error: str | None = None,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
        after_processing: bool = False,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail (before any other check), or, with
        ``after_processing``, do their work and then answer with the failure: a 5xx or a
        dropped answer after Slack posted the message."""
        if status == 200 and not error:
            raise ValueError("fail_next with status 200 needs an error")
        with self._lock:
            self._failures[method].append(
                Failure(error, status, retry_after, times, after_processing)
            )

    # ------------------------------------------------------------------ observation

    def calls_to(self, method: str, *, ok: bool | None = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = lambda call: True,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls_to(method) if predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        with self._lock:
            seen = list(self.calls)
            violations = list(self.violations)
        lines = [
            f"wait_for({method!r}, count={count}) timed out after {timeout}s: "
            f"{len(matching)} successful matching call(s); {len(seen)} call(s) seen:"
        ]
        for c in seen:
            outcome = "ok" if c.ok else f"error={c.response.get('error')!r} status={c.status}"
            lines.append(f"  {c.method} {outcome} args={_short(c.args)}")
        if not seen:
            lines.append("  (none)")
        if violations:
            lines.append("violations:")
            lines.extend(f"  {v}" for v in violations)
        raise AssertionError("\n".join(lines))

    def dm_channel(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def notifying(self, channel_or_user_id: str) -> list[dict]:
        """The messages that told the channel's members something: new posts in the channel
        and thread replies sent to the channel too. (An edit notifies no one, and a plain
        thread reply only those who follow the thread.)"""
        return [
            m
            for m in self.messages_in(channel_or_user_id)
            if not m["thread_ts"] or m["reply_broadcast"]
        ]

    def messages_in(self, channel_or_user_id: str) -> list[dict]:
        channel = channel_or_user_id
        if channel.startswith(("U", "W")):
            channel = self.dm_channel(channel)
        with self._lock:
            return list(self.messages.get(channel, []))

    def _user_payload(self, user: dict, *, include_locale: bool) -> dict:
        """A user as users.info answers it (tests build user_change events from it)."""
        return users.user_payload(self, user, include_locale=include_locale)

    # ------------------------------------------------------------------ for the method modules

    def record_violation(self, text: str) -> None:
        with self._lock:
            self.violations.append(text)

    def next_ts(self) -> str:
        """A message timestamp, unique and increasing across the double's life."""
        micros = 100 * next(self._ts_counter)
        return f"{1700000000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):08X}"

    # ------------------------------------------------------------------ serving

    def route(self, verb: str, raw_path: str, headers: Any, body: bytes) -> Reply:
        """Answer one HTTP request: the Web API, a file upload URL or a response URL."""
        url = urlsplit(raw_path)
        path = url.path
        if path.startswith("/api/"):
            return self._api(decode_api_request(path[len("/api/") :], url.query, headers, body))
        if path.startswith("/upload/") and verb == "POST":
            with self._lock:
                return files.upload(self, path[len("/upload/") :], headers, body)
        if path.startswith("/response/") and verb == "POST":
            with self._lock:
                return responses.respond(self, path[len("/response/") :], body)
        if path.startswith("/oauth/v2/authorize") and verb == "GET":
            with self._lock:
                return oauth.authorize_page(self, path, url.query)
        return Reply(404, "Not Found")

    def _api(self, request: ApiRequest) -> Reply:
        if self.slow.get(request.method):  # a slow Slack, outside the lock: other calls go on
            time.sleep(self.slow[request.method])
        with self._lock:
            reply, call_args = self._process(request)
            response = reply.body if isinstance(reply.body, dict) else {}
            self.calls.append(
                Call(
                    request.method,
                    call_args,
                    reply.status,
                    response,
                    response.get("ok") is True,
                    self.tokens.get(request.token or ""),
                )
            )
            return reply

    def _process(self, request: ApiRequest) -> tuple[Reply, dict]:
        method = request.method
        schema = self.reference.schema(method)
        if schema is None:
            self.violations.append(f"{method}: not a Web API method in Slack's reference")
            return ApiError("unknown_method").reply(), dict(request.args)
        call_args, arg_problems = self.reference.prepare_args(method, schema, request.args)
        try:
            reply = self._answer(request, schema, call_args, arg_problems)
        except ApiError as err:
            reply = err.reply()
        return reply, call_args

    def _answer(
        self,
        request: ApiRequest,
        schema: dict,
        args: dict,
        arg_problems: list[tuple[str, str]],
    ) -> Reply:
        queue = self._failures.get(request.method)
        failure = queue[0] if queue else None
        if failure is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
            if not failure.after_processing:  # from Slack's edge, before any check
                return failure.reply()
        check_call(
            request,
            schema,
            arg_problems,
            tokens=self.tokens,
            scopes=self.scopes,
            violations=self.violations,
            revoked=self.revoked,
        )
        self.current, self.current_team = request, self.tokens.get(request.token or "", "")
        if request.token:
            self._check_workspace(request.method, args)
        handler = METHODS.get(request.method)
        if handler is None:
            self.violations.append(
                f"{request.method}: a Slack method the double does not serve; "
                "add it to tests/slack_double with the rest of its family"
            )
            raise ApiError("unknown_method")
        reply = Reply(200, {"ok": True, **handler(self, args)})
        return failure.reply() if failure is not None else reply

    def _check_workspace(self, method: str, args: dict) -> None:
        """A channel or person of one workspace, asked about with another's token: Slack
        finds no such thing (and an app that does it mixes up its workspaces)."""
        for key, error in (("channel", "channel_not_found"), ("user", "user_not_found")):
            ref = args.get(key)
            owner = self._team_of(ref) if isinstance(ref, str) else None
            if owner is not None and owner != self.current_team:
                self.violations.append(
                    f"{method}: {key} {ref} is in workspace {owner}, asked with the token of "
                    f"{self.current_team}"
                )
                raise ApiError(error)

    def _team_of(self, ref: str) -> str | None:
        if ref in self.users:
            return self.users[ref]["team"]
        if ref in self.channels:
            return self.channels[ref]["team"]
        if ref.startswith("D"):
            for user_id in ("U" + ref[1:], "W" + ref[1:]):
                if user_id in self.users:
                    return self.users[user_id]["team"]
        return None


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
