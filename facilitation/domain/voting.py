"""Dot voting: the budget and per-item cap, the vote's states, who sees results, and ballot order."""
from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from facilitation.domain.errors import Refused
from facilitation.domain.roles import Action, Role, allowed


class VoteState(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class DotRules:
    dots_per_person: int
    max_dots_per_item: int
    hide_results_until_reveal: bool = True


def require_open(state: VoteState) -> None:
    if state is not VoteState.OPEN:
        raise Refused("vote_not_open")


def check_place(allocation: Mapping[int, int], item: int, ballot: set[int],
                rules: DotRules, state: VoteState) -> None:
    """A dot may go on a ballot item while the vote is open, within the budget and the per-item cap."""
    require_open(state)
    if item not in ballot:
        raise Refused("not_on_ballot")
    if sum(allocation.values()) >= rules.dots_per_person:
        raise Refused("no_dots_left", budget=rules.dots_per_person)
    if allocation.get(item, 0) >= rules.max_dots_per_item:
        raise Refused("item_cap_reached", cap=rules.max_dots_per_item)


def check_remove(allocation: Mapping[int, int], item: int, state: VoteState) -> None:
    require_open(state)
    if allocation.get(item, 0) <= 0:
        raise Refused("no_dot_here")


def check_open(state: VoteState, ballot_size: int, reopen: bool = False) -> None:
    """A closed vote opens again only when the facilitator asks to reopen it: a stray "open" (a second tab, a
    stale button) must not let the room change its dots after the results were seen."""
    if state is VoteState.OPEN:
        raise Refused("vote_already_open")
    if state is VoteState.CLOSED and not reopen:
        raise Refused("vote_closed")
    if ballot_size < 2:
        raise Refused("ballot_too_small", min=2)


def check_close(state: VoteState) -> None:
    if state is not VoteState.OPEN:
        raise Refused("vote_not_open")


def require_ballot_editable(state: VoteState) -> None:
    """No new options once voting has opened (dot-voting hygiene)."""
    if state is not VoteState.NOT_OPEN:
        raise Refused("ballot_frozen")


def results_visible(role: Role, revealed: bool, rules: DotRules) -> bool:
    """Staff and observers always see the tally; everyone else only once revealed (or if the plan shows it live)."""
    return allowed(role, Action.SEE_EVERYTHING) or revealed or not rules.hide_results_until_reveal


def ballot_order(voter_key: str, items: Sequence[int]) -> list[int]:
    """The ballot in an order of its own for each voter (against order bias), stable across reloads."""
    seed = int.from_bytes(hashlib.sha256(voter_key.encode()).digest()[:8], "big")
    order = sorted(items)
    random.Random(seed).shuffle(order)
    return order
