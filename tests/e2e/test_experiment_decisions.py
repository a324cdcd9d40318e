"""Experiments that lead somewhere, end to end in Slack: with the result, or later from its
message, the marketing owner decides to stop, continue or scale (only the owner, checked on the
server; each decision in the backlog's history with who and when), and the showcase's thread
hears it; the owner starts a variant, the idea form prefilled from the experiment, which goes
to triage linked to it; the backlog, the cards, the next showcase and the export show the
lineage both ways. One test runs in Italian."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.fields import IdeaField, ResultField, SprintField
from bot.models import (
    BacklogEvent,
    BacklogItem,
    EventKind,
    ExperimentDecision,
    ItemKind,
    ItemStatus,
    Team,
    WorkState,
)
from bot.services import backlog, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.views.ids import Action, Callback
from tests.conftest import (
    ADMIN_CHANNEL,
    ITALIAN,
    MEMBER,
    OWNER,
    SCRUM,
    STAKEHOLDER,
    TEAM_CHANNEL,
)
from tests.scenario import all_text, set_up_team, wait_for_response

NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)  # Thursday, 10:00 in Rome
TODAY = dt.date(2026, 10, 22)
CLOSE = dt.datetime(2026, 10, 27, 14, 0, tzinfo=dt.UTC)

RESULT_WON = {
    ResultField.RESULT: "won",
    ResultField.FIGURE: "3.4% vs 1.9%",
    ResultField.LEARNING: "Concrete offers win.",
}


@pytest.fixture(autouse=True)
def no_export_pause(monkeypatch):
    monkeypatch.setattr("bot.messaging.export.UPLOAD_PAUSE", 0.0)


def _accepted_experiment(session, team, owner, title, hypothesis="B doubles clicks"):
    draft = IdeaDraft(
        title,
        "Two offers on the spring newsletter.",
        ItemKind.EXPERIMENT,
        hypothesis,
        "Click-through rate",
        None,
        None,
    )
    item = backlog.submit_idea(session, team, owner, draft, NOW)
    backlog.accept(session, item.id, owner, Scores(5, 9, 9), NOW)
    return item.id


def _run_sprint(read, team_id, owner_id, item_ids, start):
    """Plan the items into a sprint starting `start` and finish them (not yet closed)."""

    def run(session):
        team = session.get_one(Team, team_id)
        owner = workspaces.person(session, owner_id)
        values = {
            SprintField.GOAL: "Learn what converts",
            SprintField.SERVES: "Q4 objective",
            SprintField.START: start.isoformat(),
            SprintField.LENGTH: "1",
            SprintField.CAPACITY: "10",
            SprintField.ITEMS: [str(i) for i in item_ids],
        }
        draft = sprints.SprintDraft.validate(values, today=start)
        sprint = sprints.plan(session, team, owner, draft, NOW)
        sprints.start(session, sprint.id, NOW)
        member = workspaces.person(session, MEMBER)
        for entry in sprints.entries(session, sprints.get_sprint(session, sprint.id)):
            sprints.move(session, entry.sprint_item_id, member, WorkState.DONE, NOW)

    read(run)


@pytest.fixture
def closed_sprint(slack, double, clock, read):
    """A team whose sprint finished the experiment "Offer A vs offer B": the showcase is
    posted (by `/sprint end`) and the owner asked for its result."""
    return _closed_sprint(slack, double, clock, read, owner=OWNER)


def _closed_sprint(slack, double, clock, read, *, owner):
    clock.fixed = NOW
    set_up_team(
        slack, owner=owner, members=[MEMBER, SCRUM] + ([ITALIAN] if owner != ITALIAN else [])
    )

    def add(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        person = workspaces.person(session, owner)
        return team.id, _accepted_experiment(session, team, person, "Offer A vs offer B")

    team_id, item_id = read(add)
    _run_sprint(read, team_id, owner, [item_id], TODAY)
    clock.fixed = CLOSE
    slack.command("/sprint", "end", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    showcase = next(m for m in double.messages_in(TEAM_CHANNEL) if "showcase" in all_text(m))
    return {"team": team_id, "item": item_id, "showcase": showcase, "owner": owner}


def _result_form(slack, double, owner, count=1):
    ask = next(m for m in double.messages_in(owner) if Action.EXPERIMENT_RESULT in str(m["blocks"]))
    slack.click(ask, Action.EXPERIMENT_RESULT, user=owner, channel=double.dm_channel(owner))
    slack.settle()
    return double.wait_for(
        "views.open",
        lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_RESULT,
        count=count,
    )[count - 1].response["view"]


def _recorded(double, owner):
    """The owner's private message about the recorded result, as it stands (redrawn in place)."""
    return next(
        m
        for m in reversed(double.messages_in(owner))
        if any(b.get("block_id", "").startswith("decide:") for b in m.get("blocks", []))
    )


