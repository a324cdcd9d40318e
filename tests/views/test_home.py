"""The Home tab: what each role sees in each team, the person's own ideas and votes, a friendly
start for someone in no team, user text escaped, three languages, and Slack's limits for a
Home tab (100 blocks, every text limit) for a person in many teams with long backlogs."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest

from bot.i18n import LANGUAGES, translator
from bot.models import ItemKind, ItemStatus
from bot.services.home import (
    LIST_MAX,
    Home,
    ItemLine,
    NoStandup,
    OpenBlocker,
    Role,
    RunningSprint,
    StandupToday,
    TeamHome,
)
from bot.services.sprints import Totals
from bot.views.home import HOME_BLOCKS_MAX, HomeAction, home_view
from bot.views.ids import Action
from tests.slack_double.block_kit import check_view
from tests.slack_double.records import ApiError
from tests.views.blockkit import _Check, all_text, block_with_id, of_type
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MEMBER,
    MONDAY,
    WORST_TITLE,
    item,
    person,
    pings,
    sprint,
    team,
    worst,
)
from tests.views.test_ids import constants

EN, IT, NL = (translator(language) for language in LANGUAGES)
THURSDAY = MONDAY + dt.timedelta(days=3)
EVERY_ROLE = frozenset(Role)


def assert_home(view: dict[str, Any]) -> None:
    """What Slack would refuse in a Home tab: our Block Kit check, and the double's."""
    assert view["type"] == "home"
    check = _Check()
    check.blocks("blocks", view["blocks"], HOME_BLOCKS_MAX)
    assert not check.problems, "Slack would refuse this Home tab:\n" + "\n".join(check.problems)
    violations: list[str] = []
    with contextlib.suppress(ApiError):  # refused: the violations say why
        check_view(violations, "views.publish", view, expected="home")
    assert not violations, "\n".join(violations)


def team_home(
    roles: frozenset[Role] = EVERY_ROLE,
    *,
    team_id: int = 7,
    name: str = "Growth",
    ideas: int = 2,
    blockers: int = 1,
    running: bool = True,
    planned: bool = False,
    standup: StandupToday | None = None,
    **team_fields: Any,
) -> TeamHome:
    """A team where the reader has `roles`, with `ideas` awaiting triage and `blockers` open
    (as many as the service reads: LIST_MAX at most, the rest counted)."""
    the_team = team(
        id=team_id,
        name=name,
        channel_id=f"C0TEAM{team_id:03d}",
        proposed_items=ideas,
        **team_fields,
    )
    triage = [
        item(
            team_id * 1000 + n,
            status=ItemStatus.PROPOSED,
            score=None,
            vote_count=n,
        )
        for n in range(min(ideas, LIST_MAX))
    ]
    open_blockers = [
        OpenBlocker(
            team_id * 1000 + n,
            MEMBER,
            f"Waiting for legal {n}",
            dt.datetime(2026, 12, 8, tzinfo=dt.UTC),
        )
        for n in range(min(blockers, LIST_MAX))
    ]
    return TeamHome(
        team=the_team,
        roles=roles,
        running=(
            RunningSprint(sprint(team_id=team_id), Totals(13, 4, 5, 2), days_left=6)
            if running
            else None
        ),
        next_sprint=(
            sprint(id=9, number=5, team_id=team_id, start_date=MONDAY + dt.timedelta(days=14))
            if planned
            else None
        ),
        standup=(
            standup
            if standup is not None
            else StandupToday(THURSDAY, answered=False)
            if Role.MEMBER in roles
            else None
        ),
        triage=triage if Role.OWNER in roles else [],
        blockers=open_blockers if Role.SCRUM_MASTER in roles else [],
        blockers_total=blockers if Role.SCRUM_MASTER in roles else 0,
    )


def line(n: int, **fields: Any) -> ItemLine:
    values: dict[str, Any] = {
        "id": n,
        "title": f"Idea {n}",
        "kind": ItemKind.CONTENT,
        "status": ItemStatus.PROPOSED,
        "team_name": "Growth",
        "votes": 2,
    }
    return ItemLine(**(values | fields))


def home(
    teams: list[TeamHome] | None = None,
    *,
    ideas: int = 1,
    votes: int = 1,
    away: list[tuple[dt.date, dt.date]] | None = None,
    workspace_has_teams: bool = True,
    locale: str | None = None,
) -> Home:
    the_teams = [team_home()] if teams is None else teams
    return Home(
        person=person(MEMBER, locale=locale),
        teams=the_teams,
        ideas=[line(n) for n in range(1, min(ideas, LIST_MAX) + 1)],
        ideas_total=ideas,
        votes=[line(100 + n, status=ItemStatus.READY) for n in range(1, min(votes, LIST_MAX) + 1)],
        votes_total=votes,
        away=away or [],
        workspace_has_teams=workspace_has_teams or bool(the_teams),
    )


