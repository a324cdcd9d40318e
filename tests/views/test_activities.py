"""Activities and actual effort, built from objects in memory: the team's activities form, the
activity select of the idea and scores forms, the done form, and what the planning form says
by the team's actuals, in each language, within Slack's limits."""

from __future__ import annotations

import json

import pytest

from bot.fields import DoneField, IdeaField, ScoreField, SprintField
from bot.i18n import LANGUAGES, translator
from bot.models import Activity
from bot.models.activity import OWN_ACTIVITIES_MAX
from bot.models.backlog import EFFORT_POINTS
from bot.services.activities import (
    BUILTIN_ACTIVITIES,
    Activities,
    Choice,
    builtin_field,
    new_field,
    own_field,
)
from bot.services.sprints import ActivityActuals, ByActuals, DoneForm
from bot.views.activities import (
    activities_modal,
    activities_saved,
    averages_text,
    by_actuals_text,
    done_modal,
)
from bot.views.ideas import idea_modal, scores_modal
from bot.views.ids import Callback
from bot.views.sprint import PlanForm, plan_modal
from tests.views.blockkit import all_text, assert_message, assert_modal, block_with_id
from tests.views.factories import HOSTILE, HOSTILE_ESCAPED, MONDAY, WORST_TITLE, item, pings, team

EN, IT, NL = (translator(language) for language in LANGUAGES)

# A team that renamed content, no longer offers outreach, added one of its own and retired
# another.
TEAM_ACTIVITIES = Activities(
    (
        Choice("content", Activity.CONTENT, "Blog & newsletter"),
        Choice("community", Activity.COMMUNITY),
        Choice("outreach", Activity.OUTREACH, None, offered=False),
        *(Choice(a.value, a) for a in list(Activity)[3:]),
        Choice("17", None, "Influencer partnerships"),
        Choice("18", None, "Print ads", offered=False),
    )
)

# Content takes 3.1 points for every 2 estimated; community 3 for 4.
ACTUALS = {
    "content": ActivityActuals(items=10, sprints=4, estimated=2.0, actual=3.1),
    "community": ActivityActuals(items=2, sprints=2, estimated=4.0, actual=3.0),
    "17": ActivityActuals(items=1, sprints=1, estimated=3.0, actual=5.0),
}


def options(block):
    return [(o["value"], o["text"]["text"]) for o in block["element"]["options"]]


# --- the team's activities form ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_activities_form_shows_each_built_in_one_in_the_readers_words(language):
    tr = translator(language)
    view = activities_modal(tr, team(name=HOSTILE), TEAM_ACTIVITIES)
    assert_modal(view)
    assert not pings(view)
    assert view["callback_id"] == Callback.ACTIVITIES
    assert json.loads(view["private_metadata"]) == {"team": 7}
    community = block_with_id(view, builtin_field(Activity.COMMUNITY))
    words = tr.gettext("Community and responding")
    assert community["label"]["text"] == words and community["element"]["initial_value"] == words
    # Renamed: the team's words; not offered: empty, saying so.
    content = block_with_id(view, builtin_field(Activity.CONTENT))["element"]
    assert content["initial_value"] == "Blog & newsletter"
    outreach = block_with_id(view, builtin_field(Activity.OUTREACH))["element"]
    assert "initial_value" not in outreach
    assert outreach["placeholder"]["text"] == tr.gettext("Not offered")
    # The team's own, as typed (the retired one is gone), and three empty for new ones.
    assert block_with_id(view, own_field(17))["element"]["initial_value"] == (
        "Influencer partnerships"
    )
    ids = [b.get("block_id") for b in view["blocks"]]
    assert own_field(18) not in ids
    assert [i for i in ids if i and i.startswith("activity_new_")] == [
        new_field(1),
        new_field(2),
        new_field(3),
    ]
    assert all(b["optional"] for b in view["blocks"] if b["type"] == "input")
    assert HOSTILE_ESCAPED in all_text(view)


def test_a_team_with_all_its_own_activities_gets_no_empty_field():
    own = tuple(Choice(str(n), None, f"Own {n}") for n in range(1, OWN_ACTIVITIES_MAX + 1))
    view = activities_modal(EN, team(), Activities(BUILTIN_ACTIVITIES.choices + own))
    assert_modal(view)
    assert not any(b.get("block_id", "").startswith("activity_new_") for b in view["blocks"])


