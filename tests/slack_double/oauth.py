"""Add to Slack: Slack's authorize page (``/oauth/v2/authorize``) and oauth.v2.access.

The page shows what the app asks for and lets the installer choose the workspace (or, for an
Enterprise Grid organization, the whole organization), then Allow or Cancel, as Slack's does:
Allow sends the browser back to the app's redirect URL with a one-time ``code`` and the app's
``state``; Cancel with ``error=access_denied``. oauth.v2.access exchanges a code, once, within
ten minutes, for a bot token of that workspace, checking the app's client id and secret (sent
with HTTP Basic, as slack_sdk does, or as arguments).
"""

from __future__ import annotations

import html
import secrets
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

from tests.slack_double.records import ApiError, Reply

if TYPE_CHECKING:
    from tests.slack_double.double import Handler, SlackDouble

CLIENT_ID = "1234567890.0987654321"
CLIENT_SECRET = "double-client-secret"
CODE_TTL = 600.0  # seconds an OAuth code stays good


def authorize_page(double: SlackDouble, path: str, query: str) -> Reply:
    params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if params.get("client_id") != CLIENT_ID:
        return _page(400, "Invalid client_id parameter", "<p>This app is not known.</p>")
    scopes = [s for s in (params.get("scope") or "").split(",") if s]
    redirect = params.get("redirect_uri") or double.oauth_redirect_url
    if not scopes or redirect is None:
        return _page(400, "Invalid request", "<p>No scope, or nowhere to return to.</p>")
    if path.endswith("/decide"):
        return _decide(double, params, scopes, redirect)
    options = "".join(
        f'<option value="{html.escape(team["id"])}">{html.escape(team["name"])}</option>'
        + (
            f'<option value="org:{html.escape(team["enterprise_id"])}">'
            f"the whole organization {html.escape(team['enterprise_id'])}</option>"
            if team["enterprise_id"]
            else ""
        )
        for team in double.teams.values()
    )
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
    )
    scope_list = "".join(f"<li>{html.escape(s)}</li>" for s in scopes)
    return _page(
        200,
        "agilebot is requesting permission to access a Slack workspace",
        f'<form action="/oauth/v2/authorize/decide" method="get">{hidden}'
        f'<label>Workspace <select id="team" name="team">{options}</select></label>'
        f"<p>It will be able to:</p><ul>{scope_list}</ul>"
        '<button id="allow" name="decision" value="allow">Allow</button>'
        '<button id="cancel" name="decision" value="cancel">Cancel</button></form>',
    )


def _decide(double: SlackDouble, params: dict, scopes: list[str], redirect: str) -> Reply:
    back = {"state": params.get("state", "")}
    if params.get("decision") != "allow":
        back["error"] = "access_denied"
    else:
        team = params.get("team") or double.TEAM_ID
        org = team.startswith("org:")
        code = f"{int(time.time())}.{secrets.token_hex(16)}"
        double.codes[code] = {
            "team_id": None if org else team,
            "enterprise_id": team[4:] if org else double.teams[team]["enterprise_id"],
            "scopes": scopes,
            "redirect_uri": params.get("redirect_uri"),
            "issued_at": time.monotonic(),
            "used": False,
        }
        back["code"] = code
    return Reply(302, "", {"Location": f"{redirect}?{urlencode(back)}"})


def oauth_v2_access(double: SlackDouble, args: dict) -> dict:
    request = double.current
    client_id, secret = (
        request.basic
        if request is not None and request.basic
        else (args.get("client_id"), args.get("client_secret"))
    )
    if client_id != CLIENT_ID:
        raise ApiError("invalid_client_id")
    if secret != CLIENT_SECRET:
        raise ApiError("bad_client_secret")
    grant = double.codes.get(args.get("code") or "")
    if grant is None or grant["used"] or time.monotonic() - grant["issued_at"] > CODE_TTL:
        raise ApiError("invalid_code")
    if grant["redirect_uri"] and args.get("redirect_uri") != grant["redirect_uri"]:
        raise ApiError("bad_redirect_uri")
    grant["used"] = True
    org = grant["team_id"] is None
    owner = grant["enterprise_id"] if org else grant["team_id"]
    token = f"xoxb-{owner}-{secrets.token_hex(8)}"
    double.tokens[token] = grant["team_id"] or grant["enterprise_id"]
    if org:  # the token answers for the organization
        double.teams.setdefault(owner, {"id": owner, "name": owner, "enterprise_id": owner})
    team = None if org else double.teams[grant["team_id"]]
    enterprise = grant["enterprise_id"]
    return {
        "app_id": double.APP_ID,
        "authed_user": {"id": "U0INSTALL"},
        "scope": ",".join(grant["scopes"]),
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": double.BOT_USER_ID,
        "team": {"id": team["id"], "name": team["name"]} if team else None,
        "enterprise": {"id": enterprise, "name": enterprise} if enterprise else None,
        "is_enterprise_install": org,
    }


def _page(status: int, title: str, body: str) -> Reply:
    return Reply(
        status,
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>",
        {"Content-Type": "text/html; charset=utf-8"},
    )


METHODS: dict[str, Handler] = {"oauth.v2.access": oauth_v2_access}
