"""Quick polls the facilitator launches (an opening check-in, an end-of-day evaluation): one choice, several
choices, or a 1–5 scale; one answer per participant, which they may change while the poll is open."""

from __future__ import annotations

from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ranking import shares

MAX_OPTIONS = 8
SCALE = (1, 2, 3, 4, 5)


class PollKind(StrEnum):
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # any number of options, at least one
    SCALE = "scale"  # 1 (not at all) to 5 (very much)


class PollState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


def check_options(kind: PollKind, options: list[str]) -> list[str]:
    if kind is PollKind.SCALE:
        return []
    options = [" ".join(o.split()) for o in options if o.strip()]
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise Refused("poll_options", min=2, max=MAX_OPTIONS)
    return options


def check_answer(kind: PollKind, state: PollState, options: int, choices: list[int]) -> list[int]:
    """The answer as stored: option indexes (or the scale value), sorted, each once."""
    if state is not PollState.OPEN:
        raise Refused("poll_not_open")
    chosen = sorted(set(choices))
    valid = set(SCALE) if kind is PollKind.SCALE else set(range(options))
    if not chosen or not set(chosen) <= valid or (kind is not PollKind.MULTIPLE and len(chosen) != 1):
        raise Refused("poll_answer")
    return chosen


def results(kind: PollKind, options: int, answers: list[list[int]]) -> dict:
    """Counts per option (or per scale value), people who answered, and the scale's mean."""
    keys = list(SCALE) if kind is PollKind.SCALE else list(range(options))
    counts = {k: 0 for k in keys}
    for chosen in answers:
        for k in chosen:
            counts[k] += 1
    out = {"counts": [counts[k] for k in keys], "shares": shares([counts[k] for k in keys]), "answers": len(answers)}
    if kind is PollKind.SCALE:
        out["mean"] = round(sum(k * n for k, n in counts.items()) / len(answers), 2) if answers else None
    return out
