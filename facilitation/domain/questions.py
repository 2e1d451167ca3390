"""Questions from the floor and online: what a question is, who may upvote it, and the order the room sees."""

from __future__ import annotations

from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.ideas import clean_text, visible

MAX_LENGTH = 300  # a question, not a speech
NAME_LENGTH = 60


class Status(StrEnum):
    PENDING = "pending"  # pre-moderation: waiting for a moderator, seen only by staff
    SHOWN = "shown"  # on phones and on the projector
    HIDDEN = "hidden"  # taken down by a moderator (kept, and in the export)


def clean_question(text: str) -> str:
    return clean_text(text, MAX_LENGTH)


def clean_name(name: str | None) -> str:
    """An optional signature; empty means anonymous."""
    name = " ".join(visible(name or "").split())
    if len(name) > NAME_LENGTH:
        raise Refused("text_too_long", max=NAME_LENGTH, length=len(name))
    return name


def first_status(premoderated: bool, from_participant: bool) -> Status:
    """Under pre-moderation a participant's question waits for a moderator; staff questions go up at once."""
    return Status.PENDING if premoderated and from_participant else Status.SHOWN


def check_upvote(status: Status, already: bool, up: bool) -> None:
    """One upvote per participant and question, on questions the room can see; taking it back is allowed."""
    if status is not Status.SHOWN:
        raise Refused("unknown_question")
    if up and already:
        raise Refused("already_upvoted")
    if not up and not already:
        raise Refused("not_upvoted")


def room_order(question: dict) -> tuple:
    """Pinned first, then open questions by upvotes (older first on a tie), answered ones last."""
    return (not question["pinned"], question["answered"], -question["votes"], question["id"])
