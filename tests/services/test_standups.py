"""Standups as the team sets them up: its own questions (at most five, at least one, versioned
so that answers keep the questions they answered), its days, who is asked, a time of one's own
and the week at a glance. Bad input is refused on its field and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.errors import Conflict, Invalid, NotAllowed
from bot.fields import NO_BLOCKER_QUESTION, StandupField, StandupSetupField
from bot.i18n import translator
from bot.models import (
    Preset,
    QuestionKind,
    StandupParticipant,
    StandupPrompt,
    StandupQuestionSet,
    Team,
    TeamMember,
)
from bot.services import standups, teams, workspaces
from bot.services.standups import DEFAULT_SET, AnswerDraft, Question, StandupSetup
from bot.services.teams import TeamSettings
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, SCRUM, TEAM_CHANNEL
from tests.scenario import team_settings

NOW = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # a Wednesday, 11:00 in Rome
TODAY = dt.date(2026, 12, 9)
Q = StandupSetupField


def form(*questions: str, blocker: int = 0, days=("0", "1", "2", "3", "4"), asked=(MEMBER,)):
    values: dict = {Q.QUESTION.format(n=n): q for n, q in enumerate(questions, start=1)}
    return values | {Q.BLOCKER_QUESTION: str(blocker), Q.DAYS: list(days), Q.ASKED: list(asked)}


@pytest.fixture
def team(session):
    owner = workspaces.person(session, OWNER)
    for user in (MEMBER, ITALIAN, SCRUM, OWNER):
        workspaces.person(session, user).time_zone = "Europe/Rome"
    settings = team_settings(member_user_ids=(MEMBER, ITALIAN), standup_time=dt.time(9, 30))
    created, _ = teams.save_team(session, TEAM_CHANNEL, settings, owner, NOW)
    return created


def scrum(session):
    return workspaces.person(session, SCRUM)


# --- the questions ---------------------------------------------------------------------------


def test_a_new_team_asks_the_three_presets(session, team):
    assert standups.current_questions(session, team) == DEFAULT_SET
    assert [q.preset for q in DEFAULT_SET.questions] == [Preset.DONE, Preset.NEXT, Preset.BLOCKERS]
    assert DEFAULT_SET.blocker_position == 2


@pytest.mark.parametrize(
    "values, field, says",
    [
        (form(), "standup_question_1", "Ask at least one question."),
        (form("   ", "\n"), "standup_question_1", "Ask at least one question."),
        (form("One", "", "Three"), "standup_question_2", "This question is empty"),
        (form("a", "b", "c", "d", "e", "f"), "standup_question_5", "at most 5 questions"),
        (form("x" * 151), "standup_question_1", "150 characters"),
        (form("Wins?", "wins"), "standup_question_2", "already asked above"),
        # The same preset in two languages is the same question.
        (form("What I will do next", "Cosa farò dopo"), "standup_question_2", "already asked"),
        (form("One", blocker=2), Q.BLOCKER_QUESTION, "written above"),
        (form("One", blocker=9), Q.BLOCKER_QUESTION, "written above"),
        (form("One", days=()), Q.DAYS, "at least one standup day"),
        (form("One", days=("7", "x")), Q.DAYS, "at least one standup day"),
        (form("One", asked=()), Q.ASKED, "at least one person"),
        (form("One", asked=("<!channel>",)), Q.ASKED, "from the list"),
    ],
)
def test_the_set_up_refuses_on_the_field_what_it_cannot_take(values, field, says):
    with pytest.raises(Invalid) as refused:
        StandupSetup.validate(values)
    assert says in refused.value.errors[field].render(translator("en"), plain=True)


def test_a_sixth_question_is_refused_even_when_the_form_has_five(session, team):
    forged = form("a", "b", "c", "d", "e") | {"standup_question_6": "f"}
    with pytest.raises(Invalid) as refused:
        StandupSetup.validate(forged)
    assert set(refused.value.errors) == {"standup_question_5"}
    assert session.scalar(select(func.count()).select_from(StandupQuestionSet)) == 0


def test_presets_kept_as_shown_stay_presets_in_every_language(session, team):
    it = translator("it")
    setup = StandupSetup.validate(
        form(
            it.gettext("What I finished since last time"),
            "Che cosa ti ha detto un cliente?",
            "Anything blocking me?",
            blocker=3,
        )
    )
    assert setup.questions == (
        Question(QuestionKind.TEXT, Preset.DONE),
        Question(QuestionKind.TEXT, text="Che cosa ti ha detto un cliente?"),
        Question(QuestionKind.BLOCKER, Preset.BLOCKERS),
    )


def test_only_the_scrum_master_sets_the_standup_up_and_a_refusal_stores_nothing(session, team):
    setup = StandupSetup.validate(form("Wins?", blocker=1, days=("0", "2", "4")))
    member = workspaces.person(session, MEMBER)
    with pytest.raises(NotAllowed, match="Only the scrum master"):
        standups.save_setup(session, team, member, setup, NOW)
    with pytest.raises(NotAllowed):
        standups.current_setup(session, team, member)
    outsider = StandupSetup.validate(form("Wins?", asked=(MEMBER, "U0STRANGER")))
    with pytest.raises(Invalid) as refused:
        standups.save_setup(session, team, scrum(session), outsider, NOW)
    assert set(refused.value.errors) == {Q.ASKED}
    assert standups.current_questions(session, team) == DEFAULT_SET
    assert team.standup_days is None


def test_new_questions_make_a_new_set_and_the_same_ones_do_not(session, team):
    sm = scrum(session)
    setup = StandupSetup.validate(form("Wins?", "What I will do next", "Help?", blocker=3))
    first = standups.save_setup(session, team, sm, setup, NOW)
    assert first.id is not None and first.blocker_position == 2
    assert standups.save_setup(session, team, sm, setup, NOW).id == first.id
    again = StandupSetup.validate(form("Wins?", "Help?", blocker=2))
    second = standups.save_setup(session, team, sm, again, NOW)
    assert second.id != first.id
    assert standups.current_questions(session, team) == second
    assert standups.question_set(session, team, first.id) == first  # kept for its answers


def test_answers_keep_the_questions_they_answered(session, team):
    sm, member = scrum(session), workspaces.person(session, MEMBER)
    old = standups.save_setup(
        session, team, sm, StandupSetup.validate(form("Wins?", "Help?", blocker=2)), NOW
    )
    draft = AnswerDraft.validate(
        {"standup_q1": "A demo", StandupField.BLOCKED: "yes", StandupField.BLOCKERS: "Legal"}, old
    )
    saved = standups.save_answer(session, team, member, TODAY, draft, NOW)
    assert saved.answer.replies == ["A demo", "Legal"] and saved.blocker.text == "Legal"
    standups.save_setup(
        session, team, sm, StandupSetup.validate(form("Mood?", "Plans?", "Done?")), NOW
    )
    answer = standups.answer_of(session, team, member, TODAY)
    assert standups.question_set(session, team, answer.question_set_id) == old
    # An edit the same day answers the same questions; the new ones do not apply to it.
    edit = AnswerDraft.validate({"standup_q1": "Two demos", StandupField.BLOCKED: "no"}, old)
    edited = standups.save_answer(session, team, member, TODAY, edit, NOW)
    assert edited.answer.replies == ["Two demos", None] and edited.blocker.resolved_at == NOW
    new = standups.current_questions(session, team)
    with pytest.raises(Conflict, match="questions changed"):
        standups.save_answer(
            session, team, member, TODAY, AnswerDraft(("x", None, None), (), new), NOW
        )


def test_another_teams_questions_are_not_found(session, team):
    other = Team(
        workspace_id=team.workspace_id,
        name="Other",
        channel_id="C0OTHER01",
        admin_channel_id=ADMIN_CHANNEL,
        owner_id=team.owner_id,
        scrum_master_id=team.scrum_master_id,
    )
    session.add(other)
    session.flush()
    theirs = standups.save_setup(
        session,
        other,
        scrum(session),
        StandupSetup.validate(form("Theirs?", asked=(OWNER,))),
        NOW,
    )
    with pytest.raises(Exception, match="no longer works"):
        standups.question_set(session, team, theirs.id)


@pytest.mark.parametrize(
    "values, field, says",
    [
        ({}, StandupField.DONE, "Write at least what you finished"),
        ({StandupField.BLOCKED: "yes"}, StandupField.BLOCKERS, "Say what is blocking you"),
        (
            {StandupField.DONE: "x", StandupField.BLOCKED: "no", StandupField.BLOCKERS: "Legal"},
            StandupField.BLOCKED,
            "choose Yes",
        ),
        ({StandupField.NEXT: "x" * 1501}, StandupField.NEXT, "under 1500"),
    ],
)
def test_an_answer_is_refused_on_its_field(values, field, says):
    with pytest.raises(Invalid) as refused:
        AnswerDraft.validate(values, DEFAULT_SET)
    assert says in refused.value.errors[field].render(translator("en"), plain=True)


def test_what_blocks_without_a_yes_or_no_is_a_yes_as_forms_before_had_it():
    draft = AnswerDraft.validate(
        {StandupField.DONE: "x", StandupField.BLOCKERS: "Legal"}, DEFAULT_SET
    )
    assert draft.blocker == "Legal"
    own = standups.QuestionSet(1, (Question(QuestionKind.TEXT, text="Mood?"),))
    with pytest.raises(Invalid) as refused:
        AnswerDraft.validate({}, own)
    assert refused.value.errors["standup_q1"].text == "Answer at least one of the questions."
    only_blocker = standups.QuestionSet(2, (Question(QuestionKind.BLOCKER, text="Stuck?"),))
    assert AnswerDraft.validate({StandupField.BLOCKED: "no"}, only_blocker).replies == (None,)


# --- who takes part, and when ----------------------------------------------------------------


def test_every_member_is_asked_and_the_scrum_master_chooses(session, team):
    sm, italian = scrum(session), workspaces.person(session, ITALIAN)
    owner = workspaces.person(session, OWNER)
    assert [p.slack_user_id for p in standups.participants(session, team)] == [MEMBER, ITALIAN]
    assert not standups.takes_part(session, team, owner)
    setup = StandupSetup.validate(form("Wins?", asked=(MEMBER, SCRUM, OWNER)))
    standups.save_setup(session, team, sm, setup, NOW)
    assert [p.slack_user_id for p in standups.participants(session, team)] == [
        MEMBER,
        OWNER,
        SCRUM,
    ]
    assert standups.takes_part(session, team, owner) and standups.takes_part(session, team, sm)
    assert not standups.takes_part(session, team, italian)
    # Left out, a member may still answer; the calendar does not ask them.
    standups.require_participant(session, team, italian)
    cal = standups.calendar(session, NOW, team.id)
    assert {p.slack_user_id for p in cal.members[team.id]} == {MEMBER, OWNER, SCRUM}
    # A member added later is asked by default: choices equal to the role are not stored.
    rows = session.scalars(select(StandupParticipant).where(StandupParticipant.asked.is_not(None)))
    assert {r.person_id for r in rows} == {owner.id, sm.id, italian.id}
    newcomer = workspaces.person(session, "U0NEWCOME1")
    session.add(TeamMember(team_id=team.id, person_id=newcomer.id, joined_at=NOW))
    session.flush()
    assert standups.takes_part(session, team, newcomer)


def test_a_time_of_ones_own_in_ones_own_zone(session, team):
    member = workspaces.person(session, MEMBER)
    member.time_zone = "America/New_York"
    for bad in ("8.30", "25:00", "8:5", "noon", "08:30:00", ""):
        with pytest.raises(Conflict, match="HH:MM"):
            standups.set_own_time(session, team, member, bad, NOW)
    assert standups.own_time(session, team, member) is None
    assert standups.set_own_time(session, team, member, "7:45", NOW) == dt.time(7, 45)
    cal = standups.calendar(session, NOW, team.id)
    # 7:45 in New York on Wednesday 9 December (EST, UTC-5).
    assert cal.prompt_at(team, member, TODAY) == dt.datetime(2026, 12, 9, 12, 45, tzinfo=dt.UTC)
    standups.reset_own_time(session, team, member, NOW)
    assert standups.own_time(session, team, member) is None
    stranger = workspaces.person(session, "U0STRANGE1")
    with pytest.raises(NotAllowed):
        standups.set_own_time(session, team, stranger, "08:00", NOW)


def test_standup_days_apart_from_working_days(session, team):
    setup = StandupSetup.validate(form("Wins?", days=("0", "2", "4")))
    standups.save_setup(session, team, scrum(session), setup, NOW)
    assert team.standup_days == 0b10101 and not standups.is_weekly(team)
    assert [standups.is_standup_day(team, TODAY + dt.timedelta(days=n)) for n in range(7)] == [
        True,  # Wednesday
        False,
        True,  # Friday
        False,
        False,
        True,  # Monday
        False,
    ]
    assert standups.next_standup_day(team, TODAY) == dt.date(2026, 12, 11)
    weekly = StandupSetup.validate(form("Wins?", days=("3",)))
    standups.save_setup(session, team, scrum(session), weekly, NOW)
    assert standups.is_weekly(team)
    # The working days again: stored as none, so the standup follows the working days.
    same = StandupSetup.validate(form("Wins?", days=("0", "1", "2", "3", "4")))
    standups.save_setup(session, team, scrum(session), same, NOW)
    assert team.standup_days is None


def test_reminders_after_the_teams_delays():
    team = Team(standup_reminder_minutes=60, standup_second_reminder_minutes=240)
    assert standups.reminder_delays(team) == {
        1: dt.timedelta(hours=1),
        2: dt.timedelta(hours=4),
    }
    team.standup_reminder_minutes, team.standup_second_reminder_minutes = 0, 0
    assert standups.reminder_delays(team) == {}


@pytest.mark.parametrize(
    "first, second", [("120", "60"), ("0", "60"), ("120", "120"), ("60", "77")]
)
def test_a_second_reminder_comes_after_the_first(first, second):
    from bot.fields import TeamField

    raw = {
        TeamField.NAME: "Growth",
        TeamField.ADMIN_CHANNEL: ADMIN_CHANNEL,
        TeamField.OWNER: OWNER,
        TeamField.SCRUM_MASTER: SCRUM,
        TeamField.MEMBERS: [MEMBER],
        TeamField.SPRINT_LENGTH: "2",
        TeamField.STANDUP_TIME: "09:30",
        TeamField.WORKING_DAYS: ["0"],
        TeamField.TIME_ZONE: "Europe/Rome",
        TeamField.LANGUAGE: "en",
        TeamField.STANDUP_REMINDER: first,
        TeamField.STANDUP_SECOND_REMINDER: second,
    }
    with pytest.raises(Invalid) as error:
        TeamSettings.validate(raw)
    assert set(error.value.errors) == {TeamField.STANDUP_SECOND_REMINDER}
    ok = TeamSettings.validate(
        raw | {TeamField.STANDUP_REMINDER: "30", TeamField.STANDUP_SECOND_REMINDER: "240"}
    )
    assert (ok.standup_reminder_minutes, ok.standup_second_reminder_minutes) == (30, 240)
    none = TeamSettings.validate(raw | {TeamField.STANDUP_SECOND_REMINDER: None})
    assert none.standup_second_reminder_minutes == 0  # a form from before: no second reminder


def test_the_database_refuses_a_second_reminder_before_the_first(session, team):
    from sqlalchemy.exc import IntegrityError

    team.standup_reminder_minutes, team.standup_second_reminder_minutes = 120, 60
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


# --- the week --------------------------------------------------------------------------------


def test_the_week_counts_days_and_blockers_for_the_teams_people_only(session, team):
    member = workspaces.person(session, MEMBER)
    monday = dt.date(2026, 12, 7)
    session.add(
        StandupPrompt(
            workspace_id=team.workspace_id,
            team_id=team.id,
            person_id=member.id,
            day=monday,
            due_at=dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),
            sent_at=dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),
        )
    )
    session.flush()
    draft = AnswerDraft(("Copy", None, "Legal"))
    monday_noon = dt.datetime(2026, 12, 7, 11, tzinfo=dt.UTC)
    saved = standups.save_answer(session, team, member, monday, draft, monday_noon)
    standups.resolve_blocker(session, saved.blocker.id, scrum(session), NOW - dt.timedelta(days=1))
    week = standups.week(session, team, member, NOW)
    assert week.monday == monday and week.today == TODAY
    assert [(d.day.day, d.answered, d.mine, d.to_come) for d in week.days] == [
        (7, 1, True, False),
        (8, 0, False, False),
        (9, 0, False, False),
        (10, 0, False, True),
        (11, 0, False, True),
    ]
    assert week.days[0].asked == 1  # asked: the one prompt; the others' days passed unasked
    assert [(b.text, b.raised_on.day, b.resolved_on.day) for b in week.blockers] == [
        ("Legal", 7, 8)
    ]
    stakeholder = workspaces.person(session, "U0STAKE01")
    with pytest.raises(NotAllowed):
        standups.week(session, team, stakeholder, NOW)


def test_no_prompts_for_someone_the_team_does_not_ask(session, team):
    setup = StandupSetup.validate(form("Wins?", asked=(ITALIAN,)))
    standups.save_setup(session, team, scrum(session), setup, NOW)
    morning = dt.datetime(2026, 12, 10, 8, 30, tzinfo=dt.UTC)  # Thursday, 9:30 in Rome
    due = standups.due_prompts(standups.calendar(session, morning), morning, standups.PROMPT_STALE)
    assert [sorted(d.people[p].slack_user_id for p in d.day_by_person) for d in due] == [[ITALIAN]]


def test_the_blocker_question_can_be_none(session, team):
    setup = StandupSetup.validate(form("Wins?", "Plans?", blocker=int(NO_BLOCKER_QUESTION)))
    questions = standups.save_setup(session, team, scrum(session), setup, NOW)
    assert questions.blocker_position is None
    draft = AnswerDraft.validate({"standup_q1": "A demo"}, questions)
    member = workspaces.person(session, MEMBER)
    assert standups.save_answer(session, team, member, TODAY, draft, NOW).blocker is None
