"""Numbers, dates and weekday names in the reader's locale, through Babel: "punteggio 1,67",
"mer 9 dic", "maandag". ISO dates only where a person has to type one."""

from __future__ import annotations

import datetime as dt

from bot.i18n import translator
from bot.models import BacklogItem, ItemKind, ItemStatus, Team
from bot.views.ideas import idea_accepted, item_facts
from bot.views.team import setup_modal, team_saved_message
from tests.conftest import MEMBER, OWNER, SCRUM, TEAM_CHANNEL
from tests.i18n.test_i18n import source_messages
from tests.scenario import all_text


def _item() -> BacklogItem:
    # (7 + 3) / 6: a score with decimals
    return BacklogItem(
        id=12,
        title="Offer A vs offer B",
        kind=ItemKind.EXPERIMENT,
        status=ItemStatus.READY,
        effort=6,
        customer_value=7,
        business_value=3,
        score=10 / 6,
        vote_count=0,
    )


def _team(language: str = "en") -> Team:
    return Team(name="Growth", channel_id=TEAM_CHANNEL, working_days=0b0010011, language=language)


def test_a_score_has_the_readers_decimal_sign():
    item = _item()
    assert "score 1.67 (" in item_facts(translator("en"), item)
    assert "punteggio 1,67 (" in item_facts(translator("it"), item)
    assert "score 1,67 (" in item_facts(translator("nl"), item)
    assert "(punteggio 1,67)" in idea_accepted(translator("it"), item, _team())["text"]
    item.score = 3.0
    assert "(score 3)" in idea_accepted(translator("nl"), item, _team())["text"]


def test_weekday_names_come_from_babel():
    """No hand-translated weekday msgids: Babel (CLDR) has the names in every locale."""
    assert not {"Monday", "Tuesday", "Sunday"} & set(source_messages())
    for language, monday in (("en", "Monday"), ("it", "lunedì"), ("nl", "maandag")):
        tr = translator(language)
        modal = setup_modal(
            tr,
            channel_id=TEAM_CHANNEL,
            team=None,
            member_ids=[],
            creator_id=OWNER,
            default_time_zone="Europe/Rome",
        )
        assert monday in all_text(modal)
    saved = team_saved_message(translator("nl"), _fake_saved_team(), [MEMBER], created=True)
    assert "maandag, dinsdag, vrijdag" in all_text(saved)


def _fake_saved_team() -> Team:
    from bot.models import Person

    team = _team("nl")
    team.owner = Person(slack_user_id=OWNER)
    team.scrum_master = Person(slack_user_id=SCRUM)
    team.standup_time = dt.time(9, 30)
    team.sprint_length_weeks = 2
    team.time_zone = "Europe/Amsterdam"
    team.admin_channel_id = "C0ADMIN01"
    return team


def test_a_message_shows_its_parameters_in_the_readers_locale():
    from bot.errors import Mention, Message

    message = Message(
        "{who} · {day} · {pace} · {team}",
        {
            "who": Mention("U0OWNER01", "olivia"),
            "day": dt.date(2026, 12, 9),
            "pace": 2.5,
            "team": "Sales & <Marketing>",
        },
    )
    # mrkdwn: a real mention, user text escaped
    assert message.render(translator("en")) == (
        "<@U0OWNER01> · Wed 9 Dec · 2.5 · Sales &amp; &lt;Marketing&gt;"
    )
    # plain text (field errors): the name, the text as typed
    assert message.render(translator("it"), plain=True) == (
        "@olivia · mer 9 dic · 2,5 · Sales & <Marketing>"
    )
    nameless = Message("{who}", {"who": Mention("U0OWNER01")})
    assert nameless.render(translator("nl"), plain=True) == "(naam nog onbekend)"


def test_a_plain_message_has_no_mrkdwn_code_spans():
    from bot.errors import Message

    message = Message("Run `/agile setup` in {team}'s channel.", {"team": "`Ops`"})
    assert message.render(translator("en")) == "Run `/agile setup` in `Ops`'s channel."
    assert message.render(translator("en"), plain=True) == "Run /agile setup in `Ops`'s channel."
