"""Action ids and callback ids: the contract between the builders and the handlers."""


class Action:
    VOTE = "backlog.vote"
    PAGE = "backlog.page"
    OWNER_MENU = "backlog.owner_menu"
    RESET_ORDER = "backlog.reset_order"
    TRIAGE_ACCEPT = "triage.accept"
    TRIAGE_DECLINE = "triage.decline"
    OPEN_IDEA = "idea.open"


class Callback:
    TEAM_SETUP = "team.setup"
    IDEA = "idea.submit"
    ACCEPT = "triage.accept"
    RESCORE = "backlog.rescore"
    DECLINE = "triage.decline"
