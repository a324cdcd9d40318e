"""Ideas: the submission form, the triage card in the admin channel, the idea card with its Vote
button, the notes to the submitter, and the owner's scores and decline forms."""

from __future__ import annotations

import json

import pytest

from bot.fields import DeclineField, IdeaField, ScoreField
from bot.i18n import LANGUAGES, translator
from bot.models import ItemKind, ItemStatus
from bot.models.backlog import (
    DECLINE_REASON_MAX,
    DESCRIPTION_MAX,
    EFFORT_POINTS,
    HYPOTHESIS_MAX,
    KPI_MAX,
    TITLE_MAX,
)
from bot.views.ideas import (
    decline_modal,
    idea_accepted,
    idea_card,
    idea_declined,
    idea_modal,
    idea_received,
    scores_modal,
    triage_card,
)
from bot.views.ids import Action, Callback
from tests.views.blockkit import (
    assert_message,
    assert_modal,
    block_with_id,
    mrkdwn_texts,
    of_type,
)
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MEMBER,
    OWNER,
    WORST_TITLE,
    experiment,
    item,
    pings,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)


def proposed(**fields):
    """An idea as submitted: no scores of the owner's yet."""
    values = {
        "status": ItemStatus.PROPOSED,
        "effort": None,
        "customer_value": None,
        "business_value": None,
        "score": None,
    }
    return item(**(values | fields))


def worst_experiment(**fields):
    """An experiment with every text as long as the form allows, in characters that escaping
    makes five times longer."""
    return experiment(
        title=WORST_TITLE,
        description=worst(DESCRIPTION_MAX),
        hypothesis=worst(HYPOTHESIS_MAX),
        kpi=worst(KPI_MAX),
        decline_reason=worst(DECLINE_REASON_MAX),
        vote_count=10**6,
        **fields,
    )


# --- the form ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_idea_form_asks_for_the_idea_and_the_submitters_view(language):
    view = idea_modal(translator(language), title="Offer A", teams=[], team_id=7, channel_id="C1")
    assert_modal(view)
    assert view["callback_id"] == Callback.IDEA
    assert [b["block_id"] for b in view["blocks"]] == [
        IdeaField.TITLE,
        IdeaField.DESCRIPTION,
        IdeaField.KIND,
        IdeaField.ACTIVITY,
        IdeaField.HYPOTHESIS,
        IdeaField.KPI,
        IdeaField.CUSTOMER_VALUE,
        IdeaField.BUSINESS_VALUE,
    ]
    blocks = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert blocks[IdeaField.TITLE]["initial_value"] == "Offer A"
    assert blocks[IdeaField.TITLE]["max_length"] == TITLE_MAX
    assert [o["value"] for o in blocks[IdeaField.KIND]["options"]] == [k.value for k in ItemKind]
    assert blocks[IdeaField.KIND]["initial_option"]["value"] == ItemKind.EXPERIMENT.value
    for value in (IdeaField.CUSTOMER_VALUE, IdeaField.BUSINESS_VALUE):
        assert (blocks[value]["min_value"], blocks[value]["max_value"]) == ("1", "10")
    assert json.loads(view["private_metadata"]) == {"team_id": 7, "channel_id": "C1"}


def test_a_title_typed_after_the_command_is_cut_to_what_the_form_takes():
    view = idea_modal(EN, title="t" * 500, teams=[], team_id=7, channel_id="C1")
    assert_modal(view)
    assert block_with_id(view, IdeaField.TITLE)["element"]["initial_value"] == "t" * TITLE_MAX


def test_outside_a_team_channel_the_form_asks_for_the_team():
    teams = [team(id=n, name=f"Team {n:03} " + "n" * 70) for n in range(1, 151)]
    view = idea_modal(IT, title=None, teams=teams, team_id=None, channel_id=None)
    assert_modal(view)
    choice = view["blocks"][0]
    assert choice["block_id"] == IdeaField.TEAM and choice["label"]["text"] == "Per quale team?"
    assert [o["value"] for o in choice["element"]["options"]] == [str(n) for n in range(1, 101)]
    assert "initial_value" not in block_with_id(view, IdeaField.TITLE)["element"]


