"""Alignment with local planning: for a zona omogenea, an idea or a theme is marked as in line with the
zone's own plans, partly, or at odds with them, with a short note (an explicit aim of the PSM update)."""

from __future__ import annotations

from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import visible

NOTE_LENGTH = 300


class Verdict(StrEnum):
    ALIGNED = "aligned"
    PARTLY = "partly"
    MISALIGNED = "misaligned"


def check_target(idea: int | None, theme: int | None) -> None:
    """A mark is about one idea or one theme."""
    if (idea is None) == (theme is None):
        raise Refused("invalid_payload", fields="idea, theme")


def check_zone(zone: str, zones: set[str]) -> str:
    if zone not in zones:
        raise Refused("unknown_zone")
    return zone


def clean_note(note: str | None) -> str:
    note = " ".join(visible(note or "").split())
    if len(note) > NOTE_LENGTH:
        raise Refused("text_too_long", max=NOTE_LENGTH, length=len(note))
    return note
