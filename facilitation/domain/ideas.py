"""Ideas: what a valid idea is, and the rules for editing and merging them."""

from __future__ import annotations

import re
from enum import StrEnum

from facilitation.domain.errors import Refused

MIN_LENGTH = 3


class IdeaKind(StrEnum):
    NEED = "need"
    PROPOSAL = "proposal"
    PROJECT = "project"


_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Characters nobody types on purpose in a contribution: control codes (NUL, ESC, BEL...) and the bidirectional
# overrides, embeddings, isolates and marks that make text display in another order than it was written
# (so "gpj.exe" shows as "exe.jpg"). Right-to-left scripts display correctly without them.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


_BREAKS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n"})  # Unicode's line and paragraph separators


def visible(text: str) -> str:
    """The text without control codes and bidirectional controls (tabs and line breaks are kept; Unicode's
    line and paragraph separators become line breaks)."""
    return _INVISIBLE.sub("", text).translate(_BREAKS)


def clean_text(text: str, max_length: int) -> str:
    """Trim and fold whitespace, drop invisible controls; refuse text too short to mean anything or longer
    than the plan allows."""
    text = _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", visible(text)).strip())
    text = "\n".join(line.strip() for line in text.split("\n"))
    if len(text) < MIN_LENGTH:
        raise Refused("text_too_short", min=MIN_LENGTH)
    if len(text) > max_length:
        raise Refused("text_too_long", max=max_length, length=len(text))
    return text


def check_axis(axis: str, axes: set[str]) -> str:
    if axis not in axes:
        raise Refused("unknown_axis", axis=axis)
    return axis


def check_merge(source_id: int, source_merged_into: int | None, target_id: int, target_merged_into: int | None) -> None:
    """Merging keeps the source in the history but takes it off the wall; chains are not allowed."""
    if source_id == target_id:
        raise Refused("merge_into_itself")
    if source_merged_into is not None:
        raise Refused("already_merged")
    if target_merged_into is not None:
        raise Refused("merge_target_merged")