def _thread(double, showcase):
    return [m for m in double.messages_in(TEAM_CHANNEL) if m.get("thread_ts") == showcase["ts"]]


def _decisions(read, item_id):
    def events(session):
        rows = session.query(BacklogEvent).filter_by(item_id=item_id, kind=EventKind.DECIDED)
        return [
            (e.actor_id, e.data["decision"], e.data["previous"], e.occurred_at)
            for e in rows.order_by(BacklogEvent.id)
        ]

    return read(events)


def _prefilled(view):
    """What the person would submit without touching the form: its initial values."""
    values = {}
    for block in view["blocks"]:
        element = block.get("element") or {}
        if "initial_value" in element:
            values[block["block_id"]] = element["initial_value"]
        elif "initial_option" in element:
            values[block["block_id"]] = element["initial_option"]["value"]
    return values


def test_the_owner_decides_with_the_result_and_changes_it_and_only_the_owner(
    slack, double, read, clock, closed_sprint
):
    item_id, showcase = closed_sprint["item"], closed_sprint["showcase"]
    owner_id = read(lambda s: workspaces.person(s, OWNER).id)
    view = _result_form(slack, double, OWNER)
    decision = next(b for b in view["blocks"] if b.get("block_id") == ResultField.DECISION)
    assert [o["value"] for o in decision["element"]["options"]] == ["stop", "continue", "scale"]
    assert "It worked: give it more reach, budget or channels." in all_text(view)

    # Scaling what lost is refused on the field, and nothing is stored.
    refused = slack.submit(
        view, {**RESULT_WON, ResultField.RESULT: "lost", ResultField.DECISION: "scale"}, user=OWNER
    ).json
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {ResultField.DECISION}
    assert "Only an experiment that won can be scaled" in refused["errors"][ResultField.DECISION]
    assert read(lambda s: s.get_one(BacklogItem, item_id).result) is None

    # Won, continue: saved, said in the showcase's thread, recorded with who and when.
    saved = slack.submit(view, {**RESULT_WON, ResultField.DECISION: "continue"}, user=OWNER)
    assert saved.body == ""
    slack.settle()
    assert any(
        "won" in all_text(m) and "*Decision:* Continue" in all_text(m)
        for m in _thread(double, showcase)
    )
    assert _decisions(read, item_id) == [(owner_id, "continue", None, CLOSE)]

    # A member's forged click on the owner's message changes nothing: refused on the server.
    recorded = _recorded(double, OWNER)
    assert "*Decision:* Continue." in all_text(recorded)
    clicks = len(_thread(double, showcase))
    slack.click(recorded, Action.EXPERIMENT_SCALE, user=MEMBER, channel=double.dm_channel(MEMBER))
    slack.settle()
    assert "Only the marketing owner of Growth" in all_text(wait_for_response(double, MEMBER))
    assert read(lambda s: s.get_one(BacklogItem, item_id).decision) is ExperimentDecision.CONTINUE
    assert len(_decisions(read, item_id)) == 1 and len(_thread(double, showcase)) == clicks

    # The owner changes it from the message: redrawn in place, said in the thread, recorded.
    clock.fixed = later = CLOSE + dt.timedelta(days=1)
    slack.click(recorded, Action.EXPERIMENT_SCALE, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    redrawn = _recorded(double, OWNER)
    assert redrawn["ts"] == recorded["ts"] and redrawn.get("history")  # an edit, not a new post
    scale = next(b for b in redrawn["blocks"] if b.get("block_id") == f"decide:{item_id}")
    assert [e.get("style") for e in scale["elements"]] == [None, None, "primary", None]
    assert "*Decision:* Scale." in all_text(redrawn)
    assert "changed from Continue to Scale" in all_text(_thread(double, showcase)[-1])
    assert _decisions(read, item_id) == [
        (owner_id, "continue", None, CLOSE),
        (owner_id, "scale", "continue", later),
    ]

    # The same decision again is no change: nothing recorded, nothing posted.
    slack.click(redrawn, Action.EXPERIMENT_SCALE, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    assert len(_decisions(read, item_id)) == 2 and len(_thread(double, showcase)) == clicks + 1


def test_a_decision_whose_message_is_gone_still_reaches_the_showcase_thread(
    slack, double, read, clock, closed_sprint
):
    """The result's message cannot be redrawn (deleted meanwhile): the decision is saved all
    the same, and the thread hears of it."""
    item_id, showcase = closed_sprint["item"], closed_sprint["showcase"]
    view = _result_form(slack, double, OWNER)
    assert slack.submit(view, RESULT_WON, user=OWNER).body == ""
    slack.settle()
    recorded = _recorded(double, OWNER)
    double.fail_next("chat.update", error="message_not_found")
    slack.click(recorded, Action.EXPERIMENT_STOP, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    assert read(lambda s: s.get_one(BacklogItem, item_id).decision) is ExperimentDecision.STOP
    assert "Decision on *Offer A vs offer B*: Stop." in all_text(_thread(double, showcase)[-1])


def test_a_variant_starts_prefilled_goes_to_triage_and_is_linked_both_ways(
    slack, double, read, clock, closed_sprint
):
    parent_id = closed_sprint["item"]
    view = _result_form(slack, double, OWNER)
    slack.submit(view, {**RESULT_WON, ResultField.DECISION: "continue"}, user=OWNER)
    slack.settle()
    recorded = _recorded(double, OWNER)

    # Only the owner starts a variant: a stakeholder's forged click opens no form.
    slack.click(
        recorded,
        Action.EXPERIMENT_VARIANT,
        user=STAKEHOLDER,
        channel=double.dm_channel(STAKEHOLDER),
    )
    slack.settle()
    assert "Only the marketing owner" in all_text(wait_for_response(double, STAKEHOLDER))
    assert all(
        c.args["view"]["callback_id"] != Callback.EXPERIMENT_VARIANT
        for c in double.calls_to("views.open", ok=None)
    )

    # The owner's click opens the idea form, prefilled from the experiment.
    slack.click(recorded, Action.EXPERIMENT_VARIANT, user=OWNER, channel=double.dm_channel(OWNER))
    slack.settle()
    form = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_VARIANT
    )[0].response["view"]
    assert form["title"]["text"] == "New variant"
    values = _prefilled(form)
    assert values[IdeaField.TITLE] == "Variant: Offer A vs offer B"
    assert values[IdeaField.KIND] == "experiment"
    assert values[IdeaField.HYPOTHESIS] == "B doubles clicks"
    assert values[IdeaField.KPI] == "Click-through rate"
    assert values[IdeaField.DESCRIPTION] == "Two offers on the spring newsletter."

    # An experiment without its hypothesis is refused on the field; nothing is stored.
    count = read(lambda s: s.query(BacklogItem).count())
    bad = slack.submit(form, {**values, IdeaField.HYPOTHESIS: " "}, user=OWNER).json
    assert bad["response_action"] == "errors" and set(bad["errors"]) == {IdeaField.HYPOTHESIS}
    assert read(lambda s: s.query(BacklogItem).count()) == count

    edited = {**values, IdeaField.TITLE: "Offer C vs offer B", IdeaField.HYPOTHESIS: "C beats B"}
    assert slack.submit(form, edited, user=OWNER).body == ""
    slack.settle()
    variant = read(lambda s: s.query(BacklogItem).filter_by(variant_of_id=parent_id).one())
    assert (variant.title, variant.hypothesis, variant.kpi) == (
        "Offer C vs offer B",
        "C beats B",
        "Click-through rate",
    )
    assert variant.status is ItemStatus.PROPOSED  # triage, like any idea

    # Its cards go out and name the parent; the owner hears where it waits.
    triage = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "Offer C vs offer B" in all_text(
        triage
    ) and f"Variant of experiment #{parent_id}" in all_text(triage)
    assert f"Variant of experiment #{parent_id}" in all_text(double.messages_in(TEAM_CHANNEL)[-1])
    told = double.messages_in(OWNER)[-1]
    assert f"*#{variant.id} Offer C vs offer B* of #{parent_id}" in all_text(told)
    # Both ways: the parent's result message now lists the variant...
    assert f"Variant: #{variant.id}" in all_text(_recorded(double, OWNER))
    # ...and the backlog names the variant's parent, with its result and decision.
    listed = all_text(slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json)
    assert f"Variant of #{parent_id} Offer A vs offer B (won, decision: Continue)" in listed

    # Accepted and run in the next sprint, the variant's showcase names its parent.
    slack.click(
        triage, Action.TRIAGE_ACCEPT, user=OWNER, channel=ADMIN_CHANNEL, value=str(variant.id)
    )
    slack.settle()
    accept = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.ACCEPT
    )[0].response["view"]
    slack.submit(accept, {"effort": "3", "customer_value": "8", "business_value": "8"}, user=OWNER)
    slack.settle()
    clock.fixed = NOW
    _run_sprint(read, closed_sprint["team"], OWNER, [variant.id], dt.date(2026, 11, 2))
    clock.fixed = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)
    slack.command("/sprint", "end", user=SCRUM, channel=TEAM_CHANNEL)
    slack.settle()
    second = [m for m in double.messages_in(TEAM_CHANNEL) if "Sprint showcase" in all_text(m)][-1]
    assert "Offer C vs offer B" in all_text(second)
    assert f"Variant of #{parent_id} Offer A vs offer B (won, decision: Continue)" in all_text(
        second
    )


