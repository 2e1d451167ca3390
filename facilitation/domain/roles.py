"""Who may do what: the single permission table used by HTTP views and socket handlers alike."""

from enum import StrEnum

from facilitation.domain.errors import Refused


class Role(StrEnum):
    FACILITATOR = "facilitator"
    THEME = "theme"  # theme team: reads the stream, clusters, writes the ballot
    SCRIBE = "scribe"  # table facilitator
    PARTICIPANT = "participant"
    PROJECTOR = "projector"
    OBSERVER = "observer"  # steering committee (cabina di regia): read-only, sees everything
    VISITOR = "visitor"  # a phone at the join page, with a code and perhaps a device cookie: it may join


class Action(StrEnum):
    ADD_IDEA = "add_idea"
    MODERATE_TABLE_IDEAS = "moderate_table_ideas"  # edit, hide, merge, star the ideas of one's own table
    MODERATE_ALL_IDEAS = "moderate_all_ideas"
    MANAGE_THEMES = "manage_themes"
    RUN_EVENT = "run_event"  # phases, timers, opening/closing/revealing the vote
    CAST_DOT = "cast_dot"
    SET_PROFILE = "set_profile"
    SEE_EVERYTHING = "see_everything"  # hidden ideas, live tally before reveal, history
    EXPORT = "export"
    PRINT_CARDS = "print_cards"
    ASK_QUESTION = "ask_question"
    UPVOTE_QUESTION = "upvote_question"
    MODERATE_QUESTIONS = "moderate_questions"  # approve, hide, pin, mark answered
    ANSWER_POLL = "answer_poll"
    PROXY_VOTE = "proxy_vote"  # cast the dots of a table member without a phone
    JOIN = "join"  # take a seat (or move to another table) with a code


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.FACILITATOR: frozenset(Action)
    - {Action.CAST_DOT, Action.SET_PROFILE, Action.UPVOTE_QUESTION, Action.ANSWER_POLL, Action.PROXY_VOTE, Action.JOIN},
    Role.THEME: frozenset(
        {
            Action.ADD_IDEA,
            Action.MODERATE_ALL_IDEAS,
            Action.MODERATE_TABLE_IDEAS,
            Action.MANAGE_THEMES,
            Action.SEE_EVERYTHING,
            Action.ASK_QUESTION,
            Action.MODERATE_QUESTIONS,
        }
    ),
    Role.SCRIBE: frozenset({Action.ADD_IDEA, Action.MODERATE_TABLE_IDEAS, Action.ASK_QUESTION, Action.PROXY_VOTE}),
    Role.PARTICIPANT: frozenset(
        {
            Action.ADD_IDEA,
            Action.CAST_DOT,
            Action.SET_PROFILE,
            Action.ASK_QUESTION,
            Action.UPVOTE_QUESTION,
            Action.ANSWER_POLL,
        }
    ),
    Role.PROJECTOR: frozenset(),
    Role.OBSERVER: frozenset({Action.SEE_EVERYTHING, Action.EXPORT}),
    Role.VISITOR: frozenset({Action.JOIN}),
}


# Staff: the roles that see everything (hidden ideas, the live tally, the history). The one definition.
STAFF = frozenset(role for role, actions in _ALLOWED.items() if Action.SEE_EVERYTHING in actions)


def allowed(role: Role, action: Action) -> bool:
    return action in _ALLOWED[role]


def require(role: Role, action: Action) -> None:
    if not allowed(role, action):
        raise Refused("forbidden")


def require_idea_moderation(role: Role, own_table: int | None, idea_table: int | None) -> None:
    """Staff moderate every idea; a scribe only the ideas of the table it runs."""
    if allowed(role, Action.MODERATE_ALL_IDEAS):
        return
    require(role, Action.MODERATE_TABLE_IDEAS)
    if own_table is None or own_table != idea_table:
        raise Refused("not_your_table")
