"""What the room's projector shows: one thing at a time, chosen by the facilitator, or `auto` (follow the
agenda: see `screenFor` in static/js/ui.js, which both the console and the projector use)."""
from __future__ import annotations

from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import visible

MESSAGE_LENGTH = 280


class Screen(StrEnum):
    AUTO = "auto"          # follows the agenda and the vote
    JOIN = "join"          # the big QR code and the short link
    PROMPT = "prompt"      # the current phase's title, prompt and timer
    WALL = "wall"          # the newest ideas, a page at a time
    THEMES = "themes"      # the themes forming, with their ideas
    PROGRESS = "progress"  # how many have voted, the ballot
    RESULTS = "results"    # the ranking, once revealed
    QUESTIONS = "questions"  # the room's questions, most supported first
    POLL = "poll"          # the open poll (or the last revealed one), with its results once revealed
    MESSAGE = "message"    # a free message from the facilitator
    BLANK = "blank"        # nothing: the room looks at the speaker


def clean_message(text: str) -> str:
    """A message for the room: one paragraph or a few lines, no invisible controls."""
    text = "\n".join(" ".join(line.split()) for line in visible(text).strip().splitlines()).strip()
    if len(text) > MESSAGE_LENGTH:
        raise Refused("text_too_long", max=MESSAGE_LENGTH, length=len(text))
    return text