# --- the cards -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, facts",
    [
        ("en", "Campaign · Ready · score 1.67 (effort 6, customer 7, business 3) · 3 votes"),
        ("it", "Campagna · Pronto · punteggio 1,67 (sforzo 6, cliente 7, business 3) · 3 voti"),
        (
            "nl",
            "Campagne · Geaccepteerd · score 1,67 (inspanning 6, klant 7, bedrijf 3) · 3 stemmen",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_idea_card_shows_the_score_in_the_readers_numbers_and_a_vote_button(language, facts):
    tr = translator(language)
    message = idea_card(tr, item(vote_count=3), MEMBER, OWNER)
    assert_message(message)
    vote = message["blocks"][0]["accessory"]
    assert (vote["action_id"], vote["value"]) == (Action.VOTE, "12")
    assert vote["text"]["text"] == ":+1: " + tr.gettext("Vote ({n})").format(n=3)
    assert message["blocks"][-2]["elements"][0]["text"] == facts
    outcome = tr.gettext("Accepted into the backlog by {person}.").format(person=f"<@{OWNER}>")
    assert message["blocks"][-1]["elements"][0]["text"] == ":white_check_mark: " + outcome


def test_an_idea_awaiting_triage_has_no_outcome_on_its_card():
    message = idea_card(EN, proposed(vote_count=1), MEMBER)
    assert message["text"] == f"New idea from <@{MEMBER}>: #12 Offer A vs offer B"
    assert message["blocks"][-1]["elements"][0]["text"] == "Campaign · Awaiting triage · 1 vote"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_triage_card_has_accept_and_decline_for_the_owner(language):
    tr = translator(language)
    message = triage_card(tr, proposed(proposed_customer_value=6), team(), MEMBER)
    assert_message(message)
    actions = block_with_id(message, "triage:12")["elements"]
    assert [(b["action_id"], b["value"], b.get("style")) for b in actions] == [
        (Action.TRIAGE_ACCEPT, "12", "primary"),
        (Action.TRIAGE_DECLINE, "12", "danger"),
        (Action.TRIAGE_SPLIT, "12", None),  # a minimum viable campaign (views.slices)
    ]
    assert f"<@{OWNER}>" in message["blocks"][-1]["elements"][0]["text"]
    view = message["blocks"][-3]["elements"][0]["text"]
    assert view == tr.gettext(
        "Submitter's view: customer value {customer}, business value {business}"
    ).format(customer=6, business="–")


def test_a_triaged_card_says_who_decided_and_has_no_buttons_left():
    accepted = triage_card(EN, item(), team(), MEMBER, triaged_by_id=OWNER)
    assert of_type(accepted, "button") == []
    assert accepted["blocks"][-1]["text"]["text"] == (
        f":white_check_mark: Accepted into the backlog by <@{OWNER}>."
    )
    declined = triage_card(
        NL,
        proposed(status=ItemStatus.DECLINED, decline_reason="Not this quarter"),
        team(),
        MEMBER,
        triaged_by_id=OWNER,
    )
    assert of_type(declined, "button") == []
    assert declined["blocks"][-1]["text"]["text"] == (
        f":no_entry_sign: Afgewezen door <@{OWNER}>: Not this quarter"
    )


def test_an_experiment_card_shows_its_hypothesis_and_kpi():
    message = triage_card(EN, experiment(description="Two subject lines"), team(), MEMBER)
    assert message["blocks"][2]["text"]["text"] == (
        "Two subject lines\n*Hypothesis:* An emoji lifts the open rate\n*KPI:* Open rate"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_cards_and_notes_stay_within_slacks_limits_for_the_longest_idea(language):
    tr = translator(language)
    for status in ItemStatus:
        idea = worst_experiment(status=status)
        assert_message(triage_card(tr, idea, team(name="n" * 80), MEMBER, OWNER))
        assert_message(triage_card(tr, idea, team(name="n" * 80), MEMBER))
        assert_message(idea_card(tr, idea, MEMBER, OWNER))
    for note in (idea_received, idea_accepted, idea_declined):
        assert_message(note(tr, worst_experiment(), team(name="n" * 80)))


def test_everything_people_typed_is_escaped():
    idea = experiment(
        title=HOSTILE,
        description=HOSTILE,
        hypothesis=HOSTILE,
        kpi=HOSTILE,
        decline_reason=HOSTILE,
        status=ItemStatus.DECLINED,
    )
    hostile_team = team(name=HOSTILE)
    payloads = [
        triage_card(EN, idea, hostile_team, MEMBER, OWNER),
        idea_card(EN, idea, MEMBER, OWNER),
        idea_received(EN, idea, hostile_team),
        idea_accepted(EN, idea, hostile_team),
        idea_declined(EN, idea, hostile_team),
        scores_modal(EN, idea, accepting=True, metadata={}),
        decline_modal(EN, idea, metadata={}),
    ]
    for payload in payloads:
        assert not pings(payload)
        assert HOSTILE_ESCAPED in "\n".join(mrkdwn_texts(payload))
    card = triage_card(EN, idea, hostile_team, MEMBER, OWNER)
    assert card["text"] == (
        f"New idea for {HOSTILE_ESCAPED} from <@{MEMBER}>: #21 {HOSTILE_ESCAPED}"
    )


@pytest.mark.parametrize(
    "language, score",
    [("en", "(score 1.67)"), ("it", "(punteggio 1,67)"), ("nl", "(score 1,67)")],
    ids=LANGUAGES,
)
def test_the_submitter_hears_the_outcome_in_their_language(language, score):
    tr = translator(language)
    received = idea_received(tr, proposed(), team())["text"]
    assert "*#12 Offer A vs offer B*" in received and f"<@{OWNER}>" in received
    assert score in idea_accepted(tr, item(), team())["text"]
    declined = idea_declined(tr, proposed(decline_reason="Not this quarter"), team())["text"]
    assert declined.endswith(": Not this quarter") and f"<@{OWNER}>" in declined


# --- the owner's forms -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_accepting_asks_for_effort_and_values_starting_from_the_submitters_view(language):
    tr = translator(language)
    view = scores_modal(
        tr,
        proposed(proposed_customer_value=6, proposed_business_value=4),
        accepting=True,
        metadata={"item": 12, "page": 2},
    )
    assert_modal(view)
    assert view["callback_id"] == Callback.ACCEPT
    assert (view["title"]["text"], view["submit"]["text"]) == (
        tr.gettext("Accept idea"),
        tr.gettext("Accept"),
    )
    effort = block_with_id(view, ScoreField.EFFORT)["element"]
    assert [o["value"] for o in effort["options"]] == [str(p) for p in EFFORT_POINTS]
    assert "initial_option" not in effort
    values = [
        block_with_id(view, f)["element"]
        for f in (ScoreField.CUSTOMER_VALUE, ScoreField.BUSINESS_VALUE)
    ]
    assert [v["initial_value"] for v in values] == ["6", "4"]
    assert json.loads(view["private_metadata"]) == {"item": 12, "page": 2}


def test_editing_scores_starts_from_the_owners_scores():
    view = scores_modal(EN, item(effort=8, proposed_customer_value=2), accepting=False, metadata={})
    assert_modal(view)
    assert view["callback_id"] == Callback.RESCORE
    assert (view["title"]["text"], view["submit"]["text"]) == ("Edit scores", "Save")
    effort = block_with_id(view, ScoreField.EFFORT)["element"]
    assert effort["initial_option"]["value"] == "8"
    assert effort["initial_option"]["text"]["text"] == "8 points"
    customer = block_with_id(view, ScoreField.CUSTOMER_VALUE)["element"]
    assert customer["initial_value"] == "7"


@pytest.mark.parametrize("language", LANGUAGES)
def test_declining_asks_for_the_reason_the_submitter_will_read(language):
    tr = translator(language)
    view = decline_modal(tr, worst_experiment(), metadata={"item": 21})
    assert_modal(view)
    assert view["callback_id"] == Callback.DECLINE
    reason = block_with_id(view, DeclineField.REASON)
    assert reason["element"]["max_length"] == DECLINE_REASON_MAX
    assert reason["hint"]["text"] == tr.gettext(
        "The submitter and the idea's followers receive this reason."
    )