def action_ids(view: dict[str, Any]) -> list[str]:
    return [b["action_id"] for b in of_type(view, "button")]


# --- each role -------------------------------------------------------------------------------


def test_a_member_sees_the_sprint_and_a_button_to_answer_the_standup():
    view = home_view(EN, home([team_home(frozenset({Role.MEMBER}))]))
    assert_home(view)
    text = all_text(view)
    assert "Growth" in text and "Member · <#C0TEAM007>" in text
    assert ":runner: *Sprint 4* · 6 working days left\n*Goal:* 200 trial sign-ups" in text
    assert "5 of 13 points done · capacity 20" in text
    assert "Today's standup is waiting for your answer." in text
    [answer] = [b for b in of_type(view, "button") if b["action_id"] == Action.STANDUP_OPEN]
    assert answer["value"] == f"7:{THURSDAY.isoformat()}" and answer["style"] == "primary"
    assert set(action_ids(view)) == {
        HomeAction.SUBMIT_IDEA,
        Action.STANDUP_OPEN,
        HomeAction.STANDUP_TIME,
        Action.FOLLOW_MENU,  # beside their ideas and votes (views.follows)
    }


def test_the_owner_triages_from_the_tab():
    view = home_view(EN, home([team_home(frozenset({Role.OWNER}), ideas=2)]))
    assert_home(view)
    text = all_text(view)
    assert "*2 ideas awaiting triage*" in text
    for item_id in (7000, 7001):
        accept, decline = block_with_id(view, f"triage:{item_id}")["elements"]
        assert (accept["action_id"], accept["value"]) == (Action.TRIAGE_ACCEPT, str(item_id))
        assert (decline["action_id"], decline["value"]) == (Action.TRIAGE_DECLINE, str(item_id))
    # The owner plans sprints too, and has no standup (not a member).
    assert HomeAction.PLAN_SPRINT in action_ids(view)
    assert Action.STANDUP_OPEN not in action_ids(view)
    assert Action.BLOCKER_RESOLVE not in action_ids(view)


def test_the_scrum_master_resolves_blockers_from_the_tab():
    view = home_view(EN, home([team_home(frozenset({Role.SCRUM_MASTER}), blockers=2)]))
    assert_home(view)
    assert "*2 open blockers*" in all_text(view)
    blocker = block_with_id(view, "blocker:7001")
    assert blocker["text"]["text"] == f"<@{MEMBER}>: Waiting for legal 1"
    assert (blocker["accessory"]["action_id"], blocker["accessory"]["value"]) == (
        Action.BLOCKER_RESOLVE,
        "7001",
    )
    assert Action.TRIAGE_ACCEPT not in action_ids(view)
    [plan] = [b for b in of_type(view, "button") if b["action_id"] == HomeAction.PLAN_SPRINT]
    assert plan["value"] == "7"


def test_a_planned_sprint_is_shown_and_not_planned_again():
    view = home_view(EN, home([team_home(frozenset({Role.OWNER}), running=False, planned=True)]))
    assert ":calendar: *Sprint 5* · starts Mon 21 Dec" in all_text(view)
    assert HomeAction.PLAN_SPRINT not in action_ids(view)
    both = all_text(home_view(EN, home([team_home(frozenset({Role.OWNER}), planned=True)])))
    assert "*Sprint 4* · 6 working days left" in both
    assert "5 of 13 points done · capacity 20\n:calendar: *Sprint 5* · starts Mon 21 Dec" in both
    idle = home_view(EN, home([team_home(frozenset({Role.OWNER}), running=False)]))
    assert "No sprint is running." in all_text(idle)
    assert HomeAction.PLAN_SPRINT in action_ids(idle)


@pytest.mark.parametrize(
    "standup, says, button",
    [
        (StandupToday(THURSDAY, answered=True), "Today's standup: answered.", "Edit my answer"),
        (StandupToday(THURSDAY, False, NoStandup.DAY_OFF), "not a working day", None),
        (
            StandupToday(THURSDAY, False, NoStandup.HOLIDAY, holiday_note=HOSTILE),
            f"a team holiday. ({HOSTILE_ESCAPED})",
            None,
        ),
        (
            StandupToday(THURSDAY, False, NoStandup.AWAY, away_until=MONDAY + dt.timedelta(days=7)),
            "you are away until Mon 14 Dec.",
            None,
        ),
    ],
    ids=["answered", "day off", "holiday", "away"],
)
def test_todays_standup_says_where_it_stands(standup, says, button):
    view = home_view(EN, home([team_home(frozenset({Role.MEMBER}), standup=standup)]))
    assert_home(view)
    assert says in all_text(view)
    buttons = [
        b["text"]["text"] for b in of_type(view, "button") if b["action_id"] == Action.STANDUP_OPEN
    ]
    assert buttons == ([button] if button else [])
    assert pings(view) == []


