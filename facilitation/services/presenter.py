"""What each audience is shown of each topic: `topic × audience → payload`, in one place (issue 22).

The staff's view of a topic is whole (facilitation.services.readmodels builds it); every other audience is shown a
cut of it, made here and nowhere else: by a screen's snapshot (`readmodels.snapshot`), by the updates the
broadcaster sends each room (facilitation.realtime.notify) and by the public results page, which cuts the
event's export (`public_report`). Which audiences receive a topic at all is facilitation.services.audience."""

from __future__ import annotations

from facilitation.domain.polls import PollState
from facilitation.domain.questions import Status as QuestionStatus
from facilitation.services.audience import PUBLIC_AUDIENCE, STAFF_AUDIENCE

PUBLIC_TALLY = ("round", "method", "ranking", "voters", "dots")  # the tally once revealed, without breakdowns
BREAKDOWNS = ("by_table", "by_channel", "by_category", "by_zone")  # who preferred what: the staff's only


def present(topic: str, audience: str, whole, results_shown: bool = False):
    """What `audience` is shown of `topic`, from the staff's whole view of it. `results_shown`: the current
    round's results are visible to the room (revealed, or a plan that shows them live). A tally the audience
    may not see yet is None (the screens draw "results hidden")."""
    if audience == STAFF_AUDIENCE:
        return whole
    if topic == "tally":
        return {key: whole[key] for key in PUBLIC_TALLY} if results_shown and whole is not None else None
    if topic == "themes":  # how many ideas each theme gathers is the staff's (the projector counts its own)
        return [{key: value for key, value in theme.items() if key != "ideas"} for theme in whole]
    if topic == "questions":  # the shown ones, never whose they are or where they came from
        return [
            {key: value for key, value in question.items() if key not in ("status", "table", "author")}
            for question in whole
            if question["status"] == QuestionStatus.SHOWN.value
        ]
    if topic == "polls":  # open and revealed polls, results once revealed
        return [
            poll if poll["revealed"] else {key: value for key, value in poll.items() if key != "results"}
            for poll in whole
            if poll["state"] == PollState.OPEN.value or poll["revealed"]
        ]
    return whole


def public_report(data: dict) -> dict:
    """The event's export (facilitation.reports.export.collect) cut for the public results page: the rounds
    whose results were revealed, without who preferred what; the polls closed and revealed; the shown
    questions; no marks against local plans and no tables' notes; of each vote only its round and voter."""
    revealed = {row["round"] for row in data["rounds"] if row["state"] != "not_open" and row.get("revealed")}
    tally = {key: value for key, value in data["ranking"].items() if key not in BREAKDOWNS}
    by_round = tally.get("by_round") or {str(tally["round"]): tally["ranking"]}
    tally["by_round"] = {number: places for number, places in by_round.items() if int(number) in revealed}
    if tally["round"] not in revealed:
        tally["ranking"], tally["by_axis"] = [], {}
    return {
        **data,
        "ranking": tally,
        "rounds": [row for row in data["rounds"] if row["round"] in revealed],
        "votes": [
            {"round": vote["round"], "participant": vote["participant"]}
            for vote in data["votes"]
            if vote["round"] in revealed
        ],
        "polls": [poll for poll in data["polls"] if poll["state"] == PollState.CLOSED.value and poll["revealed"]],
        "questions": [q for q in data["questions"] if q["status"] == QuestionStatus.SHOWN.value],
        "alignments": [],
        "harvests": [],
        "audience": PUBLIC_AUDIENCE,
    }
