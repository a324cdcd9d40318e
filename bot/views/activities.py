"""Activities and actual effort: an activity's name for a reader, the activity select of the
idea, triage and scores forms, the team's activities form (`/agile activities`), the form that
marks a sprint item done with what it really took, and the lines of the planning form that
say what work takes by the team's actuals. Team-level only: never a number per person."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.fields import DoneField
from bot.i18n import Translator, decimal
from bot.models import BacklogItem, Team
from bot.models.activity import ACTIVITY_NAME_MAX, OWN_ACTIVITIES_MAX
from bot.services.activities import (
    ACTIVITY_WORDS,
    NEW_SLOTS,
    Activities,
    Choice,
    builtin_field,
    new_field,
    own_field,
)
from bot.services.sprints import ActivityActuals, ByActuals, DoneForm
from bot.views.ids import Callback
from bot.views.text import (
    context,
    effort_select,
    esc,
    option,
    plain,
    points_label,
    section,
    truncate,
)

AVERAGES_SHOWN = 12  # activity lines in the planning form, at most


def activity_label(tr: Translator, choice: Choice) -> str:
    """The team's own words for an activity, as typed, else the built-in's in the reader's
    language. Plain text: escape it for mrkdwn."""
    if choice.name:
        return choice.name
    assert choice.builtin is not None  # a row of the team's own always has a name
    return tr.gettext(ACTIVITY_WORDS[choice.builtin])


def item_activity(tr: Translator, activities: Activities, item: BacklogItem) -> str | None:
    """The label of the item's activity in the team's words or the reader's language, if it
    has one. Plain text: escape it for mrkdwn."""
    choice = activities.of(item)
    return activity_label(tr, choice) if choice else None


def activity_select(
    tr: Translator,
    block_id: str,
    activities: Activities,
    current: str | None = None,
    *,
    hint: str | None = None,
) -> dict[str, Any] | None:
    """An optional select of the team's activities (and the item's own, if the team no longer
    offers it); None when the team offers none."""
    choices = [c for c in activities.choices if c.offered or c.key == current]
    if not choices:
        return None
    options = [option(activity_label(tr, c), c.key) for c in choices[:100]]
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": block_id,
        "options": options,
        "placeholder": plain(tr.gettext("Choose an activity"), 150),
    }
    chosen = next((o for o in options if o["value"] == current), None)
    if chosen is not None:
        element["initial_option"] = chosen
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain(tr.gettext("Activity")),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


# --- the team's activities -------------------------------------------------------------------


def _name_input(
    block_id: str, label: str, *, initial: str | None, placeholder: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": ACTIVITY_NAME_MAX,
    }
    if initial:
        element["initial_value"] = initial[:ACTIVITY_NAME_MAX]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain(label),
        "element": element,
    }


def activities_modal(tr: Translator, team: Team, activities: Activities) -> dict[str, Any]:
    """The team's activities as the marketing owner or the scrum master words them: each
    built-in one (in the reader's words, unless renamed; empty: not offered), the team's own
    (empty: retired), and room for new ones."""
    blocks: list[dict[str, Any]] = [
        section(
            # Translators: {team} is the team's name.
            tr.gettext(
                "The activities of *{team}*: the parts of its work that items belong to. The "
                "sprint planning shows how long each really takes, from the effort recorded as "
                "items are done."
            ).format(team=esc(team.name))
        ),
        context(
            tr.gettext(
                "Rename any of them in your team's words, or empty one to stop offering it: "
                "items keep theirs."
            )
        ),
    ]
    for choice in activities.choices:
        if choice.builtin is None:
            continue
        words = tr.gettext(ACTIVITY_WORDS[choice.builtin])
        blocks.append(
            _name_input(
                builtin_field(choice.builtin),
                words,
                initial=(choice.name or words) if choice.offered else None,
                placeholder=tr.gettext("Not offered"),
            )
        )
    own = [c for c in activities.choices if c.builtin is None and c.offered]
    for choice in own:
        blocks.append(
            _name_input(own_field(choice.key), tr.gettext("Your own activity"), initial=choice.name)
        )
    for n in range(1, min(NEW_SLOTS, OWN_ACTIVITIES_MAX - len(own)) + 1):
        blocks.append(
            _name_input(
                new_field(n),
                tr.gettext("New activity"),
                initial=None,
                placeholder=tr.gettext("Influencer partnerships"),
            )
        )
    return {
        "type": "modal",
        "callback_id": Callback.ACTIVITIES,
        "private_metadata": json.dumps({"team": team.id}),
        "title": plain(tr.gettext("Activities"), 24),
        "submit": plain(tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


def activities_saved(tr: Translator, team: Team, activities: Activities) -> dict[str, Any]:
    """The private confirmation: the activities the team now offers."""
    offered = ", ".join(esc(activity_label(tr, c)) for c in activities.offered)
    # Translators: {team} is the team's name; {activities} is a comma-separated list of
    # activity names.
    text = tr.gettext("The activities of {team} are saved: {activities}.").format(
        team=esc(team.name), activities=offered or "–"
    )
    return {"text": text, "blocks": [section(":white_check_mark: " + text)]}


# --- done, with what it really took ----------------------------------------------------------


def done_modal(
    tr: Translator, form: DoneForm, activities: Activities, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Marks a sprint item done once the team's Definition of Done is met, with what it really
    took, if the person says: in the estimate's points, for the team's averages."""
    facts = [points_label(tr, form.points)]
    choice = activities.get(form.activity_key)
    if choice is not None:
        facts.insert(0, esc(activity_label(tr, choice)))
    blocks: list[dict[str, Any]] = [
        section(f"*{esc(truncate(form.title, 500))}*\n" + " · ".join(facts))
    ]
    dod = (form.team.definition_of_done or "").strip()
    if dod:
        blocks.append(
            section("*" + tr.gettext("Definition of Done:") + "*\n" + esc(truncate(dod, 2500)))
        )
    else:
        blocks.append(
            context(
                tr.gettext(
                    "Mark this item done? (The scrum master can set a Definition of Done in "
                    "/agile setup.)"
                )
            )
        )
    blocks.append(
        {
            "type": "input",
            "block_id": DoneField.ACTUAL,
            "optional": True,
            "label": plain(tr.gettext("What it really took (optional)")),
            "hint": plain(
                # Translators: {n} is a number of points.
                tr.ngettext(
                    "In points, like its estimate of {n} point. The sprint planning uses the "
                    "team's averages per activity; nothing is counted per person.",
                    "In points, like its estimate of {n} points. The sprint planning uses the "
                    "team's averages per activity; nothing is counted per person.",
                    form.points,
                ).format(n=form.points)
            ),
            "element": effort_select(tr, DoneField.ACTUAL, placeholder=tr.gettext("Points")),
        }
    )
    return {
        "type": "modal",
        "callback_id": Callback.SPRINT_DONE,
        "private_metadata": json.dumps(metadata),
        "title": plain(tr.gettext("Is it done?"), 24),
        "submit": plain(tr.gettext("Yes, it is done"), 24),
        "close": plain(tr.gettext("Not yet"), 24),
        "blocks": blocks,
    }


# --- what work takes, in the planning form ---------------------------------------------------


def averages_text(
    tr: Translator,
    activities: Activities,
    actuals: Mapping[str, ActivityActuals],
    keys: Sequence[str | None],
) -> str | None:
    """For the activities of the items on offer that have a history, in the team's order:
    "Content and editorial: estimated 2, takes 3.1 on average over 4 sprints". None when none
    has one: nothing is made up."""
    wanted = set(keys)
    lines = []
    for choice in activities.choices:
        history = actuals.get(choice.key)
        if choice.key not in wanted or history is None:
            continue
        # Translators: {activity} is an activity's name, such as "Content and editorial";
        # {estimated} and {actual} are average points per item, such as "2" or "3.1" (in the
        # reader's number format); {n} is a number of sprints.
        line = tr.ngettext(
            "{activity}: estimated {estimated}, takes {actual} on average over {n} sprint",
            "{activity}: estimated {estimated}, takes {actual} on average over {n} sprints",
            history.sprints,
        ).format(
            activity=esc(activity_label(tr, choice)),
            estimated=decimal(tr, history.estimated, 1),
            actual=decimal(tr, history.actual, 1),
            n=history.sprints,
        )
        lines.append("• " + line)
    if not lines:
        return None
    heading = tr.gettext("*What work takes, by the actual effort recorded in your last sprints:*")
    return truncate("\n".join([heading, *lines[:AVERAGES_SHOWN]]), 2900)


def by_actuals_text(tr: Translator, estimate: ByActuals, capacity: int | None) -> str:
    """ "Your 12 committed points are about 15 by your actuals.", saying which points have no
    actuals to go by, and when that is over the capacity though the estimates are not."""
    likely = round(estimate.likely)
    # Translators: {points} is a whole number of points; {likely} is the whole number of points
    # they are likely to take, by the team's averages per activity.
    text = tr.ngettext(
        "Your {points} committed point is about {likely} by your actuals.",
        "Your {points} committed points are about {likely} by your actuals.",
        estimate.committed,
    ).format(points=estimate.committed, likely=decimal(tr, likely, 0))
    if estimate.unknown:
        # Translators: {n} is a whole number of points.
        text += " " + tr.ngettext(
            "({n} point has no actuals yet: it counts as estimated.)",
            "({n} points have no actuals yet: they count as estimated.)",
            estimate.unknown,
        ).format(n=estimate.unknown)
    if capacity and estimate.committed <= capacity < likely:
        # Translators: {capacity} is a whole number of points.
        text += "\n:warning: " + tr.gettext(
            "That is more than the capacity of {capacity}: consider leaving something in the "
            "backlog."
        ).format(capacity=capacity)
    return ":straight_ruler: " + text


__all__ = [
    "activities_modal",
    "activities_saved",
    "activity_label",
    "activity_select",
    "averages_text",
    "by_actuals_text",
    "done_modal",
]
