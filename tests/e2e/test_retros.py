"""Retrospectives the way teams ask for them, end to end through Slack: a note taken during the
sprint (`/retro note` and the board's button) that stays private until the retrospective
opens and then is one of its items, exactly once; the team's health, rated anonymously, its
averages shown from three answers with a trend chart uploaded with the results; one action as
the team's focus, on the next sprint's board and asked about first at the next retrospective.
Bad input is refused on the field and nothing is stored; permissions are checked on the
server. In the three languages, for the team's channel and for each person."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import inspect, select, text

from bot.fields import RetroField, SprintField
from bot.i18n import LANGUAGES, translator
from bot.jobs import retros as retro_jobs
from bot.jobs import sprints as sprint_jobs
from bot.models import RetroAction, RetroItem, Team
from bot.models.retro import (
    RETRO_ITEM_MAX,
    HealthStatement,
    RetroHealthRespondent,
    RetroHealthScore,
    RetroNote,
)
from bot.scheduler import tick
from bot.services import sprints, teams, workspaces
from bot.services.sprints import SprintDraft
from bot.slack import web_client
from bot.views.ids import Action, Callback
from tests.conftest import ITALIAN, MEMBER, OWNER, SCRUM, STAKEHOLDER, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import (
    all_text,
    every_payload_text,
    responses_to,
    team_settings,
    wait_for_response,
)

DUTCH = "U0DUTCH01"
ROME = "Europe/Rome"
PLANNED_AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)  # Mon 2 Nov, 10:00 in Rome
SPRINT_1 = dt.date(2026, 11, 9)  # Mon 9 to Fri 13 Nov
SPRINT_2 = dt.date(2026, 11, 16)  # Mon 16 to Fri 20 Nov
SPRINT_3 = dt.date(2026, 11, 23)


def rome(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return sprints.local_instant_in(ROME, day, dt.time(hour, minute))


def plus(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


class RetroTeam:
    """A team of four (English, Italian and Dutch readers) with its sprints on the scheduler."""

    def __init__(self, slack, double, db_url, engine, session_factory, read, clock, language):
        self.slack, self.double, self.factory, self.read = slack, double, session_factory, read
        self.clock, self.engine = clock, engine
        self.tr = translator(language)
        double.add_user(DUTCH, real_name="Daan de Vries", tz="Europe/Amsterdam", locale="nl-NL")
        double.channels[TEAM_CHANNEL]["members"].append(DUTCH)
        clock.fixed = PLANNED_AT
        client = web_client(settings_for(double, db_url))
        self.sources = [
            *sprint_jobs.sources(lambda _: client, session_factory),
            *retro_jobs.sources(lambda _: client, session_factory),
        ]

        def set_up(session):
            owner = workspaces.person(session, OWNER)
            settings = team_settings(
                name="Growth <!here>",
                member_user_ids=(MEMBER, ITALIAN, DUTCH, SCRUM),
                sprint_length_weeks=1,
                language=language,
            )
            team, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, PLANNED_AT)
            for user, locale in ((MEMBER, "en-US"), (ITALIAN, "it-IT"), (DUTCH, "nl-NL")):
                person = workspaces.person(session, user)
                person.locale = locale
                person.profile_refreshed_at = PLANNED_AT + dt.timedelta(days=60)
            return team.id

        self.id = read(set_up)

    def plan(self, start: dt.date) -> int:
        def plan(session):
            team = session.get_one(Team, self.id)
            draft = SprintDraft.validate(
                {
                    SprintField.GOAL: "200 trial sign-ups",
                    SprintField.START: start.isoformat(),
                    SprintField.LENGTH: "1",
                    SprintField.CAPACITY: "10",
                },
                today=PLANNED_AT.date(),
            )
            # No items: the board's buttons and its focus line are what matter here.
            return sprints.plan(session, team, workspaces.person(session, OWNER), draft, PLANNED_AT)

        return self.read(lambda s: plan(s).id)

    def tick(self, at: dt.datetime):
        self.clock.fixed = at
        return tick(self.factory, at, self.sources)

    def board(self) -> dict:
        return next(
            m
            for m in reversed(self.double.messages_in(TEAM_CHANNEL))
            if any(b.get("block_id") == "sprint_nav" for b in m.get("blocks", []))
        )

    def retro_message(self) -> dict:
        title = self.tr.gettext("Retrospective · {team}").format(team="Growth &lt;!here&gt;")
        return next(
            m for m in reversed(self.double.messages_in(TEAM_CHANNEL)) if title in all_text(m)
        )

    def open_note_form(self, user: str, *, board: dict | None = None, words: str = "note"):
        """`/retro note` (or the board's button) as `user`: the form, as Slack holds it."""
        before = len(self._note_forms())
        if board is None:
            self.slack.command("/retro", words, user=user, channel=TEAM_CHANNEL)
        else:
            self.slack.click(board, Action.RETRO_NOTE, user=user, channel=TEAM_CHANNEL)
        self.slack.settle()
        return self.double.wait_for(
            "views.open",
            lambda c: c.args["view"]["callback_id"] == Callback.RETRO_NOTE,
            count=before + 1,
        )[before].response["view"]

    def _note_forms(self):
        return [
            c
            for c in self.double.calls_to("views.open")
            if c.args["view"]["callback_id"] == Callback.RETRO_NOTE
        ]

    def note(self, user: str, column: str | None, note: str | None, **how) -> tuple[dict, dict]:
        """Note an item as `user`; returns the form and Slack's answer to the submission."""
        form = self.open_note_form(user, **how)
        answer = self.slack.submit(
            form, {RetroField.COLUMN: column, RetroField.ITEM: note}, user=user
        )
        assert answer.status == 200, answer.body
        return form, answer.json

    def pending(self) -> list[RetroNote]:
        return self.read(lambda s: list(s.scalars(select(RetroNote).order_by(RetroNote.id))))

    def items(self) -> list[RetroItem]:
        return self.read(lambda s: list(s.scalars(select(RetroItem).order_by(RetroItem.id))))


@pytest.fixture(params=LANGUAGES)
def team(request, slack, double, db_url, engine, session_factory, workspace_id, read, clock):
    return RetroTeam(slack, double, db_url, engine, session_factory, read, clock, request.param)


def said(language: str, msgid: str) -> str:
    return translator(language).gettext(msgid)


def answered(double, user: str, act) -> str:
    """What `user` was told privately after `act()`: the next private answer's text."""
    before = len(responses_to(double, user))
    act()
    return all_text(wait_for_response(double, user, count=before + 1))


def health_charts(double) -> list[dict]:
    """The health trend charts uploaded and shared, as the double keeps them."""
    return [
        f
        for f in double.files.values()
        if f["filename"].startswith("team-health") and f["completed"]
    ]


# --- notes ------------------------------------------------------------------------------------


def test_a_note_waits_privately_and_is_one_of_the_items_when_the_retro_opens(team, double):
    team.plan(SPRINT_1)
    team.tick(rome(SPRINT_1, 9))  # the sprint starts: the board, with its note button
    board = team.board()
    assert any(
        e.get("action_id") == Action.RETRO_NOTE
        for b in board["blocks"]
        if b.get("block_id") == "sprint_nav"
        for e in b["elements"]
    )
    posted_before = len(double.messages_in(TEAM_CHANNEL))

    # From the command, with the text after it, in the noter's language (English).
    form = team.open_note_form(MEMBER, words="note Daily standups <!channel>")
    assert form["title"]["text"] == "Note for the retro"
    assert "your name is not stored" in all_text(form)
    text_input = next(b for b in form["blocks"] if b.get("block_id") == RetroField.ITEM)
    assert text_input["element"]["initial_value"] == "Daily standups <!channel>"
    answer = team.slack.submit(
        form,
        {RetroField.COLUMN: "worked", RetroField.ITEM: "Daily standups <!channel>"},
        user=MEMBER,
    ).json
    assert answer["response_action"] == "update"
    confirmation = answer["view"]
    assert "Noted for the next retrospective of Growth &lt;!here&gt;" in all_text(confirmation)
    assert "Daily standups &lt;!channel&gt;" in all_text(confirmation)
    assert "once you close this window nobody can remove it" in all_text(confirmation)

    # From the board's button, in Italian and in Dutch for those who read them.
    for user, language, note in (
        (ITALIAN, "it", "Troppe riunioni"),
        (DUTCH, "nl", "Kleiner opleveren"),
    ):
        form, answer = team.note(user, "try", note, board=board)
        assert form["title"]["text"] == said(language, "Note for the retro")
        assert said(language, "Noted for the next retrospective of {team}.").format(
            team="Growth &lt;!here&gt;"
        ) in all_text(answer["view"])
    team.note(MEMBER, "did_not", "Late briefs")

    # Waiting privately: nothing posted, no count, nothing sent anywhere but to the noter's
    # own form (the one `/retro note <text>` opened with the text in it).
    assert len(double.messages_in(TEAM_CHANNEL)) == posted_before
    sent = every_payload_text(double)
    for note in ("Troppe riunioni", "Kleiner opleveren", "Late briefs"):
        assert note not in sent
    elsewhere = [c for c in double.calls if c.method != "views.open"]
    assert all("Daily standups" not in json.dumps(c.args) for c in elsewhere)
    assert all("Daily standups" not in json.dumps(r["body"]) for r in double.responses)
    # Anonymous: no author and no time stored with a note.
    notes = team.pending()
    assert len(notes) == 4 and {n.author_id for n in notes} == {None}
    columns = {c["name"] for c in inspect(team.engine).get_columns("retro_notes")}
    assert columns == {
        "id",
        "workspace_id",
        "team_id",
        "column",
        "text",
        "author_id",
        "removal_hash",
    }
    assert team.items() == []

    # The sprint closes; the retrospective opens with the notes among its items, once each,
    # whatever the scheduler repeats.
    close = rome(plus(SPRINT_1, 4), 17)
    team.tick(close)
    team.tick(close + dt.timedelta(minutes=1))
    team.tick(close + dt.timedelta(minutes=2))
    items = team.items()
    assert sorted(i.text for i in items) == sorted(
        ["Daily standups <!channel>", "Troppe riunioni", "Kleiner opleveren", "Late briefs"]
    )
    assert {i.author_id for i in items} == {None}
    assert len({i.retro_id for i in items}) == 1
    assert team.pending() == []
    # Still nothing of them in the channel while items are collected...
    assert "Late briefs" not in all_text(team.retro_message())
    # ...and when voting opens (the next working day's close), each shows once.
    team.tick(rome(plus(SPRINT_1, 7), 17, 5))
    voting = all_text(team.retro_message())
    for note in ("Daily standups &lt;!channel&gt;", "Troppe riunioni", "Kleiner opleveren"):
        assert voting.count(note) == 1


def test_a_note_can_be_removed_from_its_confirmation_and_only_with_its_key(team, double):
    team.plan(SPRINT_1)
    team.tick(rome(SPRINT_1, 9))
    form, answer = team.note(ITALIAN, "did_not", "Un errore")
    shown = {**answer["view"], "id": form["id"]}
    remove = next(
        e
        for b in shown["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.RETRO_NOTE_REMOVE
    )
    note_id = remove["value"].split(":")[0]
    # A forged click without the key removes nothing.
    forged = {**shown, "blocks": [{**b} for b in shown["blocks"]]}
    for block in forged["blocks"]:
        if block["type"] == "actions":
            block["elements"] = [{**remove, "value": f"{note_id}:guessed"}]
    team.slack.click_in_view(forged, Action.RETRO_NOTE_REMOVE, user=STAKEHOLDER)
    team.slack.settle()
    assert len(team.pending()) == 1
    # Its noter removes it: the window says so, in Italian, and nothing of it is kept.
    team.slack.click_in_view(shown, Action.RETRO_NOTE_REMOVE, user=ITALIAN)
    team.slack.settle()
    assert team.pending() == []
    updated = double.views[form["id"]]
    assert said("it", "Note removed: nothing of it is kept.") in all_text(updated)
    team.tick(rome(plus(SPRINT_1, 4), 17))
    team.tick(rome(plus(SPRINT_1, 4), 17, 1))
    assert team.items() == []


def test_a_bad_note_is_refused_on_its_field_and_nothing_is_stored(team, double):
    team.plan(SPRINT_1)
    team.tick(rome(SPRINT_1, 9))
    for column, note, field in (
        ("try", "   ", RetroField.ITEM),
        ("try", "x" * (RETRO_ITEM_MAX + 1), RetroField.ITEM),
        (None, "Fine text", RetroField.COLUMN),
        ("sideways", "Fine text", RetroField.COLUMN),
    ):
        _, answer = team.note(ITALIAN, column, note)
        assert answer["response_action"] == "errors"
        assert set(answer["errors"]) == {field}
    empty = team.note(ITALIAN, "try", "")[1]
    assert said("it", "Write the item.") == empty["errors"][RetroField.ITEM]
    assert team.pending() == []

    # Someone outside the team: the form does not open, and a forged one is refused.
    team.slack.command("/retro", "note", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    team.slack.settle()
    assert "for its members" in all_text(wait_for_response(double, STAKEHOLDER))
    form = team.open_note_form(MEMBER)
    forged = team.slack.submit(
        form, {RetroField.COLUMN: "try", RetroField.ITEM: "Sneaky"}, user=STAKEHOLDER
    ).json
    assert forged["response_action"] == "errors" and "for its members" in json.dumps(forged)
    assert team.pending() == []


def test_named_notes_keep_their_author_only_into_a_named_retro(team, double):
    team.plan(SPRINT_1)
    team.tick(rome(SPRINT_1, 9))
    team.note(MEMBER, "worked", "Anonymous one")
    team.slack.command("/retro", "named", user=SCRUM, channel=TEAM_CHANNEL)
    team.slack.settle()
    _, answer = team.note(MEMBER, "worked", "Named one")
    assert "You can remove it here" in all_text(answer["view"])
    member_id = team.read(lambda s: workspaces.person(s, MEMBER).id)
    assert {n.text: n.author_id for n in team.pending()} == {
        "Anonymous one": None,
        "Named one": member_id,
    }
    team.tick(rome(plus(SPRINT_1, 4), 17))
    team.tick(rome(plus(SPRINT_1, 4), 17, 1))
    assert {i.text: i.author_id for i in team.items()} == {
        "Anonymous one": None,
        "Named one": member_id,
    }
    team.tick(rome(plus(SPRINT_1, 7), 17, 5))  # voting: the named one shows its author
    assert f"Named one · <@{MEMBER}>" in all_text(team.retro_message())


def test_a_note_while_the_retro_collects_is_one_of_its_items_at_once(team, double):
    team.slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    team.slack.settle()
    _, answer = team.note(DUTCH, "try", "Meteen erbij")
    assert said(
        "nl",
        "Added to the open retrospective of {team}. It shows with the other items when voting opens.",
    ).format(team="Growth &lt;!here&gt;") in all_text(answer["view"])
    assert team.pending() == [] and [i.text for i in team.items()] == ["Meteen erbij"]


# --- the team's health ------------------------------------------------------------------------

RATINGS = {"value": "4", "goal": "3", "pace": "2", "learning": "5", "together": "4"}


def health_values(**changes: str | None) -> dict[str, str | None]:
    return {RetroField.HEALTH_PREFIX + k: v for k, v in {**RATINGS, **changes}.items()}


def open_health_form(team: RetroTeam, user: str) -> dict | None:
    """Click "Rate the team's health" as `user`: the form, or None if it did not open."""
    before = len(health_forms(team.double))
    team.slack.click(team.retro_message(), Action.RETRO_HEALTH, user=user, channel=TEAM_CHANNEL)
    team.slack.settle()
    forms = health_forms(team.double)
    return forms[-1].response["view"] if len(forms) > before else None


def health_forms(double):
    return [
        c
        for c in double.calls_to("views.open")
        if c.args["view"]["callback_id"] == Callback.RETRO_HEALTH
    ]


def rate(team: RetroTeam, user: str, **changes: str | None) -> dict:
    form = open_health_form(team, user)
    assert form is not None, f"no health form for {user}"
    return team.slack.submit(form, health_values(**changes), user=user).json


def test_health_is_rated_anonymously_and_shown_as_averages_from_three_answers(team, double):
    tr, language = team.tr, team.tr.language

    # Only the scrum master turns it on.
    def switch_on_as(user):
        team.slack.command("/retro", "health on", user=user, channel=TEAM_CHANNEL)
        team.slack.settle()

    assert "Only the scrum master" in answered(double, MEMBER, lambda: switch_on_as(MEMBER))
    assert team.read(lambda s: s.get_one(Team, team.id).retro_health) is False
    team.slack.command("/retro", "health on", user=SCRUM, channel=TEAM_CHANNEL)
    team.slack.settle()
    assert team.read(lambda s: s.get_one(Team, team.id).retro_health) is True

    # The first retrospective (its sprint closes): two answers, so no averages.
    team.plan(SPRINT_1)
    team.tick(rome(SPRINT_1, 9))
    team.tick(rome(plus(SPRINT_1, 4), 17))
    team.tick(rome(plus(SPRINT_1, 4), 17, 1))
    button_text = tr.gettext("Rate the team's health")
    assert button_text in all_text(team.retro_message())
    form = open_health_form(team, ITALIAN)
    assert form["title"]["text"] == said("it", "Team health")
    assert said("it", "Our pace is sustainable.") in all_text(form)
    # Bad input: a rating missing, one out of the scale: refused on the field, nothing kept.
    refused = team.slack.submit(form, health_values(pace=None, goal="9"), user=ITALIAN).json
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {
        RetroField.HEALTH_PREFIX + "pace",
        RetroField.HEALTH_PREFIX + "goal",
    }
    assert team.read(lambda s: s.scalars(select(RetroHealthRespondent)).all()) == []
    assert team.read(lambda s: s.scalars(select(RetroHealthScore)).all()) == []
    thanks = team.slack.submit(form, health_values(), user=ITALIAN).json
    assert thanks["response_action"] == "update"
    assert said("it", "Team health") == thanks["view"]["title"]["text"]
    # Once each: the button answers privately, and a second submission is refused.
    again_said = answered(double, ITALIAN, lambda: open_health_form(team, ITALIAN))
    assert said("it", "You have already rated the team's health in this retrospective.") in (
        again_said
    )
    assert len(health_forms(double)) == 1
    again = team.slack.submit(form, health_values(), user=ITALIAN).json
    assert again["response_action"] == "errors"
    rate(team, MEMBER, value="2")
    # Someone outside the team cannot rate.
    assert open_health_form(team, STAKEHOLDER) is None
    # Nothing is posted when someone rates.
    assert button_text in all_text(team.retro_message())
    team.tick(rome(plus(SPRINT_1, 7), 17, 5))  # voting
    team.tick(rome(plus(SPRINT_1, 8), 17, 5))  # results
    results = all_text(team.retro_message())
    assert (
        tr.ngettext(
            "{n} person rated the team's health: the averages are shown from {min} answers.",
            "{n} people rated the team's health: the averages are shown from {min} answers.",
            2,
        ).format(n=2, min=3)
        in results
    )
    assert tr.gettext("We deliver value to our customers.") not in results
    assert health_charts(double) == []  # no chart under 3 answers

    # The second retrospective: three answers, so averages, and the trend chart.
    team.plan(SPRINT_2)
    team.tick(rome(SPRINT_2, 9))
    team.tick(rome(plus(SPRINT_2, 4), 17))
    team.tick(rome(plus(SPRINT_2, 4), 17, 1))
    rate(team, MEMBER, value="5", pace="3")
    rate(team, DUTCH, value="4", pace="2")
    rate(team, SCRUM, value="4", pace="2")
    team.tick(rome(plus(SPRINT_2, 7), 17, 5))
    team.tick(rome(plus(SPRINT_2, 8), 17, 5))
    message = team.retro_message()
    results = all_text(message)
    value = tr.gettext("We deliver value to our customers.")
    average = "4,3" if language in ("it", "nl") else "4.3"
    assert f"*{average}* · {value}" in results
    assert (
        f"*{'2,3' if language != 'en' else '2.3'}* · {tr.gettext('Our pace is sustainable.')}"
        in results
    )
    (chart,) = health_charts(double)  # with the results, in their thread
    assert chart["thread_ts"] == message["ts"] and chart["channel_id"] == TEAM_CHANNEL
    assert chart["bytes"].startswith(b"\x89PNG")
    assert tr.gettext("Sprint {number}").format(number=2) in chart["alt_txt"]
    assert average in chart["alt_txt"]
    # Anonymous in the database: ratings are sums without a person, who answered is apart.
    assert {c["name"] for c in inspect(team.engine).get_columns("retro_health_scores")} == {
        "retro_id",
        "statement",
        "answers",
        "total",
        "workspace_id",
    }
    assert {c["name"] for c in inspect(team.engine).get_columns("retro_health_respondents")} == {
        "retro_id",
        "person_id",
        "workspace_id",
    }
    with team.engine.connect() as connection:
        scores = connection.execute(
            text("SELECT statement, answers, total FROM retro_health_scores ORDER BY retro_id")
        ).all()
    assert ("value", 3, 13) in scores and ("pace", 3, 7) in scores
    assert len(scores) == 2 * len(HealthStatement)


# --- the team's focus -------------------------------------------------------------------------


def close_a_retro_with_actions(team: RetroTeam) -> list[int]:
    """Sprint 1 closes, its retrospective collects two "try" notes, votes and closes while
    sprint 2 runs; returns the two actions' ids."""
    team.plan(SPRINT_1)
    team.plan(SPRINT_2)
    team.tick(rome(SPRINT_1, 9))
    team.note(MEMBER, "try", "Ship smaller")
    team.note(ITALIAN, "try", "Demo every Friday")
    team.tick(rome(plus(SPRINT_1, 4), 17))
    team.tick(rome(plus(SPRINT_1, 4), 17, 1))
    team.tick(rome(SPRINT_2, 9))  # sprint 2 starts
    team.tick(rome(plus(SPRINT_1, 7), 17, 5))  # voting
    team.clock.fixed = rome(plus(SPRINT_1, 7), 18)

    def vote_for(user: str, note: str) -> None:
        item_id = team.read(lambda s: s.scalar(select(RetroItem.id).where(RetroItem.text == note)))
        team.slack.click(
            team.retro_message(),
            Action.RETRO_VOTE,
            user=user,
            channel=TEAM_CHANNEL,
            value=str(item_id),
        )
        team.slack.settle()

    vote_for(MEMBER, "Ship smaller")
    vote_for(DUTCH, "Ship smaller")
    vote_for(ITALIAN, "Demo every Friday")
    team.tick(rome(plus(SPRINT_1, 8), 17, 5))  # results
    return team.read(
        lambda s: list(s.scalars(select(RetroAction.id).order_by(RetroAction.votes.desc())))
    )


def choose_focus(team: RetroTeam, user: str, action_id: int) -> None:
    team.slack.click(
        team.retro_message(),
        Action.RETRO_ACTION_MENU,
        user=user,
        channel=TEAM_CHANNEL,
        option_value=f"focus:{action_id}",
    )
    team.slack.settle()


def test_one_focus_on_the_next_board_and_asked_about_first_at_the_next_retro(team, double):
    tr = team.tr
    ship, demo = close_a_retro_with_actions(team)

    def focus_of() -> list[int]:
        query = select(RetroAction.id).where(RetroAction.focus)
        return team.read(lambda s: sorted(s.scalars(query)))

    # Only the scrum master: a member's choice changes nothing, with a private no.
    refusal = answered(double, MEMBER, lambda: choose_focus(team, MEMBER, demo))
    assert "Only the scrum master" in refusal
    assert focus_of() == []
    # The scrum master chooses one, then another: one at a time.
    choose_focus(team, SCRUM, ship)
    assert focus_of() == [ship]
    choose_focus(team, SCRUM, demo)
    assert focus_of() == [demo]
    results = all_text(team.retro_message())
    focus_mark = tr.gettext("the team's focus")
    assert f":dart: Demo every Friday · *{focus_mark}*" in results
    assert ":dart: Ship smaller" not in results
    # The running sprint's board shows it, redrawn in place.
    line = tr.gettext("*Our focus this sprint:* {action}").format(action="Demo every Friday")
    assert line in all_text(team.board())
    # The next sprint's board too, from its start.
    team.plan(SPRINT_3)
    team.tick(rome(plus(SPRINT_2, 4), 17))  # sprint 2 closes
    team.tick(rome(plus(SPRINT_2, 4), 17, 1))  # its retrospective opens
    team.tick(rome(SPRINT_3, 9))  # sprint 3 starts
    board = team.board()
    assert "Sprint 3" in all_text(board) and line in all_text(board)
    # The next retrospective asks about it first, marked as the focus.
    retro = team.retro_message()
    earlier = [
        b["block_id"] for b in retro["blocks"] if b.get("block_id", "").startswith("retro_action:")
    ]
    assert earlier == [f"retro_action:{demo}", f"retro_action:{ship}"]
    assert f":dart: Demo every Friday · *{focus_mark}*" in all_text(retro)
    assert all_text(retro).index(tr.gettext("Did we do it?")) < all_text(retro).index(
        "Demo every Friday"
    )


def test_a_note_while_the_retro_votes_waits_for_the_next_one(team, double):
    team.slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    team.slack.settle()
    team.tick(rome(plus(PLANNED_AT.date(), 1), 11))  # Tuesday: voting has opened
    _, answer = team.note(ITALIAN, "worked", "Per la prossima")
    waits = said(
        "it", "The retrospective open now is already voting, so the note waits for the next one."
    )
    assert waits in all_text(answer["view"])
    assert [n.text for n in team.pending()] == ["Per la prossima"] and team.items() == []
    team.tick(rome(plus(PLANNED_AT.date(), 2), 11))  # the votes close
    team.slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)  # the next one opens
    team.slack.settle()
    assert team.pending() == [] and [i.text for i in team.items()] == ["Per la prossima"]


def test_the_health_check_turned_on_during_a_retro_is_offered_in_it_at_once(team, double):
    team.slack.command("/retro", "", user=MEMBER, channel=TEAM_CHANNEL)
    team.slack.settle()
    button = team.tr.gettext("Rate the team's health")
    assert button not in all_text(team.retro_message())
    team.slack.command("/retro", "health on", user=SCRUM, channel=TEAM_CHANNEL)
    team.slack.settle()
    assert button in all_text(team.retro_message())  # the message, redrawn in place
    rate(team, MEMBER)
    # Turned off once someone has rated: this retrospective keeps its check, the next has none.
    team.slack.command("/retro", "health off", user=SCRUM, channel=TEAM_CHANNEL)
    team.slack.settle()
    assert button in all_text(team.retro_message())
    assert team.read(lambda s: s.get_one(Team, team.id).retro_health) is False
