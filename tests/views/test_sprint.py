"""The sprint board, the planning modal, the showcase and `/sprint` between two sprints, built
from objects in memory: what a team reads there, in each language, within Slack's limits."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.fields import DOD_MAX, SprintField
from bot.i18n import LANGUAGES, translator
from bot.models import ItemKind, SprintState, WorkState
from bot.models.sprint import GOAL_MAX, SERVES_MAX
from bot.services.activities import BUILTIN_ACTIVITIES
from bot.services.sprints import DoneForm, SprintOutcome, Totals
from bot.views.activities import done_modal
from bot.views.ids import Action, Callback
from bot.views.sprint import (
    BOARD_ITEMS_MAX,
    Board,
    PlanForm,
    between_sprints_message,
    board_message,
    plan_modal,
    result_text,
    showcase_message,
)
from tests.views.blockkit import (
    all_text,
    assert_message,
    assert_modal,
    block_with_id,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MONDAY,
    WORST_TITLE,
    closed,
    entries,
    entry,
    item,
    pings,
    sprint,
    team,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)


def board(entries_=None, days_left: int = 7, **sprint_fields) -> Board:
    shown = entries(3) if entries_ is None else entries_
    totals = Totals(
        scope_points=sum(e.points for e in shown),
        scope_items=len(shown),
        done_points=sum(e.points for e in shown if e.state is WorkState.DONE),
        done_items=sum(e.state is WorkState.DONE for e in shown),
    )
    return Board(team(), sprint(**sprint_fields), shown, totals, days_left, 10)


def move_buttons(message):
    return [b for b in of_type(message, "button") if b["action_id"] == Action.SPRINT_MOVE]


# --- the board -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, dates, left, progress",
    [
        (
            "en",
            "Mon 7 Dec → Fri 18 Dec 17:00 (Italy Time)",
            "7 working days left",
            "3 of 9 points done · capacity 20",
        ),
        (
            "it",
            "lun 7 dic → ven 18 dic 17:00 (Ora Italia)",
            "mancano 7 giorni lavorativi",
            "3 di 9 punti fatti · capacità 20",
        ),
        (
            "nl",
            "ma 7 dec → vr 18 dec 17:00 (tijd in Italië)",
            "nog 7 werkdagen",
            "3 van 9 punten klaar · capaciteit 20",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_board_shows_the_dates_the_days_left_and_done_against_committed(
    language, dates, left, progress
):
    message = board_message(translator(language), board())
    assert_message(message)
    assert message["blocks"][1]["elements"][0]["text"] == f"{dates} · {left} · {progress}"


def test_the_last_working_day_is_said_in_the_singular():
    context = board_message(EN, board(days_left=1))["blocks"][1]["elements"][0]["text"]
    assert " · 1 working day left · " in context


def test_the_board_groups_items_by_state_with_the_button_that_moves_each_on():
    message = board_message(EN, board(entries(3)))
    headings = [b["elements"][0]["text"] for b in of_type(message, "context")[1:]]
    assert headings == ["*To do* (1)", "*Doing* (1)", "*Done* (1)"]
    # entry 1 is to do, 2 doing, 3 done: "sprint item id:state it moves to"
    start, done, reopen = (
        block_with_id(message, f"sprint_item:{n}")["accessory"] for n in (101, 102, 103)
    )
    assert (start["text"]["text"], start["value"]) == ("Start", "101:doing")
    assert (reopen["text"]["text"], reopen["value"]) == ("Reopen", "103:doing")
    assert {b["action_id"] for b in (start, reopen)} == {Action.SPRINT_MOVE}
    # Done opens the done form (the Definition of Done, what it really took): no confirm.
    assert (done["text"]["text"], done["value"], done["style"]) == ("Done", "102", "primary")
    assert done["action_id"] == Action.SPRINT_DONE and "confirm" not in done
    nav = block_with_id(message, "sprint_nav")["elements"]
    assert [(b["action_id"], b["value"]) for b in nav] == [
        (Action.SPRINT_BURNUP, "3"),
        (Action.SPRINT_REFRESH, "3"),
        (Action.RETRO_NOTE, "7"),  # the team's: a note for its next retrospective
    ]


def test_an_item_added_during_the_sprint_says_so():
    message = board_message(EN, board([entry(1), entry(2, committed=False)]))
    assert (
        "added during the sprint" not in block_with_id(message, "sprint_item:101")["text"]["text"]
    )
    assert (
        "· 3 points · added during the sprint"
        in block_with_id(message, "sprint_item:102")["text"]["text"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_done_first_shows_the_definition_of_done(language):
    tr = translator(language)
    the_team = team(definition_of_done=("Proofread & approved. " * 13)[:DOD_MAX])
    form = DoneForm(the_team, 102, "Spring video", 5, None)
    view = done_modal(tr, form, BUILTIN_ACTIVITIES, {"sprint_item": 102})
    assert_modal(view)
    assert view["title"]["text"] == tr.gettext("Is it done?")
    definition = "*" + tr.gettext("Definition of Done:") + "*\nProofread &amp; approved."
    assert definition in all_text(view)


def test_done_without_a_definition_of_done_still_asks():
    form = DoneForm(team(), 102, "Spring video", 5, None)
    view = done_modal(EN, form, BUILTIN_ACTIVITIES, {"sprint_item": 102})
    assert view["title"]["text"] == "Is it done?"
    assert "Definition of Done in /agile setup" in all_text(view)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_board_stays_within_50_blocks_and_counts_what_it_leaves_out(language):
    tr = translator(language)
    many = entries(120, title=WORST_TITLE, points=13)
    message = board_message(tr, board(many), owner_controls=True)
    assert_message(message)
    shown = [b for b in message["blocks"] if b.get("block_id", "").startswith("sprint_item:")]
    assert len(shown) == BOARD_ITEMS_MAX
    estimate = block_with_id(message, "sprint_owner")["elements"][0]
    assert len(estimate["options"]) == 100
    more = tr.ngettext(
        "…and {n} more item: see `/sprint`.", "…and {n} more items: see `/sprint`.", 80
    )
    assert more.format(n=80) in all_text(message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_teams_focus_is_on_the_board_escaped_and_a_full_board_still_fits(language):
    tr = translator(language)
    b = board(entries(120, title=WORST_TITLE, points=13))
    focused = Board(b.team, b.sprint, b.entries, b.totals, b.days_left, 10, focus=HOSTILE)
    message = board_message(tr, focused, owner_controls=True)
    assert_message(message)  # 50 blocks at most, the focus line included
    assert not pings(message)
    line = tr.gettext("*Our focus this sprint:* {action}").format(action=HOSTILE_ESCAPED)
    assert message["blocks"][2]["text"]["text"] == ":dart: " + line
    assert "dart" not in all_text(board_message(tr, board()))  # no focus, no line


def test_the_owner_can_pick_any_item_to_re_estimate():
    message = board_message(EN, board(entries(3)), owner_controls=True)
    estimate = block_with_id(message, "sprint_owner")["elements"][0]
    assert estimate["action_id"] == Action.SPRINT_ESTIMATE
    assert [o["value"] for o in estimate["options"]] == ["1", "2", "3"]
    assert "sprint_owner" not in {b.get("block_id") for b in board_message(EN, board())["blocks"]}


def test_a_closed_sprint_shows_its_headline_and_nothing_to_move():
    # closed early, on Wednesday 16 December: the board ends there, without a closing time
    closed_at = dt.datetime(2026, 12, 16, 15, tzinfo=dt.UTC)
    b = board(state=SprintState.CLOSED, closed_at=closed_at)
    message = board_message(EN, b, headline=":checkered_flag: *Sprint closed*", owner_controls=True)
    assert_message(message)
    assert message["blocks"][0]["text"]["text"].startswith(
        ":checkered_flag: *Sprint closed*\n*Growth · Sprint 4*\n*Goal:* 200 trial sign-ups"
    )
    assert message["blocks"][1]["elements"][0]["text"].startswith(
        "Mon 7 Dec → Wed 16 Dec · closed · "
    )
    assert move_buttons(message) == []
    assert "sprint_owner" not in {b.get("block_id") for b in message["blocks"]}


def test_a_planned_sprint_says_when_it_starts_and_cannot_be_moved_yet():
    message = board_message(IT, board(state=SprintState.PLANNED))
    assert " · inizia lun 7 dic · " in message["blocks"][1]["elements"][0]["text"]
    assert move_buttons(message) == []


def test_a_board_without_interaction_has_no_buttons():
    message = board_message(EN, board(), interactive=False)
    assert of_type(message, "button") == [] and of_type(message, "actions") == []


def test_an_empty_board_says_so():
    message = board_message(NL, board([]), owner_controls=True)
    assert_message(message)
    assert "Nog geen items in deze sprint." in all_text(message)
    assert of_type(message, "static_select") == []


def test_the_board_escapes_what_people_typed():
    b = board([entry(1, title=HOSTILE)], goal=HOSTILE, serves=HOSTILE)
    b.team.name = HOSTILE
    message = board_message(EN, b, owner_controls=True)
    assert not pings(message)
    first = message["blocks"][0]["text"]["text"]
    assert first == (
        f"*{HOSTILE_ESCAPED} · Sprint 4*\n*Goal:* {HOSTILE_ESCAPED}\n*Serves:* {HOSTILE_ESCAPED}"
    )
    assert HOSTILE_ESCAPED in block_with_id(message, "sprint_item:101")["text"]["text"]
    assert HOSTILE_ESCAPED in message["text"]


# --- planning ------------------------------------------------------------------------------


def plan_form(**fields) -> PlanForm:
    values = {
        "team": team(),
        "choices": [item(1, effort=5), item(2, effort=8), item(3, effort=3)],
        "points": {1: 5, 2: 8, 3: 3},
        "suggestion": 14,
        "start": MONDAY,
        "length_weeks": 2,
        "capacity": 10,
    }
    return PlanForm(**(values | fields))


def input_ids(view) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


def test_planning_asks_for_goal_dates_capacity_and_items():
    view = plan_modal(EN, plan_form(selected=(1,)))
    assert_modal(view)
    assert view["callback_id"] == Callback.SPRINT_PLAN
    assert (view["title"]["text"], view["submit"]["text"]) == ("Plan a sprint", "Plan")
    assert input_ids(view) == [
        SprintField.GOAL,
        SprintField.SERVES,
        SprintField.START,
        SprintField.LENGTH,
        SprintField.CAPACITY,
        SprintField.ITEMS,
    ]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[SprintField.START]["element"]["initial_date"] == "2026-12-07"
    assert blocks[SprintField.LENGTH]["element"]["initial_option"]["value"] == "2"
    capacity = blocks[SprintField.CAPACITY]
    assert capacity["element"]["action_id"] == Action.SPRINT_PLAN_CAPACITY
    assert capacity["element"]["initial_value"] == "10" and capacity["dispatch_action"]
    assert capacity["hint"]["text"].startswith("Suggested: 14 points")
    items = blocks[SprintField.ITEMS]["element"]
    assert (
        items["action_id"] == Action.SPRINT_PLAN_ITEMS
        and blocks[SprintField.ITEMS]["dispatch_action"]
    )
    assert [o["text"]["text"] for o in items["options"]] == [
        "#1 Offer A vs offer B · 5 pts",
        "#2 Offer A vs offer B · 8 pts",
        "#3 Offer A vs offer B · 3 pts",
    ]
    assert [o["value"] for o in items["initial_options"]] == ["1"]
    assert json.loads(view["private_metadata"]) == {"team": 7, "sprint": None}


@pytest.mark.parametrize(
    "language, total",
    [
        ("en", "Committed: 13 points in 2 items · capacity 10\n:warning: 3 points over capacity"),
        (
            "it",
            "Pianificati: 13 punti in 2 elementi · capacità 10\n:warning: 3 punti oltre la capacità",
        ),
        (
            "nl",
            "Gepland: 13 punten in 2 items · capaciteit 10\n:warning: 3 punten boven de capaciteit",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_committed_total_warns_over_capacity(language, total):
    view = plan_modal(translator(language), plan_form(selected=(1, 2)))
    assert block_with_id(view, "sprint_total")["text"]["text"].startswith(total)


def test_the_committed_total_within_capacity_has_no_warning():
    text = block_with_id(plan_modal(EN, plan_form(selected=(3,))), "sprint_total")["text"]["text"]
    assert text == "Committed: 3 points in 1 item · capacity 10"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_planning_modal_holds_a_hundred_long_choices_and_eight_actions(language):
    choices = [item(n, title=WORST_TITLE, effort=21) for n in range(1, 101)]
    form = plan_form(
        choices=choices,
        points={n: 21 for n in range(1, 101)},
        selected=tuple(range(1, 101)),
        goal="g" * GOAL_MAX,
        serves="s" * SERVES_MAX,
        actions=tuple(WORST_TITLE for _ in range(12)),
    )
    view = plan_modal(translator(language), form)
    assert_modal(view)
    for editing in (sprint(state=SprintState.PLANNED), sprint()):
        assert_modal(plan_modal(translator(language), plan_form(sprint=editing)))


@pytest.mark.parametrize("item_id", [12, 12345, 987_654_321])
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_choice_keeps_its_points_however_long_its_title(language, item_id):
    """Planners commit by points: an option that loses them cannot be planned with."""
    tr = translator(language)
    form = plan_form(choices=[item(item_id, title="x" * 150, effort=13)], points={item_id: 13})
    option = block_with_id(plan_modal(tr, form), SprintField.ITEMS)["element"]["options"][0]
    assert option["text"]["text"].endswith(
        " · " + tr.ngettext("{n} pt", "{n} pts", 13).format(n=13)
    )
    assert option["text"]["text"].startswith(f"#{item_id} xxx")


def test_editing_a_running_sprint_keeps_its_dates():
    form = plan_form(sprint=sprint(), goal="200 trial sign-ups", selected=(1, 3))
    view = plan_modal(EN, form)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Edit the sprint", "Save")
    assert SprintField.START not in input_ids(view) and SprintField.LENGTH not in input_ids(view)
    assert "Running since Mon 7 Dec; it ends Fri 18 Dec 17:00 (Italy Time)." in all_text(view)
    goal = block_with_id(view, SprintField.GOAL)["element"]
    assert goal["initial_value"] == "200 trial sign-ups"
    items = block_with_id(view, SprintField.ITEMS)["element"]
    assert [o["value"] for o in items["initial_options"]] == ["1", "3"]
    assert json.loads(view["private_metadata"]) == {"team": 7, "sprint": 3}


def test_editing_a_planned_sprint_may_still_move_its_dates():
    view = plan_modal(EN, plan_form(sprint=sprint(state=SprintState.PLANNED)))
    assert SprintField.START in input_ids(view) and SprintField.LENGTH in input_ids(view)


def test_planning_without_a_ready_item_says_what_to_do():
    view = plan_modal(EN, plan_form(choices=[], points={}, suggestion=None, capacity=None))
    assert_modal(view)
    assert SprintField.ITEMS not in input_ids(view)
    text = all_text(view)
    assert "The backlog has no ready items yet: accept some ideas first." in text
    assert "No finished sprint has completed points yet" in text
    assert "initial_value" not in block_with_id(view, SprintField.CAPACITY)["element"]


def test_open_retrospective_actions_are_listed_escaped():
    view = plan_modal(EN, plan_form(actions=(HOSTILE, "Fewer meetings")))
    assert f"Open actions from retrospectives: {HOSTILE_ESCAPED}; Fewer meetings" in all_text(view)


# --- the showcase --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, verdict, numbers",
    [
        ("en", "Goal met", "*Committed:* 8 points in 2 items · *Completed:* 8 points in 2 items"),
        (
            "it",
            "Obiettivo raggiunto",
            "*Pianificati:* 8 punti in 2 elementi · *Completati:* 8 punti in 2 elementi",
        ),
        ("nl", "Doel gehaald", "*Gepland:* 8 punten in 2 items · *Afgerond:* 8 punten in 2 items"),
    ],
    ids=LANGUAGES,
)
def test_the_showcase_says_the_goal_was_met_and_committed_against_completed(
    language, verdict, numbers
):
    recap = closed(
        [entry(1, points=3, state=WorkState.DONE), entry(2, points=5, state=WorkState.DONE)], []
    )
    message = showcase_message(translator(language), recap, "Burnup chart: 8 of 8 points")
    assert_message(message)
    assert message["blocks"][0]["text"]["text"].endswith(f":white_check_mark: {verdict}")
    assert message["blocks"][1]["text"]["text"] == numbers
    assert message["blocks"][-1]["elements"][0]["text"] == "Burnup chart: 8 of 8 points"


@pytest.mark.parametrize(
    "language, line",
    [
        ("en", "*Say/do:* 75% · last 6 sprints: 60% – 100% 50% 90% 75%"),
        ("it", "*Say/do:* 75% · ultimi 6 sprint: 60% – 100% 50% 90% 75%"),
        ("nl", "*Say/do:* 75% · laatste 6 sprints: 60% – 100% 50% 90% 75%"),
    ],
    ids=LANGUAGES,
)
def test_the_showcase_says_its_say_do_and_the_last_six_sprints(language, line):
    # Sprint 2 is older than the last six; sprint 4 committed no points: no ratio, not 0%.
    outcomes = [
        SprintOutcome(2, 10, 0, 0),
        SprintOutcome(3, 10, 6, 6),
        SprintOutcome(4, 0, 3, 0),
        SprintOutcome(5, 8, 9, 8),
        SprintOutcome(6, 10, 5, 5),
        SprintOutcome(7, 10, 12, 9),
        SprintOutcome(8, 8, 8, 6),
    ]
    recap = closed([entry(1, points=6, state=WorkState.DONE)], [entry(2, points=2)], number=8)
    numbers = showcase_message(translator(language), recap, "alt", outcomes)["blocks"][1]
    assert numbers["text"]["text"].endswith("\n" + line)


def test_a_first_sprint_shows_its_say_do_without_a_trend_and_none_without_commitment():
    recap = closed([entry(1, points=4, state=WorkState.DONE)], [], number=1)
    text = showcase_message(EN, recap, "alt", [SprintOutcome(1, 5, 4, 4)])["blocks"][1]
    assert text["text"]["text"].endswith("\n*Say/do:* 80%")
    nothing = showcase_message(EN, recap, "alt", [SprintOutcome(1, 0, 4, 0)])["blocks"][1]
    assert nothing["text"]["text"].endswith("\n*Say/do:* –")
    assert "Say/do" not in showcase_message(EN, recap, "alt")["blocks"][1]["text"]["text"]


def test_the_goal_is_the_committed_work_whatever_was_added_later():
    done = [entry(1, state=WorkState.DONE), entry(2, state=WorkState.DONE)]
    added_unfinished = entry(3, committed=False)
    assert closed(done, [added_unfinished]).goal_met
    assert not closed(done[:1], [entry(2, state=WorkState.DOING), added_unfinished]).goal_met
    taken_out = closed(done, [], committed=Totals(scope_points=9, scope_items=3))
    assert not taken_out.goal_met
    met = showcase_message(IT, closed(done, [added_unfinished]), "alt")
    assert met["blocks"][0]["text"]["text"].endswith(":white_check_mark: Obiettivo raggiunto")


def test_the_showcase_tells_what_reached_customers_how_experiments_went_and_what_goes_back():
    won = entry(
        2,
        kind=ItemKind.EXPERIMENT,
        state=WorkState.DONE,
        title="Emoji subject",
        result="won",
        result_figure="31%",
        kpi="Open rate",
    )
    pending = entry(3, kind=ItemKind.EXPERIMENT, state=WorkState.DONE, title="Send at 7")
    late = entry(4, kind=ItemKind.EXPERIMENT, title="Longer trial")
    added = entry(5, committed=False, title="Press kit")
    recap = closed(
        [entry(1, state=WorkState.DONE, title="Spring newsletter"), won, pending], [late, added]
    )
    message = showcase_message(EN, recap, "alt")
    assert_message(message)
    text = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert text[0].endswith(":heavy_minus_sign: Goal not met")
    assert text[1] == (
        "*Committed:* 12 points in 4 items · *Completed:* 9 points in 3 items\n"
        "Scope changed during the sprint by +3 points (now 15)."
    )
    assert text[2] == "*What reached customers*\n• :pencil2: Spring newsletter"
    assert text[3] == (
        "*Experiments*\n"
        "• :test_tube: *Emoji subject*: :trophy: won (Open rate: 31%)\n"
        "• :test_tube: *Send at 7*: finished; the result is coming from the marketing owner\n"
        "• :test_tube: *Longer trial*: not finished; back on the backlog"
    )
    assert text[4] == "*Back to the top of the backlog*\n• Longer trial\n• Press kit"
    assert message["text"] == "Sprint showcase: Growth · Sprint 4"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_big_showcase_stays_within_slacks_limits(language):
    finished = entries(60, state=WorkState.DONE, title=WORST_TITLE)
    experiments = [
        entry(
            n,
            kind=ItemKind.EXPERIMENT,
            title=WORST_TITLE,
            state=WorkState.DONE,
            result="lost",
            result_figure=WORST_TITLE,
            kpi=WORST_TITLE,
        )
        for n in range(61, 121)
    ]
    unfinished = [entry(n, title=WORST_TITLE) for n in range(121, 181)]
    message = showcase_message(
        translator(language), closed(finished + experiments, unfinished), "a" * 1000
    )
    assert_message(message)


def test_the_showcase_says_how_many_more_went_back_even_with_long_titles():
    unfinished = [entry(n, title=f"{n:03} " + "x" * 146) for n in range(1, 61)]
    message = showcase_message(EN, closed([], unfinished), "alt")
    assert_message(message)
    back = message["blocks"][-2]["text"]["text"]
    assert back.endswith("\n…and 40 more.")
    listed = [line for line in all_text(message).split("\n") if line.startswith("• ")]
    assert listed == [f"• {e.title}" for e in unfinished[:20]]


def test_the_showcase_escapes_what_people_typed():
    hostile = entry(
        1,
        kind=ItemKind.EXPERIMENT,
        state=WorkState.DONE,
        title=HOSTILE,
        result="inconclusive",
        result_figure=HOSTILE,
        kpi=HOSTILE,
    )
    recap = closed(
        [hostile, entry(2, state=WorkState.DONE, title=HOSTILE)],
        [entry(3, title=HOSTILE)],
        goal=HOSTILE,
    )
    recap.team.name = HOSTILE
    message = showcase_message(EN, recap, "alt")
    assert not pings(message)
    assert (
        f"*{HOSTILE_ESCAPED}*: :grey_question: inconclusive ({HOSTILE_ESCAPED}: {HOSTILE_ESCAPED})"
        in all_text(message)
    )


def test_a_result_without_a_figure_is_the_word_alone():
    assert result_text(IT, "lost", None, "Open rate") == ":x: perso"
    assert result_text(EN, "won", "31%", None) == ":trophy: won (31%)"


# --- between two sprints -------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, none_running, last, upcoming",
    [
        ("en", "No sprint is running in Growth.", "· closed Fri 18 Dec", "· starts Mon 4 Jan"),
        (
            "it",
            "Nessuno sprint è in corso in Growth.",
            "· chiuso il ven 18 dic",
            "· inizia lun 4 gen",
        ),
        (
            "nl",
            "Er loopt geen sprint in Growth.",
            "· afgesloten op vr 18 dec",
            "· begint op ma 4 jan",
        ),
    ],
    ids=LANGUAGES,
)
def test_between_sprints_the_last_one_is_summed_up_and_the_next_announced(
    language, none_running, last, upcoming
):
    tr = translator(language)
    recap = closed([entry(1, state=WorkState.DONE)], [entry(2)])
    planned = sprint(
        id=9,
        number=5,
        state=SprintState.PLANNED,
        start_date=dt.date(2026, 12, 21),
        goal="Launch the referral scheme",
    )
    message = between_sprints_message(tr, team(), recap, planned, dt.date(2027, 1, 4))
    assert_message(message)
    assert message["text"] == none_running
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert sections[0] == f":zzz: *{none_running}*"
    assert sections[1].startswith(f":checkered_flag: *Growth · Sprint 4* {last}\n")
    assert tr.gettext("Goal not met") in sections[1]
    assert (
        tr.ngettext(
            "*Completed:* {points} points in {n} item",
            "*Completed:* {points} points in {n} items",
            1,
        ).format(points=3, n=1)
        in sections[1]
    )
    assert sections[2].startswith(f":calendar: *Growth · Sprint 5* {upcoming}\n")
    assert "Launch the referral scheme" in sections[2]


def test_before_the_first_sprint_only_how_to_plan_is_said():
    message = between_sprints_message(EN, team(name=HOSTILE), None, None)
    assert_message(message)
    assert len(message["blocks"]) == 2
    assert message["text"] == f"No sprint is running in {HOSTILE_ESCAPED}."
    assert "`/sprint plan`" in all_text(message)