@pytest.mark.parametrize(
    "tr, teams_time, own_time, change",
    [
        (
            EN,
            ":alarm_clock: Your standup: at the team's time, 9:30 your time.",
            ":alarm_clock: Your standup: 8:05 your time (the team's: 9:30).",
            "Change…",
        ),
        (
            IT,
            ":alarm_clock: Il tuo standup: all'orario del team, alle 9:30 nel tuo fuso orario.",
            ":alarm_clock: Il tuo standup: alle 8:05 nel tuo fuso orario (orario del team: 9:30).",
            "Cambia…",
        ),
        (
            NL,
            ":alarm_clock: Jouw standup: op de tijd van het team, om 9:30 in jouw tijdzone.",
            ":alarm_clock: Jouw standup: om 8:05 in jouw tijdzone (tijd van het team: 9:30).",
            "Wijzigen…",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_readers_standup_time_with_a_button_to_change_it(tr, teams_time, own_time, change):
    """Their own time beside the team's, or the team's; Change… beside it, for that team."""
    waiting = StandupToday(THURSDAY, answered=False)
    follows = home_view(tr, home([team_home(frozenset({Role.MEMBER}), standup=waiting)]))
    assert_home(follows)
    line = block_with_id(follows, "standup_time:7")
    assert line["text"]["text"] == teams_time
    assert line["accessory"]["action_id"] == HomeAction.STANDUP_TIME
    assert (line["accessory"]["text"]["text"], line["accessory"]["value"]) == (change, "7")
    mine = StandupToday(THURSDAY, answered=True, own_time=dt.time(8, 5))
    chosen = home_view(tr, home([team_home(frozenset({Role.MEMBER}), standup=mine)]))
    assert_home(chosen)
    assert block_with_id(chosen, "standup_time:7")["text"]["text"] == own_time


def test_the_standup_time_shares_a_block_when_the_standup_has_no_button():
    """On a day off the standup line has no button: the time and Change… join it, so the
    team costs no block more; with a button to answer, the time takes a block of its own."""
    day_off = StandupToday(THURSDAY, False, NoStandup.DAY_OFF)
    quiet = home_view(EN, home([team_home(frozenset({Role.MEMBER}), standup=day_off)]))
    assert_home(quiet)
    line = block_with_id(quiet, "standup_time:7")
    assert line["text"]["text"] == (
        ":zzz: No standup today: not a working day.\n"
        ":alarm_clock: Your standup: at the team's time, 9:30 your time."
    )
    busy = home_view(EN, home([team_home(frozenset({Role.MEMBER}))]))
    assert len(busy["blocks"]) == len(quiet["blocks"]) + 1
    # Nobody is asked in a team where the reader is only the owner: no time, no Change….
    owner = home_view(EN, home([team_home(frozenset({Role.OWNER}))]))
    assert HomeAction.STANDUP_TIME not in action_ids(owner)


def test_away_days_are_listed_at_the_top():
    away = [
        (MONDAY, MONDAY + dt.timedelta(days=4)),
        (MONDAY + dt.timedelta(days=21), MONDAY + dt.timedelta(days=27)),
    ]
    text = all_text(home_view(EN, home(away=away)))
    assert "Away: Mon 7 Dec → Fri 11 Dec, Mon 28 Dec → Sun 3 Jan." in text


def test_the_readers_own_ideas_and_votes_with_their_status():
    view = home_view(EN, home(ideas=2, votes=1))
    assert_home(view)
    text = all_text(view)
    assert "Your ideas" in text and "Your votes" in text
    assert "• :pencil2: #1 *Idea 1* · Growth · Awaiting triage · 2 votes" in text
    assert "• :pencil2: #101 *Idea 101* · Growth · Ready · 2 votes" in text


def test_someone_in_no_team_is_told_what_agilebot_is_and_how_to_start():
    view = home_view(EN, home([], ideas=0, votes=0, workspace_has_teams=False))
    assert_home(view)
    text = all_text(view)
    assert "Welcome to agilebot" in text
    assert "*agilebot* runs your marketing team's agile cadence" in text
    assert "`/agile setup`" in text and "`/idea [title]`" in text
    assert "No team is set up yet" in text
    assert action_ids(view) == []  # nothing to submit an idea to yet
    joined = home_view(EN, home([], ideas=1, votes=0))
    assert "You are not in a team yet" in all_text(joined)
    assert HomeAction.SUBMIT_IDEA in action_ids(joined)
    assert "Your ideas" in all_text(joined)  # a stakeholder's ideas are theirs all the same


# --- Slack's limits --------------------------------------------------------------------------


def crowded(teams: int) -> Home:
    """A person with every role in `teams` teams, each with 200 ideas awaiting triage and 30
    open blockers, who submitted 200 ideas and voted 200 times: the longest lists there are."""
    return home(
        [
            team_home(team_id=n, name=f"Team {n}", ideas=200, blockers=30)
            for n in range(1, teams + 1)
        ],
        ideas=200,
        votes=200,
        away=[(MONDAY, MONDAY + dt.timedelta(days=3))] * 3,
    )


@pytest.mark.parametrize("tr", [EN, IT, NL], ids=LANGUAGES)
def test_three_teams_with_long_backlogs_fit_and_say_what_is_left_out(tr):
    view = home_view(tr, crowded(3))
    assert_home(view)
    assert len(view["blocks"]) <= HOME_BLOCKS_MAX
    for n in (1, 2, 3):  # every team is there, each with some of its ideas and blockers
        assert block_with_id(view, f"team:{n}")
        assert block_with_id(view, f"standup_time:{n}")["accessory"]["value"] == str(n)
        assert any(b.get("block_id", "").startswith(f"triage:{n}") for b in view["blocks"])
        assert any(b.get("block_id", "").startswith(f"blocker:{n}") for b in view["blocks"])
    text = all_text(view)
    if tr is EN:
        assert "ideas: `/backlog` in <#C0TEAM001>." in text  # "…and 195 more ideas: ..."
        assert "more blockers in <#C0ADMIN01>." in text
        assert "more ideas: see `/backlog`." in text and "more votes: see `/backlog`." in text


def test_lists_shrink_before_teams_are_left_out():
    five = home_view(EN, crowded(5))
    assert_home(five)
    assert all(block_with_id(five, f"team:{n}") for n in range(1, 6))
    many = home_view(EN, crowded(30))
    assert_home(many)
    shown = [b for b in many["blocks"] if b.get("block_id", "").startswith("team:")]
    assert 0 < len(shown) < 30
    assert f"…and {30 - len(shown)} more teams: see their channels." in all_text(many)


def test_the_longest_user_texts_stay_within_slacks_limits_and_never_ping():
    long_team = team_home(name=worst(80), ideas=LIST_MAX, blockers=LIST_MAX)
    hostile = TeamHome(
        **{
            **long_team.__dict__,
            "running": RunningSprint(
                sprint(goal=worst(300), serves=worst(150)), Totals(1, 1, 0, 0), 1
            ),
            "triage": [
                item(n, title=WORST_TITLE, status=ItemStatus.PROPOSED, score=None)
                for n in range(LIST_MAX)
            ],
            "blockers": [
                OpenBlocker(n, MEMBER, worst(1500), dt.datetime(2026, 12, 8, tzinfo=dt.UTC))
                for n in range(LIST_MAX)
            ],
        }
    )
    lines = [line(n, title=WORST_TITLE, team_name=HOSTILE) for n in range(LIST_MAX)]
    person_home = Home(
        person=person(MEMBER),
        teams=[hostile],
        ideas=lines,
        ideas_total=LIST_MAX,
        votes=lines,
        votes_total=LIST_MAX,
        away=[],
        workspace_has_teams=True,
    )
    for tr in (EN, IT, NL):
        view = home_view(tr, person_home)
        assert_home(view)
        assert pings(view) == []
    hostile_title = team_home(name=HOSTILE)
    view = home_view(EN, home([hostile_title]))
    assert block_with_id(view, "team:7")["text"]["text"] == HOSTILE  # plain text: shown as is
    assert pings(view) == []


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tr, words",
    [
        (EN, ["Today's standup is waiting for your answer.", "Answer the standup", "Your ideas"]),
        (IT, ["Lo standup di oggi ti aspetta.", "Rispondi allo standup", "Le tue idee"]),
        (
            NL,
            ["De standup van vandaag wacht op je antwoord.", "Standup beantwoorden", "Jouw ideeën"],
        ),
    ],
    ids=LANGUAGES,
)
def test_the_tab_is_in_the_readers_language(tr, words):
    view = home_view(tr, home())
    assert_home(view)
    text = all_text(view)
    assert all(word in text for word in words), text


def test_dates_and_counts_follow_the_reader():
    away = [(MONDAY, MONDAY + dt.timedelta(days=4))]
    text = all_text(home_view(IT, home(away=away)))
    assert "lun 7 dic → ven 11 dic" in text
    assert "*1 impedimento aperto*" in text and "*2 idee da valutare*" in text
    assert "Vandaag geen standup: een vrije dag van het team." in all_text(
        home_view(
            NL,
            home([team_home(standup=StandupToday(THURSDAY, False, NoStandup.HOLIDAY))]),
        )
    )


def test_the_tabs_own_buttons_have_ids_of_their_own():
    ours = set(constants(HomeAction).values())
    assert len(ours) == 3 and not ours & set(constants(Action).values())
