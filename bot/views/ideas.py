"""Ideas: the submission modal, the triage card, the public idea card and the notes sent to
the submitter."""

from __future__ import annotations

import json
from typing import Any

from bot.fields import DeclineField, IdeaField, ScoreField
from bot.i18n import Translator
from bot.models import BacklogItem, ItemKind, ItemStatus, Team
from bot.models.backlog import (
    DECLINE_REASON_MAX,
    DESCRIPTION_MAX,
    HYPOTHESIS_MAX,
    KPI_MAX,
    TITLE_MAX,
)
from bot.services.activities import BUILTIN_ACTIVITIES, Activities, key_of
from bot.views.activities import activity_select
from bot.views.ids import Action, Callback
from bot.views.text import (
    KIND_EMOJI,
    button,
    context,
    effort_select,
    esc,
    kind_label,
    mention,
    option,
    plain,
    score_text,
    section,
    status_label,
    truncate,
    value_input,
)

ITEM_TEXT_MAX = 1200  # of a description shown in a card; the full text stays in the database


def _text_input(
    block_id: str,
    label: str,
    *,
    max_length: int,
    multiline: bool = False,
    optional: bool = False,
    initial: str | None = None,
    hint: str | None = None,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def kind_options(tr: Translator) -> list[dict[str, Any]]:
    return [option(kind_label(tr, kind), kind.value) for kind in ItemKind]


def idea_modal(
    tr: Translator,
    *,
    title: str | None,
    teams: list[Team],
    team_id: int | None,
    channel_id: str | None,
    activities: Activities = BUILTIN_ACTIVITIES,
    activity: str | None = None,
) -> dict[str, Any]:
    """The idea form. `teams` is offered as a choice when the channel has no team of its own
    (and then the built-in activities, which every team has); `activity` is the key of the
    activity chosen to start with."""
    blocks: list[dict[str, Any]] = []
    if team_id is None:
        blocks.append(
            {
                "type": "input",
                "block_id": IdeaField.TEAM,
                "label": plain(tr.gettext("For which team?")),
                "element": {
                    "type": "static_select",
                    "action_id": IdeaField.TEAM,
                    "options": [option(t.name, str(t.id)) for t in teams[:100]],
                },
            }
        )
    blocks += [
        _text_input(
            IdeaField.TITLE,
            tr.gettext("Title"),
            max_length=TITLE_MAX,
            initial=title,
            placeholder=tr.gettext("Offer A vs offer B on the spring newsletter"),
        ),
        _text_input(
            IdeaField.DESCRIPTION,
            tr.gettext("Description"),
            max_length=DESCRIPTION_MAX,
            multiline=True,
            optional=True,
            hint=tr.gettext("Who is it for, why they care, what the first version looks like."),
        ),
        {
            "type": "input",
            "block_id": IdeaField.KIND,
            "label": plain(tr.gettext("Kind of work")),
            "element": {
                "type": "radio_buttons",
                "action_id": IdeaField.KIND,
                "options": kind_options(tr),
                "initial_option": kind_options(tr)[0],
            },
        },
        *_activity_block(
            tr,
            IdeaField.ACTIVITY,
            activities,
            activity,
            tr.gettext("Which part of the team's work it is, if you know."),
        ),
        _text_input(
            IdeaField.HYPOTHESIS,
            tr.gettext("Hypothesis (experiments)"),
            max_length=HYPOTHESIS_MAX,
            multiline=True,
            optional=True,
            hint=tr.gettext("Required for an experiment: what you expect to happen, and why."),
        ),
        _text_input(
            IdeaField.KPI,
            tr.gettext("KPI that will judge it (experiments)"),
            max_length=KPI_MAX,
            optional=True,
            placeholder=tr.gettext("Newsletter click-through rate"),
        ),
        value_input(
            IdeaField.CUSTOMER_VALUE,
            tr.gettext("Value to customers, 1 to 10 (your view)"),
            optional=True,
            initial=None,
        ),
        value_input(
            IdeaField.BUSINESS_VALUE,
            tr.gettext("Value to the business, 1 to 10 (your view)"),
            optional=True,
            initial=None,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": Callback.IDEA,
        "private_metadata": json.dumps({"team_id": team_id, "channel_id": channel_id}),
        "title": plain(tr.gettext("New idea"), 24),
        "submit": plain(tr.gettext("Submit"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


def item_heading(tr: Translator, item: BacklogItem) -> str:
    return f"{KIND_EMOJI[item.kind]} *#{item.id} {esc(item.title)}*"


def item_facts(tr: Translator, item: BacklogItem, activity: str | None = None) -> str:
    """Kind, activity (its label, plain text), status, score and votes, on one line."""
    facts = [kind_label(tr, item.kind)]
    facts += [esc(activity)] if activity else []
    facts.append(status_label(tr, item.status))
    if item.score is not None:
        facts.append(
            # Translators: {score} is a score with up to two decimals, such as "1.67", in the
            # reader's number format; {effort} is a whole number of points; {customer} and
            # {business} are each a whole number from 1 to 10.
            tr.gettext(
                "score {score} (effort {effort}, customer {customer}, business {business})"
            ).format(
                score=score_text(tr, item.score),
                effort=item.effort,
                customer=item.customer_value,
                business=item.business_value,
            )
        )
    # Translators: {n} is a number of votes.
    facts.append(tr.ngettext("{n} vote", "{n} votes", item.vote_count).format(n=item.vote_count))
    return " · ".join(facts)


def item_details(tr: Translator, item: BacklogItem) -> str:
    lines = []
    if item.description:
        lines.append(esc(truncate(item.description, ITEM_TEXT_MAX)))
    if item.kind is ItemKind.EXPERIMENT:
        # Translators: {text} is the experiment's hypothesis, as a person typed it.
        lines.append(tr.gettext("*Hypothesis:* {text}").format(text=esc(item.hypothesis)))
        # Translators: {text} is the experiment's KPI, as a person typed it.
        lines.append(tr.gettext("*KPI:* {text}").format(text=esc(item.kpi)))
    if item.variant_of_id is not None:  # its parent's title and outcome: /backlog
        # Translators: {id} is the number in the backlog of the experiment this idea varies.
        variant = tr.gettext("Variant of experiment #{id}").format(id=item.variant_of_id)
        lines.append(":arrow_right_hook: " + variant)
    return "\n".join(lines)


def vote_button(
    tr: Translator, item: BacklogItem, voted: bool = False, page: int | None = None
) -> dict[str, Any]:
    label = (
        # Translators: {n} is the number of votes the idea has.
        tr.gettext("Voted ({n})")
        if voted
        # Translators: {n} is the number of votes the idea has.
        else tr.gettext("Vote ({n})")
    ).format(n=item.vote_count)
    value = str(item.id) if page is None else f"{item.id}:{page}"
    return button(":+1: " + label, Action.VOTE, value, style="primary" if voted else None)


def _outcome(tr: Translator, item: BacklogItem, owner_id: str | None) -> str | None:
    who = mention(owner_id) if owner_id else ""
    if item.status is ItemStatus.READY and item.slice_number == 1:
        # Translators: {person} is the marketing owner, shown as their Slack name.
        accepted = tr.gettext(
            "Accepted into the backlog by {person} as the first slice of a campaign, with "
            "follow-ups after it."
        )
        return ":scissors: " + accepted.format(person=who)
    if item.status is ItemStatus.READY:
        # Translators: {person} is the marketing owner, shown as their Slack name.
        return ":white_check_mark: " + tr.gettext("Accepted into the backlog by {person}.").format(
            person=who
        )
    if item.status is ItemStatus.DECLINED:
        # Translators: {person} is the marketing owner, shown as their Slack name; {reason} is the
        # marketing owner's reason, as a person typed it.
        return ":no_entry_sign: " + tr.gettext("Declined by {person}: {reason}").format(
            person=who, reason=esc(item.decline_reason)
        )
    return None


def triage_buttons(tr: Translator, value: str) -> list[dict[str, Any]]:
    """Accept… and Decline…, for the marketing owner (wherever an idea awaits triage); `value`
    names the idea ("12", or "12:3" with the /backlog page to redraw)."""
    return [
        button(tr.gettext("Accept…"), Action.TRIAGE_ACCEPT, value, style="primary"),
        button(tr.gettext("Decline…"), Action.TRIAGE_DECLINE, value, style="danger"),
    ]


def triage_card(
    tr: Translator,
    item: BacklogItem,
    team: Team,
    submitter_id: str,
    triaged_by_id: str | None = None,
    activity: str | None = None,
) -> dict[str, Any]:
    """Posted in the admin channel. Accept/Decline act only for the marketing owner.
    `activity`: the label of the item's activity, if it has one."""
    # Translators: {team} is the team's name; {person} is who submitted the idea, shown as their
    # Slack name.
    headline = tr.gettext("New idea for {team} from {person}").format(
        team=esc(team.name), person=mention(submitter_id)
    )
    blocks: list[dict[str, Any]] = [
        section(f":inbox_tray: {headline}"),
        section(item_heading(tr, item)),
    ]
    details = item_details(tr, item)
    if details:
        blocks.append(section(details))
    proposed = [
        # Translators: {customer} and {business} are each a whole number from 1 to 10.
        tr.gettext("Submitter's view: customer value {customer}, business value {business}").format(
            customer=item.proposed_customer_value or "–",
            business=item.proposed_business_value or "–",
        ),
        item_facts(tr, item, activity),
    ]
    blocks.append(context(*proposed))
    outcome = _outcome(tr, item, triaged_by_id)
    if outcome:
        blocks.append(section(outcome))
    else:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"triage:{item.id}",
                "elements": [*triage_buttons(tr, str(item.id)), split_button(tr, str(item.id))],
            }
        )
        blocks.append(
            context(
                # Translators: {person} is the marketing owner, shown as their Slack name.
                tr.gettext("Only the marketing owner, {person}, can triage.").format(
                    person=mention(team.owner.slack_user_id)
                )
            )
        )
    return {"text": f"{headline}: #{item.id} {esc(item.title)}", "blocks": blocks}


def idea_card(
    tr: Translator,
    item: BacklogItem,
    submitter_id: str,
    triaged_by_id: str | None = None,
    activity: str | None = None,
) -> dict[str, Any]:
    """Posted in the team channel so that everyone sees new ideas and can vote on them.
    `activity`: the label of the item's activity, if it has one."""
    # Translators: {person} is who submitted the idea, shown as their Slack name.
    headline = tr.gettext("New idea from {person}").format(person=mention(submitter_id))
    blocks: list[dict[str, Any]] = [
        section(f":bulb: {headline}\n{item_heading(tr, item)}", accessory=vote_button(tr, item)),
    ]
    if item.status is not ItemStatus.DECLINED:  # anyone may hear how it goes (views.follows)
        blocks.append(
            {
                "type": "actions",
                "block_id": f"follow:{item.id}",
                "elements": [follow_button(tr, item.id)],
            }
        )
    details = item_details(tr, item)
    if details:
        blocks.append(section(details))
    blocks.append(context(item_facts(tr, item, activity)))
    outcome = _outcome(tr, item, triaged_by_id)
    if outcome:
        blocks.append(context(outcome))
    return {"text": f"{headline}: #{item.id} {esc(item.title)}", "blocks": blocks}


def follow_button(tr: Translator, item_id: int) -> dict[str, Any]:
    """Follow an idea: a DM, in the follower's language, each time its status changes."""
    return button(":bell: " + tr.gettext("Follow"), Action.FOLLOW, str(item_id))


def split_button(tr: Translator, value: str) -> dict[str, Any]:
    """Split an item into a first slice that can go live on its own and follow-ups (the
    marketing owner's: views.slices)."""
    return button(tr.gettext("Split…"), Action.TRIAGE_SPLIT, value)


def idea_received(tr: Translator, item: BacklogItem, team: Team) -> dict[str, Any]:
    # Translators: {id} is the idea's number in the backlog; {title} is a backlog item's title, as a
    # person typed it; {team} is the team's name; {owner} is the marketing owner, shown as their
    # Slack name.
    text = tr.gettext(
        "Thanks! Your idea *#{id} {title}* is in {team}'s backlog, waiting for the marketing "
        "owner, {owner}, to triage it. I'll let you know the outcome."
    ).format(
        id=item.id,
        title=esc(item.title),
        team=esc(team.name),
        owner=mention(team.owner.slack_user_id),
    )
    return {"text": text, "blocks": [section(":inbox_tray: " + text)]}


def idea_accepted(tr: Translator, item: BacklogItem, team: Team) -> dict[str, Any]:
    # Translators: {id} is the idea's number in the backlog; {title} is a backlog item's title, as a
    # person typed it; {team} is the team's name; {score} is a score with up to two decimals, such
    # as "1.67", in the reader's number format.
    text = tr.gettext(
        "Your idea *#{id} {title}* was accepted into {team}'s backlog (score {score}). "
        "Follow it with `/backlog`."
    ).format(
        id=item.id, title=esc(item.title), team=esc(team.name), score=score_text(tr, item.score)
    )
    return {"text": text, "blocks": [section(":white_check_mark: " + text)]}


def idea_declined(tr: Translator, item: BacklogItem, team: Team) -> dict[str, Any]:
    # Translators: {id} is the idea's number in the backlog; {title} is a backlog item's title, as a
    # person typed it; {owner} is the marketing owner, shown as their Slack name; {reason} is the
    # marketing owner's reason, as a person typed it.
    text = tr.gettext(
        "Your idea *#{id} {title}* was declined by {owner}. Their reason: {reason}"
    ).format(
        id=item.id,
        title=truncate(esc(item.title), 300),  # escaped, then cut: the section holds 3000
        owner=mention(team.owner.slack_user_id),
        reason=truncate(esc(item.decline_reason or ""), 2000),
    )
    return {"text": text, "blocks": [section(":no_entry_sign: " + text)]}


def _activity_block(
    tr: Translator, block_id: str, activities: Activities, current: str | None, hint: str
) -> list[dict[str, Any]]:
    """The activity select, if the team offers any activity (bot.views.activities)."""
    block = activity_select(tr, block_id, activities, current, hint=hint)
    return [block] if block else []


def scores_modal(
    tr: Translator,
    item: BacklogItem,
    *,
    accepting: bool,
    metadata: dict[str, Any],
    activities: Activities | None = None,
) -> dict[str, Any]:
    """Accept an idea with its scores, or edit the scores of a backlog item; with the team's
    `activities`, the item's activity too."""
    effort = effort_select(tr, ScoreField.EFFORT, item.effort)
    customer = item.customer_value or item.proposed_customer_value
    business = item.business_value or item.proposed_business_value
    blocks = [
        section(item_heading(tr, item)),
        {
            "type": "input",
            "block_id": ScoreField.EFFORT,
            "label": plain(tr.gettext("Effort")),
            "element": effort,
        },
        value_input(
            ScoreField.CUSTOMER_VALUE,
            tr.gettext("Value to customers, 1 to 10"),
            optional=False,
            initial=customer,
        ),
        value_input(
            ScoreField.BUSINESS_VALUE,
            tr.gettext("Value to the business, 1 to 10"),
            optional=False,
            initial=business,
        ),
        *(
            _activity_block(
                tr,
                ScoreField.ACTIVITY,
                activities,
                key_of(item),
                tr.gettext("The team's averages of estimate against actual effort go by it."),
            )
            if activities is not None
            else []
        ),
        context(tr.gettext("Score = (customer value + business value) ÷ effort.")),
    ]
    return {
        "type": "modal",
        "callback_id": Callback.ACCEPT if accepting else Callback.RESCORE,
        "private_metadata": json.dumps(metadata),
        "title": plain(tr.gettext("Accept idea") if accepting else tr.gettext("Edit scores"), 24),
        "submit": plain(tr.gettext("Accept") if accepting else tr.gettext("Save"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": blocks,
    }


def decline_modal(tr: Translator, item: BacklogItem, *, metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": Callback.DECLINE,
        "private_metadata": json.dumps(metadata),
        "title": plain(tr.gettext("Decline idea"), 24),
        "submit": plain(tr.gettext("Decline"), 24),
        "close": plain(tr.gettext("Cancel"), 24),
        "blocks": [
            section(item_heading(tr, item)),
            _text_input(
                DeclineField.REASON,
                tr.gettext("Reason"),
                max_length=DECLINE_REASON_MAX,
                multiline=True,
                hint=tr.gettext("The submitter and the idea's followers receive this reason."),
            ),
        ],
    }
