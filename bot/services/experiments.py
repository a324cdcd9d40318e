"""Experiments after their sprint: the result the marketing owner records (won, lost or
inconclusive, the KPI's figure, what the team learned), the owner's decision (stop, continue or
scale, each one in the backlog's history), a learning turned into a new idea, once, and
variants: new ideas that test an experiment again, differently, linked to it. Only the team's
marketing owner does any of these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message
from bot.fields import LEARNING_MAX, ResultField
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    EventKind,
    ExperimentDecision,
    ExperimentResult,
    ItemKind,
    ItemStatus,
    NoticeKind,
    Person,
    Team,
)
from bot.models.backlog import DESCRIPTION_MAX, KPI_MAX, TITLE_MAX
from bot.services import backlog, follows
from bot.services.backlog import IdeaDraft
from bot.services.teams import require_owner

# The new idea's (title, description), in the team's language, from the team and the
# experiment: the caller words them, as services do not translate.
FollowUpWording = Callable[[Team, BacklogItem], tuple[str, str]]


@dataclass(frozen=True)
class ResultDraft:
    """An experiment's result as the owner entered it, checked."""

    result: ExperimentResult
    figure: str
    learning: str | None
    decision: ExperimentDecision | None = None  # the owner may decide later

    @classmethod
    def validate(cls, values: dict[str, Any]) -> ResultDraft:
        """The result modal's values, or Invalid with a message per bad field."""
        errors: dict[str, Message] = {}
        result = None
        try:
            result = ExperimentResult(values.get(ResultField.RESULT) or "")
        except ValueError:
            errors[ResultField.RESULT] = Message(N_("Choose won, lost or inconclusive."))
        decision = None
        try:
            if values.get(ResultField.DECISION):  # else not decided yet
                decision = ExperimentDecision(values[ResultField.DECISION])
        except ValueError:
            errors[ResultField.DECISION] = Message(N_("Choose stop, continue or scale."))
        if result is not None and decision is not None and not _may_take(result, decision):
            errors[ResultField.DECISION] = ONLY_WINNERS_SCALE
        figure = (values.get(ResultField.FIGURE) or "").strip()
        if not figure:
            errors[ResultField.FIGURE] = Message(N_("Give the KPI's value, e.g. 3.4%."))
        elif len(figure) > KPI_MAX:
            errors[ResultField.FIGURE] = _too_long(KPI_MAX)
        learning = (values.get(ResultField.LEARNING) or "").strip() or None
        if learning and len(learning) > LEARNING_MAX:
            errors[ResultField.LEARNING] = _too_long(LEARNING_MAX)
        if errors:
            raise Invalid(errors)
        assert result is not None  # else its field has an error
        return cls(result=result, figure=figure, learning=learning, decision=decision)


# Scaling is for what worked: a lost or inconclusive experiment is stopped or tested again.
ONLY_WINNERS_SCALE = Message(
    N_("Only an experiment that won can be scaled: choose stop, or continue to test it again.")
)


def _may_take(result: ExperimentResult, decision: ExperimentDecision) -> bool:
    return decision is not ExperimentDecision.SCALE or result is ExperimentResult.WON


def _too_long(limit: int) -> Message:
    # Translators: {limit} is a number of characters.
    return Message(N_("Keep this under {limit} characters."), {"limit": limit})


def record_result(
    session: Session, item_id: int, actor: Person, draft: ResultDraft, now: dt.datetime
) -> BacklogItem:
    """The owner records (or corrects) an experiment's result, and the decision with it if
    they made one (a decision made before stands until they change it)."""
    item = backlog.get_item(session, item_id, for_update=True)
    require_owner(session.get_one(Team, item.team_id), actor)
    decision = draft.decision or item.decision
    if decision is not None and not _may_take(draft.result, decision):
        raise Invalid({ResultField.DECISION: ONLY_WINNERS_SCALE})
    item.result, item.result_figure, item.learning = draft.result, draft.figure, draft.learning
    item.result_recorded_at = now
    follows.notify(
        session,
        item,
        NoticeKind.RESULT,
        actor,
        now,
        change=follows.result_change(draft.result.value, draft.figure),
        result=draft.result.value,
        figure=draft.figure,
    )
    if decision is not None:
        _decide(session, item, actor, decision, now)
    return item


def decide(
    session: Session, item_id: int, actor: Person, decision: ExperimentDecision, now: dt.datetime
) -> ExperimentDecision | None:
    """The owner decides (or changes their mind) on an experiment whose result is recorded.
    Returns the decision it replaces; the item's decision unchanged if it was already that."""
    item = backlog.get_item(session, item_id, for_update=True)
    require_owner(session.get_one(Team, item.team_id), actor)
    if item.kind is not ItemKind.EXPERIMENT:
        raise Conflict(Message(N_("Only experiments have a result to record.")))
    if item.result is None:
        raise Conflict(
            Message(N_("Record the experiment's result first: the decision follows it."))
        )
    if not _may_take(item.result, decision):
        raise Conflict(ONLY_WINNERS_SCALE)
    previous = item.decision
    _decide(session, item, actor, decision, now)
    return previous