def test_a_variant_from_the_backlog_shows_on_both_items_there(slack, double, read, clock):
    clock.fixed = NOW
    set_up_team(slack)

    def add(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        return _accepted_experiment(session, team, workspaces.person(session, OWNER), "Offer A")

    parent_id = read(add)
    listing = slack.command("/backlog", "", user=OWNER, channel=TEAM_CHANNEL).json
    # A member's list has no owner's menu; a forged choice from it is refused.
    slack.click(
        listing,
        Action.OWNER_MENU,
        user=MEMBER,
        channel=TEAM_CHANNEL,
        option_value=f"variant:{parent_id}:1",
        ephemeral=True,
    )
    slack.settle()
    assert "Only the marketing owner" in all_text(wait_for_response(double, MEMBER))

    slack.click(
        listing,
        Action.OWNER_MENU,
        user=OWNER,
        channel=TEAM_CHANNEL,
        option_value=f"variant:{parent_id}:1",
        ephemeral=True,
    )
    slack.settle()
    form = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_VARIANT
    )[0].response["view"]
    slack.submit(form, {**_prefilled(form), IdeaField.TITLE: "Offer B"}, user=OWNER)
    slack.settle()
    variant_id = read(lambda s: s.query(BacklogItem).filter_by(variant_of_id=parent_id).one().id)

    listed = slack.command("/backlog", "", user=MEMBER, channel=TEAM_CHANNEL).json
    blocks = {b.get("block_id"): b.get("text", {}).get("text", "") for b in listed["blocks"]}
    assert blocks[f"item:{parent_id}"].endswith(f"Variant: #{variant_id}")
    assert blocks[f"item:{variant_id}"].endswith(f"Variant of #{parent_id} Offer A")


