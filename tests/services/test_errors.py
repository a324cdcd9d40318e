"""Domain errors name people and channels as parameters, rendered where the message is shown:
a service never writes mrkdwn itself, so it cannot get an escape or a link wrong."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from bot.errors import Channel, Message, NoTeam
from bot.i18n import LANGUAGES, translator
from bot.services import teams, workspaces
from tests.scenario import team_settings

SERVICES = Path(__file__).parents[2] / "bot" / "services"
NOW = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)


def test_a_channel_is_a_link_in_mrkdwn_and_its_id_in_plain_text():
    message = Message(
        "{one} · {both}",
        {
            "one": Channel("C0TEAM001"),
            "both": (
                Channel("C0TEAM001"),
                Channel("C0SALES01"),
            ),
        },
    )
    en = translator("en")
    assert message.render(en) == "<#C0TEAM001> · <#C0TEAM001>, <#C0SALES01>"
    assert message.render(en, plain=True) == "#C0TEAM001 · #C0TEAM001, #C0SALES01"
    assert Message("{id}", {"id": Channel("<!channel>")}).render(en) == "<#&lt;!channel&gt;>"


def test_user_text_in_a_list_is_still_escaped():
    message = Message("{names}", {"names": ("Sales & <Ops>", "Growth")})
    assert message.render(translator("en")) == "Sales &amp; &lt;Ops&gt;, Growth"


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "This channel has no team. Use the command in a team's channel: {channels}."),
        ("it", "Questo canale non ha un team. Usa il comando nel canale di un team: {channels}."),
        ("nl", "Dit kanaal heeft geen team. Gebruik het commando in een teamkanaal: {channels}."),
    ],
    ids=LANGUAGES,
)
def test_a_channel_without_a_team_links_to_the_teams_channels(session, language, text):
    owner = workspaces.person(session, "U0OWNER01")
    for name, channel in (("Growth", "C0TEAM001"), ("Sales", "C0SALES01")):
        settings = team_settings(
            name=name,
            member_user_ids=("U0MEMBER1",),
            standup_time=dt.time(9, 30),
        )
        teams.save_team(session, channel, settings, owner, NOW)
    with pytest.raises(NoTeam) as refused:
        teams.resolve_team(session, "C0RANDOM1")
    shown = refused.value.message.render(translator(language))
    assert shown == text.format(channels="<#C0TEAM001>, <#C0SALES01>")


def test_no_service_renders_mrkdwn():
    """Services raise errors with parameters; `bot.mrkdwn` belongs to the rendering side."""
    importers = []
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):  # `from bot import mrkdwn` too
                names = [f"{node.module}.{a.name}" for a in node.names] + [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n == "bot.mrkdwn" or n.startswith("bot.views") for n in names):
                importers.append(str(path.relative_to(SERVICES)))
    assert importers == []
