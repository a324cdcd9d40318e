"""Help, unknown commands, team set-up and who may change it."""

from __future__ import annotations

from bot.i18n import translator
from bot.models import Team, TeamMember
from tests.conftest import (
    ADMIN,
    ADMIN_CHANNEL,
    MEMBER,
    OTHER_CHANNEL,
    OWNER,
    SCRUM,
    STAKEHOLDER,
    TEAM_CHANNEL,
)
from tests.scenario import TEAM_FORM, all_text, opened_view, set_up_team, wait_for_response


def test_help_lists_every_command_privately(slack):
    for text in ("", "help"):
        response = slack.command("/agile", text, user=STAKEHOLDER, channel=TEAM_CHANNEL)
        assert response.status == 200 and response.json["response_type"] == "ephemeral"
        shown = all_text(response.json)
        for command in ("/idea", "/backlog", "/agile setup", "/agile help"):
            assert command in shown


def test_unknown_subcommand_gets_help_and_is_escaped(slack, double):
    response = slack.command("/agile", "frobnicate <!channel>", user=MEMBER, channel=TEAM_CHANNEL)
    shown = all_text(response.json)
    assert "frobnicate &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "/idea" in shown


def test_backlog_in_a_channel_without_a_team_says_how_to_set_one_up(slack):
    response = slack.command("/backlog", "", user=MEMBER, channel=OTHER_CHANNEL)
    assert response.status == 200 and "/agile setup" in all_text(response.json)


def test_backlog_elsewhere_lists_the_team_channels_when_there_are_several(slack, double):
    set_up_team(slack)
    double.add_channel("C0SECOND1", "brand", members=[OWNER, MEMBER])
    set_up_team(slack, channel="C0SECOND1", team_name="Brand")
    response = slack.command("/backlog", "", user=MEMBER, channel=OTHER_CHANNEL)
    shown = all_text(response.json)
    assert f"<#{TEAM_CHANNEL}>" in shown and "<#C0SECOND1>" in shown


def test_idea_without_any_team_says_how_to_set_one_up(slack, double):
    response = slack.command("/idea", "A podcast", user=STAKEHOLDER, channel=OTHER_CHANNEL)
    assert response.status == 200
    assert "/agile setup" in all_text(wait_for_response(double, STAKEHOLDER))
    assert double.calls_to("views.open") == []


def test_idea_title_is_prefilled_and_a_lone_team_is_chosen(slack, double):
    set_up_team(slack)
    slack.command("/idea", "Spring newsletter A/B", user=STAKEHOLDER, channel=OTHER_CHANNEL)
    view = opened_view(double, "idea.submit")
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Spring newsletter A/B"
    assert "team" not in blocks


def test_idea_outside_a_team_channel_asks_which_team(slack, double):
    set_up_team(slack)
    double.add_channel("C0SECOND1", "brand", members=[OWNER, MEMBER])
    set_up_team(slack, channel="C0SECOND1", team_name="Brand")
    slack.command("/idea", "", user=STAKEHOLDER, channel=OTHER_CHANNEL)
    view = opened_view(double, "idea.submit")
    team_block = next(b for b in view["blocks"] if b.get("block_id") == "team")
    assert [o["text"]["text"] for o in team_block["element"]["options"]] == ["Brand", "Growth"]


def test_setup_field_errors_store_nothing(slack, double, read):
    slack.command("/agile", "setup", user=OWNER, channel=TEAM_CHANNEL)
    view = opened_view(double, "team.setup")
    form = {
        **TEAM_FORM,
        "team_name": "  ",
        "time_zone": "Mars/Olympus",
        "working_days": [],
        "members": [],
    }
    response = slack.submit(view, form, user=OWNER)
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"team_name", "time_zone", "working_days", "members"}
    assert read(lambda s: s.query(Team).count()) == 0


def test_setup_refuses_forged_user_ids(slack, double, read):
    slack.command("/agile", "setup", user=OWNER, channel=TEAM_CHANNEL)
    view = opened_view(double, "team.setup")
    response = slack.submit(view, {**TEAM_FORM, "owner": "U1> <!channel"}, user=OWNER)
    assert set(response.json["errors"]) == {"owner"}
    assert read(lambda s: s.query(Team).count()) == 0