def test_the_export_has_the_decision_and_the_parent_of_each_variant(
    slack, double, read, closed_sprint
):
    parent_id = closed_sprint["item"]
    view = _result_form(slack, double, OWNER)
    slack.submit(view, {**RESULT_WON, ResultField.DECISION: "scale"}, user=OWNER)
    slack.settle()

    def add_variant(session):
        team = session.get_one(Team, closed_sprint["team"])
        owner = workspaces.person(session, OWNER)
        variant_id = _accepted_experiment(session, team, owner, "Offer C vs offer B")
        session.get_one(BacklogItem, variant_id).variant_of_id = parent_id
        return variant_id

    variant_id = read(add_variant)
    # Headers and the decision in each reader's language; the parent by its Id.
    for user, header, scale in (
        (MEMBER, ["Decision", "Variant of"], "Scale"),
        (ITALIAN, ["Decisione", "Variante di"], "Scalare"),
    ):
        slack.command("/agile", "export", user=user, channel=TEAM_CHANNEL)
        slack.settle()
        rows = _experiments_csv(double, user)
        assert rows[0][-2:] == header
        by_id = {row[0]: row for row in rows[1:]}
        assert by_id[str(parent_id)][-2:] == [scale, ""]
        assert by_id[str(variant_id)][-2:] == ["", str(parent_id)]