def test_the_saved_activities_are_named_in_the_readers_language():
    message = activities_saved(IT, team(), TEAM_ACTIVITIES)
    assert_message(message)
    text = all_text(message)
    assert "Blog &amp; newsletter, Community e risposte, Networking" in text
    assert "Influencer partnerships" in text and "Outreach" not in text and "Print ads" not in text


# --- the activity in the idea and scores forms ---------------------------------------------


def test_the_idea_form_offers_the_teams_activities_optionally():
    view = idea_modal(
        NL, title=None, teams=[], team_id=7, channel_id="C1", activities=TEAM_ACTIVITIES
    )
    assert_modal(view)
    select = block_with_id(view, IdeaField.ACTIVITY)
    assert select["optional"] and select["label"]["text"] == "Activiteit"
    assert options(select)[:2] == [
        ("content", "Blog & newsletter"),
        ("community", "Community en reageren"),
    ]
    assert [v for v, _ in options(select)][-1] == "17"  # retired and hidden ones are not offered
    assert "outreach" not in [v for v, _ in options(select)]
    assert "initial_option" not in select["element"]


def test_a_team_that_offers_no_activity_gets_no_select():
    nothing = Activities(tuple(Choice(a.value, a, offered=False) for a in Activity))
    view = idea_modal(EN, title=None, teams=[], team_id=7, channel_id="C1", activities=nothing)
    assert IdeaField.ACTIVITY not in [b.get("block_id") for b in view["blocks"]]


def test_the_scores_form_shows_the_items_activity_even_one_no_longer_offered():
    view = scores_modal(
        EN,
        item(activity_id=18),
        accepting=True,
        metadata={"item_id": 12},
        activities=TEAM_ACTIVITIES,
    )
    assert_modal(view)
    select = block_with_id(view, ScoreField.ACTIVITY)
    assert select["element"]["initial_option"]["value"] == "18"
    assert ("18", "Print ads") in options(select)
    # Without the team's activities (an older caller), no select.
    plain = scores_modal(EN, item(), accepting=False, metadata={"item_id": 12})
    assert ScoreField.ACTIVITY not in [b.get("block_id") for b in plain["blocks"]]


# --- done, with what it really took ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_done_form_asks_what_it_really_took_on_the_estimates_scale(language):
    tr = translator(language)
    form = DoneForm(team(definition_of_done=HOSTILE), 102, WORST_TITLE, 5, "content")
    view = done_modal(tr, form, TEAM_ACTIVITIES, {"sprint_item": 102})
    assert_modal(view)
    assert not pings(view)
    assert view["callback_id"] == Callback.SPRINT_DONE
    assert (view["submit"]["text"], view["close"]["text"]) == (
        tr.gettext("Yes, it is done"),
        tr.gettext("Not yet"),
    )
    actual = block_with_id(view, DoneField.ACTUAL)
    assert actual["optional"]
    assert [v for v, _ in options(actual)] == [str(p) for p in EFFORT_POINTS]
    assert "initial_option" not in actual["element"]
    text = all_text(view)
    assert (
        "Blog &amp; newsletter · " + tr.ngettext("{n} point", "{n} points", 5).format(n=5) in text
    )
    assert HOSTILE_ESCAPED in text  # the Definition of Done, escaped
    assert json.loads(view["private_metadata"]) == {"sprint_item": 102}


def test_the_done_form_says_nothing_is_counted_per_person():
    view = done_modal(EN, DoneForm(team(), 102, "Video", 1, None), BUILTIN_ACTIVITIES, {})
    hint = block_with_id(view, DoneField.ACTUAL)["hint"]["text"]
    assert hint == (
        "In points, like its estimate of 1 point. The sprint planning uses the team's averages "
        "per activity; nothing is counted per person."
    )


# --- what work takes, in the planning form -------------------------------------------------


def test_the_averages_name_only_the_activities_on_offer_with_a_history():
    text = averages_text(EN, TEAM_ACTIVITIES, ACTUALS, ["community", "content", None, "outreach"])
    assert text == (
        "*What work takes, by the actual effort recorded in your last sprints:*\n"
        "• Blog &amp; newsletter: estimated 2, takes 3.1 on average over 4 sprints\n"
        "• Community and responding: estimated 4, takes 3 on average over 2 sprints"
    )
    assert averages_text(EN, TEAM_ACTIVITIES, ACTUALS, ["outreach", None]) is None
    assert averages_text(EN, TEAM_ACTIVITIES, {}, ["content"]) is None


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("it", "• Contenuti e piano editoriale: stima 2, in media ne richiede 3,1 su 4 sprint"),
        ("nl", "• Content en redactie: geschat 2, kost gemiddeld 3,1 over 4 sprints"),
    ],
)
def test_the_averages_in_italian_and_dutch_with_their_decimal_comma(language, line):
    text = averages_text(translator(language), BUILTIN_ACTIVITIES, ACTUALS, ["content"])
    assert text is not None and text.splitlines()[1] == line


