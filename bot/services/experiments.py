"""Experiments after their sprint: the result the marketing owner records (won, lost or
inconclusive, the KPI's figure, what the team learned), and a learning turned into a new idea,
once. Only the team's marketing owner does either."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message
from bot.fields import LEARNING_MAX, ResultField
from bot.i18n import N_
from bot.models import BacklogItem, ExperimentResult, ItemKind, NoticeKind, Person, Team
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

    @classmethod
    def validate(cls, values: dict[str, Any]) -> ResultDraft:
        """The result modal's values, or Invalid with a message per bad field."""
        errors: dict[str, Message] = {}
        result = None
        try:
            result = ExperimentResult(values.get(ResultField.RESULT) or "")
        except ValueError:
            errors[ResultField.RESULT] = Message(N_("Choose won, lost or inconclusive."))
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
        return cls(result=result, figure=figure, learning=learning)


def _too_long(limit: int) -> Message:
    # Translators: {limit} is a number of characters.
    return Message(N_("Keep this under {limit} characters."), {"limit": limit})


def record_result(
    session: Session, item_id: int, actor: Person, draft: ResultDraft, now: dt.datetime
) -> BacklogItem:
    """The owner records (or corrects) an experiment's result."""
    item = backlog.get_item(session, item_id, for_update=True)
    require_owner(session.get_one(Team, item.team_id), actor)
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
    return item


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