def _experiments_csv(double, user):
    dm = double.dm_channel(user)
    double.wait_for("files.completeUploadExternal", lambda c: c.args.get("channel_id") == dm)
    record = next(
        r
        for r in double.files.values()
        if r["completed"] and r["filename"] == "experiments.csv" and r["channels"] == [dm]
    )
    return list(csv.reader(io.StringIO(record["bytes"].decode("utf-8-sig"))))


def test_in_italian_the_owner_decides_and_is_refused_on_the_field_in_italian(
    slack, double, read, clock
):
    sprint = _closed_sprint(slack, double, clock, read, owner=ITALIAN)
    view = _result_form(slack, double, ITALIAN)
    assert view["title"]["text"] == "Risultato esperimento"
    decision = next(b for b in view["blocks"] if b.get("block_id") == ResultField.DECISION)
    assert [o["text"]["text"] for o in decision["element"]["options"]] == [
        "Fermare",
        "Continuare",
        "Scalare",
    ]
    refused = slack.submit(
        view,
        {**RESULT_WON, ResultField.RESULT: "inconclusive", ResultField.DECISION: "scale"},
        user=ITALIAN,
    ).json
    assert refused["errors"][ResultField.DECISION].startswith(
        "Si può scalare solo un esperimento vinto"
    )
    slack.submit(
        view,
        {**RESULT_WON, ResultField.RESULT: "inconclusive", ResultField.DECISION: "stop"},
        user=ITALIAN,
    )
    slack.settle()
    recorded = _recorded(double, ITALIAN)
    assert "*Decisione:* Fermare. Non ci mettiamo più tempo né budget." in all_text(recorded)
    # What did not win is not offered for scaling.
    assert Action.EXPERIMENT_SCALE not in str(recorded["blocks"])
    # The team's channel hears it in the team's language (English here).
    assert any("*Decision:* Stop." in all_text(m) for m in _thread(double, sprint["showcase"]))
    slack.click(
        recorded, Action.EXPERIMENT_VARIANT, user=ITALIAN, channel=double.dm_channel(ITALIAN)
    )
    slack.settle()
    form = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == Callback.EXPERIMENT_VARIANT
    )[0].response["view"]
    assert form["title"]["text"] == "Nuova variante"
    assert _prefilled(form)[IdeaField.TITLE] == "Variante: Offer A vs offer B"
