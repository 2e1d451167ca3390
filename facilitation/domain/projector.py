"""What the room's projector shows: one thing at a time, chosen by the facilitator, or `auto` (follow the
agenda and the vote: `shown`). The server decides it once and every screen reads the answer
(`control.projector.shown`): the projector draws it, the console says it, the phones mirror it."""

from __future__ import annotations

from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import visible

MESSAGE_LENGTH = 280


class Screen(StrEnum):
    AUTO = "auto"  # follows the agenda and the vote
    JOIN = "join"  # the big QR code and the short link
    PROMPT = "prompt"  # the current phase's title, prompt and timer
    WALL = "wall"  # the newest ideas, a page at a time
    THEMES = "themes"  # the themes forming, with their ideas
    PROGRESS = "progress"  # how many have voted, the ballot
    RESULTS = "results"  # the ranking, once revealed
    QUESTIONS = "questions"  # the room's questions, most supported first
    POLL = "poll"  # the open poll (or the last revealed one), with its results once revealed
    MESSAGE = "message"  # a free message from the facilitator
    BLANK = "blank"  # nothing: the room looks at the speaker


def shown(
    chosen: str,
    *,
    phase_index: int | None,
    phase_kind: str | None,
    round_prompt: bool,
    vote_state: str,
    vote_revealed: bool,
    poll_open: bool,
    poll_focused: bool,
    qa_open: bool,
) -> Screen:
    """The screen the room sees: the facilitator's choice, or on `auto` what the moment calls for. An open vote
    shows its progress; an open poll, or one whose results the facilitator has just shown (`poll_focused`),
    the poll; open Q&A the questions; then the phase: its results or the vote's progress in the voting and
    results phases, the round's question or the idea wall during capture, the themes forming while they are
    grouped, the join screen before the event starts (and in its opening plenary), else the phase's prompt."""
    if chosen != Screen.AUTO:
        return Screen(chosen)
    if vote_state == "open":
        return Screen.PROGRESS
    if poll_open or poll_focused:
        return Screen.POLL
    if qa_open:
        return Screen.QUESTIONS
    if phase_kind in ("voting", "results"):
        return Screen.RESULTS if vote_revealed else Screen.PROGRESS if vote_state == "closed" else Screen.PROMPT
    if phase_kind == "capture":
        return Screen.PROMPT if round_prompt else Screen.WALL
    if phase_kind == "clustering":
        return Screen.THEMES
    if phase_index is None or phase_index == 0:
        return Screen.JOIN
    return Screen.PROMPT


def clean_message(text: str) -> str:
    """A message for the room: one paragraph or a few lines, no invisible controls."""
    text = "\n".join(" ".join(line.split()) for line in visible(text).strip().splitlines()).strip()
    if len(text) > MESSAGE_LENGTH:
        raise Refused("text_too_long", max=MESSAGE_LENGTH, length=len(text))
    return text