def _decide(
    session: Session,
    item: BacklogItem,
    actor: Person,
    decision: ExperimentDecision,
    now: dt.datetime,
) -> None:
    """Each change of decision goes into the backlog's history, with who made it and when."""
    if item.decision is decision:
        return
    previous = item.decision
    item.decision = decision
    backlog.record(
        session,
        item.team_id,
        item.id,
        actor,
        EventKind.DECIDED,
        now,
        decision=decision.value,
        previous=previous.value if previous else None,
    )


def learning_to_idea(
    session: Session, item_id: int, actor: Person, wording: FollowUpWording, now: dt.datetime
) -> BacklogItem:
    """The owner turns an experiment's learning into a new idea, once: a campaign waiting for
    triage. Returns the new idea."""
    source = backlog.get_item(session, item_id, for_update=True)
    team = session.get_one(Team, source.team_id)
    require_owner(team, actor)
    if not source.learning:
        raise Conflict(Message(N_("This experiment has no learning recorded.")))
    if source.follow_up_id is not None:
        raise Conflict(
            # Translators: {id} is that idea's number in the backlog.
            Message(N_("This learning is already idea #{id}."), {"id": source.follow_up_id})
        )
    title, description = wording(team, source)
    draft = IdeaDraft(
        title=title[:TITLE_MAX],
        description=description[:DESCRIPTION_MAX],
        kind=ItemKind.CAMPAIGN,
        hypothesis=None,
        kpi=None,
        customer_value=None,
        business_value=None,
    )
    idea = backlog.submit_idea(session, team, actor, draft, now)
    source.follow_up_id = idea.id
    return idea


# --- variants --------------------------------------------------------------------------------

# Experiments a variant may start from: accepted ones, in the backlog, in a sprint or done.
VARIANT_PARENTS = (ItemStatus.READY, ItemStatus.PLANNED, ItemStatus.DONE)


def variant_parent(session: Session, item_id: int, actor: Person) -> tuple[BacklogItem, Team]:
    """The experiment the owner starts a variant of, and its team: checked when the form
    opens and again when it is submitted."""
    parent = backlog.get_item(session, item_id)
    team = session.get_one(Team, parent.team_id)
    require_owner(team, actor)
    if parent.kind is not ItemKind.EXPERIMENT:
        raise Conflict(Message(N_("Only an experiment has variants.")))
    if parent.status not in VARIANT_PARENTS:
        raise Conflict(
            Message(N_("Only an experiment accepted into the backlog can have variants."))
        )
    return parent, team


def start_variant(
    session: Session, parent_id: int, actor: Person, draft: IdeaDraft, now: dt.datetime
) -> BacklogItem:
    """A new idea that tests the experiment again, differently, as the owner worded it: it
    waits for triage like any idea, linked to its parent. Returns the new idea."""
    parent, team = variant_parent(session, parent_id, actor)
    idea = backlog.submit_idea(session, team, actor, draft, now)
    idea.variant_of_id = parent.id
    return idea


# --- lineage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relative:
    """An experiment's parent or one of its variants, as a line shows it."""

    id: int
    title: str
    result: ExperimentResult | None
    decision: ExperimentDecision | None


@dataclass(frozen=True)
class Lineage:
    parent: Relative | None
    variants: tuple[Relative, ...]


def lineage(
    session: Session, shown: Iterable[tuple[int, ItemKind, int | None]]
) -> dict[int, Lineage]:
    """The parent and the variants of the items `shown` (id, kind, variant_of_id), for those
    that have either: at most two queries, whatever their number."""
    shown = list(shown)
    parent_ids = {parent for _, _, parent in shown if parent is not None}
    experiment_ids = [item_id for item_id, kind, _ in shown if kind is ItemKind.EXPERIMENT]
    columns = (
        BacklogItem.id,
        BacklogItem.title,
        BacklogItem.result,
        BacklogItem.decision,
        BacklogItem.variant_of_id,
    )
    parents: dict[int, Relative] = {}
    if parent_ids:
        for row in session.execute(select(*columns).where(BacklogItem.id.in_(parent_ids))):
            parents[row.id] = Relative(row.id, row.title, row.result, row.decision)
    variants: dict[int, list[Relative]] = {}
    if experiment_ids:
        query = (
            select(*columns)
            .where(BacklogItem.variant_of_id.in_(experiment_ids))
            .order_by(BacklogItem.id)
        )
        for row in session.execute(query):
            relative = Relative(row.id, row.title, row.result, row.decision)
            variants.setdefault(row.variant_of_id, []).append(relative)
    found: dict[int, Lineage] = {}
    for item_id, _, parent_id in shown:
        parent = parents.get(parent_id) if parent_id is not None else None
        if parent is not None or item_id in variants:
            found[item_id] = Lineage(parent, tuple(variants.get(item_id, ())))
    return found