def test_only_scrum_master_owner_or_admin_may_change_a_team(slack, double, read):
    set_up_team(slack)
    opened = len(double.calls_to("views.open"))
    slack.command("/agile", "setup", user=MEMBER, channel=TEAM_CHANNEL)
    refusal = wait_for_response(double, MEMBER)
    assert "Only the scrum master" in all_text(refusal)
    assert len(double.calls_to("views.open")) == opened

    # A hand-made submission of the set-up modal changes nothing either.
    view = double.calls_to("views.open")[0].args["view"]
    response = slack.submit(view, {**TEAM_FORM, "team_name": "Hijacked"}, user=MEMBER)
    assert "Only the scrum master" in response.json["errors"]["team_name"]
    assert read(lambda s: s.query(Team.name).scalar()) == "Growth"

    for allowed, name in ((SCRUM, "By the scrum master"), (ADMIN, "By an admin")):
        set_up_team(slack, user=allowed, team_name=name)
        assert read(lambda s: s.query(Team.name).scalar()) == name


def test_editing_the_team_updates_members(slack, double, read):
    set_up_team(slack)
    slack.command("/agile", "setup", user=SCRUM, channel=TEAM_CHANNEL)
    view = opened_view(double, "team.setup", count=2)
    members = next(b for b in view["blocks"] if b.get("block_id") == "members")
    assert set(members["element"]["initial_users"]) == {MEMBER, SCRUM}
    slack.submit(view, {**TEAM_FORM, "members": [STAKEHOLDER]}, user=SCRUM)
    slack.settle()
    assert read(lambda s: s.query(TeamMember).count()) == 1
    assert "was updated" in double.messages_in(TEAM_CHANNEL)[-1]["text"]


def test_setup_in_a_direct_message_is_refused(slack, double):
    slack.command("/agile", "setup", user=OWNER, channel="D0OWNERDM")
    assert "channel where the team works" in all_text(wait_for_response(double, OWNER))


def test_bot_not_in_private_admin_channel_is_reported(slack, double):
    double.add_channel(
        "G0PRIVATE", "secret-admin", members=[OWNER], is_private=True, bot_member=False
    )
    set_up_team(slack, admin_channel="G0PRIVATE")
    dm = double.messages_in(OWNER)[-1]
    assert "/invite @agilebot" in dm["text"] and "<#G0PRIVATE>" in dm["text"]


def test_mention_answers_with_help(slack, double):
    slack.event(
        {
            "type": "app_mention",
            "user": MEMBER,
            "text": "<@UBOTAGILE> help",
            "channel": TEAM_CHANNEL,
            "ts": "1.0",
        }
    )
    calls = double.wait_for("chat.postEphemeral")
    assert "/idea" in all_text(calls[0].args)


def test_admin_channel_is_where_triage_goes(slack, double):
    set_up_team(slack)
    assert double.calls_to("conversations.join")  # the bot joined the public team channel
    assert ADMIN_CHANNEL in [
        c.args["channel"] for c in double.calls_to("conversations.join", ok=None)
    ]


def test_a_first_form_is_in_the_strangers_language_and_opens_in_time_if_slack_is_slow(
    slack, double
):
    set_up_team(slack)
    double.add_user("U0DUTCH01", real_name="Daan de Vries", tz="Europe/Amsterdam", locale="nl-NL")
    slack.command("/idea", "", user="U0DUTCH01", channel=TEAM_CHANNEL)  # first contact
    view = opened_view(double, "idea.submit")
    assert view["title"]["text"] == translator("nl").gettext("New idea") != "New idea"
    # Slack slow to give a profile: the modal opens in time anyway (a trigger id lasts three
    # seconds), in the team's language, and the profile is read afterwards.
    double.slow["users.info"] = 2.5
    slack.command("/idea", "", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    view = opened_view(double, "idea.submit", count=2)
    assert view["title"]["text"] == "New idea"
    slack.settle()
    double.slow.clear()
    assert not double.calls_to("views.open", ok=False)
    asked = [c for c in double.calls_to("users.info") if c.args["user"] == STAKEHOLDER]
    assert asked  # still read, after the modal


def test_an_unknown_workspace_admin_is_checked_with_slack_before_being_refused(slack, double):
    set_up_team(slack)
    slack.command("/agile", "setup", user=ADMIN, channel=TEAM_CHANNEL)  # ADMIN: first contact
    view = opened_view(double, "team.setup", count=2)
    assert view["callback_id"] == "team.setup"
