"""A minimum viable campaign: at triage, or later in the backlog, the marketing owner splits an
item into a first slice that can go live on its own and up to SPLIT_FOLLOW_UPS follow-ups,
each scored as triage scores it (effort, customer value, business value).

The item itself becomes the first slice (slice 1): it keeps its number, cards, votes and
followers, takes the first slice's title and scores, and is accepted into the backlog if it
was awaiting triage. Each follow-up is a new ready item of the same kind (an experiment keeps
its hypothesis and KPI) and the same submitter, linked to the first slice (`split_from_id`,
slices 2, 3...), followed by whoever follows the first slice; votes stay where they were given.
The follow-ups come right after the first slice in the backlog, in their slice order, so that
a campaign is planned in the order it goes live; a team in score order moves to the owner's
order, as with a move, everything else where it was.
The history says it all, with the owner as actor: the first slice's `split` (its title and
scores before and after, its follow-ups), and each follow-up's submission and acceptance.
An item is split once: a slice is not split again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message
from bot.fields import SPLIT_FOLLOW_UPS, ScoreField, SplitField
from bot.i18n import N_
from bot.models import BacklogItem, EventKind, ItemStatus, NoticeKind, Person, Team
from bot.models.backlog import TITLE_MAX
from bot.services import backlog, follows
from bot.services.backlog import Scores
from bot.services.teams import require_owner

SPLITTABLE = (ItemStatus.PROPOSED, ItemStatus.READY)


@dataclass(frozen=True)
class SliceDraft:
    title: str
    scores: Scores


@dataclass(frozen=True)
class SplitDraft:
    first: SliceDraft
    follow_ups: tuple[SliceDraft, ...]

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> SplitDraft:
        """The split modal's values, or Invalid with a message on each field that is wrong: the
        first slice needs its title and scores; a follow-up left empty is no follow-up, but
        one begun needs both; and there is at least one."""
        errors: dict[str, Message] = {}
        first = _slice(errors, 0, raw, required=True)
        follow_ups = [
            draft
            for n in range(1, SPLIT_FOLLOW_UPS + 1)
            if (draft := _slice(errors, n, raw, required=False)) is not None
        ]
        started = any(_begun(raw, n) for n in range(1, SPLIT_FOLLOW_UPS + 1))
        if not started:
            errors[SplitField.of(1)[0]] = Message(
                N_("Name at least one follow-up: what comes after the first slice.")
            )
        if errors:
            raise Invalid(errors)
        assert first is not None  # else its fields have errors
        return cls(first, tuple(follow_ups))


def _slice(
    errors: dict[str, Message], n: int, raw: dict[str, Any], *, required: bool
) -> SliceDraft | None:
    title_key, effort_key, customer_key, business_key = SplitField.of(n)
    if not required and not _begun(raw, n):
        return None  # a follow-up left empty
    title = str(raw.get(title_key) or "").strip()
    if not title:
        errors[title_key] = (
            Message(N_("Give the first slice a title."))
            if required
            else Message(N_("Give this follow-up a title, or leave its scores empty."))
        )
    elif len(title) > TITLE_MAX:
        errors[title_key] = Message(
            # Translators: {max} and {count} are each a number of characters.
            N_("Keep this to {max} characters (it has {count})."),
            {"max": TITLE_MAX, "count": len(title)},
        )
    scored = {
        ScoreField.EFFORT: raw.get(effort_key),
        ScoreField.CUSTOMER_VALUE: raw.get(customer_key),
        ScoreField.BUSINESS_VALUE: raw.get(business_key),
    }
    try:
        scores = Scores.validate(scored)
    except Invalid as invalid:  # triage's own rules and words, on this slice's fields
        ours = {
            ScoreField.EFFORT: effort_key,
            ScoreField.CUSTOMER_VALUE: customer_key,
            ScoreField.BUSINESS_VALUE: business_key,
        }
        errors.update({ours[key]: message for key, message in invalid.errors.items()})
        return None
    return SliceDraft(title, scores) if title and title_key not in errors else None


def _begun(raw: dict[str, Any], n: int) -> bool:
    """Whether slice `n` has anything in it (a title of spaces is nothing)."""
    return any(str(raw.get(key) or "").strip() for key in SplitField.of(n))


def splittable(session: Session, item_id: int, actor: Person) -> tuple[BacklogItem, Team]:
    """The item and its team, if `actor` is its marketing owner and it may be split: awaiting
    triage or ready in the backlog, and not a slice already. Checked when the form opens and
    again when it is submitted."""
    item = backlog.get_item(session, item_id, for_update=True)
    team = session.get_one(Team, item.team_id)
    require_owner(team, actor)
    if item.slice_number is not None:
        raise Conflict(
            Message(
                # Translators: {id} is the item's number in the backlog; {number} is its slice's.
                N_("#{id} is already slice {number} of a campaign: it is not split again."),
                {"id": item.id, "number": item.slice_number},
            )
        )
    if item.status not in SPLITTABLE:
        raise Conflict(
            Message(N_("Only an idea awaiting triage or an item in the backlog can be split."))
        )
    return item, team


def split(
    session: Session, item_id: int, actor: Person, draft: SplitDraft, now: dt.datetime
) -> tuple[BacklogItem, list[BacklogItem]]:
    """Split the item: it becomes the first slice, and the follow-ups join the ready backlog
    right after it, in their order, whatever their scores (backlog.place_after: the order is
    then the owner's). Returns (the first slice, its follow-ups)."""
    item, team = splittable(session, item_id, actor)
    before = _facts(item)
    accepting = item.status is ItemStatus.PROPOSED
    item.title = draft.first.title
    backlog.apply_scores(item, draft.first.scores)
    item.slice_number = 1
    item.updated_at = now
    if accepting:
        item.status = ItemStatus.READY
        item.triaged_by_id, item.triaged_at = actor.id, now
        backlog.place_in_order(session, item)
        backlog.record(
            session, team.id, item.id, actor, EventKind.ACCEPTED, now, **backlog.score_facts(item)
        )
    followers = follows.follower_ids(session, item.id)
    follow_ups = []
    for number, part in enumerate(draft.follow_ups, 2):
        follow_up = BacklogItem(
            team_id=team.id,
            title=part.title,
            kind=item.kind,
            hypothesis=item.hypothesis,
            kpi=item.kpi,
            activity=item.activity,
            activity_id=item.activity_id,
            submitter_id=item.submitter_id,
            status=ItemStatus.READY,
            triaged_by_id=actor.id,
            triaged_at=now,
            split_from_id=item.id,
            slice_number=number,
            created_at=now,
            updated_at=now,
        )
        backlog.apply_scores(follow_up, part.scores)
        session.add(follow_up)
        session.flush()  # it has its id; place_after below gives it its place
        backlog.record(
            session,
            team.id,
            follow_up.id,
            actor,
            EventKind.SUBMITTED,
            now,
            item_kind=item.kind.value,
            split_from=item.id,
        )
        backlog.record(
            session,
            team.id,
            follow_up.id,
            actor,
            EventKind.ACCEPTED,
            now,
            **backlog.score_facts(follow_up),
        )
        follows.add_followers(session, follow_up.id, followers, now)
        follow_ups.append(follow_up)
    ids = [f.id for f in follow_ups]
    placed = backlog.place_after(session, item, follow_ups)
    backlog.record(
        session,
        team.id,
        item.id,
        actor,
        EventKind.SPLIT,
        now,
        before=before,
        after=_facts(item),
        follow_ups=ids,
        # Like a move's from_rank and to_rank: where the follow-ups went, and which order the
        # team was in (a split leaves it in the owner's).
        order_before="owner" if placed.was_owners_order else "score",
        to_ranks=placed.ranks,
    )
    follows.notify(session, item, NoticeKind.SPLIT, actor, now, accepted=accepting, follow_ups=ids)
    return item, follow_ups


def _facts(item: BacklogItem) -> dict[str, Any]:
    return {"title": item.title, "status": item.status.value, **backlog.score_facts(item)}


# --- where a slice stands, as the backlog shows it -------------------------------------------


@dataclass(frozen=True)
class Slice:
    """Where an item stands in its campaign: slice `number` of `total`, after `first`."""

    number: int
    total: int
    first: int  # the first slice's id (the item's own, for the first slice)


def places(session: Session, items: list[BacklogItem]) -> dict[int, Slice]:
    """Where those of `items` that are slices stand, by item id: one statement, and none when
    no item is a slice."""
    firsts = {i.id for i in items if i.slice_number == 1}
    firsts |= {i.split_from_id for i in items if i.split_from_id is not None}
    if not firsts:
        return {}
    rows = session.execute(
        select(BacklogItem.split_from_id, func.count())
        .where(BacklogItem.split_from_id.in_(firsts))
        .group_by(BacklogItem.split_from_id)
    ).tuples()
    counts = {first: int(count) for first, count in rows}
    result = {}
    for item in items:
        first = item.id if item.slice_number == 1 else item.split_from_id
        if first is None or item.slice_number is None:
            continue
        result[item.id] = Slice(item.slice_number, 1 + counts.get(first, 0), first)
    return result


__all__ = [
    "Slice",
    "SliceDraft",
    "SplitDraft",
    "places",
    "split",
    "splittable",
]
