"""Distribution mode for tests: the app installed with Add to Slack (SLACK_CLIENT_ID), in the
test workspace and a second one, each with its own people and channels, and a browser-like
walk through the install: the app's page, Slack's page, and back (cookies kept)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from bot.settings import Settings
from tests.slack_double import SlackDouble
from tests.slack_double.oauth import CLIENT_ID, CLIENT_SECRET
from tests.slack_requests import SIGNING_SECRET

SECOND = "T0SECOND1"
SECOND_OWNER, SECOND_MEMBER = "U2OWNER01", "U2MEMBER1"
SECOND_CHANNEL, SECOND_ADMIN = "C2MARKET1", "G2ADMIN01"
ENTERPRISE = "E0GRID001"


def distribution_settings(double: SlackDouble, db_url: str) -> Settings:
    return Settings.from_env(
        {
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": double.api_url,
            "DATABASE_URL": db_url,
        },
        dotenv=False,
    )


def second_workspace(double: SlackDouble) -> None:
    double.add_team(SECOND, "Second Co", enterprise_id=ENTERPRISE)
    for user, name, tz, locale in (
        (SECOND_OWNER, "Noor Owner", "America/New_York", "nl-NL"),
        (SECOND_MEMBER, "Max Member", "America/New_York", "en-US"),
    ):
        double.add_user(user, real_name=name, tz=tz, locale=locale, team=SECOND)
    people = [SECOND_OWNER, SECOND_MEMBER]
    double.add_channel(SECOND_CHANNEL, "marketing", members=people, team=SECOND)
    double.add_channel(SECOND_ADMIN, "admin", members=[SECOND_OWNER], is_private=True, team=SECOND)


class LocalhostIsSecure(http.cookiejar.DefaultCookiePolicy):
    """Browsers send `Secure` cookies to http://127.0.0.1 (a secure context); so does this."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return True


@dataclass
class Page:
    status: int
    url: str
    html: str


class Browser:
    """Enough of a browser for the install: cookies, redirects, links and the form's GET."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar(policy=LocalhostIsSecure())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, url: str) -> Page:
        try:
            with self.opener.open(url, timeout=10) as reply:
                return Page(reply.status, reply.url, reply.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.url, error.read().decode())

    def link(self, page: Page, element_id: str) -> str:
        found = re.search(rf'id="{element_id}"[^>]*href="([^"]+)"', page.html) or re.search(
            rf'href="([^"]+)"[^>]*id="{element_id}"', page.html
        )
        assert found, f"no link #{element_id} in {page.html[:300]}"
        return urllib.parse.urljoin(page.url, found.group(1).replace("&amp;", "&"))

    def decide(self, page: Page, decision: str, team: str) -> Page:
        """Choose the workspace on Slack's page, then Allow or Cancel."""
        fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.html))
        fields = {k: v.replace("&amp;", "&") for k, v in fields.items()}
        query = urllib.parse.urlencode({**fields, "team": team, "decision": decision})
        return self.get(urllib.parse.urljoin(page.url, f"/oauth/v2/authorize/decide?{query}"))


def install(app_url: str, team: str, *, decision: str = "allow") -> Page:
    """Install the app in `team` as an admin would: the last page they see."""
    browser = Browser()
    start = browser.get(app_url + "/slack/install")
    assert start.status == 200, start.html
    slack_page = browser.get(browser.link(start, "add-to-slack"))
    assert slack_page.status == 200, slack_page.html
    return browser.decide(slack_page, decision, team)