def test_committed_points_by_the_actuals_with_what_has_none_and_the_capacity():
    estimate = ByActuals(committed=11, likely=13.58, unknown=3)
    assert by_actuals_text(EN, estimate, 20) == (
        ":straight_ruler: Your 11 committed points are about 14 by your actuals. "
        "(3 points have no actuals yet: they count as estimated.)"
    )
    over = by_actuals_text(EN, estimate, 12)
    assert over.endswith(
        "\n:warning: That is more than the capacity of 12: consider leaving something in the "
        "backlog."
    )
    # Over capacity by the estimates already: the form says so once, above.
    assert ":warning:" not in by_actuals_text(EN, estimate, 10)
    assert by_actuals_text(EN, ByActuals(1, 1.6, 0), None) == (
        ":straight_ruler: Your 1 committed point is about 2 by your actuals."
    )
    assert by_actuals_text(NL, ByActuals(1200, 1500.4, 0), None) == (
        ":straight_ruler: Je 1200 geplande punten zijn volgens jullie werkelijke inspanning "
        "ongeveer 1.500."
    )


def plan_form(**fields) -> PlanForm:
    values = {
        "team": team(),
        "choices": [item(1, effort=5), item(2, effort=3), item(3, effort=2), item(4, effort=1)],
        "points": {1: 5, 2: 3, 3: 2, 4: 1},
        "suggestion": 12,
        "start": MONDAY,
        "length_weeks": 2,
        "capacity": 12,
        "item_activities": {1: "content", 2: "community", 3: "outreach", 4: None},
        "activities": BUILTIN_ACTIVITIES,
        "actuals": {k: v for k, v in ACTUALS.items() if k != "17"},
    }
    return PlanForm(**(values | fields))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_planning_form_says_what_the_chosen_points_take_by_the_actuals(language):
    tr = translator(language)
    view = plan_modal(tr, plan_form(selected=(1, 2, 3, 4)))
    assert_modal(view)
    total = block_with_id(view, "sprint_total")["text"]["text"]
    # 5 content points × 3.1/2 + 3 community × 3/4 + 2 outreach + 1 without: 13.
    estimate = by_actuals_text(tr, ByActuals(11, 5 * 1.55 + 3 * 0.75 + 3, 3), 12)
    assert total.endswith("\n" + estimate)
    assert " 11 " in estimate and " 13" in estimate and ":warning:" in estimate
    averages = [b for b in view["blocks"] if b["type"] == "context"][-1]["elements"][0]["text"]
    assert tr.gettext("Content and editorial") in averages
    assert tr.gettext("Outreach") not in averages


def test_without_any_history_the_planning_form_says_nothing_of_actuals():
    view = plan_modal(EN, plan_form(selected=(1, 2), actuals={}))
    assert "actuals" not in all_text(view) and "actual effort" not in all_text(view)
    # Items chosen with no history among them: no line either, only the averages on offer.
    view = plan_modal(EN, plan_form(selected=(3, 4)))
    assert "by your actuals" not in block_with_id(view, "sprint_total")["text"]["text"]
    assert "Content and editorial: estimated" in all_text(view)


def test_a_full_planning_form_with_its_averages_stays_within_slacks_limits():
    many = Activities(
        BUILTIN_ACTIVITIES.choices
        + tuple(Choice(str(n), None, "<&>" * 13 + "x") for n in range(100, 110))
    )
    actuals = {c.key: ActivityActuals(3, 6, 13.0, 21.0) for c in many.choices}
    choices = [item(n, title=WORST_TITLE, effort=21) for n in range(1, 101)]
    keys = {n: many.choices[n % len(many.choices)].key for n in range(1, 101)}
    form = plan_form(
        choices=choices,
        points={n: 21 for n in range(1, 101)},
        selected=tuple(range(1, 101)),
        item_activities=keys,
        activities=many,
        actuals=actuals,
        actions=tuple(WORST_TITLE for _ in range(12)),
    )
    for language in LANGUAGES:
        view = plan_modal(translator(language), form)
        assert_modal(view)
        assert not pings(view)
    assert SprintField.ITEMS in [b.get("block_id") for b in view["blocks"]]
