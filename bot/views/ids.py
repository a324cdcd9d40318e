"""Action ids and callback ids: the contract between the builders and the handlers."""

import re


class Action:
    VOTE = "backlog.vote"
    # Paging buttons share one handler but need distinct ids within their actions block.
    PAGE_PREVIOUS = "backlog.page.previous"
    PAGE_NEXT = "backlog.page.next"
    PAGE_REFRESH = "backlog.page.refresh"
    OWNER_MENU = "backlog.owner_menu"
    RESET_ORDER = "backlog.reset_order"
    TRIAGE_ACCEPT = "triage.accept"
    TRIAGE_DECLINE = "triage.decline"
    TRIAGE_SPLIT = "triage.split"  # a minimum viable campaign: a first slice and follow-ups
    FOLLOW = "idea.follow"
    UNFOLLOW = "idea.unfollow"
    FOLLOW_MENU = "idea.follow_menu"  # the Home tab's Follow / Stop following, by idea
    SPRINT_MOVE = "sprint.move"
    SPRINT_BURNUP = "sprint.burnup"
    SPRINT_REFRESH = "sprint.refresh"
    SPRINT_ESTIMATE = "sprint.estimate"
    SPRINT_DONE = "sprint.done"  # opens the done form (Definition of Done, actual effort)
    # The planning modal's inputs that redraw its committed total when they change.
    SPRINT_PLAN_CAPACITY = "sprint.plan.capacity"
    SPRINT_PLAN_ITEMS = "sprint.plan.items"
    EXPERIMENT_RESULT = "experiment.result"
    STANDUP_OPEN = "standup.open"
    RETRO_ADD = "retro.add"
    RETRO_VOTE = "retro.vote"
    # The vote's paging buttons, like the backlog's: distinct ids within their actions block.
    RETRO_PAGE_PREVIOUS = "retro.page.previous"
    RETRO_PAGE_NEXT = "retro.page.next"
    RETRO_ACTION_MENU = "retro.action"
    RETRO_NOTE = "retro.note"  # the sprint board's button to note an item for the retro
    RETRO_NOTE_REMOVE = "retro.note.remove"
    RETRO_HEALTH = "retro.health"
    BLOCKER_RESOLVE = "standup.blocker.resolve"
    LEARNING_TO_IDEA = "experiment.learning_to_idea"
    # The owner's decision on an experiment, a button each (their ids end with the decision),
    # and a variant of it.
    EXPERIMENT_STOP = "experiment.decide.stop"
    EXPERIMENT_CONTINUE = "experiment.decide.continue"
    EXPERIMENT_SCALE = "experiment.decide.scale"
    EXPERIMENT_VARIANT = "experiment.variant"

    PAGE_ANY = re.compile(r"^backlog\.page\.(previous|next|refresh)$")
    EXPERIMENT_DECIDE = re.compile(r"^experiment\.decide\.(stop|continue|scale)$")
    # Both of the vote's paging buttons, for the one handler that turns the page; `retro.page`
    # alone is the Next button of votes posted before the two had ids of their own.
    RETRO_PAGE = re.compile(r"^retro\.page(\.(previous|next))?$")


class Callback:
    TEAM_SETUP = "team.setup"
    IDEA = "idea.submit"
    ACCEPT = "triage.accept"
    RESCORE = "backlog.rescore"
    DECLINE = "triage.decline"
    SPLIT = "triage.split"
    SPRINT_PLAN = "sprint.plan"
    SPRINT_DONE = "sprint.done"  # an item marked done, with what it really took
    ACTIVITIES = "team.activities"
    EXPERIMENT_RESULT = "experiment.result"
    EXPERIMENT_VARIANT = "experiment.variant"  # the idea form, prefilled from its parent
    STANDUP = "standup.answer"
    STANDUP_SETUP = "standup.setup"
    STANDUP_TIME = "standup.time"  # a standup time of one's own
    RETRO_ITEM = "retro.item"
    RETRO_NOTE = "retro.note"
    RETRO_NOTED = "retro.noted"  # the note's confirmation, with its Remove button
    RETRO_HEALTH = "retro.health"
    RETRO_HEALTH_THANKS = "retro.health.thanks"
